"""The incremental linker: new documents join, merge or found actors; nothing else moves.

    result = Linker(store).link()                       # the documents not linked yet
    reject(Linker(store), parse_key("btc:bc1q..."), reason="exchange wallet")
    rebuild(Linker(store, max_vendors=5))               # everything again, new limits

Rules (issues 5 and 16): documents sharing a linking key are one actor (strong selectors
anywhere, vendor names within one platform; a phone number under any messenger is one
key). Only documents about drugs (a drug offer or a substance found) that carry a strong
selector or a vendor name are in actors (``all_documents``: any document with one); the
others found nothing. A strong key is a market's and stops linking when it is seen with
more than ``max_vendors`` vendor names, or with more than ``max_sellers`` sellers in all
(vendor names, and sellers of documents naming none identified by their other strong
selectors: see :meth:`~narcwatch.link.state.KeyState.see`; mirror hosts of one shop are
one seller, never many platforms). So do keys in the knowledge base's
``market_selectors.yaml`` and keys an analyst rejected. When a key stops linking, the one
actor that held it is split again from its own documents only.

Actor ids are ``A`` + 10 hex of the SHA-256 of the document the actor was founded with,
and stay while the actor grows. On a merge the larger actor keeps its id and the others
are recorded as ``merged`` into it (their ids still lead to it); every merge and split is
an event. Grouping is :func:`~narcwatch.link.cluster.components` everywhere.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from narcwatch.link import state
from narcwatch.link.cluster import components
from narcwatch.link.keys import VENDOR, LinkKey
from narcwatch.link.known import known_market_selectors
from narcwatch.results.actors import LinkRunSummary
from narcwatch.store import Store
from narcwatch.store.link_state import LinkRepository, LinkTransaction

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

MAX_VENDORS = 3
MAX_SELLERS = 6
BATCH = 5_000

LinkResult = LinkRunSummary  # what a run, a verdict or a rebuild did

Plan = list[tuple[list[state.DocInfo], list[str]]]  # (new documents, actors they touch)


def actor_id_for(first_doc_id: str) -> str:
    return "A" + hashlib.sha256(first_doc_id.encode()).hexdigest()[:10]


class Linker:
    def __init__(
        self,
        store: Store,
        *,
        max_vendors: int = MAX_VENDORS,
        max_sellers: int = MAX_SELLERS,
        max_platforms: int | None = None,
        all_documents: bool = False,
        known: AbstractSet[LinkKey] | None = None,
        kb: KnowledgeBase | None = None,
    ) -> None:
        """``known``: the known market selectors' keys; by default those of ``kb`` (by
        default the packaged knowledge base). ``max_platforms``: the former name of
        ``max_sellers`` (platforms are no longer counted), which it replaces when given.
        ``all_documents``: documents with no drug relevance may be in actors too."""
        self.store = store
        self.repo = LinkRepository(store)
        self.max_vendors = max_vendors
        self.max_sellers = max_platforms if max_platforms is not None else max_sellers
        self.all_documents = all_documents
        if known is None:
            if kb is None:
                from narcwatch.kb import default_kb

                kb = default_kb()
            known = frozenset(known_market_selectors(kb))
        self.known = known

    # --- incremental ------------------------------------------------------------------

    def link(self, *, progress: Callable[[int], None] | None = None) -> LinkResult:
        """Link every stored (latest) document that is not in an actor yet. One process
        links at a time (a second waits, then finds the documents linked)."""
        result = LinkResult()
        with self.repo.exclusive():
            with self.repo.transaction() as tx:
                self._drop_superseded(tx, result)
            while True:
                with self.repo.transaction() as tx:
                    pks = tx.unlinked_documents(BATCH, all_documents=self.all_documents)
                    if not pks:
                        return result
                    self._link_batch(tx, pks, result)
                if progress:
                    progress(len(pks))

    def status_for(self, key: LinkKey, rejected: AbstractSet[str] = frozenset()) -> str:
        if key.ident in rejected:
            return "rejected"
        return "known" if key in self.known else "linking"

    @property
    def cap(self) -> int:
        """How many vendor names and sellers a key remembers (past this, no more needed)."""
        return max(self.max_vendors, self.max_sellers)

    def over(self, st: state.KeyState) -> bool:
        """Whether a strong key's spread makes it a market's."""
        return st.key.type != VENDOR and (
            len(st.vendors) > self.max_vendors
            or len(st.vendors) + len(st.sellers) > self.max_sellers
        )

    def _link_batch(self, tx: LinkTransaction, pks: list[int], result: LinkResult) -> None:
        now = datetime.now(UTC)
        docs = state.load_docs(tx, pks)
        keys = {k for d in docs.values() for k in d.keys}
        states = state.load_keys(tx, keys)
        rejected = tx.link_keys.rejected() if len(states) < len(keys) else set()
        to_split: set[str] = set()
        for k in keys:
            if k.ident not in states:
                states[k.ident] = state.KeyState(k, status=self.status_for(k, rejected))
        for doc in docs.values():
            for k in doc.keys:
                states[k.ident].see(doc, now, self.cap, self.known)
        for st in states.values():
            if st.status == "linking" and self.over(st):
                st.status = "market"
                result.market_keys.append(st.key.label)
                if st.actor_id:
                    to_split.add(st.actor_id)
                st.actor_id = None
        plan = self._plan(list(docs.values()), states)
        targets = self._targets(tx, plan, states, now, result)
        memberships: list[tuple[int, str]] = []
        for (group_docs, _), target in zip(plan, targets, strict=True):
            memberships += [(d.pk, target) for d in group_docs]
            for d in group_docs:
                for k in d.keys:
                    st = states[k.ident]
                    if st.status == "linking" and st.actor_id != target:
                        st.actor_id, st.dirty = target, True
        state.save_keys(tx, states.values())
        tx.add_memberships(memberships)
        result.documents += len(docs)
        for actor_id in sorted(to_split):
            self.resplit(tx, actor_id, now, result, reason="selector seen with too many vendors")
        tx.recount(set(targets) | to_split, now)

    @staticmethod
    def _plan(docs: list[state.DocInfo], states: dict[str, state.KeyState]) -> Plan:
        """Group new documents with each other and with the actors their linking keys
        already belong to: components of the graph of documents and (actor, or key not
        held by an actor yet) nodes."""
        nodes: dict[tuple[str, str], int] = {}
        pairs_d: list[int] = []
        pairs_n: list[int] = []
        for i, doc in enumerate(docs):
            for k in doc.keys:
                st = states[k.ident]
                if st.status == "linking":
                    node = ("a", st.actor_id) if st.actor_id else ("k", k.ident)
                    pairs_d.append(i)
                    pairs_n.append(nodes.setdefault(node, len(nodes)))
        labels = components(len(docs), len(nodes), pairs_d, pairs_n).tolist()
        names = list(nodes)
        groups: dict[int, list[state.DocInfo]] = defaultdict(list)
        actors: dict[int, set[str]] = defaultdict(set)
        for doc, label in zip(docs, labels, strict=True):
            groups[label].append(doc)
        for i, n in zip(pairs_d, pairs_n, strict=True):
            if names[n][0] == "a":
                actors[labels[i]].add(names[n][1])
        return [
            (sorted(members, key=lambda d: d.doc_id), sorted(actors[label]))
            for label, members in groups.items()
        ]

    def _targets(
        self,
        tx: LinkTransaction,
        plan: Plan,
        states: dict[str, state.KeyState],
        now: datetime,
        result: LinkResult,
    ) -> list[str]:
        """The actor each group of new documents joins: a new one, the one its selectors
        point to, or the survivor of merging those (a few statements per batch, not per
        group)."""
        founders = [docs[0].doc_id for docs, actors in plan if not actors]
        created = iter(self._new_actors(tx, founders, now))
        result.created += len(founders)
        sizes = tx.actor_sizes(a for _, actors in plan if len(actors) > 1 for a in actors)
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
                survivor = self._merge(
                    tx, actors, sizes, now, result, by=bridges, documents=len(group_docs)
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
        tx: LinkTransaction,
        actors: list[str],
        now: datetime,
        result: LinkResult,
        *,
        by: list[str],
        documents: int = 0,
    ) -> str:
        """Merge actors into the largest one (ties: the smallest id); return its id."""
        sizes = tx.actor_sizes(actors)
        return self._merge(tx, actors, sizes, now, result, by=by, documents=documents)

    def _merge(
        self,
        tx: LinkTransaction,
        actors: Sequence[str],
        sizes: dict[str, int],
        now: datetime,
        result: LinkResult,
        *,
        by: list[str],
        documents: int,
    ) -> str:
        survivor = min(actors, key=lambda a: (-sizes.get(a, 0), a))
        others = [a for a in actors if a != survivor]
        tx.absorb(survivor, others, now)
        result.merges += len(others)
        tx.event(now, "merge", survivor, merged=others, by=by[:20], documents=documents)
        return survivor

    def _new_actors(self, tx: LinkTransaction, founders: list[str], now: datetime) -> list[str]:
        """Ids for actors founded by these documents; an id that existed before (an actor
        merged or emptied earlier, founded by the same document) comes back to life."""
        ids = [actor_id_for(doc_id) for doc_id in founders]
        tx.activate_actors(dict.fromkeys(ids, 0), now)
        return ids

    def _drop_superseded(self, tx: LinkTransaction, result: LinkResult) -> None:
        """A document replaced by a newer version leaves its actor (the new version is
        linked as a new document); the actor is re-split without it."""
        stale = tx.superseded_memberships()
        if not stale:
            return
        now = datetime.now(UTC)
        tx.remove_memberships([pk for pk, _ in stale])
        for actor_id in sorted({a for _, a in stale}):
            self.resplit(tx, actor_id, now, result, reason="a document was superseded")

    # --- splitting ----------------------------------------------------------------------

    def resplit(
        self, tx: LinkTransaction, actor_id: str, now: datetime, result: LinkResult, *, reason: str
    ) -> None:
        """Recompute one actor's components from its own documents' linking keys."""
        pks = tx.members(actor_id)
        if not pks:
            tx.recount([actor_id], now)
            return
        docs = state.load_docs(tx, pks)
        states = state.load_keys(tx, {k for d in docs.values() for k in d.keys})
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
        tx.link_keys.release(sorted(tx.link_keys.held_by(actor_id) - set(key_index)))
        labels = components(len(order), len(key_index), pairs_d, pairs_k)
        parts: dict[int, list[state.DocInfo]] = defaultdict(list)
        for d, label in zip(order, labels.tolist(), strict=True):
            parts[label].append(d)
        if len(parts) == 1:
            tx.recount([actor_id], now)
            return
        ranked = sorted(parts.values(), key=lambda p: (-len(p), p[0].doc_id))
        new_ids = self._new_actors(tx, [part[0].doc_id for part in ranked[1:]], now)
        for part, new_id in zip(ranked[1:], new_ids, strict=True):
            tx.move_members([d.pk for d in part], new_id)
            for d in part:
                for k in d.keys:
                    st = states.get(k.ident)
                    if st is not None and st.status == "linking":
                        st.actor_id, st.dirty = new_id, True
        state.save_keys(tx, states.values())
        tx.recount([actor_id, *new_ids], now)
        tx.event(now, "split", actor_id, into=new_ids, reason=reason)
        result.splits += len(new_ids)
