"""Analyst verdicts on links: ``narcwatch link reject`` and ``narcwatch link restore``.

Rejecting a selector (an exchange wallet a seller quoted, a shared phone of a courier
firm) stops it linking anything: the actor that held it is split again from its other
evidence, and the verdict is stored so re-runs and rebuilds keep it. Restoring it lets it
link again, merging the actors whose documents carry it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update

from narcwatch.link import state
from narcwatch.link.keys import VENDOR, LinkKey
from narcwatch.link.linker import Linker, LinkResult
from narcwatch.store.tables import (
    ActorDocRow,
    DocumentRow,
    LinkKeyRow,
    LinkOverrideRow,
    SelectorHitRow,
)


def reject(linker: Linker, key: LinkKey, *, reason: str = "", analyst: str = "") -> LinkResult:
    """Mark ``key`` as a wrong link; returns what was split."""
    result = LinkResult()
    now = datetime.now(UTC)
    with linker.store.session() as s, s.begin():
        s.execute(delete(LinkOverrideRow).where(LinkOverrideRow.ident == key.ident))
        s.execute(
            insert(LinkOverrideRow).values(
                ident=key.ident,
                type=key.type,
                value=key.value[:1024],
                scope=key.scope[:128],
                verdict="reject",
                reason=reason,
                analyst=analyst,
                at=now,
            )
        )
        holder = s.scalar(select(LinkKeyRow.actor_id).where(LinkKeyRow.ident == key.ident))
        s.execute(
            update(LinkKeyRow)
            .where(LinkKeyRow.ident == key.ident)
            .values(status="rejected", actor_id=None)
        )
        state.event(
            s,
            now,
            "override",
            holder,
            key=key.label,
            verdict="reject",
            reason=reason,
            analyst=analyst,
        )
        if holder:
            linker.resplit(s, holder, now, result, reason=f"analyst rejected {key.label}")
    return result


def restore(linker: Linker, key: LinkKey, *, analyst: str = "") -> LinkResult:
    """Withdraw a rejection: the key links again (unless its spread makes it a market's)."""
    result = LinkResult()
    now = datetime.now(UTC)
    with linker.store.session() as s, s.begin():
        had = s.scalar(select(LinkOverrideRow.pk).where(LinkOverrideRow.ident == key.ident))
        s.execute(delete(LinkOverrideRow).where(LinkOverrideRow.ident == key.ident))
        st = state.load_keys(s, [key]).get(key.ident)
        state.event(
            s,
            now,
            "override",
            st.actor_id if st else None,
            key=key.label,
            verdict="restore",
            removed=had is not None,
            analyst=analyst,
        )
        if st is None:
            return result
        st.status = "known" if key in linker.known else "linking"
        if st.status == "linking" and linker.over(st):
            st.status = "market"
        st.dirty = True
        if st.status == "linking":
            actors: list[str] = sorted(set(s.scalars(_actors_with(key))))
            if actors:
                st.actor_id = (
                    actors[0]
                    if len(actors) == 1
                    else linker.merge(s, actors, now, result, by=[key.label])
                )
        state.save_keys(s, [st])
        state.recount(s, [st.actor_id] if st.actor_id else [], now)
    return result


def _actors_with(key: LinkKey) -> Select[Any]:
    query = (
        select(ActorDocRow.actor_id)
        .join(SelectorHitRow, SelectorHitRow.document_pk == ActorDocRow.document_pk)
        .where(SelectorHitRow.type == key.type)
    )
    if key.type == VENDOR:
        query = query.join(DocumentRow, DocumentRow.pk == ActorDocRow.document_pk).where(
            func.lower(SelectorHitRow.value) == key.value,
            (DocumentRow.platform == key.scope)
            | (DocumentRow.platform.is_(None) & (("file:" + DocumentRow.source) == key.scope)),
        )
    else:
        query = query.where(SelectorHitRow.value == key.value)
    return query.distinct()
