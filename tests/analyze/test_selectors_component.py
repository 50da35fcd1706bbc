"""The ``selectors`` pipeline component: extraction, --region config, the vendor field."""

from __future__ import annotations

import pytest

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.pipeline import Pipeline
from narcwatch.analyze.registry import get_component
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import default_kb

BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def raw(text: str, author: str | None = None) -> RawDocument:
    return RawDocument(
        text=text, source="t.jsonl", location="line 1", raw=text.encode(), author=author
    )


def run(text: str, author: str | None = None, **config) -> Doc:
    doc = Doc.from_raw(raw(text, author))
    get_component("selectors").factory(config, default_kb())(doc)
    return doc


def test_registered_with_its_contract():
    spec = get_component("selectors")
    assert spec.requires == ("raw", "text") and spec.description
    assert spec.sets == ("selectors", "features.omitted")


def test_sets_doc_selectors_in_text_order():
    doc = run(f"BTC {BTC} or tg @plug_shop, tel +33 6 12 34 56 78")
    assert [(h.type, h.value) for h in doc.selectors] == [
        ("btc", BTC),
        ("telegram", "plug_shop"),
        ("phone", "+33612345678"),
    ]


@pytest.mark.parametrize(
    ("config", "phones"),
    [({}, []), ({"region": "FR"}, ["+33612345678"]), ({"region": "fr"}, ["+33612345678"])],
)
def test_region_config_enables_national_numbers(config, phones):
    doc = run("appel 06 12 34 56 78", **config)
    assert [h.value for h in doc.selectors if h.type == "phone"] == phones


def test_pipeline_passes_the_selectors_config():
    pipe = Pipeline(("selectors",), config={"selectors": {"region": "FR"}})
    finding = pipe(raw("appel 06 12 34 56 78"))
    assert [s.value for s in finding.selectors] == ["+33612345678"]


@pytest.mark.parametrize(
    ("text", "author", "span", "matched"),
    [
        ("no name here", "  PlugShop ", None, "PlugShop"),
        ("sold by PlugShop since 2019", "PlugShop", (8, 16), "PlugShop"),
        ("sold by plugshop since 2019", "PlugShop", (8, 16), "plugshop"),
    ],
)
def test_author_is_a_weak_vendor_selector(text, author, span, matched):
    (vendor,) = [h for h in run(text, author).selectors if h.type == "vendor"]
    assert vendor.value == "plugshop" and vendor.strength == "weak"
    assert vendor.span == span and vendor.matched == matched and vendor.field == "author"
    assert vendor.spans == ([] if span is None else [span])


def test_a_vendor_the_text_does_not_name_has_a_null_span_in_the_json():
    # A span of [0, 0] pointed at no text; the finding says where the name came from.
    pipe = Pipeline(("selectors",))
    finding = pipe(raw("no name here", "PlugShop")).to_json_dict()
    (vendor,) = [s for s in finding["selectors"] if s["type"] == "vendor"]
    assert vendor["span"] is None and vendor["spans"] == [] and vendor["field"] == "author"
    (other,) = pipe(raw("mail a.b@example.com")).to_json_dict()["selectors"]
    assert "field" not in other and other["spans"] == [other["span"]]


@pytest.mark.parametrize("author", [None, "", "   "])
def test_no_author_no_vendor(author):
    assert run("nothing", author).selectors == []


def test_vendor_is_sorted_with_the_rest():
    doc = run(f"{BTC} from PlugShop", "PlugShop")
    assert [h.type for h in doc.selectors] == ["btc", "vendor"]
    doc = run(f"PlugShop: {BTC}", "PlugShop")
    assert [h.type for h in doc.selectors] == ["vendor", "btc"]
    # Named by no text: after those the text gives.
    doc = run(f"{BTC} from x", "PlugShop")
    assert [h.type for h in doc.selectors] == ["btc", "vendor"]


MIXED = (
    "İİİ İstanbul: shop.com.tr, t.me/PlugShop, telegram: @plug_shop, mail a.b@proton.me, "
    "pgp key 0x89ABCDEF01234567, tel +33 6 12 34 56 78, "
    f"İBAN DE89 3704 0044 0532 0130 00 {BTC}"
)


def test_every_family_in_one_document_with_offset_shifting_characters():
    # "İ".lower() is two characters: offsets must still point into the original text.
    doc = run(MIXED)
    assert [(h.type, h.value) for h in doc.selectors] == [
        ("domain", "shop.com.tr"),
        ("telegram", "plugshop"),
        ("telegram", "plug_shop"),
        ("email", "a.b@proton.me"),
        ("pgp-keyid", "89ABCDEF01234567"),
        ("phone", "+33612345678"),
        ("iban", "DE89370400440532013000"),
        ("btc", BTC),
    ]
    for h in doc.selectors:
        assert MIXED[h.span[0] : h.span[1]] == h.matched


def test_random_text_never_breaks_the_span_contract():
    import random

    rng = random.Random(3)
    alphabet = "abcXYZ019@.:/ -_[]()İß✈️\n€$+#"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        for h in run(text, region="FR").selectors:
            assert text[h.span[0] : h.span[1]] == h.matched
