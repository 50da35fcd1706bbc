"""Authorization on every read path, with users of the wrong organisation.

Organisation A shares one incident at each TLP level, with and without sharing group AB
(A and B); B (in the group) and C (not in it) read it by every path the API has: get,
list, each list filter, count, earlier versions, exports (one and bulk, every format),
alerts and the alert stream, and try to edit it. What they may see is the table in
``store.visibility``; everything they may not is a 404 or absent, exactly as if the
incident did not exist.
"""

from __future__ import annotations

import json

import pytest

from tests.server.conftest import draft

# (tlp, sharing group) -> (B sees it, C sees it)
CASES = {
    ("CLEAR", None): (True, True),
    ("GREEN", None): (True, True),
    ("AMBER", None): (True, True),
    ("AMBER", "AB"): (True, False),
    ("AMBER+STRICT", None): (False, False),
    ("AMBER+STRICT", "AB"): (True, False),
    ("RED", None): (False, False),
    ("RED", "AB"): (False, False),
}
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [i["id"] for i in response.json()["items"]]


def _sse_events(client, headers, query: str) -> list[dict]:
    events = []
    with client.stream("GET", f"/api/v1/alerts/stream?{query}", headers=headers) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    return events


@pytest.mark.parametrize("viewer", ["b", "c"])
@pytest.mark.parametrize(("tlp", "group"), list(CASES), ids=[f"{t}-{g}" for t, g in CASES])
def test_every_read_path_shows_only_what_the_rules_allow(client, hub, tlp, group, viewer):
    sees = CASES[(tlp, group)][0 if viewer == "b" else 1]
    h = hub.headers
    body = draft(
        tlp=tlp,
        sharing_group=group,
        kind="suspicious_shipment",
        selectors=[{"type": "btc", "value": WALLET}],
        substances=[{"id": "cocaine", "quantity": 2, "unit": "kg"}],
        countries=[{"code": "CO", "role": "origin"}, {"code": "ES", "role": "destination"}],
    )
    created = client.post("/api/v1/incidents", json=body, headers=h["a"])
    assert created.status_code == 201, created.text
    incident = created.json()["incident"]["id"]
    missing = "inc-" + "0" * 24

    # get: visible, or exactly the answer for an incident that does not exist
    got = client.get(f"/api/v1/incidents/{incident}", headers=h[viewer])
    absent = client.get(f"/api/v1/incidents/{missing}", headers=h[viewer])
    if sees:
        assert got.status_code == 200 and got.json()["org"] == "A"
    else:
        assert got.status_code == absent.status_code == 404
        assert got.headers["content-type"] == absent.headers["content-type"]
        assert got.text.replace(incident, missing) == absent.text

    # earlier versions: A edits it once; its version 1 shows exactly where the incident does
    edited = client.patch(f"/api/v1/incidents/{incident}", json={"notes": "v2"}, headers=h["a"])
    assert edited.status_code == 200, edited.text
    versions = client.get(f"/api/v1/incidents/{incident}/versions", headers=h[viewer])
    no_versions = client.get(f"/api/v1/incidents/{missing}/versions", headers=h[viewer])
    if sees:
        assert versions.status_code == 200
        assert [(v["version"], v["reason"], v["replaced_by"]) for v in versions.json()] == [
            (1, "edit", "A")
        ]
    else:
        assert versions.status_code == no_versions.status_code == 404
        assert versions.text.replace(incident, missing) == no_versions.text

    # list, every filter, and the counts
    queries = [
        "",
        f"selector=btc:{WALLET.upper()}",
        "substance=cocaine",
        "country=es",
        "kind=suspicious_shipment",
        "since=2000-01-01T00:00:00Z",
        f"selector=btc:{WALLET}&substance=cocaine&country=CO&kind=suspicious_shipment",
    ]
    for query in queries:
        listed = _ids(client.get(f"/api/v1/incidents?{query}", headers=h[viewer]))
        assert listed == ([incident] if sees else []), query
        count = client.get(f"/api/v1/incidents/count?{query}", headers=h[viewer])
        assert count.json() == {"count": int(sees)}, query
    # the owner always sees its own
    assert _ids(client.get(f"/api/v1/incidents?selector=btc:{WALLET}", headers=h["a"])) == [
        incident
    ]

    # exports: one incident (404 exactly like a missing one) and the bulk export
    for fmt in ("stix", "misp", "json", "csv"):
        one = client.get(f"/api/v1/incidents/{incident}/export?format={fmt}", headers=h[viewer])
        gone = client.get(f"/api/v1/incidents/{missing}/export?format={fmt}", headers=h[viewer])
        if sees:
            assert one.status_code == 200 and WALLET in one.text, fmt
        else:
            assert one.status_code == gone.status_code == 404
            assert one.text.replace(incident, missing) == gone.text
        bulk = client.get(f"/api/v1/incidents/export?format={fmt}", headers=h[viewer])
        assert bulk.status_code == 200
        assert (WALLET in bulk.text) == sees, fmt

    # edits: 403 for who may see it, 404 for who may not, never a change
    patched = client.patch(f"/api/v1/incidents/{incident}", json={"title": "x"}, headers=h[viewer])
    assert patched.status_code == (403 if sees else 404)
    assert patched.headers["content-type"] == "application/problem+json"

    # alerts: the viewer shares an incident with the same wallet
    mine = client.post(
        "/api/v1/incidents",
        json=draft(tlp="GREEN", selectors=[{"type": "btc", "value": WALLET}]),
        headers=h[viewer],
    )
    assert mine.status_code == 201, mine.text
    alerts = client.get("/api/v1/alerts", headers=h[viewer]).json()["items"]
    streamed = _sse_events(client, h[viewer], "limit=1") if alerts else []
    for seen in (alerts, streamed):
        if tlp == "RED":
            assert seen == []  # not even "a match exists"
            continue
        assert len(seen) == 1
        alert = seen[0]
        assert alert["org"] == hub.caller(viewer).org
        assert alert["incident"] == mine.json()["incident"]["id"]
        assert (alert["other_org"], alert["other_tlp"]) == ("A", tlp)
        assert alert["match_kind"] == "selector"
        if sees:
            assert alert["other"]["id"] == incident
        else:
            assert alert["other"] is None
            assert alert["contact"] == "desk@a.example"
            assert incident not in json.dumps(alert)
    # A is alerted about the viewer's GREEN incident, whatever A's own TLP
    a_alerts = client.get("/api/v1/alerts", headers=h["a"]).json()["items"]
    assert [x["other"]["id"] for x in a_alerts] == [mine.json()["incident"]["id"]]


