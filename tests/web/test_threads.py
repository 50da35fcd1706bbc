"""Message threads and the alerts inbox's stream in the UI, without a browser: the same
jobs and rules as the API (two organisations per thread, 404 for an incident one may
not see), CSRF on every post, bodies escaped, the stream's session and Last-Event-ID."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.results.incident import IncidentDraft
from narcwatch.server import ServerSettings, create_app
from narcwatch.web.session import Sessions

PASSWORD = "a long test password"
EMAILS = {"A": "ana@a.example", "B": "bo@b.example", "C": "cy@c.example"}
HOSTILE = "<script>alert('m')</script><img src=x onerror=alert('m2')> & \"quoted\""


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from narcwatch.share import credentials

    monkeypatch.setattr(
        credentials, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def hub(home: Path) -> Iterator[tuple[ShareService, TestClient]]:
    ctx = Context.build(home=home)
    with ShareService.open(ctx) as svc:
        for org, email in EMAILS.items():
            svc.create_org(org, f"desk@{org.lower()}.example")
            svc.create_user(email, org, "analyst", PASSWORD)
        svc.create_user("rita@a.example", "A", "reader", PASSWORD)
        svc.create_group("AB", ["A", "B"])
        app = create_app(ServerSettings(poll_seconds=0.05, webhook_seconds=0), ctx=ctx)
        with TestClient(app) as client:
            yield svc, client


def _login(client: TestClient, email: str) -> str:
    """Log ``client`` in as ``email``; the session's CSRF token."""
    client.cookies.clear()
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf": csrf},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303, response.text
    return re.search(r'data-csrf="([^"]+)"', client.get("/queue").text).group(1)


def _incident(svc: ShareService, org: str, **fields: object) -> str:
    caller = svc.authenticate(svc.create_token(EMAILS[org]).token)
    draft = IncidentDraft.model_validate({"kind": "online_offer", "title": f"{org}'s offer",
                                          "tlp": "AMBER", **fields})  # fmt: skip
    return svc.create_incident(caller, draft).incident.id


