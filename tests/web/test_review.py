"""The review jobs and the UI's protections, without a browser: queue filters, audited
decisions, the labelled export ``narcwatch eval`` reads, sessions, CSRF, headers."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narcwatch.errors import AccessError
from narcwatch.jobs import review
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.results.review import Decision, OfferPoint, OfferSeries
from narcwatch.server.app import create_app
from narcwatch.web.charts import stacked_bars
from narcwatch.web.highlight import segments
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery staple"


@pytest.fixture
def scanned(cli, home: Path) -> Context:
    assert cli("scan", str(EXAMPLES), "--include-text", "-q", "-o", "/dev/null").code == 0
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as share:
        share.create_org("A")
        share.create_user("ana@a.example", "A", "analyst", PASSWORD)
        share.create_user("rita@a.example", "A", "reader", PASSWORD)
    return ctx


def test_the_queue_filters_and_sorts(scanned: Context) -> None:
    everything = review.queue_job(scanned, limit=500)
    risks = [i.risk for i in everything.items]
    assert risks == sorted(risks, reverse=True)
    kinds = {k: review.queue_job(scanned, review.QueueFilter(kind=k)).total
             for k in ("drug", "other", "talk")}  # fmt: skip
    assert sum(kinds.values()) == everything.total and kinds["drug"] > 0 and kinds["talk"] > 0
    drug = review.queue_job(scanned, review.QueueFilter(kind="drug"), limit=500).items
    assert {i.offer_kind for i in drug} == {"drug"}
    tg = review.queue_job(scanned, review.QueueFilter(platform="telegram"), limit=500).items
    assert tg and {i.platform for i in tg} == {"telegram"}
    coke = review.queue_job(scanned, review.QueueFilter(substance="cocaine"), limit=500).items
    assert coke and all("Cocaine" in i.substances for i in coke)
    high = review.queue_job(scanned, review.QueueFilter(min_score=0.9), limit=500).items
    assert high and all(i.offer_score >= 0.9 for i in high)
    june = review.queue_job(scanned, review.QueueFilter(since="2024-06-01", until="2024-06-03"))
    assert june.items and all("2024-06-01" <= (i.day or "") <= "2024-06-03" for i in june.items)


def test_decisions_are_stored_audited_and_exported_for_eval(scanned: Context, cli) -> None:
    items = review.queue_job(scanned, review.QueueFilter(kind="drug"), limit=3).items
    talk = review.queue_job(scanned, review.QueueFilter(kind="talk"), limit=1).items
    review.decide(scanned, items[0].doc_id, Decision.DISMISS, analyst="ana@a.example", org="A")
    review.decide(scanned, items[0].doc_id, Decision.CONFIRM, analyst="ana@a.example", org="A")
    review.decide(scanned, items[1].doc_id, Decision.ESCALATE, analyst="ana@a.example", org="A")
    review.decide(scanned, talk[0].doc_id, Decision.DISMISS, analyst="ana@a.example", org="A")
    with pytest.raises(AccessError):
        review.decide(scanned, items[2].doc_id, Decision.CONFIRM, analyst="r", role="reader")
    view = review.show_document(scanned, items[0].doc_id[:16])
    assert [r.decision for r in view.reviews] == [Decision.CONFIRM, Decision.DISMISS]
    undecided = review.queue_job(scanned, review.QueueFilter(kind="drug", undecided=True))
    assert items[0].doc_id not in {i.doc_id for i in undecided.items}
    with ShareService.open(scanned) as share:
        report = share.verify_audit()
        actions = [e.action for e in _entries(share)]
    assert report.ok and actions.count("review.dismiss") == 2 and "review.escalate" in actions
    records = list(review.export_labels(scanned))
    assert {r.id: r.label for r in records} == {
        items[0].doc_id: "offer",
        talk[0].doc_id: "not_offer",
    }
    labelled = scanned.home / "labels.jsonl"
    exported = cli("review", "export", "-o", str(labelled))
    assert exported.code == 0 and "2 labelled documents" in exported.stderr
    result = cli("eval", str(labelled), "--labels", "label", "--format", "json")
    assert result.code == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["documents"] == 2 and measured["positives"] == 1


def _entries(share: ShareService) -> list:
    from narcwatch.store.audit import AuditRepository  # a test may read the store

    return list(AuditRepository(share.store).entries())


def test_offers_over_time_and_its_csv(scanned: Context) -> None:
    series = review.offers_over_time(scanned, "platform")
    csv = review.offers_csv(series).splitlines()
    assert csv[0].split(",")[0] == "day" and "telegram" in csv[0]
    assert len(csv) == len(series.days) + 1


def test_highlight_segments_cover_the_text_once() -> None:
    text = "coke 80e le g"
    parts = segments(text, [(0, 4, "substance", "Cocaine"), (5, 13, "price", "80 EUR per g"),
                            (5, 8, "quantity", "q"), (20, 30, "selector", "outside")])  # fmt: skip
    assert "".join(p.text for p in parts) == text
    assert [p.kinds for p in parts if p.text == "80e"] == [["price", "quantity"]]


def test_chart_labels_are_escaped() -> None:
    evil = "<script>alert(1)</script>"
    point = OfferPoint(day="2024-06-01", key=evil, offers=2)
    series = OfferSeries(by="platform", days=["2024-06-01"], keys=[evil], points=[point])
    svg = str(stacked_bars(series))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def _login(client: TestClient, email: str = "ana@a.example") -> str:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": csrf},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    return re.search(r'data-csrf="([^"]+)"', client.get("/queue").text).group(1)


def test_sessions_csrf_and_headers(scanned: Context) -> None:
    with TestClient(create_app(ctx=scanned)) as client:
        assert client.get("/queue", follow_redirects=False).headers["location"].startswith("/login")
        page = client.get("/login")
        assert "No account yet" not in page.text  # accounts exist already
        csrf = _login(client)
        cookie = client.cookies.jar
        raw = next(c for c in cookie if c.name == "narcwatch_session")
        assert (
            raw.has_nonstandard_attr("HttpOnly") and raw.get_nonstandard_attr("SameSite") == "lax"
        )
        queue = client.get("/queue")
        assert "script-src 'self'" in queue.headers["content-security-policy"]
        assert queue.headers["x-frame-options"] == "DENY"
        doc = re.search(r'data-doc="([0-9a-f]{64})"', queue.text).group(1)
        json_ = {"Accept": "application/json"}
        assert (
            client.post(f"/review/{doc}", data={"decision": "confirm"}, headers=json_).status_code
            == 403
        )
        other = {**json_, "Origin": "http://evil.example", "X-CSRF-Token": csrf}
        assert (
            client.post(f"/review/{doc}", data={"decision": "confirm"}, headers=other).status_code
            == 403
        )
        ok = client.post(f"/review/{doc}", data={"decision": "confirm"},
                         headers={**json_, "X-CSRF-Token": csrf})  # fmt: skip
        assert ok.status_code == 200 and ok.json()["analyst"] == "ana@a.example"
        client.post("/logout", data={"csrf": csrf})
        assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_session_expires(scanned: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    from itsdangerous import TimestampSigner

    with TestClient(create_app(ctx=scanned)) as client:
        _login(client)
        assert client.get("/queue", follow_redirects=False).status_code == 200
        # Nine hours later (sessions last eight) the cookie is refused, though the API
        # token inside it would still be valid for the rest of its day.
        later = int(time.time()) + 9 * 3600
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
        again = client.get("/queue", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_a_fresh_home_says_how_to_make_the_first_account(home: Path) -> None:
    with TestClient(create_app(ctx=Context.build(home=home))) as client:
        assert "No account yet" in client.get("/login").text


def test_the_review_api_takes_bearer_tokens(scanned: Context) -> None:
    with ShareService.open(scanned) as share:
        token = share.create_token("ana@a.example").token
    with TestClient(create_app(ctx=scanned)) as client:
        auth = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/review/queue").status_code == 401
        page = client.get("/api/v1/review/queue?kind=drug&limit=2", headers=auth).json()
        doc = page["items"][0]["doc_id"]
        made = client.post(f"/api/v1/review/documents/{doc}", json={"decision": "confirm"},
                           headers=auth)  # fmt: skip
        assert made.status_code == 201
        lines = client.get("/api/v1/review/export", headers=auth).text.splitlines()
        assert [json.loads(x)["label"] for x in lines] == ["offer"]
        assert client.get("/api/v1/review/offers?by=substance", headers=auth).json()["keys"]


def test_selector_search_and_an_evidence_bundle(scanned: Context, cli) -> None:
    assert cli("import", str(EXAMPLES / "pages" / "rx-pharmacy.html"), "-q").code == 0
    items = review.queue_job(scanned, limit=500).items
    doc = next(i.doc_id for i in items if (i.title or "").startswith("BestMeds24"))
    with TestClient(create_app(ctx=scanned)) as client:
        csrf = _login(client)
        found = client.get("/search", params={"q": "@farmacia_sin_receta"})
        assert found.status_code == 200 and "telegram:farmacia_sin_receta" in found.text
        assert client.post("/bundle", data={"doc": doc}).status_code == 403  # no CSRF token
        zipped = client.post("/bundle", data={"doc": doc, "csrf": csrf})
        assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
        page = client.get(f"/documents/{doc}")
        assert "Export evidence bundle" in page.text and 'sandbox=""' in page.text


def test_the_session_secret_is_made_once_and_private(tmp_path: Path, monkeypatch) -> None:
    from narcwatch.web.session import ENV_SECRET, load_secret

    monkeypatch.delenv(ENV_SECRET, raising=False)
    first = load_secret(tmp_path)
    assert load_secret(tmp_path) == first and len(first) >= 32
    assert (tmp_path / "web-secret").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["web-secret"]
    monkeypatch.setenv(ENV_SECRET, "shared-by-every-host")
    assert load_secret(tmp_path) == "shared-by-every-host"
