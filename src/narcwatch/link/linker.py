"""The incremental linker: new documents join, merge or found actors; nothing else moves.

    result = Linker(store).link()            # the documents not linked yet
    Linker(store).reject(parse_key("btc:bc1q..."), reason="exchange wallet")
    Linker(store).rebuild()                  # everything again (after changing limits)

Rules (issue 5): documents sharing a linking key are one actor (strong selectors anywhere,
vendor names within one platform). A strong key seen with more than ``max_vendors`` vendor
names or ``max_platforms`` platforms is a market's and stops linking; so do keys in the
knowledge base's ``market_selectors.yaml`` and keys an analyst rejected. When a key stops
linking, the one actor that held it is split again from its own documents only.

Actor ids are ``A`` + 10 hex of the SHA-256 of the document the actor was founded with,
and stay while the actor grows. On a merge the larger actor keeps its id and the others
are recorded as ``merged`` into it (their ids still lead to it); every merge and split is
an event.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from narcwatch.link import state
from narcwatch.link.cluster import components
from narcwatch.link.keys import VENDOR, LinkKey
from narcwatch.link.known import known_market_keys
from narcwatch.store import Store
from narcwatch.store.tables import ActorDocRow, ActorRow, DocumentRow, LinkKeyRow

MAX_VENDORS = 3
MAX_PLATFORMS = 6
BATCH = 5_000


@dataclass(slots=True)
class LinkResult:
    documents: int = 0
    created: int = 0
    merges: int = 0
    splits: int = 0
    market_keys: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"linked {self.documents} documents: {self.created} new actors, "
            f"{self.merges} merges, {self.splits} splits"
        )
        if self.market_keys:
            text += f"; {len(self.market_keys)} selectors now treated as a market's"
        return text


def actor_id_for(first_doc_id: str) -> str:
    return "A" + hashlib.sha256(first_doc_id.encode()).hexdigest()[:10]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


class Linker:
    def __init__(
        self,
        store: Store,
        *,
        max_vendors: int = MAX_VENDORS,
        max_platforms: int = MAX_PLATFORMS,
        known: AbstractSet[LinkKey] | None = None,
    ) -> None:
        self.store = store
        self.max_vendors = max_vendors
        self.max_platforms = max_platforms
        self.known = known_market_keys() if known is None else known

    # --- incremental ------------------------------------------------------------------

    def link(self, *, progress: Callable[[int], None] | None = None) -> LinkResult:
        """Link every stored (latest) document that is not in an actor yet."""
        result = LinkResult()
        with self.store.session() as s, s.begin():
            self._drop_superseded(s, result)
        while True:
            with self.store.session() as s, s.begin():
                pks = list(
                    s.scalars(
                        select(DocumentRow.pk)
                        .outerjoin(ActorDocRow, ActorDocRow.document_pk == DocumentRow.pk)
                        .where(DocumentRow.is_latest.is_(True), ActorDocRow.document_pk.is_(None))
                        .order_by(DocumentRow.pk)
                        .limit(BATCH)
                    )
                )
                if not pks:
                    return result
                self._link_batch(s, pks, result)
            if progress:
                progress(len(pks))

    def status_for(self, key: LinkKey, rejected: AbstractSet[str] = frozenset()) -> str:
        if key.ident in rejected:
            return "rejected"
        return "known" if key in self.known else "linking"

    def over(self, st: state.KeyState) -> bool:
        return st.key.type != VENDOR and (
            len(st.vendors) > self.max_vendors or len(st.platforms) > self.max_platforms
        )

    def _link_batch(self, s: Session, pks: list[int], result: LinkResult) -> None:
        now = datetime.now(UTC)
        docs = state.load_docs(s, pks)
        keys = {k for d in docs.values() for k in d.keys}
        states = state.load_keys(s, keys)
        rejected = state.overrides(s) if len(states) < len(keys) else set()
        cap = max(self.max_vendors, self.max_platforms)
        to_split: set[str] = set()
        for k in keys:
            if k.ident not in states:
                states[k.ident] = state.KeyState(k, status=self.status_for(k, rejected))
        for doc in docs.values():
            for k in doc.keys:
                states[k.ident].see(doc, now, cap)
        for st in states.values():
            if st.status == "linking" and self.over(st):
                st.status = "market"
                result.market_keys.append(st.key.label)
                if st.actor_id:
                    to_split.add(st.actor_id)
                st.actor_id = None
        # Union documents with each other and with the actors their keys already belong to.
        uf = _Union()
        for doc in docs.values():
            uf.find(("d", doc.pk))
            for k in doc.keys:
                st = states[k.ident]
                if st.status == "linking":
                    uf.union(("d", doc.pk), ("a", st.actor_id) if st.actor_id else ("k", k.ident))
        groups: dict[object, list[tuple[str, object]]] = defaultdict(list)
        for node in list(uf.parent):
            groups[uf.find(node)].append(node)  # type: ignore[arg-type]
        plan: list[tuple[list[state.DocInfo], list[str]]] = []
        for members in groups.values():
            group_docs = sorted(
                (docs[n[1]] for n in members if n[0] == "d"),  # type: ignore[index]
                key=lambda d: d.doc_id,
            )
            if group_docs:
                plan.append((group_docs, sorted({str(n[1]) for n in members if n[0] == "a"})))
        targets = self._targets(s, plan, states, now, result)
        memberships: list[dict[str, object]] = []
        for (group_docs, _), target in zip(plan, targets, strict=True):
            memberships += [{"document_pk": d.pk, "actor_id": target} for d in group_docs]
            for d in group_docs:
                for k in d.keys:
                    st = states[k.ident]
                    if st.status == "linking" and st.actor_id != target:
                        st.actor_id, st.dirty = target, True
        state.save_keys(s, states.values())
        if memberships:
            # Core insert: no ORM bookkeeping for thousands of plain rows.
            s.execute(insert(cast(Table, ActorDocRow.__table__)), memberships)
        result.documents += len(docs)
        for actor_id in sorted(to_split):
            self.resplit(s, actor_id, now, result, reason="selector seen with too many vendors")
        state.recount(s, set(targets) | to_split, now)

    def _targets(
        self,
        s: Session,
        plan: list[tuple[list[state.DocInfo], list[str]]],
        states: dict[str, state.KeyState],
        now: datetime,
        result: LinkResult,
    ) -> list[str]:
        """The actor each group of new documents joins: a new one, the one its selectors
        point to, or the survivor of merging those (a few statements per batch, not per
        group)."""
        founders = [docs[0].doc_id for docs, actors in plan if not actors]
        created = iter(self._new_actors(s, founders, now))
        result.created += len(founders)
        merging = sorted({a for _, actors in plan if len(actors) > 1 for a in actors})
        sizes: dict[str, int] = {}
        for part in state.chunks(merging):
            sizes.update(
                s.execute(select(ActorRow.id, ActorRow.n_docs).where(ActorRow.id.in_(part))).all()
            )
        targets: list[str] = []
        redirect: dict[str, str] = {}
        for group_docs, actors in plan:
            if not actors:
                targets.append(next(created))
            elif len(actors) == 1:
                targets.append(actors[0])
            else:
                bridges = sorted(
                    {
                        states[k.ident].key.label
                        for d in group_docs
                        for k in d.keys
                        if states[k.ident].actor_id in actors
                    }
                )
                survivor = min(actors, key=lambda a: (-sizes.get(a, 0), a))
                self._absorb(s, survivor, [a for a in actors if a != survivor], now, result)
                state.event(
                    s,
                    now,
                    "merge",
                    survivor,
                    merged=[a for a in actors if a != survivor],
                    by=bridges[:20],
                    documents=len(group_docs),
                )
                redirect.update(dict.fromkeys(actors, survivor))
                targets.append(survivor)
        if redirect:
            for st in states.values():
                if st.actor_id in redirect:
                    st.actor_id = redirect[st.actor_id]
        return targets

    def merge(
        self,
        s: Session,
        actors: list[str],
        now: datetime,
        result: LinkResult,
        *,
        by: list[str],
        documents: int = 0,
    ) -> str:
        """Merge actors into the largest one (ties: the smallest id); return its id."""
        sizes = dict(
            s.execute(select(ActorRow.id, ActorRow.n_docs).where(ActorRow.id.in_(actors))).all()
        )
        survivor = min(actors, key=lambda a: (-sizes.get(a, 0), a))
        others = [a for a in actors if a != survivor]
        self._absorb(s, survivor, others, now, result)
        state.event(s, now, "merge", survivor, merged=others, by=by[:20], documents=documents)
        return survivor

    def _absorb(
        self, s: Session, survivor: str, others: list[str], now: datetime, result: LinkResult
    ) -> None:
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
        result.merges += len(others)

    def _new_actor(self, s: Session, first_doc_id: str, now: datetime) -> str:
        return self._new_actors(s, [first_doc_id], now)[0]

    def _new_actors(self, s: Session, founders: list[str], now: datetime) -> list[str]:
        """Ids for actors founded by these documents; an id that existed before (an actor
        merged or emptied earlier, founded by the same document) comes back to life."""
        ids = [actor_id_for(doc_id) for doc_id in founders]
        state.activate_actors(s, dict.fromkeys(ids, 0), now)
        return ids

    def _drop_superseded(self, s: Session, result: LinkResult) -> None:
        """A document replaced by a newer version leaves its actor (the new version is
        linked as a new document); the actor is re-split without it."""
        stale = s.execute(
            select(ActorDocRow.document_pk, ActorDocRow.actor_id)
            .join(DocumentRow, DocumentRow.pk == ActorDocRow.document_pk)
            .where(DocumentRow.is_latest.is_(False))
        ).all()
        if not stale:
            return
        now = datetime.now(UTC)
        for part in state.chunks([pk for pk, _ in stale]):
            s.execute(delete(ActorDocRow).where(ActorDocRow.document_pk.in_(part)))
        for actor_id in sorted({a for _, a in stale}):
            self.resplit(s, actor_id, now, result, reason="a document was superseded")

    # --- splitting ----------------------------------------------------------------------

    def resplit(
        self, s: Session, actor_id: str, now: datetime, result: LinkResult, *, reason: str
    ) -> None:
        """Recompute one actor's components from its own documents' linking keys."""
        pks = list(
            s.scalars(select(ActorDocRow.document_pk).where(ActorDocRow.actor_id == actor_id))
        )
        if not pks:
            state.recount(s, [actor_id], now)
            return
        docs = state.load_docs(s, pks)
        states = state.load_keys(s, {k for d in docs.values() for k in d.keys})
        order = sorted(docs.values(), key=lambda d: d.doc_id)
        key_index: dict[str, int] = {}
        pairs_d, pairs_k = [], []
        for i, d in enumerate(order):
            for k in d.keys:
                st = states.get(k.ident)
                if st is not None and st.status == "linking":
                    pairs_d.append(i)
                    pairs_k.append(key_index.setdefault(k.ident, len(key_index)))
        # Keys this actor held that none of its documents carries any more (they left with
        # a superseded document) must not pull new documents into it.
        held = set(s.scalars(select(LinkKeyRow.ident).where(LinkKeyRow.actor_id == actor_id)))
        for part_ids in state.chunks(sorted(held - set(key_index))):
            s.execute(
                update(LinkKeyRow).where(LinkKeyRow.ident.in_(part_ids)).values(actor_id=None)
            )
        labels = components(len(order), len(key_index), pairs_d, pairs_k)
        parts: dict[int, list[state.DocInfo]] = defaultdict(list)
        for d, label in zip(order, labels.tolist(), strict=True):
            parts[label].append(d)
        if len(parts) == 1:
            state.recount(s, [actor_id], now)
            return
        ranked = sorted(parts.values(), key=lambda p: (-len(p), p[0].doc_id))
        new_ids = []
        for part in ranked[1:]:
            new_id = self._new_actor(s, part[0].doc_id, now)
            new_ids.append(new_id)
            state.move_docs(s, [d.pk for d in part], new_id)
            for d in part:
                for k in d.keys:
                    st = states.get(k.ident)
                    if st is not None and st.status == "linking":
                        st.actor_id, st.dirty = new_id, True
        state.save_keys(s, states.values())
        state.recount(s, [actor_id, *new_ids], now)
        state.event(s, now, "split", actor_id, into=new_ids, reason=reason)
        result.splits += len(new_ids)
