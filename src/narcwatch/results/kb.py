"""Results of the ``narcwatch kb`` lookups: search hits, statistics, structure classes.

``kb show`` and ``kb export`` print knowledge-base entries themselves, whose schema is the
knowledge base's own (:mod:`narcwatch.kb.schema`).
"""

from __future__ import annotations

from typing import ClassVar

from narcwatch.results.base import Record

__all__ = ["Classification", "KbStats", "Neighbour", "SubstanceMatch"]


class SubstanceMatch(Record):
    """One substance found by ``kb search``, by the name or key that matched best."""

    schema_id: ClassVar[str] = "narcwatch.kb-match/1"
    columns: ClassVar[tuple[str, ...]] = (
        "score", "id", "name", "matched", "control", "category",
    )  # fmt: skip

    id: str
    name: str
    matched: str  # the name, synonym, slang term or CAS number that matched
    via: str  # which kind of key it is
    score: float  # 0-100 similarity (100: exact)
    control: list[str]
    category: str


class KbStats(Record):
    """What the knowledge base holds (``kb stats``)."""

    schema_id: ClassVar[str] = "narcwatch.kb-stats/1"

    substances: int
    with_smiles: int
    with_cas: int
    by_schedule: dict[str, int]
    by_category: dict[str, int]
    slang_terms: int
    slang_by_language: dict[str, int]
    emoji_codes: int
    cues: int
    not_drug_phrases: int
    sources: int


class Neighbour(Record):
    id: str
    name: str
    similarity: float  # Tanimoto on Morgan fingerprints
    control: list[str]


class Classification(Record):
    """A structure's families and nearest controlled substances (``kb classify``)."""

    schema_id: ClassVar[str] = "narcwatch.kb-classification/1"

    smiles: str  # canonical
    inchikey: str
    known: str | None  # the knowledge-base entry with this exact structure
    control: list[str]  # its control status ([] when unknown or uncontrolled)
    families: list[str]
    nearest: list[Neighbour]
