"""The workbench in a real browser: log in, triage with the keyboard, read a document's
highlights, share incidents across organisations, get an alert live, download a chart,
and hostile content that never runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests.web.conftest import XSS_VENDOR, Session

TIMEOUT = 20_000  # ms: an upper bound for slow shared CI machines, not a synchronisation


def test_login_logout_and_the_login_redirect(session: Session) -> None:
    page = session.page
    page.goto(session.url + "/queue")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fqueue$"))
    expect(page.get_by_label("E-mail")).to_be_visible()
    session.shot("login")
    page.get_by_label("E-mail").fill("ana@a.example")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    session.login("A")
    cookie = next(c for c in page.context.cookies() if c["name"] == "narcwatch_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(session.url + "/actors")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_a_post_without_the_csrf_token_is_refused(session: Session) -> None:
    session.login("A")
    doc = session.page.locator("table.queue tr[data-doc]").first.get_attribute("data-doc")
    response = session.page.request.post(
        f"{session.url}/review/{doc}", form={"decision": "confirm"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert response.status == 403


def test_triage_three_findings_with_the_keyboard(session: Session) -> None:
    page = session.page
    session.login("A")
    page.goto(session.url + "/queue?kind=drug&undecided=1")
    rows = page.locator("table.queue tr[data-doc]")
    expect(rows.first).to_be_visible()
    docs = [rows.nth(i).get_attribute("data-doc") for i in range(3)]
    page.keyboard.press("j")
    page.keyboard.press("k")  # back to the first
    for key, decision, i in (("c", "confirm", 0), ("d", "dismiss", 1), ("e", "escalate", 2)):
        page.keyboard.press(key)
        expect(rows.nth(i).locator(".badge")).to_have_text(decision, timeout=TIMEOUT)
    expect(rows.nth(3)).to_have_class(re.compile("current"))
    session.shot("queue")
    page.goto(session.url + "/queue?kind=drug")  # the decisions were stored
    for doc, decision in zip(docs, ("confirm", "dismiss", "escalate"), strict=True):
        expect(page.locator(f'tr[data-doc="{doc}"] .badge')).to_have_text(decision)
    export = page.request.get(session.url + "/review/export.jsonl")
    labels = {r["id"]: r["label"] for r in map(json.loads, export.text().splitlines())}
    assert labels[docs[0]] == "offer" and labels[docs[1]] == "not_offer"
    assert docs[2] not in labels  # escalated: no label yet


def test_a_document_shows_its_highlights_and_metadata(session: Session) -> None:
    page = session.page
    session.login("A")
    page.goto(session.url + "/queue?kind=drug&platform=telegram")
    page.locator("table.queue tr[data-doc] a").first.click()
    expect(page.get_by_role("heading", name="Text")).to_be_visible()
    expect(page.locator("mark.hl-substance").first).to_be_visible()
    expect(page.locator("mark.hl-price").first).to_be_visible()
    expect(page.locator("mark.hl-selector").first).to_be_visible()
    expect(page.get_by_text("Document SHA-256")).to_be_visible()
    session.shot("document")


def test_hostile_titles_vendors_and_captures_never_run(session: Session) -> None:
    page = session.page
    session.login("A")
    page.goto(session.url + "/queue?platform=evilmarket")
    link = page.locator("table.queue tr[data-doc] a").first
    expect(link).to_contain_text("<script>alert('title')</script>")  # shown as text
    expect(page.get_by_text(f"by {XSS_VENDOR}")).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text("<script>")
    # The imported hostile page, with its capture in the sandboxed frame.
    page.goto(session.url + "/queue?substance=cocaine")
    page.locator("table.queue tr[data-doc] a", has_text="Cocaine shop").first.click()
    frame = page.locator("iframe.capture")
    expect(frame).to_have_attribute("sandbox", "")
    expect(page.frame_locator("iframe.capture").locator("h1")).to_have_text("Buy cocaine 5g 80 EUR")
    session.shot("capture")  # headless chromium may shoot the sandboxed frame before it paints
    src = session.url + frame.get_attribute("src")
    capture = page.request.get(src)
    assert "default-src 'none'" in capture.headers["content-security-policy"]
    assert "sandbox" in capture.headers["content-security-policy"]
    # Opened on its own, the capture is still sandboxed by its CSP: inert, nothing loaded.
    page.goto(src)
    expect(page.locator("h1")).to_have_text("Buy cocaine 5g 80 EUR")
    session.shot("capture-alone")
    # session's teardown fails the test on any dialog or request outside 127.0.0.1


def test_an_actor_becomes_an_incident_shared_amber_with_b_not_red(
    session: Session, other_session: Session
) -> None:
    a, b = session, other_session
    a.login("A")
    a.page.goto(a.url + "/actors")
    # an actor of several documents (its documents column says how many)
    a.page.locator(
        "table tbody tr", has=a.page.locator("td.docs:not(:text-is('1'))")
    ).first.locator("a").click()
    expect(a.page.locator("svg.graph circle")).not_to_have_count(1)
    a.shot("actor")
    for tlp, title in (("AMBER", "Shared with AB"), ("RED", "Kept by A")):
        a.page.get_by_role("link", name="Create incident from this actor").click()
        expect(a.page.get_by_label("Selectors (TYPE:VALUE, one a line)")).not_to_be_empty()
        a.page.get_by_label("Title").fill(title)
        a.page.get_by_label("TLP").select_option(tlp)
        a.page.get_by_label("Sharing group").select_option("AB")
        if tlp == "AMBER":
            a.shot("incident-editor")
        a.page.get_by_role("button", name="Share incident").click()
        expect(a.page.locator("h1")).to_have_text(title)
        a.page.go_back()
        a.page.go_back()
    b.login("B")
    b.page.goto(b.url + "/incidents")
    expect(b.page.get_by_role("link", name="Shared with AB")).to_be_visible()
    expect(b.page.get_by_role("link", name="Kept by A")).to_have_count(0)
    b.shot("incidents-b")


def _share_first_actor(s: Session, title: str) -> str:
    """An incident (GREEN) from the first actor; its selectors, as the editor had them."""
    s.page.goto(s.url + "/actors")
    s.page.locator("table tbody tr a").first.click()
    s.page.get_by_role("link", name="Create incident from this actor").click()
    selectors = s.page.get_by_label("Selectors (TYPE:VALUE, one a line)").input_value()
    s.page.get_by_label("Title").fill(title)
    s.page.get_by_label("TLP").select_option("GREEN")
    s.page.get_by_role("button", name="Share incident").click()
    expect(s.page.locator("h1")).to_have_text(title)
    return selectors


def test_a_correlation_alert_arrives_live(session: Session, other_session: Session) -> None:
    a, b = session, other_session
    a.login("A")
    selectors = _share_first_actor(a, "A watches this seller")
    asked: list[str] = []
    a.page.on("request", lambda r: asked.append(r.url))
    a.page.goto(a.url + "/alerts")
    table = a.page.locator("#alerts")
    # The inbox listens on the stream (EventSource, by the session cookie) and never polls.
    expect(table).to_have_attribute("data-live", "sse", timeout=TIMEOUT)
    rows = a.page.locator("#alerts tbody tr:not(.empty)")
    before = rows.count()
    b.login("B")  # B sees none of A's home's findings: it writes the seller's selectors
    _share_selectors(b, "B saw the same seller", selectors)
    # A's open inbox shows it without a reload, pushed over the stream.
    expect(rows).not_to_have_count(before, timeout=TIMEOUT)
    new = a.page.locator("#alerts tbody tr.new").first
    expect(new).to_contain_text("A watches this seller")
    expect(new).to_contain_text("B saw the same seller")
    expect(a.page.locator("#alerts-status")).to_have_text(re.compile(r"new alert"))
    assert any("/alerts/stream?after=" in url for url in asked)
    assert not [url for url in asked if "/alerts.json" in url], "the inbox polled"
    a.shot("alerts")
    # "Ask B" on the alert: a thread with B about the match
    new.get_by_role("link", name="Ask B").click()
    a.page.get_by_label("Message to B").fill("Is this seller yours too?")
    a.page.get_by_role("button", name="Send message").click()
    expect(a.page.locator(".thread .message .body")).to_have_text(["Is this seller yours too?"])
    a.shot("alert-thread")


def test_a_chart_downloads_as_csv(session: Session) -> None:
    page = session.page
    session.login("A")
    page.get_by_role("link", name="Dashboards").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    session.shot("dashboard")
    with page.expect_download() as info:
        page.locator('a[href="/dashboard/offers-by-substance.csv"]').click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[0] == "day" and "cocaine" in header


def _share_selectors(s: Session, title: str, selectors: str) -> None:
    """An incident (GREEN) written in the editor by hand: these selectors."""
    s.page.goto(s.url + "/incidents/new")
    s.page.get_by_label("Title").fill(title)
    s.page.get_by_label("Selectors (TYPE:VALUE, one a line)").fill(selectors)
    s.page.get_by_label("TLP").select_option("GREEN")
    s.page.get_by_role("button", name="Share incident").click()
    expect(s.page.locator("h1")).to_have_text(title)
