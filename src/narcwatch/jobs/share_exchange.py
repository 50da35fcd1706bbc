"""Exchange formats on the sharing server: export what the caller may see as STIX 2.1,
MISP, narcwatch JSON or CSV, and import such documents as the caller's incidents.

Exports read through :meth:`ShareService.get_incident` and ``list_incidents`` (so the
store's visibility decides what leaves) and are audited; the converters are
:mod:`narcwatch.jobs.exchange`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from narcwatch.errors import NotFoundError, UsageError
from narcwatch.jobs import share_feedback
from narcwatch.jobs.exchange import export_incidents as _export
from narcwatch.jobs.exchange import import_incidents as _import
from narcwatch.results.incident import IncidentDraft
from narcwatch.results.share import ImportReport
from narcwatch.store.audit import Event

if TYPE_CHECKING:
    from narcwatch.jobs.share import Caller, ShareService

__all__ = ["MAX_IMPORT", "export_incident", "export_incidents", "import_incidents"]

MAX_IMPORT = 1000  # incidents in one POST /import


def export_incident(svc: ShareService, caller: Caller, incident_id: str, fmt: str) -> bytes:
    """One incident the caller may see (404 otherwise) as STIX, MISP, JSON or CSV."""
    incident = svc.get_incident(caller, incident_id)
    body = _export([incident], fmt)
    if fmt == "stix":  # with who saw it (STIX 2.1 Sighting objects)
        body = share_feedback.stix_sightings(svc, caller, [incident], body)
    svc.audit_only(
        Event(
            caller.email,
            caller.org,
            "incident.export",
            incident_id,
            {"token_id": caller.token_id, "format": fmt},
        )
    )
    return body


def export_incidents(
    svc: ShareService, caller: Caller, fmt: str, *, limit: int = 500, **filters: Any
) -> bytes:
    """The newest ``limit`` incidents the caller may see matching ``filters``."""
    page = svc.list_incidents(caller, limit=limit, **filters)
    body = _export(page.items, fmt)
    if fmt == "stix":
        body = share_feedback.stix_sightings(svc, caller, page.items, body)
    svc.audit_only(
        Event(
            caller.email,
            caller.org,
            "incidents.export",
            None,
            {"token_id": caller.token_id, "format": fmt, "count": len(page.items)},
        )
    )
    return body


def import_incidents(
    svc: ShareService, caller: Caller, data: bytes, fmt: str = "auto"
) -> ImportReport:
    """Incidents of a STIX, MISP or narcwatch JSON document, created as the caller's
    organisation's (ids, owners and dates in the file are not kept)."""
    drafts, errors = _import(data, fmt, source="upload")
    if len(drafts) > MAX_IMPORT:
        raise UsageError(f"at most {MAX_IMPORT} incidents an import, not {len(drafts)}")
    report = ImportReport(errors=[str(e) for e in errors[:100]])
    for n, found in enumerate(drafts):
        draft = IncidentDraft.model_validate(
            found.model_dump(include=set(IncidentDraft.model_fields))
        )
        try:
            written = svc.create_incident(caller, draft)
        except NotFoundError as exc:  # a sharing group the caller is not in
            report.errors.append(f"incident {n + 1}: {exc}")
            continue
        report.created.append(written.incident.id)
        report.alerts_raised += written.alerts_raised
    return report
