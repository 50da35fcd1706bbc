"""Exchange formats: incidents to and from STIX 2.1 bundles, MISP event JSON and
narcwatch's own incident JSON (issue 17). Pure converters, no store: the sharing server
and ``narcwatch exchange convert`` both call them through :mod:`narcwatch.jobs.exchange`.

    from narcwatch.exchange import read, write
    bundle = write(incidents, "stix", kb=kb)            # a JSON-ready dict
    imported = read(bundle, "stix", source="feed.json")  # incidents and errors

What is written where (selector type -> STIX observable / MISP attribute and object, TLP ->
marking / tag and distribution, kind -> label / tag) is data: ``data/mappings.yaml``, with
the JSON Schemas of narcwatch's STIX extensions beside it in ``data/stix/``. stix2 and
pymisp are imported by the converter that needs them, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from narcwatch.errors import InputError, UsageError
from narcwatch.exchange.reading import Imported, SelectorReader, build_incident, each, load_json
from narcwatch.results.incident import Incident, IncidentKind

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

__all__ = ["READ_FORMATS", "WRITE_FORMATS", "Imported", "detect", "read", "write"]

WRITE_FORMATS = ("stix", "misp", "json")
READ_FORMATS = ("auto", "stix", "misp", "json")


def write(
    incidents: Iterable[Incident], fmt: str, *, kb: KnowledgeBase | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """``incidents`` as one JSON-ready document in ``fmt`` (stix, misp or json)."""
    if fmt == "stix":
        from narcwatch.exchange.stix_export import to_stix

        return to_stix(incidents, kb)
    if fmt == "misp":
        from narcwatch.exchange.misp_export import to_misp

        return to_misp(incidents, kb)
    if fmt == "json":
        return [inc.to_json_dict() for inc in incidents]
    raise UsageError(f"unknown export format {fmt!r}", value=fmt, options=WRITE_FORMATS)


def read(
    data: bytes | str | Any,
    fmt: str = "auto",
    *,
    source: str = "<input>",
    default_kind: IncidentKind = IncidentKind.ONLINE_OFFER,
) -> Imported:
    """Incidents from ``data`` (bytes, text or parsed JSON) in ``fmt``. Never raises for
    bad content: what cannot be read is in ``errors``, naming the object and field."""
    if fmt not in READ_FORMATS:
        raise UsageError(f"unknown import format {fmt!r}", value=fmt, options=READ_FORMATS)
    try:
        parsed = load_json(data, source)
    except InputError as exc:
        return Imported(errors=[exc])
    if fmt == "auto":
        fmt = detect(parsed)
    if fmt == "stix":
        from narcwatch.exchange.stix_import import from_stix

        return from_stix(parsed, source, default_kind)
    if fmt == "misp":
        from narcwatch.exchange.misp_import import from_misp

        return from_misp(parsed, source, default_kind)
    return _from_json(parsed, source)


def detect(parsed: Any) -> str:
    """stix, misp or json, from the document's shape."""
    if isinstance(parsed, dict) and parsed.get("type") == "bundle":
        return "stix"
    first = parsed[0] if isinstance(parsed, list) and parsed else parsed
    if isinstance(first, dict) and ("Event" in first or "response" in first):
        return "misp"
    return "json"


def _from_json(parsed: Any, source: str) -> Imported:
    out = Imported()
    records = parsed if isinstance(parsed, list) else [parsed]
    for i, record in enumerate(each(records, source, "records", out.errors)):
        loc = f"record {i + 1}"
        if not isinstance(record, dict):
            out.errors.append(InputError(source, loc, "not a JSON object"))
            continue
        selectors = each(record.get("selectors"), source, f"{loc} .selectors", out.errors)
        pairs = [
            (str(s.get("type")), s.get("value"), f"{loc} .selectors[{j}]")
            for j, s in enumerate(selectors)
            if isinstance(s, dict)
        ]
        record = {**record, "selectors": SelectorReader(source, out.errors).read(pairs)}
        draft = build_incident(record, source, loc, out.errors)
        if draft is not None:
            out.incidents.append(draft)
    return out
