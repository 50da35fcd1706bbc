"""Crawling the local site: archives, custody, store, resume, robots and hostile servers."""

from __future__ import annotations

import pytest
from warcio.archiveiterator import ArchiveIterator

from narcwatch.evidence import CustodyLog, verify_warc
from narcwatch.store import Store
from narcwatch.store.captures import CaptureRepository
from narcwatch.store.frontier import FrontierRepository, FrontierUrl

from .conftest import N_LISTINGS, N_PAGES, Site, crawl


def urls(store: Store, job: str) -> dict[str, FrontierUrl]:
    rows = FrontierRepository(store, job).urls()
    return {r.url.split(":", 2)[2].split("/", 1)[1]: r for r in rows}


def test_crawl_archives_analyses_and_stores(site: Site, store, crawl_home, fast):
    summary = crawl(crawl_home, [site.base + "/"], fast, job="site")
    expected = 1 + N_LISTINGS + N_PAGES
    assert summary.pages == expected
    assert summary.status == "finished"
    assert summary.offers >= N_LISTINGS
    # each page fetched once: fragments and query order canonicalized away
    assert max(site.page_hits().values()) == 1
    assert "/private/secret" not in site.hits and "/logo.png" in site.hits
    # WARC readable by warcio and verified
    warcs = sorted((crawl_home / "archive" / "site").glob("*.warc.gz"))
    assert warcs and all(verify_warc(w).ok for w in warcs)
    with warcs[0].open("rb") as fh:
        types = [r.rec_type for r in ArchiveIterator(fh)]
    assert types.count("response") == expected and "metadata" in types
    # custody chain
    log = CustodyLog(crawl_home / "custody.jsonl")
    assert log.verify().ok and len(log.entries()) == expected
    # findings and captures linked by document id
    docs = {f.doc.id: f for f in store.findings()}
    caps = CaptureRepository(store).all()
    assert len(caps) == expected
    assert all(c.doc_id in docs and c.kind == "crawl" and c.job == "site" for c in caps)
    listing = next(f for f in docs.values() if f.doc.url and f.doc.url.endswith("/listing/3"))
    assert listing.offer and listing.doc.platform == "127.0.0.1"
    rows = urls(store, "site")
    assert rows["private/secret"].state == "skipped"
    assert "robots" in (rows["private/secret"].error or "")
    assert rows["logo.png"].state == "skipped"


def test_a_site_profile_fills_the_listing_fields(site: Site, store, crawl_home, fast):
    crawl(crawl_home, [site.base + "/product"], fast, job="profile")
    (finding,) = store.findings()
    assert finding.doc.title == "Alprazolam 2mg x 100" and finding.doc.author == "rx_direct"
    fields = finding.to_json_dict()["doc"]["fields"]
    assert {"price": "180", "currency": "EUR"}.items() <= fields.items()
    assert fields["profile"] == "schema-org-product"


def test_resume_after_a_kill_fetches_nothing_twice(site: Site, store, crawl_home, fast):
    fast.concurrency = 1
    pages: list[int] = []

    class Killed(Exception):
        pass

    def kill_after_five(progress) -> None:
        pages.append(progress.pages)
        if progress.pages >= 5:
            raise Killed

    with pytest.raises(Killed):  # raised as itself, not inside an ExceptionGroup
        crawl(crawl_home, [site.base + "/"], fast, job="k", progress=kill_after_five)
    # nothing was fetched but the five pages the first run archived
    assert sum(site.page_hits().values()) == 5
    summary = crawl(crawl_home, [], resume="k")
    assert summary.pages == N_LISTINGS + N_PAGES + 1 - 5
    assert max(site.page_hits().values()) == 1
    assert verify_warc(next((crawl_home / "archive" / "k").glob("*.warc.gz"))).ok
    assert CustodyLog(crawl_home / "custody.jsonl").verify().ok


def test_max_pages_then_resume_with_more(site: Site, store, crawl_home, fast):
    fast.max_pages = 4
    first = crawl(crawl_home, [site.base + "/"], fast, job="m")
    assert first.pages == 4 and first.status == "stopped" and first.queued > 0
    second = crawl(crawl_home, [], resume="m", overrides={"max_pages": 6})
    assert second.pages == 6  # limits are per run: up to 6 more
    assert max(site.page_hits().values()) == 1


