"""The review queue's country filter and the market dashboards (offers per country,
substances seen for the first time, price per gram) through the jobs, the pages, their
CSV and SVG, and the review API; names from listings are drawn inert."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narcwatch.jobs import market, review
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.server.app import create_app
from narcwatch.store.countries import countries_of
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery staple"
XSS_MARKET = "<script>alert('market')</script>mkt"


@pytest.fixture
def scanned(cli, home: Path, tmp_path: Path) -> Context:
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(
        json.dumps({"id": "m-1", "platform": XSS_MARKET, "author": "k", "created": 1718000000,
                    "text": "Ketamine 10g for 200 EUR, ships from Belgium. "
                            "Call +32 470 12 34 56"}) + "\n", encoding="utf-8")  # fmt: skip
    for source in (str(EXAMPLES), str(hostile)):
        assert cli("scan", source, "--include-text", "-q", "-o", "/dev/null").code == 0
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as share:
        share.create_org("A")
        share.create_user("ana@a.example", "A", "analyst", PASSWORD)
    return ctx


def _docs(ctx: Context, **where: object) -> set[str]:
    page = review.queue_job(ctx, review.QueueFilter(**where), limit=500)  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return {i.doc_id for i in page.items}


def test_a_finding_s_countries_come_from_its_origin_column_and_phone_numbers() -> None:
    listing = {"doc": {"fields": {"Ships From": "the Netherlands", "destination": "France"}}}
    assert countries_of(listing) == {"NL"}
    assert countries_of({"doc": {"fields": {"origin": "uk"}}}) == {"GB"}
    assert countries_of({"doc": {"fields": {"origin": "Worldwide"}}}) == set()
    phones = {"doc": {}, "selectors": [{"type": "phone", "value": "+33612345678"},
                                       {"type": "handle", "value": "+49 not a phone"}]}  # fmt: skip
    assert countries_of(phones) == {"FR"}


def test_the_queue_keeps_a_country(scanned: Context) -> None:
    everything = _docs(scanned)
    dutch = _docs(scanned, country="NL")
    french = _docs(scanned, country="FR")
    assert dutch and french and dutch < everything and not dutch & french
    assert _docs(scanned, country="BE") and _docs(scanned, country="BE") <= _docs(
        scanned, substance="ketamine"
    )
    assert _docs(scanned, country="NL", kind="talk") == set()
    assert _docs(scanned, country="AQ") == set()
    page = review.queue_job(scanned, review.QueueFilter(country="NL"), limit=1, offset=1)
    assert page.total == 2 and len(page.items) == 1


def test_offers_per_country(scanned: Context) -> None:
    series = review.offers_over_time(scanned, "country")
    assert {"NL", "FR", "BE", "GB"} <= set(series.keys)
    nl = sum(p.offers for p in series.points if p.key == "NL")
    assert nl == len(_docs(scanned, country="NL"))


def _login(client: TestClient) -> None:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"email": "ana@a.example", "password": PASSWORD, "csrf": csrf})


def _auth(client: TestClient) -> dict[str, str]:
    login = {"email": "ana@a.example", "password": PASSWORD}
    return {"Authorization": "Bearer " + client.post("/api/v1/login", json=login).json()["token"]}


def test_the_page_and_the_api_take_a_country(scanned: Context) -> None:
    with TestClient(create_app(ctx=scanned)) as client:
        _login(client)
        page = client.get("/queue", params={"country": "nl"})
        assert page.status_code == 200 and 'name="country"' in page.text
        assert "Peruvian flake cocaine" in page.text and "Amnesia Haze" not in page.text
        assert client.get("/queue", params={"country": "NLD"}).status_code == 422
        api = client.get("/api/v1/review/queue", params={"country": "FR", "limit": 500},
                         headers=_auth(client))  # fmt: skip
        assert {i["doc_id"] for i in api.json()["items"]} == _docs(scanned, country="FR")
        offers = client.get("/api/v1/review/offers", params={"by": "country"},
                            headers=_auth(client))  # fmt: skip
        assert offers.status_code == 200 and "NL" in offers.json()["keys"]
        rows = list(csv.reader(io.StringIO(client.get("/dashboard/offers-by-country.csv").text)))
        assert rows[0][0] == "day" and "NL" in rows[0]


def test_substances_first_seen_newest_first(scanned: Context) -> None:
    new = market.first_seen_job(scanned, limit=500)
    days = [i.first_day for i in new.items]
    assert days == sorted(days, reverse=True)
    ketamine = next(i for i in new.items if i.substance == "ketamine")
    assert ketamine.first_day == "2024-06-10" and ketamine.documents >= 1
    tropanes = market.first_seen_job(scanned, family="tropane")
    assert {i.substance for i in tropanes.items} == {"cocaine"}


def test_prices_per_gram(scanned: Context) -> None:
    prices = market.gram_prices(scanned)
    rows = {(i.substance, i.market, i.currency): i for i in prices.items}
    assert rows["ketamine", XSS_MARKET, "EUR"].per_gram == 20.0  # 200 EUR for 10 g
    assert rows["cocaine", "telegram", "EUR"].low == 60.0  # "1 gramo 60€"
    assert rows["cocaine", "telegram", "EUR"].high == 80.0  # "coke 80€ le g"
    assert rows["pmk-ethyl-glycidate", "(none)", "USD"].per_gram == 0.35  # 350 USD per kg
    assert 0 < prices.priced <= prices.with_both <= prices.offers
    only = market.gram_prices(scanned, family="tropane")
    assert {i.substance for i in only.items} == {"cocaine"}


def test_market_charts_download_and_names_stay_inert(scanned: Context) -> None:
    with TestClient(create_app(ctx=scanned)) as client:
        _login(client)
        board = client.get("/dashboard")
        assert board.status_code == 200
        assert XSS_MARKET not in board.text and "&lt;script&gt;" in board.text
        for chart in ("first-seen", "price-per-gram", "offers-by-country"):
            assert f'data-svg="/dashboard/{chart}.svg"' in board.text
            svg = client.get(f"/dashboard/{chart}.svg")
            assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg")
            assert "<script" not in svg.text
        rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/price-per-gram.csv").text)))
        ket = next(r for r in rows if r["substance"] == "ketamine")
        assert ket["market"] == XSS_MARKET and float(ket["per_gram"]) == 20.0
        new = list(csv.DictReader(io.StringIO(client.get("/dashboard/first-seen.csv").text)))
        assert new[0].keys() == {"substance", "name", "first_day", "documents"}
        tropanes = client.get("/dashboard/first-seen.csv", params={"family": "tropane"})
        assert tropanes.text.splitlines()[1].startswith("cocaine,Cocaine,2024-06-01,")
        auth = _auth(client)
        api = client.get("/api/v1/review/prices", headers=auth).json()
        assert api["offers"] == market.gram_prices(scanned).offers
        first = client.get("/api/v1/review/first-seen", params={"limit": 3}, headers=auth)
        assert len(first.json()["items"]) == 3
        assert client.get("/api/v1/review/prices").status_code == 401
