"""What every importer shares: reading the JSON, bounding it, checking selectors, and
turning validation failures into :class:`~narcwatch.errors.InputError` that name the file,
the object and the field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from narcwatch.errors import InputError
from narcwatch.exchange.mapping import mappings
from narcwatch.results.incident import Incident, IncidentDraft, IncidentSelector

# An exchange file is read whole: past these sizes it is refused rather than parsed (a
# server passes request bodies here; its own body limit is usually lower).
MAX_BYTES = 64 * 1024 * 1024
MAX_OBJECTS = 200_000
MAX_VALUE = 4096  # characters of one selector value


@dataclass
class Imported:
    """What an import read: incidents (an :class:`Incident` where the file carries its id,
    owner and dates, else an :class:`IncidentDraft`) and what it could not read."""

    incidents: list[IncidentDraft] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def load_json(data: bytes | str | Any, source: str) -> Any:
    """Parsed JSON (``data`` already parsed is returned as is); an InputError naming the
    file when it is too big or not JSON."""
    if not isinstance(data, bytes | str):
        return data
    if len(data) > MAX_BYTES:
        raise InputError(source, None, f"{len(data)} bytes, more than the {MAX_BYTES} read")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(source, None, f"not JSON: {exc}") from exc


def where(obj_id: str, field_name: str | None = None) -> str:
    return f"{obj_id} .{field_name}" if field_name else obj_id


def validation_errors(exc: ValidationError, source: str, obj_id: str) -> list[InputError]:
    out = []
    for err in exc.errors()[:20]:
        loc = ".".join(str(p) for p in err["loc"]) or None
        out.append(InputError(source, where(obj_id, loc), err["msg"]))
    return out


def build_incident(
    data: dict[str, Any], source: str, obj_id: str, errors: list[InputError]
) -> IncidentDraft | None:
    """An Incident when ``data`` has what one needs (id, org, created, updated), else an
    IncidentDraft; None (errors added) when neither validates."""
    full = all(data.get(k) for k in ("id", "org", "created", "updated"))
    model: type[IncidentDraft] = Incident if full else IncidentDraft
    if not full:
        data = {k: v for k, v in data.items() if k not in ("id", "org", "created", "updated")}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.extend(validation_errors(exc, source, obj_id))
        return None


class SelectorReader:
    """Checks and normalises imported selector values with narcwatch's own extractors, so
    an imported wallet with a bad checksum or a mixed-case e-mail is what a scan would have
    found (or refused), and drops duplicates."""

    def __init__(self, source: str, errors: list[InputError]) -> None:
        self.source = source
        self.errors = errors

    def read(self, pairs: list[tuple[str, object, str]]) -> list[IncidentSelector]:
        """``pairs``: (selector type, value, where it was read) in order."""
        out: dict[tuple[str, str], IncidentSelector] = {}
        for selector_type, raw, loc in pairs:
            value = self.normalise(selector_type, raw, loc)
            if value is not None:
                out.setdefault(
                    (selector_type, value), IncidentSelector(type=selector_type, value=value)
                )
        return list(out.values())

    def normalise(self, selector_type: str, raw: object, loc: str) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            self.errors.append(InputError(self.source, loc, "selector value missing or not text"))
            return None
        value = raw.strip()
        if len(value) > MAX_VALUE:
            self.errors.append(
                InputError(self.source, loc, f"selector value over {MAX_VALUE} characters")
            )
            return None
        check = mappings().selector(selector_type).check
        if check is None:
            return value
        found = [h.value for h in _extract(value) if h.type == check]
        if not found:
            self.errors.append(
                InputError(self.source, loc, f"{value[:100]!r} is not a valid {selector_type}")
            )
            return None
        return found[0]


def refine(default: str | None, candidates: list[str], value: object) -> str | None:
    """The type of a value whose written form does not say it (a foreign domain-name that
    is an onion, a cryptocurrency-wallet that is Monero): the default reading where the
    extractor agrees, else the candidate it reads the value as. Only checked types are
    refined: a handle's value says nothing of its platform."""
    if default is None or not isinstance(value, str):
        return default
    check = mappings().selector(default).check
    if check is None:
        return default
    found = {h.type for h in _extract(value.strip())}
    if check in found:
        return default
    for candidate in candidates:
        if (mappings().selector(candidate).check or candidate) in found:
            return candidate
    return default


def _extract(value: str) -> list[Any]:
    from narcwatch.selectors import extract

    return extract(value)


def each(items: Any, source: str, loc: str, errors: list[InputError]) -> list[Any]:
    """``items`` as a list (an error and nothing when it is not one, or is too long)."""
    if items is None:
        return []
    if not isinstance(items, list):
        errors.append(InputError(source, loc, "expected a list"))
        return []
    if len(items) > MAX_OBJECTS:
        errors.append(InputError(source, loc, f"{len(items)} items, more than {MAX_OBJECTS}"))
        return []
    return items
