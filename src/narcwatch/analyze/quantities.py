"""The ``quantities`` component: amounts and prices as listings write them.

"1GR", "3.5g", "3,5 g", "1/8 oz", "100 x 20mg", "20mg x 100", "1kg-100kg", "10 pills";
"€80", "80€", "$1,200", "1.200,50 €", "0.02 BTC", "80 euros le g", "€10/g", "500 руб",
"USD 300". Every unit and currency word comes from ``units.yaml`` / ``currencies.yaml``;
the regular expressions are built from them once per process. A bare number is never a
quantity or a price, so years, phone numbers and model numbers stay out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import register_component
from narcwatch.kb import KnowledgeBase, default_kb
from narcwatch.model import Price, Quantity

NUM = r"(?:\d+(?:[.,]\d+)*|(?<!\d)[.,]\d+)"
FRACTION = r"\d+/\d+"
_PURITY = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s?%")


def parse_number(text: str, *, money: bool = False) -> float | None:
    """'1.200,50' -> 1200.5, '3,5' -> 3.5, '1,000' -> 1000, '1/8' -> 0.125."""
    s = text.strip()
    if "/" in s:
        num, _, den = s.partition("/")
        return int(num) / int(den) if int(den) else None
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in s:
        groups = s.split(",")
        thousands = len(groups) > 2 or (len(groups[-1]) == 3 and groups[0] != "0")
        s = s.replace(",", "") if thousands else s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    elif "." in s and money:
        head, tail = s.split(".")
        if len(tail) == 3 and head not in ("", "0"):
            s = head + tail  # "€1.200": thousands in most of Europe; cents have 2 digits
    try:
        return float(s)
    except ValueError:
        return None


def _alternation(words: Iterable[str]) -> str:
    # Text is lower-cased, not case-folded (folding changes lengths): accept both forms.
    unique = {f for w in words if w for f in (w.lower(), w.casefold())}
    return "|".join(re.escape(w) for w in sorted(unique, key=len, reverse=True))


class QuantityReader:
    """Number-first reader: find each number once, then look at what is next to it.

    Anchored matches around each number are far cheaper than one big pattern tried at
    every position of the text (the scan budget is ~20 µs per document).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.unit_of = {
            f: u.unit
            for u in kb.units
            for a in [u.unit, *u.aliases]
            for f in (a.lower(), a.casefold())
        }
        self.currency_of: dict[str, str] = {}
        for c in kb.currencies:
            for a in [c.code, *c.aliases, *c.symbols]:
                self.currency_of.setdefault(a.lower(), c.code)
                self.currency_of.setdefault(a.casefold(), c.code)
        units = _alternation(self.unit_of)
        symbols = _alternation(s for c in kb.currencies for s in c.symbols)
        words = _alternation(a for c in kb.currencies for a in [c.code, *c.aliases])
        codes = _alternation(c.code for c in kb.currencies)
        end = r"(?![^\W\d_])"  # a unit or currency word ends where letters end
        self.number = re.compile(rf"{FRACTION}|{NUM}")
        self.unit_after = re.compile(rf"[ \t]?-?(?P<unit>{units}){end}")
        self.range_after = re.compile(
            rf"[ \t]?(?:(?:{units}){end})?[ \t]?(?:-|–|to|à|a|bis|до)[ \t]?(?P<max>{NUM})"
            rf"[ \t]?-?(?P<unit>{units}){end}"
        )
        self.count_before = re.compile(r"(?P<count>\d+)[ \t]?[x×*][ \t]?$")
        self.count_after = re.compile(r"[ \t]?[x×*][ \t]?(?P<count>\d+)(?!\d)")
        self.currency_after = re.compile(rf"[ \t]?(?:(?P<sym>{symbols})|(?P<word>{words}){end})")
        self.currency_before = re.compile(
            rf"(?:(?P<sym>{symbols})|(?<![^\W\d_])(?P<code>{codes}))[ \t]?$"
        )
        self.per = re.compile(
            rf"[ \t]?(?:/|per|pour|le|la|el|por|pro|je|за|the|a)[ \t]?(?P<per>{units}){end}"
        )

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        if not any(c.isdigit() for c in text):
            return
        low = text.lower()
        if len(low) != len(text):  # a rare character whose lower case is longer
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        quantities, prices = self._read(low)
        doc.quantities, doc.prices = quantities, prices
        purity = [float(m.group(1).replace(",", ".")) for m in _PURITY.finditer(text)]
        if purity:
            doc.features["purity"] = [p for p in purity if 0 < p <= 100]

    def _read(self, low: str) -> tuple[list[Quantity], list[Price]]:
        quantities: list[Quantity] = []
        prices: list[Price] = []
        consumed = 0
        for m in self.number.finditer(low):
            s, e = m.span()
            if s < consumed or (s > 0 and (low[s - 1].isalnum() or low[s - 1] in "._,/")):
                continue  # part of a word, a version number or something read already
            raw = m.group(0)
            price = self._price(low, s, e, raw)
            if price is not None:
                prices.append(price)
                consumed = price.span[1]
                continue
            quantity = self._quantity(low, s, e, raw)
            if quantity is not None:
                quantities.append(quantity)
                consumed = quantity.span[1]
        return quantities, prices

    def _price(self, low: str, s: int, e: int, raw: str) -> Price | None:
        before = self.currency_before.search(low, max(0, s - 6), s)
        after = None if before else self.currency_after.match(low, e)
        if before is None and after is None:
            return None
        amount = parse_number(raw, money=True)
        found = before or after
        assert found is not None
        cur = found.group("sym") or found.group("word" if after else "code")
        code = self.currency_of.get(cur)
        if amount is None or code is None:
            return None
        start, stop = (before.start(), e) if before else (s, after.end())  # type: ignore[union-attr]
        per = self.per.match(low, stop)
        unit = None
        if per:
            unit, stop = self.unit_of[per.group("per")], per.end()
        return Price(amount=amount, currency=code, span=(start, stop), per=unit)

    def _quantity(self, low: str, s: int, e: int, raw: str) -> Quantity | None:
        amount = parse_number(raw)
        if amount is None:
            return None
        top = None
        rng = self.range_after.match(low, e)
        unit_m = rng or self.unit_after.match(low, e)
        if unit_m is None:
            return None
        stop = unit_m.end()
        if rng is not None:
            top = parse_number(rng.group("max"))
            if top is not None and top <= amount:
                top = None
        start, count = s, None
        before = self.count_before.search(low, max(0, s - 12), s)
        if before is not None:
            start, count = before.start(), int(before.group("count"))
        else:
            after = self.count_after.match(low, stop)
            if after is not None:
                stop, count = after.end(), int(after.group("count"))
        return Quantity(
            amount=amount,
            unit=self.unit_of[unit_m.group("unit")],
            span=(start, stop),
            count=count,
            amount_max=top,
        )


@lru_cache(maxsize=1)
def default_reader() -> QuantityReader:
    return QuantityReader(default_kb())


@register_component(
    "quantities",
    requires=("text",),
    sets=("quantities", "prices"),
    description="Listing-style amounts (3.5g, 100 x 20mg, 1/8 oz, 1kg-100kg) and prices "
    "(€80, 0.02 BTC, 80 euros le g) from the units and currencies data.",
)
def make_quantities(config: Mapping[str, Any]) -> Any:
    return default_reader()
