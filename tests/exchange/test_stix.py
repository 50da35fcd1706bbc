"""STIX 2.1: export validates (tests/exchange/stix_checks.py) and reads back to an equal
incident."""

from __future__ import annotations

import json

import pytest
import stix2

from narcwatch.exchange import read, write
from narcwatch.exchange.mapping import mappings
from narcwatch.kb import default_kb
from narcwatch.results.incident import Incident, IncidentDraft, Tlp
from tests.exchange.samples import SAMPLES, incident
from tests.exchange.stix_checks import validate


def roundtrip(incidents: list[Incident]) -> list[IncidentDraft]:
    bundle = json.loads(json.dumps(write(incidents, "stix", kb=default_kb())))
    validate(bundle)
    got = read(bundle, "stix", source="bundle.json")
    assert got.errors == []
    return got.incidents


def test_every_field_survives_a_round_trip():
    inc = incident()
    assert roundtrip([inc]) == [inc]


@pytest.mark.parametrize("level", list(Tlp))
def test_every_tlp_level_is_its_oasis_marking_and_reads_back(level):
    inc = incident({"btc": SAMPLES["btc"]}, tlp=level, sharing_group=None, notes="")
    bundle = write([inc], "stix")
    marking = mappings().tlp_of(level).stix_marking
    assert {o["id"] for o in bundle["objects"] if o["type"] == "marking-definition"} == {marking}
    assert all(
        marking in o["object_marking_refs"]
        for o in bundle["objects"]
        if o["type"] not in ("marking-definition", "identity", "extension-definition")
    )
    assert roundtrip([inc]) == [inc]


@pytest.mark.parametrize(("stype", "value"), SAMPLES.items(), ids=list(SAMPLES))
def test_each_selector_type_round_trips(stype, value):
    inc = incident({stype: value})
    assert roundtrip([inc])[0].selectors == inc.selectors


def test_values_with_quotes_and_backslashes_make_valid_patterns():
    inc = incident({"handle": "it's\\x", "pgp-uid": "Shop 'NL' \\ <orders@example.com>"})
    bundle = write([inc], "stix")
    patterns = [o["pattern"] for o in bundle["objects"] if o["type"] == "indicator"]
    assert patterns[0] == "[user-account:account_login = 'it\\'s\\\\x']"
    assert roundtrip([inc]) == [inc]  # stix2.parse runs the pattern grammar on each


def test_observables_have_stix_ids_and_are_shared_between_incidents():
    a = incident({"email": "orders@example.com", "btc": SAMPLES["btc"]}, id="a", tlp="GREEN")
    b = incident({"email": "orders@example.com"}, id="b", tlp="RED")
    bundle = write([a, b], "stix")
    emails = [o for o in bundle["objects"] if o["type"] == "email-addr"]
    # The id STIX itself gives this e-mail address (UUIDv5 of its value): one object...
    assert [o["id"] for o in emails] == [stix2.EmailAddress(value="orders@example.com").id]
    # ...marked with the most restrictive TLP of the incidents that share it.
    assert emails[0]["object_marking_refs"] == [mappings().tlp_of("RED").stix_marking]
    assert roundtrip([a, b]) == [a, b]


def test_export_is_deterministic_and_carries_the_kb_names():
    inc = incident()
    first, second = write([inc], "stix"), write([inc], "stix")
    assert first == second
    report = next(
        o for o in write([inc], "stix", kb=default_kb())["objects"] if o["type"] == "report"
    )
    assert {"drug-trafficking", "suspicious-drug-shipment", "Cocaine"} <= set(report["labels"])
    ext = report["extensions"][mappings().extension("incident").id]
    assert ext["substances"][0]["cas"]  # CAS numbers from the knowledge base


