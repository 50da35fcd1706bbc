"""TAXII 2.1 under ``/taxii2/`` (read only): discovery, the API root ``/taxii2/api/``,
its collections and their objects, manifests and versions.

Thin like :mod:`narcwatch.server.routes`: the work is :mod:`narcwatch.jobs.taxii`'s.
Callers authenticate with a bearer token or, as TAXII clients do, HTTP Basic (a user's
e-mail and password). Answers are ``application/taxii+json;version=2.1``; a request
whose ``Accept`` names no TAXII 2.1 media type gets 406, and errors are TAXII error
messages (see :func:`narcwatch.server.problems.install`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from narcwatch import __version__
from narcwatch.errors import AccessError
from narcwatch.jobs import taxii
from narcwatch.jobs.share import Caller, ShareService
from narcwatch.server import problems
from narcwatch.server.auth import service

__all__ = ["PREFIX", "router"]

PREFIX = problems.TAXII_PREFIX  # errors under it are TAXII error messages
_ACCEPTED = ("application/taxii+json", "application/*", "*/*")


def accept(request: Request) -> None:
    """406 unless ``Accept`` is absent or allows ``application/taxii+json;version=2.1``."""
    header = request.headers.get("accept")
    if not header:
        return
    for item in header.split(","):
        media, *params = (p.strip().lower() for p in item.split(";"))
        versions = [p.split("=", 1)[1].strip() for p in params if p.startswith("version=")]
        if media in _ACCEPTED and all(v == "2.1" for v in versions):
            return
    raise HTTPException(406, f"this server answers {taxii.MEDIA_TAXII} only")


def caller(request: Request, svc: Annotated[ShareService, Depends(service)]) -> Caller:
    """A bearer token's caller, or an e-mail and password's (HTTP Basic); 401 otherwise.
    Basic attempts count against the login limit of the client address and e-mail."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        request.app.state.limiter.hit("t:" + hashlib.sha256(value.encode()).hexdigest())
        return svc.authenticate(value)
    if scheme.lower() == "basic" and value:
        try:
            email, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            sep = ""
        if sep and email:
            host = request.client.host if request.client else "?"
            request.app.state.limiter.hit("b:" + email.lower())
            try:
                return taxii.basic_caller(svc, email, password)
            except AccessError:
                request.app.state.login_limiter.hit(f"{host}|{email.lower()}")
                raise
    raise AccessError("TAXII needs HTTP Basic (e-mail, password) or a bearer token", status=401)


router = APIRouter(prefix=PREFIX, tags=["taxii"], dependencies=[Depends(accept)])
CallerDep = Annotated[Caller, Depends(caller)]
ServiceDep = Annotated[ShareService, Depends(service)]
CollectionId = Annotated[str, Path(max_length=128, description="A collection's id or alias")]
ObjectId = Annotated[str, Path(max_length=256, description="A STIX id (type--uuid)")]
AddedAfter = Annotated[str | None, Query(max_length=64, description="Objects added after this")]
Limit = Annotated[str | None, Query(max_length=12, description=f"At most (≤ {taxii.MAX_LIMIT})")]
Next = Annotated[str | None, Query(max_length=512, description="The previous page's `next`")]
MatchId = Annotated[str | None, Query(alias="match[id]", max_length=8192)]
MatchType = Annotated[str | None, Query(alias="match[type]", max_length=1024)]
_VERSIONS = "last (default), first, all or timestamps"
MatchVersion = Annotated[
    str | None, Query(alias="match[version]", max_length=1024, description=_VERSIONS)
]
MatchSpec = Annotated[str | None, Query(alias="match[spec_version]", max_length=64)]


def _taxii(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, headers=headers, media_type=taxii.MEDIA_TAXII)


def _query(request: Request) -> taxii.Query:
    return taxii.parse_query(dict(request.query_params))


