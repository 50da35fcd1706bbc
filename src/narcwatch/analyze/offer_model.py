"""The learned offer model: words of the title and text plus the pipeline's evidence.

One function makes the features for training and for scoring, so they cannot drift:

* the words and word pairs of the normalized text (the first ``MAX_WORDS``), numbers as
  their shape ("80" -> "##"), and the title's words marked ``t:``; counts damped
  (``1 + log tf``) and the vector scaled to unit length, so a five-word listing title and a
  3,000-word page weigh alike (the old model summed weights of whatever words were there:
  long texts scored high, titles low, whatever they said);
* the evidence counts of :func:`narcwatch.analyze.offer.collect_evidence` (substances, cue
  words by kind, quantities, prices, contacts, wallets, vendor and price fields) as
  ``log1p(count)``.

Two logistic regressions share the features: ``drug`` (a controlled, watched or
prescription drug is offered) and ``any`` (anything is offered: drugs, fake documents,
guides, spam goods). Both are trained by ``scripts/train_offer_model.py`` on the real
offer corpus; weights, vocabulary and the measured operating curve ship in
``analyze/data/offer_model.{npz,json}``. Scoring needs numpy only.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from narcwatch import _native

EVIDENCE = (
    "substance",
    "substance_more",
    "precursor",
    "sale",
    "buy",
    "contact",
    "shipping",
    "payment",
    "quality",
    "listing",
    "negative",
    "quantity",
    "price",
    "contact_selector",
    "wallet",
    "use",
)
# Not in the model: "vendor_field" and "price_field" (a vendor or price column in the
# input) never occur in the real training texts, so their weights would be learned from
# our few hundred posts alone and fire on every market dump; they stay reasons only.
_WORD = re.compile(r"[^\W\d_]{2,}|\d+")
_DIGIT = re.compile(r"\d")
MAX_WORDS = 400  # a page's first few hundred words say what it is
MAX_CHARS = 6000  # enough text for MAX_WORDS words; tokenising more is wasted
TITLE_WORDS = 30


def _shape(word: str) -> str:
    return "#" * min(len(word), 4) if word[0].isdigit() else word


def tokens(norm_text: str, title: str | None = None) -> list[str]:
    """The model's terms of one document (repeats kept: they are counted)."""
    words = [
        w if not w[0].isdigit() else _SHAPES[min(len(w), 4)]
        for w in _WORD.findall(norm_text, 0, MAX_CHARS)[:MAX_WORDS]
    ]
    out = words + list(map(" ".join, itertools.pairwise(words)))
    if title:
        out += ["t:" + _shape(w) for w in _WORD.findall(title.lower())[:TITLE_WORDS]]
    return out


_SHAPES = ["", "#", "##", "###", "####"]


def model_title(title: str | None, text: str) -> str | None:
    """The title the model reads: none when it is the whole text (titles-only dumps repeat
    it as the text), the same rule in training and in scanning."""
    return title if title and title != text else None


def known_terms(norm_text: str, title: str | None, vocab: dict[str, int]) -> list[int]:
    """``vocab``'s indices of the document's :func:`tokens`, in their order (repeats kept)."""
    if (native := _native.speedups) is not None:
        low = title.lower() if title else None
        if (table := _vocab_table(native, vocab)) is not None:
            return native.offer_known_table(
                norm_text, low, table, MAX_CHARS, MAX_WORDS, TITLE_WORDS
            )
        return native.offer_known(norm_text, low, vocab, MAX_CHARS, MAX_WORDS, TITLE_WORDS)
    return [j for j in map(vocab.get, tokens(norm_text, title)) if j is not None]


_TABLES: dict[int, tuple[dict[str, int], Any]] = {}


def _vocab_table(native: Any, vocab: dict[str, int]) -> Any:
    """The native table of ``vocab`` (made once per vocabulary, which never changes once
    loaded), or None where it cannot be made (a term that is not a str, an index that is
    not a non-negative int): the dict is then read as it is."""
    found = _TABLES.get(id(vocab))
    if found is None or found[0] is not vocab:
        try:
            table = native.vocab_table(vocab)
        except (TypeError, ValueError, OverflowError):
            table = None
        if len(_TABLES) >= 4:
            _TABLES.clear()
        found = _TABLES[id(vocab)] = (vocab, table)
    return found[1]


TOP_WORDS = 4  # the drug head's largest word contributions, named in reasons


