"""Substance mentions on real text, labelled by reading it (tests/data/mentions/).

The label files are checked against the text they point into (a lint: every span is where
it says, every substance exists), then the matcher is measured on them. The floors sit
just under the figures in docs/model-card.md, so a change that loses real mentions or
adds false ones fails here, not in the field."""

from __future__ import annotations

import pytest

from narcwatch.evaluate.corpora import load_records
from narcwatch.evaluate.mentions import measure, read_labels
from narcwatch.kb import default_kb
from tests.conftest import ROOT

LABELS = ROOT / "tests" / "data" / "mentions"


@pytest.fixture(scope="module")
def candidates():
    return read_labels(LABELS, "labels_batch_*.jsonl")


@pytest.fixture(scope="module")
def titles():
    return read_labels(LABELS, "labels_titles_*.jsonl")


def test_enough_labels(candidates, titles):
    assert len(candidates) >= 1500
    assert len(titles) >= 300
    assert {c["label"] for c in candidates} == {True, False}


def test_labels_name_known_substances(candidates, titles):
    kb = default_kb()
    for c in candidates:
        assert set(c["substances"]) <= kb.substances.keys(), c
    for t in titles:
        for m in t["mentions"]:
            assert m.get("not_in_kb") or m["substance"] in kb.substances, (t["record"], m)


@pytest.mark.shared_data
def test_labels_point_at_their_text(shared_data, candidates, titles):
    records = load_records(
        {c["record"] for c in candidates} | {t["record"] for t in titles}, shared_data
    )
    for c in candidates:
        a, b = c["span"]
        assert records[c["record"]].text[a:b] == c["matched"], c
    for t in titles:
        rec = records[t["record"]]
        text = rec.title if t["field"] == "title" and rec.title else rec.text
        for m in t["mentions"]:
            assert m["surface"] in text, (t["record"], m["surface"])


@pytest.mark.shared_data
def test_mention_quality_on_real_text(shared_data):
    rep = measure(LABELS, shared_data)
    print(
        f"mentions: precision {rep.overall.precision:.3f} recall {rep.overall.recall:.3f}; "
        f"titles: precision {rep.titles.precision:.3f} recall {rep.titles.recall:.3f}"
    )
    # Floors a little under the figures of scripts/eval_mentions.py (0.954 / 0.941;
    # titles 0.954 / 0.951).
    assert rep.overall.precision >= 0.95 and rep.overall.recall >= 0.935
    assert rep.titles.recall >= 0.945 and rep.titles.precision >= 0.945


@pytest.mark.shared_data
def test_market_titles_name_their_drug(shared_data):
    # Every Dream Market cocaine listing title (1,043, junk rows of a shipping route or
    # stars included: 31 of them): the share in which cocaine is found.
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.evaluate.corpora import dream
    from narcwatch.ingest.base import RawDocument

    pipe = Pipeline(("normalize", "language", "substances"))
    rows = list(dream(shared_data))
    found = sum(
        any(h.id == "cocaine" for h in pipe.analyze(RawDocument(r.text, "t", r.id, b"")).substances)
        for r in rows
    )
    assert len(rows) > 1000 and found / len(rows) >= 0.96, found / len(rows)