def test_a_foreign_report_is_read_from_what_stix_says():
    """A report as another tool writes it: TLP 1.0 marking, observables through
    observed-data, one selector only in an indicator's pattern, a location, a label."""
    org = stix2.Identity(name="Police-ES", identity_class="organization")
    wallet_id = "cryptocurrency-wallet--4b7b4e1e-8a64-4bf1-9c4b-5b1b3e8f9d01"
    wallet = {
        "type": "cryptocurrency-wallet",
        "spec_version": "2.1",
        "id": wallet_id,
        "value": SAMPLES["btc"],
    }
    email = stix2.EmailAddress(value="Orders@Example.COM")
    account = stix2.UserAccount(account_login="market_shop", account_type="facebook")
    observed = stix2.ObservedData(
        first_observed="2026-01-01T00:00:00Z",
        last_observed="2026-01-01T00:00:00Z",
        number_observed=1,
        object_refs=[email.id, account.id, wallet_id],
    )
    indicator = stix2.Indicator(
        pattern="[url:value = 'https://shop.example.com/x']",
        pattern_type="stix",
        valid_from="2026-01-01T00:00:00Z",
    )
    place = stix2.Location(country="es")
    report = stix2.Report(
        name="Vendor X",
        published="2026-01-02T00:00:00Z",
        created_by_ref=org.id,
        labels=["drug-seizure"],
        object_refs=[observed.id, indicator.id, place.id],
        object_marking_refs=[stix2.TLP_GREEN.id],
        description="seen on X",
    )
    bundle = stix2.Bundle(
        org, wallet, email, account, observed, indicator, place, report, allow_custom=True
    )
    got = read(bundle.serialize(), "stix", source="opencti.json")
    assert got.errors == []
    [draft] = got.incidents
    assert type(draft) is IncidentDraft  # no narcwatch id: the server owns and dates it
    assert (draft.title, draft.notes, draft.tlp, draft.kind) == (
        "Vendor X",
        "seen on X",
        "GREEN",
        "seizure",
    )
    assert [(s.type, s.value) for s in draft.selectors] == [
        ("email", "orders@example.com"),  # normalised by narcwatch's extractor
        ("handle", "market_shop"),  # a platform narcwatch has no type for
        ("btc", SAMPLES["btc"]),
        ("url", "https://shop.example.com/x"),
    ]
    assert [(c.code, c.role) for c in draft.countries] == [("ES", "seen")]


def test_the_bundle_checks_catch_what_they_claim_to():
    inc = incident({"i2p": SAMPLES["i2p"]})
    bundle = write([inc], "stix")
    broken = json.loads(json.dumps(bundle))
    broken["objects"] = [o for o in broken["objects"] if o["type"] != "extension-definition"]
    with pytest.raises(AssertionError, match="no extension-definition"):
        validate(broken)
    broken = json.loads(json.dumps(bundle))
    report = next(o for o in broken["objects"] if o["type"] == "report")
    report["extensions"][mappings().extension("incident").id]["kind"] = "theft"
    with pytest.raises(Exception, match="theft"):
        validate(broken)


def test_a_foreign_observable_gets_the_type_the_extractor_reads():
    """OpenCTI's cryptocurrency-wallet says no currency and a domain-name may be an onion:
    without narcwatch's selector-type extension the extractor decides."""
    ids = iter(f"{n:08d}-0000-4000-8000-000000000000" for n in range(10))
    objs = [
        {"type": "cryptocurrency-wallet", "value": SAMPLES["xmr"]},
        {"type": "cryptocurrency-wallet", "value": SAMPLES["ltc"]},
        {"type": "domain-name", "value": SAMPLES["onion"]},
        {"type": "domain-name", "value": SAMPLES["i2p"]},
        {"type": "domain-name", "value": "shop.example.com"},
    ]
    for o in objs:
        o.update(spec_version="2.1", id=f"{o['type']}--{next(ids)}")
    report = stix2.Report(
        name="r", published="2026-01-01T00:00:00Z", object_refs=[o["id"] for o in objs]
    )
    got = read(
        {
            "type": "bundle",
            "id": "bundle--" + next(ids),
            "objects": [*objs, json.loads(report.serialize())],
        }
    )
    assert got.errors == []
    assert [s.type for s in got.incidents[0].selectors] == ["xmr", "ltc", "onion", "i2p", "domain"]
