"""The 1961 Single Convention file (substances/un1961.yaml): every entry validates, identifiers
are consistent with each other and with the other substance files, and a spot-check table of
well-known narcotic drugs carries the right CAS number and schedules (Yellow List, CND)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import narcwatch.kb
from narcwatch.kb.schema import Source, Substance
from tests.conftest import SHARED_DATA

DATA = Path(narcwatch.kb.__file__).parent / "data"
FILE = DATA / "substances" / "un1961.yaml"
CHINA_CSV = SHARED_DATA / "china-controlled-lists" / "china_controlled_substances.csv"


def _raw() -> list[dict[str, Any]]:
    with FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)["substances"]


@pytest.fixture(scope="module")
def subs() -> dict[str, Substance]:
    return {s.id: s for s in (Substance.model_validate(e) for e in _raw())}


def _schedules(sub: Substance) -> set[str]:
    return {c.schedule for c in sub.control}


def test_every_entry_validates_and_ids_are_unique() -> None:
    raw = _raw()
    ids = [Substance.model_validate(e).id for e in raw]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"
    # The Yellow List holds ~140 entries in Schedules I, II and IV plus CND additions.
    assert len(ids) >= 140


def test_ids_do_not_clash_with_other_substance_files(subs: dict[str, Substance]) -> None:
    others: set[str] = set()
    for path in (DATA / "substances").glob("*.yaml"):
        if path == FILE:
            continue
        with path.open(encoding="utf-8") as fh:
            others |= {e["id"] for e in (yaml.safe_load(fh) or {}).get("substances") or []}
    assert not others & set(subs), f"ids also defined elsewhere: {sorted(others & set(subs))}"


def test_every_entry_is_under_the_1961_convention(subs: dict[str, Substance]) -> None:
    bad = [s.id for s in subs.values() if not any(c.startswith("1961-") for c in _schedules(s))]
    assert not bad, f"entries without a 1961 schedule: {bad}"


def test_schedule_iv_entries_are_also_in_schedule_i(subs: dict[str, Substance]) -> None:
    # Art. 2(5): Schedule IV drugs are a subset of Schedule I.
    bad = [s.id for s in subs.values() if "1961-IV" in _schedules(s)]
    bad = [i for i in bad if "1961-I" not in _schedules(subs[i])]
    assert not bad, f"in Schedule IV but not Schedule I: {bad}"


def test_every_source_exists(subs: dict[str, Substance]) -> None:
    known: set[str] = set()
    for path in (DATA / "sources").glob("*.yaml"):
        with path.open(encoding="utf-8") as fh:
            known |= {Source.model_validate(s).id for s in yaml.safe_load(fh)["sources"]}
    missing = {(s.id, sid) for s in subs.values() for sid in s.sources if sid not in known}
    assert not missing, f"unknown sources: {sorted(missing)[:10]}"


def test_cas_numbers_are_not_shared(subs: dict[str, Substance]) -> None:
    seen: dict[str, str] = {}
    clashes = []
    for s in subs.values():
        for cas in s.cas:
            if cas in seen:
                clashes.append((cas, seen[cas], s.id))
            seen[cas] = s.id
    assert not clashes, f"CAS numbers on two entries: {clashes}"


def test_smiles_parse_and_inchikeys_match(subs: dict[str, Substance]) -> None:
    chem = pytest.importorskip("rdkit.Chem", reason="RDKit is not installed")
    bad = []
    for s in subs.values():
        if s.smiles is None:
            assert s.inchikey is None, f"{s.id}: InChIKey without SMILES"
            continue
        mol = chem.MolFromSmiles(s.smiles)
        if mol is None:
            bad.append((s.id, "SMILES does not parse"))
        elif chem.MolToInchiKey(mol) != s.inchikey:
            bad.append((s.id, f"InChIKey {s.inchikey} != {chem.MolToInchiKey(mol)}"))
    assert not bad, bad


def test_inchikeys_are_unique(subs: dict[str, Substance]) -> None:
    keys = [s.inchikey for s in subs.values() if s.inchikey]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    assert not dupes, f"two entries share a structure: {dupes}"


def test_main_substances_have_four_languages(subs: dict[str, Substance]) -> None:
    with_all = [
        s.id for s in subs.values() if all(s.names.get(k) for k in ("fr", "es", "de", "ru"))
    ]
    assert len(with_all) >= 40, f"only {len(with_all)} entries named in fr, es, de and ru"
    for sid in ("heroin", "morphine", "fentanyl", "cocaine", "cannabis", "opium", "methadone"):
        assert sid in with_all, f"{sid} lacks fr/es/de/ru names"


def test_russian_names_are_cyrillic(subs: dict[str, Substance]) -> None:
    bad = [
        (s.id, n)
        for s in subs.values()
        for n in s.names.get("ru", [])
        if not re.search(r"[а-яё]", n, re.IGNORECASE)
    ]
    assert not bad, bad


SPOT = [
    # id, CAS, schedules, year added (None: not checked), family
    ("heroin", "561-27-3", {"1961-I", "1961-IV"}, 1961),
    ("morphine", "57-27-2", {"1961-I"}, 1961),
    ("codeine", "76-57-3", {"1961-II"}, 1961),
    ("dihydrocodeine", "125-28-0", {"1961-II"}, 1961),
    ("pholcodine", "509-67-1", {"1961-II"}, 1961),
    ("oxycodone", "76-42-6", {"1961-I"}, 1961),
    ("methadone", "76-99-3", {"1961-I"}, 1961),
    ("pethidine", "57-42-1", {"1961-I"}, 1961),
    ("cocaine", "50-36-2", {"1961-I"}, 1961),
    ("fentanyl", "437-38-7", {"1961-I"}, 1964),
    ("carfentanil", "59708-52-0", {"1961-I", "1961-IV"}, 2018),
    ("acetylfentanyl", "3258-84-2", {"1961-I", "1961-IV"}, 2016),
    ("furanylfentanyl", "101345-66-8", {"1961-I"}, 2018),
    ("parafluorobutyrfentanyl", "244195-31-1", {"1961-I"}, 2019),
    ("4-fluoroisobutyrfentanyl", "244195-32-2", {"1961-I"}, 2018),
    ("valerylfentanyl", "122882-90-0", {"1961-I"}, 2020),
    ("u-47700", "121348-98-9", {"1961-I"}, 2017),
    ("isotonitazene", "14188-81-9", {"1961-I"}, 2021),
    ("protonitazene", "95958-84-2", {"1961-I"}, 2023),
    ("brorphine", "2244737-98-0", {"1961-I"}, 2022),
    ("butonitazene", "95810-54-1", {"1961-I"}, 2024),
    ("n-desethyl-isotonitazene", "2732926-24-6", {"1961-I"}, 2025),
    ("oripavine", "467-04-9", {"1961-I"}, 2007),
]


@pytest.mark.parametrize(("sid", "cas", "schedules", "since"), SPOT)
def test_spot_check(
    subs: dict[str, Substance], sid: str, cas: str, schedules: set[str], since: int
) -> None:
    s = subs[sid]
    assert cas in s.cas
    assert _schedules(s) == schedules
    assert min(c.since for c in s.control if c.since is not None) == since


def test_cannabis_left_schedule_iv_in_2020(subs: dict[str, Substance]) -> None:
    # CND decision 63/17 (2 December 2020) deleted cannabis and resin from Schedule IV.
    for sid in ("cannabis", "cannabis-resin"):
        assert _schedules(subs[sid]) == {"1961-I"}
        assert subs[sid].category == "cannabis"


@pytest.mark.parametrize(
    ("sid", "synonym"),
    [
        ("heroin", "diacetylmorphine"),
        ("heroin", "diamorphine"),
        ("pethidine", "meperidine"),
        ("fentanyl", "Duragesic"),
        ("oxycodone", "OxyContin"),
        ("hydromorphone", "Dilaudid"),
        ("etonitazepyne", "N-pyrrolidino etonitazene"),
    ],
)
def test_common_synonyms(subs: dict[str, Substance], sid: str, synonym: str) -> None:
    assert synonym.casefold() in {n.casefold() for n in subs[sid].synonyms}


@pytest.mark.parametrize(
    ("sid", "family"), [("carfentanil", "fentanyl"), ("metonitazene", "nitazene")]
)
def test_families(subs: dict[str, Substance], sid: str, family: str) -> None:
    assert subs[sid].family == family


def test_cas_agree_with_china_narcotic_list(subs: dict[str, Substance]) -> None:
    """China's narcotic drug list (2013) mirrors the Yellow List with CAS numbers: where it
    names one of our substances, at least one CAS must agree (its oxycodone typo excepted)."""
    if not CHINA_CSV.exists():
        pytest.skip(f"shared data not present: {CHINA_CSV}")
    key = lambda s: re.sub(r"[^a-z0-9]", "", s.lower())  # noqa: E731
    china: dict[str, set[str]] = {}
    with CHINA_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if re.fullmatch(r"[\d\- ]+", row["cas"] or ""):
                china[key(row["english_name"])] = set(row["cas"].split())
    typos = {"oxycodone": "76-42-5"}  # fails its check digit: 76-42-6 is right
    bad = []
    for s in subs.values():
        theirs = china.get(key(s.name))
        if theirs and not theirs & set(s.cas) and typos.get(s.id) not in theirs:
            bad.append((s.id, sorted(s.cas), sorted(theirs)))
    assert not bad, bad


# InChIKeys published by PubChem for the stereo-defined drugs: they catch a SMILES with the
# wrong configuration (a first draft carried dextrorphan for levorphanol, for instance).
PUBLISHED_INCHIKEYS = [
    ("morphine", "BQJCRHHNABKAKU-KBQPJGBKSA-N"),
    ("codeine", "OROGSEYTTFOCAN-DNJOTXNNSA-N"),
    ("heroin", "GVGLGOZIDCSQPN-PVHGPHFFSA-N"),
    ("dihydrocodeine", "RBOXVHNMENFORY-DNJOTXNNSA-N"),
    ("oxycodone", "BRUQQQPBMZOVGD-XFKAJCMBSA-N"),
    ("hydrocodone", "LLPOLZWFYMWNKH-CMKMFDCUSA-N"),
    ("hydromorphone", "WVLOADHCBXTIJK-YNHQPCIGSA-N"),
    ("thebaine", "FQXXSQDCDRQNQE-VMDGZTHMSA-N"),
    ("desomorphine", "LNNWVNGFPYWNQE-GMIGKAJZSA-N"),
    ("levorphanol", "JAQUASYNZVUNQP-USXIJHARSA-N"),
    ("cocaine", "ZPUCINDJVBIVPJ-LJISPDSOSA-N"),
    ("dextropropoxyphene", "XLMALTXPSGQGBX-GCJKJVERSA-N"),
    ("fentanyl", "PJMPHNIQZUBGLI-UHFFFAOYSA-N"),
    ("methadone", "USSIQXCVUWKGNF-UHFFFAOYSA-N"),
    ("pethidine", "XADCESSVHJOZHK-UHFFFAOYSA-N"),
]


@pytest.mark.parametrize(("sid", "inchikey"), PUBLISHED_INCHIKEYS)
def test_published_inchikeys(subs: dict[str, Substance], sid: str, inchikey: str) -> None:
    assert subs[sid].inchikey == inchikey
