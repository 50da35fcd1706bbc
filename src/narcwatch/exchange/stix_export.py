"""Incidents as one STIX 2.1 bundle.

Each incident is a **Report** (the container OpenCTI, MISP's STIX import and most TAXII
consumers show as one case with everything it refers to; STIX 2.1's Incident SDO is a stub
with no properties for what an incident holds, and a Grouping says "not yet analysed").
The report refers to:

- one observable per selector (email-addr, url, domain-name, user-account, and the
  extension-defined cryptocurrency-wallet, phone-number, narcwatch-selector), with
  deterministic UUIDv5 ids, so the same wallet in two organisations' bundles is one object;
- one Observed Data grouping them (when and how often they were seen);
- one Indicator per selector (a STIX pattern a consumer can match) based on it;
- a Location per country;
- the owning organisation as an Identity (``created_by_ref`` of everything it owns).

What STIX has no property for (kind, status, sharing group, substances with quantities,
country roles, modus operandi, linked documents) is in the report's narcwatch incident
property extension. TLP is the OASIS TLP 2.0 marking on every object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

import stix2

from narcwatch.exchange import stix_objects as so
from narcwatch.exchange.mapping import mappings
from narcwatch.results.incident import Incident, Tlp

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

_TLP_ORDER = list(Tlp)
_LABEL = "drug-trafficking"


def to_stix(incidents: Iterable[Incident], kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """One bundle (as a JSON-ready dict) holding every incident."""
    items = list(incidents)
    # An observable or location shared by incidents of different TLP is marked with the
    # most restrictive of them: it is one object in the bundle.
    shared: dict[tuple[str, ...], Tlp] = {}
    for inc in items:
        keys: list[tuple[str, ...]] = [("sel", s.type, s.value) for s in inc.selectors]
        keys += [("loc", c.code) for c in inc.countries]
        for key in keys:
            if key not in shared or _TLP_ORDER.index(inc.tlp) > _TLP_ORDER.index(shared[key]):
                shared[key] = inc.tlp
    built: dict[tuple[str, ...], Any] = {}
    for key, level in shared.items():
        marking = so.tlp_marking(level).id
        built[key] = (
            so.observable(key[1], key[2], marking)
            if key[0] == "sel"
            else so.country(key[1], marking)
        )
    objects: dict[str, Any] = {}
    for inc in items:
        for obj in _incident_objects(inc, built, kb):
            objects.setdefault(obj.id, obj)
    used_levels = {inc.tlp for inc in items} | set(shared.values())
    head: list[Any] = [so.tlp_marking(t) for t in _TLP_ORDER if t in used_levels]
    ext_ids = _extensions_used(objects.values())
    defs = [d for d in so.extension_definitions() if d.id in ext_ids]
    if defs:
        head += [so.publisher(), *defs]
    everything = head + list(objects.values())
    bundle_id = so.stix_id("bundle", *sorted(o.id for o in everything if o.type == "report"))
    return {
        "type": "bundle",
        "id": bundle_id,
        "objects": [json.loads(o.serialize()) for o in everything],
    }


def _extensions_used(objects: Iterable[Any]) -> set[str]:
    return {key for o in objects for key in (o.get("extensions") or {})}


def _incident_objects(
    inc: Incident, built: dict[tuple[str, ...], Any], kb: KnowledgeBase | None
) -> list[Any]:
    m = mappings()
    marking = so.tlp_marking(inc.tlp).id
    org = so.organisation(inc.org)
    common = {
        "created_by_ref": org.id,
        "created": inc.created,
        "modified": inc.updated,
        "object_marking_refs": [marking],
    }
    scos = list(
        {id(o): o for o in (built[("sel", s.type, s.value)] for s in inc.selectors)}.values()
    )
    locations = [built[("loc", c.code)] for c in inc.countries]
    related: list[Any] = []
    if scos:
        seen = datetime.combine(inc.occurred, time(), UTC) if inc.occurred else inc.created
        observed = stix2.ObservedData(
            id=so.stix_id("observed-data", inc.id),
            first_observed=seen,
            last_observed=seen,
            number_observed=1,
            object_refs=[o.id for o in scos],
            **common,
        )
        related.append(observed)
        for sel in inc.selectors:
            indicator = so.Indicator(
                id=so.stix_id("indicator", inc.id, sel.type, sel.value),
                name=f"{sel.type} {sel.value}",
                description=f"{sel.type} selector of incident {inc.id}: {inc.title}",
                indicator_types=["attribution"],
                pattern=so.pattern(sel.type, sel.value),
                pattern_type="stix",
                pattern_version="2.1",
                valid_from=inc.created,
                **common,
            )
            related.append(indicator)
            related.append(
                stix2.Relationship(
                    id=so.stix_id("relationship", indicator.id, "based-on"),
                    relationship_type="based-on",
                    source_ref=indicator.id,
                    target_ref=observed.id,
                    **common,
                )
            )
    ext = m.extension("incident")
    labels = [_LABEL, next(k.stix_label for k in m.kinds if k.kind == inc.kind)]
    labels += [_substance_name(s.id, kb) for s in inc.substances]
    report = stix2.Report(
        id=so.stix_id("report", inc.id),
        name=inc.title,
        description=inc.notes or None,
        published=inc.created,
        report_types=["threat-report"],
        labels=list(dict.fromkeys(labels)),
        object_refs=[o.id for o in [*scos, *related, *locations]] or [org.id],
        extensions={ext.id: _incident_extension(inc, kb)},
        allow_custom=True,
        **common,
    )
    return [org, *scos, *locations, *related, report]


def _incident_extension(inc: Incident, kb: KnowledgeBase | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "extension_type": "property-extension",
        "incident_id": inc.id,
        "kind": str(inc.kind),
        "status": str(inc.status),
    }
    if inc.sharing_group:
        out["sharing_group"] = inc.sharing_group
    if inc.occurred:
        out["occurred"] = inc.occurred.isoformat()
    if inc.substances:
        out["substances"] = [
            _substance(s.model_dump(exclude_none=True), kb) for s in inc.substances
        ]
    if inc.countries:
        out["countries"] = [c.model_dump() for c in inc.countries]
    mo = inc.modus_operandi.model_dump(exclude_none=True)
    if mo:
        out["modus_operandi"] = mo
    if inc.documents:
        out["documents"] = [d.model_dump(exclude_none=True) for d in inc.documents]
    return out


def _substance(data: dict[str, Any], kb: KnowledgeBase | None) -> dict[str, Any]:
    """A substance with its knowledge-base name and CAS numbers (informative: the id is
    what is read back)."""
    entry = kb.substances.get(data["id"]) if kb else None
    if entry is not None:
        data["name"] = entry.name
        if entry.cas:
            data["cas"] = list(entry.cas)
    return data


def _substance_name(substance_id: str, kb: KnowledgeBase | None) -> str:
    entry = kb.substances.get(substance_id) if kb else None
    return entry.name if entry is not None else substance_id
