"""``narcwatch link --rebuild``: every actor again from the whole store, in one pass.

Needed after changing ``--max-vendors``/``--max-sellers``, ``--all-documents`` or the
knowledge base's known market selectors, and after upgrading narcwatch (link keys and key
spreads are recomputed); analysts' rejections are kept. Actor ids stay stable: each new
actor takes the id of the old actor that held most of its documents, so bookmarks and
reports that cite an actor id still find it.

The summary compares the actors before and after: a new actor holding documents of
several old actors is a merge of them (``merges`` counts the actors merged away), an old
actor whose documents now lie in several actors was split (``splits`` counts the parts
split off), and ``created`` the actors with a new id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

from narcwatch.link import state
from narcwatch.link.cluster import components
from narcwatch.link.linker import Linker, LinkResult, actor_id_for


def rebuild(linker: Linker) -> LinkResult:
    result = LinkResult(rebuild=True)
    now = datetime.now(UTC)
    with linker.repo.exclusive(), linker.repo.transaction() as tx:
        old = tx.memberships()
        old_ids = set(old.values())
        rejected = tx.link_keys.rejected()
        pks = tx.latest_documents(all_documents=linker.all_documents)
        docs = sorted(state.load_docs(tx, pks).values(), key=lambda d: d.doc_id)
        states: dict[str, state.KeyState] = {}
        for d in docs:
            for k in d.keys:
                st = states.get(k.ident)
                if st is None:
                    st = states[k.ident] = state.KeyState(k, status=linker.status_for(k, rejected))
                st.see(d, now, linker.cap, linker.known)
        for st in states.values():
            if st.status == "linking" and linker.over(st):
                st.status = "market"
                result.market_keys.append(st.key.label)
        key_index: dict[str, int] = {}
        pairs_d, pairs_k = [], []
        for i, d in enumerate(docs):
            for k in d.keys:
                if states[k.ident].status == "linking":
                    pairs_d.append(i)
                    pairs_k.append(key_index.setdefault(k.ident, len(key_index)))
        labels = components(len(docs), len(key_index), pairs_d, pairs_k)
        parts: dict[int, list[state.DocInfo]] = defaultdict(list)
        for d, label in zip(docs, labels.tolist(), strict=True):
            parts[label].append(d)
        ranked = sorted(parts.values(), key=lambda p: (-len(p), p[0].doc_id))
        used: dict[str, int] = {}
        memberships: list[tuple[int, str]] = []
        for part in ranked:
            votes = Counter(old[d.pk] for d in part if d.pk in old)
            actor_id = next((a for a, _ in votes.most_common() if a not in used), None)
            if actor_id is None:
                actor_id = actor_id_for(part[0].doc_id)
                result.created += actor_id not in old_ids
            used[actor_id] = len(part)
            memberships += [(d.pk, actor_id) for d in part]
            for d in part:
                for k in d.keys:
                    st = states[k.ident]
                    if st.status == "linking":
                        st.actor_id = actor_id
        tx.reset(now)
        known = tx.activate_actors(used, now)
        tx.add_memberships(memberships)
        for st in states.values():
            st.pk, st.dirty = None, True
        state.save_keys(tx, states.values())
        tx.recount(known, now)
        result.merges, result.splits = changes(old, ranked)
        tx.event(
            now,
            "rebuild",
            None,
            documents=len(docs),
            actors=len(used),
            merges=result.merges,
            splits=result.splits,
        )
        result.documents = len(docs)
    return result


def changes(old: dict[int, str], parts: list[list[state.DocInfo]]) -> tuple[int, int]:
    """(merges, splits) from the actors before (``old``: each document's actor) to the
    parts after: each part holding documents of k old actors merged k - 1 of them; each
    old actor whose documents are now in p parts had p - 1 split off. Documents that were
    in no actor, or are in none now, count for neither."""
    merges = 0
    parts_of: dict[str, set[int]] = defaultdict(set)
    for i, part in enumerate(parts):
        before = {old[d.pk] for d in part if d.pk in old}
        merges += max(len(before) - 1, 0)
        for actor_id in before:
            parts_of[actor_id].add(i)
    splits = sum(len(p) - 1 for p in parts_of.values())
    return merges, splits
