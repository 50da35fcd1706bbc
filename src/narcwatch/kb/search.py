"""Fuzzy look-up of substances for humans (``narcwatch kb search``), typos tolerated.

Every name, synonym, translation, slang term and CAS number is a key; rapidfuzz scores the
query against all keys (WRatio, which copes with partial and reordered names) and the best
score per substance wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

from narcwatch.kb.loader import KnowledgeBase


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    name: str
    matched: str  # the key that matched best
    via: str
    score: float


class SubstanceIndex:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.keys: list[str] = []
        self.owners: list[tuple[str, str]] = []  # (substance id, via)
        self.exact: dict[str, list[tuple[str, str]]] = {}
        for term in kb.iter_terms():
            # Very short keys ("c-c", "H") fuzzy-match almost anything: exact look-up only.
            if len(term.text) < 4:
                for sid in term.substances:
                    self.exact.setdefault(term.text.casefold(), []).append((sid, term.via))
                continue
            for sid in term.substances:
                self.keys.append(term.text)
                self.owners.append((sid, term.via))
        for sub in kb.substances.values():
            for cas in sub.cas:
                self.keys.append(cas)
                self.owners.append((sub.id, "cas"))

    def search(self, query: str, *, limit: int = 10, cutoff: float = 80.0) -> list[SearchHit]:
        """Best matches first; exact (case-insensitive) matches always score 100."""
        q = query.strip()
        if not q:
            return []
        found = process.extract(
            q,
            self.keys,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=limit * 10,
            score_cutoff=cutoff,
        )
        best: dict[str, SearchHit] = {}
        for sid, via in self.exact.get(q.casefold(), []):
            best[sid] = SearchHit(sid, self.kb.substances[sid].name, q, via, 100.0)
        for key, score, index in found:
            sid, via = self.owners[index]
            if key.casefold() == q.casefold():
                score = 100.0
            hit = SearchHit(sid, self.kb.substances[sid].name, key, via, round(score, 1))
            if sid not in best or hit.score > best[sid].score:
                best[sid] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.name))[:limit]


@lru_cache(maxsize=2)
def index_for(kb: KnowledgeBase) -> SubstanceIndex:
    """The search index of ``kb`` (built once per knowledge base)."""
    return SubstanceIndex(kb)
