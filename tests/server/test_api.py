"""The API's contract: authentication, problem+json errors, input limits, paging."""

from __future__ import annotations

import pytest

from narcwatch.server.auth import RateLimiter
from narcwatch.store.audit import Event
from tests.server.conftest import PASSWORD, draft

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


def test_health_needs_no_token_and_names_the_backend(client, db_url):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok"
    assert body["database"] == ("sqlite" if db_url.startswith("sqlite") else "postgresql")


def test_the_openapi_document_describes_every_route_and_the_bearer_scheme(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/incidents", "/api/v1/incidents/{incident_id}",
                 "/api/v1/incidents/count", "/api/v1/alerts", "/api/v1/alerts/stream",
                 "/api/v1/health", "/api/v1/login"):  # fmt: skip
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "IncidentDraft" in spec["components"]["schemas"]


@pytest.mark.parametrize(
    "authorization", [None, "Bearer nw_not-a-token", "Basic dXNlcjpwYXNz", "Bearer "]
)
def test_without_a_valid_token_every_route_is_401(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    routes = [("GET", "/api/v1/incidents"), ("GET", "/api/v1/incidents/inc-1"),
              ("GET", "/api/v1/alerts"), ("GET", "/api/v1/alerts/stream"),
              ("GET", "/api/v1/incidents/count"), ("POST", "/api/v1/incidents")]  # fmt: skip
    for method, path in routes:
        response = client.request(method, path, headers=headers, json=draft())
        _problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_revoked_or_expired_token_is_refused(client, hub):
    h = hub.headers
    assert client.get("/api/v1/incidents", headers=h["b"]).status_code == 200
    hub.service.revoke_token(hub.caller("b").token_id)
    _problem(client.get("/api/v1/incidents", headers=h["b"]), 401)

    from datetime import UTC, datetime, timedelta

    from narcwatch.share.credentials import new_token

    old = new_token()
    hub.service.accounts.add_token(
        old.id, old.hash, "c@c.example", datetime.now(UTC) - timedelta(seconds=1),
        Event("test", None, "token.create"),
    )  # fmt: skip
    _problem(client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {old.token}"}),
             401)  # fmt: skip


def test_login_gives_a_token_and_failures_are_audited(client, hub):
    bad = client.post("/api/v1/login", json={"email": "b@b.example", "password": "wrong"})
    _problem(bad, 401)
    nobody = client.post("/api/v1/login", json={"email": "x@x.example", "password": "wrong"})
    assert nobody.json()["detail"] == bad.json()["detail"]  # no hint which one was wrong
    good = client.post("/api/v1/login", json={"email": "b@b.example", "password": PASSWORD})
    assert good.status_code == 201
    token = good.json()["token"]
    assert client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}).json()
    from narcwatch.store.audit import AuditRepository

    entries = list(AuditRepository(hub.service.store).entries())
    actions = [e.action for e in entries]
    assert actions.count("login.failed") == 2 and actions.count("login") == 1
    assert all(token not in e.model_dump_json() and PASSWORD not in e.model_dump_json()
               for e in entries)  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "online_offer"},  # no title
        {"kind": "rumour", "title": "t"},
        {"kind": "online_offer", "title": "t", "tlp": "PURPLE"},
        {"kind": "online_offer", "title": "t", "unexpected": 1},
        {"kind": "online_offer", "title": "t", "countries": [{"code": "Spain", "role": "origin"}]},
        {"kind": "online_offer", "title": "t", "documents": [{"sha256": "' OR 1=1 --"}]},
        [],
    ],
)
def test_invalid_bodies_are_422_problems_that_do_not_echo_the_input(client, hub, body):
    problem = _problem(client.post("/api/v1/incidents", json=body, headers=hub.headers["a"]), 422)
    assert problem["errors"] and all(set(e) == {"loc", "msg"} for e in problem["errors"])
    assert "OR 1=1" not in str(problem)


def test_malformed_json_is_a_problem_too(client, hub):
    response = client.post(
        "/api/v1/incidents", content=b"{not json",
        headers={**hub.headers["a"], "Content-Type": "application/json"},
    )  # fmt: skip
    _problem(response, 422)


def test_oversized_bodies_are_refused_with_413(hub):
    from fastapi.testclient import TestClient

    from narcwatch.server import ServerSettings, create_app

    app = create_app(ServerSettings(max_body=2048), service=hub.service)
    with TestClient(app) as client:
        big = draft(notes="x" * 4096)
        _problem(client.post("/api/v1/incidents", json=big, headers=hub.headers["a"]), 413)

        def chunks():  # no Content-Length: counted as it streams
            for _ in range(8):
                yield b" " * 512

        streamed = client.post(
            "/api/v1/incidents", content=chunks(),
            headers={**hub.headers["a"], "Content-Type": "application/json"},
        )  # fmt: skip
        _problem(streamed, 413)
        assert client.post("/api/v1/incidents", json=draft(), headers=hub.headers["a"]).is_success


