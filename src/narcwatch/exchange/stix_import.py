"""STIX 2.1 bundles read back into incidents: one per Report (or Grouping).

A report written by narcwatch carries the narcwatch incident extension and comes back
whole. A foreign report (OpenCTI, another tool) gives what STIX says: title, notes, TLP,
owner, the selectors of the observables it refers to (directly, through Observed Data, or
in the simple ``[type:property = 'value']`` patterns of its Indicators), its countries
(role "seen") and the kind its labels name, else ``default_kind``.

Bad objects are reported (file, object id, field) and skipped; the rest is read. A report
whose TLP cannot be read is not imported: guessing could loosen a restriction.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import stix2
from stix2.exceptions import STIXError

from narcwatch.errors import InputError
from narcwatch.exchange import stix_objects  # noqa: F401  (registers narcwatch's observables)
from narcwatch.exchange.mapping import extension_schema, mappings
from narcwatch.exchange.reading import (
    Imported,
    SelectorReader,
    build_incident,
    each,
    refine,
    where,
)
from narcwatch.results.incident import IncidentKind, Tlp

CONTAINERS = ("report", "grouping")
_CARRIED = ("status", "sharing_group", "occurred", "substances", "modus_operandi", "documents")
_SCO_TYPES = frozenset(
    {"artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
     "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
     "software", "url", "user-account", "windows-registry-key", "x509-certificate",
     "cryptocurrency-wallet", "phone-number", "narcwatch-selector"}
)  # fmt: skip
_PATTERN = re.compile(r"^\[([a-z0-9-]+):([a-z_]+) = '((?:[^'\\]|\\.)*)'\]$")


def from_stix(
    data: Any, source: str, default_kind: IncidentKind = IncidentKind.ONLINE_OFFER
) -> Imported:
    out = Imported()
    if not isinstance(data, dict) or data.get("type") != "bundle":
        out.errors.append(InputError(source, None, 'not a STIX bundle (no "type": "bundle")'))
        return out
    objects = each(data.get("objects"), source, "bundle .objects", out.errors)
    if out.errors:
        return out
    index: dict[str, dict[str, Any]] = {}
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
            out.errors.append(InputError(source, f"objects[{i}] .id", "not an object with an id"))
            continue
        index[obj["id"]] = obj
    containers = [o for o in index.values() if o.get("type") in CONTAINERS]
    if not containers:
        out.errors.append(InputError(source, None, "no report or grouping: no incident to read"))
    for obj in containers:
        draft = _Report(obj, index, source, out.errors, default_kind).read()
        if draft is not None:
            out.incidents.append(draft)
    return out


class _Report:
    def __init__(
        self,
        obj: dict[str, Any],
        index: dict[str, dict[str, Any]],
        source: str,
        errors: list[InputError],
        default_kind: IncidentKind,
    ) -> None:
        self.raw, self.index, self.source, self.errors = obj, index, source, errors
        self.id: str = obj["id"]
        self.default_kind = default_kind

    def error(self, obj_id: str, field: str | None, reason: str) -> None:
        self.errors.append(InputError(self.source, where(obj_id, field), reason))

    def parse(self, obj: dict[str, Any]) -> Any:
        """The object checked by the stix2 library; None (error named) when it is invalid."""
        try:
            return stix2.parse(obj, allow_custom=True)
        except STIXError as exc:
            prop = getattr(exc, "prop_name", None)
            self.error(obj.get("id", "?"), prop, str(exc))
        except (ValueError, TypeError, KeyError) as exc:
            self.error(obj.get("id", "?"), None, f"invalid: {exc}")
        return None

    def read(self) -> Any:
        report = self.parse(self.raw)
        if report is None:
            return None
        tlp = self.tlp(report)
        if tlp is None:
            return None
        ext_def = mappings().extension("incident").id
        ext = dict((report.get("extensions") or {}).get(ext_def) or {})
        if ext and not self.valid_extension(ext):
            ext = {}
        refs = [r for r in report.get("object_refs", []) if isinstance(r, str)]
        data: dict[str, Any] = {
            "title": report.get("name") or "",
            "notes": report.get("description") or "",
            "tlp": tlp,
            "kind": ext.get("kind") or self.kind(report),
            "selectors": self.selectors(refs),
        }
        countries = ext.get("countries") or self.countries(refs)
        for key in _CARRIED:
            if key in ext:
                data[key] = ext[key]
        data["countries"] = countries
        for sub in data.get("substances", []):  # informative, not part of the model
            sub.pop("name", None)
            sub.pop("cas", None)
        owner = self.index.get(report.get("created_by_ref") or "")
        if owner and owner.get("type") == "identity" and owner.get("name"):
            data["org"] = owner["name"]
        data["id"] = ext.get("incident_id")
        data["created"], data["updated"] = report.get("created"), report.get("modified")
        return build_incident(data, self.source, self.id, self.errors)

    def valid_extension(self, ext: dict[str, Any]) -> bool:
        schema = extension_schema("narcwatch-incident.json")
        problems = sorted(jsonschema.Draft202012Validator(schema).iter_errors(ext), key=str)
        for p in problems[:10]:
            path = ".".join(str(x) for x in p.absolute_path) or "extensions"
            self.error(self.id, f"extensions.narcwatch-incident.{path}", p.message[:300])
        return not problems

    def tlp(self, report: Any) -> Tlp | None:
        """The most restrictive TLP among the report's markings (AMBER where it has none)."""
        known = {}
        for t in mappings().tlp:
            for marking in (t.stix_marking, *t.stix_aliases):
                known[marking] = Tlp(t.level)
        levels = []
        for ref in report.get("object_marking_refs", []):
            if ref in known:
                levels.append(known[ref])
                continue
            definition = self.index.get(ref) or {}
            if _is_statement(definition):
                continue  # a copyright or terms-of-use statement, not a TLP level
            self.error(
                self.id,
                "object_marking_refs",
                f"{ref} is not a TLP 2.0 (or 1.0) marking id; the report is not imported "
                "rather than given a TLP it may not have",
            )
            return None
        order = list(Tlp)
        return max(levels, key=order.index) if levels else Tlp.AMBER

    def kind(self, report: Any) -> str:
        labels = set(report.get("labels", []))
        for k in mappings().kinds:
            if k.stix_label in labels:
                return k.kind
        return str(self.default_kind)

    def selectors(self, refs: list[str]) -> list[Any]:
        sco_ids: list[str] = []
        patterns: list[tuple[str, object, str]] = []
        for ref in refs:
            kind = ref.split("--", 1)[0]
            obj = self.index.get(ref)
            if kind in _SCO_TYPES or (
                obj and obj.get("type") not in _KNOWN_SDO and not obj.get("created")
            ):
                sco_ids.append(ref)
            elif obj and kind == "observed-data":
                sco_ids += [r for r in obj.get("object_refs", []) if isinstance(r, str)]
            elif obj and kind == "indicator":
                patterns += self.pattern(obj)
        pairs = []
        for ref in dict.fromkeys(sco_ids):
            obj = self.index.get(ref)
            if obj is None:
                self.error(self.id, "object_refs", f"{ref} is not in the bundle")
                continue
            pairs += self.observable(obj)
        # An indicator's pattern only adds what no observable gave (a pattern names the
        # STIX type, not the narcwatch one: an xmr wallet's pattern reads as btc).
        values = {value for _, value, _ in pairs}
        pairs += [p for p in patterns if p[1] not in values]
        return SelectorReader(self.source, self.errors).read(pairs)

    def observable(self, obj: dict[str, Any]) -> list[tuple[str, object, str]]:
        m = mappings()
        parsed = self.parse(obj)
        if parsed is None:
            return []
        sid, otype = obj["id"], obj.get("type", "")
        if otype == "narcwatch-selector":
            return [(str(parsed.get("selector_type")), parsed.get("value"), where(sid, "value"))]
        ext = (obj.get("extensions") or {}).get(m.extension("selector").id) or {}
        for prop in ("value", "account_login", "user_id"):
            if prop in obj:
                named = ext.get("selector_type") if isinstance(ext, dict) else None
                stype = named or refine(
                    m.stix_reading(otype, prop, obj), m.stix_candidates(otype, prop), obj[prop]
                )
                if stype:
                    return [(str(stype), obj[prop], where(sid, prop))]
        self.error(sid, "type", f"{otype!r} is not read as a narcwatch selector (skipped)")
        return []

    def pattern(self, indicator: dict[str, Any]) -> list[tuple[str, object, str]]:
        match = _PATTERN.match(str(indicator.get("pattern", "")))
        if not match:
            return []  # compound patterns describe detections, not one selector
        otype, prop, value = match.groups()
        stype = mappings().stix_reading(otype, prop, {})
        if stype is None or otype == "narcwatch-selector":
            return []
        return [(stype, re.sub(r"\\(.)", r"\1", value), where(indicator["id"], "pattern"))]

    def countries(self, refs: list[str]) -> list[dict[str, str]]:
        out = []
        for ref in refs:
            obj = self.index.get(ref) or {}
            code = obj.get("country")
            if obj.get("type") == "location" and isinstance(code, str):
                out.append({"code": code.upper(), "role": "seen"})
        return out


_KNOWN_SDO = frozenset(
    {"attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident",
     "indicator", "infrastructure", "intrusion-set", "location", "malware", "malware-analysis",
     "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability",
     "relationship", "sighting", "marking-definition", "extension-definition",
     "language-content"}
)  # fmt: skip


def _is_statement(definition: dict[str, Any]) -> bool:
    if definition.get("type") != "marking-definition":
        return False
    if definition.get("definition_type") == "statement":
        return True
    name = str(definition.get("name", ""))
    return definition.get("definition_type") != "tlp" and not name.upper().startswith("TLP")
