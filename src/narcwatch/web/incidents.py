"""Incidents and alerts through :class:`ShareService`, with the analyst's own rights:
the list shows what the server lets their organisation see, the editor is prefilled from
a finding or an actor, and an incident's page shows its message threads (posting is in
:mod:`narcwatch.web.messages`; the alerts inbox in :mod:`narcwatch.web.alerts`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from narcwatch.errors import UsageError
from narcwatch.jobs.link import show_actor
from narcwatch.jobs.review import show_document
from narcwatch.results.incident import IncidentDraft, IncidentKind, IncidentStatus, Tlp
from narcwatch.results.share import Message, Role
from narcwatch.web.base import WebRoute, posted, service, state, user
from narcwatch.web.session import WebUser
from narcwatch.web.views import render

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]
MODUS = ("concealment", "transport", "platform")  # the modus operandi fields


@router.get("/incidents")
def incidents(
    request: Request, who: Me, cursor: Annotated[str | None, Query(max_length=64)] = None
) -> Response:
    page = service(request).list_incidents(who.caller, limit=50, cursor=cursor)
    return render(request, "incidents.html", user=who, nav="incidents", page=page)


def _prefill(request: Request, who: WebUser, actor: str | None, doc: str | None) -> dict[str, Any]:
    """The editor's fields from an actor (all its selectors and documents) or a finding."""
    ctx, vis = state(request).ctx, who.caller.visibility
    fields: dict[str, Any] = {"kind": IncidentKind.ONLINE_OFFER.value, "title": "",
                              "substances": "", "selectors": "", "documents": "",
                              "platform": "", "notes": "", "source": ""}  # fmt: skip
    if actor:
        a = show_actor(ctx, actor, visibility=vis)
        sels = dict.fromkeys(f"{s.type}:{s.value}" for i in a.items for s in i.selectors)
        sels.update(dict.fromkeys(link.label for link in a.links))
        who_ = ", ".join(a.vendors) or a.id
        fields.update(
            title=f"Drug offers by {who_}"
            + (f" on {', '.join(a.platforms)}" if a.platforms else ""),
            substances="\n".join(a.substances),
            selectors="\n".join(sels),
            documents="\n".join(a.documents),
            platform=", ".join(a.platforms),
            notes=f"From narcwatch actor {a.id}: {len(a.documents)} documents.",
            source=f"actor {a.id}",
        )
    elif doc:
        view = show_document(ctx, doc, visibility=vis)
        f = view.finding
        fields.update(
            title=(f.doc.title or f"Offer {f.doc.id[:12]}")[:500],
            substances="\n".join(dict.fromkeys(s.id for s in f.substances)),
            selectors="\n".join(dict.fromkeys(f"{s.type}:{s.value}" for s in f.selectors)),
            documents=f.doc.id,
            platform=f.doc.platform or "",
            notes="Reasons: " + "; ".join(f.reasons[:10]) if f.reasons else "",
            source=f"document {f.doc.id[:12]}",
        )
    return fields


def _form(request: Request, who: WebUser, fields: dict[str, Any], error: str | None,
          status: int = 200) -> Response:  # fmt: skip
    groups = service(request).groups(who.caller)
    return render(request, "incident_form.html", status=status, user=who, nav="incidents",
                  f=fields, error=error, kinds=list(IncidentKind), tlps=list(Tlp),
                  statuses=list(IncidentStatus), groups=groups)  # fmt: skip


@router.get("/incidents/new")
def new_incident(
    request: Request,
    who: Me,
    actor: Annotated[str | None, Query(max_length=16)] = None,
    doc: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    fields = _prefill(request, who, actor, doc)
    fields.update(tlp=Tlp.AMBER.value, sharing_group="", status=IncidentStatus.OPEN.value,
                  countries="", occurred="", concealment="", transport="")  # fmt: skip
    return _form(request, who, fields, None)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _draft(form: dict[str, str]) -> IncidentDraft:
    """The editor's text fields read into a draft (one substance, selector, document or
    country per line)."""
    selectors = []
    for line in _lines(form.get("selectors", "")):
        type_, sep, value = line.partition(":")
        if not sep or not type_.strip() or not value.strip():
            raise UsageError(f"a selector is TYPE:VALUE, not {line!r}")
        selectors.append({"type": type_.strip(), "value": value.strip()})
    countries = []
    for line in _lines(form.get("countries", "")):
        code, _, role = line.partition(":")
        countries.append({"code": code.strip().upper(), "role": (role.strip() or "seen").lower()})
    occurred = form.get("occurred", "").strip()
    return IncidentDraft.model_validate({
        "kind": form.get("kind"),
        "title": form.get("title", "").strip(),
        "tlp": form.get("tlp"),
        "sharing_group": form.get("sharing_group") or None,
        "status": form.get("status") or IncidentStatus.OPEN.value,
        "substances": [{"id": s} for s in _lines(form.get("substances", ""))],
        "selectors": selectors,
        "countries": countries,
        "occurred": date.fromisoformat(occurred) if occurred else None,
        "modus_operandi": {k: form.get(k) or None for k in MODUS},
        "documents": [{"sha256": d.lower()} for d in _lines(form.get("documents", ""))],
        "notes": form.get("notes", ""),
    })  # fmt: skip


@router.post("/incidents")
async def create_incident(request: Request, who: Me) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    posted(request, who, form.get("csrf"))
    try:
        draft = _draft(form)
    except (ValidationError, ValueError, UsageError) as exc:
        message = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        if isinstance(exc, ValidationError) and exc.errors()[0].get("loc"):
            message = f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {message}"
        return _form(request, who, form, message, 400)
    written = service(request).create_incident(who.caller, draft)
    return RedirectResponse(f"/incidents/{written.incident.id}", status_code=303)


@router.get("/incidents/{incident_id}")
def incident(request: Request, who: Me, incident_id: str) -> Response:
    return incident_page(request, who, incident_id)


def incident_page(
    request: Request,
    who: WebUser,
    incident_id: str,
    *,
    status: int = 200,
    error: str | None = None,
    draft: dict[str, str] | None = None,
) -> Response:
    """An incident and its threads: the caller's own with the owner, or, for the owner,
    one per organisation that asked (the same job as ``GET .../messages``)."""
    svc = service(request)
    found = svc.get_incident(who.caller, incident_id)
    threads: dict[str, list[Message]] = {}
    for message in svc.incident_messages(who.caller, incident_id):
        threads.setdefault(message.thread_org, []).append(message)
    versions = svc.incident_versions(who.caller, incident_id)
    owner = found.org == who.org
    others = [o.name for o in svc.organisations(who.caller) if o.name != who.org] if owner else []
    return render(request, "incident.html", status=status, user=who, nav="incidents",
                  inc=found, versions=versions, threads=threads, owner=owner,
                  others=others, error=error, draft=draft or {},
                  writer=who.caller.role != Role.READER)  # fmt: skip
