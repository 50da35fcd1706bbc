"""Crawl speed (issue 7): narcwatch crawl next to Scrapy on the same local site, one run.

    .venv/bin/python benchmarks/bench_crawl.py [--pages 20000]

Serves a generated site of ``--pages`` listing pages (each ~1 KB of listing text with a
price, a wallet and links to 5 other pages) from a threaded HTTP server on 127.0.0.1 in a
separate process, then crawls it, each crawler in its own process:

* narcwatch: `narcwatch crawl` with WARC writing, custody log, analysis and store on,
  robots.txt obeyed, no delay, 16 requests at once;
* Scrapy (installed only in ``benchmarks/.peers-venv``, never a narcwatch dependency):
  a spider following every link with the same concurrency and no delay, parsing each page
  with its selectors and keeping nothing (so it does strictly less work than narcwatch).

Prints pages/s, and peak RSS for narcwatch at a quarter and at the whole of the site.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / "benchmarks" / ".peers-venv"

SPIDER = """
import scrapy, sys
class S(scrapy.Spider):
    name = "bench"
    start_urls = [sys.argv[1]]
    count = 0
    def parse(self, response):
        S.count += 1
        response.css("title::text").get()
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse)
from scrapy.crawler import CrawlerProcess
p = CrawlerProcess({"CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True,
    "TELNETCONSOLE_ENABLED": False})
p.crawl(S)
import time; t = time.perf_counter(); p.start()
print(S.count, time.perf_counter() - t)
"""


def _page(n: int, total: int) -> bytes:
    links = "".join(f"<a href='/l/{(n * 7 + k * 131) % total}'>offer {k}</a> " for k in range(5))
    return (
        f"<html><head><title>Listing {n}</title></head><body><h1>Cocaine 90% {n % 50 + 1}g"
        f"</h1><p>Uncut flake, tested, {80 + n % 40} EUR per gram, stealth shipping EU, "
        f"escrow or BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq. Vendor vendor{n % 300}, "
        f"contact wickr vendor{n % 300}. {'Lorem ipsum dolor sit amet. ' * 20}</p>{links}"
        f"</body></html>"
    ).encode()


def _serve(total: int, port: mp.Value) -> None:  # type: ignore[type-arg]
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            elif self.path == "/":
                body, ctype = _page(0, total), "text/html"
            elif self.path.startswith("/l/"):
                body, ctype = _page(int(self.path[3:]), total), "text/html"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port.value = server.server_address[1]
    server.serve_forever()


def _narcwatch(base: str, max_pages: int, commit_every: int, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from narcwatch.crawl import CrawlSettings, run_crawl
    from narcwatch.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store = Store.open(f"sqlite:///{home / 'n.db'}")
        settings = CrawlSettings(
            concurrency=16,
            per_host=16,
            delay=0.0,
            allow_addresses=["127.0.0.1"],
            max_pages=max_pages,
            commit_every=commit_every,
        )
        start = time.perf_counter()
        summary = run_crawl(store, home, [base + "/"], settings, job="bench")
        took = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out.put((summary.pages, took, rss))


def _run_narcwatch(base: str, max_pages: int, commit_every: int) -> tuple[int, float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_narcwatch, args=(base, max_pages, commit_every, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument(
        "--commit-every", type=int, default=32, help="narcwatch pages per commit (1: strict)"
    )
    args = parser.parse_args()
    port = mp.Value("i", 0)
    server = mp.get_context("fork").Process(target=_serve, args=(args.pages, port), daemon=True)
    server.start()
    while not port.value:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port.value}"
    try:
        quarter = _run_narcwatch(base, args.pages // 4, args.commit_every)
        pages, took, rss = _run_narcwatch(base, args.pages, args.commit_every)
        print(
            f"narcwatch: {pages:,} pages in {took:.1f} s = {pages / took:,.0f} pages/s "
            f"(WARC, custody, analysis, store; --commit-every {args.commit_every}); "
            f"peak RSS {quarter[2]:.0f} MB at {quarter[0]:,} pages, {rss:.0f} MB at {pages:,}"
        )
        python = PEERS / "bin" / "python"
        if not (PEERS / "bin" / "scrapy").exists():
            print("scrapy: not installed (benchmarks/.peers-venv/bin/pip install scrapy)")
            return
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
            fh.write(SPIDER)
        done = subprocess.run(
            [str(python), fh.name, base + "/"], capture_output=True, text=True, check=True
        )
        count, seconds = done.stdout.strip().splitlines()[-1].split()
        scrapy_pages, scrapy_s = int(count), float(seconds)
        print(
            f"scrapy:    {scrapy_pages:,} pages in {scrapy_s:.1f} s = "
            f"{scrapy_pages / scrapy_s:,.0f} pages/s (parse and follow links only)"
        )
        print(f"narcwatch / scrapy pages/s: {(pages / took) / (scrapy_pages / scrapy_s):.2f}")
    finally:
        server.terminate()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
