"""``narcwatch link --rebuild``: every actor again from the whole store, in one pass.

Needed after changing ``--max-vendors``/``--max-platforms`` or the knowledge base's known
market selectors; analysts' rejections are kept. Actor ids stay stable: each new actor takes
the id of the old actor that held most of its documents, so bookmarks and reports that cite
an actor id still find it.
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
    with linker.repo.transaction() as tx:
        old = tx.memberships()
        old_ids = set(old.values())
        rejected = tx.link_keys.rejected()
        docs = sorted(state.load_docs(tx, tx.latest_documents()).values(), key=lambda d: d.doc_id)
        cap = max(linker.max_vendors, linker.max_platforms)
        states: dict[str, state.KeyState] = {}
        for d in docs:
            for k in d.keys:
                st = states.get(k.ident)
                if st is None:
                    st = states[k.ident] = state.KeyState(k, status=linker.status_for(k, rejected))
                st.see(d, now, cap)
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
        tx.event(now, "rebuild", None, documents=len(docs), actors=len(used))
        result.documents = len(docs)
    return result
