"""Append-only chain of custody as JSON Lines, each entry hash-linked to the one before.

Every line is one entry: ``seq`` (1, 2, ...), ``time`` (UTC ISO 8601), ``action``,
``subject``, ``actor``, ``details``, ``prev_hash`` and ``hash``. ``hash`` is the SHA-256 of
the entry's canonical JSON (sorted keys, no spaces, UTF-8) without the ``hash`` field;
``prev_hash`` is the previous entry's ``hash`` (64 zeros for the first). Editing, deleting
or reordering a line therefore breaks the chain at that line. Removing lines from the END
cannot be seen from the file alone: keep :attr:`ChainReport.head_hash` somewhere else (a
bundle manifest, a report) to anchor it.

Appends take an exclusive ``fcntl.flock`` on the log, so concurrent writers (threads or
processes) never fork the chain.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from narcwatch.errors import InputError, UsageError

GENESIS = "0" * 64
ACTIONS = ("capture", "import", "export", "verify", "transfer", "access", "note")
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_FIELDS = ("seq", "time", "action", "subject", "actor", "details", "prev_hash", "hash")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 hex of ``entry``'s canonical JSON without its ``hash`` field."""
    return hashlib.sha256(
        canonical_json({k: v for k, v in entry.items() if k != "hash"})
    ).hexdigest()


def default_actor() -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


@dataclass(frozen=True)
class CustodyEntry:
    seq: int
    time: str
    action: str
    subject: str
    actor: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChainProblem:
    line: int
    seq: int | None
    kind: str  # invalid-json | truncated | missing-field | edited | seq-gap | prev-hash-mismatch
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """Outcome of :meth:`CustodyLog.verify`; truthy when the chain is whole."""

    path: str
    entries: int  # entries checked before the first problem (all of them when ok)
    head_hash: str  # hash of the last good entry (GENESIS for an empty log)
    first_error: ChainProblem | None = None

    @property
    def ok(self) -> bool:
        return self.first_error is None

    def __bool__(self) -> bool:
        return self.ok


def _last_line(fh: BinaryIO, block: int = 4096) -> tuple[bytes, int]:
    """Return the file's last line (with its newline, if any) and its byte offset."""
    end = fh.seek(0, os.SEEK_END)
    pos, tail = end, b""
    while pos > 0:
        step = min(block, pos)
        pos -= step
        fh.seek(pos)
        tail = fh.read(step) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0:
            return tail[cut + 1 :], pos + cut + 1
    return tail, 0


class CustodyLog:
    """A JSON Lines chain of custody at ``path`` (created on first append)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def append(
        self,
        action: str,
        subject: str,
        *,
        actor: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> CustodyEntry:
        """Add one entry under an exclusive lock; refuse if the log's tail is damaged."""
        return self.extend([(action, subject, details)], actor=actor)[0]

    def extend(
        self,
        items: Sequence[tuple[str, str, dict[str, Any] | None]],
        *,
        actor: str | None = None,
    ) -> list[CustodyEntry]:
        """Add (action, subject, details) entries in order, chained, under one lock and one
        fsync: a crawler commits a batch of captures at once."""
        for action, subject, _ in items:
            if not _ACTION_RE.match(action):
                raise UsageError(
                    "custody action must be a lower-case word", value=action, options=ACTIONS
                )
            if not subject:
                raise UsageError("custody subject must not be empty", value=subject)
        if not items:
            return []
        who = actor or default_actor()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                seq, prev_hash = self._tail(fh)
                done: list[dict[str, Any]] = []
                for action, subject, details in items:
                    entry: dict[str, Any] = {
                        "seq": seq,
                        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        "action": action,
                        "subject": subject,
                        "actor": who,
                        "details": json.loads(canonical_json(details or {})),
                        "prev_hash": prev_hash,
                    }
                    entry["hash"] = entry_hash(entry)
                    done.append(entry)
                    seq, prev_hash = seq + 1, entry["hash"]
                fh.seek(0, os.SEEK_END)
                fh.write(b"".join(canonical_json(e) + b"\n" for e in done))
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return [CustodyEntry(**e) for e in done]

    def _tail(self, fh: BinaryIO) -> tuple[int, str]:
        """The next sequence number and the hash to chain to."""
        last, where = _last_line(fh)
        if not last:
            return 1, GENESIS
        try:
            if not last.endswith(b"\n"):
                raise ValueError("no final newline")
            previous = json.loads(last)
            return int(previous["seq"]) + 1, str(previous["hash"])
        except (ValueError, KeyError, TypeError) as err:
            raise InputError(
                str(self.path), f"offset {where}", f"damaged last entry ({err}); verify"
            ) from err

    def entries(self) -> list[CustodyEntry]:
        """All entries, without checking them (use :meth:`verify` for that)."""
        if not self.path.exists():
            return []
        with open(self.path, "rb") as fh:
            return [CustodyEntry(**json.loads(line)) for line in fh if line.strip()]

    def verify(self) -> ChainReport:
        """Walk the chain and name the first bad line."""
        path, head, good = str(self.path), GENESIS, 0
        if not self.path.exists():
            return ChainReport(path, 0, GENESIS)

        def fail(line: int, seq: int | None, kind: str, reason: str) -> ChainReport:
            return ChainReport(path, good, head, ChainProblem(line, seq, kind, reason))

        with open(self.path, "rb") as fh:
            for number, raw in enumerate(fh, start=1):
                try:
                    entry = json.loads(raw)
                except ValueError as err:
                    kind = "truncated" if not raw.endswith(b"\n") else "invalid-json"
                    return fail(number, None, kind, f"{kind}: not valid JSON ({err})")
                if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
                    return fail(number, None, "missing-field", "entry does not have the fields")
                seq = entry["seq"] if isinstance(entry["seq"], int) else None
                if not raw.endswith(b"\n"):
                    return fail(number, seq, "truncated", "truncated: last line has no newline")
                if entry["hash"] != entry_hash(entry):
                    return fail(number, seq, "edited", "edited: hash does not match the content")
                if seq != good + 1:
                    return fail(
                        number, seq, "seq-gap", f"deleted or reordered: expected seq {good + 1}"
                    )
                if entry["prev_hash"] != head:
                    return fail(
                        number,
                        seq,
                        "prev-hash-mismatch",
                        "deleted or reordered: prev_hash does not match the entry before",
                    )
                head, good = entry["hash"], good + 1
        return ChainReport(path, good, head)
