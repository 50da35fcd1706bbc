"""Correlation: which alerts a new or edited incident raises.

An incident correlates with incidents of *other* organisations that share a selector, a
document hash or a substance+route key (:mod:`narcwatch.share.keys`). Each match alerts
both sides: our organisation about their incident and theirs about ours. What each side
then sees of the other incident is decided when the alert is read, by the same
visibility rules as every read (the store's); an incident that is RED alerts nobody
but its owner, because even "a match exists" would disclose it.

Common values (a market's escrow wallet, its PGP key, a shared support handle) sit in
the incidents of many organisations and would alert everyone about everything, the
main complaint of MISP users. A key carried by incidents of more than ``common_orgs``
organisations raises no alert; it is counted (``common_values``) instead.

Cost: two indexed lookups on ``incident_keys.ident`` for the incident's keys, whatever
the number of stored incidents.
"""

from __future__ import annotations

from dataclasses import dataclass

from narcwatch.share.keys import CORRELATED
from narcwatch.store.alerts import AlertDraft, AlertRepository
from narcwatch.store.incidents import Key

__all__ = ["COMMON_ORGS", "Correlation", "correlate"]

COMMON_ORGS = 5  # a value in more organisations' incidents than this is common


@dataclass(frozen=True, slots=True)
class Correlation:
    alerts_raised: int
    common_values: int


def correlate(
    alerts: AlertRepository,
    *,
    incident_pk: int,
    org: str,
    tlp: str,
    keys: list[Key],
    common_orgs: int = COMMON_ORGS,
) -> Correlation:
    """Raise the alerts incident ``incident_pk`` (of ``org``, at ``tlp``, stored with
    ``keys``) calls for; alerts raised before are not raised again."""
    by_ident = {k.ident: k for k in keys if k.kind in CORRELATED}
    if not by_ident:
        return Correlation(0, 0)
    counts = alerts.org_counts(list(by_ident))
    common = {ident for ident, n in counts.items() if n > common_orgs}
    wanted = [ident for ident, n in counts.items() if n > 1 and ident not in common]
    drafts: list[AlertDraft] = []
    for m in alerts.matches(wanted, other_than=org):
        if m.tlp != "RED":  # we learn of their incident only if it is not RED
            drafts.append(AlertDraft(org, incident_pk, m.pk, m.kind, m.ident, m.value))
        if tlp != "RED":  # and they of ours
            drafts.append(AlertDraft(m.org, m.pk, incident_pk, m.kind, m.ident, m.value))
    return Correlation(alerts.add(drafts), len(common))
