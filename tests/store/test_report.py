import json

import pytest

from narcwatch.render.report import REPORT_FORMATS, render_report
from narcwatch.store.report import build_report
from tests.store.test_store import finding


@pytest.fixture
def filled(store):
    store.save(
        [
            finding(1, offer=True, published="2024-06-01T10:00:00Z"),
            finding(2, offer=True, published="2024-06-01T11:00:00Z", platform="reddit"),
            finding(3, published="2024-06-02T10:00:00Z"),
            finding(4, source_id="v", published="2024-06-02T10:00:00Z"),
            finding(5, source_id="v", offer=True, published="2024-06-03T10:00:00Z"),  # new version
        ]
    )
    return store


def test_report_figures(filled):
    r = build_report(filled, top=5)
    assert (r.totals.documents, r.totals.versions, r.totals.offers) == (4, 5, 3)
    assert {(p.platform, p.documents, p.offers) for p in r.by_platform} == {
        ("telegram", 3, 2),
        ("reddit", 1, 1),
    }
    assert [(d.day, d.documents) for d in r.by_published_day] == [
        ("2024-06-01", 2),
        ("2024-06-02", 1),
        ("2024-06-03", 1),
    ]
    assert sum(d.documents for d in r.by_stored_day) == 4  # every document, by scan day
    (sub,) = r.top_substances
    assert (sub.id, sub.documents, sub.offers) == ("heroin", 4, 3)
    top = {(s.value, s.documents, s.platforms) for s in r.top_selectors}
    assert top == {("shop1", 3, 1), ("shop0", 1, 1)}


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_every_format_renders(filled, fmt):
    out = render_report(build_report(filled), fmt)
    if fmt == "json":
        assert json.loads(out)["totals"]["documents"] == 4
    elif fmt == "markdown":
        assert "| id | name | documents | offers |" in out and "| heroin | Heroin | 4 | 3 |" in out
    else:
        assert "Top selectors" in out and "heroin" in out


def test_empty_store(store):
    r = build_report(store)
    assert r.totals.documents == 0
    assert r.by_published_day == r.by_stored_day == [] and r.top_substances == []


def test_documents_without_a_platform_count_as_one_platform(store):
    store.save([finding(1, platform=None), finding(2, platform=None), finding(3)])
    r = build_report(store)
    assert {(p.platform, p.documents) for p in r.by_platform} == {(None, 2), ("telegram", 1)}
    assert r.totals.platforms == 2  # the unknown one and telegram
    assert all(s.platforms >= 1 for s in r.top_selectors)


def test_table_never_cuts_a_long_selector(store):
    """Piped tables were cut at 80 columns; the report's at 120."""
    wallet = "4" + "A" * 94  # as long as a Monero address
    f = finding(1)
    f.selectors[0] = f.selectors[0].model_copy(update={"value": wallet})
    store.save([f])
    out = render_report(build_report(store), "table")
    assert "…" not in out and any(wallet in line for line in out.splitlines())
    narrow = render_report(build_report(store), "table", width=60)
    assert "…" not in narrow and wallet not in narrow  # folded on a narrow terminal, not cut


def test_undated_documents_are_counted_by_the_day_stored_only(store):
    """An old dated listing is not counted today, and an undated post is not given a
    publication day: the two calendars are reported apart, labelled."""
    store.save([finding(1, published="2017-03-04T00:00:00Z"), finding(2, published=None)])
    r = build_report(store)
    assert [(d.day, d.documents) for d in r.by_published_day] == [("2017-03-04", 1)]
    assert sum(d.documents for d in r.by_stored_day) == 2
    assert "2017-03-04" not in {d.day for d in r.by_stored_day}
    table = render_report(r, "table")
    assert "By day published" in table and "By day stored" in table
