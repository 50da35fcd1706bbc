"""The learned offer model: hashed words of the text plus the pipeline's evidence.

Features (the same function for training and scoring, so they cannot drift apart):

* every word and word pair of the normalized text, hashed (CRC-32) into ``BUCKETS``
  buckets, present or not;
* the evidence counts of :func:`narcwatch.analyze.offer.collect_evidence` (substances,
  cue words by kind, quantities, prices, contacts, wallets, vendor and price fields),
  as ``log1p(count)``, in the slots after the hashed ones.

The model is a logistic regression trained by ``scripts/train_offer_model.py``; its
weights ship in ``analyze/data/offer_model.npz`` with ``offer_model.json`` (what it was
trained on and how it measured). Scoring needs numpy only.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

BUCKETS = 1 << 17
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
    "vendor_field",
    "price_field",
)
N_FEATURES = BUCKETS + len(EVIDENCE)
_WORD = re.compile(r"[^\W\d_]{2,}|\d+")
MAX_WORDS = 400  # a page's first few hundred words say what it is


def text_features(norm_text: str) -> set[int]:
    words = _WORD.findall(norm_text)[:MAX_WORDS]
    grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return {zlib.crc32(g.encode()) % BUCKETS for g in grams}


def evidence_vector(counts: Mapping[str, int]) -> list[float]:
    return [math.log1p(counts.get(name, 0)) for name in EVIDENCE]


@dataclass(frozen=True)
class OfferModel:
    coef: np.ndarray  # float32, N_FEATURES
    intercept: float
    meta: dict[str, Any]

    def logit(self, norm_text: str, counts: Mapping[str, int]) -> float:
        """The regression's raw score (log-odds under its balanced class weights)."""
        idx = text_features(norm_text)
        z = self.intercept + float(self.coef[list(idx)].sum()) if idx else self.intercept
        return z + float(np.dot(self.coef[BUCKETS:], evidence_vector(counts)))

    def score(self, norm_text: str, counts: Mapping[str, int]) -> float:
        """The calibrated probability of an offer (Platt scaling fitted on cross-validated
        training scores, ``meta["calibration"]``), so that among texts scored 0.8 about
        80% were offers in the training mix; see the model card for other prevalences."""
        z = self.logit(norm_text, counts)
        calibration = self.meta.get("calibration") or {}
        z = float(calibration.get("a", 1.0)) * z + float(calibration.get("b", 0.0))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def model_files() -> tuple[Any, Any]:
    data = resources.files("narcwatch.analyze") / "data"
    return data / "offer_model.npz", data / "offer_model.json"


@lru_cache(maxsize=1)
def default_model() -> OfferModel | None:
    """The shipped model, or None when it has not been trained (scoring falls back to the
    hand-set weights in scoring.yaml)."""
    weights, meta = model_files()
    if not weights.is_file():
        return None
    with weights.open("rb") as fh:
        arrays = np.load(fh)
        coef = arrays["coef"].astype(np.float32)
        intercept = float(arrays["intercept"])
    info = json.loads(meta.read_text("utf-8")) if meta.is_file() else {}
    if coef.shape != (N_FEATURES,):
        raise ValueError(f"offer model has {coef.shape[0]} weights, expected {N_FEATURES}")
    return OfferModel(coef, intercept, info)
