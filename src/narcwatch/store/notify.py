"""New alerts, signalled as they are stored, so alert streams need not poll for them.

:class:`AlertSignal` (one per :class:`~narcwatch.store.Store`) calls its subscribers
after every transaction that stored alerts: a stream in the same process wakes at once.
On PostgreSQL the same transaction also sends ``NOTIFY narcwatch_alerts``, and an
:class:`AlertListener` in each server process turns the notifications from every
process (other workers, other servers on the database, ``narcwatch sync pull``) into
the same call. Streams still look every ``--poll`` seconds, so a lost connection or a
missed notification delays an alert, never loses it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

__all__ = ["CHANNEL", "AlertListener", "AlertSignal", "notify_alerts"]

log = logging.getLogger("narcwatch.store")
CHANNEL = "narcwatch_alerts"


def notify_alerts(session: Session) -> None:
    """Inside the transaction that stores alerts: PostgreSQL delivers the notification
    when (and only if) it commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class AlertSignal:
    """Subscribers called (in the storing thread) after alerts were stored."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on new alerts; returns the function that unsubscribes."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def fire(self) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback()
            except Exception:  # a subscriber's failure must not fail the write
                log.exception("alert subscriber failed")


class AlertListener:
    """A daemon thread that LISTENs on PostgreSQL and fires ``signal`` on each
    notification; it reconnects after an error (firing once on reconnecting, for what
    it missed). Nothing to do on other databases: :meth:`start` says so."""

    def __init__(self, engine: Engine, signal: AlertSignal, *, retry_seconds: float = 2.0):
        self.engine, self.signal, self.retry_seconds = engine, signal, retry_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while a LISTEN connection is open

    def start(self) -> bool:
        if self.engine.dialect.name != "postgresql":
            return False
        self._thread = threading.Thread(target=self._run, name="narcwatch-listen", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        conninfo = self.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:
                        self.signal.fire()
                    first = False
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=1.0, stop_after=1):
                            self.signal.fire()
            except psycopg.Error as exc:  # the database went away: try again
                self.listening.clear()
                log.warning("alert listener lost PostgreSQL (%s); reconnecting", exc)
                self._stop.wait(self.retry_seconds)
        self.listening.clear()
