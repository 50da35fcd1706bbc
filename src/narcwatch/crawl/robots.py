"""robots.txt per origin, fetched through the same guarded client, honoured by default.

RFC 9309: a 4xx robots.txt allows everything; an unreachable one (5xx, network error)
disallows everything for that origin. ``Crawl-delay`` raises the host's delay (capped).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from narcwatch.crawl.fetch import Fetcher

log = logging.getLogger(__name__)
MAX_CRAWL_DELAY = 60.0


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Robots:
    def __init__(self, fetcher: Fetcher, *, agent: str = "narcwatch", ignore: bool = False):
        self.fetcher = fetcher
        self.agent = agent
        self.ignore = ignore
        self._rules: dict[str, RobotFileParser] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        if ignore:
            log.warning("robots.txt is ignored (--ignore-robots): crawl only where permitted")

    async def allowed(self, url: str) -> bool:
        if self.ignore:
            return True
        key = origin(url)
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._rules:
                self._rules[key] = await self._load(key)
        return self._rules[key].can_fetch(self.agent, url)

    async def _load(self, key: str) -> RobotFileParser:
        parser = RobotFileParser(f"{key}/robots.txt")
        result = await self.fetcher.fetch(f"{key}/robots.txt", types=("*",))
        status = result.response.status if result.response else None
        if status is not None and 200 <= status < 300:
            text = result.response.body.decode("utf-8", "replace") if result.response else ""
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(self.agent)
            if delay:
                host = urlsplit(key).hostname or ""
                self.fetcher.host_delay[host] = min(float(delay), MAX_CRAWL_DELAY)
        elif status is not None and 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            log.warning("robots.txt of %s unreachable (%s): not crawling it", key, result.error)
            parser.parse(["User-agent: *", "Disallow: /"])
        return parser
