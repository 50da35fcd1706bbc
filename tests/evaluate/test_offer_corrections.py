"""The offer labels corrected by reading the text (tests/data/offer_corrections*.jsonl)."""

from __future__ import annotations

import json

import pytest

from narcwatch.evaluate.corpora import iter_corpus
from tests.conftest import ROOT

FILES = sorted((ROOT / "tests" / "data").glob("offer_corrections*.jsonl"))
ROWS = [json.loads(line) for f in FILES for line in f.open() if line.strip()]


def test_corrections_are_well_formed():
    assert len(FILES) == 2 and len(ROWS) >= 300
    ids = [r["record"] for r in ROWS]
    assert len(ids) == len(set(ids)), "a record corrected twice"
    for r in ROWS:
        assert r["label"] in ("drug_offer", "not_drug_offer", "unclear"), r
        assert r["source_label"] in ("offer", "not_offer"), r
        assert len(r["note"].split()) <= 12, r


@pytest.mark.shared_data
def test_corrections_point_at_real_records(shared_data):
    source = {rec.id: rec.label for rec in iter_corpus("oc", shared_data)}
    for r in ROWS:
        assert source.get(r["record"]) == r["source_label"], r
