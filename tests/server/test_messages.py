"""Messages about an incident: a thread between its organisation and one other, read by
those two only, started from the incident (who may see it) or from an alert (who may
not: the alert's "whom to ask")."""

from __future__ import annotations

from tests.server.conftest import draft

WALLET = [{"type": "btc", "value": "bc1qmessages"}]


def _texts(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["body"] for m in response.json()]


def test_a_thread_is_read_by_the_two_organisations_only(client, hub):
    h = hub.headers
    incident = client.post("/api/v1/incidents", headers=h["a"],
                           json=draft(tlp="GREEN")).json()["incident"]["id"]  # fmt: skip
    url = f"/api/v1/incidents/{incident}/messages"
    asked = client.post(url, headers=h["b"], json={"body": "Is the vendor still active?"})
    assert asked.status_code == 201, asked.text
    assert (asked.json()["thread_org"], asked.json()["sender"]) == ("B", "b@b.example")
    client.post(url, headers=h["c"], json={"body": "C's own question"})
    answer = client.post(url, headers=h["a"], json={"body": "Yes, since May.", "to": "B"})
    assert answer.status_code == 201 and answer.json()["thread_org"] == "B"

    assert _texts(client.get(url, headers=h["b"])) == ["Is the vendor still active?",
                                                       "Yes, since May."]  # fmt: skip
    assert _texts(client.get(url, headers=h["c"])) == ["C's own question"]
    assert len(_texts(client.get(url, headers=h["a"]))) == 3  # the owner reads every thread
    assert _texts(client.get(url, headers=h["a_reader"])) != []  # and so do its readers
    assert client.post(url, headers=h["a_reader"], json={"body": "x", "to": "B"}).status_code == 403
    assert client.post(url, headers=h["a"], json={"body": "no thread"}).status_code == 422


def test_an_invisible_incident_has_no_thread_but_its_alert_does(client, hub):
    h = hub.headers
    hidden = client.post("/api/v1/incidents", headers=h["a"],
                         json=draft(tlp="AMBER+STRICT", selectors=WALLET)).json()  # fmt: skip
    hidden_id = hidden["incident"]["id"]
    url = f"/api/v1/incidents/{hidden_id}/messages"
    assert client.get(url, headers=h["c"]).status_code == 404
    assert client.post(url, headers=h["c"], json={"body": "?"}).status_code == 404
    assert client.post(url, headers=h["a"], json={"body": "hi", "to": "C"}).status_code == 404

    client.post("/api/v1/incidents", headers=h["c"], json=draft(tlp="GREEN", selectors=WALLET))
    (alert,) = client.get("/api/v1/alerts", headers=h["c"]).json()["items"]
    assert alert["other"] is None
    asked = client.post(f"/api/v1/alerts/{alert['id']}/messages", headers=h["c"],
                        json={"body": "We match you on a wallet: can we talk?"})  # fmt: skip
    assert asked.status_code == 201, asked.text
    assert asked.json()["incident"] is None  # still not disclosed to C
    # A sees the question on its incident and can now answer C's thread
    assert _texts(client.get(url, headers=h["a"])) == ["We match you on a wallet: can we talk?"]
    assert client.post(url, headers=h["a"], json={"body": "Yes.", "to": "C"}).status_code == 201
    assert _texts(client.get(f"/api/v1/alerts/{alert['id']}/messages", headers=h["c"])) == [
        "We match you on a wallet: can we talk?", "Yes.",
    ]  # fmt: skip
    # another organisation cannot use C's alert
    assert client.get(f"/api/v1/alerts/{alert['id']}/messages", headers=h["b"]).status_code == 404
    assert client.post(f"/api/v1/alerts/{alert['id']}/messages", headers=h["b"],
                       json={"body": "x"}).status_code == 404  # fmt: skip


def test_messages_are_audited_without_their_text(client, hub):
    h = hub.headers
    incident = client.post("/api/v1/incidents", headers=h["a"],
                           json=draft(tlp="GREEN")).json()["incident"]["id"]  # fmt: skip
    client.post(f"/api/v1/incidents/{incident}/messages", headers=h["b"],
                json={"body": "a confidential question"})  # fmt: skip
    from narcwatch.store.audit import AuditRepository

    last = list(AuditRepository(hub.service.store).entries())[-1]
    assert (last.action, last.org, last.target, last.detail["thread"]) == (
        "message.post", "B", incident, "B",
    )  # fmt: skip
    assert "confidential" not in last.model_dump_json()
