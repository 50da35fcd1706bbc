"""Exchange jobs: incidents to and from STIX 2.1, MISP, narcwatch JSON and CSV.

The sharing server and ``narcwatch exchange convert`` call these::

    body = export_incidents(incidents, "stix")              # bytes of one STIX bundle
    drafts, errors = import_incidents(body, "auto", source="upload.json")

``import_incidents`` gives :class:`~narcwatch.results.incident.Incident` objects where the
input carries the incident's id, owner and dates (it was written by narcwatch), else
:class:`~narcwatch.results.incident.IncidentDraft` (for the server to own and date); both
are IncidentDraft. Bad objects are errors naming the file, object id and field; the rest
is imported.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from narcwatch.errors import InputError, NoInputError, UsageError
from narcwatch.results.incident import Incident, IncidentDraft, IncidentKind

if TYPE_CHECKING:
    from narcwatch.exchange import Imported
    from narcwatch.jobs.context import Context
    from narcwatch.kb.loader import KnowledgeBase

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "convert_file",
    "export_incidents",
    "import_incidents",
]

EXPORT_FORMATS = ("stix", "misp", "json", "csv")
IMPORT_FORMATS = ("auto", "stix", "misp", "json")


def export_incidents(
    incidents: Iterable[Incident], fmt: str, *, kb: KnowledgeBase | None = None
) -> bytes:
    """``incidents`` as one document in ``fmt``: UTF-8 JSON (stix, misp, json) or CSV (one
    row per incident, the columns of ``Incident.columns``, lists joined with "; ")."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", value=fmt, options=EXPORT_FORMATS)
    if fmt == "csv":
        from narcwatch.render.records import write_records

        stream = io.StringIO()
        write_records(list(incidents), "csv", stream)
        return stream.getvalue().encode("utf-8")
    from narcwatch.exchange import write

    if kb is None:
        from narcwatch.kb.loader import default_kb

        kb = default_kb()
    document = write(incidents, fmt, kb=kb)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def import_incidents(
    data: bytes | str | object,
    fmt: str = "auto",
    *,
    source: str = "<input>",
    default_kind: IncidentKind | str = IncidentKind.ONLINE_OFFER,
) -> tuple[list[IncidentDraft], list[InputError]]:
    """Incidents in ``data`` (bytes, text or parsed JSON) and what could not be read."""
    imported = _read(data, fmt, source, default_kind)
    return imported.incidents, imported.errors


def _read(data: object, fmt: str, source: str, default_kind: IncidentKind | str) -> Imported:
    from narcwatch.exchange import read

    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"unknown import format {fmt!r}", value=fmt, options=IMPORT_FORMATS)
    try:
        kind = IncidentKind(default_kind)
    except ValueError:
        raise UsageError(
            f"unknown incident kind {default_kind!r}", options=[k.value for k in IncidentKind]
        ) from None
    return read(data, fmt, source=source, default_kind=kind)


def convert_file(
    ctx: Context | None,
    path: Path | str,
    to: str,
    *,
    fmt: str = "auto",
    default_kind: IncidentKind | str = IncidentKind.ONLINE_OFFER,
) -> tuple[bytes, int, list[InputError]]:
    """A file of incidents converted to ``to``: (the output, how many incidents, errors).

    Drafts (a foreign file's incidents, without narcwatch ids) cannot be exported as
    STIX or MISP, which need an owner and dates: they are errors, unless ``to`` is json.
    A file with no incident at all raises :class:`NoInputError`."""
    if to not in EXPORT_FORMATS:
        raise UsageError(f"unknown --to {to!r}", value=to, options=EXPORT_FORMATS)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NoInputError(str(path), None, f"cannot read: {exc.strerror or exc}") from exc
    imported = _read(data, fmt, str(path), default_kind)
    errors = list(imported.errors)
    if not imported.incidents:
        reason = str(errors[0]) if errors else "no incident in the file"
        raise NoInputError(str(path), None, reason)
    if to == "json":
        records = [i.to_json_dict() for i in imported.incidents]
        return (
            (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode(),
            len(records),
            errors,
        )
    full = [i for i in imported.incidents if isinstance(i, Incident)]
    for i, draft in enumerate(imported.incidents):
        if not isinstance(draft, Incident):
            errors.append(
                InputError(
                    str(path),
                    f"incident {i + 1} ({draft.title[:60]!r})",
                    f"a draft without narcwatch id, owner and dates cannot be written as {to}",
                )
            )
    if not full:
        raise NoInputError(str(path), None, f"no complete incident to write as {to}")
    kb = ctx.kb if ctx is not None else None
    return export_incidents(full, to, kb=kb), len(full), errors
