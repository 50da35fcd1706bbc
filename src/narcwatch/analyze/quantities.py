"""The ``quantities`` component: amounts and prices as listings write them.

"1GR", "3.5g", "3,5 g", "1/8 oz", "100 x 20mg", "20mg x 100", "1kg-100kg", "10 pills";
"€80", "80€", "$1,200", "1.200,50 €", "0.02 BTC", "80 euros le g", "€10/g", "500 руб",
"USD 300". Every unit and currency word comes from ``units.yaml`` / ``currencies.yaml``
(loaded and validated by the knowledge base); nothing here lists them. A bare number is
never a quantity or a price, so years, phone numbers and model numbers stay out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from narcwatch import _native
from narcwatch.analyze.amount_words import AmountWords
from narcwatch.analyze.doc import Doc
from narcwatch.analyze.numbers import DIGIT, NUM, NUMBER, parse_number
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.analyze.unit_words import GAP, UnitWords
from narcwatch.kb import KnowledgeBase, default_kb
from narcwatch.limits import bounded
from narcwatch.model import Price, Quantity

# "1-5g", "1kg-100kg", "1 to 5 g": connectors between the two ends of a range.
RANGE = re.compile(rf"[{GAP}]?(?:-|–|to|à|a|bis|до)[{GAP}]?(?P<max>{NUM})")
# "€10/g", "10 eur per gram", "80 euros le g", "$80 a gram".
PER = re.compile(rf"[{GAP}]?(?:/|per|pour|le|la|el|por|pro|je|за|the|a)[{GAP}]?")
TIMES = re.compile(rf"[{GAP}]?[x×*][{GAP}]?(?P<count>\d+)(?![\d.,])")
JOIN_X = re.compile(rf"[{GAP}]?[x×*][{GAP}]?")
COUNT_BEFORE = re.compile(rf"(?<![\d.,])(?P<count>\d+)[{GAP}]?[x×*][{GAP}]?$")
# Thousands written with spaces or apostrophes ("1 200 €", "CHF 1'200"): prices only.
GROUPS_BEFORE = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f'’]\d{3})*[ \u00a0\u202f'’]$")
GROUPS_AFTER = re.compile(r"(?:[ \u00a0\u202f'’]\d{3})+(?![\d.,]?\d)")
PURITY = re.compile(r"(?<![0-9.,])([0-9]{1,3}(?:[.,][0-9]+)?)[ \u00a0]?%$")
YEARS = range(1900, 2100)  # "2019 г." is a year, not 2019 grams


class QuantityReader:
    """Number-first reader: find each number, then read the token on either side of it.

    The token is looked up in the unit and currency words of the knowledge base
    (:class:`UnitWords`).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.lex = UnitWords(kb)
        self.count_units = {u.unit for u in kb.units if u.dimension == "count"}
        # "half an ounce", "zwei Gramm", "an eighth": amount words from amount_words.yaml.
        self.spelled = AmountWords(kb)

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        digits = DIGIT.search(text) is not None
        low = text.lower()
        if len(low) != len(text):  # a rare character whose lower case is longer
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        if self.spelled.pattern is not None and (spelled := self.word_amounts(text, low)):
            doc.quantities = spelled
        if not digits:
            return
        quantities, doc.prices = self._read(text, low)
        if doc.quantities:  # numbers first; a spelled amount only where nothing was read
            taken = sorted([q.span for q in quantities] + [p.span for p in doc.prices])
            quantities += [q for q in doc.quantities if not _overlaps(taken, q.span)]
            quantities.sort(key=lambda q: q.span)
        omitted = doc.features.setdefault("omitted", {})
        doc.quantities = bounded(quantities, lambda q: (q.amount, q.unit), omitted, "quantities")
        doc.prices = bounded(doc.prices, lambda p: (p.amount, p.currency), omitted, "prices")
        purity = []
        i = text.find("%")
        while i > 0:
            if m := PURITY.search(text, max(0, i - 10), i + 1):
                value = float(m.group(1).replace(",", "."))
                if 0 < value <= 100:
                    purity.append(value)
            i = text.find("%", i + 1)
        if purity:
            doc.features["purity"] = purity

    def word_amounts(self, text: str, low: str) -> list[Quantity]:
        """Amounts written as words ("half an ounce", "two grams", "an eighth")."""
        return self.spelled.read(text, low, self.lex.token)

    def _read(self, text: str, low: str) -> tuple[list[Quantity], list[Price]]:
        quantities: list[Quantity] = []
        prices: list[Price] = []
        pos = 0
        native, lex = _native.speedups, self.lex
        # The native path also skips the numbers with no unit, currency or range around them
        # (``inert_number``), which the code below would read nothing from.
        while number := (
            native.next_live_number(
                text, low, pos, lex.symbols, lex.words, lex.symbols_before, lex.codes
            )
            if native is not None
            else next_number(low, pos, lex)
        ):
            s, e = number
            pos = e
            raw = low[s:e]
            year = len(raw) == 4 and raw.isdigit() and int(raw) in YEARS
            tok = self.lex.token(text, low, e, year)
            found: Quantity | Price | None = None
            if tok is not None and tok[0] == "unit":
                found = self._quantity(text, low, s, e, raw, tok, quantities)
            elif tok is None and (rng := self._range(text, low, s, e, raw)) is not None:
                found = rng
            else:
                found = self._price(text, low, s, e, raw, tok, year)
            if isinstance(found, Quantity):
                quantities.append(found)
                pos = max(pos, found.span[1])
            elif isinstance(found, Price):
                prices.append(found)
                pos = max(pos, found.span[1])
        return quantities, prices

    def _price(
        self,
        text: str,
        low: str,
        s: int,
        e: int,
        raw: str,
        tok: tuple[str, str, int] | None,
        year: bool = False,
    ) -> Price | None:
        mult, e0 = 1.0, e
        if low.startswith("k", e) and not low[e + 1 : e + 2].isalpha():
            mult = 1000.0  # "30k €", "$2k"
            e += 1
        elif low.startswith((",-", ".-"), e):
            e += 2 + low.startswith("-", e + 2)  # "80,- €", "€80,--"
        if e != e0:
            tok = self.lex.token(text, low, e, year)
        start = s
        if tok is not None and tok[0] == "cur":
            code, stop = tok[1], tok[2]
            if (g := GROUPS_BEFORE.search(low, max(0, s - 12), s)) and len(raw.split(".")[0]) == 3:
                start = g.start()
                raw = low[start:s].translate(_NO_GROUPS) + raw
        else:
            before = self.lex.currency_before(low, s)
            if before is None:
                return None
            code, start = before
            stop = e
            if (
                mult == 1.0
                and (g := GROUPS_AFTER.match(low, e))
                and not self.lex.token(text, low, g.end())
            ):
                raw, stop = raw + low[e : g.end()].translate(_NO_GROUPS), g.end()
        amount = parse_number(raw, money=True)
        if amount is None:
            return None
        per = None
        if pm := PER.match(low, stop):
            unit = self.lex.token(text, low, pm.end())
            if unit is not None and unit[0] == "unit":
                per, stop = unit[1], unit[2]
        return Price(amount=amount * mult, currency=code, span=(start, stop), per=per)

    def _is_unit(self, text: str, low: str, p: int) -> bool:
        tok = self.lex.token(text, low, p)
        return tok is not None and tok[0] == "unit"

    def _doses(self, last: Quantity, low: str, s: int) -> bool:
        return (
            last.unit in self.count_units
            and last.count is None
            and last.amount_max is None
            and last.amount.is_integer()
            and JOIN_X.fullmatch(low, last.span[1], s) is not None
        )

    def _range(self, text: str, low: str, s: int, e: int, raw: str) -> Quantity | None:
        """ "1-5g", "1 to 5 g": the unit is written only after the upper end."""
        rng = RANGE.match(low, e)
        if rng is None:
            return None
        tok = self.lex.token(text, low, rng.end())
        if tok is None or tok[0] != "unit":
            return None
        return self._quantity(text, low, s, rng.end(), raw, tok, [], top=rng.group("max"))

    def _quantity(
        self,
        text: str,
        low: str,
        s: int,
        e: int,
        raw: str,
        tok: tuple[str, str, int],
        earlier: list[Quantity],
        top: str | None = None,
    ) -> Quantity | None:
        amount = parse_number(raw)
        if amount is None:
            return None
        unit, stop = tok[1], tok[2]
        if top is None and (rng := RANGE.match(low, stop)):
            # "1kg-100kg": the same unit on both ends.
            end_tok = self.lex.token(text, low, rng.end())
            if end_tok is not None and end_tok[1] == unit:
                top, stop = rng.group("max"), end_tok[2]
        amount_max = parse_number(top) if top else None
        if amount_max is not None and amount_max <= amount:
            amount_max = None
        start, count = s, None
        if before := COUNT_BEFORE.search(low, max(0, s - 12), s):
            start, count = before.start(), int(before.group("count"))
        else:
            after_pos = stop
            nxt = self.lex.token(text, low, stop)  # "120mg pills x 50"
            if nxt is not None and nxt[0] == "unit":
                after_pos = nxt[2]
            if (times := TIMES.match(low, after_pos)) and not self._is_unit(text, low, times.end()):
                stop, count = times.end(), int(times.group("count"))
        # "100 tabs x 20mg": the count unit before is the number of doses.
        if count is None and earlier and self._doses(earlier[-1], low, s):
            last = earlier.pop()
            start, count = last.span[0], int(last.amount)
        return Quantity(
            amount=amount, unit=unit, span=(start, stop), count=count, amount_max=amount_max
        )


