"""The data layer: findings in SQLite (embedded, default) or PostgreSQL, one code path.

    store = Store.open("sqlite:////path/narcwatch.db")
    result = store.save(findings)   # SaveResult(added, unchanged, new_versions)

Saving is idempotent by document hash, versioned by document identity, and atomic per
batch: a crash leaves only whole documents. The schema is created and upgraded by the
Alembic migrations shipped in the package, run when the store opens.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from narcwatch.errors import StoreError
from narcwatch.model import Finding
from narcwatch.settings import os_reason
from narcwatch.store import feedback_tables as _feedback_tables  # noqa: F401  (tables on metadata)
from narcwatch.store import review_tables as _review_tables  # noqa: F401  (table on metadata)
from narcwatch.store import share_tables as _share_tables  # noqa: F401  (tables on the metadata)
from narcwatch.store import version_tables as _version_tables  # noqa: F401  (tables on metadata)
from narcwatch.store.migrate import upgrade
from narcwatch.store.notify import AlertSignal
from narcwatch.store.tables import DocumentRow, SelectorHitRow, SubstanceHitRow

__all__ = ["SaveResult", "Store", "doc_key"]


@dataclass(slots=True)
class SaveResult:
    added: int = 0
    unchanged: int = 0
    new_versions: int = 0


def doc_key(finding: Finding) -> str:
    """A document's identity across versions: its own id on its platform, else its URL,
    else where it was read from."""
    d = finding.doc
    if d.source_id:
        return f"id:{d.platform or d.source}:{d.source_id}"
    if d.url:
        return f"url:{d.url}"
    return f"at:{d.source}:{d.location}"


def _file_problem(file: Path) -> str | None:
    """Why SQLite cannot open or create ``file`` (its -wal and -shm files beside it), as
    far as the file system tells; None when nothing is visibly wrong."""
    directory = file.parent
    if not directory.exists():
        return f"directory {directory} does not exist"
    if not directory.is_dir():
        return f"{directory} is not a directory"
    if file.is_dir():
        return "it is a directory"
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        return "permission denied (the file is not readable and writable)"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"permission denied (directory {directory} is not writable)"
    return None


_SAVE_ATTEMPTS = 5


def _is_conflict(exc: SQLAlchemyError) -> bool:
    """A write conflict with another process (worth a retry), not a bug in the batch."""
    if isinstance(exc, IntegrityError):
        return "unique" in str(exc).lower() or "duplicate" in str(exc).lower()
    message = str(getattr(exc, "orig", exc)).lower()
    return "locked" in message or "busy" in message or "could not serialize" in message


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    # In WAL mode NORMAL loses no committed transaction when the process is killed, only
    # (at worst) the last ones on power loss, and spares an fsync per commit: the crawler
    # commits several times a page. Evidence itself (WARC, custody log) is fsynced.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Store:
    def __init__(self, engine: Engine, *, file: Path | None = None) -> None:
        self.engine = engine
        self.file = file  # the SQLite database file, when there is one
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.alert_signal = AlertSignal()  # new alerts stored (store.notify)
        # One-statement reads need no transaction: on PostgreSQL, BEGIN and ROLLBACK
        # around a SELECT were two of its three round trips (see :meth:`reading`). SQLite
        # has no round trips, and switching its connection's mode cost more than it saved.
        self._reads = self._sessions
        if engine.dialect.name == "postgresql":
            autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
            self._reads = sessionmaker(autocommit, expire_on_commit=False)
        self._held: dict[str, int] = {}

    @classmethod
    def open(cls, url: str, *, home: Path | None = None) -> Store:
        """Open (creating and migrating as needed) the database at ``url``."""
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise StoreError(f"not a database URL: {url!r} ({exc})") from None
        file: Path | None = None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            file = Path(parsed.database)
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                reason = _file_problem(file) or os_reason(exc)
                raise StoreError(f"cannot open the database {file}: {reason}") from None
        try:
            engine = create_engine(url, future=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            upgrade(engine, lock_file=file.with_name(file.name + ".lock") if file else None)
        except SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            if file is not None:
                raise StoreError(
                    f"cannot open the database {file}: {_file_problem(file) or first}"
                ) from None
            raise StoreError(
                f"cannot open the store at {parsed!r}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from None
        return cls(engine, file=file)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the store-wide lock ``name`` across processes (re-entrant in one store):
        work that reads, decides and writes shared state (linking documents into actors)
        runs one process at a time, so two writers never mint the same actor twice.

        SQLite: a lock file beside the database; PostgreSQL: a session advisory lock;
        an in-memory database has one process by definition."""
        if self._held.get(name):
            self._held[name] += 1
            try:
                yield
            finally:
                self._held[name] -= 1
            return
        self._held[name] = 1
        try:
            with self._lock(name):
                yield
        finally:
            self._held.pop(name, None)

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        if self.file is not None:
            from filelock import FileLock

            with FileLock(self.file.with_name(f"{self.file.name}.{name}.lock"), timeout=600):
                yield
        elif self.engine.dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    connection.commit()
        else:
            yield

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for a read of one statement, without a transaction around it (a
        statement is consistent by itself); anything that reads twice and needs both
        reads to agree uses :meth:`session`."""
        with self._reads() as session:
            yield session

    def save(self, findings: Sequence[Finding]) -> SaveResult:
        """Store a batch in one transaction (all of it or none of it)."""
        result = SaveResult()
        if not findings:
            return result
        now = datetime.now(UTC)
        for attempt in range(_SAVE_ATTEMPTS):
            result = SaveResult()
            try:
                with self._sessions.begin() as session:
                    self._save(session, findings, now, result)
                return result
            except (IntegrityError, OperationalError) as exc:
                # Another writer stored some of these documents between our read and our
                # insert (UNIQUE doc_id), or held SQLite's write lock past busy_timeout: the
                # batch was rolled back whole; read again and retry.
                if attempt + 1 == _SAVE_ATTEMPTS or not _is_conflict(exc):
                    raise StoreError(f"saving {len(findings)} findings failed: {exc}") from None
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
            except SQLAlchemyError as exc:
                raise StoreError(f"saving {len(findings)} findings failed: {exc}") from None
        return result

    def _save(
        self, session: Session, findings: Sequence[Finding], now: datetime, result: SaveResult
    ) -> None:
        ids = {f.doc.id for f in findings}
        known = set(session.scalars(select(DocumentRow.doc_id).where(DocumentRow.doc_id.in_(ids))))
        if known:
            session.execute(
                update(DocumentRow).where(DocumentRow.doc_id.in_(known)).values(last_seen=now)
            )
        keys = {doc_key(f) for f in findings if f.doc.id not in known}
        latest: dict[str, DocumentRow] = {
            row.doc_key: row
            for row in session.scalars(
                select(DocumentRow).where(DocumentRow.doc_key.in_(keys), DocumentRow.is_latest)
            )
        }
        created: list[tuple[DocumentRow, Finding]] = []
        for f in findings:
            if f.doc.id in known:
                result.unchanged += 1
                continue
            known.add(f.doc.id)
            key = doc_key(f)
            previous = latest.get(key)
            if previous is not None:
                previous.is_latest = False
                result.new_versions += 1
            else:
                result.added += 1
            row = _row(f, key, (previous.version + 1) if previous else 1, now)
            session.add(row)
            latest[key] = row
            created.append((row, f))
        session.flush()  # one multi-row INSERT; assigns every row.pk for the hits
        substances: list[dict[str, Any]] = []
        selectors: list[dict[str, Any]] = []
        for row, f in created:
            substances += _substance_hits(f, row.pk)
            selectors += _selector_hits(f, row.pk)
        # Hits are many and never read back here: bulk Core-style inserts, not ORM objects.
        if substances:
            session.execute(insert(SubstanceHitRow), substances)
        if selectors:
            session.execute(insert(SelectorHitRow), selectors)

    def findings(self, *, latest_only: bool = True) -> Iterator[Finding]:
        """Every stored finding (latest versions by default), oldest first."""
        with self.session() as session:
            query = select(DocumentRow.finding).order_by(DocumentRow.pk)
            if latest_only:
                query = query.where(DocumentRow.is_latest)
            for text in session.scalars(query):
                yield Finding.model_validate(json.loads(text))


def _row(f: Finding, key: str, version: int, now: datetime) -> DocumentRow:
    d = f.doc
    return DocumentRow(
        doc_id=d.id,
        doc_key=key[:1024],
        version=version,
        is_latest=True,
        source=d.source,
        location=d.location[:256],
        source_id=d.source_id[:512] if d.source_id else None,
        url=d.url,
        title=d.title,
        platform=d.platform[:128] if d.platform else None,
        author=d.author[:512] if d.author else None,
        published=d.published,
        lang=d.lang,
        offer=f.offer,
        offer_score=f.offer_score,
        risk=f.risk,
        first_seen=now,
        last_seen=now,
        finding=json.dumps(f.to_json_dict(), ensure_ascii=False),
    )


def _substance_hits(f: Finding, document_pk: int) -> list[dict[str, Any]]:
    return [
        {
            "document_pk": document_pk,
            "substance_id": h.id,
            "name": h.name,
            "matched": h.matched,
            "start": h.span[0],
            "end": h.span[1],
            "category": h.category,
            "control": ",".join(h.control),
        }
        for h in f.substances
    ]


_NO_SPAN: list[tuple[int, int] | None] = [None]


def _selector_hits(f: Finding, document_pk: int) -> list[dict[str, Any]]:
    # One row per occurrence (a value found at no span, from a field, is one row with a
    # NULL span), so "where in this page" queries need no JSON; ``matched`` is the value
    # as first written.
    return [
        {
            "document_pk": document_pk,
            "type": s.type,
            "value": s.value[:1024],
            "matched": s.matched,
            "start": span[0] if span else None,
            "end": span[1] if span else None,
            "strength": s.strength,
        }
        for s in f.selectors
        for span in s.spans or _NO_SPAN
    ]
