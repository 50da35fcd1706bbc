"""The home's findings are its home organisation's (issue 18, security): on a server of
organisations A (the home organisation) and B, every read of the findings through the
web UI and the API gives A the data and B nothing (an empty page or list, and 404 for one
item by id, never 403), and every write over the findings is not found for B.

Every read path over the findings, found with ``grep -n "visibility=" src/narcwatch/web/
*.py src/narcwatch/server/*.py src/narcwatch/jobs/*.py`` (a new one belongs here):

web UI (session)                          API (bearer token)
  GET  /queue                               GET  /api/v1/review/queue
  GET  /documents/{id}                      GET  /api/v1/review/documents/{id}
  GET  /documents/{id}/capture              POST /api/v1/review/documents/{id} (write)
  POST /review/{id} (write)                 GET  /api/v1/review/export
  GET  /review/export.jsonl                 GET  /api/v1/review/offers?by=...
  GET  /actors, /actors/{id} (its graph)    GET  /api/v1/review/first-seen
  POST /links (reject/restore, write)       GET  /api/v1/review/prices
  GET  /search
  POST /bundle (evidence export)
  GET  /dashboard, /dashboard/offers-by-{by}.csv|.svg (the PNG is drawn from the SVG
       by the page's script), /dashboard/first-seen|price-per-gram.csv|.svg
  GET  /incidents/new?doc=|?actor= (an incident prefilled from a finding or an actor)

Incidents and alerts keep their own visibility (TLP, sharing groups); an incident's page
names its documents by SHA-256 only, and the alert pages embed no finding. The jobs the
CLI runs (report, actors, evidence, selectors) pass ``Visibility()``: unchanged.
The store layer is tested on SQLite and PostgreSQL in tests/store/test_home_org.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narcwatch.jobs import review
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.results.review import Decision
from narcwatch.server.app import create_app
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery staple"
USERS = {"A": "ana@a.example", "B": "bo@b.example"}
NOTICE = "visible only to its home organisation"


@pytest.fixture
def two_orgs(cli, home: Path) -> Context:
    """A home of scanned and imported findings, organisations A and B; A is the home's."""
    assert cli("scan", str(EXAMPLES), "--include-text", "-q", "-o", "/dev/null").code == 0
    assert cli("import", str(EXAMPLES / "pages" / "rx-pharmacy.html"), "-q").code == 0
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as share:
        for org, email in USERS.items():
            share.create_org(org)
            share.create_user(email, org, "analyst", PASSWORD)
    return replace(ctx, home_org="A")


def _login(client: TestClient, org: str) -> str:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": USERS[org], "password": PASSWORD,
                                           "csrf": csrf}, follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    return re.search(r'data-csrf="([^"]+)"', client.get("/incidents").text).group(1)


def _facts(ctx: Context) -> dict[str, str]:
    """A captured document (the imported page), a drug offer, an actor, a selector."""
    items = review.queue_job(ctx, limit=500).items
    captured = next(i.doc_id for i in items if (i.title or "").startswith("BestMeds24"))
    offer = review.queue_job(ctx, review.QueueFilter(kind="drug"), limit=1).items[0].doc_id
    from narcwatch.jobs.link import list_actors

    actor = list_actors(ctx, top=1).actors[0].id
    return {"captured": captured, "offer": offer, "actor": actor,
            "selector": "@farmacia_sin_receta"}  # fmt: skip


