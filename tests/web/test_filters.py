"""The review queue and the dashboards filtered by substance family and control status:
the knowledge base says which substances those are, the store keeps the findings naming
one; the same through the pages, their CSV and the review API."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narcwatch.errors import UsageError
from narcwatch.jobs import review
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.server.app import create_app
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery staple"


@pytest.fixture
def scanned(cli, home: Path) -> Context:
    assert cli("scan", str(EXAMPLES), "--include-text", "-q", "-o", "/dev/null").code == 0
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as share:
        share.create_org("A")
        share.create_user("ana@a.example", "A", "analyst", PASSWORD)
    return ctx


def _docs(ctx: Context, substance: str | None = None, **kw: str) -> set[str]:
    where = review.QueueFilter(substance=substance)
    return {i.doc_id for i in review.queue_job(ctx, where, limit=500, **kw).items}


def test_families_and_control_statuses_come_from_the_knowledge_base(scanned: Context) -> None:
    tropanes = review.substances_of(scanned, family="tropane")
    assert tropanes is not None and "cocaine" in tropanes
    single = review.substances_of(scanned, control="1961")
    assert {"cocaine", "heroin", "fentanyl"} <= single and "mdma" not in single
    assert "ketamine" in review.substances_of(scanned, control="national")  # US list only
    assert "cocaine" not in review.substances_of(scanned, control="none")
    both = review.substances_of(scanned, family="amphetamine", control="1971")
    assert "mdma" in both and "cocaine" not in both
    assert review.substances_of(scanned) is None
    with pytest.raises(UsageError):
        review.substances_of(scanned, control="schedule-9")
    assert "tropane" in review.families_stored(scanned)


def test_the_queue_and_the_charts_keep_a_family_and_a_control_status(scanned: Context) -> None:
    everything = _docs(scanned)
    tropane = _docs(scanned, family="tropane")
    assert _docs(scanned, substance="cocaine") <= tropane < everything
    single = _docs(scanned, control="1961")
    assert tropane <= single < everything
    assert _docs(scanned, family="tropane", control="none") == set()
    assert _docs(scanned, family="no-such-family") == set()
    series = review.offers_over_time(scanned, "substance", control="1961")
    assert "cocaine" in series.keys and "mdma" not in series.keys
    allowed = review.substances_of(scanned, control="1961") or set()
    assert set(series.keys) <= allowed


def test_the_pages_and_the_api_take_the_filters(scanned: Context) -> None:
    with TestClient(create_app(ctx=scanned)) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        client.post("/login", data={"email": "ana@a.example", "password": PASSWORD,
                                    "csrf": csrf})  # fmt: skip
        queue = client.get("/queue", params={"family": "tropane", "control": "1961"})
        assert queue.status_code == 200
        assert '<option value="tropane" selected>' in queue.text
        assert '<option value="1961" selected>' in queue.text
        assert client.get("/queue", params={"control": "bogus"}).status_code == 422
        board = client.get("/dashboard", params={"control": "1971"})
        assert 'href="/dashboard/offers-by-substance.csv?control=1971"' in board.text
        assert 'data-svg="/dashboard/offers-by-platform.svg?control=1971"' in board.text
        rows = client.get("/dashboard/offers-by-substance.csv", params={"control": "1961"})
        header = next(csv.reader(io.StringIO(rows.text)))
        assert "cocaine" in header and "mdma" not in header
        login = {"email": "ana@a.example", "password": PASSWORD}
        token = client.post("/api/v1/login", json=login).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        api = client.get("/api/v1/review/queue", params={"family": "tropane", "limit": 500},
                         headers=auth)  # fmt: skip
        assert {i["doc_id"] for i in api.json()["items"]} == _docs(scanned, family="tropane")
        offers = client.get("/api/v1/review/offers", params={"control": "1971"}, headers=auth)
        assert offers.status_code == 200 and "cocaine" not in offers.json()["keys"]
        bad = client.get("/api/v1/review/queue", params={"control": "x"}, headers=auth)
        assert bad.status_code == 422
