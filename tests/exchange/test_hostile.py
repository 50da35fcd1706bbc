"""Bad input: every problem is an InputError naming the file, the object id and the field;
what is valid is still imported."""

from __future__ import annotations

import copy
import json

import pytest

from narcwatch.exchange import read, reading, write
from narcwatch.exchange.mapping import mappings
from tests.exchange.samples import SAMPLES, incident


@pytest.fixture
def bundle() -> dict:
    """Two incidents' bundle: tests break the first report and check the second survives."""
    a = incident({"btc": SAMPLES["btc"], "email": SAMPLES["email"]}, id="a", title="first")
    b = incident({"xmr": SAMPLES["xmr"]}, id="b", title="second")
    return copy.deepcopy(write([a, b], "stix"))


def first_report(bundle: dict) -> dict:
    return next(o for o in bundle["objects"] if o["type"] == "report" and o["name"] == "first")


def titles(result) -> list[str]:
    return [i.title for i in result.incidents]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[" * 100_000, "not JSON"),  # nesting past the parser's recursion limit
        (b'{"type": "bundle", "objects": 3}', "expected a list"),
        (b'{"type": "indicator"}', "not a STIX bundle"),
        (b'{"type": "bundle", "objects": []}', "no report or grouping"),
    ],
)
def test_unreadable_input_is_one_error_naming_the_file(data, reason):
    result = read(data, "stix", source="in.json")
    assert result.incidents == []
    assert [str(e).startswith("in.json") and reason in str(e) for e in result.errors] == [True]


def test_oversized_input_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    result = read(b" " * 101, "stix", source="big.json")
    assert "more than the 100 read" in str(result.errors[0])


def test_unknown_types_are_named_and_the_rest_imported(bundle):
    report = first_report(bundle)
    odd = {
        "type": "x-odd-thing",
        "spec_version": "2.1",
        "id": "x-odd-thing--2b1e4b6e-1d3c-4d5e-8f90-0a1b2c3d4e5f",
        "value": "?",
    }
    file_obj = {
        "type": "file",
        "spec_version": "2.1",
        "id": "file--2b1e4b6e-1d3c-4d5e-8f90-0a1b2c3d4e5f",
        "name": "a.exe",
    }
    malware = {
        "type": "malware",
        "spec_version": "2.1",
        "id": "malware--2b1e4b6e-1d3c-4d5e-8f90-0a1b2c3d4e5f",
        "created": "2026-01-01T00:00:00Z",
        "modified": "2026-01-01T00:00:00Z",
        "name": "m",
        "is_family": False,
    }
    bundle["objects"] += [odd, file_obj, malware]
    report["object_refs"] += [odd["id"], file_obj["id"], malware["id"]]
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["first", "second"]
    assert len(result.incidents[0].selectors) == 2
    assert sorted(e.location for e in result.errors) == [
        f"{file_obj['id']} .type",
        f"{odd['id']} .type",
    ]
    assert all("is not read as a narcwatch selector" in e.reason for e in result.errors)


def test_missing_fields_name_the_object_and_field(bundle):
    report = first_report(bundle)
    del report["name"]
    email = next(o for o in bundle["objects"] if o["type"] == "email-addr")
    del email["value"]
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["second"]
    assert [e.location for e in result.errors] == [report["id"]]
    assert (
        "(name)" in result.errors[0].reason
    )  # stix2: "No values for required properties ... (name)"


def test_a_broken_observable_is_named_and_the_incident_kept(bundle):
    email = next(o for o in bundle["objects"] if o["type"] == "email-addr")
    del email["value"]
    wallet = next(o for o in bundle["objects"] if o["type"] == "cryptocurrency-wallet")
    bundle["objects"].remove(wallet)
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["first", "second"]
    assert [e.location for e in result.errors] == [
        f"{first_report(bundle)['id']} .object_refs",
        email["id"],
    ]
    assert "is not in the bundle" in result.errors[0].reason
    assert "(value)" in result.errors[1].reason
    # Both selectors are still read, from the indicators' patterns.
    assert [s.type for s in result.incidents[0].selectors] == ["btc", "email"]


def test_a_wallet_with_a_bad_checksum_is_refused_by_the_extractor(bundle):
    wallet = next(
        o
        for o in bundle["objects"]
        if o["type"] == "cryptocurrency-wallet" and o["value"] == SAMPLES["btc"]
    )
    wallet["value"] = SAMPLES["btc"][:-1] + "3"
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["first", "second"]
    assert [e.location for e in result.errors] == [f"{wallet['id']} .value"]
    assert "is not a valid btc" in result.errors[0].reason