def test_the_rate_limit_is_per_token_and_says_when_to_retry(client, hub):
    now = [0.0]
    client.app.state.limiter = RateLimiter(3, clock=lambda: now[0])
    h = hub.headers
    for _ in range(3):
        assert client.get("/api/v1/incidents", headers=h["a"]).status_code == 200
    limited = client.get("/api/v1/incidents", headers=h["a"])
    _problem(limited, 429)
    assert limited.headers["retry-after"] == "20"  # 3 a minute: one every 20 s
    assert client.get("/api/v1/incidents", headers=h["b"]).status_code == 200  # own bucket
    now[0] = 20.0
    assert client.get("/api/v1/incidents", headers=h["a"]).status_code == 200


def test_paging_walks_every_visible_incident_once_newest_first(client, hub):
    h = hub.headers
    made = [
        client.post(
            "/api/v1/incidents", json=draft(title=f"n{i}", tlp="GREEN"), headers=h["a"]
        ).json()["incident"]["id"]
        for i in range(5)
    ]
    client.post("/api/v1/incidents", json=draft(tlp="RED"), headers=h["a"])  # not for B
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/api/v1/incidents?{query}", headers=h["b"]).json()
        seen += [i["id"] for i in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == made[::-1] and pages == 3


@pytest.mark.parametrize(
    "query",
    ["cursor=%27%3B%20DROP%20TABLE%20incidents", "selector=nocolon", "kind=rumour",
     "limit=0", "limit=100000", "country=ESP", "since=yesterday"],
)  # fmt: skip
def test_bad_query_values_are_422(client, hub, query):
    _problem(client.get(f"/api/v1/incidents?{query}", headers=hub.headers["a"]), 422)


@pytest.mark.parametrize("path", ["/api/v1/incidents/..%2F..%2Fetc", "/api/v1/incidents/a b"])
def test_path_tricks_are_refused(client, hub, path):
    assert client.get(path, headers=hub.headers["a"]).status_code in (404, 422)


def test_unknown_routes_and_methods_are_problems(client, hub):
    _problem(client.get("/api/v1/nothing", headers=hub.headers["a"]), 404)
    _problem(client.delete("/api/v1/incidents", headers=hub.headers["a"]), 405)


def test_directory_lists_organisations_and_the_callers_groups(client, hub):
    orgs = client.get("/api/v1/organisations", headers=hub.headers["c"]).json()
    assert (orgs[0]["name"], orgs[0]["contact"]) == ("A", "desk@a.example")
    assert client.get("/api/v1/groups", headers=hub.headers["c"]).json() == []
    assert client.get("/api/v1/groups", headers=hub.headers["b"]).json() == [
        {"name": "AB", "members": ["A", "B"]}
    ]


def test_me_and_the_document_filter(client, hub):
    me = client.get("/api/v1/me", headers=hub.headers["b"]).json()
    assert me == {"email": "b@b.example", "org": "B", "role": "analyst", "groups": ["AB"]}
    doc = "0f" * 32
    body = draft(tlp="AMBER+STRICT", documents=[{"sha256": doc}])
    made = client.post("/api/v1/incidents", headers=hub.headers["a"], json=body).json()
    for who, expected in (("a", [made["incident"]["id"]]), ("b", []), ("c", [])):
        page = client.get(f"/api/v1/incidents?document={doc.upper()}", headers=hub.headers[who])
        assert [i["id"] for i in page.json()["items"]] == expected, who
    _problem(client.get("/api/v1/incidents?document=abc", headers=hub.headers["a"]), 422)


def test_logins_are_limited_per_address_and_email(client):
    client.app.state.login_limiter = RateLimiter(2, clock=lambda: 0.0)
    wrong = {"email": "b@b.example", "password": "guess"}
    assert [client.post("/api/v1/login", json=wrong).status_code for _ in range(3)] == [
        401, 401, 429,
    ]  # fmt: skip
    other = {"email": "c@c.example", "password": "guess"}
    assert client.post("/api/v1/login", json=other).status_code == 401


def test_a_token_revoked_elsewhere_is_refused_within_the_cache_delay(hub):
    from narcwatch.errors import AccessError
    from narcwatch.jobs.share import ShareService

    server = hub.service
    now = [100.0]
    server.clock = lambda: now[0]
    token_id = server.authenticate(hub.tokens["b"]).token_id
    with ShareService.open(hub.ctx) as elsewhere:  # another process on the same database
        elsewhere.revoke_token(token_id)
    assert server.authenticate(hub.tokens["b"]).org == "B"  # remembered for 2 s
    now[0] += server.auth_cache_seconds
    with pytest.raises(AccessError):
        server.authenticate(hub.tokens["b"])
