"""Quantities and prices as listings write them, and what must not be read as either."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

import pytest

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.quantities import default_reader, make_quantities
from narcwatch.analyze.registry import get_component
from narcwatch.ingest.base import RawDocument
from narcwatch.kb import default_kb
from tests.conftest import SHARED_DATA

# (amount, unit, count, amount_max) and (amount, currency, per)
Q = tuple[float, str, int | None, float | None]
P = tuple[float, str, str | None]


def read(text: str) -> Doc:
    doc = Doc.from_raw(RawDocument(text=text, source="t", location="line 1", raw=b""))
    default_reader()(doc)
    return doc


def g(amount: float, unit: str = "g", count: int | None = None, top: float | None = None) -> Q:
    return (amount, unit, count, top)


def cur(amount: float, code: str, per: str | None = None) -> P:
    return (amount, code, per)


CASES: list[tuple[str, list[Q], list[P]]] = [
    # --- listing-style amounts
    ("1GR cocaine", [g(1)], []),
    ("3.5g", [g(3.5)], []),
    ("3,5 g", [g(3.5)], []),
    (".5g sample", [g(0.5)], []),
    ("0,25 G ★★ COCAINE PURE", [g(0.25)], []),
    ("1/8 oz", [g(0.125, "oz")], []),
    ("¼ oz", [g(0.25, "oz")], []),
    ("1½g", [g(1.5)], []),
    ("100 x 20mg", [g(20, "mg", 100)], []),
    ("20mg x 100", [g(20, "mg", 100)], []),
    ("10x 20mg", [g(20, "mg", 10)], []),
    ("100 tabs x 20mg", [g(20, "mg", 100)], []),
    ("MDMA 120mg pills x 50", [g(120, "mg", 50)], []),
    ("1kg-100kg", [g(1, "kg", None, 100)], []),
    ("1-5g", [g(1, "g", None, 5)], []),
    ("1 to 5 g", [g(1, "g", None, 5)], []),
    ("10 pills", [g(10, "pill")], []),
    ("5 tabs", [g(5, "tab")], []),
    ("3 blotters", [g(3, "blotter")], []),
    ("2 hits", [g(2, "blotter")], []),
    ("5 capsules", [g(5, "cap")], []),
    ("4 vials of 10ml", [g(4, "vial"), g(10, "ml")], []),
    ("1000 pcs", [g(1000, "piece")], []),
    ("150µg blotters", [g(150, "ug")], []),
    ("250 mcg", [g(250, "ug")], []),
    ("0.5ml", [g(0.5, "ml")], []),
    ("1 L", [g(1, "l")], []),
    ("1 kilo", [g(1, "kg")], []),
    ("1 KG COCAINE FISHSCALE", [g(1, "kg")], []),
    ("200 lbs", [g(200, "lb")], []),
    ("1OZ / 28G", [g(1, "oz"), g(28)], []),
    ("86-90%+ Top Quality 126g ( 4.5 oz )", [g(126), g(4.5, "oz")], []),
    ("100gCocaine Bolivien Flex", [g(100)], []),
    ("10-gram bag", [g(10)], []),
    ("2C-B 20mg", [g(20, "mg")], []),
    ("1P-LSD 150µg", [g(150, "ug")], []),
    ("1 point", [g(1, "point")], []),
    ("2 zips", [g(2, "oz")], []),
    # --- other languages
    ("10 Gramm", [g(10)], []),
    ("5 Tabletten", [g(5, "tab")], []),
    ("5 gramos", [g(5)], []),
    ("20 pastillas 100 mg", [g(20, "tab"), g(100, "mg")], []),
    ("20 comprimés", [g(20, "tab")], []),
    ("5 grammes", [g(5)], []),
    ("1г", [g(1)], []),
    ("2 гр", [g(2)], []),
    ("10 таблеток", [g(10, "tab")], []),
    ("10 шт", [g(10, "piece")], []),
    ("3 ампулы", [g(3, "vial")], []),
    ("5 кг", [g(5, "kg")], []),
    # --- prices
    ("€80", [], [cur(80, "EUR")]),
    ("80€", [], [cur(80, "EUR")]),
    ("80 €", [], [cur(80, "EUR")]),
    ("$1,200", [], [cur(1200, "USD")]),
    ("$1,200.50", [], [cur(1200.5, "USD")]),
    ("1.200,50 €", [], [cur(1200.5, "EUR")]),
    ("€1.200", [], [cur(1200, "EUR")]),
    ("1 200 €", [], [cur(1200, "EUR")]),
    ("CHF 1'200", [], [cur(1200, "CHF")]),
    ("$12.50", [], [cur(12.5, "USD")]),
    ("30k €", [], [cur(30000, "EUR")]),
    ("$2k", [], [cur(2000, "USD")]),
    ("80,- €", [], [cur(80, "EUR")]),
    ("0.02 BTC", [], [cur(0.02, "BTC")]),
    ("BTC 0.02", [], [cur(0.02, "BTC")]),
    ("0.5 xmr", [], [cur(0.5, "XMR")]),
    ("£50", [], [cur(50, "GBP")]),
    ("40 gbp", [], [cur(40, "GBP")]),
    ("USD 300", [], [cur(300, "USD")]),
    ("USD300", [], [cur(300, "USD")]),
    ("200 dollars", [], [cur(200, "USD")]),
    ("US$50", [], [cur(50, "USD")]),
    ("A$250", [], [cur(250, "AUD")]),
    ("R$100", [], [cur(100, "BRL")]),
    ("₹500", [], [cur(500, "INR")]),
    ("¥1000", [], [cur(1000, "CNY")]),
    ("5元一克", [], [cur(5, "CNY")]),
    ("50 zł", [], [cur(50, "PLN")]),
    ("500 руб", [], [cur(500, "RUB")]),
    ("3500 рублей", [], [cur(3500, "RUB")]),
    ("500 грн", [], [cur(500, "UAH")]),
    ("80 euros le g", [], [cur(80, "EUR", "g")]),
    ("€10/g", [], [cur(10, "EUR", "g")]),
    ("10 eur per gram", [], [cur(10, "EUR", "g")]),
    ("15€/gr", [], [cur(15, "EUR", "g")]),
    ("$80 a gram", [], [cur(80, "USD", "g")]),
    ("€80/3.5g", [g(3.5)], [cur(80, "EUR")]),
    # --- both
    ("Crystal 1 point $50, 1 g $300", [g(1, "point"), g(1)], [cur(50, "USD"), cur(300, "USD")]),
    ("1g 20 EUR 5g 90 EUR", [g(1), g(5)], [cur(20, "EUR"), cur(90, "EUR")]),
    ("résine 5g = 40€", [g(5)], [cur(40, "EUR")]),
    ("1 gramo 60€", [g(1)], [cur(60, "EUR")]),
    ("Мефедрон 1г - 3500 руб", [g(1)], [cur(3500, "RUB")]),
    ("1г - 2500р", [g(1)], [cur(2500, "RUB")]),
    ("1 kilo 30k€", [g(1, "kg")], [cur(30000, "EUR")]),
    ("Oxycodone 30mg x 100 $1,800", [g(30, "mg", 100)], [cur(1800, "USD")]),
    # --- hard negatives: a bare number is neither
    ("iPhone 12", [], []),
    ("iPhone12 128GB", [], []),
    ("Windows 10", [], []),
    ("in 2019 and 2020", [], []),
    ("в 2019 г. было", [], []),
    ("у 2019 р. було", [], []),
    ("call 06 12 34 56 78", [], []),
    ("+33 6 12 34 56 78", [], []),
    ("at 10:30 pm", [], []),
    ("99% pure", [], []),
    ("the 3 grand prizes", [], []),
    ("10 guests", [], []),
    ("Version 2.0 released", [], []),
    ("covid-19 update", [], []),
    ("open 24/7", [], []),
    ("room 101", [], []),
    ("5 pounds of rice", [g(5, "lb")], []),  # a weight, never GBP
    ("5 chili peppers", [], []),
    ("dollars and euros", [], []),
    ("half an ounce", [g(0.5, "oz")], []),  # amount_words.yaml
    ("", [], []),
]


@pytest.mark.parametrize(("text", "quantities", "prices"), CASES, ids=[c[0] for c in CASES])
def test_quantities_and_prices(text: str, quantities: list[Q], prices: list[P]) -> None:
    doc = read(text)
    assert [(x.amount, x.unit, x.count, x.amount_max) for x in doc.quantities] == quantities
    assert [(x.amount, x.currency, x.per) for x in doc.prices] == prices


@pytest.mark.parametrize(("text", "_q", "_p"), CASES, ids=[c[0] for c in CASES])
def test_spans_cover_what_was_read(text: str, _q: list[Q], _p: list[P]) -> None:
    """Every span is inside the text, holds the number, and hits never overlap."""
    doc = read(text)
    spans = sorted(x.span for x in [*doc.quantities, *doc.prices])
    for i, (s, e) in enumerate(spans):
        nxt = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        assert 0 <= s < e <= nxt
        # the number, in digits or as an amount word ("half an ounce")
        assert re.search(r"[0-9¼½]", text[s:e]) or default_reader().spelled.pattern.match(
            text[s:e].lower()
        )


def test_mixed_listing_spans() -> None:
    text = "Crystal 1 point $50, 1 g $300, 3.5 g $900, 100 x 20mg, 80 euros le g"
    doc = read(text)
    assert [text[s:e] for s, e in (x.span for x in doc.quantities)] == [
        "1 point",
        "1 g",
        "3.5 g",
        "100 x 20mg",
    ]
    assert [text[s:e] for s, e in (x.span for x in doc.prices)] == [
        "$50",
        "$300",
        "$900",
        "80 euros le g",
    ]


def test_spans_survive_case_changes() -> None:
    # "İ" lower-cases to two characters: offsets must still point into the original text.
    text = "İİİ 5 GRAMS for €40"
    doc = read(text)
    assert [text[s:e] for s, e in (x.span for x in doc.quantities)] == ["5 GRAMS"]
    assert [text[s:e] for s, e in (x.span for x in doc.prices)] == ["€40"]


@pytest.mark.parametrize(
    ("text", "purity"),
    [
        ("Cocaine 90% pure, 1g", [90.0]),
        ("88%/95% Energy Control", [88.0, 95.0]),
        ("purity 92,5 %", [92.5]),
        ("1g of coke", None),
    ],
)
def test_purity_is_a_feature(text: str, purity: list[float] | None) -> None:
    assert read(text).features.get("purity") == purity


def test_registered_component_runs_in_a_doc() -> None:
    spec = get_component("quantities")
    assert spec.requires == ("text",)
    assert set(spec.sets) == {"quantities", "prices", "features.purity", "features.omitted"}
    run = make_quantities({}, default_kb())
    doc = Doc.from_raw(RawDocument(text="3.5g €80", source="t", location="line 1", raw=b""))
    run(doc)
    assert doc.quantities[0].unit == "g" and doc.prices[0].currency == "EUR"


DREAM = SHARED_DATA / "dream-cocaine" / "dream_market_cocaine_listings.csv"
TO_GRAMS = {"g": 1.0, "mg": 0.001, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}


def _gold_misread(matched: str, gold: float) -> bool:
    """The data set's own parser read "1,5 G" as 5 g and "1/2 Gram" as 2 g: the digits after
    the comma or slash."""
    runs = re.findall(r"[0-9]+", matched)
    return len(runs) > 1 and float(runs[-1]) == gold


def dream_rows(gold_field: str) -> Iterator[tuple[str, float]]:
    """(title, gold) for the sound rows of the Dream Market listings: rows shifted by a line
    break in the source file, or holding a fragment of a broken title, are left out."""
    if not DREAM.exists():
        pytest.skip(f"{DREAM} not present (../shared/data is read in place, never copied)")
    with DREAM.open(encoding="utf-8", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            title = row["product_title"]
            try:
                gold = float(row[gold_field])
            except ValueError:
                continue
            if "→" in row["ships_from_to"] and re.search(r"[^\W\d_]", title):
                yield title, gold


@pytest.mark.shared_data
def test_dream_market_titles_grams() -> None:
    """Grams read from real listing titles (Dream Market, 2017) against the gold field.

    The issue's target is >= 95% exact on the gold as it is. Rows where the gold is the
    data set's own comma/slash misreading are also counted apart: on the rest we must be
    all but perfect."""
    exact = total = misread = 0
    misses: list[tuple[str, float, float | None]] = []
    for title, gold in dream_rows("grams"):
        qs = [x for x in read(title).quantities if x.unit in TO_GRAMS]
        got = qs[0].amount * TO_GRAMS[qs[0].unit] * (qs[0].count or 1) if qs else None
        total += 1
        if got is not None and abs(got - gold) <= 1e-6 * max(1.0, gold):
            exact += 1
        elif qs and _gold_misread(title[qs[0].span[0] : qs[0].span[1]], gold):
            misread += 1
        else:
            misses.append((title, gold, got))
    assert total > 800
    rate = exact / total
    assert rate >= 0.95, f"grams exact {rate:.1%} of {total}: {misses[:10]}"
    fair = exact / (total - misread)
    assert fair >= 0.99, f"grams exact {fair:.1%} where the gold is sound: {misses[:10]}"


@pytest.mark.shared_data
def test_dream_market_titles_purity() -> None:
    """Purity read from the same titles against the gold "quality" field, where the title
    writes a percentage (elsewhere the gold comes from the listing page, not the title)."""
    exact = total = 0
    misses: list[tuple[str, float, list[float] | None]] = []
    for title, gold in dream_rows("quality"):
        if "%" not in title:
            continue
        purity = read(title).features.get("purity")
        total += 1
        if purity and purity[0] == gold:
            exact += 1
        else:
            misses.append((title, gold, purity))
    assert total > 500
    assert exact / total >= 0.99, f"purity exact {exact / total:.1%} of {total}: {misses[:10]}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("got half an ounce of kush, dm me", [(0.5, "oz")]),
        ("a quarter oz for 60", [(0.25, "oz")]),
        ("an eighth of an ounce", [(0.125, "oz")]),
        ("a gram for 80, two grams for 150", [(1.0, "g"), (2.0, "g")]),
        ("ein halbes Gramm für 40€", [(0.5, "g")]),
        ("un demi gramme", [(0.5, "g")]),
        ("2 grams and two ounces", [(2.0, "g"), (2.0, "oz")]),
        ("I'm a G, one of the best", []),  # "a G" is money slang; "one of" no unit
        ("half of them left", []),
        # slang with the unit left out (amount_words.yaml "implies")
        ("an eighth for 40, a teener for 25", [(0.125, "oz"), (0.0625, "oz")]),
        ("got an 8th of kush", [(0.125, "oz")]),
        ("an eight ball of coke", [(0.125, "oz")]),
        ("an 8-ball for 150", [(0.125, "oz")]),
        ("playing 8 ball pool", []),  # no article
        ("a QP of mids for 600", [(0.25, "lb")]),
        ("an eighth of the vote", []),  # a share, not an amount
        ("eighth grade, the 8th of May", []),  # no article before
        ("an eighth grade teacher won an eighth straight title", []),  # ordinals
        ("an 8th-grade class, an eighth-grader", []),
        ("got an eighth. an eighth @ 40, an eighth\nthanks", [(0.125, "oz")] * 3),
        ("an eight\u00a0ball, an 8  ball for 150", [(0.125, "oz")] * 2),
    ],
)
def test_amounts_written_as_words(text: str, expected: list[tuple[float, str]]) -> None:
    assert [(q.amount, q.unit) for q in read(text).quantities] == expected
