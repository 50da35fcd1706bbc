"""Reading and writing the link stage's tables in bulk (SQLAlchemy Core, executemany).

The linker works on plain dicts: a :class:`KeyState` per link key and lists of rows to
insert or update, so ten thousand documents cost a handful of statements, not ten
thousand ORM objects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from narcwatch.link.keys import LinkKey, key_for, vendor_scope
from narcwatch.store.tables import (
    ActorDocRow,
    ActorEventRow,
    ActorRow,
    DocumentRow,
    LinkKeyRow,
    LinkOverrideRow,
    SelectorHitRow,
)

CHUNK = 900  # bound parameters per IN (SQLite allows 32766; PostgreSQL far more)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def activate_actors(s: Session, n_docs: dict[str, int], now: datetime) -> set[str]:
    """Create the actors of ``n_docs`` that do not exist yet (with their document counts)
    and mark the ones that do active again (an id founded by the same document comes back
    to life after a merge or an emptying); return the ids that existed."""
    existing: set[str] = set()
    for part in chunks(list(n_docs)):
        existing.update(s.scalars(select(ActorRow.id).where(ActorRow.id.in_(part))))
    fresh = [
        {"id": a, "status": "active", "n_docs": n, "created_at": now, "updated_at": now}
        for a, n in n_docs.items()
        if a not in existing
    ]
    if fresh:
        s.execute(insert(ActorRow), fresh)
    for part in chunks(sorted(existing)):
        s.execute(
            update(ActorRow)
            .where(ActorRow.id.in_(part))
            .values(status="active", merged_into=None, updated_at=now)
        )
    return existing


@dataclass(slots=True)
class DocInfo:
    pk: int
    doc_id: str
    platform: str | None
    author: str | None
    source: str
    keys: list[LinkKey] = field(default_factory=list)


@dataclass(slots=True)
class KeyState:
    key: LinkKey
    pk: int | None = None  # None until inserted
    status: str = "linking"
    actor_id: str | None = None
    n_docs: int = 0
    vendors: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    dirty: bool = False

    def see(self, doc: DocInfo, now: datetime, cap: int) -> None:
        """Count one more document; remember distinct vendor names and platforms up to
        ``cap`` (past the limits nothing more is needed)."""
        self.n_docs += 1
        self.last_seen = now
        self.first_seen = self.first_seen or now
        if doc.author and len(self.vendors) <= cap:
            name = doc.author.casefold()
            if name not in self.vendors:
                self.vendors.append(name)
        if doc.platform and len(self.platforms) <= cap and doc.platform not in self.platforms:
            self.platforms.append(doc.platform)
        self.dirty = True


def load_docs(session: Session, pks: Sequence[int]) -> dict[int, DocInfo]:
    """Documents with their link keys (selector hits that can link)."""
    docs: dict[int, DocInfo] = {}
    for part in chunks(pks):
        for pk, doc_id, platform, author, source in session.execute(
            select(
                DocumentRow.pk,
                DocumentRow.doc_id,
                DocumentRow.platform,
                DocumentRow.author,
                DocumentRow.source,
            ).where(DocumentRow.pk.in_(part))
        ):
            docs[pk] = DocInfo(pk, doc_id, platform, author, source)
        for pk, type_, value, strength in session.execute(
            select(
                SelectorHitRow.document_pk,
                SelectorHitRow.type,
                SelectorHitRow.value,
                SelectorHitRow.strength,
            ).where(SelectorHitRow.document_pk.in_(part))
        ):
            doc = docs[pk]
            key = key_for(type_, value, strength, vendor_scope(doc.platform, doc.source))
            if key is not None and key not in doc.keys:
                doc.keys.append(key)
    return docs


def load_keys(session: Session, keys: Iterable[LinkKey]) -> dict[str, KeyState]:
    """Stored state of these keys, by ident (keys not stored yet are absent)."""
    wanted = {k.ident: k for k in keys}
    out: dict[str, KeyState] = {}
    cols = (
        LinkKeyRow.ident,
        LinkKeyRow.pk,
        LinkKeyRow.status,
        LinkKeyRow.actor_id,
        LinkKeyRow.n_docs,
        LinkKeyRow.vendors,
        LinkKeyRow.platforms,
        LinkKeyRow.first_seen,
        LinkKeyRow.last_seen,
    )
    # Plain column tuples, not ORM objects: thousands of keys per batch.
    for part in chunks(list(wanted)):
        for ident, pk, status, actor, n, vendors, platforms, first, last in session.execute(
            select(*cols).where(LinkKeyRow.ident.in_(part))
        ):
            out[ident] = KeyState(
                wanted[ident],
                pk,
                status,
                actor,
                n,
                json.loads(vendors),
                json.loads(platforms),
                first,
                last,
            )
    return out


def overrides(session: Session) -> set[str]:
    """Idents of the keys analysts rejected."""
    return set(
        session.scalars(select(LinkOverrideRow.ident).where(LinkOverrideRow.verdict == "reject"))
    )


def save_keys(session: Session, states: Iterable[KeyState]) -> None:
    new, changed = [], []
    for st in states:
        if not st.dirty:
            continue
        row = {
            "status": st.status,
            "actor_id": st.actor_id,
            "n_docs": st.n_docs,
            "vendors": json.dumps(st.vendors),
            "platforms": json.dumps(st.platforms),
            "last_seen": st.last_seen,
        }
        if st.pk is None:
            k = st.key
            new.append(
                row
                | {"ident": k.ident, "type": k.type, "value": k.value[:1024]}
                | {"scope": k.scope[:128], "first_seen": st.first_seen}
            )
        else:
            changed.append(row | {"b_pk": st.pk})
        st.dirty = False
    if new:
        session.execute(insert(cast(Table, LinkKeyRow.__table__)), new)
    if changed:
        # Core table, not the ORM class: executemany with bound parameters.
        table = cast(Table, LinkKeyRow.__table__)
        session.execute(
            update(table)
            .where(table.c.pk == bindparam("b_pk"))
            .values({c: bindparam(c) for c in changed[0] if c != "b_pk"}),
            changed,
        )


def move_docs(session: Session, pks: Sequence[int], actor_id: str) -> None:
    for part in chunks(list(pks)):
        session.execute(
            update(ActorDocRow).where(ActorDocRow.document_pk.in_(part)).values(actor_id=actor_id)
        )


def recount(session: Session, actor_ids: Iterable[str], now: datetime) -> None:
    """Set ``n_docs`` of these actors from their memberships; an actor left with none is
    ``empty``."""
    ids = sorted(set(actor_ids))
    counts: dict[str, int] = defaultdict(int)
    for part in chunks(ids):
        for actor_id, n in session.execute(
            select(ActorDocRow.actor_id, func.count())
            .where(ActorDocRow.actor_id.in_(part))
            .group_by(ActorDocRow.actor_id)
        ):
            counts[actor_id] = n
    rows = [
        {"b_id": a, "n_docs": counts[a], "updated_at": now}
        | ({"status": "active"} if counts[a] else {"status": "empty"})
        for a in ids
    ]
    table = cast(Table, ActorRow.__table__)
    for status in ("active", "empty"):
        part_rows = [r for r in rows if r["status"] == status]
        if part_rows:
            session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"), table.c.status != "merged")
                .values(n_docs=bindparam("n_docs"), updated_at=bindparam("updated_at"))
                .values(status=status),
                [{k: v for k, v in r.items() if k != "status"} for r in part_rows],
            )


def event(session: Session, now: datetime, kind: str, actor_id: str | None, **detail: Any) -> None:
    session.execute(
        insert(ActorEventRow).values(
            at=now, kind=kind, actor_id=actor_id, detail=json.dumps(detail, default=str)
        )
    )
