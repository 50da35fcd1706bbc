"""Bearer tokens and the per-token rate limit.

Each request's ``Authorization: Bearer <token>`` is checked against the store (one
indexed lookup of the token's SHA-256) by :meth:`ShareService.authenticate`; the token
itself is never logged. The rate limit is a token bucket per API token (keyed by the
token's hash) and per client address for logins, kept in each worker process: a limit
of R requests a minute allows bursts of R and refills R/60 a second.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from narcwatch.jobs.share import Caller, ShareService

__all__ = ["RateLimited", "RateLimiter", "caller", "service"]

bearer = HTTPBearer(auto_error=False, description="An API token from `narcwatch admin "
                    "create-token` or `POST /api/v1/login`.")  # fmt: skip


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limit exceeded; retry in {retry_after} s")


class RateLimiter:
    """Token buckets by key; the least recently used are forgotten past ``max_keys``."""

    def __init__(
        self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:  # fmt: skip
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Take one request from ``key``'s bucket, or raise :class:`RateLimited`."""
        if self.rate <= 0:
            return
        with self._lock:
            now = self.clock()
            level, then = self._buckets.pop(key, (self.burst, now))
            level = min(self.burst, level + (now - then) * self.rate)
            if level < 1.0:
                self._buckets[key] = (level, now)
                raise RateLimited(max(1, math.ceil((1.0 - level) / self.rate)))
            self._buckets[key] = (level - 1.0, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)


# Both dependencies are coroutines: FastAPI runs a plain function dependency in a worker
# thread, and those hops were a third of a read's CPU. A caller the service remembers is
# found without I/O on the event loop; only a lookup in the store goes to a thread.
async def service(request: Request) -> ShareService:
    svc: ShareService = request.app.state.service
    return svc


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    svc: Annotated[ShareService, Depends(service)],
) -> Caller:
    """The authenticated caller (401 otherwise), within its rate limit (429)."""
    token = credentials.credentials if credentials else None
    if not token:
        return svc.authenticate(token)  # raises: no token
    request.app.state.limiter.hit("t:" + hashlib.sha256(token.encode()).hexdigest())
    known = svc.remembered_caller(token)
    if known is not None:
        return known
    found: Caller = await run_in_threadpool(svc.authenticate, token)
    return found
