"""What a crawl may visit: hosts, URL patterns, depth, pages, time; and URL canonical form.

Canonical URLs (lowercase scheme and host, no fragment, no default port, sorted query,
``/`` for an empty path) are the frontier's keys, so one page is fetched once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from narcwatch.errors import UsageError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def canonicalize(url: str, base: str | None = None) -> str | None:
    """The canonical form of ``url`` (resolved against ``base``), or None if not http(s)."""
    try:
        if base is not None:
            url = urljoin(base, url.strip())
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        netloc = f"{userinfo}@{netloc}"  # kept so the safety check can refuse it
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, path, query, ""))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


@dataclass
class Scope:
    """Rules a URL must pass to enter the frontier.

    ``same_host``: only the seeds' hosts (plus ``hosts``); otherwise any host, unless
    ``hosts`` lists some. ``include``: at least one pattern must match (when given);
    ``exclude``: none may match.
    """

    same_host: bool = True
    hosts: set[str] = field(default_factory=set)
    include: list[re.Pattern[str]] = field(default_factory=list)
    exclude: list[re.Pattern[str]] = field(default_factory=list)
    max_depth: int | None = None
    max_pages: int | None = None
    time_limit: float | None = None

    @classmethod
    def build(
        cls,
        seeds: Iterable[str],
        *,
        same_host: bool = True,
        hosts: Iterable[str] = (),
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        max_depth: int | None = None,
        max_pages: int | None = None,
        time_limit: float | None = None,
    ) -> Scope:
        allowed = {h.lower().rstrip(".") for h in hosts if h.strip()}
        if same_host:
            allowed |= {host_of(s) for s in seeds if host_of(s)}
        return cls(
            same_host=same_host,
            hosts=allowed,
            include=[_compile(p, "--include") for p in include],
            exclude=[_compile(p, "--exclude") for p in exclude],
            max_depth=max_depth,
            max_pages=max_pages,
            time_limit=time_limit,
        )

    def refuse(self, url: str, depth: int = 0) -> str | None:
        """Why ``url`` at ``depth`` is out of scope, or None."""
        if self.max_depth is not None and depth > self.max_depth:
            return f"deeper than --max-depth {self.max_depth}"
        if self.hosts and host_of(url) not in self.hosts:
            return f"host {host_of(url)!r} is out of scope"
        if self.include and not any(p.search(url) for p in self.include):
            return "matches no --include pattern"
        for pattern in self.exclude:
            if pattern.search(url):
                return f"matches --exclude {pattern.pattern!r}"
        return None


def _compile(pattern: str, option: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UsageError(f"{option} {pattern!r} is not a valid regular expression: {exc}") from None
