"""``narcwatch link --rebuild``: every actor again from the whole store, in one pass.

Needed after changing ``--max-vendors``/``--max-platforms`` or the knowledge base's known
market selectors; analysts' rejections are kept. Actor ids stay stable: each new actor takes
the id of the old actor that held most of its documents, so bookmarks and reports that cite
an actor id still find it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update

from narcwatch.link import state
from narcwatch.link.cluster import components
from narcwatch.link.linker import Linker, LinkResult, actor_id_for
from narcwatch.store.tables import ActorDocRow, ActorRow, DocumentRow, LinkKeyRow


def rebuild(linker: Linker) -> LinkResult:
    result = LinkResult()
    now = datetime.now(UTC)
    with linker.store.session() as s, s.begin():
        old = dict(s.execute(select(ActorDocRow.document_pk, ActorDocRow.actor_id)).all())
        rejected = state.overrides(s)
        pks = list(
            s.scalars(
                select(DocumentRow.pk)
                .where(DocumentRow.is_latest.is_(True))
                .order_by(DocumentRow.pk)
            )
        )
        docs = sorted(state.load_docs(s, pks).values(), key=lambda d: d.doc_id)
        cap = max(linker.max_vendors, linker.max_platforms)
        states: dict[str, state.KeyState] = {}
        for d in docs:
            for k in d.keys:
                st = states.get(k.ident)
                if st is None:
                    st = states[k.ident] = state.KeyState(
                        k, status="rejected" if k.ident in rejected else linker.status_for(k)
                    )
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
        memberships = []
        for part in ranked:
            votes = Counter(old[d.pk] for d in part if d.pk in old)
            actor_id = next((a for a, _ in votes.most_common() if a not in used), None)
            if actor_id is None:
                actor_id = actor_id_for(part[0].doc_id)
                result.created += actor_id not in set(old.values())
            used[actor_id] = len(part)
            memberships += [{"document_pk": d.pk, "actor_id": actor_id} for d in part]
            for d in part:
                for k in d.keys:
                    st = states[k.ident]
                    if st.status == "linking":
                        st.actor_id = actor_id
        s.execute(delete(ActorDocRow))
        s.execute(delete(LinkKeyRow))
        s.execute(
            update(ActorRow)
            .where(ActorRow.status == "active")
            .values(status="empty", n_docs=0, updated_at=now)
        )
        known = state.activate_actors(s, used, now)
        for part_rows in state.chunks(memberships, 10_000):
            s.execute(insert(ActorDocRow), list(part_rows))
        for st in states.values():
            st.pk, st.dirty = None, True
        state.save_keys(s, states.values())
        state.recount(s, known, now)
        state.event(s, now, "rebuild", None, documents=len(docs), actors=len(used))
        result.documents = len(docs)
    return result
