"""The link stage's working tables, read and written in bulk: what ``narcwatch link`` needs.

The linker (:mod:`narcwatch.link`) holds the algorithms and no SQL; it opens one
transaction here and calls plain methods on it::

    with LinkRepository(store).transaction() as tx:
        pks = tx.unlinked_documents(limit=5_000)
        docs, hits = tx.documents(pks), tx.selector_hits(pks)
        ...
        tx.add_memberships([(pk, actor_id), ...])

Ten thousand documents cost a handful of statements (SQLAlchemy Core, executemany), not
ten thousand ORM objects; link keys and verdicts are ``tx.link_keys``
(:mod:`narcwatch.store.link_keys`). These reads are the linker's own working set inside a write
transaction: linking runs over the whole store. What callers read back (actors, links,
history) goes through :class:`~narcwatch.store.actors.ActorRepository`, whose read
methods take the caller's visibility.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from narcwatch.store import Store
from narcwatch.store.link_keys import LinkKeys, chunks
from narcwatch.store.tables import (
    ActorDocRow,
    ActorEventRow,
    ActorRow,
    DocumentRow,
    LinkKeyRow,
    SelectorHitRow,
    SubstanceHitRow,
)

__all__ = [
    "LinkRepository",
    "LinkTransaction",
    "StoredDocument",
    "StoredHit",
    "linkable",
]


class StoredDocument(NamedTuple):
    pk: int
    doc_id: str
    platform: str | None
    author: str | None
    source: str


class StoredHit(NamedTuple):
    document_pk: int
    type: str
    value: str
    strength: str


class Carrier(NamedTuple):
    """A selector hit of a linked document, with what its link key is computed from."""

    actor_id: str
    platform: str | None
    source: str
    type: str
    value: str
    strength: str


def linkable(*, all_documents: bool = False) -> list[ColumnElement[bool]]:
    """Conditions on ``documents`` for a document to be in an actor: it carries a strong
    selector or a vendor name (a document with neither has nothing to link by, and would
    only be an actor of one), and, unless ``all_documents``, it is about drugs: a drug
    offer, or a substance found in it (a government site's pages linked by its own e-mail
    addresses are no actor). The rest stays unlinked; each run looks at it again in SQL,
    so ``--all-documents`` later takes it in."""
    h = SelectorHitRow
    carries = (
        select(h.pk)
        .where(h.document_pk == DocumentRow.pk, or_(h.strength == "strong", h.type == "vendor"))
        .exists()
    )
    if all_documents:
        return [carries]
    substance = select(SubstanceHitRow.pk).where(SubstanceHitRow.document_pk == DocumentRow.pk)
    return [carries, or_(DocumentRow.offer.is_(True), substance.exists())]


class LinkRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def exclusive(self) -> AbstractContextManager[None]:
        """The linking lock: one process links at a time (see :meth:`Store.exclusive`)."""
        return self.store.exclusive("link")

    @contextmanager
    def transaction(self) -> Iterator[LinkTransaction]:
        """One transaction: all of it is committed, or none of it."""
        with self.store.session() as session, session.begin():
            yield LinkTransaction(session)


class LinkTransaction:
    """The link tables inside one open transaction."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.link_keys = LinkKeys(session)

    # -- documents and memberships ---------------------------------------------------------
    def unlinked_documents(self, limit: int, *, all_documents: bool = False) -> list[int]:
        """The first ``limit`` latest documents in no actor that may found or join one
        (:func:`linkable`), by primary key."""
        return list(
            self.s.scalars(
                select(DocumentRow.pk)
                .outerjoin(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
                .where(DocumentRow.is_latest.is_(True), ActorDocRow.document_pk.is_(None))
                .where(*linkable(all_documents=all_documents))
                .order_by(DocumentRow.pk)
                .limit(limit)
            )
        )

    def latest_documents(self, *, all_documents: bool = False) -> list[int]:
        """Every latest document that may be in an actor (:func:`linkable`)."""
        return list(
            self.s.scalars(
                select(DocumentRow.pk)
                .where(DocumentRow.is_latest.is_(True), *linkable(all_documents=all_documents))
                .order_by(DocumentRow.pk)
            )
        )

    def documents(self, pks: Sequence[int]) -> list[StoredDocument]:
        out: list[StoredDocument] = []
        cols = (DocumentRow.pk, DocumentRow.doc_id, DocumentRow.platform, DocumentRow.author)
        for part in chunks(pks):
            rows = self.s.execute(select(*cols, DocumentRow.source).where(DocumentRow.pk.in_(part)))
            out += [StoredDocument(*r) for r in rows]
        return out

    def selector_hits(self, pks: Sequence[int]) -> list[StoredHit]:
        out: list[StoredHit] = []
        h = SelectorHitRow
        for part in chunks(pks):
            rows = self.s.execute(
                select(h.document_pk, h.type, h.value, h.strength).where(h.document_pk.in_(part))
            )
            out += [StoredHit(*r) for r in rows]
        return out

    def superseded_memberships(self) -> list[tuple[int, str]]:
        """(document, actor) of members replaced by a newer version of their document."""
        rows = self.s.execute(
            select(ActorDocRow.document_pk, ActorDocRow.actor_id)
            .join(DocumentRow, DocumentRow.pk == ActorDocRow.document_pk)
            .where(DocumentRow.is_latest.is_(False))
        )
        return [(pk, actor) for pk, actor in rows]

    def memberships(self) -> dict[int, str]:
        """Every document's actor."""
        return dict(self.s.execute(select(ActorDocRow.document_pk, ActorDocRow.actor_id)).all())

    def members(self, actor_id: str) -> list[int]:
        return list(
            self.s.scalars(select(ActorDocRow.document_pk).where(ActorDocRow.actor_id == actor_id))
        )

    def add_memberships(self, pairs: Sequence[tuple[int, str]]) -> None:
        table = cast(Table, ActorDocRow.__table__)  # Core: no ORM bookkeeping per row
        for part in chunks(pairs, 10_000):
            self.s.execute(insert(table), [{"document_pk": d, "actor_id": a} for d, a in part])

    def remove_memberships(self, pks: Sequence[int]) -> None:
        for part in chunks(pks):
            self.s.execute(delete(ActorDocRow).where(ActorDocRow.document_pk.in_(part)))

    def move_members(self, pks: Sequence[int], actor_id: str) -> None:
        for part in chunks(pks):
            self.s.execute(
                update(ActorDocRow)
                .where(ActorDocRow.document_pk.in_(part))
                .values(actor_id=actor_id)
            )

    def carriers(
        self, types: Collection[str] | None, value: str, *, casefold: bool
    ) -> list[Carrier]:
        """Hits of linked documents with this selector value, of one of ``types`` (None:
        any type, as for a phone number under every messenger; ``casefold``: compared
        without case, as vendor names are)."""
        h, d = SelectorHitRow, DocumentRow
        match = func.lower(h.value) == value.lower() if casefold else h.value == value
        query = (
            select(ActorDocRow.actor_id, d.platform, d.source, h.type, h.value, h.strength)
            .join(h, h.document_pk == ActorDocRow.document_pk)
            .join(d, d.pk == ActorDocRow.document_pk)
            .where(match)
        )
        if types is not None:
            query = query.where(h.type.in_(sorted(types)))
        return [Carrier(*r) for r in self.s.execute(query)]

    # -- actors ------------------------------------------------------------------------------
    def actor_sizes(self, actor_ids: Iterable[str]) -> dict[str, int]:
        sizes: dict[str, int] = {}
        for part in chunks(sorted(set(actor_ids))):
            rows = self.s.execute(select(ActorRow.id, ActorRow.n_docs).where(ActorRow.id.in_(part)))
            sizes.update({a: n for a, n in rows})
        return sizes

    def activate_actors(self, n_docs: dict[str, int], now: datetime) -> set[str]:
        """Create the actors of ``n_docs`` that do not exist yet (with their document
        counts) and mark the ones that do active again (an id founded by the same document
        comes back to life after a merge or an emptying); return the ids that existed."""
        existing: set[str] = set()
        for part in chunks(list(n_docs)):
            existing.update(self.s.scalars(select(ActorRow.id).where(ActorRow.id.in_(part))))
        fresh = [
            {"id": a, "status": "active", "n_docs": n, "created_at": now, "updated_at": now}
            for a, n in n_docs.items()
            if a not in existing
        ]
        if fresh:
            self.s.execute(insert(ActorRow), fresh)
        for part in chunks(sorted(existing)):
            self.s.execute(
                update(ActorRow)
                .where(ActorRow.id.in_(part))
                .values(status="active", merged_into=None, updated_at=now)
            )
        return existing

    def absorb(self, survivor: str, others: Sequence[str], now: datetime) -> None:
        """Move the documents and keys of ``others`` to ``survivor``; they become
        ``merged`` into it."""
        s = self.s
        s.execute(
            update(ActorDocRow).where(ActorDocRow.actor_id.in_(others)).values(actor_id=survivor)
        )
        s.execute(
            update(LinkKeyRow).where(LinkKeyRow.actor_id.in_(others)).values(actor_id=survivor)
        )
        s.execute(
            update(ActorRow)
            .where(ActorRow.id.in_(others))
            .values(status="merged", merged_into=survivor, n_docs=0, updated_at=now)
        )

    def recount(self, actor_ids: Iterable[str], now: datetime) -> None:
        """Set ``n_docs`` of these actors from their memberships; an actor left with none
        is ``empty`` (merged actors stay merged)."""
        ids = sorted(set(actor_ids))
        counts: dict[str, int] = defaultdict(int)
        for part in chunks(ids):
            for actor_id, n in self.s.execute(
                select(ActorDocRow.actor_id, func.count())
                .where(ActorDocRow.actor_id.in_(part))
                .group_by(ActorDocRow.actor_id)
            ):
                counts[actor_id] = n
        table = cast(Table, ActorRow.__table__)
        for status, wanted in (("active", True), ("empty", False)):
            rows = [
                {"b_id": a, "n_docs": counts[a], "updated_at": now}
                for a in ids
                if bool(counts[a]) is wanted
            ]
            if rows:
                self.s.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"), table.c.status != "merged")
                    .values(n_docs=bindparam("n_docs"), updated_at=bindparam("updated_at"))
                    .values(status=status),
                    rows,
                )

    def reset(self, now: datetime) -> None:
        """Forget every membership and key; every active actor becomes empty (a rebuild
        fills them again)."""
        self.s.execute(delete(ActorDocRow))
        self.link_keys.clear()
        self.s.execute(
            update(ActorRow)
            .where(ActorRow.status == "active")
            .values(status="empty", n_docs=0, updated_at=now)
        )

    def event(self, now: datetime, kind: str, actor_id: str | None, **detail: Any) -> None:
        self.s.execute(
            insert(ActorEventRow).values(
                at=now, kind=kind, actor_id=actor_id, detail=json.dumps(detail, default=str)
            )
        )
