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
    unique = {w.casefold() for w in words if w}
    return "|".join(re.escape(w) for w in sorted(unique, key=len, reverse=True))


class QuantityReader:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.unit_of = {a.casefold(): u.unit for u in kb.units for a in [u.unit, *u.aliases]}
        self.currency_of: dict[str, str] = {}
        for c in kb.currencies:
            for a in [c.code, *c.aliases, *c.symbols]:
                self.currency_of.setdefault(a.casefold(), c.code)
        units = _alternation(self.unit_of)
        symbols = _alternation(s for c in kb.currencies for s in c.symbols)
        words = _alternation(a for c in kb.currencies for a in [c.code, *c.aliases])
        codes = _alternation(c.code for c in kb.currencies)
        end = r"(?![^\W\d_])"  # a unit or currency word ends where letters end
        start = r"(?<![\w.,/])"
        per = rf"(?:\s?(?:/|per|pour|le|la|el|por|pro|je|за|the|a)\s?(?P<per>{units}){end})?"
        self.prices = re.compile(
            rf"(?:(?P<sym1>{symbols})\s?(?P<a1>{NUM})"
            rf"|{start}(?P<a2>{NUM})\s?(?P<sym2>{symbols})"
            rf"|{start}(?P<a3>{NUM})\s?(?P<word>{words}){end}"
            rf"|(?<![\w])(?P<code>{codes})\s?(?P<a4>{NUM})){per}",
            re.IGNORECASE,
        )

        def amount(i: int) -> str:
            return rf"(?P<amt{i}>{FRACTION}|{NUM})"

        self.quantities = re.compile(
            rf"{start}(?:(?P<count>\d+)\s?[x×*]\s?{amount(1)}\s?-?(?P<unit>{units}){end}"
            rf"|{amount(2)}\s?-?(?P<unit2>{units}){end}\s?[x×*]\s?(?P<count2>\d+)(?!\d)"
            rf"|{amount(3)}\s?(?:(?P<unit3>{units}){end})?\s?(?:-|–|to|à|a|bis|до)\s?"
            rf"(?P<max>{NUM})\s?-?(?P<unit4>{units}){end}"
            rf"|{amount(4)}\s?-?(?P<unit5>{units}){end})",
            re.IGNORECASE,
        )

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        if not any(c.isdigit() for c in text):
            return
        doc.prices = list(self._prices(text))
        taken = [p.span for p in doc.prices]
        doc.quantities = [
            q
            for q in self._quantities(text)
            if not any(s < q.span[1] and q.span[0] < e for s, e in taken)
        ]
        purity = [float(m.group(1).replace(",", ".")) for m in _PURITY.finditer(text)]
        if purity:
            doc.features["purity"] = [p for p in purity if 0 < p <= 100]

    def _prices(self, text: str) -> Iterable[Price]:
        for m in self.prices.finditer(text):
            g = m.groupdict()
            raw = g["a1"] or g["a2"] or g["a3"] or g["a4"]
            cur = g["sym1"] or g["sym2"] or g["word"] or g["code"]
            amount = parse_number(raw, money=True)
            code = self.currency_of.get(cur.casefold())
            if amount is None or code is None:
                continue
            per = self.unit_of.get(g["per"].casefold()) if g["per"] else None
            yield Price(amount=amount, currency=code, span=m.span(), per=per)

    def _quantities(self, text: str) -> Iterable[Quantity]:
        for m in self.quantities.finditer(text):
            g = m.groupdict()
            unit = g["unit"] or g["unit2"] or g["unit4"] or g["unit5"]
            raw = g["amt1"] or g["amt2"] or g["amt3"] or g["amt4"]
            amount = parse_number(raw)
            if amount is None or unit is None:
                continue
            count = g["count"] or g["count2"]
            top = parse_number(g["max"]) if g["max"] else None
            if top is not None and top <= amount:
                top = None
            yield Quantity(
                amount=amount,
                unit=self.unit_of[unit.casefold()],
                span=m.span(),
                count=int(count) if count else None,
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