def known_scores(
    known: list[int], drug: np.ndarray, any_: np.ndarray, k: int = TOP_WORDS
) -> tuple[float, float, list[tuple[float, int]]]:
    """Both heads' word sums over a document's known term indices, and the ``k`` largest
    positive drug contributions as ``(contribution, index)`` (by contribution, then the
    lower index first). Distinct indices weigh ``1 + log(count)``, scaled to unit length,
    in float64. The C version (``offer_dot``) does the same in one pass: this is its
    reference."""
    if (native := _native.speedups) is not None:
        z_drug, z_any, top = native.offer_dot(known, drug, any_, k)
        return z_drug, z_any, top
    if not known:
        return 0.0, 0.0, []
    # Every step rounds as the C loop does, so both give the same bits: sums run in order
    # (cumsum, not numpy's pairwise sum), logs come from the C library (math.log), and the
    # weights are multiplied by one inverse norm.
    idx, counts = np.unique(np.asarray(known, np.int64), return_counts=True)
    distinct = np.unique(counts)
    logs = np.array([math.log(int(c)) for c in distinct], np.float64)
    w = 1.0 + logs[np.searchsorted(distinct, counts)]
    val = w * (1.0 / math.sqrt(float(np.cumsum(w * w)[-1])))
    contrib = drug[idx].astype(np.float64) * val
    z_drug = float(np.cumsum(contrib)[-1])
    z_any = float(np.cumsum(any_[idx].astype(np.float64) * val)[-1])
    positive = np.flatnonzero(contrib > 0)
    order = positive[np.lexsort((idx[positive], -contrib[positive]))][:k]
    return z_drug, z_any, [(float(contrib[b]), int(idx[b])) for b in order]


def evidence_vector(counts: Mapping[str, int]) -> list[float]:
    return [math.log1p(counts.get(name, 0)) for name in EVIDENCE]


@dataclass(frozen=True)
class OfferModel:
    vocab: dict[str, int]
    terms: list[str]  # vocab's keys by index, for reasons
    coef: np.ndarray  # float32 (2, len(vocab) + len(EVIDENCE)): rows "drug", "any"
    intercept: np.ndarray  # float32 (2,)
    meta: dict[str, Any]
    _drug: np.ndarray = field(init=False, repr=False)
    _any: np.ndarray = field(init=False, repr=False)
    _ev: list[list[float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.vocab)
        # Row views and plain-float evidence weights: scoring one document makes a handful
        # of numpy calls (each costs microseconds), the 17 evidence terms none.
        object.__setattr__(self, "_drug", np.ascontiguousarray(self.coef[0, :n]))
        object.__setattr__(self, "_any", np.ascontiguousarray(self.coef[1, :n]))
        object.__setattr__(self, "_ev", [self.coef[r, n:].tolist() for r in (0, 1)])

    def logits(
        self, norm_text: str, counts: Mapping[str, int], title: str | None = None
    ) -> tuple[tuple[float, float], list[tuple[float, str]]]:
        """Raw scores of both heads, and the drug head's largest word contributions."""
        z_drug, z_any, best = known_scores(
            known_terms(norm_text, title, self.vocab), self._drug, self._any
        )
        ev = evidence_vector(counts)
        z = [
            float(self.intercept[r]) + sum(w * x for w, x in zip(self._ev[r], ev, strict=True))
            for r in (0, 1)
        ]
        top = sorted(((c, self.terms[j]) for c, j in best), reverse=True)
        return (z[0] + z_drug, z[1] + z_any), top

    def calibrated(self, z: float, head: str = "drug") -> float:
        """Platt-scaled probability (fitted on out-of-fold scores of the training mix)."""
        cal = self.meta["calibration"][head]
        x = float(cal["a"]) * z + float(cal["b"])
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))

    def threshold_for(self, prevalence: float, precision: float = 0.9) -> float:
        """The lowest score whose measured precision at ``prevalence`` reaches ``precision``,
        from the out-of-fold operating curve the training script stored."""
        return threshold_from_curve(self.meta["curve"], prevalence, precision)


def precision_at(tpr: float, fpr: float, prevalence: float) -> float:
    """Precision when offers are ``prevalence`` of documents (negatives re-weighted)."""
    tp, fp = tpr * prevalence, fpr * (1.0 - prevalence)
    return tp / (tp + fp) if tp + fp > 0 else 1.0


def threshold_from_curve(
    curve: Sequence[Sequence[float]], prevalence: float, precision: float
) -> float:
    """``curve`` holds ``(threshold, tpr, fpr)`` rows in increasing threshold."""
    for t, tpr, fpr in curve:
        if tpr > 0 and precision_at(tpr, fpr, prevalence) >= precision:
            return float(t)
    return 1.0


def model_files() -> tuple[Any, Any]:
    data = resources.files("narcwatch.analyze") / "data"
    return data / "offer_model.npz", data / "offer_model.json"


@lru_cache(maxsize=1)
def default_model() -> OfferModel | None:
    """The shipped model, or None when it has not been trained (scoring falls back to the
    hand-set weights in scoring.yaml)."""
    weights, meta_file = model_files()
    if not weights.is_file() or not meta_file.is_file():
        return None
    meta = json.loads(meta_file.read_text("utf-8"))
    terms = list(meta.get("vocabulary") or [])
    with weights.open("rb") as fh:
        arrays = np.load(fh)
        coef = arrays["coef"].astype(np.float32)
        intercept = arrays["intercept"].astype(np.float32)
    if coef.shape != (2, len(terms) + len(EVIDENCE)):
        raise ValueError(
            f"offer model weights {coef.shape} do not fit its vocabulary of {len(terms)} "
            f"terms and {len(EVIDENCE)} evidence features: retrain it"
        )
    meta = {k: v for k, v in meta.items() if k != "vocabulary"}
    return OfferModel({t: i for i, t in enumerate(terms)}, terms, coef, intercept, meta)
