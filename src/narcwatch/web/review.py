"""The review queue, decisions, the labelled export and the document view."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from narcwatch.jobs import review as jobs
from narcwatch.jobs.evidence import NoCaptureError, show_job
from narcwatch.results.review import Decision
from narcwatch.web.base import WebRoute, posted, state, user
from narcwatch.web.highlight import segments, spans_of
from narcwatch.web.session import WebUser
from narcwatch.web.views import CAPTURE_CSP, render, secure

router = APIRouter(route_class=WebRoute)

Me = Annotated[WebUser, Depends(user)]
DocId = Annotated[str, "a document id or a unique prefix"]
PAGE = 50
KINDS = {"drug": "drug offer", "other": "other offer", "talk": "talk (no offer)"}
CONTROL = r"^(1961|1971|1988|national|none)?$"  # jobs.review.CONTROLS, or none chosen
COUNTRY = r"^([A-Za-z]{2})?$"  # ISO 3166-1 alpha-2, or none chosen


@router.get("/")
def home(who: Me) -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue")
def queue(
    request: Request,
    who: Me,
    platform: Annotated[str | None, Query(max_length=128)] = None,
    substance: Annotated[str | None, Query(max_length=128)] = None,
    kind: Annotated[str | None, Query(pattern=r"^(drug|other|talk)?$")] = None,
    min_score: Annotated[str | None, Query(max_length=8)] = None,
    since: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    until: Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = None,
    undecided: Annotated[str | None, Query(max_length=3)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    family: Annotated[str | None, Query(max_length=64)] = None,
    control: Annotated[str | None, Query(pattern=CONTROL)] = None,
    country: Annotated[str | None, Query(pattern=COUNTRY)] = None,
) -> Response:
    score = float(min_score) if min_score and _is_number(min_score) else None
    where = jobs.QueueFilter(platform=platform or None, substance=substance or None,
                             kind=kind or None, min_score=score, since=since or None,
                             until=until or None, undecided=bool(undecided),
                             country=country.upper() if country else None)  # fmt: skip
    ctx = state(request).ctx
    page = jobs.queue_job(ctx, where, limit=PAGE, offset=offset, visibility=who.caller.visibility,
                          family=family or None, control=control or None)  # fmt: skip
    return render(request, "queue.html", user=who, nav="queue", page=page, where=where,
                  kinds=KINDS, offset=offset, size=PAGE, min_score=min_score or "",
                  families=jobs.families_stored(ctx, visibility=who.caller.visibility),
                  controls=jobs.CONTROLS,
                  family=family or "", control=control or "")  # fmt: skip


def _is_number(text: str) -> bool:
    try:
        return 0.0 <= float(text) <= 1.0
    except ValueError:
        return False


@router.post("/review/{doc_id}")
def decide(
    request: Request,
    who: Me,
    doc_id: str,
    decision: Annotated[Decision, Form()],
    csrf: Annotated[str | None, Form(max_length=100)] = None,
    note: Annotated[str, Form(max_length=10_000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/queue",
) -> Response:
    """Record a decision; the queue's script asks for JSON, a plain form gets a redirect."""
    posted(request, who, csrf)
    review = jobs.decide(state(request).ctx, doc_id, decision, analyst=who.email,
                         org=who.org, role=who.caller.role, note=note,
                         visibility=who.caller.visibility)  # fmt: skip
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(review.model_dump(mode="json"))
    target = back if back.startswith("/") and not back.startswith("//") else "/queue"
    return RedirectResponse(target, status_code=303)


@router.get("/review/export.jsonl")
def export(request: Request, who: Me) -> Response:
    """Confirmed and dismissed findings as JSON Lines: ``narcwatch eval FILE --labels
    label --positive offer`` reads it."""
    records = jobs.export_labels(state(request).ctx, visibility=who.caller.visibility)
    lines = (json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in records)
    headers = {"Content-Disposition": 'attachment; filename="narcwatch-labels.jsonl"'}
    return secure(StreamingResponse(lines, media_type="application/x-ndjson", headers=headers))


@router.get("/documents/{doc_id}")
def document(request: Request, who: Me, doc_id: str) -> Response:
    ctx = state(request).ctx
    view = jobs.show_document(ctx, doc_id, visibility=who.caller.visibility)
    doc = view.finding.doc
    try:
        evidence = show_job(ctx, doc.id, visibility=who.caller.visibility)
    except NoCaptureError:
        evidence = None
    parts = segments(doc.text, spans_of(view.finding)) if doc.text else []
    archived = evidence.text if evidence and not doc.text else None
    return render(request, "document.html", user=who, nav="queue", view=view, doc=doc,
                  parts=parts, archived=archived, evidence=evidence,
                  decisions=list(Decision))  # fmt: skip


@router.get("/documents/{doc_id}/capture")
def capture(request: Request, who: Me, doc_id: str) -> Response:
    """The archived payload, to be shown in a sandboxed frame: its own CSP forbids every
    script and every load (only inline styles and data: images)."""
    with tempfile.TemporaryDirectory(prefix="narcwatch-web-") as tmp:
        out = Path(tmp) / "payload"
        try:
            shown = show_job(state(request).ctx, doc_id, html=out,
                             visibility=who.caller.visibility)  # fmt: skip
        except NoCaptureError:
            return secure(Response("no archived capture", 404, media_type="text/plain"),
                          CAPTURE_CSP)  # fmt: skip
        body = out.read_bytes() if out.exists() else b""
    if body.lstrip()[:1] == b"<":
        kind = "text/html"
    else:  # an imported archive or export file: the document's text read back from it
        body, kind = (shown.text or "").encode(), "text/plain; charset=utf-8"
    response = Response(body, media_type=kind)
    secure(response, CAPTURE_CSP)
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
