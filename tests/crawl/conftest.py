"""A real HTTP server on 127.0.0.1 (random port, own thread) serving a generated market site,
plus hostile endpoints: redirects to private addresses and in circles, 429, 5xx storms,
oversized bodies, gzip bombs, slow drips, wrong charsets, broken HTML."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from narcwatch.crawl import CrawlSettings
from narcwatch.crawl.jobs import run_crawl
from narcwatch.crawl.summary import CrawlSummary
from narcwatch.jobs.context import Context
from narcwatch.jobs.crawl import crawl_job, executor_factory
from narcwatch.settings import database_url
from narcwatch.store import Store

N_LISTINGS = 20
N_PAGES = 8
WALLET = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
DRUGS = ["MDMA pills 120mg", "Cocaine 1g 90% pure", "Ketamine crystal 5g", "LSD tabs 150ug"]
_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def _html(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body>{body}</body></html>"
    ).encode()


def listing(n: int) -> bytes:
    drug = DRUGS[n % len(DRUGS)]
    return _html(
        f"Listing {n}",
        f"<h1>{drug} - vendor{n}</h1><p>{drug}, 10 pcs for {40 + n} EUR. Stealth shipping "
        f"worldwide, escrow accepted.</p><p>Pay BTC {WALLET} or XMR. Contact on wickr: "
        f"vendor_{n}</p><a href='/listing/{(n + 1) % N_LISTINGS}'>next offer</a> "
        f"<a href='/'>home</a> <a href='/listing/{n}#reviews'>reviews</a>",
    )


PRODUCT = (
    b"<html><body><div itemscope itemtype='https://schema.org/Product'>"
    b"<h1 itemprop='name'>Alprazolam 2mg x 100</h1><div itemprop='seller' itemscope>"
    b"<span itemprop='name'>rx_direct</span></div><p itemprop='description'>No prescription "
    b"needed, ships worldwide.</p><div itemprop='offers' itemscope><span itemprop='price' "
    b"content='180'>EUR 180</span><meta itemprop='priceCurrency' content='EUR'></div></div>"
    b"</body></html>"
)


def index() -> bytes:
    links = "".join(f"<li><a href='/listing/{i}'>offer {i}</a></li>" for i in range(N_LISTINGS))
    pages = "".join(f"<a href='/page/{i}?b=2&a=1'>page {i}</a> " for i in range(N_PAGES))
    return _html(
        "Market",
        f"<h1>Welcome to the market</h1><ul>{links}</ul><p>{pages}</p>"
        "<a href='/private/secret'>staff</a> <a href='mailto:x@y.z'>mail</a>"
        "<a href='http://10.0.0.1/admin'>router</a> <a href='/logo.png'>logo</a>",
    )


_NOT_PAGES = ("/robots.txt", "/logo.png")

# Two shop pages of one seller (same e-mail, same wallet) under different names: the
# crawl must link them into one actor. The third has a French number without +33.
SHOP_MAIL = "lotus.shop@protonmail.com"
SHOP_WALLET = "bc1q9h6yzs4u9f4z0j3u6r5d6n8k2p7w3s5t8v0x4c"
PHONE_PAGE = _html(
    "Contact",
    "<p>MDMA pills 120mg, 10 pcs for 50 EUR, cocaine 1g for 80 EUR. Shipping in France. "
    "Call or text: tel 06 12 34 56 78</p>",
)


def shop(name: str, other: str) -> bytes:
    return _html(
        f"Shop {name}",
        f"<h1>{name} - MDMA and cocaine</h1><p>MDMA pills 120mg, 10 pcs for 45 EUR, cocaine "
        f"1g for 85 EUR. Stealth shipping. Order by e-mail {SHOP_MAIL}, pay BTC {SHOP_WALLET}"
        f"</p><a href='/shop/{other}'>our other shop</a>",
    )


class Site:
    """What the server serves and what it saw (hits per path)."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.robots = "User-agent: *\nDisallow: /private/\n"
        self.port = 0
        self.requests: list[tuple[float, str, dict[str, str]]] = []  # time, path, headers

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hit(self, path: str, headers: dict[str, str] | None = None) -> int:
        with self.lock:
            self.requests.append((time.monotonic(), path, headers or {}))
            self.hits[path] += 1
            return self.hits[path]

    def page_hits(self) -> Counter[str]:
        """Hits on HTML pages (not robots.txt, not the image, which is fetched and skipped)."""
        return Counter({p: n for p, n in self.hits.items() if p not in _NOT_PAGES})


class Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send(302, b"", headers={"Location": location})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        n = self.site.hit(path, {k.lower(): v for k, v in self.headers.items()})
        parts = path.strip("/").split("/")
        if path == "/":
            self.send(200, index())
        elif path == "/robots.txt":
            self.send(200, self.site.robots.encode(), "text/plain")
        elif parts[0] == "listing" and len(parts) == 2:
            self.send(200, listing(int(parts[1])))
        elif parts[0] in ("page", "private"):
            self.send(200, _html(path, f"<p>Forum page {path}</p><a href='/'>home</a>"))
        elif path == "/logo.png":
            self.send(200, b"\x89PNG....", "image/png")
        elif path == "/redirect-private":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/redirect-home":
            self.redirect("/listing/3")
        elif parts[0] == "loop":
            self.redirect(f"/loop/{int(parts[1]) + 1}")
        elif path == "/limited":
            if n == 1:
                self.send(429, b"slow down", "text/plain", {"Retry-After": "1"})
            else:
                self.send(200, listing(7))
        elif parts[0] == "storm":
            self.send(503, b"unavailable", "text/plain")
        elif path == "/big":
            self.send(200, b"<p>" + b"a" * 300_000 + b"</p>")
        elif path == "/bomb":
            self.send(200, _BOMB, headers={"Content-Encoding": "gzip"})
        elif path == "/gzipped":
            self.send(200, gzip.compress(listing(5)), headers={"Content-Encoding": "gzip"})
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                return
        elif path == "/charset":
            body = "<p>Kokain 1g für 80€ – Versand weltweit, Zahlung per BTC</p>".encode()
            self.send(200, body, "text/html; charset=iso-8859-1")
        elif path == "/malformed":
            self.send(
                200,
                b"<html><body><div><p>Ketamine 5g <b>cheap<table><tr><td>buy</p"
                b"</i></div><a href='/listing/1'>x</a><<<>>\x00\xff<script>",
            )
        elif path == "/product":
            self.send(200, PRODUCT)
        elif path == "/cookie":
            body = _html("Login", "<p>Welcome</p><a href='/members'>members</a>")
            self.send(200, body, headers={"Set-Cookie": "session=s3cr3t; Path=/"})
        elif path == "/members":
            if "session=s3cr3t" in (self.headers.get("Cookie") or ""):
                self.send(200, listing(2))
            else:
                self.send(403, _html("Forbidden", "<p>log in first</p>"))
        elif parts[0] == "shop" and len(parts) == 2:
            self.send(200, shop(parts[1], "b" if parts[1] == "a" else "a"))
        elif path == "/phone":
            self.send(200, PHONE_PAGE)
        elif path == "/seized":
            body = _html("Seized", "<h1>This hidden site has been seized</h1>")
            self.send(410, body)
        else:
            self.send(404, b"not found", "text/plain")


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()
    handler = type("BoundHandler", (Handler,), {"site": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fast() -> CrawlSettings:
    """Settings for tests: no delays, few retries, loopback allowed. Timeouts stay far
    from what a loaded machine (``pytest -n``) may take to answer: a page that times out
    would change what a test counts. The slow-drip test sets short ones itself."""
    return CrawlSettings(
        allow_addresses=["127.0.0.1"],
        delay=0.0,
        backoff=0.0,
        retries=2,
        max_retry_after=0.05,
        total_timeout=60.0,
        read_timeout=30.0,
        connect_timeout=30.0,
        concurrency=4,
        per_host=4,
        max_bytes=256 * 1024,
    )


@pytest.fixture
def crawl_home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def store(crawl_home: Path) -> Iterator[Store]:
    with Store.open(database_url(None, crawl_home)) as s:
        yield s


class FakeClock:
    """A crawler clock that moves only when the crawler waits on it: each ``sleep`` moves
    it on at once by the time asked. Politeness waits of one host are taken one at a time
    (under the host's lock), so on this clock they add up exactly, whatever the load."""

    def __init__(self) -> None:
        self.time = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += max(seconds, 0.0)
        await asyncio.sleep(0)


def context(home: Path, **pipeline: object) -> Context:
    """The Context a crawl of ``home`` runs in (no environment, no settings file)."""
    return Context.build(home=home, environ={}, **pipeline)


def crawl(
    home: Path, seeds: list[str], settings: CrawlSettings | None = None, **kwargs: object
) -> CrawlSummary:
    """``narcwatch crawl`` as the front doors run it: the crawl job in ``home``'s Context
    (archive, custody log, store, pipeline), linking afterwards unless ``link=False``."""
    return crawl_job(context(home), seeds, settings, **kwargs)  # type: ignore[arg-type]


def crawl_on(
    clock: FakeClock,
    home: Path,
    seeds: list[str],
    settings: CrawlSettings | None = None,
    **kwargs: object,
) -> CrawlSummary:
    """The crawl itself (no link step) with its politeness and time limits on ``clock``."""
    ctx = context(home)
    with ctx.open_store() as store:
        return run_crawl(
            store,
            seeds,
            settings,
            archive=ctx.archive_root,
            custody=ctx.custody(),
            executor=executor_factory(ctx),
            clock=clock,
            **kwargs,  # type: ignore[arg-type]
        )
