"""The schema files shipped beside the package are exactly what the models generate."""

from __future__ import annotations

import jsonschema
import pytest

from narcwatch.schemas import DIRECTORY, render, schema_files

FILES = schema_files()


@pytest.mark.parametrize("name", sorted(FILES))
def test_shipped_schema_file_is_current(name: str) -> None:
    path = DIRECTORY / name
    assert path.exists(), f"{name} missing: run python -m narcwatch.schemas"
    assert path.read_text(encoding="utf-8") == render(FILES[name]), (
        f"{name} is stale: run python -m narcwatch.schemas"
    )


def test_no_schema_file_without_a_model() -> None:
    shipped = {p.name for p in DIRECTORY.glob("*.schema.json")}
    assert sorted(shipped - set(FILES)) == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_schema_is_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(FILES[name])


def test_the_finding_schema_rejects_what_the_contract_forbids(finding_validator) -> None:
    good = {
        "schema": "narcwatch.finding/1",
        "doc": {
            "id": "0" * 64, "source_id": None, "source": "a.txt", "location": "file",
            "url": None, "title": None, "platform": None, "author": None, "published": None,
            "lang": "en",
        },
        "offer": False, "offer_score": 0.1, "offer_kind": None, "substances": [],
        "selectors": [], "quantities": [], "prices": [], "risk": 0.0, "reasons": [],
    }  # fmt: skip
    assert finding_validator.is_valid(good)
    for bad in (
        {**good, "schema": "narcwatch.finding/2"},
        {**good, "offer_score": 1.5},
        {**good, "doc": {**good["doc"], "lang": "english"}},
        {**good, "doc": {**good["doc"], "text": None}},  # absent, never null
        {**good, "omitted": {"substances": 0}},
        {**good, "extra": 1},
    ):
        assert not finding_validator.is_valid(bad)
