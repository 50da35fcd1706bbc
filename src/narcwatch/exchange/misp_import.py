"""MISP event JSON read back into incidents: one per event.

Reads ``{"Event": ...}``, a list of those, or ``{"response": [...]}`` (restSearch). The
JSON is read as plain data rather than through ``MISPEvent.load``: pymisp stops at the
first attribute it cannot load, and one bad attribute must not lose an event (each is
reported by its uuid and skipped).

An event written by narcwatch (its ``narcwatch incident`` carrier attribute) comes back
whole, but for the order of its selectors (MISP keeps attributes apart from objects). A
foreign event gives its title, notes (event reports), TLP (``tlp:`` tags, else its
distribution level), sharing group, owner, kind (a ``narcwatch:kind`` tag, else
``default_kind``) and the selectors its attributes and objects hold.
"""

from __future__ import annotations

import json
from typing import Any

from narcwatch.errors import InputError
from narcwatch.exchange.mapping import mappings
from narcwatch.exchange.misp_export import CARRIER_COMMENT, NOTES_REPORT, SHARING_GROUP
from narcwatch.exchange.reading import (
    Imported,
    SelectorReader,
    build_incident,
    each,
    refine,
    where,
)
from narcwatch.results.incident import IncidentKind, Tlp

_TYPE_TAG = "narcwatch:selector-type="
_SUBSTANCE_TAG = "narcwatch:substance="


def from_misp(
    data: Any, source: str, default_kind: IncidentKind = IncidentKind.ONLINE_OFFER
) -> Imported:
    out = Imported()
    if isinstance(data, dict) and "response" in data:
        data = data["response"]
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(each(items, source, "events", out.errors)):
        event = item.get("Event") if isinstance(item, dict) else None
        if not isinstance(event, dict):
            out.errors.append(InputError(source, f"events[{i}]", 'not a MISP {"Event": ...}'))
            continue
        reader = _Event(event, source, out.errors, default_kind, i)
        draft = reader.read()
        if draft is not None:
            out.incidents.append(draft)
    return out


def _tags(obj: dict[str, Any]) -> list[str]:
    tags = obj.get("Tag") or []
    return [t["name"] for t in tags if isinstance(t, dict) and isinstance(t.get("name"), str)]


def _tag_value(tag: str) -> str:
    return tag.split("=", 1)[1].strip('"')


class _Event:
    def __init__(
        self,
        event: dict[str, Any],
        source: str,
        errors: list[InputError],
        default_kind: IncidentKind,
        index: int,
    ) -> None:
        self.ev, self.source, self.errors = event, source, errors
        self.id = f"event {event.get('uuid') or index}"
        self.default_kind = default_kind

    def error(self, loc: str, reason: str) -> None:
        self.errors.append(InputError(self.source, loc, reason))

    def read(self) -> Any:
        tags = _tags(self.ev)
        tlp = self.tlp(tags)
        if tlp is None:
            return None
        carried = self.carried()
        data: dict[str, Any] = {
            "title": self.ev.get("info") or "",
            "tlp": tlp,
            "notes": "\n\n".join(
                str(r.get("content", ""))
                for r in self.ev.get("EventReport") or []
                if isinstance(r, dict) and r.get("name") == NOTES_REPORT
            ),
            "kind": self.kind(tags),
            "substances": [{"id": _tag_value(t)} for t in tags if t.startswith(_SUBSTANCE_TAG)],
            "selectors": self.selectors(),
        }
        status = {s.misp_analysis: s.status for s in mappings().statuses}
        analysis = str(self.ev.get("analysis", ""))
        if analysis.isdigit() and int(analysis) in status:
            data["status"] = status[int(analysis)]
        group = self.ev.get("SharingGroup")
        if str(self.ev.get("distribution")) == str(SHARING_GROUP) and isinstance(group, dict):
            data["sharing_group"] = group.get("name")
        org = self.ev.get("Orgc")
        if isinstance(org, dict) and org.get("name"):
            data["org"] = org["name"]
        for sub in carried.get("substances", []):
            sub.pop("name", None)
        data.update(carried)
        return build_incident(data, self.source, self.id, self.errors)

    def tlp(self, tags: list[str]) -> Tlp | None:
        known = {}
        for t in mappings().tlp:
            for tag in (t.misp_tag, *t.misp_aliases):
                known[tag] = Tlp(t.level)
        levels = []
        for tag in tags:
            if tag.lower().startswith("tlp:"):
                if tag.lower() not in known:
                    self.error(
                        where(self.id, "Tag"),
                        f"{tag!r} is not a TLP 2.0 level (tlp:clear, tlp:green, tlp:amber, "
                        "tlp:amber+strict, tlp:red); the event is not imported",
                    )
                    return None
                levels.append(known[tag.lower()])
        if levels:
            return max(levels, key=list(Tlp).index)
        distribution = str(self.ev.get("distribution", ""))
        for t in mappings().tlp:  # most restrictive first when several share a level
            if str(t.misp_distribution) == distribution and t.level != "RED":
                return Tlp(t.level)
        return Tlp.AMBER

    def kind(self, tags: list[str]) -> str:
        for k in mappings().kinds:
            if k.misp_tag in tags:
                return k.kind
        return str(self.default_kind)

    def carried(self) -> dict[str, Any]:
        for attr in self.ev.get("Attribute") or []:
            if isinstance(attr, dict) and attr.get("comment") == CARRIER_COMMENT:
                loc = where(f"attribute {attr.get('uuid')}", "value")
                try:
                    data = json.loads(attr.get("value") or "")
                except ValueError as exc:
                    self.error(loc, f"narcwatch incident data is not JSON: {exc}")
                    return {}
                if isinstance(data, dict):
                    return data
                self.error(loc, "narcwatch incident data is not an object")
        return {}

    def selectors(self) -> list[Any]:
        pairs: list[tuple[str, object, str]] = []
        attrs = each(
            self.ev.get("Attribute"), self.source, where(self.id, "Attribute"), self.errors
        )
        for attr in attrs:
            if isinstance(attr, dict) and attr.get("comment") != CARRIER_COMMENT:
                pairs += self.attribute(attr, None, {})
        objects = each(self.ev.get("Object"), self.source, where(self.id, "Object"), self.errors)
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            inner = [a for a in obj.get("Attribute") or [] if isinstance(a, dict)]
            values = {str(a.get("object_relation")): a.get("value") for a in inner}
            for attr in inner:
                pairs += self.attribute(attr, obj.get("name"), values)
        return SelectorReader(self.source, self.errors).read(pairs)

    def attribute(
        self, attr: dict[str, Any], obj: str | None, values: dict[str, Any]
    ) -> list[tuple[str, object, str]]:
        m = mappings()
        relation = attr.get("object_relation") if obj else None
        if obj and any(relation in s.misp.fixed for s in m.selectors if s.misp.object == obj):
            return []  # a fixed companion (a coin-address's symbol), not a selector
        loc = where(f"attribute {attr.get('uuid')}", "value")
        named = [_tag_value(t) for t in _tags(attr) if t.startswith(_TYPE_TAG)]
        attr_type = str(attr.get("type", ""))
        stype = (
            named[0]
            if named
            else refine(
                m.misp_reading(attr_type, obj, relation, values),
                m.misp_candidates(attr_type, obj, relation),
                attr.get("value"),
            )
        )
        if stype is None:
            where_from = f" in object {obj!r}" if obj else ""
            self.error(
                where(f"attribute {attr.get('uuid')}", "type"),
                f"{attr_type!r}{where_from} is not read as a narcwatch selector (skipped)",
            )
            return []
        return [(stype, attr.get("value"), loc)]
