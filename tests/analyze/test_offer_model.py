"""The trained offer model that ships with the package, on texts it was not trained on."""

import numpy as np
import pytest

from narcwatch.analyze.offer_model import BUCKETS, N_FEATURES, default_model, text_features
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.ingest.base import RawDocument


@pytest.fixture(scope="module")
def score():
    pipe = Pipeline()

    def run(text: str) -> float:
        raw = RawDocument(text=text, source="t", location="l", raw=text.encode())
        return pipe.analyze(raw).offer_score

    return run


def test_model_ships_with_its_card():
    model = default_model()
    assert model is not None and model.coef.shape == (N_FEATURES,)
    assert model.meta["training_texts"] > 1000 and "choshen:ebay.txt" in model.meta["sources"]
    assert np.isfinite(model.coef).all()


def test_features_are_stable_across_processes():
    # CRC-32 hashing, not Python's salted hash(): the same words give the same buckets.
    assert text_features("buy cocaine now") == text_features("buy cocaine now")
    assert all(0 <= i < BUCKETS for i in text_features("any words at all"))


@pytest.mark.parametrize(
    "text",
    [
        "Selling pure cocaine, 2g for 140 EUR, discreet shipping across Europe, Wickr: snowman77",
        "Vendo MDMA en cristal, 5 gramos 90€, envío discreto, pago en bitcoin",
        "Verkaufe Amphetamin, 10 Gramm 100€, Versand deutschlandweit",
    ],
)
def test_offers_score_high(score, text):
    assert score(text) >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Customs officers seized 300 kg of cocaine in a container of frozen fish, police said.",
        "Researchers measured how MDMA affects memory in a study of 120 volunteers.",
        "Selling a used lawn mower and a weed trimmer, 60 dollars each.",
    ],
)
def test_talk_and_ordinary_goods_score_low(score, text):
    assert score(text) < 0.5
