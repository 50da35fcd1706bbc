"""Knowledge-base lookups (``narcwatch kb``) over the context's knowledge base."""

from __future__ import annotations

from collections import Counter
from typing import Any

from narcwatch.errors import UsageError
from narcwatch.jobs.context import Context
from narcwatch.results.kb import Classification, KbStats, Neighbour, SubstanceMatch

__all__ = ["classify_job", "search_job", "show_job", "stats_job"]


def search_job(ctx: Context, query: str, *, limit: int = 10) -> list[SubstanceMatch]:
    """Substances by any of their names, tolerating typos, best first."""
    from narcwatch.kb.search import index_for

    kb = ctx.kb
    return [
        SubstanceMatch(
            id=h.id,
            name=h.name,
            matched=h.matched,
            via=h.via,
            score=h.score,
            control=[c.schedule for c in kb.substances[h.id].control],
            category=kb.substances[h.id].category,
        )
        for h in index_for(kb).search(query, limit=limit)
    ]


def show_job(ctx: Context, substance_id: str) -> dict[str, Any]:
    """One entry as the knowledge base holds it, its sources written out; an unknown id
    is an error that lists the nearest ids."""
    kb = ctx.kb
    sub = kb.substances.get(substance_id)
    if sub is None:
        near = [h.id for h in search_job(ctx, substance_id, limit=5)]
        raise UsageError(f"no substance with id {substance_id!r}", value=substance_id, options=near)
    data = sub.model_dump(exclude_defaults=True)
    data["sources"] = [kb.sources[s].model_dump(exclude_none=True) for s in sub.sources]
    return data


def stats_job(ctx: Context) -> KbStats:
    kb = ctx.kb
    subs = kb.substances.values()
    schedules = Counter(c.schedule for s in subs for c in s.control)
    return KbStats(
        substances=len(kb.substances),
        with_smiles=sum(1 for s in subs if s.smiles),
        with_cas=sum(1 for s in subs if s.cas),
        by_schedule=dict(sorted(schedules.items())),
        by_category=dict(Counter(s.category for s in subs).most_common()),
        slang_terms=len(kb.slang),
        slang_by_language=dict(Counter(t.lang for t in kb.slang).most_common()),
        emoji_codes=len(kb.emoji),
        cues=len(kb.cues),
        not_drug_phrases=len(kb.not_drugs),
        sources=len(kb.sources),
    )


def classify_job(
    ctx: Context,
    *,
    smiles: str | None = None,
    name: str | None = None,
    cas: str | None = None,
    top: int = 5,
) -> Classification:
    """Structural families and the nearest controlled substances of one structure."""
    from narcwatch.kb.classify import classify

    result = classify(smiles=smiles, name=name, cas=cas, top=top, kb=ctx.kb)
    return Classification(
        smiles=result.smiles,
        inchikey=result.inchikey,
        known=result.known,
        control=result.control,
        families=result.families,
        nearest=[
            Neighbour(id=n.id, name=n.name, similarity=n.similarity, control=n.control)
            for n in result.nearest
        ],
    )
