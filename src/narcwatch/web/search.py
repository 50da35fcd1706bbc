"""Selector search and evidence bundles: ``narcwatch selectors search`` and
``narcwatch evidence export`` from the browser."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from narcwatch.errors import UsageError
from narcwatch.jobs.evidence import export_job
from narcwatch.jobs.link import search_selector
from narcwatch.web.base import WebRoute, posted, state, user
from narcwatch.web.session import WebUser
from narcwatch.web.views import render, secure

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]


@router.get("/search")
def search(request: Request, who: Me, q: Annotated[str, Query(max_length=1100)] = "") -> Response:
    """Every stored document a selector appears in (a wallet, a phone number as written,
    a handle, TYPE:VALUE), with its actor."""
    found = (
        search_selector(state(request).ctx, q, visibility=who.caller.visibility)
        if q.strip()
        else []
    )
    return render(request, "search.html", user=who, nav="search", q=q, found=found)


@router.post("/bundle")
def bundle(
    request: Request,
    who: Me,
    csrf: Annotated[str, Form(max_length=100)] = "",
    doc: Annotated[str | None, Form(max_length=64)] = None,
    actor: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    """An evidence bundle (zip) of a document's or an actor's archived captures, logged
    in the chain of custody as ``narcwatch evidence export`` logs it."""
    posted(request, who, csrf)
    if not doc and not actor:
        raise UsageError("give a document or an actor")
    tmp = Path(tempfile.mkdtemp(prefix="narcwatch-bundle-"))
    out = tmp / f"evidence-{(doc or actor or '')[:12]}.zip"
    export_job(state(request).ctx, [doc] if doc else [], output=out, actor=actor,
               visibility=who.caller.visibility)  # fmt: skip
    cleanup = BackgroundTask(_remove, tmp)
    return secure(FileResponse(out, media_type="application/zip", filename=out.name,
                               background=cleanup))  # fmt: skip


def _remove(directory: Path) -> None:
    for path in sorted(directory.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    directory.rmdir()
