"""The extractor registry: every selector family registers a function here, built-ins too.

An extractor takes the text and the :class:`ExtractOptions` of the run (the default phone
region, the unit and currency words of the knowledge base) and yields :class:`Candidate`
selectors it has already validated. ``triggers`` are lower-case substrings, one of which
must occur in the text for the extractor to run: the cheap test that keeps a 1 KB post
without any selector at a few microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

Strength = Literal["strong", "weak"]


class Candidate(NamedTuple):
    """One validated selector at ``text[start:end]``. A named tuple (immutable, made in a
    fraction of a frozen dataclass's time): pages with link lists yield dozens."""

    type: str
    value: str  # normalized
    start: int
    end: int
    strength: Strength = "strong"


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What an extractor may consult besides the text, fixed for a whole run.

    ``region``: the ISO 3166 country whose national phone numbers count (None: only numbers
    written with their country code). ``amount_words`` / ``amount_symbols``: unit and
    currency words and symbols of the knowledge base; a number written next to one is an
    amount, not a phone number."""

    region: str | None = None
    amount_words: frozenset[str] = frozenset()
    amount_symbols: tuple[str, ...] = ()

    @classmethod
    def from_kb(cls, kb: KnowledgeBase, region: str | None = None) -> ExtractOptions:
        forms = [a for u in kb.units for a in (u.unit, *u.aliases)]
        forms += [a for c in kb.currencies for a in (c.code, *c.aliases, *c.symbols)]
        words = {f.lower().rstrip(".") for f in forms if f.rstrip(".").isalpha()}
        symbols = {f for f in forms if not f.rstrip(".").isalpha()} | {"#", "№"}
        return cls(region, frozenset(words), tuple(sorted(symbols)))


Extractor = Callable[[str, ExtractOptions], Iterator[Candidate]]


@dataclass(frozen=True, slots=True)
class ExtractorSpec:
    name: str
    func: Extractor
    triggers: tuple[str, ...] | None


_EXTRACTORS: dict[str, ExtractorSpec] = {}


def register_extractor(
    name: str, *, triggers: tuple[str, ...] | None = None
) -> Callable[[Extractor], Extractor]:
    def decorate(func: Extractor) -> Extractor:
        _EXTRACTORS[name] = ExtractorSpec(name, func, triggers)
        return func

    return decorate


def extractors() -> dict[str, ExtractorSpec]:
    from narcwatch.selectors import builtin  # noqa: F401  (registers the built-ins)

    return dict(_EXTRACTORS)
