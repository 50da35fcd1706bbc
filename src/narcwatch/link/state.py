"""The linker's working state: documents with their link keys, and each key's spread.

Rows come from and go back to the store through a
:class:`~narcwatch.store.link_state.LinkTransaction`; this module turns selector hits into
:class:`~narcwatch.link.keys.LinkKey` objects and keeps one :class:`KeyState` per key, so
ten thousand documents cost a handful of statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime

from narcwatch.link.keys import LinkKey, key_for, vendor_scope
from narcwatch.store.link_keys import KeyRecord
from narcwatch.store.link_state import LinkTransaction


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
    pk: int | None = None  # None until stored
    status: str = "linking"
    actor_id: str | None = None
    n_docs: int = 0
    vendors: list[str] = field(default_factory=list)
    sellers: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    dirty: bool = False

    def see(self, doc: DocInfo, now: datetime, cap: int, known: AbstractSet[LinkKey]) -> None:
        """Count one more document, and the seller it shows: its vendor name, or else its
        other strong selectors (not the knowledge base's known ones), identified by the
        smallest of them. Keep up to ``cap`` + 1 of each (past the limits nothing more is
        needed).

        Why a seller and not a platform: the 24 onion mirrors of one shop are 24 hosts
        but show the same e-mail and phones, so they are one seller here, while a
        market's support address sits beside a different seller's wallet or phone on
        every listing. A document showing only this selector tells nothing about who
        else uses it and counts for no seller. A shop counts at most once per other
        selector it shows, so one with few contacts never makes its own e-mail a
        market's."""
        self.n_docs += 1
        self.last_seen = now
        self.first_seen = self.first_seen or now
        if doc.author:
            name = doc.author.casefold()
            if len(self.vendors) <= cap and name not in self.vendors:
                self.vendors.append(name)
        elif len(self.sellers) <= cap:
            others = [
                k.ident
                for k in doc.keys
                if not k.scope and k.ident != self.key.ident and k not in known
            ]
            if others and (mark := min(others)) not in self.sellers:
                self.sellers.append(mark)
        self.dirty = True

    def record(self) -> KeyRecord:
        k = self.key
        return KeyRecord(
            k.ident,
            k.type,
            k.value,
            k.scope,
            self.status,
            self.actor_id,
            self.n_docs,
            self.vendors,
            self.sellers,
            self.first_seen,
            self.last_seen,
            self.pk,
        )


def load_docs(tx: LinkTransaction, pks: Sequence[int]) -> dict[int, DocInfo]:
    """Documents with their link keys (the selector hits that can link)."""
    docs = {d.pk: DocInfo(*d) for d in tx.documents(pks)}
    for pk, type_, value, strength in tx.selector_hits(pks):
        doc = docs[pk]
        key = key_for(type_, value, strength, vendor_scope(doc.platform, doc.source))
        if key is not None and key not in doc.keys:
            doc.keys.append(key)
    return docs


def load_keys(tx: LinkTransaction, keys: Iterable[LinkKey]) -> dict[str, KeyState]:
    """Stored state of these keys, by ident (keys not stored yet are absent)."""
    wanted = {k.ident: k for k in keys}
    return {
        ident: KeyState(
            wanted[ident],
            r.pk,
            r.status,
            r.actor_id,
            r.n_docs,
            r.vendors,
            r.sellers,
            r.first_seen,
            r.last_seen,
        )
        for ident, r in tx.link_keys.load(wanted).items()
    }


def save_keys(tx: LinkTransaction, states: Iterable[KeyState]) -> None:
    """Store the keys that changed."""
    changed = [st for st in states if st.dirty]
    tx.link_keys.save([st.record() for st in changed])
    for st in changed:
        st.dirty = False
