"""Substance detection measured on a labelled set (tests/data/substance_mentions.jsonl,
written by the narcwatch developers: listings in five languages, obfuscations, and hard
negatives such as a chemistry lesson, a film, a garden tool, a cola ad). Precision and
recall are over (document, substance) pairs and are printed for the closing note."""

import json

import pytest

from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument
from tests.conftest import ROOT

CASES = [json.loads(line) for line in (ROOT / "tests/data/substance_mentions.jsonl").open()]


@pytest.fixture(scope="module")
def found():
    pipe = Pipeline(("normalize", "language", "substances"))
    out = []
    for case in CASES:
        raw = RawDocument(text=case["text"], source="t", location="l", raw=case["text"].encode())
        out.append({h.id for h in pipe.analyze(raw).substances})
    return out


def test_precision_and_recall(found):
    tp = fp = fn = 0
    misses = []
    for case, got in zip(CASES, found, strict=True):
        want = set(case["expected"])
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            misses.append((case["note"], sorted(got), sorted(want)))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"substances: precision {precision:.3f}, recall {recall:.3f} on {len(CASES)} texts")
    assert precision >= 0.95 and recall >= 0.9, misses


@pytest.mark.parametrize("index", [i for i, c in enumerate(CASES) if not c["expected"]])
def test_hard_negatives_find_nothing(found, index):
    assert found[index] == set(), CASES[index]["note"]
