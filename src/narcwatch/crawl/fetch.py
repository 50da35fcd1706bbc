"""Polite, bounded HTTP fetching on one ``httpx.AsyncClient`` (one cookie jar per crawl).

Per-host concurrency and delay, a global limit, retries with exponential backoff on
connection errors and 5xx, ``429`` honouring ``Retry-After`` (capped), connect/read/total
timeouts, a body limit counted on DECOMPRESSED bytes (gzip bombs stop at the limit), a
content-type filter, and redirects followed by hand with every hop re-checked.
"""

from __future__ import annotations

import asyncio
import email.utils
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import certifi
import httpcore
import httpx

from narcwatch.crawl.body import BodyError, BodyReader, archived_headers
from narcwatch.crawl.clock import SYSTEM_CLOCK, Clock
from narcwatch.crawl.config import CrawlSettings
from narcwatch.crawl.safety import AddressPolicy, GuardedBackend, UnsafeURLError

REDIRECTS = (301, 302, 303, 307, 308)
Checker = Callable[[str], Awaitable[str | None]]


@dataclass
class Exchange:
    """One HTTP request and its response, as archived."""

    url: str
    status: int
    reason: str
    http_version: str
    request_headers: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    captured_at: datetime
    content_type: str = ""

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class FetchResult:
    url: str
    response: Exchange | None = None
    redirects: list[Exchange] = field(default_factory=list)
    error: str | None = None
    skipped: str | None = None  # fetched but not wanted (content type)
    attempts: int = 0

    @property
    def final_url(self) -> str:
        return self.response.url if self.response else self.url


class Failed(Exception):
    """A request failed in a way retrying would not fix (timeouts, protocol errors)."""


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        self.reason = reason
        self.wait = wait
        super().__init__(reason)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with a connection pool whose every connection is judged first."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits) -> None:
        super().__init__(trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(cafile=certifi.where()),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )


def retry_after(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), cap))


class Fetcher:
    def __init__(
        self, settings: CrawlSettings, policy: AddressPolicy, *, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.clock = clock  # politeness delays and retry waits; not network timeouts
        limits = httpx.Limits(max_connections=max(settings.concurrency, 1) * 2)
        transport: httpx.AsyncBaseTransport
        if settings.proxy:
            transport = httpx.AsyncHTTPTransport(proxy=settings.proxy, trust_env=False)
        else:
            transport = GuardedTransport(policy, limits)
        self.client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self._global = asyncio.Semaphore(max(settings.concurrency, 1))
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._next: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}  # e.g. robots.txt Crawl-delay

    async def close(self) -> None:
        await self.client.aclose()

    async def fetch(
        self, url: str, check: Checker | None = None, *, types: tuple[str, ...] | None = None
    ) -> FetchResult:
        """GET ``url`` following redirects; ``check`` may refuse a hop (scope)."""
        result = FetchResult(url)
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            try:
                await self.policy.check(current)
                exchange = await self._with_retries(current, result, types)
            except UnsafeURLError as exc:
                result.error = str(exc)
                return result
            except BodyError as exc:
                result.error = str(exc)
                return result
            except _Retry as exc:
                result.error = exc.reason
                return result
            except Failed as exc:
                result.error = str(exc)
                return result
            if exchange.status not in REDIRECTS or not exchange.header("location"):
                result.response = exchange
                if 200 <= exchange.status < 300 and not _wanted(exchange, types, self.settings):
                    result.skipped = f"content type {exchange.content_type or '(none)'}"
                elif exchange.status >= 400:
                    result.error = f"HTTP {exchange.status}"
                return result
            result.redirects.append(exchange)
            target = str(httpx.URL(current).join(exchange.header("location") or ""))
            why = await check(target) if check else None
            if why:
                result.error = f"redirect to {target} refused: {why}"
                return result
            current = target
        result.error = f"more than {self.settings.max_redirects} redirects"
        return result

    async def _with_retries(
        self, url: str, result: FetchResult, types: tuple[str, ...] | None
    ) -> Exchange:
        s = self.settings
        for attempt in range(s.retries + 1):
            result.attempts += 1
            try:
                return await self._once(url, types, final=attempt == s.retries)
            except _Retry as exc:
                if attempt == s.retries:
                    raise
                wait = exc.wait if exc.wait is not None else s.backoff * 2**attempt
                await self.clock.sleep(wait)
        raise AssertionError("unreachable")

    async def _slot(self, host: str) -> None:
        """Wait for this host's turn (delay between request starts)."""
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            wait = self._next.get(host, 0.0) - self.clock.now()
            if wait > 0:
                await self.clock.sleep(wait)
            delay = max(self.settings.delay, self.host_delay.get(host, 0.0))
            self._next[host] = self.clock.now() + delay

    async def _once(self, url: str, types: tuple[str, ...] | None, *, final: bool) -> Exchange:
        host = httpx.URL(url).host
        sem = self._hosts.setdefault(host, asyncio.Semaphore(max(self.settings.per_host, 1)))
        async with sem, self._global:
            await self._slot(host)
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    exchange = await self._request(url, types)
            except TimeoutError:
                raise Failed(f"timed out after {self.settings.total_timeout:g} s") from None
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                raise _Retry(f"{type(exc).__name__}: {exc}") from None
            except httpx.TimeoutException as exc:
                raise Failed(f"timed out ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                raise Failed(f"{type(exc).__name__}: {exc}") from None
        if exchange.status == 429 or exchange.status >= 500:
            wait = retry_after(exchange.header("retry-after"), self.settings.max_retry_after)
            if exchange.status == 429 and wait is not None:
                self._next[host] = max(self._next.get(host, 0.0), self.clock.now() + wait)
            if not final:
                raise _Retry(f"HTTP {exchange.status}", wait)
        return exchange

    async def _request(self, url: str, types: tuple[str, ...] | None) -> Exchange:
        async with self.client.stream("GET", url) as resp:
            captured_at = datetime.now(UTC)
            ctype = resp.headers.get("content-type", "")
            exchange = Exchange(
                url=str(resp.url),
                status=resp.status_code,
                reason=resp.reason_phrase,
                http_version=resp.http_version,
                request_headers=list(resp.request.headers.multi_items()),
                headers=list(resp.headers.multi_items()),
                body=b"",
                captured_at=captured_at,
                content_type=ctype.split(";", 1)[0].strip().lower(),
            )
            ok = 200 <= resp.status_code < 300
            if ok and not _wanted(exchange, types, self.settings):
                return exchange  # not read: the caller skips it
            reader = BodyReader(
                url, resp.headers.get("content-encoding", ""), self.settings.max_bytes
            )
            reader.check_length(resp.headers.get("content-length"))
            async for chunk in resp.aiter_raw():
                reader.feed(chunk)
            exchange.body = reader.finish()
            exchange.headers = archived_headers(exchange.headers, reader.decoded)
            return exchange


def _wanted(exchange: Exchange, types: tuple[str, ...] | None, settings: CrawlSettings) -> bool:
    allowed = types if types is not None else settings.content_types
    return not allowed or "*" in allowed or exchange.content_type in allowed
