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


def crawl_delay(text: str, agent: str) -> float | None:
    """The ``Crawl-delay`` for ``agent`` (its own group first, else ``*``), in seconds.

    urllib's parser reads whole seconds only and drops ``Crawl-delay: 0.5``, a common
    value; this reads decimals too."""
    found: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key in ("allow", "disallow", "crawl-delay", "request-rate"):
            in_rules = True
            if key == "crawl-delay":
                try:
                    seconds = float(value)
                except ValueError:
                    continue
                if seconds >= 0:
                    for name in agents:
                        found.setdefault(name, seconds)
    name = agent.split("/", 1)[0].lower()
    own = [v for k, v in found.items() if k != "*" and k in name]
    return own[0] if own else found.get("*")


class Robots:
    def __init__(self, fetcher: Fetcher, *, agent: str = "narcwatch", ignore: bool = False):
        self.fetcher = fetcher
        self.agent = agent
        self.ignore = ignore
        self._rules: dict[str, RobotFileParser] = {}
        self._unreachable: dict[str, str] = {}  # origin -> why its robots.txt could not be read
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

    def unreachable(self, url: str) -> str | None:
        """Why the robots.txt of ``url``'s site could not be read (TLS, connection, 5xx):
        the real reason its pages are not crawled."""
        return self._unreachable.get(origin(url))

    async def _load(self, key: str) -> RobotFileParser:
        parser = RobotFileParser(f"{key}/robots.txt")
        result = await self.fetcher.fetch(f"{key}/robots.txt", types=("*",))
        status = result.response.status if result.response else None
        if status is not None and 200 <= status < 300:
            text = result.response.body.decode("utf-8", "replace") if result.response else ""
            parser.parse(text.splitlines())
            delay = crawl_delay(text, self.agent)
            if delay:
                host = urlsplit(key).hostname or ""
                self.fetcher.host_delay[host] = min(float(delay), MAX_CRAWL_DELAY)
        elif status is not None and 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            log.warning("robots.txt of %s unreachable (%s): not crawling it", key, result.error)
            self._unreachable[key] = result.error or f"HTTP {status}"
            parser.parse(["User-agent: *", "Disallow: /"])
        return parser
