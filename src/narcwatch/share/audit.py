"""Verification of the hash-chained audit log (``narcwatch audit verify``).

Entry *n* is good when its ``prev`` is entry *n-1*'s hash (the genesis value for the
first), its sequence number follows, and its hash is the SHA-256 of ``prev`` and its own
canonical JSON (:meth:`~narcwatch.results.share.AuditEntry.chain_hash`). The first entry
that fails is named: everything from it on is suspect, everything before it is intact.
"""

from __future__ import annotations

from collections.abc import Iterable

from narcwatch.results.share import AuditEntry, AuditReport
from narcwatch.store.audit import GENESIS

__all__ = ["verify_chain"]


def verify_chain(entries: Iterable[AuditEntry]) -> AuditReport:
    prev, expected, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        reason = None
        if entry.seq != expected:
            reason = f"sequence jumps from {expected - 1} to {entry.seq} (entries removed)"
        elif entry.prev != prev:
            reason = "its link to the previous entry is wrong (an entry removed or reordered)"
        elif entry.chain_hash() != entry.hash:
            reason = "its content does not match its hash (the entry was changed)"
        if reason:
            return AuditReport(ok=False, entries=count, first_broken=entry.seq, reason=reason)
        prev, expected = entry.hash, entry.seq + 1
    return AuditReport(ok=True, entries=count)
