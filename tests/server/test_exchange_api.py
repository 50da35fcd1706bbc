"""Export and import over the API: STIX 2.1 and MISP out, and back in as the caller's."""

from __future__ import annotations

import json

from tests.server.conftest import draft

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"  # a valid address: imports check


def test_an_export_imports_as_the_callers_incidents_and_correlates(client, hub):
    h = hub.headers
    made = client.post("/api/v1/incidents", headers=h["a"], json=draft(
        tlp="GREEN", selectors=[{"type": "btc", "value": WALLET}],
        substances=[{"id": "cocaine"}]),
    ).json()["incident"]  # fmt: skip
    for fmt in ("stix", "misp"):
        exported = client.get(f"/api/v1/incidents/{made['id']}/export?format={fmt}",
                              headers=h["a"])  # fmt: skip
        assert exported.status_code == 200, exported.text
        report = client.post(f"/api/v1/import?format={fmt}", content=exported.content,
                             headers={**h["c"], "Content-Type": "application/json"})  # fmt: skip
        assert report.status_code == 200, report.text
        body = report.json()
        assert len(body["created"]) == 1 and body["errors"] == [], body
        mine = client.get(f"/api/v1/incidents/{body['created'][0]}", headers=h["c"]).json()
        assert mine["org"] == "C" and mine["id"] != made["id"]
        assert {"type": "btc", "value": WALLET} in mine["selectors"]
    assert {
        a["other_org"] for a in client.get("/api/v1/alerts", headers=h["a"]).json()["items"]
    } == {"C"}


def test_bad_imports_are_reported_not_500(client, hub):
    h = {**hub.headers["b"], "Content-Type": "application/json"}
    garbage = client.post("/api/v1/import", content=b"{not json", headers=h)
    assert garbage.status_code == 200 and garbage.json()["created"] == []
    assert garbage.json()["errors"]
    as_reader = {**hub.headers["a_reader"], "Content-Type": "application/json"}
    one = json.dumps([draft()]).encode()
    assert client.post("/api/v1/import", content=one, headers=as_reader).status_code == 403


def test_exports_are_audited(client, hub):
    h = hub.headers
    made = client.post("/api/v1/incidents", headers=h["a"], json=draft()).json()["incident"]
    client.get(f"/api/v1/incidents/{made['id']}/export?format=json", headers=h["b"])
    client.get("/api/v1/incidents/export?format=csv", headers=h["b"])
    from narcwatch.store.audit import AuditRepository

    tail = list(AuditRepository(hub.service.store).entries())[-2:]
    assert [(e.action, e.org, e.detail["format"]) for e in tail] == [
        ("incident.export", "B", "json"), ("incidents.export", "B", "csv"),
    ]  # fmt: skip
    assert tail[1].detail["count"] == 1