@pytest.mark.parametrize(
    "marking",
    [
        "marking-definition--00000000-0000-4000-8000-000000000000",  # unknown id, no object
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8488",  # one digit off TLP:CLEAR
    ],
)
def test_a_wrong_tlp_id_drops_that_incident_only(bundle, marking):
    report = first_report(bundle)
    report["object_marking_refs"] = [marking]
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["second"]
    assert [e.location for e in result.errors] == [f"{report['id']} .object_marking_refs"]
    assert "not a TLP 2.0" in result.errors[0].reason


def test_a_statement_marking_is_not_a_tlp(bundle):
    statement = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--11111111-2222-4333-8444-555555555555",
        "created": "2026-01-01T00:00:00Z",
        "definition_type": "statement",
        "definition": {"statement": "(c) X"},
    }
    bundle["objects"].append(statement)
    first_report(bundle)["object_marking_refs"].append(statement["id"])
    result = read(bundle, "stix", source="b.json")
    assert result.errors == [] and result.incidents[0].tlp == "AMBER+STRICT"


def test_bad_extension_data_is_named_by_its_path(bundle):
    report = first_report(bundle)
    ext = report["extensions"][mappings().extension("incident").id]
    ext["countries"] = [{"code": "nl", "role": "origin"}]
    result = read(bundle, "stix", source="b.json")
    # The extension is refused as a whole (its other fields cannot be trusted), the report
    # is read as a foreign one (the locations it refers to give the countries).
    assert titles(result) == ["first", "second"]
    assert result.errors[0].location.startswith(
        f"{report['id']} .extensions.narcwatch-incident.countries.0.code"
    )
    assert type(result.incidents[0]).__name__ == "IncidentDraft"


def test_huge_lists_are_bounded(bundle, monkeypatch):
    many = incident({"handle": "x"}, id="many")
    big = write([many], "stix")
    report = next(o for o in big["objects"] if o["type"] == "report")
    for i in range(1001):  # IncidentDraft holds at most 1000 selectors
        sid = f"user-account--{i:08d}-0000-4000-8000-000000000000"
        big["objects"].append(
            {"type": "user-account", "spec_version": "2.1", "id": sid, "account_login": f"user{i}"}
        )
        report["object_refs"].append(sid)
    result = read(big, "stix", source="big.json")
    assert result.incidents == []
    assert [e.location for e in result.errors] == [f"{report['id']} .selectors"]
    monkeypatch.setattr(reading, "MAX_OBJECTS", 10)
    result = read(big, "stix", source="big.json")
    assert (
        result.errors[0].location == "bundle .objects" and "more than 10" in result.errors[0].reason
    )


def test_garbage_objects_are_named_by_position(bundle):
    bundle["objects"][:0] = [3, {"no": "id"}]
    result = read(bundle, "stix", source="b.json")
    assert titles(result) == ["first", "second"]
    assert [e.location for e in result.errors] == ["objects[0] .id", "objects[1] .id"]


def test_misp_bad_tlp_tag_bad_attribute_and_bad_carrier():
    a = incident({"btc": SAMPLES["btc"]}, id="a", title="first", tlp="GREEN", sharing_group=None)
    b = incident({"btc": SAMPLES["btc"]}, id="b", title="second")
    doc = copy.deepcopy(write([a, b], "misp"))
    first, second = (e["Event"] for e in doc["response"])
    first["Tag"][0]["name"] = "tlp:purple"
    carrier = next(x for x in second["Attribute"] if x["comment"] == "narcwatch incident")
    carrier["value"] = "{broken"
    second["Attribute"].append({"uuid": "bad-1", "type": "btc", "value": "1NotAWallet"})
    result = read(json.dumps(doc), "misp", source="e.json")
    assert titles(result) == ["second"]
    assert type(result.incidents[0]).__name__ == "IncidentDraft"  # no carrier: a draft
    assert [e.location for e in result.errors] == [
        f"event {first['uuid']} .Tag",
        f"attribute {carrier['uuid']} .value",
        "attribute bad-1 .value",
    ]


def test_misp_not_an_event():
    result = read([{"Event": "x"}, 7], "misp", source="e.json")
    assert [e.location for e in result.errors] == ["events[0]", "events[1]"]


def test_json_records_name_the_record_and_field():
    good = incident({"btc": SAMPLES["btc"]}).to_json_dict()
    bad = {**good, "tlp": "PURPLE", "selectors": [{"type": "btc", "value": "1NotAWallet"}]}
    result = read([bad, good], "json", source="i.json")
    assert len(result.incidents) == 1
    assert [e.location for e in result.errors] == ["record 1 .selectors[0]", "record 1 .tlp"]
