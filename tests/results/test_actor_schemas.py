"""Every JSON output of `narcwatch actors`, `link` and `selectors` validates against the
JSON Schema generated from its model (draft 2020-12)."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from narcwatch.results.actors import (
    Actor,
    ActorDetail,
    ActorListing,
    LinkEvent,
    LinkRunSummary,
    LinkVerdict,
    SelectorOccurrence,
)
from narcwatch.results.base import Record, schema_of
from tests.conftest import EXAMPLES


def check(cls: type[Record], data: object) -> None:
    schema = schema_of(cls)
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, f"{cls.schema_id}: {errors[0]}"


@pytest.fixture
def scanned(cli):
    assert cli("scan", str(EXAMPLES), "-q").code == 0
    return cli


def test_actors_list_and_show(scanned):
    cli = scanned
    listing = json.loads(cli("actors", "list", "--format", "json").stdout)
    check(ActorListing, listing)
    assert listing["actors"] and set(listing) == {"actors", "not_linking"}
    for line in cli("actors", "list", "--format", "jsonl").stdout.splitlines():
        check(Actor, json.loads(line))
    for actor in listing["actors"]:
        shown = json.loads(cli("actors", "show", actor["id"]).stdout)
        check(ActorDetail, shown)
        assert shown["id"] == actor["id"] and shown["documents"] == actor["documents"]
    as_json = json.loads(cli("actors", "show", listing["actors"][0]["id"], "-f", "json").stdout)
    check(ActorDetail, as_json)


def test_selectors_search(scanned):
    found = json.loads(scanned("selectors", "search", "+33612345678", "--format", "json").stdout)
    assert found
    for occurrence in found:
        check(SelectorOccurrence, occurrence)
    for line in scanned("selectors", "search", "+33612345678", "-f", "jsonl").stdout.splitlines():
        check(SelectorOccurrence, json.loads(line))


def test_link_runs_verdicts_and_history(scanned):
    cli = scanned
    run = cli("link", "--format", "json")
    assert run.code == 0 and "linked 0 documents" in run.stderr
    check(LinkRunSummary, json.loads(run.stdout))
    rebuilt = json.loads(cli("link", "--rebuild", "-q", "--format", "json").stdout)
    check(LinkRunSummary, rebuilt)
    assert rebuilt["rebuild"] is True and rebuilt["documents"] > 0
    actors = json.loads(cli("actors", "list", "--format", "json").stdout)["actors"]
    top = next(a for a in actors if a["vendors"] == ["NordicSnow"])
    scope = top["links"][0]["scope"]
    args = ("vendor:NordicSnow", "--platform", scope)
    rejected = json.loads(cli("link", "reject", *args, "--reason", "two", "-f", "json").stdout)
    check(LinkVerdict, rejected)
    assert rejected["verdict"] == "reject" and rejected["splits"] == 1
    restored = json.loads(cli("link", "restore", *args, "--format", "json").stdout)
    check(LinkVerdict, restored)
    assert restored["merges"] == 1
    lines = cli("link", "history").stdout.splitlines()
    kinds = set()
    for line in lines:
        event = json.loads(line)
        check(LinkEvent, event)
        kinds.add(event["kind"])
    assert {"override", "split", "rebuild", "merge"} <= kinds
    for event in json.loads(cli("link", "history", "--format", "json").stdout):
        check(LinkEvent, event)
    # The history shown with an actor validates too (events of every kind it went through).
    check(ActorDetail, json.loads(cli("actors", "show", top["id"]).stdout))
