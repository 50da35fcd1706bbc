"""The 1971 Convention schedules, the 1988 Convention tables and the designer-precursor file:
every entry validates, identifiers are consistent, and a spot-check table of well-known
substances carries the right CAS number and schedule."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

import narcwatch.kb
from narcwatch.kb.schema import Source, Substance
from tests.conftest import SHARED_DATA

DATA = Path(narcwatch.kb.__file__).parent / "data"
FILES = ("un1971.yaml", "un1988.yaml", "designer_precursors.yaml")
CHINA_CSV = SHARED_DATA / "china-controlled-lists" / "china_controlled_substances.csv"


def _raw(name: str) -> list[dict[str, Any]]:
    with (DATA / "substances" / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["substances"]


@pytest.fixture(scope="module")
def by_file() -> dict[str, list[Substance]]:
    return {name: [Substance.model_validate(e) for e in _raw(name)] for name in FILES}


@pytest.fixture(scope="module")
def subs(by_file: dict[str, list[Substance]]) -> dict[str, Substance]:
    return {s.id: s for entries in by_file.values() for s in entries}


def _schedules(sub: Substance) -> set[str]:
    return {c.schedule for c in sub.control}


@pytest.mark.parametrize("name", FILES)
def test_every_entry_validates(name: str) -> None:
    raw = _raw(name)
    assert raw, f"{name} is empty"
    for entry in raw:
        Substance.model_validate(entry)


def test_ids_are_unique_across_files(by_file: dict[str, list[Substance]]) -> None:
    ids = [s.id for entries in by_file.values() for s in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"


def test_ids_do_not_clash_with_other_substance_files(subs: dict[str, Substance]) -> None:
    others = set()
    for path in (DATA / "substances").glob("*.yaml"):
        if path.name in FILES:
            continue
        with path.open(encoding="utf-8") as fh:
            others |= {e["id"] for e in (yaml.safe_load(fh) or {}).get("substances") or []}
    assert not others & set(subs), f"ids also defined elsewhere: {sorted(others & set(subs))}"


def test_every_source_exists(subs: dict[str, Substance]) -> None:
    known: set[str] = set()
    for path in (DATA / "sources").glob("*.yaml"):
        with path.open(encoding="utf-8") as fh:
            known |= {Source.model_validate(s).id for s in yaml.safe_load(fh)["sources"]}
    missing = {(s.id, sid) for s in subs.values() for sid in s.sources if sid not in known}
    assert not missing, f"unknown sources: {sorted(missing)[:10]}"


def test_smiles_parse_and_inchikeys_match(subs: dict[str, Substance]) -> None:
    chem = pytest.importorskip("rdkit.Chem", reason="RDKit is not installed")
    bad = []
    for s in subs.values():
        if s.smiles is None:
            assert s.inchikey is None, f"{s.id}: InChIKey without SMILES"
            continue
        mol = chem.MolFromSmiles(s.smiles)
        if mol is None or chem.MolToInchiKey(mol) != s.inchikey:
            bad.append(s.id)
    assert not bad, f"SMILES that do not parse or do not give the stored InChIKey: {bad}"


def test_cas_numbers_are_not_shared(subs: dict[str, Substance]) -> None:
    seen: dict[str, str] = {}
    for s in subs.values():
        for cas in s.cas:
            assert cas not in seen, f"CAS {cas} on both {seen[cas]} and {s.id}"
            seen[cas] = s.id


# id, CAS (None: deliberately left out), schedule, year it entered that schedule (None: original)
SPOT = [
    ("mdma", "42542-10-9", "1971-I", None),
    ("lsd", "50-37-3", "1971-I", None),
    ("psilocybin", "520-52-5", "1971-I", None),
    ("dmt", "61-50-7", "1971-I", None),
    ("25i-nbome", "919797-19-6", "1971-I", 2015),
    ("doc", "123431-31-2", "1971-I", 2020),
    ("methamphetamine", "537-46-2", "1971-II", None),
    ("amphetamine", "300-62-9", "1971-II", None),
    ("mephedrone", "1189805-46-6", "1971-II", 2015),
    ("ghb", "591-81-1", "1971-II", 2013),
    ("alpha-pvp", "14530-33-7", "1971-II", 2016),
    ("3-mmc", "1246911-86-3", "1971-II", 2023),
    ("3-cmc", "1049677-59-9", "1971-II", 2024),
    ("flunitrazepam", "1622-62-4", "1971-III", 1995),
    ("buprenorphine", "52485-79-7", "1971-III", None),
    ("alprazolam", "28981-97-7", "1971-IV", None),
    ("etizolam", "40054-69-1", "1971-IV", 2020),
    ("bromazolam", "71368-80-4", "1971-IV", 2024),
    ("ephedrine", "299-42-3", "1988-I", 1988),
    ("acetic-anhydride", "108-24-7", "1988-I", 2001),
    ("potassium-permanganate", "7722-64-7", "1988-I", 2001),
    ("phenylacetic-acid", "103-82-2", "1988-I", 2010),
    ("apaan", "4468-48-8", "1988-I", 2014),
    ("anpp", "21409-26-7", "1988-I", 2017),
    ("npp", "39742-60-4", "1988-I", 2017),
    ("mapa", "16648-44-5", "1988-I", 2020),
    ("4-ap", "23056-29-3", "1988-I", 2022),
    ("1-boc-4-ap", "125541-22-2", "1988-I", 2022),
    # The often-quoted 1609-66-7 fails the CAS check digit; 1609-66-1 is the listed number.
    ("norfentanyl", "1609-66-1", "1988-I", 2022),
    ("norephedrine", "14838-15-4", "1988-I", 2000),
    ("bmk-ethyl-glycidate", "41232-97-7", "1988-I", 2024),
    ("pmk-methyl-glycidate", "13605-48-6", "1988-I", 2019),
    ("1-boc-4-piperidone", "79099-07-3", "1988-I", 2024),
    ("acetone", "67-64-1", "1988-II", 1988),
    ("toluene", "108-88-3", "1988-II", 1992),
]


@pytest.mark.parametrize(("sid", "cas", "schedule", "since"), SPOT)
def test_spot_check(
    subs: dict[str, Substance], sid: str, cas: str | None, schedule: str, since: int | None
) -> None:
    sub = subs[sid]
    if cas is None:
        assert not sub.cas
    else:
        assert cas in sub.cas
    (ctrl,) = [c for c in sub.control if c.schedule == schedule]
    assert ctrl.since == since


def test_1988_table_ii_is_the_eight_chemicals(subs: dict[str, Substance]) -> None:
    table2 = {s.id for s in subs.values() if "1988-II" in _schedules(s)}
    assert table2 == {
        "acetone",
        "anthranilic-acid",
        "ethyl-ether",
        "hydrochloric-acid",
        "methyl-ethyl-ketone",
        "piperidine",
        "sulphuric-acid",
        "toluene",
    }


def test_2024_glycidate_groups_are_complete(subs: dict[str, Substance]) -> None:
    # CND March 2024: P-2-P methyl glycidic acid + 8 esters; 7 more esters of PMK glycidic acid.
    bmk = [s for s in subs.values() if s.id.startswith("bmk-") and "1988-I" in _schedules(s)]
    pmk = [s for s in subs.values() if s.id.startswith("pmk-") and s.id.endswith("-glycidate")]
    assert len(bmk) == 9
    assert len([s for s in pmk if s.id != "pmk-methyl-glycidate"]) == 7


def test_ketamine_is_not_in_the_1971_schedules(subs: dict[str, Substance]) -> None:
    names = {n.casefold() for s in subs.values() for n in [s.name, *s.synonyms]}
    assert "ketamine" not in names


def test_convention_coverage(by_file: dict[str, list[Substance]]) -> None:
    n1971 = sum(any(c.startswith("1971-") for c in _schedules(s)) for s in by_file["un1971.yaml"])
    n1988 = sum(any(c.startswith("1988-") for c in _schedules(s)) for s in by_file["un1988.yaml"])
    assert n1971 >= 150
    assert n1988 >= 45


def test_designer_precursors_are_not_internationally_controlled(
    by_file: dict[str, list[Substance]],
) -> None:
    for s in by_file["designer_precursors.yaml"]:
        assert s.category in ("designer-precursor", "pre-precursor"), s.id
        intl = [c for c in s.control if not c.schedule.startswith("national:")]
        assert not intl, f"{s.id} has an international control: it belongs in un1988.yaml"


def test_schedule_files_hold_only_their_convention(by_file: dict[str, list[Substance]]) -> None:
    for s in by_file["un1971.yaml"]:
        assert any(c.startswith("1971-") for c in _schedules(s)), s.id
    for s in by_file["un1988.yaml"]:
        assert any(c.startswith("1988-") for c in _schedules(s)), s.id
        assert s.category in ("precursor", "pre-precursor"), s.id


def test_cas_numbers_agree_with_chinas_lists(subs: dict[str, Substance]) -> None:
    """China's psychotropic lists carry the 1971 schedules with CAS numbers: a number we store
    for a substance must not belong to a differently named substance there."""
    if not CHINA_CSV.is_file():
        pytest.skip(f"{CHINA_CSV} is not available (shared data set not mounted)")
    with CHINA_CSV.open(encoding="utf-8") as fh:
        china = {
            r["cas"].strip(): f"{r['english_name']} {r['note']}".casefold()
            for r in csv.DictReader(fh)
        }
    checked = 0
    for sid in ("alprazolam", "diazepam", "methaqualone", "mescaline", "etizolam", "3-mmc"):
        sub = subs[sid]
        for cas in sub.cas:
            if cas in china:
                checked += 1
                assert sub.name.casefold() in china[cas] or any(
                    s.casefold() in china[cas] for s in sub.synonyms
                ), f"{sid}: CAS {cas} is {china[cas]!r} in China's list"
    assert checked >= 4
