"""Other written forms of knowledge-base terms, and where a term is an ordinary word.

Real titles write "Colombian Flakes" and "Magic Mushroom" where the slang lists have
"flake" and "magic mushrooms"; the substances matcher adds those number forms, each
carrying its term. ``kb/data/term_usage.yaml`` measures, per language, where a term is an
ordinary word ("base" in Spanish): the matcher then asks for a common word's context.
"""

from __future__ import annotations

from collections.abc import Callable

from narcwatch.kb import Term

__all__ = ["common_elsewhere", "with_number_forms"]


def common_elsewhere(
    terms: list[Term], usage: frozenset[tuple[str, str]], key_of: Callable[[str], str]
) -> dict[Term, frozenset[str]]:
    """The languages other than English in which each term with substances is an ordinary
    word (``(key, lang)`` pairs of ``kb/data/term_usage.yaml`` marked common)."""
    langs = {lang for _, lang in usage} - {"en"}
    out = {}
    for t in terms:
        if t.lang and t.substances:
            key = key_of(t.text)
            where = frozenset(lang for lang in langs if (key, lang) in usage)
            if where:
                out[t] = where
    return out


def with_number_forms(terms: list[Term], key_of: Callable[[str], str]) -> list[tuple[str, Term]]:
    """``(text, term)`` for every term, and for the English plural of each English word
    term that has none of its own ("flakes", "buds", "tabs" in real titles) or the
    singular of a sure plural ("Magic Mushroom"), carrying the same term: its ambiguity,
    measured usage and not-drug phrases ("corn flakes") hold for the other form too.
    Short words are left alone ("pots", "ices"): their plurals are other words too often."""
    out = [(t.text, t) for t in terms]
    keys = {key_of(t.text) for t in terms}
    for t in terms:
        word = t.text.strip()
        if (
            t.lang in (None, "en")
            and t.via not in ("emoji", "cas")
            and len(word) >= 4
            and word[-1].isalpha()
            and word[-1] not in "sSxXyY"
            and not any(c.isdigit() for c in word)
            and key_of(word + "s") not in keys
        ):
            out.append((word + "s", t))
        elif (
            # and the singular of a sure plural ("Magic Mushroom Powder"); an ambiguous
            # one's singular is too often another word ("carts", "cart")
            t.lang in (None, "en")
            and not t.ambiguous
            and t.via not in ("emoji", "cas", "not-drug")
            and len(word) >= 6
            and word.endswith("s")
            and word[-2:-1].isalpha()
            and word[-2] not in "sSuUiIyY"
            and not any(c.isdigit() for c in word)
            and key_of(word[:-1]) not in keys
        ):
            out.append((word[:-1], t))
    return out