def test_a_thread_is_read_by_the_two_organisations_only(hub) -> None:
    svc, client = hub
    incident = _incident(svc, "A", title="Shared with AB", sharing_group="AB")
    url = f"/incidents/{incident}/messages"
    csrf = _login(client, EMAILS["B"])
    assert client.post(url, data={"body": "no token"}).status_code == 403
    assert client.post(url, data={"body": "  ", "csrf": csrf}).status_code == 400
    sent = client.post(url, data={"body": HOSTILE, "csrf": csrf}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith("#thread-B")
    page = client.get(f"/incidents/{incident}").text
    assert "<script>alert('m')" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;&lt;img src=x onerror" in page

    csrf = _login(client, EMAILS["A"])  # the owner reads B's thread and answers it
    page = client.get(f"/incidents/{incident}").text
    assert 'id="thread-B"' in page and "&lt;script&gt;" in page
    answer = client.post(url, data={"body": "Since May.", "to": "B", "csrf": csrf})
    assert answer.status_code == 200 and "Since May." in answer.text
    # no thread with C, who may not see the incident: said on the page, nothing sent
    refused = client.post(url, data={"body": "to C", "to": "C", "csrf": csrf})
    assert refused.status_code == 400 and "no thread with &#39;C&#39;" in refused.text

    csrf = _login(client, EMAILS["C"])  # C: the incident, its thread and posts are a 404
    assert client.get(f"/incidents/{incident}").status_code == 404
    assert client.post(url, data={"body": "let me in", "csrf": csrf}).status_code == 404
    assert [m.body for m in svc.incident_messages(
        svc.authenticate(svc.create_token(EMAILS["B"]).token), incident
    )] == [HOSTILE, "Since May."]  # fmt: skip

    _login(client, "rita@a.example")  # a reader reads, with no form to write
    page = client.get(f"/incidents/{incident}").text
    assert "Since May." in page and 'action="/incidents/' not in page


def test_an_alert_asks_about_an_incident_one_may_not_see(hub) -> None:
    svc, client = hub
    wallet = [{"type": "btc", "value": "bc1qthreads"}]
    hidden = _incident(svc, "A", title="Kept by A", tlp="AMBER+STRICT", selectors=wallet)
    _incident(svc, "C", title="C's wallet", tlp="GREEN", selectors=wallet)
    csrf = _login(client, EMAILS["C"])
    inbox = client.get("/alerts").text
    alert = re.search(r'href="/alerts/(\d+)/messages">Ask A<', inbox).group(1)
    assert "Kept by A" not in inbox
    url = f"/alerts/{alert}/messages"
    assert "an incident of A that you may not see" in client.get(url).text
    asked = client.post(url, data={"body": "Same wallet: can we talk?", "csrf": csrf})
    assert asked.status_code == 200 and "Same wallet: can we talk?" in asked.text
    assert "Kept by A" not in asked.text
    csrf = _login(client, EMAILS["B"])  # not B's alert
    assert client.get(url).status_code == 404
    assert client.post(url, data={"body": "x", "csrf": csrf}).status_code == 404
    _login(client, EMAILS["A"])  # A reads C's question on its incident
    assert "Same wallet: can we talk?" in client.get(f"/incidents/{hidden}").text


def _events(client: TestClient, query: str, headers: dict[str, str]) -> list[dict]:
    found = []
    with client.stream("GET", f"/alerts/stream?{query}", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
    return found


def test_the_inbox_stream_uses_the_session_and_resumes(
    hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc, client = hub
    assert client.get("/alerts/stream").status_code == 401  # no session: EventSource stops
    for n in (1, 2):
        wallet = [{"type": "btc", "value": f"bc1qstream{n}"}]
        _incident(svc, "A", title=f"A's case {n}", tlp="GREEN", selectors=wallet)
        _incident(svc, "B", title=f"B's case {n}", tlp="GREEN", selectors=wallet)
    _login(client, EMAILS["A"])
    first, second = _events(client, "limit=2", {})
    assert (first["title"], second["title"]) == ("A's case 1", "A's case 2")
    assert second["other"]["title"] == "B's case 2"
    # A reconnecting EventSource sends the last id it saw: the stream goes on after it.
    (resumed,) = _events(client, "limit=1", {"Last-Event-ID": str(first["id"])})
    assert resumed["id"] == second["id"]
    # The session is checked again at every poll: once it has ended (logged out, expired,
    # its token revoked) the stream says so and closes.
    real, calls = Sessions.user, []

    def ends_after_first(self: Sessions, request, svc_):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(self, request, svc_) if len(calls) == 1 else None

    monkeypatch.setattr(Sessions, "user", ends_after_first)
    with client.stream("GET", f"/alerts/stream?after={second['id']}") as response:
        lines = list(response.iter_lines())
    assert "event: end" in lines and len(calls) == 2


def test_the_incident_page_lists_the_earlier_versions_each_reader_may_see(hub) -> None:
    from narcwatch.results.share import IncidentPatch

    svc, client = hub
    incident = _incident(svc, "A", title="Owner only", tlp="AMBER+STRICT", notes=HOSTILE)
    owner = svc.authenticate(svc.create_token(EMAILS["A"]).token)
    svc.update_incident(owner, incident, IncidentPatch(title="Shared", tlp="GREEN", notes=""))
    svc.update_incident(owner, incident, IncidentPatch(title="Renamed"))

    _login(client, EMAILS["A"])
    page = client.get(f"/incidents/{incident}").text
    assert "Earlier versions" in page
    assert "Owner only" in page and "Shared" in page  # both earlier versions
    assert "<script>alert('m')" not in page and "&lt;script&gt;" in page  # notes escaped
    _login(client, EMAILS["B"])  # B sees the GREEN version, not the one only A could see
    page = client.get(f"/incidents/{incident}").text
    assert "Earlier versions" in page and "Shared" in page and "Owner only" not in page
