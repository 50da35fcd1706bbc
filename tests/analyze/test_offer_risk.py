"""Offer score and risk from the evidence earlier components leave on the Doc."""

import pytest

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.offer import make_offer
from narcwatch.analyze.risk import make_risk
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import default_kb
from narcwatch.model import Price, Quantity, SelectorHit, SubstanceHit


def make_doc(text="x", *, author=None, fields=None) -> Doc:
    raw = RawDocument(
        text=text,
        source="t",
        location="line 1",
        raw=text.encode(),
        author=author,
        fields=fields or {},
    )
    return Doc.from_raw(raw)


def heroin(span=(0, 6)) -> SubstanceHit:
    return SubstanceHit(
        id="heroin",
        name="Heroin",
        matched="heroin",
        span=span,
        control=["1961-I", "1961-IV"],
        category="opioid",
        via="name",
    )


def score(doc: Doc, **config) -> Doc:
    # These tests pin the hand-set evidence weights (the fallback when no model ships);
    # the trained model is tested on real text in test_offer_model.py.
    make_offer({"model": "rules", **config}, default_kb())(doc)
    make_risk({}, default_kb())(doc)
    return doc


def test_no_evidence_is_not_an_offer():
    doc = score(make_doc())
    assert not doc.offer and doc.offer_score < 0.1 and doc.risk < 0.05
    assert doc.reasons == []


def test_substance_with_sale_price_and_contact_is_an_offer():
    doc = make_doc("heroin for sale 10g 120 EUR telegram @x")
    doc.substances = [heroin()]
    doc.features["cues"] = [("sale", "for sale", 7, 15)]
    doc.quantities = [Quantity(amount=10, unit="g", span=(16, 19))]
    doc.prices = [Price(amount=120, currency="EUR", span=(20, 27))]
    doc.selectors = [SelectorHit(type="telegram", value="x", matched="@x", span=(37, 39))]
    score(doc)
    assert doc.offer and doc.offer_score > 0.9
    assert any("sale term 'for sale'" in r for r in doc.reasons)
    assert "price 120 EUR" in doc.reasons and "quantity 10 g" in doc.reasons
    assert "contact: telegram" in doc.reasons
    assert doc.risk > 0.7


def test_news_about_a_substance_is_not_an_offer():
    doc = make_doc("police seized heroin")
    doc.substances = [heroin((14, 20))]
    doc.features["cues"] = [("negative", "police", 0, 6), ("negative", "seized", 7, 13)]
    score(doc)
    assert not doc.offer and doc.offer_score < 0.2


def test_ordinary_goods_with_sale_words_stay_below_threshold():
    doc = make_doc("weed eater for sale 120 EUR, dm me")
    doc.features["cues"] = [("sale", "for sale", 11, 19), ("contact", "dm me", 29, 34)]
    doc.prices = [Price(amount=120, currency="EUR", span=(20, 27))]
    score(doc)
    assert not doc.offer and doc.offer_score <= 0.35 and doc.risk < 0.1


@pytest.mark.parametrize(("threshold", "offer"), [(0.99, False), (0.01, True)])
def test_threshold_is_configurable(threshold, offer):
    doc = make_doc("heroin")
    doc.substances = [heroin()]
    doc.features["cues"] = [("sale", "selling", 0, 7)]
    assert score(doc, threshold=threshold).offer is offer


def test_vendor_and_price_fields_are_reasons():
    # Reasons only: the real training texts have no such columns, so the model does not
    # weigh them (see analyze/offer_model.py).
    doc = make_doc("heroin #4", author="DrWhite", fields={"Price": "0.05 BTC"})
    doc.substances = [heroin()]
    score(doc)
    assert "vendor 'DrWhite'" in doc.reasons
    assert any(r.startswith("Price field") for r in doc.reasons)