def test_a_reader_reads_but_does_not_write(client, hub):
    h = hub.headers
    refused = client.post("/api/v1/incidents", json=draft(), headers=h["a_reader"])
    assert refused.status_code == 403
    made = client.post("/api/v1/incidents", json=draft(tlp="RED"), headers=h["a"]).json()
    incident = made["incident"]["id"]
    assert client.get(f"/api/v1/incidents/{incident}", headers=h["a_reader"]).status_code == 200
    patch = client.patch(f"/api/v1/incidents/{incident}", json={"tlp": "CLEAR"},
                         headers=h["a_reader"])  # fmt: skip
    assert patch.status_code == 403
    assert client.get(f"/api/v1/incidents/{incident}", headers=h["a"]).json()["tlp"] == "RED"


def test_a_group_the_caller_is_not_in_is_one_it_cannot_name(client, hub):
    response = client.post(
        "/api/v1/incidents", json=draft(sharing_group="AB"), headers=hub.headers["c"]
    )
    assert response.status_code == 404
    assert "AB" in response.json()["detail"]


def test_the_owner_edits_and_visibility_follows_the_new_tlp(client, hub):
    h = hub.headers
    made = client.post("/api/v1/incidents", json=draft(tlp="RED"), headers=h["a"]).json()
    incident = made["incident"]["id"]
    assert client.get(f"/api/v1/incidents/{incident}", headers=h["c"]).status_code == 404
    patched = client.patch(
        f"/api/v1/incidents/{incident}", json={"tlp": "GREEN", "title": "now shared"},
        headers=h["a"],
    )  # fmt: skip
    assert patched.status_code == 200, patched.text
    assert patched.json()["incident"]["updated"] >= patched.json()["incident"]["created"]
    seen = client.get(f"/api/v1/incidents/{incident}", headers=h["c"]).json()
    assert (seen["tlp"], seen["title"]) == ("GREEN", "now shared")
