"""The trained offer model that ships with the package, on texts it was not trained on."""

import numpy as np
import pytest

from narcwatch.analyze.offer import make_offer
from narcwatch.analyze.offer_model import (
    EVIDENCE,
    default_model,
    precision_at,
    threshold_from_curve,
    tokens,
)
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import default_kb


@pytest.fixture(scope="module")
def analyze():
    pipe = Pipeline()

    def run(text: str, title: str | None = None):
        raw = RawDocument(text=text, source="t", location="l", raw=text.encode(), title=title)
        return pipe.analyze(raw)

    return run


def test_model_ships_with_its_card():
    model = default_model()
    assert model is not None
    assert model.coef.shape == (2, len(model.vocab) + len(EVIDENCE))
    assert np.isfinite(model.coef).all()
    assert model.meta["training_texts"] > 19000
    assert "agora_2014_titles" in model.meta["sources"]
    # The shipped threshold is the one its own curve gives for 90% precision at 1%.
    assert model.threshold_for(0.01) == pytest.approx(model.meta["threshold"])


def test_length_does_not_decide():
    # Unit-length features: the same words repeated weigh as the words once.
    model = default_model()
    z1, _ = model.logits("selling cocaine 2g", {})
    z2, _ = model.logits(" ".join(["selling cocaine 2g"] * 50), {})
    assert abs(float(z1[0]) - float(z2[0])) < 1.0


def test_tokens_mark_titles_and_numbers():
    assert tokens("buy 250 grams", "Hash 5g") == [
        "buy",
        "###",
        "grams",
        "buy ###",
        "### grams",
        "t:hash",
        "t:#",
    ]


def test_precision_at_prevalence_reweights_negatives():
    assert precision_at(0.8, 0.0, 0.01) == 1.0
    # 80% recall, 1 false positive per 1,000 negatives, 1% offers: 0.8% vs 0.099%.
    assert precision_at(0.8, 0.001, 0.01) == pytest.approx(0.008 / (0.008 + 0.00099))
    curve = [[0.1, 0.99, 0.2], [0.5, 0.9, 0.01], [0.9, 0.8, 0.0005]]
    assert threshold_from_curve(curve, 0.01, 0.9) == 0.9
    assert threshold_from_curve(curve, 0.5, 0.9) == 0.5
    assert threshold_from_curve(curve, 0.01, 1.01) == 1.0  # unreachable: nothing flagged


def test_prevalence_moves_the_operating_point():
    rare = make_offer({"prevalence": 0.001}, default_kb())
    common = make_offer({"prevalence": 0.3}, default_kb())
    assert rare.p.threshold >= common.p.threshold
    assert make_offer({"threshold": 0.42}, default_kb()).p.threshold == 0.42


@pytest.mark.parametrize(
    "text",
    [
        "Selling pure cocaine, 2g for 140 EUR, discreet shipping across Europe, Wickr: snowman77",
        "12x Blue Nintendos 200mg MDMA",
        "30 MG Oxycodone (Roxy) (10 Pack)",
        "28G Cocaine 90%+ Pure Flakes Uncut Colombian",
    ],
)
def test_offers_of_any_length_are_drug_offers(analyze, text):
    doc = analyze(text)
    assert doc.offer, (text, doc.offer_score)
    assert doc.features["offer_kind"] == "drug"


@pytest.mark.parametrize(
    "text",
    [
        "Customs officers seized 300 kg of cocaine in a container of frozen fish, police said.",
        "Researchers measured how MDMA affects memory in a study of 120 volunteers.",
        "I took 2 tabs of acid at the festival and the colours were amazing for hours.",
        "My doctor switched me from oxycodone to tramadol 50mg and the pain is better.",
    ],
)
def test_talk_is_not_an_offer(analyze, text):
    doc = analyze(text)
    assert not doc.offer, (text, doc.offer_score)
    assert doc.features["offer_kind"] is None or doc.features["offer_kind"] == "other"


def test_reasons_name_the_words(analyze):
    doc = analyze("Selling pure cocaine 2g 140 EUR, escrow accepted, ships worldwide")
    assert any(r.startswith("words ") for r in doc.reasons)


def test_first_person_use_is_evidence_of_talk(analyze):
    # "I took", "we smoked": 88% of real experience reports, 0.2% of drug listings.
    doc = analyze("We smoked some weed and then I took 120mg of MDMA; I felt warm within the hour.")
    assert any(r.startswith("someone telling of their own use") for r in doc.reasons), doc.reasons
    assert not doc.offer
    # Its weight is learned from the real reports and reviews, not set by hand.
    assert default_model().meta["evidence_weights"]["use"] < 0
