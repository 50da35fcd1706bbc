"""Link keys and analysts' verdicts on them: the ``link_keys`` and ``link_overrides``
tables, as the linker reads and writes them inside one transaction
(``tx.link_keys`` of a :class:`~narcwatch.store.link_state.LinkTransaction`).

A key's row holds its status (``linking``, ``market``, ``known``, ``rejected``), the actor
it links into and its spread (distinct vendor names, and distinct sellers identified by
their other selectors, both capped just past the limits). The sellers are kept in the
``platforms`` column, which held the distinct platforms before mirrors of one site were
found to count as many (``narcwatch link --rebuild`` refills it).
Also the chunking of long ``IN`` lists that every link repository uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from narcwatch.store.tables import LinkKeyRow, LinkOverrideRow

__all__ = ["CHUNK", "KeyRecord", "LinkKeys", "chunks"]

CHUNK = 900  # bound parameters per IN (SQLite allows 32766; PostgreSQL far more)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(slots=True)
class KeyRecord:
    """One row of ``link_keys``: a link key's status, actor and spread."""

    ident: str
    type: str
    value: str
    scope: str
    status: str
    actor_id: str | None
    n_docs: int
    vendors: list[str]
    sellers: list[str]  # the ``platforms`` column: see the module's docstring
    first_seen: datetime | None
    last_seen: datetime | None
    pk: int | None = None  # None until inserted


class LinkKeys:
    def __init__(self, session: Session) -> None:
        self.s = session

    def load(self, idents: Iterable[str]) -> dict[str, KeyRecord]:
        """Stored keys by ident (keys not stored yet are absent)."""
        k = LinkKeyRow
        cols = (k.ident, k.type, k.value, k.scope, k.status, k.actor_id, k.n_docs, k.vendors)
        out: dict[str, KeyRecord] = {}
        # Plain column tuples, not ORM objects: thousands of keys per batch.
        for part in chunks(sorted(set(idents))):
            query = select(*cols, k.platforms, k.first_seen, k.last_seen, k.pk)
            for row in self.s.execute(query.where(k.ident.in_(part))):
                ident, type_, value, scope, status, actor, n, vendors, sellers, *rest = row
                out[ident] = KeyRecord(
                    ident,
                    type_,
                    value,
                    scope,
                    status,
                    actor,
                    n,
                    json.loads(vendors),
                    json.loads(sellers),
                    *rest,
                )
        return out

    def save(self, records: Iterable[KeyRecord]) -> None:
        """Insert the records without a ``pk``, update the others."""
        new, changed = [], []
        for r in records:
            row = {
                "status": r.status,
                "actor_id": r.actor_id,
                "n_docs": r.n_docs,
                "vendors": json.dumps(r.vendors),
                "platforms": json.dumps(r.sellers),
                "last_seen": r.last_seen,
            }
            if r.pk is None:
                new.append(
                    row
                    | {"ident": r.ident, "type": r.type, "value": r.value[:1024]}
                    | {"scope": r.scope[:128], "first_seen": r.first_seen}
                )
            else:
                changed.append(row | {"b_pk": r.pk})
        # Core table, not the ORM class: executemany with bound parameters.
        table = cast(Table, LinkKeyRow.__table__)
        if new:
            self.s.execute(insert(table), new)
        if changed:
            self.s.execute(
                update(table)
                .where(table.c.pk == bindparam("b_pk"))
                .values({c: bindparam(c) for c in changed[0] if c != "b_pk"}),
                changed,
            )

    def held_by(self, actor_id: str) -> set[str]:
        """The idents of the keys that link into this actor."""
        return set(self.s.scalars(select(LinkKeyRow.ident).where(LinkKeyRow.actor_id == actor_id)))

    def holder(self, ident: str) -> str | None:
        return self.s.scalar(select(LinkKeyRow.actor_id).where(LinkKeyRow.ident == ident))

    def release(self, idents: Sequence[str]) -> None:
        """These keys link into no actor any more."""
        for part in chunks(sorted(idents)):
            self.s.execute(
                update(LinkKeyRow).where(LinkKeyRow.ident.in_(part)).values(actor_id=None)
            )

    def mark_rejected(self, ident: str) -> None:
        self.s.execute(
            update(LinkKeyRow)
            .where(LinkKeyRow.ident == ident)
            .values(status="rejected", actor_id=None)
        )

    def clear(self) -> None:
        """Forget every key (a rebuild stores them again)."""
        self.s.execute(delete(LinkKeyRow))

    # -- verdicts ----------------------------------------------------------------------------
    def rejected(self) -> set[str]:
        """Idents of the keys analysts rejected."""
        query = select(LinkOverrideRow.ident).where(LinkOverrideRow.verdict == "reject")
        return set(self.s.scalars(query))

    def set_rejection(
        self,
        ident: str,
        type_: str,
        value: str,
        scope: str,
        *,
        reason: str,
        analyst: str,
        now: datetime,
    ) -> None:
        """Store an analyst's rejection of a key (replacing an earlier verdict on it)."""
        self.remove_verdict(ident)
        self.s.execute(
            insert(LinkOverrideRow).values(
                ident=ident,
                type=type_,
                value=value[:1024],
                scope=scope[:128],
                verdict="reject",
                reason=reason,
                analyst=analyst,
                at=now,
            )
        )

    def remove_verdict(self, ident: str) -> bool:
        """Withdraw the verdict on a key; whether there was one."""
        had = self.s.scalar(select(LinkOverrideRow.pk).where(LinkOverrideRow.ident == ident))
        if had is not None:
            self.s.execute(delete(LinkOverrideRow).where(LinkOverrideRow.ident == ident))
        return had is not None
