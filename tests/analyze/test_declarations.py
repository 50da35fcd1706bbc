"""Every component declares everything it reads and writes on the Doc, and check mode
enforces it: an undeclared read or write raises ComponentError naming both."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from narcwatch.analyze.checked import CheckedDoc
from narcwatch.analyze.doc import Doc
from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline
from narcwatch.analyze.registry import _COMPONENTS, ComponentFunc, get_component, register_component
from narcwatch.errors import ComponentError
from narcwatch.ingest.base import RawDocument, ReadOptions
from narcwatch.ingest.sources import read_inputs
from narcwatch.kb import KnowledgeBase, default_kb

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    ROOT / "examples",
    ROOT / "tests" / "data" / "hostile",
    ROOT / "tests" / "data" / "reddit",
    ROOT / "tests" / "data" / "telegram",
    ROOT / "tests" / "data" / "offers.jsonl",
    ROOT / "tests" / "data" / "offers_social.jsonl",
    ROOT / "tests" / "data" / "selectors_corpus.jsonl",
    ROOT / "tests" / "data" / "substance_mentions.jsonl",
]
# Used only on some documents: an unknown CAS number (none in the samples); the text when
# no normalized view was set (the default pipeline always sets one).
CONDITIONAL = {("substances", "features.unknown_cas"), ("offer", "text")}


def sample_documents(per_file: int = 25) -> list[RawDocument]:
    """Up to ``per_file`` documents from each sample file: every kind of input, without
    running the check-mode proxy over thousands of near-identical records."""
    items = read_inputs([str(p) for p in SAMPLES], None, ReadOptions())
    taken: dict[str, int] = {}
    docs = []
    for item in items:
        if isinstance(item, RawDocument) and taken.get(item.source, 0) < per_file:
            taken[item.source] = taken.get(item.source, 0) + 1
            docs.append(item)
    return docs


@pytest.fixture(scope="module")
def observed() -> dict[str, tuple[set[str], set[str]]]:
    """What each built-in read and wrote over every sample document, in check mode."""
    kb = default_kb()
    specs = [get_component(name) for name in DEFAULT_COMPONENTS]
    steps = [spec.factory({}, kb) for spec in specs]
    seen: dict[str, tuple[set[str], set[str]]] = {s.name: (set(), set()) for s in specs}
    docs = sample_documents()
    assert len(docs) > 100
    for raw in docs:
        doc = Doc.from_raw(raw)
        for spec, step in zip(specs, steps, strict=True):
            view = CheckedDoc(
                doc, spec.name, frozenset((*spec.requires, *spec.optional)), frozenset(spec.sets)
            )
            step(view)  # type: ignore[arg-type]  # raises on anything undeclared
            seen[spec.name][0].update(view.reads)
            seen[spec.name][1].update(view.writes)
    return seen


@pytest.mark.parametrize("name", DEFAULT_COMPONENTS)
def test_builtins_declare_exactly_what_they_use(observed, name):
    spec = get_component(name)
    reads, writes = observed[name]
    declared_reads = {*spec.requires, *spec.optional, *spec.sets}
    assert reads <= declared_reads
    assert writes <= set(spec.sets)
    # ... and nothing more: every declared input was read and every output written (or,
    # for a list such as ``reasons``, fetched to be appended to).
    assert {r for r in (*spec.requires, *spec.optional) if (name, r) not in CONDITIONAL} <= reads
    assert {s for s in spec.sets if (name, s) not in CONDITIONAL} <= writes | reads


def test_the_default_pipeline_runs_in_check_mode():
    text = "Selling pure cocaine 1g 80 EUR, telegram @shop_one, CAS 50-37-3 and 99-99-9"
    finding = Pipeline(check=True)(RawDocument(text, "t", "line 1", text.encode()))
    assert finding.offer and finding.substances


@pytest.fixture
def sneaky():
    """A component that reads ``doc.lang`` without requiring it."""

    def factory(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
        def run(doc: Doc) -> None:
            doc.features["sneaky"] = doc.lang

        return run

    register_component("sneaky", requires=("text",), sets=("features.sneaky",))(factory)
    yield "sneaky"
    del _COMPONENTS["sneaky"]


def test_an_undeclared_read_fails_in_check_mode(sneaky):
    raw = RawDocument("hello there", "t", "line 1", b"hello there")
    pipe = Pipeline(("normalize", "language", sneaky), check=True)
    with pytest.raises(ComponentError, match=r"'sneaky' read doc\.lang"):
        pipe.analyze(raw)
    # Outside check mode nothing is checked (and nothing costs).
    Pipeline(("normalize", "language", sneaky), check=False).analyze(raw)


def test_check_mode_follows_the_environment(sneaky, monkeypatch):
    raw = RawDocument("hello there", "t", "line 1", b"hello there")
    monkeypatch.setenv("NARCWATCH_CHECK_COMPONENTS", "1")
    with pytest.raises(ComponentError, match="sneaky"):
        Pipeline(("language", sneaky)).analyze(raw)


def test_an_undeclared_write_fails_in_check_mode():
    def factory(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
        def run(doc: Doc) -> None:
            doc.offer = True

        return run

    register_component("liar", sets=("features.liar",))(factory)
    try:
        with pytest.raises(ComponentError, match=r"'liar' wrote doc\.offer"):
            Pipeline(("liar",), check=True).analyze(RawDocument("x", "t", None, b"x"))
    finally:
        del _COMPONENTS["liar"]


def test_a_missing_requirement_fails_the_build_and_shows_the_order():
    with pytest.raises(
        ComponentError,
        match=r"'offer' needs substances.*features\.cues.*order is normalize -> offer",
    ):
        Pipeline(("normalize", "offer"))


def test_declarations_must_name_doc_attributes():
    with pytest.raises(ComponentError, match="not a Doc attribute"):
        register_component("typo", requires=("txt",), sets=("features.x",))
