"""A crawl's settings: what the CLI flags set, stored with the job so ``--resume`` reuses them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from narcwatch import __version__

MIB = 1024 * 1024
DEFAULT_TYPES = ("text/html", "text/plain", "application/xhtml+xml")
DEFAULT_USER_AGENT = f"narcwatch/{__version__} (+https://github.com/narcwatch/narcwatch)"


@dataclass
class CrawlSettings:
    # scope
    same_host: bool = True
    hosts: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_depth: int | None = None
    max_pages: int | None = None
    time_limit: float | None = None
    focus: bool = False
    # politeness and safety
    concurrency: int = 8
    per_host: int = 2
    delay: float = 1.0
    ignore_robots: bool = False
    proxy: str | None = None
    allow_addresses: list[str] = field(default_factory=list)
    user_agent: str = DEFAULT_USER_AGENT
    # limits
    max_bytes: int = 10 * MIB
    content_types: tuple[str, ...] = DEFAULT_TYPES
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_redirects: int = 10
    max_links: int = 2000  # links taken from one page
    analysis_workers: int = 0  # processes analysing pages; 0: in the crawler's process
    commit_every: int = 32  # pages per commit of WARC fsync, custody and store (sink.py)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["content_types"] = list(self.content_types)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlSettings:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "content_types" in values:
            values["content_types"] = tuple(values["content_types"])
        return cls(**values)