def test_every_findings_page_gives_the_home_org_the_data_and_others_nothing(
    two_orgs: Context,
) -> None:
    f = _facts(two_orgs)
    doc, cap, actor = f["offer"], f["captured"], f["actor"]
    app = create_app(ctx=two_orgs)
    with TestClient(app) as a, TestClient(app) as b:
        csrf_a, csrf_b = _login(a, "A"), _login(b, "B")

        # the queue
        assert 'data-doc="' in a.get("/queue").text
        queue_b = b.get("/queue")
        assert queue_b.status_code == 200 and 'data-doc="' not in queue_b.text
        assert NOTICE in queue_b.text and "--home-org" in queue_b.text
        assert NOTICE not in a.get("/queue").text

        # one document, its capture: not found, as an unknown id is
        assert a.get(f"/documents/{doc}").status_code == 200
        assert b.get(f"/documents/{doc}").status_code == 404
        assert b.get(f"/documents/{doc[:12]}").status_code == 404
        assert a.get(f"/documents/{cap}/capture").status_code == 200
        assert b.get(f"/documents/{cap}/capture").status_code == 404
        assert b.get("/documents/" + "0" * 64).status_code == 404  # the same answer

        # decisions (a write) and the labelled export
        json_ = {"Accept": "application/json"}
        refused = b.post(f"/review/{doc}", data={"decision": "confirm"},
                         headers={**json_, "X-CSRF-Token": csrf_b})  # fmt: skip
        assert refused.status_code == 404
        ok = a.post(f"/review/{doc}", data={"decision": "confirm"},
                    headers={**json_, "X-CSRF-Token": csrf_a})  # fmt: skip
        assert ok.status_code == 200
        assert [json.loads(x)["id"] for x in a.get("/review/export.jsonl").text.splitlines()] == [
            doc
        ]
        assert b.get("/review/export.jsonl").text == ""

        # actors: the list, one actor (its graph), link verdicts (writes)
        assert f'href="/actors/{actor}"' in a.get("/actors").text
        actors_b = b.get("/actors")
        assert "/actors/" not in actors_b.text.replace('href="/actors"', "") and NOTICE in (
            actors_b.text
        )
        page = a.get(f"/actors/{actor}")
        assert page.status_code == 200 and "svg" in page.text
        assert b.get(f"/actors/{actor}").status_code == 404
        for action in ("reject", "restore"):
            verdict = b.post("/links", data={"selector": "telegram:farmacia_sin_receta",
                                             "action": action, "csrf": csrf_b},
                             follow_redirects=False)  # fmt: skip
            assert verdict.status_code == 404

        # search
        assert "telegram:farmacia_sin_receta" in a.get("/search", params={"q": f["selector"]}).text
        found_b = b.get("/search", params={"q": f["selector"]}).text
        assert "telegram:farmacia_sin_receta" not in found_b and cap not in found_b

        # evidence bundles (an export of captures)
        assert a.post("/bundle", data={"doc": cap, "csrf": csrf_a}).content[:2] == b"PK"
        assert b.post("/bundle", data={"doc": cap, "csrf": csrf_b}).status_code == 404
        assert b.post("/bundle", data={"actor": actor, "csrf": csrf_b}).status_code == 404

        # dashboards: the page, its CSV and SVG (the PNG is the SVG drawn by the page)
        assert a.get("/dashboard").status_code == 200
        assert NOTICE in b.get("/dashboard").text
        for by in ("substance", "platform", "country"):
            rows_a = a.get(f"/dashboard/offers-by-{by}.csv").text.splitlines()
            rows_b = b.get(f"/dashboard/offers-by-{by}.csv").text.splitlines()
            assert len(rows_a) > 1 and rows_a[0] != "day", by
            assert rows_b == ["day"], by
        assert "cocaine" in a.get("/dashboard/offers-by-substance.svg").text.lower()
        assert "cocaine" not in b.get("/dashboard/offers-by-substance.svg").text.lower()
        for chart in ("first-seen", "price-per-gram"):
            assert len(a.get(f"/dashboard/{chart}.csv").text.splitlines()) > 1, chart
            assert len(b.get(f"/dashboard/{chart}.csv").text.splitlines()) == 1, chart
        assert "cocaine" in a.get("/dashboard/first-seen.svg").text.lower()
        assert "cocaine" not in b.get("/dashboard/first-seen.svg").text.lower()

        # an incident prefilled from a finding or an actor
        assert doc in a.get("/incidents/new", params={"doc": doc}).text
        assert b.get("/incidents/new", params={"doc": doc}).status_code == 404
        assert a.get("/incidents/new", params={"actor": actor}).status_code == 200
        assert b.get("/incidents/new", params={"actor": actor}).status_code == 404
        # what B may see is unchanged: incidents (and a blank editor)
        assert b.get("/incidents").status_code == 200
        assert b.get("/incidents/new").status_code == 200