def next_number(low: str, pos: int, lex: UnitWords) -> tuple[int, int] | None:
    """The span of the next number of ``low`` (lower-cased text) from ``pos`` that may be an
    amount or a price. The native path (``_native``) does the same in C."""
    while d := DIGIT.search(low, pos):
        s = d.start()
        if s > 0 and low[s - 1] in ".," and (s < 2 or not low[s - 2].isdigit()):
            s -= 1  # ".5g"
        m = NUMBER.match(low, s)
        if m is None:
            pos = d.end()
            continue
        s, e = m.span()
        pos = e
        prev = low[s - 1] if s else " "
        if prev in ".,":
            continue  # a version number ("v1.2.3")
        if prev.isalnum() and not lex.currency_before(low, s):
            continue  # part of a word or a model number ("iPhone12", "S21")
        if low.startswith("%", e) or low.startswith(" %", e):
            continue  # a purity or a discount
        return s, e
    return None


_NO_GROUPS = str.maketrans("", "", " \u00a0\u202f'’")


def _overlaps(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    """Whether ``span`` overlaps one of ``spans`` (sorted, and never overlapping each other,
    as the number reader's spans are): only the neighbours in sort order can."""
    i = bisect_left(spans, span)
    return any(a < span[1] and span[0] < b for a, b in spans[max(0, i - 1) : i + 1])


@lru_cache(maxsize=4)
def reader_for(kb: KnowledgeBase) -> QuantityReader:
    """The reader of ``kb``'s units, amount words and currencies (built once per knowledge base)."""
    return QuantityReader(kb)


def default_reader() -> QuantityReader:
    """The reader of the packaged knowledge base's units and currencies."""
    return reader_for(default_kb())


@register_component(
    "quantities",
    requires=("text",),
    sets=("quantities", "prices", "features.purity", "features.omitted"),
    description="Listing-style amounts (3.5g, 100 x 20mg, 1/8 oz, 1kg-100kg) and prices "
    "(€80, 0.02 BTC, 80 euros le g) from the units and currencies data.",
)
def make_quantities(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
    """The reader of amounts and prices for ``kb`` (built once per knowledge base)."""
    return reader_for(kb)
