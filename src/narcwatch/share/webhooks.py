"""Webhooks: each organisation's alerts POSTed to its URL, signed, retried with backoff.

A delivery is one POST of an ``AlertPage`` (up to ``batch`` alerts, oldest first) with

    X-Narcwatch-Timestamp: <unix seconds>
    X-Narcwatch-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

so the receiver checks the body came from the server and is recent (:func:`verify`).
A 2xx answer moves the webhook's cursor past those alerts; anything else, or no answer,
leaves it where it was and the next try waits 10 s, 20 s, 40 s ... up to an hour. The
alerts are read with the organisation's own visibility, like every read.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from narcwatch.results.share import AlertPage, WebhookRun
from narcwatch.store.alerts import AlertRepository
from narcwatch.store.visibility import Visibility
from narcwatch.store.webhooks import WebhookRepository

__all__ = ["SIGNATURE", "TIMESTAMP", "backoff", "deliver", "sign", "verify"]

SIGNATURE = "X-Narcwatch-Signature"
TIMESTAMP = "X-Narcwatch-Timestamp"
BASE_DELAY = timedelta(seconds=10)
MAX_DELAY = timedelta(hours=1)

Post = Callable[[str, bytes, dict[str, str]], int]  # url, body, headers -> HTTP status


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a receiver runs: whether ``signature`` is the server's for this body."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure in a row."""
    return min(MAX_DELAY, BASE_DELAY * (2 ** max(0, min(attempts - 1, 20))))


def deliver(
    hooks: WebhookRepository,
    alerts: AlertRepository,
    visibility_of: Callable[[str], Visibility],
    post: Post,
    now: datetime,
    *,
    batch: int = 100,
) -> WebhookRun:
    """Deliver the pending alerts of every webhook that is due."""
    run = WebhookRun()
    for hook in hooks.due(now, visibility=Visibility()):
        items = alerts.page(visibility=visibility_of(hook.org), after=hook.cursor, limit=batch)
        if not items:
            continue
        body = AlertPage(items=items).model_dump_json().encode()
        stamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP: str(stamp),
            SIGNATURE: sign(hook.secret, stamp, body),
        }
        try:
            status = post(hook.url, body, headers)
            error = None if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:  # httpx's and the socket's errors
            error = f"{type(exc).__name__}: {exc}"
        if error is None:
            hooks.delivered(hook.id, items[-1].id)
            run.delivered += len(items)
        else:
            attempts = hook.attempts + 1
            hooks.failed(hook.id, attempts, now + backoff(attempts), error)
            run.failed += 1
    return run
