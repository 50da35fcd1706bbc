"""Correlation alerts: both sides alerted, by selector, document and route; common
values counted, not alerted; editing an incident raises no duplicates."""

from __future__ import annotations

import pytest

from narcwatch.results.incident import IncidentDraft
from narcwatch.results.share import IncidentPatch
from tests.server.conftest import draft

DOC = "ab" * 32


def _new(hub, who: str, **fields):
    return hub.service.create_incident(hub.caller(who), IncidentDraft(**draft(**fields)))


def _alerts(hub, who: str) -> list:
    return hub.service.list_alerts(hub.caller(who)).items


@pytest.mark.parametrize(
    ("mine", "theirs", "kind"),
    [
        ({"selectors": [{"type": "telegram", "value": "@Shop_Bot"}]},
         {"selectors": [{"type": "Telegram", "value": " shop_bot"}]}, "selector"),
        ({"selectors": [{"type": "phone", "value": "+33 6 12 34 56 78"}]},
         {"selectors": [{"type": "phone", "value": "+33612345678"}]}, "selector"),
        ({"documents": [{"sha256": DOC}]}, {"documents": [{"sha256": "cd" * 32,
                                                           "evidence_sha256": DOC}]}, "document"),
        ({"substances": [{"id": "cocaine"}], "countries": [{"code": "CO", "role": "origin"},
                                                           {"code": "ES", "role": "destination"}]},
         {"substances": [{"id": "Cocaine"}], "countries": [{"code": "ES", "role": "destination"},
                                                           {"code": "CO", "role": "origin"}]},
         "route"),
    ],
)  # fmt: skip
def test_a_shared_key_alerts_both_organisations(hub, mine, theirs, kind):
    first = _new(hub, "a", tlp="GREEN", **mine)
    assert first.alerts_raised == 0
    second = _new(hub, "c", tlp="GREEN", **theirs)
    assert second.alerts_raised == 2
    (for_a,) = _alerts(hub, "a")
    (for_c,) = _alerts(hub, "c")
    assert (for_a.match_kind, for_c.match_kind) == (kind, kind)
    assert for_a.incident == first.incident.id and for_a.other.id == second.incident.id
    assert for_c.incident == second.incident.id and for_c.other.id == first.incident.id
    assert _alerts(hub, "b") == []


def test_no_alert_between_incidents_of_one_organisation_or_on_unrelated_keys(hub):
    _new(hub, "a", selectors=[{"type": "btc", "value": "bc1qsame"}])
    assert _new(hub, "a", selectors=[{"type": "btc", "value": "bc1qsame"}]).alerts_raised == 0
    # the same substance alone, or one end of a route, is no match
    _new(hub, "a", substances=[{"id": "heroin"}], countries=[{"code": "AF", "role": "origin"}])
    route = [{"code": "AF", "role": "origin"}, {"code": "NL", "role": "transit"}]
    other = _new(hub, "b", substances=[{"id": "heroin"}], countries=route)
    assert other.alerts_raised == 0


def test_editing_raises_new_matches_only(hub):
    a = _new(hub, "a", tlp="GREEN", selectors=[{"type": "email", "value": "x@shop.example"}])
    c = _new(hub, "c", tlp="GREEN", selectors=[{"type": "email", "value": "X@Shop.example"}])
    assert c.alerts_raised == 2
    same = hub.service.update_incident(hub.caller("c"), c.incident.id, IncidentPatch(title="t2"))
    assert same.alerts_raised == 0
    more = hub.service.update_incident(
        hub.caller("c"), c.incident.id,
        IncidentPatch(documents=[{"sha256": DOC}]),
    )  # fmt: skip
    assert more.alerts_raised == 0  # A has no such document
    hub.service.update_incident(hub.caller("a"), a.incident.id,
                                IncidentPatch(documents=[{"sha256": DOC}]))  # fmt: skip
    assert len(_alerts(hub, "a")) == 2 and len(_alerts(hub, "c")) == 2


def test_common_values_are_counted_not_alerted(hub):
    service = hub.service
    service.common_orgs = 2  # a value in more than two organisations' incidents is common
    escrow = [{"type": "btc", "value": "bc1qescrow"}]
    _new(hub, "a", tlp="GREEN", selectors=escrow)
    assert _new(hub, "b", tlp="GREEN", selectors=escrow).alerts_raised == 2
    third = _new(hub, "c", tlp="GREEN",
                 selectors=[*escrow, {"type": "btc", "value": "bc1qvendor"}])  # fmt: skip
    assert (third.alerts_raised, third.common_values) == (0, 1)
    assert _alerts(hub, "c") == []
    # a rare value alongside the common one still alerts
    fourth = _new(hub, "a", tlp="GREEN", selectors=[{"type": "btc", "value": "bc1qvendor"}])
    assert (fourth.alerts_raised, fourth.common_values) == (2, 0)


def test_a_red_incident_alerts_only_its_owner(hub):
    red = _new(hub, "a", tlp="RED", selectors=[{"type": "xmr", "value": "4Abc"}])
    green = _new(hub, "b", tlp="GREEN", selectors=[{"type": "xmr", "value": "4Abc"}])
    assert green.alerts_raised == 1
    assert _alerts(hub, "b") == []
    (for_a,) = _alerts(hub, "a")
    assert (for_a.incident, for_a.other.id) == (red.incident.id, green.incident.id)
    # base58 is case-sensitive: another case is another wallet
    assert _new(hub, "c", tlp="GREEN",
                selectors=[{"type": "xmr", "value": "4ABC"}]).alerts_raised == 0  # fmt: skip


def test_an_alert_follows_the_other_incidents_current_distribution(hub):
    a = _new(hub, "a", tlp="AMBER+STRICT", selectors=[{"type": "onion", "value": "abc.onion"}])
    _new(hub, "c", tlp="GREEN", selectors=[{"type": "onion", "value": "ABC.onion"}])
    assert _alerts(hub, "c")[0].other is None
    hub.service.update_incident(hub.caller("a"), a.incident.id, IncidentPatch(tlp="GREEN"))
    assert _alerts(hub, "c")[0].other.id == a.incident.id
    hub.service.update_incident(hub.caller("a"), a.incident.id, IncidentPatch(tlp="RED"))
    assert _alerts(hub, "c") == []
