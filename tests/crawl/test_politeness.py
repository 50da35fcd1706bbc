"""What a site sees of the crawler (user agent, cookies, Crawl-delay, limits), error pages
kept as evidence, and the DNS-rebinding pin."""

from __future__ import annotations

import asyncio
import socket

import httpcore
import pytest

from narcwatch.crawl import CrawlSettings
from narcwatch.evidence import CustodyLog
from narcwatch.store.captures import CaptureRepository
from narcwatch.store.frontier import FrontierRepository

from .conftest import N_LISTINGS, N_PAGES, FakeClock, Site, crawl, crawl_on


def test_the_user_agent_is_sent_to_the_site_and_robots(site: Site, store, crawl_home, fast):
    fast.user_agent = "CaseBot/2.0 (unit 7)"
    fast.max_pages = 2
    crawl(crawl_home, [site.base + "/"], fast, job="ua")
    agents = {headers.get("user-agent") for _, _, headers in site.requests}
    assert agents == {"CaseBot/2.0 (unit 7)"}
    assert "/robots.txt" in {path for _, path, _ in site.requests}


def test_cookies_set_by_a_site_are_sent_back(site: Site, store, crawl_home, fast):
    fast.concurrency = fast.per_host = 1  # /members is fetched after /cookie
    summary = crawl(crawl_home, [site.base + "/cookie"], fast, job="c")
    assert summary.errors == 0 and summary.pages >= 2
    members = [h for _, p, h in site.requests if p == "/members"]
    assert members and "session=s3cr3t" in members[0].get("cookie", "")


def test_crawl_delay_in_robots_spaces_the_requests(site: Site, crawl_home, fast):
    # On the crawler's own clock (FakeClock: it moves only when the crawler waits), each
    # request after the first waits out the 0.3 s asked for: exact, whatever the load.
    site.robots = "User-agent: *\nCrawl-delay: 0.3\n"
    fast.max_pages = 4
    clock = FakeClock()
    crawl_on(clock, crawl_home, [site.base + "/"], fast, job="slow")
    pages = [p for _, p, _ in site.requests if p != "/robots.txt"]
    assert len(pages) >= 4  # 4 pages, maybe the image too
    waits = [w for w in clock.sleeps if w > 0]
    assert waits == pytest.approx([0.3] * (len(pages) - 1))
    assert clock.now() == pytest.approx(0.3 * (len(pages) - 1))


def test_without_a_crawl_delay_nothing_waits(site: Site, crawl_home, fast):
    fast.max_pages = 4
    clock = FakeClock()
    crawl_on(clock, crawl_home, [site.base + "/"], fast, job="quick")
    assert [w for w in clock.sleeps if w > 0] == [] and clock.now() == 0.0


def test_time_limit_stops_the_crawl_and_resume_goes_on(site: Site, store, crawl_home, fast):
    # 0.2 s between requests on the crawler's clock, a limit of 0.5 s: no new page starts
    # once three waits have passed, so the first run stops early whatever the load.
    site.robots = "User-agent: *\nCrawl-delay: 0.2\n"
    fast.time_limit = 0.5
    clock = FakeClock()
    first = crawl_on(clock, crawl_home, [site.base + "/"], fast, job="t")
    assert first.status == "stopped" and "--time-limit" in (first.stop_reason or "")
    assert 1 <= first.pages < N_LISTINGS
    assert first.elapsed == pytest.approx(clock.now()) and clock.now() >= 0.5
    second = crawl_on(FakeClock(), crawl_home, [], resume="t", overrides={"time_limit": None})
    assert second.status == "finished"
    # every page once in the two runs; this robots.txt disallows nothing (/private too)
    assert first.pages + second.pages == 1 + N_LISTINGS + N_PAGES + 1
    assert max(site.page_hits().values()) == 1


def test_error_pages_are_archived_as_evidence(site: Site, store, crawl_home, fast):
    summary = crawl(crawl_home, [site.base + "/seized"], fast, job="gone")
    assert summary.errors == 1 and summary.pages == 0
    (capture,) = CaptureRepository(store).all()
    (url,) = FrontierRepository(store, "gone").urls()
    assert capture.status == 410 and capture.doc_id is None
    assert url.state == "failed" and url.error == "HTTP 410"
    (entry,) = CustodyLog(crawl_home / "custody.jsonl").entries()
    assert entry.details["status"] == 410 and entry.details["offset"] == capture.offset


