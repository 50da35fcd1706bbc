"""The browser tests' world: a temporary home filled by scanning and importing
``examples/`` (plus hostile records written here), two organisations A and B in a
sharing group and a third C, a real ``narcwatch serve --home-org A`` on 127.0.0.1 (A's
users see the findings; B's and C's see only incidents and alerts), and one headless
Debian chromium for the whole session.

Every page a test opens fails the test if a dialog opens (a script ran) or a request
leaves 127.0.0.1 (those are aborted and recorded). Screenshots go to
``test-artefacts/web/``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from tests.conftest import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
ARTEFACTS = ROOT / "test-artefacts" / "web"
PASSWORD = "correct horse battery staple"
USERS = {"A": "ana@a.example", "B": "bo@b.example", "C": "cy@c.example"}

# Hostile listing fields and a hostile captured page: none of it may ever run.
XSS_TITLE = "<script>alert('title')</script>Cocaine 5g <img src=x onerror=alert('t2')>"
XSS_VENDOR = "<img src=x onerror=alert('vendor')>"
XSS_PAGE = """<!doctype html><html><head><title><script>alert('head')</script>Cocaine shop</title>
<script>alert('page')</script><link rel="stylesheet" href="http://203.0.113.7/x.css"></head>
<body onload="alert('body')"><h1>Buy cocaine 5g 80 EUR</h1>
<img src="http://203.0.113.7/pixel.png" onerror="alert('img')">
<svg xmlns="http://www.w3.org/2000/svg" onload="alert('svg')"><script>alert('svg2')</script></svg>
<iframe src="http://203.0.113.7/frame"></iframe>
<p>Contact wickr: xss_vendor_777, BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq</p>
</body></html>
"""


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)  # CI installs it (.ci/run): missing there is a failure
    pytest.skip(reason)


def _narcwatch(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "narcwatch", *args, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip


@pytest.fixture(scope="session")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("web") / "home"
    hostile = home.parent / "hostile"
    hostile.mkdir()
    (hostile / "listings.jsonl").write_text(
        json.dumps({"id": "x-1", "platform": "evilmarket", "author": XSS_VENDOR,
                    "title": XSS_TITLE, "created": 1717243200,
                    "text": "Cocaine 5g for 80 EUR <svg onload=alert('text')>, wickr "
                            "xss_vendor_777"}) + "\n", encoding="utf-8")  # fmt: skip
    (hostile / "shop.html").write_text(XSS_PAGE, encoding="utf-8")
    _narcwatch("scan", str(EXAMPLES), "--home", str(home), "--include-text", "-o", os.devnull)
    _narcwatch(
        "import", str(EXAMPLES / "market-capture.warc.gz"), str(hostile), "--home", str(home)
    )
    with ShareService.open(Context.build(home=home)) as share:
        for org, email in USERS.items():
            share.create_org(org, f"desk@{org.lower()}.example")
            share.create_user(email, org, "analyst", PASSWORD)
        share.create_group("AB", ["A", "B"])
    return home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(web_home: Path) -> Iterator[str]:
    """``narcwatch serve`` on a free port; its URL once /api/v1/health answers."""
    port = _free_port()
    log = (web_home.parent / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "narcwatch", "serve", "--home", str(web_home), "--port",
         str(port), "--poll", "0.2", "--home-org", "A"], stdout=log, stderr=subprocess.STDOUT,
        cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a bound on start-up, not a synchronisation
        while True:
            if proc.poll() is not None:
                raise RuntimeError((web_home.parent / "serve.log").read_text())
            try:
                if httpx.get(url + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # polling a condition: the port is not open yet
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Watch:
    """What must never happen on a page: dialogs (a script ran) and requests elsewhere."""

    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.dialogs == [], f"a script ran: {self.dialogs}"
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"


@dataclass
class Session:
    page: object
    url: str
    watch: Watch

    def login(self, org: str) -> None:
        from playwright.sync_api import expect

        page = self.page
        page.goto(self.url + "/login")  # type: ignore[attr-defined]
        page.get_by_label("E-mail").fill(USERS[org])  # type: ignore[attr-defined]
        page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
        page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()  # type: ignore[attr-defined]

    def shot(self, name: str, *, full_page: bool = True) -> None:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = str(ARTEFACTS / f"{name}.png")
        self.page.screenshot(path=path, full_page=full_page)  # type: ignore[attr-defined]


@pytest.fixture
def session(browser, server: str) -> Iterator[Session]:
    """A fresh browser context (no cookies) at a 1366x768 laptop's size."""
    yield from _session(browser, server)


@pytest.fixture
def other_session(browser, server: str) -> Iterator[Session]:
    """A second, independent analyst's browser."""
    yield from _session(browser, server)


@pytest.fixture
def third_session(browser, server: str) -> Iterator[Session]:
    """A third analyst's browser (organisation C, outside the sharing group)."""
    yield from _session(browser, server)


def _session(browser, server: str) -> Iterator[Session]:
    watch = Watch()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)

    def guard(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            watch.outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()

    def dialog(d) -> None:  # type: ignore[no-untyped-def]
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        yield Session(page=page, url=server, watch=watch)
        watch.assert_clean()
    finally:
        context.close()
