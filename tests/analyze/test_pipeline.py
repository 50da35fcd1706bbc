"""Components are registered by name, declare what they need, and build a pipeline."""

import pytest

from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline
from narcwatch.analyze.registry import components
from narcwatch.errors import ComponentError, UsageError


def test_default_components_are_registered_with_descriptions():
    specs = components()
    for name in DEFAULT_COMPONENTS:
        assert name in specs and specs[name].description


def test_order_is_checked():
    with pytest.raises(ComponentError, match="needs norm"):
        Pipeline(("substances",))


def test_unknown_component_lists_valid_ones():
    with pytest.raises((UsageError, ComponentError)) as exc:
        Pipeline(("normalize", "telepathy"))
    assert "normalize" in str(exc.value)


def tiny_kb_dir(root):
    (root / "sources").mkdir(parents=True)
    (root / "substances").mkdir()
    (root / "sources" / "t.yaml").write_text(
        "sources:\n  - id: test-source\n    title: Made up for a test\n    publisher: tests\n"
    )
    (root / "substances" / "t.yaml").write_text(
        "substances:\n"
        "  - id: zorbaxine\n"
        "    name: Zorbaxine\n"
        "    category: other\n"
        "    sources: [test-source]\n"
    )
    return root


def test_the_pipeline_reads_the_knowledge_base_it_is_given(tmp_path):
    from narcwatch.ingest.base import RawDocument
    from narcwatch.kb import load_kb

    kb = load_kb(tiny_kb_dir(tmp_path / "kb"))
    text = "Selling zorbaxine and cocaine"
    raw = RawDocument(text, "t", "line 1", text.encode())
    names = ("normalize", "language", "substances")
    mine = Pipeline(names, kb=kb)
    assert mine.kb is kb
    assert [h.id for h in mine.analyze(raw).substances] == ["zorbaxine"]
    assert [h.id for h in Pipeline(names).analyze(raw).substances] == ["cocaine"]
    # The whole default pipeline builds and runs over a knowledge base with no cues,
    # units, currencies or languages.
    finding = Pipeline(kb=kb)(raw)
    assert [h.id for h in finding.substances] == ["zorbaxine"]


def test_stage_costs_cover_every_component_and_the_finding():
    from narcwatch.analyze.pipeline import DEFAULT_COMPONENTS, Pipeline
    from narcwatch.ingest.base import RawDocument

    pipe = Pipeline()
    texts = ["selling 1g coke, 80 euro, wickr: amy_b", "nothing to see here", ""]
    n, costs = pipe.stage_costs(
        RawDocument(t, "t", f"line {i}", t.encode()) for i, t in enumerate(texts)
    )
    assert n == 3
    assert list(costs) == [*DEFAULT_COMPONENTS, "finding"]
    assert all(v >= 0 for v in costs.values())
