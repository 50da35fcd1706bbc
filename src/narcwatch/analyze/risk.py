"""The ``risk`` component: how urgently an analyst should look at this document.

Risk is the offer score scaled by the harm of what is offered (the worst substance's family
or category, from ``analyze/data/scoring.yaml``: fentanyl-related substances and nitazenes
on top, cannabis low), plus a small boost when the offer carries a way to reach the seller.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.offer import CONTACT_TYPES, WALLET_TYPES, scoring_params
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase


class RiskScorer:
    def __init__(self, params: Mapping[str, Any], kb: KnowledgeBase) -> None:
        self.category: dict[str, float] = dict(params["category"])
        self.family: dict[str, float] = dict(params.get("family", {}))
        self.no_substance = float(params.get("no_substance", 0.1))
        self.boost = float(params.get("strong_selector_boost", 0.0))
        self.kb = kb

    def severity(self, doc: Doc) -> tuple[float, str | None]:
        worst, why = self.no_substance, None
        for hit in doc.substances:
            sub = self.kb.substances.get(hit.id)
            family = sub.family if sub is not None else None
            sev = self.family.get(family or "", self.category.get(hit.category or "other", 0.5))
            if sev > worst:
                label = f"{family}-related substance" if family in self.family else hit.category
                worst, why = sev, f"{label} ({hit.name})"
        return worst, why

    def __call__(self, doc: Doc) -> None:
        severity, why = self.severity(doc)
        reachable = any(s.type in CONTACT_TYPES or s.type in WALLET_TYPES for s in doc.selectors)
        risk = doc.offer_score * severity + (self.boost if reachable and doc.offer else 0.0)
        doc.risk = min(1.0, risk)
        if doc.offer and why and severity >= 0.8:
            doc.reasons.append(f"high-harm: {why}")


@register_component(
    "risk",
    requires=("substances", "selectors", "offer_score", "offer"),
    sets=("risk", "reasons"),
    description="Offer score scaled by the harm of the substances offered, plus reachability.",
)
def make_risk(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    params = dict(scoring_params()["risk"])
    params.update(config)
    return RiskScorer(params, kb)