def test_the_review_api_gives_other_organisations_nothing(two_orgs: Context) -> None:
    f = _facts(two_orgs)
    doc = f["offer"]
    with ShareService.open(two_orgs) as share:
        tokens = {org: share.create_token(email).token for org, email in USERS.items()}
    review.decide(two_orgs, doc, Decision.DISMISS, analyst="ana@a.example", org="A")
    with TestClient(create_app(ctx=two_orgs)) as client:
        a = {"Authorization": f"Bearer {tokens['A']}"}
        b = {"Authorization": f"Bearer {tokens['B']}"}
        page_a = client.get("/api/v1/review/queue", headers=a).json()
        page_b = client.get("/api/v1/review/queue", headers=b).json()
        assert page_a["total"] > 0 and page_a["items"] and page_a["platforms"]
        assert page_b == {"items": [], "total": 0, "platforms": [], "substances": []}
        assert client.get(f"/api/v1/review/documents/{doc}", headers=a).status_code == 200
        gone = client.get(f"/api/v1/review/documents/{doc}", headers=b)
        assert gone.status_code == 404 and "A" not in gone.json().get("detail", "")
        decided = client.post(f"/api/v1/review/documents/{doc}", json={"decision": "confirm"},
                              headers=b)  # fmt: skip
        assert decided.status_code == 404
        assert client.get("/api/v1/review/export", headers=a).text.strip()
        assert client.get("/api/v1/review/export", headers=b).text == ""
        for by in ("substance", "platform", "country"):
            assert client.get(f"/api/v1/review/offers?by={by}", headers=a).json()["keys"], by
            none = client.get(f"/api/v1/review/offers?by={by}", headers=b).json()
            assert (none["keys"], none["days"], none["points"]) == ([], [], []), by
        assert client.get("/api/v1/review/first-seen", headers=a).json()["items"]
        assert client.get("/api/v1/review/first-seen", headers=b).json()["items"] == []
        assert client.get("/api/v1/review/prices", headers=a).json()["items"]
        prices_b = client.get("/api/v1/review/prices", headers=b).json()
        assert prices_b["items"] == [] and prices_b["offers"] == 0
    # the local analyst (the CLI: Visibility()) still sees everything
    assert review.queue_job(two_orgs).total == page_a["total"]


def test_the_only_organisation_is_the_home_one_and_two_without_one_see_nothing(
    two_orgs: Context, home: Path
) -> None:
    doc = _facts(two_orgs)["offer"]
    with ShareService.open(two_orgs) as share:
        token_a = share.create_token(USERS["A"]).token
    auth = {"Authorization": f"Bearer {token_a}"}
    unset = replace(two_orgs, home_org=None)  # two organisations, no home organisation
    with TestClient(create_app(ctx=unset)) as client:
        assert client.get("/api/v1/review/queue", headers=auth).json()["total"] == 0
        assert client.get(f"/api/v1/review/documents/{doc}", headers=auth).status_code == 404
    with ShareService.open(unset) as share:
        assert share.home() is None and share.authenticate(token_a).home is False
        share.home_org = "A"
        share._callers.clear()
        assert share.authenticate(token_a).visibility.home is True


def test_a_single_organisation_is_the_home_organisation(cli, home: Path) -> None:
    assert cli("scan", str(EXAMPLES / "pages"), "-q", "-o", "/dev/null").code == 0
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as share:
        share.create_org("Solo")
        share.create_user("so@solo.example", "Solo", "reader", PASSWORD)
        token = share.create_token("so@solo.example").token
        assert share.home() == "Solo" and share.check_home() == "Solo"
    with TestClient(create_app(ctx=ctx)) as client:
        page = client.get("/api/v1/review/queue", headers={"Authorization": f"Bearer {token}"})
        assert page.json()["total"] > 0


def test_an_unknown_home_org_fails_at_start_naming_it(cli, home: Path) -> None:
    with ShareService.open(Context.build(home=home)) as share:
        share.create_org("Customs-FR")
    result = cli("serve", "--home-org", "Nowhere", "--port", "0")
    assert result.code == 2
    assert "Nowhere" in result.stderr and "Customs-FR" in result.stderr  # the valid names


def test_home_org_comes_from_the_flag_the_environment_or_the_settings_file(
    home: Path,
) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "narcwatch.toml").write_text('[server]\nhome_org = "FromFile"\n', encoding="utf-8")
    assert Context.build(home=home, environ={}).home_org == "FromFile"
    env = {"NARCWATCH_HOME_ORG": "FromEnv"}
    assert Context.build(home=home, environ=env).home_org == "FromEnv"
    assert Context.build(home=home, environ=env, home_org="FromFlag").home_org == "FromFlag"
    (home / "narcwatch.toml").write_text('[server]\nhome_orgs = "X"\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"unknown key 'home_orgs'.*home_org"):
        Context.build(home=home, environ={})
