"""The extractor registry: every selector family registers a function here, built-ins too.

An extractor takes the text (and a default phone region) and yields :class:`Candidate`
selectors it has already validated. ``triggers`` are lower-case substrings, one of which
must occur in the text for the extractor to run: the cheap test that keeps a 1 KB post
without any selector at a few microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

Strength = Literal["strong", "weak"]


@dataclass(frozen=True, slots=True)
class Candidate:
    type: str
    value: str  # normalized
    start: int
    end: int
    strength: Strength = "strong"


Extractor = Callable[[str, str | None], Iterator[Candidate]]


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