def test_a_resumed_job_carries_on_with_its_own_limit(site: Site, store, crawl_home, fast):
    """Was: `crawl --resume` after a `--max-pages 2` stop did nothing unless --max-pages
    was given again."""
    fast.max_pages = 2
    first = crawl(crawl_home, [site.base + "/"], fast, job="c")
    assert first.pages == 2 and first.stop_reason == "--max-pages 2"
    second = crawl(crawl_home, [], resume="c")
    assert second.pages == 2  # two more, none twice
    assert sum(site.page_hits().values()) == 4 and max(site.page_hits().values()) == 1


def test_ignore_robots_fetches_disallowed_pages(site: Site, store, crawl_home, fast):
    fast.ignore_robots = True
    crawl(crawl_home, [site.base + "/private/secret"], fast, job="r")
    assert site.hits["/private/secret"] == 1 and "/robots.txt" not in site.hits


def test_robots_disallow_all(site: Site, store, crawl_home, fast):
    site.robots = "User-agent: *\nDisallow: /\n"
    summary = crawl(crawl_home, [site.base + "/"], fast, job="r")
    assert summary.pages == 0 and summary.skipped == 1 and site.page_hits() == {}


def hostile(store, crawl_home, fast, site: Site, path: str, job: str) -> FrontierUrl:
    crawl(crawl_home, [site.base + path], fast, job=job)
    return urls(store, job)[path.lstrip("/")]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/redirect-private", "link-local address 169.254.169.254"),
        ("/loop/0", "more than 3 redirects"),
        ("/storm/1", "HTTP 503"),
        ("/big", "larger than max_bytes"),
        ("/bomb", "decompressed body larger than max_bytes"),
        ("/drip", "timed out"),
    ],
)
def test_hostile_servers_give_recorded_errors(site, store, crawl_home, fast, path, error):
    fast.max_redirects = 3
    fast.same_host = False
    if path == "/drip":  # a byte every 0.1 s for 10 s: a 1 s budget runs out whatever the load
        fast.total_timeout, fast.read_timeout = 1.0, 0.5
    row = hostile(store, crawl_home, fast, site, path, "h")
    assert row.state == "failed"
    assert error in (row.error or "")


def test_5xx_storm_is_retried_then_recorded(site: Site, store, crawl_home, fast):
    row = hostile(store, crawl_home, fast, site, "/storm/2", "s")
    assert site.hits["/storm/2"] == fast.retries + 1
    assert row.status == 503


def test_429_with_retry_after_is_retried(site: Site, store, crawl_home, fast):
    row = hostile(store, crawl_home, fast, site, "/limited", "l")
    assert row.state == "done" and site.hits["/limited"] == 2


def test_redirect_inside_scope_is_followed_and_archived(site: Site, store, crawl_home, fast):
    fast.max_depth = 0
    row = hostile(store, crawl_home, fast, site, "/redirect-home", "rh")
    assert row.state == "done"
    warc = next((crawl_home / "archive" / "rh").glob("*.warc.gz"))
    with warc.open("rb") as fh:
        statuses = [
            r.http_headers.get_statuscode() for r in ArchiveIterator(fh) if r.rec_type == "response"
        ]
    assert statuses == ["302", "200"]


@pytest.mark.parametrize("path", ["/charset", "/malformed", "/gzipped"])
def test_awkward_pages_are_still_read(site: Site, store, crawl_home, fast, path):
    fast.max_depth = 0
    row = hostile(store, crawl_home, fast, site, path, "a")
    assert row.state == "done"
    findings = list(store.findings())
    assert len(findings) == 1 and findings[0].substances
    if path == "/charset":
        # UTF-8 body despite "charset=iso-8859-1": no mojibake, the euro price is read
        assert any(p.currency == "EUR" and p.amount == 80 for p in findings[0].prices)
    assert verify_warc(next((crawl_home / "archive" / "a").glob("*.warc.gz"))).ok
