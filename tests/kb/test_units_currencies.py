"""The units and currencies data: schema-valid entries, known sources, no ambiguous aliases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from narcwatch.kb.loader import data_dir
from narcwatch.kb.schema import Currency, Unit

DATA = data_dir()


def _entries(name: str, key: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    assert isinstance(doc, dict) and set(doc) == {key}, f"{name}: one top-level key {key!r}"
    return doc[key]


def _source_ids() -> set[str]:
    ids: set[str] = set()
    for path in sorted(Path(DATA, "sources").glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            ids.update(s["id"] for s in yaml.safe_load(fh)["sources"])
    return ids


UNITS = _entries("units.yaml", "units")
CURRENCIES = _entries("currencies.yaml", "currencies")
SOURCES = _source_ids()


@pytest.mark.parametrize("raw", UNITS, ids=[u.get("unit", "?") for u in UNITS])
def test_unit_entry(raw: dict[str, Any]) -> None:
    unit = Unit.model_validate(raw)
    assert set(unit.sources) <= SOURCES, f"unknown sources {set(unit.sources) - SOURCES}"
    if unit.dimension == "count":
        assert unit.to_base is None, "count units have no base factor"
    else:
        assert unit.to_base is not None and unit.to_base > 0


@pytest.mark.parametrize("raw", CURRENCIES, ids=[c.get("code", "?") for c in CURRENCIES])
def test_currency_entry(raw: dict[str, Any]) -> None:
    cur = Currency.model_validate(raw)
    assert set(cur.sources) <= SOURCES, f"unknown sources {set(cur.sources) - SOURCES}"
    assert cur.symbols or cur.aliases, "a currency must be writable somehow"


def test_base_units_are_grams_and_millilitres() -> None:
    units = {u["unit"]: Unit.model_validate(u) for u in UNITS}
    assert units["g"].to_base == 1.0 and units["g"].dimension == "mass"
    assert units["ml"].to_base == 1.0 and units["ml"].dimension == "volume"
    assert units["kg"].to_base == 1000.0 and units["mg"].to_base == pytest.approx(0.001)
    assert units["oz"].to_base == pytest.approx(28.3495, rel=1e-4)
    assert units["lb"].to_base == pytest.approx(453.592, rel=1e-4)


def test_canonical_names_unique() -> None:
    names = [u["unit"] for u in UNITS]
    codes = [c["code"] for c in CURRENCIES]
    assert len(names) == len(set(names))
    assert len(codes) == len(set(codes))


def test_no_alias_means_two_things() -> None:
    """A written form is one unit or one currency, never two (case-insensitive)."""
    seen: dict[str, str] = {}
    clashes = []
    for u in UNITS:
        for a in [u["unit"], *u["aliases"]]:
            key = a.casefold()
            if seen.setdefault(key, f"unit:{u['unit']}") != f"unit:{u['unit']}":
                clashes.append((a, seen[key], u["unit"]))
    for c in CURRENCIES:
        for a in [c["code"], *c.get("aliases", []), *c.get("symbols", [])]:
            key = a.casefold()
            if seen.setdefault(key, f"currency:{c['code']}") != f"currency:{c['code']}":
                clashes.append((a, seen[key], c["code"]))
    assert not clashes


@pytest.mark.parametrize("word", ["pound", "pounds"])
def test_pound_is_a_weight_not_money(word: str) -> None:
    """GBP only with '£' or 'gbp': 'pounds' in a listing is almost always a weight."""
    assert any(word in u["aliases"] for u in UNITS if u["unit"] == "lb")
    assert not any(word in c.get("aliases", []) for c in CURRENCIES)


def test_dollar_sign_is_usd() -> None:
    owners = [c["code"] for c in CURRENCIES if "$" in c.get("symbols", [])]
    assert owners == ["USD"]