@pytest.mark.parametrize("commit_every", [1, 1000])
def test_batching_does_not_change_what_is_stored(site, store, crawl_home, fast, commit_every):
    fast.commit_every = commit_every
    summary = crawl(crawl_home, [site.base + "/"], fast, job="b")
    captures = [c.url for c in CaptureRepository(store).all()]
    assert summary.pages == len(captures) and len(set(captures)) == len(captures)
    assert len(CustodyLog(crawl_home / "custody.jsonl").entries()) == len(captures)


def test_analysis_in_a_worker_process_gives_the_same_findings(site, crawl_home, fast, tmp_path):
    # Every page of the site in both runs (no timeout can cut one short: `fast` keeps the
    # network timeouts far beyond any load), so the two runs must agree exactly.
    from narcwatch.store import Store

    results = []
    for workers in (0, 1):
        home = tmp_path / f"w{workers}"
        home.mkdir()
        fast.analysis_workers = workers
        summary = crawl(home, [site.base + "/"], fast, job="w")
        assert summary.errors == 0, summary.error_samples
        assert summary.pages == 1 + N_LISTINGS + N_PAGES
        with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store:
            findings = sorted((f.doc.url or "", f.offer, f.offer_score) for f in store.findings())
        results.append((summary.pages, summary.offers, findings))
    assert results[0] == results[1]


def test_a_name_that_rebinds_to_a_private_address_is_never_connected(monkeypatch, crawl_home):
    # First answer public (passes the URL check), second private (the connection): the
    # guard judges the address it connects to, so the switch is caught.
    answers = iter(["93.184.216.34", "10.0.0.5"])

    async def fake_getaddrinfo(self, host, port, *args, **kwargs):
        address = next(answers, "10.0.0.5")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected: list[str] = []

    async def no_connect(self, host, port, *args, **kwargs):
        connected.append(host)
        raise httpcore.ConnectError("no network in tests")

    monkeypatch.setattr("asyncio.base_events.BaseEventLoop.getaddrinfo", fake_getaddrinfo)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", no_connect)
    from narcwatch.crawl.fetch import Fetcher
    from narcwatch.crawl.safety import AddressPolicy

    settings = CrawlSettings(retries=0, delay=0.0)
    fetcher = Fetcher(settings, AddressPolicy())

    async def go():
        try:
            return await fetcher.fetch("http://rebind.example/")
        finally:
            await fetcher.close()

    result = asyncio.run(go())
    assert result.error and "private address 10.0.0.5" in result.error
    assert connected == []


@pytest.mark.parametrize(
    ("robots", "delay"),
    [
        ("User-agent: *\nCrawl-delay: 0.5\n", 0.5),
        ("User-agent: *\nCrawl-delay: 2\n", 2.0),
        ("User-agent: narcwatch\nCrawl-delay: 3\n\nUser-agent: *\nCrawl-delay: 1\n", 3.0),
        ("User-agent: googlebot\nCrawl-delay: 9\n\nUser-agent: *\nDisallow: /x\n", None),
        ("User-agent: *\nCrawl-delay: soon\n", None),
        ("", None),
    ],
)
def test_crawl_delay_is_read_with_decimals(robots: str, delay: float | None) -> None:
    from narcwatch.crawl.robots import crawl_delay

    assert crawl_delay(robots, "narcwatch") == delay


@pytest.fixture
def tls_site(site: Site, tmp_path):
    """The test site over HTTPS with a self-signed certificate (not trusted by anyone)."""
    import datetime as dt
    import ssl
    import threading
    from http.server import ThreadingHTTPServer

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from .conftest import Handler

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "tls.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    handler = type("TlsHandler", (Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_invalid_certificate_is_a_recorded_error(tls_site: str, store, crawl_home, fast):
    summary = crawl(crawl_home, [tls_site + "/"], fast, job="tls")
    assert summary.pages == 0 and summary.errors == 1
    sample = summary.error_samples[0]
    assert sample.url == tls_site + "/" and "CERTIFICATE_VERIFY_FAILED" in sample.error
