"""Sightings of incidents as STIX 2.1 ``sighting`` objects (issue 17).

Each organisation that reported seeing an incident (kind ``seen``) is one Sighting of the
incident's Report: ``count`` its reports, ``first_seen``/``last_seen`` their dates (the
day seen, else when it was reported), ``where_sighted_refs`` the organisation's Identity
and the Locations of the countries it named. STIX 2.1 has no property for "false
positive" or "expired", so those kinds are not exported (they stay in the API).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any

import stix2

from narcwatch.exchange import stix_objects as so
from narcwatch.results.feedback import Sighting, SightingKind
from narcwatch.results.incident import Incident

__all__ = ["add_sightings"]


def _when(s: Sighting) -> datetime:
    return datetime.combine(s.seen, time(), UTC) if s.seen else s.created


def sighting_objects(incidents: Iterable[Incident], sightings: Iterable[Sighting]) -> list[Any]:
    """The Sighting objects (and the Identities and Locations they refer to)."""
    by_id = {inc.id: inc for inc in incidents}
    groups: dict[tuple[str, str], list[Sighting]] = {}
    for s in sightings:
        if s.kind == SightingKind.SEEN and s.incident in by_id:
            groups.setdefault((s.incident, s.org), []).append(s)
    out: dict[str, Any] = {}
    for (incident_id, org), seen in sorted(groups.items()):
        inc = by_id[incident_id]
        marking = so.tlp_marking(inc.tlp).id
        identity = so.organisation(org)
        places = [so.country(c, marking) for c in sorted({s.country for s in seen if s.country})]
        for obj in (identity, *places):
            out.setdefault(obj.id, obj)
        whens = [_when(s) for s in seen]
        sighting = stix2.Sighting(
            id=so.stix_id("sighting", incident_id, org),
            created_by_ref=identity.id,
            created=min(s.created for s in seen),
            modified=max(s.created for s in seen),
            sighting_of_ref=so.stix_id("report", incident_id),
            where_sighted_refs=[identity.id, *(p.id for p in places)],
            count=len(seen),
            first_seen=min(whens),
            last_seen=max(whens),
            object_marking_refs=[marking],
        )
        out[sighting.id] = sighting
    return list(out.values())


def add_sightings(
    bundle: dict[str, Any], incidents: Iterable[Incident], sightings: Iterable[Sighting]
) -> dict[str, Any]:
    """``bundle`` (a JSON-ready dict of :func:`~narcwatch.exchange.stix_export.to_stix`)
    with the sightings of its incidents added; objects already in it are not repeated."""
    objects = list(bundle.get("objects", []))
    have = {o.get("id") for o in objects}
    for obj in sighting_objects(incidents, sightings):
        if obj.id not in have:
            objects.append(_plain(obj))
            have.add(obj.id)
    return {**bundle, "objects": objects}


def _plain(obj: Any) -> dict[str, Any]:
    plain: dict[str, Any] = json.loads(obj.serialize())
    return plain
