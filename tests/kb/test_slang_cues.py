"""Lint of the slang, emoji and cue data files (``kb/data/slang``, ``emoji.yaml``, ``cues``).

These tests read the YAML directly, without the substance files: they check the schema of
every entry, duplicates, sources, coverage per language and the ambiguity flags that keep
ordinary words ("ice", "snow", "charlie") from counting as drug names on their own.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import BaseModel

from narcwatch.kb.loader import data_dir
from narcwatch.kb.schema import SLUG, Cue, CueKind, EmojiCode, SlangTerm

DATA = data_dir()
SLANG_LANGS = ("en", "fr", "es", "de", "ru", "nl", "it", "pt")
CUE_LANGS = ("en", "fr", "es", "de", "ru")
CUE_KINDS = get_args(CueKind)  # every kind the schema knows
DEA_CSV = Path(__file__).resolve().parents[2].parent / "shared/data/dope-drug-lookup"
DEA_CSV = DEA_CSV / "dea_street_names.csv"


def _entries(rel: str, key: str) -> list[dict[str, Any]]:
    with (DATA / rel).open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    assert isinstance(doc, dict) and list(doc) == [key], f"{rel}: expected only the key {key!r}"
    assert isinstance(doc[key], list)
    return doc[key]


def _files() -> list[tuple[str, str, type[BaseModel]]]:
    """(relative path, top-level key, model) of every file this lint covers."""
    files = [(str(p.relative_to(DATA)), "terms", SlangTerm) for p in DATA.glob("slang/*.yaml")]
    files += [(str(p.relative_to(DATA)), "cues", Cue) for p in DATA.glob("cues/*.yaml")]
    files.append(("emoji.yaml", "emoji", EmojiCode))
    return sorted(files)


FILES = _files()


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    ids: set[str] = set()
    for path in DATA.glob("sources/*.yaml"):
        ids |= {s["id"] for s in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]}
    return ids


@pytest.fixture(scope="module")
def slang() -> dict[str, list[SlangTerm]]:
    return {
        lang: [SlangTerm.model_validate(e) for e in _entries(f"slang/{lang}.yaml", "terms")]
        for lang in SLANG_LANGS
    }


def _expected_lang(rel: str) -> str:
    stem = Path(rel).stem
    return "zz" if rel == "cues/emoji.yaml" else stem


@pytest.mark.parametrize(("rel", "key", "model"), FILES, ids=[f[0] for f in FILES])
def test_every_entry_validates_with_its_language_and_known_sources(rel, key, model, source_ids):
    for i, raw in enumerate(_entries(rel, key)):
        item = model.model_validate(raw)  # raises on a missing or extra field
        assert set(item.sources) <= source_ids, f"{rel} #{i + 1}: unknown source {item.sources}"
        if hasattr(item, "lang"):
            assert item.lang == _expected_lang(rel), f"{rel} #{i + 1}: lang {item.lang}"


@pytest.mark.parametrize(("rel", "key", "model"), FILES, ids=[f[0] for f in FILES])
def test_no_duplicate_terms_in_a_file(rel, key, model):
    field = "code" if key == "emoji" else "term"
    # Matching ignores case, so "Coke" and "coke" would be the same term twice.
    keys = Counter((e[field].casefold(), e.get("lang")) for e in _entries(rel, key))
    dups = [k for k, n in keys.items() if n > 1]
    assert not dups, f"{rel}: duplicate terms {dups[:10]}"


@pytest.mark.parametrize(("rel", "key", "model"), FILES, ids=[f[0] for f in FILES])
def test_terms_are_trimmed_and_substance_ids_are_slugs(rel, key, model):
    slug = re.compile(SLUG)
    field = "code" if key == "emoji" else "term"
    for raw in _entries(rel, key):
        text = raw[field]
        assert text == text.strip() and "  " not in text, f"{rel}: {text!r} has stray spaces"
        for sid in raw.get("substances", []):
            assert slug.match(sid), f"{rel}: {text!r} names {sid!r}, not a substance id"


@pytest.mark.parametrize(
    ("lang", "minimum"), [("en", 300), ("fr", 80), ("es", 80), ("de", 80), ("ru", 40)]
)
def test_slang_coverage_per_language(slang, lang, minimum):
    assert len(slang[lang]) >= minimum


def test_slang_coverage_in_total_and_emoji(slang):
    assert sum(len(terms) for terms in slang.values()) >= 600
    assert len(_entries("emoji.yaml", "emoji")) >= 40


@pytest.mark.parametrize("lang", CUE_LANGS)
def test_every_cue_kind_is_covered_in_each_language(lang):
    kinds = Counter(e["kind"] for e in _entries(f"cues/{lang}.yaml", "cues"))
    assert set(kinds) == set(CUE_KINDS), f"{lang}: missing kinds {set(CUE_KINDS) - set(kinds)}"
    assert sum(kinds.values()) >= 60


# Ordinary words and names that are street names too: without context they are not drugs.
AMBIGUOUS = [
    ("en", "ice"),
    ("en", "snow"),
    ("en", "coke"),
    ("en", "grass"),
    ("en", "molly"),
    ("en", "china white"),
    ("en", "speed"),
    ("en", "charlie"),
    ("en", "crystal"),
    ("en", "crack"),
    ("en", "horse"),
    ("en", "blow"),
    ("en", "pot"),
    ("en", "tina"),
    ("en", "special k"),
    ("en", "lean"),
    ("en", "bars"),
    ("fr", "neige"),
    ("fr", "cheval"),
    ("fr", "herbe"),
    ("es", "nieve"),
    ("es", "caballo"),
    ("es", "hierba"),
    ("es", "chocolate"),
    ("de", "Schnee"),
    ("de", "Gras"),
    ("de", "Pilze"),
    ("ru", "соль"),
    ("ru", "фен"),
    ("ru", "трава"),
    ("nl", "coke"),
    ("nl", "sneeuw"),
    ("it", "neve"),
    ("it", "ero"),
    ("pt", "erva"),
]

# Coined street names that are nothing else: they count on their own.
UNAMBIGUOUS = [
    ("en", "skag"),
    ("en", "angel dust"),
    ("en", "shrooms"),
    ("en", "flakka"),
    ("en", "meow meow"),
    ("fr", "beuh"),
    ("fr", "teuch"),
    ("es", "farlopa"),
    ("es", "jaco"),
    ("de", "Hasch"),
    ("ru", "меф"),
    ("ru", "гаш"),
    ("nl", "hasj"),
    ("it", "hascisc"),
    ("pt", "maconha"),
]


def _lookup(slang: dict[str, list[SlangTerm]], lang: str, term: str) -> SlangTerm:
    found = [t for t in slang[lang] if t.term.casefold() == term.casefold()]
    assert found, f"{term!r} is missing from slang/{lang}.yaml"
    return found[0]


@pytest.mark.parametrize(("lang", "term"), AMBIGUOUS)
def test_ordinary_words_are_marked_ambiguous(slang, lang, term):
    assert _lookup(slang, lang, term).ambiguous is True


@pytest.mark.parametrize(("lang", "term"), UNAMBIGUOUS)
def test_coined_street_names_are_not_marked_ambiguous(slang, lang, term):
    assert _lookup(slang, lang, term).ambiguous is False


# (term, substance id it must map to, DEA 2018 category it is listed under)
DEA_TABLE = [
    ("smack", "heroin", "Heroin"),
    ("black tar", "heroin", "Heroin"),
    ("snow", "cocaine", "Cocaine"),
    ("rock", "cocaine", "Crack Cocaine"),
    ("angel dust", "phencyclidine", "PCP"),
    ("special k", "ketamine", "Ketamine"),
    ("window pane", "lsd", "LSD"),
    ("shrooms", "psilocybin", "Mushrooms"),
    ("crank", "methamphetamine", "Methamphetamine"),
    ("zannies", "alprazolam", "Alprazolam"),
    ("georgia home boy", "ghb", "GHB"),
    ("flakka", "alpha-pvp", "Synthetic Cathinones"),
    ("k2", "synthetic-cannabinoids", "Synthetic Cannabinoids"),
    ("china girl", "fentanyl", "Fentanyl and Fentanyl Derivatives"),
    ("sizzurp", "codeine", "Promethazine with Codeine"),
    ("dexies", "amphetamine", "Amphetamine"),
    ("chandoo", "opium", "Opium"),
]


@pytest.mark.parametrize(("term", "substance", "category"), DEA_TABLE)
def test_well_known_english_slang_maps_to_its_substance(slang, term, substance, category):
    assert substance in _lookup(slang, "en", term).substances


@pytest.mark.parametrize(("term", "substance", "category"), DEA_TABLE)
def test_dea_citations_agree_with_the_dea_list(term, substance, category):
    """Where an entry cites the DEA 2018 list, the term is on that list (read-only check)."""
    if not DEA_CSV.is_file():
        pytest.skip(f"DEA street-name table not available at {DEA_CSV}")
    with DEA_CSV.open(encoding="utf-8") as fh:
        listed = {
            (row["category"], row["slang"].split("(")[0].strip().casefold())
            for row in csv.DictReader(fh)
        }
    assert (category, term) in listed
