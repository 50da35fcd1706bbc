"""Amounts written as words: "half an ounce", "two grams", "ein halbes Gramm", and street
slang whose unit is left out, "an eighth" (of an ounce), "a QP" (a quarter pound).

The words and their values come from ``amount_words.yaml``; the unit after a word is read
by the quantities component's own token reader, so the units are those of ``units.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from narcwatch import _native
from narcwatch.kb import KnowledgeBase
from narcwatch.model import Quantity

# (text, lower-cased text, position) -> (kind, unit or currency, end) or None
TokenReader = Callable[[str, str, int], "tuple[str, str, int] | None"]

SPACES = re.compile(r"[ \u00a0]+")
# After an amount word: "half an ounce", "quarter of an ounce", "un demi gramme".
CONNECT = re.compile(
    r"[ \u00a0-]+(?:(?:of|de|d')[ \u00a0]*)?(?:(?:an|a|une|un|una|eine|ein|el|la)[ \u00a0]+)?"
)
# "an eighth", "a teener": slang amounts whose unit is implied come after an article.
ARTICLE_BEFORE = re.compile(r"(?<!\w)(?:an?|one|une?|ein|eine|una?)[ \u00a0]+$")
# What may follow a slang amount: the end, a stop, a price or "for"/"at"/"of". A word there
# makes it an ordinal ("an eighth grade teacher", "an 8th-grade class").
IMPLIED_NEXT = re.compile(
    r"[ \t\u00a0]*(?:$|[\r\n,.;:!?)\]/@$€£0-9]|(?:for|at|of|each|pour|por|für|à|le|la|el)(?!\w))"
)
# "an eighth of the vote" is a share, "an eighth of kush" an amount.
OF_AFTER = re.compile(
    r"[ \u00a0]+(?:of|de|d'|von)[ \u00a0]+(?:the|an?|all|them|those|these|this|that|its?|his"
    r"|her|their|our|my|your|us|la|les|los|las|el|der|die|das|dem|den)(?!\w)"
)


class AmountWords:
    """Reads the amount words of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.values = {a.word.lower(): a.value for a in kb.amount_words}
        self.implied = {a.word.lower(): a.implies for a in kb.amount_words if a.implies}
        # "eight ball" is also written "eight  ball" or with a no-break space.
        forms = sorted(
            ((re.escape(w).replace(r"\ ", r"[ \u00a0]+"), w) for w in self.values),
            key=lambda f: len(f[0]),
            reverse=True,
        )
        words = "|".join(f for f, _ in forms)
        self.pattern = re.compile(rf"(?<!\w)({words})(?!\w)") if words else None
        # The words in the pattern's order, for the native path (which reads a space as one
        # or more spaces, as the pattern does); None where a word would not fit that.
        plain = all(w and w.strip() == w and "  " not in w and "\u00a0" not in w for _, w in forms)
        self.native_words = [w for _, w in forms] if plain else None

    def read(self, text: str, low: str, token: TokenReader) -> list[Quantity]:
        """Every amount written as a word in ``text`` (``low`` is its lower case)."""
        if self.pattern is None:
            return []
        found: list[Quantity] = []
        native = _native.speedups
        spans = (
            native.amount_spans(low, self.native_words)
            if native is not None and self.native_words is not None
            else [m.span() for m in self.pattern.finditer(low)]
        )
        for start, end in spans:
            if found and start < found[-1].span[1]:
                continue  # the "an" of "half an ounce"
            word = SPACES.sub(" ", low[start:end])
            value = self.values[word]
            link = CONNECT.match(low, end)
            tok = None if link is None else token(text, low, link.end())
            if link is None or tok is None or tok[0] != "unit":
                if implied := self._implied(low, start, end):
                    found.append(implied)
                continue
            # "a G" is slang for a thousand dollars: words worth 1 need a unit word.
            if value == 1 and tok[2] - link.end() < 3:
                continue
            found.append(
                Quantity(
                    amount=value, unit=tok[1], span=(start, tok[2]), count=None, amount_max=None
                )
            )
        return found

    def _implied(self, low: str, start: int, end: int) -> Quantity | None:
        """Street slang with no unit written: only after an article, before the end, a stop,
        a price or "for"/"of", and not before "of the" ("an eighth of the vote")."""
        word = SPACES.sub(" ", low[start:end])
        unit = self.implied.get(word)
        if unit is None or not ARTICLE_BEFORE.search(low, max(0, start - 6), start):
            return None
        if not IMPLIED_NEXT.match(low, end) or OF_AFTER.match(low, end):
            return None
        return Quantity(
            amount=self.values[word],
            unit=unit,
            span=(start, end),
            count=None,
            amount_max=None,
        )
