"""The ``quantities`` component: amounts and prices as listings write them.

"1GR", "3.5g", "3,5 g", "1/8 oz", "100 x 20mg", "20mg x 100", "1kg-100kg", "10 pills";
"€80", "80€", "$1,200", "1.200,50 €", "0.02 BTC", "80 euros le g", "€10/g", "500 руб",
"USD 300". Every unit and currency word comes from ``units.yaml`` / ``currencies.yaml``
(loaded and validated by the knowledge base); nothing here lists them. A bare number is
never a quantity or a price, so years, phone numbers and model numbers stay out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import ComponentFunc, register_component
from narcwatch.kb import KnowledgeBase, default_kb
from narcwatch.model import Price, Quantity

VULGAR = "\u00bc-\u00be\u2150-\u215e"  # ¼ ½ ¾ ⅐ ... ⅞
NUM = r"(?:[0-9]+(?:[.,][0-9]+)*|[.,][0-9]+)"
NUMBER = re.compile(rf"[0-9]+/[1-9][0-9]*(?![.,]?[0-9])|[0-9]*[{VULGAR}]|{NUM}")
# Where a number may start: a plain character class lets the regex engine skip ahead fast
# (the common document has no number at all).
DIGIT = re.compile(rf"[0-9{VULGAR}]")
WORD = re.compile(r"[^\W\d_]+")
GAP = " \t\u00a0\u202f"  # what may stand between a number and its unit or currency
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
# After an amount word: "half an ounce", "quarter of an ounce", "un demi gramme".
CONNECT = re.compile(
    r"[ \u00a0-]+(?:(?:of|de|d')[ \u00a0]*)?(?:(?:an|a|une|un|una|eine|ein|el|la)[ \u00a0]+)?"
)
# "an eighth", "a teener", "une teille": slang amounts whose unit is implied.
ARTICLE_BEFORE = re.compile(r"(?<!\w)(?:an?|one|une?|ein|eine|una?)[ \u00a0]+$")
# "an eighth of the vote" is a share, "an eighth of kush" an amount.
OF_AFTER = re.compile(
    r"[ \u00a0]+(?:of|de|d'|von)[ \u00a0]+(?:the|an?|all|them|those|these|this|that|its?|his"
    r"|her|their|our|my|your|us|la|les|los|las|el|der|die|das|dem|den)(?!\w)"
)
PURITY = re.compile(r"(?<![0-9.,])([0-9]{1,3}(?:[.,][0-9]+)?)[ \u00a0]?%$")
YEARS = range(1900, 2100)  # "2019 г." is a year, not 2019 grams


def parse_number(text: str, *, money: bool = False) -> float | None:
    """'1.200,50' -> 1200.5, '3,5' -> 3.5, '1,000' -> 1000, '1/8' -> 0.125, '1½' -> 1.5."""
    s = text.strip()
    if s and not s[-1].isascii():
        return float(s[:-1] or 0) + unicodedata.numeric(s[-1])
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


def _forms(word: str) -> set[str]:
    # Text is lower-cased, not case-folded (folding changes lengths): accept both forms.
    return {word.lower(), word.casefold()}


class QuantityReader:
    """Number-first reader: find each number, then read the token on either side of it.

    The token is looked up in dictionaries built from the data: a dict lookup per number
    is far cheaper than alternations of hundreds of words tried by a regex (the scan
    budget is ~20 µs per document).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        # Word forms ("gram", "oz.", "руб.") go to dicts; forms with other characters
        # ("$", "US$", "€") are tried with startswith, indexed by their first/last char.
        self.words: dict[str, tuple[str, str]] = {}
        self.symbols: dict[str, list[tuple[str, str, str]]] = {}
        self.codes: dict[str, str] = {}  # currency words allowed before a number: "USD 300"
        self.symbols_before: dict[str, list[tuple[str, str]]] = {}
        self.count_units = {u.unit for u in kb.units if u.dimension == "count"}
        for u in kb.units:
            for a in [u.unit, *u.aliases]:
                self._add(a, "unit", u.unit)
        for c in kb.currencies:
            for a in [c.code, *c.aliases]:
                self._add(a, "cur", c.code)
            self.codes.update(dict.fromkeys(_forms(c.code), c.code))
            for sym in c.symbols:
                self._add(sym, "cur", c.code)
                for f in _forms(sym):
                    self.symbols_before.setdefault(f[-1], []).append((f, c.code))
        # Longest first: "us$" before "$".
        for table in self.symbols.values():
            table.sort(key=lambda t: -len(t[0]))
        # "half an ounce", "zwei Gramm": amount words from amount_words.yaml.
        self.amounts = {a.word.lower(): a.value for a in kb.amount_words}
        self.implied = {a.word.lower(): a.implies for a in kb.amount_words if a.implies}
        words = "|".join(sorted(map(re.escape, self.amounts), key=len, reverse=True))
        self.amount_re = re.compile(rf"(?<!\w)({words})(?!\w)") if words else None
        for before in self.symbols_before.values():
            before.sort(key=lambda t: -len(t[0]))

    def _add(self, form: str, kind: str, value: str) -> None:
        for f in _forms(form):
            # Scripts without case ("元", "円") are written without spaces around: prefixes.
            if WORD.fullmatch(f.rstrip(".")) and f.count(".") <= 1 and f != f.upper():
                self.words.setdefault(f, (kind, value))
            else:
                self.symbols.setdefault(f[0], []).append((f, kind, value))

    def __call__(self, doc: Doc) -> None:
        text = doc.text
        digits = DIGIT.search(text) is not None
        low = text.lower()
        if len(low) != len(text):  # a rare character whose lower case is longer
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        if self.amount_re is not None and (spelled := self.word_amounts(text, low)):
            doc.quantities = spelled
        if not digits:
            return
        quantities, doc.prices = self._read(text, low)
        if doc.quantities:  # numbers first; a spelled amount only where nothing was read
            taken = [q.span for q in quantities] + [p.span for p in doc.prices]
            quantities += [
                q
                for q in doc.quantities
                if not any(a < q.span[1] and q.span[0] < b for a, b in taken)
            ]
            quantities.sort(key=lambda q: q.span)
        doc.quantities = quantities
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
        """Amounts written as words before a unit ("half an ounce", "two grams")."""
        assert self.amount_re is not None
        found: list[Quantity] = []
        for m in self.amount_re.finditer(low):
            if found and m.start() < found[-1].span[1]:
                continue  # the "an" of "half an ounce"
            value = self.amounts[m.group(1)]
            link = CONNECT.match(low, m.end())
            tok = None if link is None else self.token(text, low, link.end())
            if tok is None or tok[0] != "unit":
                if implied := self._implied(low, m):
                    found.append(implied)
                continue
            assert link is not None
            # "a G" is slang for a thousand dollars: words worth 1 need a unit word.
            if value == 1 and tok[2] - link.end() < 3:
                continue
            found.append(Quantity(amount=value, unit=tok[1], span=(m.start(), tok[2])))
        return found

    def _implied(self, low: str, m: re.Match[str]) -> Quantity | None:
        """Street slang with no unit written: "an eighth" (of an ounce), "a teener". Only
        after an article, and not before "of" ("an eighth of the vote")."""
        unit = self.implied.get(m.group(1))
        if unit is None or not ARTICLE_BEFORE.search(low, max(0, m.start() - 6), m.start()):
            return None
        if OF_AFTER.match(low, m.end()):
            return None
        return Quantity(amount=self.amounts[m.group(1)], unit=unit, span=(m.start(), m.end()))

    def token(self, text: str, low: str, p: int, year: bool = False) -> tuple[str, str, int] | None:
        """The unit or currency written at ``p`` (after an optional gap): (kind, value, end)."""
        if p < len(low) and low[p] in GAP:
            p += 1
        if p < len(low) and low[p] == "-" and p + 1 < len(low) and low[p + 1].isalpha():
            p += 1  # "10-mg", "5-gram"
        if p >= len(low):
            return None
        for form, kind, value in self.symbols.get(low[p], ()):
            if low.startswith(form, p):
                end = p + len(form)
                nxt = low[end : end + 1]
                if not (form[-1].isalpha() and nxt.isalpha() and nxt != nxt.upper()):
                    return kind, value, end
        m = WORD.match(low, p)
        if m is None:
            return None
        end = m.end()
        word = m.group()
        # One letter after a year is a year mark: "2019 г.", "2019 р." (Ukrainian "рік").
        if year and len(word) == 1:
            return None
        if low.startswith(".", end) and (found := self.words.get(word + ".")):
            return found[0], found[1], end + 1
        if found := self.words.get(word):
            return found[0], found[1], end
        # "100gCocaine": a unit glued to the next word, told apart by its capital letter.
        for i in range(p + 1, min(end, p + 12)):
            if text[i].isupper() and text[i - 1].islower():
                found = self.words.get(low[p:i])
                return (found[0], found[1], i) if found else None
        return None

    def _currency_before(self, low: str, s: int) -> tuple[str, int] | None:
        j = s - 1 if s > 0 and low[s - 1] in GAP else s
        if j <= 0:
            return None
        for form, code in self.symbols_before.get(low[j - 1], ()):
            if low.endswith(form, 0, j):
                return code, j - len(form)
        k = j
        while k > 0 and j - k < 5 and low[k - 1].isalpha():
            k -= 1
        word = self.codes.get(low[k:j]) if k < j else None
        if word is not None and (k == 0 or not low[k - 1].isalpha()):
            return word, k
        return None

    def _read(self, text: str, low: str) -> tuple[list[Quantity], list[Price]]:
        quantities: list[Quantity] = []
        prices: list[Price] = []
        pos = 0
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
            if prev.isalnum() and not self._currency_before(low, s):
                continue  # part of a word or a model number ("iPhone12", "S21")
            if low.startswith("%", e) or low.startswith(" %", e):
                continue  # a purity or a discount
            raw = m.group(0)
            year = raw.isdigit() and int(raw) in YEARS
            tok = self.token(text, low, e, year)
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
            tok = self.token(text, low, e, year)
        start = s
        if tok is not None and tok[0] == "cur":
            code, stop = tok[1], tok[2]
            if (g := GROUPS_BEFORE.search(low, max(0, s - 12), s)) and len(raw.split(".")[0]) == 3:
                start = g.start()
                raw = low[start:s].translate(_NO_GROUPS) + raw
        else:
            before = self._currency_before(low, s)
            if before is None:
                return None
            code, start = before
            stop = e
            if (
                mult == 1.0
                and (g := GROUPS_AFTER.match(low, e))
                and not self.token(text, low, g.end())
            ):
                raw, stop = raw + low[e : g.end()].translate(_NO_GROUPS), g.end()
        amount = parse_number(raw, money=True)
        if amount is None:
            return None
        per = None
        if pm := PER.match(low, stop):
            unit = self.token(text, low, pm.end())
            if unit is not None and unit[0] == "unit":
                per, stop = unit[1], unit[2]
        return Price(amount=amount * mult, currency=code, span=(start, stop), per=per)

    def _is_unit(self, text: str, low: str, p: int) -> bool:
        tok = self.token(text, low, p)
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
        tok = self.token(text, low, rng.end())
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
            end_tok = self.token(text, low, rng.end())
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
            nxt = self.token(text, low, stop)  # "120mg pills x 50"
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


_NO_GROUPS = str.maketrans("", "", " \u00a0\u202f'’")


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
def make_quantities(config: Mapping[str, Any]) -> ComponentFunc:
    """Build (once per process) the reader of amounts and prices."""
    return default_reader()
