"""Checks of the NPS and fentanyl-related-substance data (substances/nps.yaml,
substances/fentanyl_related.yaml): schema, references, structures and coverage."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from narcwatch.kb.schema import Substance

Chem = pytest.importorskip("rdkit.Chem", reason="RDKit is needed to check structures")

DATA = Path(__file__).resolve().parents[2] / "src" / "narcwatch" / "kb" / "data"
FILES = {"fentanyl": "fentanyl_related.yaml", "nps": "nps.yaml"}
# N-aryl-N-(piperidin-4-yl)amide (carbamates included): the 4-anilidopiperidine core of fentanyl.
ANILIDOPIPERIDINE = Chem.MolFromSmarts("O=C-N(-c1ccccc1)-[CH1,CH0;R1]1CCNCC1")
# Never here: these are internationally scheduled (1961/1971) and belong to un1961/un1971.yaml.
SCHEDULED = [
    "fentanyl",
    "acetylfentanyl",
    "butyrfentanyl",
    "furanylfentanyl",
    "carfentanil",
    "ocfentanil",
    "cyclopropylfentanyl",
    "mephedrone",
    "3-MMC",
    "3-CMC",
    "alpha-PVP",
    "MDPV",
    "2-F-DCK",
    "bromazolam",
    "isotonitazene",
    "protonitazene",
    "25I-NBOMe",
    "methoxetamine",
    "ADB-BUTINACA",
    "2-methyl-AP-237",
]


def _load(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / "substances" / name).read_text(encoding="utf-8"))["substances"]


@pytest.fixture(scope="module")
def entries() -> dict[str, list[dict[str, Any]]]:
    return {key: _load(name) for key, name in FILES.items()}


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    ids: set[str] = set()
    for path in (DATA / "sources").glob("*.yaml"):
        ids |= {s["id"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]}
    return ids


def _all(entries: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return entries["fentanyl"] + entries["nps"]


def test_every_entry_fits_the_schema(entries):
    for raw in _all(entries):
        Substance.model_validate(raw)


def test_ids_are_unique_across_both_files(entries):
    dup = [i for i, n in Counter(e["id"] for e in _all(entries)).items() if n > 1]
    assert not dup


def test_structures_are_unique(entries):
    keys = [e["inchikey"] for e in _all(entries) if e.get("inchikey")]
    assert len(keys) == len(set(keys))


def test_sources_exist(entries, source_ids):
    missing = {s for e in _all(entries) for s in e["sources"]} - source_ids
    assert not missing


def test_smiles_parse_and_inchikey_is_computed(entries):
    bad = []
    for e in _all(entries):
        if e.get("smiles") is None:
            continue
        mol = Chem.MolFromSmiles(e["smiles"])
        if mol is None or Chem.MolToInchiKey(mol) != e.get("inchikey"):
            bad.append(e["id"])
        elif Chem.MolToSmiles(mol) != e["smiles"]:
            bad.append(e["id"] + " (not canonical)")
    assert not bad


@pytest.mark.parametrize(("key", "minimum"), [("fentanyl", 100), ("nps", 300)])
def test_counts(entries, key, minimum):
    assert len(entries[key]) >= minimum


def test_every_fentanyl_entry_has_the_anilidopiperidine_core(entries):
    for e in entries["fentanyl"]:
        assert e["family"] == "fentanyl" and e["category"] == "opioid", e["id"]
        mol = Chem.MolFromSmiles(e["smiles"])
        assert mol.HasSubstructMatch(ANILIDOPIPERIDINE), e["id"]


def test_core_pattern_rejects_non_fentanyls():
    for smi in ["CCN(CC)C(=O)c1ccccc1", "CN1CCC(CC1)c1ccccc1", "CC(=O)Nc1ccccc1"]:
        assert not Chem.MolFromSmiles(smi).HasSubstructMatch(ANILIDOPIPERIDINE)


def test_nps_families_are_spread(entries):
    families = Counter(e["family"] for e in entries["nps"])
    big = {f for f, n in families.items() if n >= 10}
    assert len(big) >= 8, families
    for family in [
        "cathinone",
        "synthetic-cannabinoid",
        "tryptamine",
        "arylcyclohexylamine",
        "designer-benzodiazepine",
        "lysergamide",
        "nbome",
        "phenethylamine",
    ]:
        assert families[family] >= 10, family


def test_internationally_scheduled_substances_are_absent(entries):
    def norm(s: str) -> str:
        return "".join(c for c in s.lower() if c.isalnum())

    names = {norm(n) for e in _all(entries) for n in [e["name"], *e.get("synonyms", [])]}
    assert not [s for s in SCHEDULED if norm(s) in names]
    assert not [
        e["id"]
        for e in _all(entries)
        if any(c["schedule"][:4] in ("1961", "1971", "1988") for c in e["control"])
    ]


def test_no_overlap_with_other_substance_files(entries):
    mine = {e["id"] for e in _all(entries)}
    keys = {e["inchikey"] for e in _all(entries) if e.get("inchikey")}
    for path in (DATA / "substances").glob("*.yaml"):
        if path.name in FILES.values():
            continue
        for e in yaml.safe_load(path.read_text(encoding="utf-8"))["substances"]:
            assert e["id"] not in mine, (path.name, e["id"])
            assert e.get("inchikey") is None or e["inchikey"] not in keys, (path.name, e["id"])
