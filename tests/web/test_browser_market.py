"""The market dashboards and the interactive actor graph in a real browser: the new
charts render and download as CSV and PNG; a graph node answers a click and the
keyboard (neighbours highlighted, details shown), and the view pans and zooms."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests.web.conftest import Session

TIMEOUT = 20_000  # ms: an upper bound for slow shared CI machines, not a synchronisation
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("chart", "name", "header"),
    [
        ("first-seen", "substances seen for the first time",
         ["substance", "name", "first_day", "documents"]),
        ("price-per-gram", "prices per gram",
         ["substance", "market", "currency", "per_gram", "low", "high", "findings"]),
        ("offers-by-country", "offers by country", None),
    ],
)  # fmt: skip
def test_market_charts_render_and_download(
    session: Session, chart: str, name: str, header: list[str] | None
) -> None:
    page = session.page
    session.login("A")
    page.get_by_role("link", name="Dashboards").click()
    expect(page.locator(f"svg.chart[aria-labelledby='chart-title-{chart.split('-by-')[-1]}']"))\
        .to_be_visible()  # fmt: skip
    if chart == "price-per-gram":
        session.shot("dashboard-market")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.locator(f'a[href="/dashboard/{chart}.csv"]').click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    if header:
        assert rows[0] == header
    else:
        assert rows[0][0] == "day" and "NL" in rows[0]
    assert len(rows) > 1
    if chart == "price-per-gram":
        cocaine = [r for r in rows[1:] if r[0] == "cocaine"]
        assert cocaine and all(float(r[3]) > 0 for r in cocaine)
    button = page.get_by_role("button", name=f"PNG of {name}")
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    assert info.value.suggested_filename == f"{chart}.png"
    assert Path(info.value.path()).read_bytes().startswith(PNG)


def _open_actor(session: Session) -> object:
    page = session.page
    session.login("A")
    page.goto(session.url + "/actors")
    page.locator("table tbody tr", has=page.locator("td.docs:not(:text-is('1'))")).first.locator(
        "a"
    ).click()
    graph = page.locator("svg.graph[data-ready='1']")
    expect(graph).to_be_visible()
    return graph


def test_a_graph_node_answers_a_click(session: Session) -> None:
    page = session.page
    graph = _open_actor(session)
    url = page.url
    selector = graph.locator("g.node[data-kind='linking selector']").first
    selector.locator("rect").click()  # the square itself
    expect(graph).to_have_attribute("data-selected", re.compile(r"^s\d+$"))
    expect(selector).to_have_class(re.compile(r"\bselected\b"))
    expect(graph.locator("a.node.near").first).to_be_visible()  # its documents
    details = page.locator("#graph-details")
    expect(details.locator("h3")).to_contain_text("selector ")
    expect(details).to_contain_text("neighbour(s)")
    document = graph.locator("a.node").first
    document.locator("circle").click()  # selects the document instead of leaving the page
    expect(graph).to_have_attribute("data-selected", "d0")
    assert page.url == url
    expect(details.get_by_role("link", name="Open this document")).to_be_visible()
    session.shot("actor-graph")


def test_the_graph_by_keyboard(session: Session) -> None:
    page = session.page
    graph = _open_actor(session)
    node = graph.locator("g.node").first
    node.focus()
    page.keyboard.press("Enter")
    expect(graph).to_have_attribute("data-selected", re.compile(r"^s\d+$"))
    expect(page.locator("#graph-status")).to_contain_text("selected")
    first = page.locator("#graph-details li button").first
    neighbour = first.text_content()
    first.press("Enter")  # to a neighbour from the details
    expect(page.locator("#graph-details h3")).to_have_text(neighbour or "")
    page.keyboard.press("Escape")
    expect(graph).not_to_have_attribute("data-selected", re.compile(".+"))
    graph.focus()
    page.keyboard.press("+")
    expect(graph).to_have_attribute("data-zoom", "1.25")
    before = graph.get_attribute("viewBox")
    page.keyboard.press("ArrowRight")
    expect(graph).not_to_have_attribute("viewBox", before or "")
    page.keyboard.press("0")
    expect(graph).to_have_attribute("data-zoom", "1.00")
    page.get_by_role("button", name="Zoom out").click()
    expect(graph).to_have_attribute("data-zoom", "0.80")
