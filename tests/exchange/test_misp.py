"""MISP event JSON: export loads in pymisp with the right types, objects, tags and
distribution, and reads back to an equal incident (selector order aside)."""

from __future__ import annotations

import copy
import json

import pytest
from pymisp import MISPEvent

from narcwatch.exchange import read, write
from narcwatch.exchange.mapping import mappings
from narcwatch.kb import default_kb
from narcwatch.results.incident import Incident, IncidentDraft, Tlp
from tests.exchange.samples import SAMPLES, incident


def export(incidents: list[Incident]) -> dict:
    doc = json.loads(json.dumps(write(incidents, "misp", kb=default_kb())))
    for item in doc.get("response", [doc]):
        event = MISPEvent(strict_validation=True)
        # pymisp reads it back: known types, categories and object templates (it empties
        # what it reads, hence the copy).
        event.load(copy.deepcopy(item))
    return doc


def roundtrip(incidents: list[Incident]) -> list[IncidentDraft]:
    got = read(export(incidents), "misp", source="event.json")
    assert got.errors == []
    return got.incidents


def same_but_selector_order(got: IncidentDraft, want: Incident) -> None:
    assert sorted(got.selectors, key=repr) == sorted(want.selectors, key=repr)
    assert got.model_copy(update={"selectors": want.selectors}) == want


def test_every_field_survives_a_round_trip_but_selector_order():
    inc = incident()
    [got] = roundtrip([inc])
    assert isinstance(got, Incident)
    same_but_selector_order(got, inc)


def test_event_uses_misp_types_objects_tags_and_sharing_group():
    inc = incident()
    event = export([inc])["Event"]
    attrs = {a["value"]: a for a in event["Attribute"]}
    assert attrs[SAMPLES["email"]]["type"] == "email-src"
    assert attrs[SAMPLES["phone"]]["type"] == "phone-number"
    assert attrs[SAMPLES["iban"]]["type"] == "iban"
    assert attrs[SAMPLES["url"]]["type"] == "url"
    objects = {o["name"]: o for o in event["Object"]}
    coin = [o for o in event["Object"] if o["name"] == "coin-address"]
    btc = next(o for o in coin if any(a["value"] == "BTC" for a in o["Attribute"]))
    assert {a["object_relation"]: a["type"] for a in btc["Attribute"]} == {
        "address": "btc",
        "symbol": "text",
    }
    assert objects["tor-hiddenservice"]["Attribute"][0]["type"] == "onion-address"
    assert objects["telegram-account"]["Attribute"][0]["object_relation"] == "username"
    tags = [t["name"] for t in event["Tag"]]
    assert "tlp:amber+strict" in tags and 'narcwatch:kind="suspicious_shipment"' in tags
    assert 'narcwatch:substance="cocaine"' in tags
    assert event["distribution"] == "4" and event["SharingGroup"]["name"] == "ports"
    assert event["Orgc"]["name"] == "Customs-NL"
    assert event["date"] == "2026-10-30"
    assert write([inc], "misp") == write([inc], "misp")  # uuids from the incident id


@pytest.mark.parametrize("level", list(Tlp))
def test_every_tlp_level_is_a_tag_and_a_distribution(level):
    inc = incident({"xmr": SAMPLES["xmr"]}, tlp=level, sharing_group=None)
    event = export([inc])["Event"]
    entry = mappings().tlp_of(level)
    assert event["Tag"][0]["name"] == entry.misp_tag
    assert event["distribution"] == str(entry.misp_distribution)
    [got] = roundtrip([inc])
    same_but_selector_order(got, inc)


@pytest.mark.parametrize(("stype", "value"), SAMPLES.items(), ids=list(SAMPLES))
def test_each_selector_type_round_trips(stype, value):
    inc = incident({stype: value})
    assert roundtrip([inc])[0].selectors == inc.selectors


def test_several_incidents_are_a_rest_search_response():
    a, b = incident({"btc": SAMPLES["btc"]}, id="a"), incident({"btc": SAMPLES["btc"]}, id="b")
    doc = export([a, b])
    assert [e["Event"]["uuid"] for e in doc["response"]] != [None, None]
    assert roundtrip([a, b]) == [a, b]


def test_a_foreign_event_is_read_from_what_misp_says():
    event = {
        "Event": {
            "uuid": "5e0b2a0e-0000-4000-8000-000000000001",
            "info": "Vendor on forum",
            "distribution": "2",
            "analysis": "2",
            "Orgc": {"name": "Police-ES"},
            "Tag": [{"name": "tlp:white"}, {"name": 'osint:source-type="forum"'}],
            "Attribute": [
                {
                    "uuid": "a1",
                    "type": "btc",
                    "category": "Financial fraud",
                    "value": " " + SAMPLES["btc"],
                },
                {
                    "uuid": "a2",
                    "type": "email-src",
                    "category": "Payload delivery",
                    "value": "Orders@Example.com",
                },
                {
                    "uuid": "a3",
                    "type": "text",
                    "category": "Other",
                    "value": "free text, not a selector",
                },
            ],
            "Object": [
                {
                    "name": "coin-address",
                    "Attribute": [
                        {
                            "uuid": "o1",
                            "object_relation": "address-xmr",
                            "type": "xmr",
                            "value": SAMPLES["xmr"],
                        },
                        {"uuid": "o2", "object_relation": "symbol", "type": "text", "value": "XMR"},
                    ],
                }
            ],
        }
    }
    got = read(json.dumps(event), "misp", source="feed.json")
    [draft] = got.incidents
    assert type(draft) is IncidentDraft
    assert (draft.title, draft.tlp, draft.status, draft.kind) == (
        "Vendor on forum",
        "CLEAR",
        "closed",
        "online_offer",
    )
    assert [(s.type, s.value) for s in draft.selectors] == [
        ("btc", SAMPLES["btc"]),
        ("email", "orders@example.com"),
        ("xmr", SAMPLES["xmr"]),
    ]
    # The free-text attribute is reported, not guessed as a selector.
    assert [e.location for e in got.errors] == ["attribute a3 .type"]


def test_distribution_gives_the_tlp_when_no_tag_does():
    event = {"Event": {"info": "x", "distribution": "0", "Attribute": []}}
    assert read(event, "misp").incidents[0].tlp == "AMBER+STRICT"
