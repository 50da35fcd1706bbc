"""Precision and recall per selector type on the labelled corpus
(tests/data/selectors_corpus.jsonl, made by scripts/make_selector_corpus.py): valid
identifiers with real checksums, near-misses with one character changed, hashes and other
decoys, obfuscated e-mail and phone formats of several countries."""

import json
from collections import Counter

import pytest

from narcwatch.selectors import extract
from tests.conftest import ROOT

CORPUS = [json.loads(x) for x in (ROOT / "tests/data/selectors_corpus.jsonl").open()]
STRONG_TYPES = {"btc", "ltc", "doge", "trx", "eth", "xmr", "onion", "phone", "email"}


def test_corpus_is_big_enough():
    kinds = Counter(c["kind"] for c in CORPUS)
    assert len(CORPUS) >= 400 and kinds["near-miss"] >= 150 and kinds["decoy"] >= 80


def test_precision_and_recall_per_type():
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in CORPUS:
        want = {tuple(e) for e in case["expected"]}
        got = {(h.type, h.value) for h in extract(case["text"]) if h.type in STRONG_TYPES}
        for t, _ in want & got:
            tp[t] += 1
        for t, _ in got - want:
            fp[t] += 1
        for t, _ in want - got:
            fn[t] += 1
    lines = []
    for t in sorted(STRONG_TYPES):
        p = tp[t] / (tp[t] + fp[t]) if tp[t] + fp[t] else 1.0
        r = tp[t] / (tp[t] + fn[t]) if tp[t] + fn[t] else 1.0
        lines.append(f"{t}: precision {p:.3f} recall {r:.3f}")
        assert p >= 0.97 and r >= 0.97, lines[-1]
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    f1 = 2 * total_tp / (2 * total_tp + total_fp + total_fn)
    print("selector corpus: " + "; ".join(lines) + f"; overall F1 {f1:.3f}")
    assert f1 >= 0.97


@pytest.mark.parametrize("case", [c for c in CORPUS if c["kind"] == "near-miss"][:40])
def test_near_misses_are_refused(case):
    assert [h for h in extract(case["text"]) if h.strength == "strong"] == []
