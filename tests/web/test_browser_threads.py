"""In a real browser: a message thread between two organisations on a shared incident
(a third sees nothing), hostile message bodies that stay text, the alerts inbox where
the event stream cannot be opened, and a chart saved as PNG."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests.web.conftest import Session

TIMEOUT = 20_000  # ms: an upper bound for slow shared CI machines, not a synchronisation
HOSTILE = "<script>alert('msg')</script><img src=x onerror=alert('msg2')> Is he still selling?"
PNG = b"\x89PNG\r\n\x1a\n"


def _share_with_ab(s: Session, title: str, selectors: str | None = None) -> str:
    """An incident from the first actor (A, of the home organisation) or of these
    ``selectors`` written by hand (B sees no findings), TLP:AMBER to group AB; its path."""
    if selectors is None:
        s.page.goto(s.url + "/actors")
        s.page.locator("table tbody tr a").first.click()
        s.page.get_by_role("link", name="Create incident from this actor").click()
    else:
        s.page.goto(s.url + "/incidents/new")
        s.page.get_by_label("Selectors (TYPE:VALUE, one a line)").fill(selectors)
    s.page.get_by_label("Title").fill(title)
    s.page.get_by_label("TLP").select_option("AMBER")
    s.page.get_by_label("Sharing group").select_option("AB")
    s.page.get_by_role("button", name="Share incident").click()
    expect(s.page.locator("h1")).to_have_text(title)
    return re.sub(r"^https?://[^/]+", "", s.page.url).split("#")[0]


def test_a_thread_between_two_organisations_and_none_for_a_third(
    session: Session, other_session: Session, third_session: Session
) -> None:
    a, b, c = session, other_session, third_session
    a.login("A")
    path = _share_with_ab(a, "Seller we both watch")
    b.login("B")
    b.page.goto(b.url + path)
    b.page.get_by_label("Message to A").fill(HOSTILE)
    b.page.get_by_role("button", name="Send message").click()
    body = b.page.locator("#thread-B .message .body")
    expect(body).to_have_text(HOSTILE)  # shown as written: text, not markup
    expect(b.page.locator(".thread img, .thread script")).to_have_count(0)
    b.shot("incident-thread-b")

    a.page.reload()  # the owner reads B's thread and answers it
    expect(a.page.locator("#thread-B .message .body")).to_have_text(HOSTILE)
    a.page.get_by_label("Reply to B").fill("Yes: same wallet since May.")
    a.page.get_by_role("button", name="Send reply").click()
    expect(a.page.locator("#thread-B .message .body").last).to_have_text(
        "Yes: same wallet since May."
    )
    a.shot("incident-thread-a")
    b.page.reload()
    expect(b.page.locator("#thread-B .message .body")).to_have_text(
        [HOSTILE, "Yes: same wallet since May."], timeout=TIMEOUT
    )

    c.login("C")  # outside the group: the incident and its thread do not exist for C
    csrf = c.page.locator("#main").get_attribute("data-csrf")
    response = c.page.goto(c.url + path)
    assert response is not None and response.status == 404
    expect(c.page.get_by_role("heading", name="Not found")).to_be_visible()
    assert "Seller we both watch" not in c.page.content()
    posted = c.page.request.post(c.url + path + "/messages", form={"body": "hi", "csrf": csrf})
    assert posted.status == 404 and HOSTILE not in posted.text()
    # each session's teardown fails the test on any dialog or request leaving 127.0.0.1


def test_the_inbox_polls_only_where_the_stream_cannot_be_opened(
    session: Session, other_session: Session
) -> None:
    a, b = session, other_session
    a.login("A")
    a.page.goto(a.url + "/actors")
    a.page.locator("table tbody tr a").first.click()
    a.page.get_by_role("link", name="Create incident from this actor").click()
    selectors = a.page.get_by_label("Selectors (TYPE:VALUE, one a line)").input_value()
    _share_with_ab(a, "A's seller, inbox without a stream")
    # As behind a proxy that refuses event streams: EventSource gives up (CLOSED).
    a.page.route("**/alerts/stream*", lambda route: route.fulfill(status=503, body="no"))
    a.page.goto(a.url + "/alerts")
    table = a.page.locator("#alerts")
    expect(table).to_have_attribute("data-live", "poll", timeout=TIMEOUT)
    rows = a.page.locator("#alerts tbody tr.new")
    expect(rows).to_have_count(0)
    b.login("B")
    _share_with_ab(b, "B's seller, the same one", selectors)
    expect(rows.first).to_contain_text("B's seller, the same one", timeout=TIMEOUT)


def test_a_chart_downloads_as_png(session: Session) -> None:
    page = session.page
    session.login("A")
    page.get_by_role("link", name="Dashboards").click()
    button = page.get_by_role("button", name="PNG of offers by substance")
    expect(button).to_be_visible()
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    assert info.value.suggested_filename == "offers-by-substance.png"
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(PNG)
    width, height = struct.unpack(">II", data[16:24])  # IHDR: the SVG's viewBox, twice
    assert (width, height) == (1800, 640)
    expect(page.locator("#chart-status")).to_have_text("offers-by-substance.png saved")
