"""The ``offer`` component: is this document offering a controlled substance for sale?

It weighs the evidence earlier components found (substances and their control status,
cue words, quantities, prices, contact selectors, a vendor or price field in the input)
in a logistic score whose weights live in ``analyze/data/scoring.yaml``. Every piece of
evidence that moved the score becomes a human-readable reason, so an analyst sees *why*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.offer_model import OfferModel, default_model, model_title
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase
from narcwatch.model import SelectorHit

CONTACT_TYPES = frozenset(
    {
        "phone",
        "email",
        "telegram",
        "whatsapp",
        "signal",
        "wickr",
        "session",
        "threema",
        "wire",
        "snapchat",
        "instagram",
    }
)
WALLET_TYPES = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
PRICE_FIELDS = frozenset({"price", "cost", "prix", "precio", "preis"})


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weight: float
    cap: int = 1


class OfferParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bias: float
    threshold: float = 0.5
    evidence: dict[str, Evidence]
    no_substance_cap: float = 1.0


@lru_cache(maxsize=1)
def scoring_params() -> dict[str, Any]:
    text = (resources.files("narcwatch.analyze") / "data" / "scoring.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _occurrences(hits: list[SelectorHit]) -> int:
    return sum(len(h.spans) or 1 for h in hits)


def collect_evidence(doc: Doc) -> tuple[dict[str, int], list[str]]:
    """Counts per evidence kind, and one reason per kind that was seen."""
    counts: dict[str, int] = {}
    reasons: list[str] = []

    def add(kind: str, n: int, reason: str) -> None:
        if n > 0:
            counts[kind] = counts.get(kind, 0) + n
            reasons.append(reason)

    distinct = {h.id: h for h in doc.substances}
    if distinct:
        first = doc.substances[0]
        sched = "/".join(first.control) or "not internationally scheduled"
        add("substance", 1, f"substance {first.name} ({sched}): '{first.matched}'")
        add("substance_more", len(distinct) - 1, f"{len(distinct)} distinct substances")
        if any(
            h.category in ("precursor", "designer-precursor") and h.via == "cas"
            for h in doc.substances
        ):
            add("precursor", 1, "precursor identified by CAS number")
    first_cue: dict[str, str] = {}
    for kind, term, _s, _e in doc.features.get("cues", ()):
        first_cue.setdefault(kind, term)
    counts_by_kind = doc.features.get("cue_counts") or {}
    for kind, term in first_cue.items():
        label = {
            "negative": "news/policing/harm-reduction term",
            "use": "someone telling of their own use",
        }.get(kind, f"{kind} term")
        add(kind, counts_by_kind.get(kind, 1), f"{label} '{term}'")
    if doc.quantities:
        q = doc.quantities[0]
        add("quantity", len(doc.quantities), f"quantity {q.amount:g} {q.unit}")
    if doc.prices:
        p = doc.prices[0]
        add("price", len(doc.prices), f"price {p.amount:g} {p.currency}")
    # A bare @handle counts as a contact when it follows an order or contact cue (strong):
    # "Order: @shop" on Telegram is how a dealer says where to buy.
    contacts = [
        s
        for s in doc.selectors
        if s.type in CONTACT_TYPES or (s.type == "handle" and s.strength == "strong")
    ]
    # Counted per occurrence, as the model was trained (a value is one hit with its spans).
    if contacts:
        add("contact_selector", _occurrences(contacts), f"contact: {contacts[0].type}")
    wallets = [s for s in doc.selectors if s.type in WALLET_TYPES]
    if wallets:
        add("wallet", _occurrences(wallets), f"{wallets[0].type} address")
    if doc.raw.author:
        add("vendor_field", 1, f"vendor '{doc.raw.author}'")
    price_field = next((k for k in doc.raw.fields if k.casefold() in PRICE_FIELDS), None)
    if price_field and doc.raw.fields[price_field].strip():
        add("price_field", 1, f"{price_field} field '{doc.raw.fields[price_field][:20]}'")
    return counts, reasons


class OfferScorer:
    """Scores with the trained model (``offer_model.py``) when it ships, else with the
    hand-set evidence weights of ``scoring.yaml``.

    ``offer`` is a drug offer; ``offer_kind`` says what is offered: ``"drug"``, ``"other"``
    (the text offers something, but no drug: fake documents, fraud guides, spam goods), or
    ``None`` (no offer: talk, news, reviews, reports)."""

    def __init__(self, params: OfferParams, model: OfferModel | None) -> None:
        self.p = params
        self.model = model
        self.other_threshold = float((model.meta if model else {}).get("other_threshold", 0.5))

    def __call__(self, doc: Doc) -> None:
        counts, reasons = collect_evidence(doc)
        other = False
        if self.model is not None:
            norm = doc.norm.text if doc.norm is not None else doc.text.lower()
            z, top = self.model.logits(norm, counts, model_title(doc.raw.title, doc.raw.text))
            score = self.model.calibrated(float(z[0]), "drug")
            other = self.model.calibrated(float(z[1]), "any") >= self.other_threshold
            words = [t.removeprefix("t:") for _, t in top if t.strip("#t: ")]
            if words:
                reasons.append("words " + ", ".join(f"'{w}'" for w in words))
        else:
            z0 = self.p.bias
            for kind, n in counts.items():
                ev = self.p.evidence.get(kind)
                if ev is not None:
                    z0 += ev.weight * min(n, ev.cap)
            score = 1.0 / (1.0 + math.exp(-z0))
            if not doc.substances:
                score = min(score, self.p.no_substance_cap)
        doc.offer_score = score
        doc.offer = score >= self.p.threshold
        doc.features["offer_kind"] = "drug" if doc.offer else ("other" if other else None)
        doc.features["offer_evidence"] = counts
        if doc.offer or doc.substances:
            doc.reasons.extend(reasons)


@register_component(
    "offer",
    requires=(
        "raw",
        "text",
        "substances",
        "selectors",
        "quantities",
        "prices",
        "features.cues",
        "features.cue_counts",
    ),
    optional=("norm",),
    sets=("offer_score", "offer", "reasons", "features.offer_kind", "features.offer_evidence"),
    description="Drug-offer score and what is offered (drug, other, none) from the trained "
    "model over words and evidence, with the reasons; config: threshold, or prevalence "
    "(the threshold whose measured precision is 0.90 at that share of offers).",
)
def make_offer(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    params = OfferParams.model_validate(scoring_params()["offer"])
    model = None if config.get("model") == "rules" else default_model()
    if model is not None:
        params.threshold = float(model.meta["threshold"])
        if "prevalence" in config:
            params.threshold = model.threshold_for(float(config["prevalence"]))
    if "threshold" in config:
        params.threshold = float(config["threshold"])
    return OfferScorer(params, model)