@router.get("/", response_class=JSONResponse)
def discovery(request: Request, who: CallerDep) -> JSONResponse:
    """The server's TAXII discovery: its one API root."""
    root = str(request.url_for("api_root"))
    return _taxii({
        "title": "narcwatch sharing server", "description": "Drug-trafficking incidents "
        "shared under TLP 2.0 and sharing groups, as STIX 2.1",
        "contact": "the server's operator", "default": root, "api_roots": [root],
    })  # fmt: skip


@router.get("/api/", response_class=JSONResponse)
def api_root(request: Request, who: CallerDep) -> JSONResponse:
    """The API root: TAXII 2.1, read only."""
    return _taxii({
        "title": "narcwatch incidents", "description": f"narcwatch {__version__}",
        "versions": [taxii.MEDIA_TAXII], "max_content_length": request.app.state.settings.max_body,
    })  # fmt: skip


@router.get("/api/collections/", response_class=JSONResponse)
def collections(who: CallerDep) -> JSONResponse:
    """``incidents`` and one collection per sharing group of the caller's organisation."""
    return _taxii({"collections": [c.info() for c in taxii.collections(who)]})


@router.get("/api/collections/{collection_id}/", response_class=JSONResponse)
def collection(collection_id: CollectionId, who: CallerDep) -> JSONResponse:
    """One collection, by id or alias."""
    return _taxii(taxii.collection(who, collection_id).info())


@router.get("/api/collections/{collection_id}/objects/", response_class=JSONResponse)
async def objects(
    request: Request, collection_id: CollectionId, who: CallerDep, svc: ServiceDep,
    added_after: AddedAfter = None, limit: Limit = None, next: Next = None,
    match_id: MatchId = None, match_type: MatchType = None, match_version: MatchVersion = None,
    match_spec_version: MatchSpec = None,
) -> JSONResponse:  # fmt: skip
    """The collection's STIX objects the caller may see, oldest added first (audited)."""
    body, headers = await run_in_threadpool(taxii.objects, svc, who, collection_id, _query(request))
    return _taxii(body, headers)


@router.get("/api/collections/{collection_id}/objects/{object_id}/", response_class=JSONResponse)
async def object_(
    request: Request, collection_id: CollectionId, object_id: ObjectId, who: CallerDep,
    svc: ServiceDep, added_after: AddedAfter = None, limit: Limit = None, next: Next = None,
    match_version: MatchVersion = None, match_spec_version: MatchSpec = None,
) -> JSONResponse:  # fmt: skip
    """One object; 404 when the caller may see no such object (audited)."""
    body, headers = await run_in_threadpool(
        taxii.objects, svc, who, collection_id, _query(request), object_id
    )
    return _taxii(body, headers)


@router.get(
    "/api/collections/{collection_id}/objects/{object_id}/versions/",
    response_class=JSONResponse,
)
async def versions(
    request: Request, collection_id: CollectionId, object_id: ObjectId, who: CallerDep,
    svc: ServiceDep, added_after: AddedAfter = None, limit: Limit = None, next: Next = None,
    match_spec_version: MatchSpec = None,
) -> JSONResponse:  # fmt: skip
    """The versions of one object (the server keeps one: the current)."""
    body, headers = await run_in_threadpool(
        taxii.object_versions, svc, who, collection_id, object_id, _query(request)
    )
    return _taxii(body, headers)


@router.get("/api/collections/{collection_id}/manifest/", response_class=JSONResponse)
async def manifest(
    request: Request, collection_id: CollectionId, who: CallerDep, svc: ServiceDep,
    added_after: AddedAfter = None, limit: Limit = None, next: Next = None,
    match_id: MatchId = None, match_type: MatchType = None, match_version: MatchVersion = None,
    match_spec_version: MatchSpec = None,
) -> JSONResponse:  # fmt: skip
    """Id, date added, version and media type of the objects ``objects`` would send."""
    body, headers = await run_in_threadpool(
        taxii.manifest, svc, who, collection_id, _query(request)
    )
    return _taxii(body, headers)
