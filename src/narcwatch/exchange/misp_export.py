"""Incidents as MISP events (pymisp's MISPEvent and MISPObject), one event per incident.

- selectors are attributes of their MISP type (btc, xmr, email-src, url, domain,
  phone-number...) or attributes of the MISP object they belong in (coin-address,
  tor-hiddenservice, telegram-account, pgp-meta), as ``mappings.yaml`` says;
- TLP is a ``tlp:`` taxonomy tag (TLP 2.0 names) and the event's distribution level; an
  incident in a sharing group is distributed to that sharing group (level 4), named with a
  UUIDv5 of its name so every narcwatch instance names it alike;
- kind and substances are ``narcwatch:`` machine tags, status the analysis level, notes an
  event report;
- what MISP has no field for (the incident id and dates, substance quantities, country
  roles, modus operandi, linked documents) is one ``text`` attribute in category
  "Internal reference", commented ``narcwatch incident``, holding it as JSON, excluded
  from correlation and IDS export.

Every uuid is a UUIDv5 of the incident id and what it names: exporting twice gives the
same event, and a MISP instance updates the event instead of adding a copy.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPOrganisation, MISPSharingGroup

from narcwatch.exchange.mapping import mappings
from narcwatch.exchange.stix_objects import NAMESPACE
from narcwatch.results.incident import Incident

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

INHERIT = 5  # MISP distribution of an attribute: that of its event
SHARING_GROUP = 4
CARRIER_COMMENT = "narcwatch incident"
NOTES_REPORT = "narcwatch notes"
TYPE_TAG = 'narcwatch:selector-type="{}"'
SUBSTANCE_TAG = 'narcwatch:substance="{}"'


def misp_uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "misp/" + "/".join(parts)))


def to_misp(incidents: Iterable[Incident], kb: KnowledgeBase | None = None) -> dict[str, Any]:
    """One incident as ``{"Event": ...}`` (what MISP's "import from JSON" reads), several
    as ``{"response": [{"Event": ...}, ...]}`` (what MISP's restSearch returns)."""
    events = [{"Event": json.loads(to_event(inc, kb).to_json())} for inc in incidents]
    return events[0] if len(events) == 1 else {"response": events}


def to_event(inc: Incident, kb: KnowledgeBase | None = None) -> MISPEvent:
    m = mappings()
    ev = MISPEvent()
    ev.uuid = misp_uuid("event", inc.id)
    ev.info = inc.title
    ev.date = inc.occurred or inc.created.date()
    # No event timestamp: pymisp leaves it out of edited events for MISP to set on
    # ingest; the incident's own dates travel in the carrier attribute.
    ev.analysis = next(s.misp_analysis for s in m.statuses if s.status == inc.status)
    ev.threat_level_id = 4  # undefined: narcwatch does not grade threat
    org = MISPOrganisation()
    org.from_dict(name=inc.org, uuid=misp_uuid("org", inc.org))
    ev.Orgc = org
    tlp = m.tlp_of(inc.tlp)
    if inc.sharing_group:
        ev.distribution = SHARING_GROUP
        group = MISPSharingGroup()
        group.from_dict(name=inc.sharing_group, uuid=misp_uuid("sharing-group", inc.sharing_group))
        ev.SharingGroup = group
    else:
        ev.distribution = tlp.misp_distribution
    ev.add_tag(tlp.misp_tag)
    ev.add_tag(next(k.misp_tag for k in m.kinds if k.kind == inc.kind))
    for sub in inc.substances:
        ev.add_tag(SUBSTANCE_TAG.format(sub.id))
    _selectors(ev, inc)
    carrier = _one(
        ev.add_attribute(
            "text",
            json.dumps(
                _carried(inc, kb), ensure_ascii=False, separators=(",", ":"), sort_keys=True
            ),
            category="Internal reference",
            comment=CARRIER_COMMENT,
            to_ids=False,
            disable_correlation=True,
            distribution=INHERIT,
        )
    )
    carrier.uuid = misp_uuid("carrier", inc.id)
    if inc.notes:
        report = ev.add_event_report(NOTES_REPORT, inc.notes, distribution=INHERIT)
        report.uuid = misp_uuid("notes", inc.id)
    return ev


def _selectors(ev: MISPEvent, inc: Incident) -> None:
    m = mappings()
    for sel in inc.selectors:
        w = m.selector(sel.type).misp
        key = (inc.id, sel.type, sel.value)
        tagged = m.misp_reading(w.type, w.object, w.relation, w.fixed) != sel.type
        if w.object is None:
            attr = _one(
                ev.add_attribute(w.type, sel.value, category=w.category, distribution=INHERIT)
            )
        else:
            obj = MISPObject(w.object, standalone=False)
            obj.uuid = misp_uuid("object", *key)
            obj.distribution = INHERIT
            attr = _one(
                obj.add_attribute(
                    str(w.relation),
                    value=sel.value,
                    type=w.type,
                    category=w.category,
                    distribution=INHERIT,
                )
            )
            for i, (relation, value) in enumerate(sorted(w.fixed.items())):
                extra = _one(obj.add_attribute(relation, value=value, distribution=INHERIT))
                extra.uuid = misp_uuid("fixed", *key, str(i))
            ev.add_object(obj)
        attr.uuid = misp_uuid("attribute", *key)
        if tagged:
            attr.add_tag(TYPE_TAG.format(sel.type))


_CARRIED = {
    "id", "kind", "status", "sharing_group", "occurred", "substances", "countries",
    "modus_operandi", "documents", "created", "updated",
}  # fmt: skip


def _one(attr: MISPAttribute | list[MISPAttribute] | None) -> MISPAttribute:
    """pymisp's add_attribute gives a list for a list of values; narcwatch adds one."""
    if not isinstance(attr, MISPAttribute):
        raise TypeError(f"one MISP attribute expected, got {attr!r}")
    return attr


def _carried(inc: Incident, kb: KnowledgeBase | None) -> dict[str, Any]:
    data = inc.model_dump(
        mode="json",
        include=_CARRIED,
        exclude_none=True,
    )
    for sub in data.get("substances", []):
        entry = kb.substances.get(sub["id"]) if kb else None
        if entry is not None:
            sub["name"] = entry.name
    return data
