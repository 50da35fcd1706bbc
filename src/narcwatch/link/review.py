"""Analyst verdicts on links: ``narcwatch link reject`` and ``narcwatch link restore``.

Rejecting a selector (an exchange wallet a seller quoted, a shared phone of a courier
firm) stops it linking anything: the actor that held it is split again from its other
evidence, and the verdict is stored so re-runs and rebuilds keep it. Restoring it lets it
link again, merging the actors whose documents carry it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from narcwatch.link import state
from narcwatch.link.keys import PHONE, VENDOR, LinkKey, key_for, vendor_scope
from narcwatch.link.linker import Linker, LinkResult
from narcwatch.store.link_state import LinkTransaction


def reject(linker: Linker, key: LinkKey, *, reason: str = "", analyst: str = "") -> LinkResult:
    """Mark ``key`` as a wrong link; returns what was split."""
    result = LinkResult()
    now = datetime.now(UTC)
    with linker.repo.exclusive(), linker.repo.transaction() as tx:
        tx.link_keys.set_rejection(
            key.ident, key.type, key.value, key.scope, reason=reason, analyst=analyst, now=now
        )
        holder = tx.link_keys.holder(key.ident)
        tx.link_keys.mark_rejected(key.ident)
        tx.event(
            now,
            "override",
            holder,
            key=key.label,
            verdict="reject",
            reason=reason,
            analyst=analyst,
        )
        if holder:
            linker.resplit(tx, holder, now, result, reason=f"analyst rejected {key.label}")
    return result


def restore(linker: Linker, key: LinkKey, *, analyst: str = "") -> LinkResult:
    """Withdraw a rejection: the key links again (unless its spread makes it a market's)."""
    result = LinkResult()
    now = datetime.now(UTC)
    with linker.repo.exclusive(), linker.repo.transaction() as tx:
        had = tx.link_keys.remove_verdict(key.ident)
        st = state.load_keys(tx, [key]).get(key.ident)
        tx.event(
            now,
            "override",
            st.actor_id if st else None,
            key=key.label,
            verdict="restore",
            removed=had,
            analyst=analyst,
        )
        if st is None:
            return result
        st.status = linker.status_for(key)
        if st.status == "linking" and linker.over(st):
            st.status = "market"
        st.dirty = True
        if st.status == "linking":
            actors = _actors_with(tx, key)
            if actors:
                st.actor_id = (
                    actors[0]
                    if len(actors) == 1
                    else linker.merge(tx, actors, now, result, by=[key.label])
                )
        state.save_keys(tx, [st])
        tx.recount([st.actor_id] if st.actor_id else [], now)
    return result


def _actors_with(tx: LinkTransaction, key: LinkKey) -> list[str]:
    """The actors whose documents carry ``key`` (a phone key: under any messenger)."""
    types = None if key.type == PHONE else [key.type]
    return sorted(
        {
            c.actor_id
            for c in tx.carriers(types, key.value, casefold=key.type == VENDOR)
            if key_for(c.type, c.value, c.strength, vendor_scope(c.platform, c.source)) == key
        }
    )
