"""Comments and sightings from other organisations on an incident (issue 17): read by
every organisation that may see the incident, counted in the incident's JSON, written by
admins and analysts only, audited, and a 404 on every path, read or write, for an
organisation that may not see the incident."""

from __future__ import annotations

import pytest

from narcwatch.store.audit import AuditRepository
from tests.server.conftest import draft


def _incident(client, hub, who: str = "a", **fields: object) -> str:
    made = client.post("/api/v1/incidents", headers=hub.headers[who], json=draft(**fields))
    assert made.status_code == 201, made.text
    return str(made.json()["incident"]["id"])


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


def test_other_organisations_comment_and_sight_an_amber_incident(client, hub):
    h = hub.headers
    incident = _incident(client, hub, tlp="AMBER")
    comments, sightings = (f"/api/v1/incidents/{incident}/{p}" for p in ("comments", "sightings"))

    said = client.post(comments, headers=h["b"], json={"body": "Same vendor on Telegram."})
    assert said.status_code == 201, said.text
    assert said.json()["org"] == "B" and said.json()["author"] == "b@b.example"
    assert said.json()["incident"] == incident
    assert client.post(comments, headers=h["c"], json={"body": "Seen in Lyon."}).status_code == 201

    seen = client.post(sightings, headers=h["b"],
                       json={"kind": "seen", "seen": "2026-11-30", "country": "es",
                             "note": "a parcel at Madrid airport"})  # fmt: skip
    assert seen.status_code == 201, seen.text
    assert (seen.json()["kind"], seen.json()["seen"], seen.json()["country"]) == (
        "seen", "2026-11-30", "ES",
    )  # fmt: skip
    assert client.post(sightings, headers=h["c"], json={}).json()["kind"] == "seen"
    assert client.post(sightings, headers=h["c"],
                       json={"kind": "false_positive"}).status_code == 201  # fmt: skip
    assert client.post(sightings, headers=h["a"], json={"kind": "expired"}).status_code == 201

    # everyone who may see it reads everything, oldest first
    for who in ("a", "a_reader", "b", "c"):
        listed = client.get(comments, headers=h[who])
        assert listed.status_code == 200, listed.text
        assert [(c["org"], c["body"]) for c in listed.json()] == [
            ("B", "Same vendor on Telegram."), ("C", "Seen in Lyon."),
        ]  # fmt: skip
        kinds = [(s["org"], s["kind"]) for s in client.get(sightings, headers=h[who]).json()]
        assert kinds == [("B", "seen"), ("C", "seen"), ("C", "false_positive"), ("A", "expired")]
    # paging
    first = client.get(comments, headers=h["b"]).json()[0]["id"]
    assert [c["body"] for c in client.get(f"{comments}?after={first}", headers=h["b"]).json()] == [
        "Seen in Lyon."
    ]
    assert len(client.get(f"{sightings}?limit=1", headers=h["b"]).json()) == 1

    # the counts, on every path that returns the incident
    expected = {"seen": 2, "false_positive": 1, "expired": 1}
    got = client.get(f"/api/v1/incidents/{incident}", headers=h["c"]).json()
    assert (got["comments_count"], got["sightings"]) == (2, expected)
    listed = client.get("/api/v1/incidents", headers=h["b"]).json()["items"]
    assert [(i["comments_count"], i["sightings"]) for i in listed] == [(2, expected)]
    patched = client.patch(f"/api/v1/incidents/{incident}", headers=h["a"], json={"title": "t"})
    assert patched.json()["incident"]["sightings"] == expected
    other = client.get(f"/api/v1/incidents/{_incident(client, hub)}", headers=h["a"]).json()
    assert (other["comments_count"], other["sightings"]) == (
        0, {"seen": 0, "false_positive": 0, "expired": 0},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("tlp", "group"),
    [("RED", None), ("AMBER", "AB"), ("AMBER+STRICT", "AB"), ("AMBER+STRICT", None)],
)
def test_an_organisation_that_cannot_see_the_incident_gets_404_on_every_path(
    client, hub, tlp, group
):  # fmt: skip
    h = hub.headers
    incident = _incident(client, hub, tlp=tlp, sharing_group=group)
    # something to hide: the owner's (and, where it may see it, B's) feedback
    for who in ("a", "b") if group else ("a",):
        base = f"/api/v1/incidents/{incident}"
        assert client.post(f"{base}/comments", headers=h[who],
                           json={"body": "internal"}).status_code == 201  # fmt: skip
        assert client.post(f"{base}/sightings", headers=h[who], json={}).status_code == 201
    missing = "inc-" + "0" * 24
    blind = ["c"] if group else ["b", "c"]
    bodies = {"comments": {"body": "hello"}, "sightings": {"kind": "seen"}}
    for who in blind:
        for path, body in bodies.items():
            for method, kwargs in (("GET", {}), ("POST", {"json": body})):
                got = client.request(method, f"/api/v1/incidents/{incident}/{path}",
                                     headers=h[who], **kwargs)  # fmt: skip
                absent = client.request(method, f"/api/v1/incidents/{missing}/{path}",
                                        headers=h[who], **kwargs)  # fmt: skip
                _problem(got, 404)
                assert got.text.replace(incident, missing) == absent.text, (who, method, path)
                assert "internal" not in got.text
        # and nothing was written: the owner still sees only what it had
    owner = client.get(f"/api/v1/incidents/{incident}", headers=h["a"]).json()
    n = 2 if group else 1
    assert owner["comments_count"] == n and owner["sightings"]["seen"] == n


def test_a_reader_reads_but_does_not_write(client, hub):
    h = hub.headers
    incident = _incident(client, hub, tlp="GREEN")
    base = f"/api/v1/incidents/{incident}"
    _problem(client.post(f"{base}/comments", headers=h["a_reader"], json={"body": "x"}), 403)
    _problem(client.post(f"{base}/sightings", headers=h["a_reader"], json={}), 403)
    assert client.get(f"{base}/comments", headers=h["a_reader"]).json() == []
    assert client.get(f"{base}/sightings", headers=h["a_reader"]).json() == []
    got = client.get(base, headers=h["a_reader"]).json()
    assert got["comments_count"] == 0 and got["sightings"]["seen"] == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("sightings", {"kind": "confirmed"}),
        ("sightings", {"country": "France"}),
        ("sightings", {"country": "F1"}),
        ("sightings", {"seen": "yesterday"}),
        ("sightings", {"note": "x" * 2001}),
        ("sightings", {"kind": "seen", "extra": 1}),
        ("sightings", {"note": "nul\x00byte"}),
        ("comments", {"body": ""}),
        ("comments", {"body": "x" * 10_001}),
        ("comments", {}),
        ("comments", {"body": "nul\x00byte"}),
    ],
)
def test_bad_input_is_a_422_problem(client, hub, path, body):
    incident = _incident(client, hub, tlp="GREEN")
    url = f"/api/v1/incidents/{incident}/{path}"
    problem = _problem(client.post(url, headers=hub.headers["b"], json=body), 422)
    assert problem["status"] == 422
    assert client.get(url, headers=hub.headers["b"]).json() == []


def test_bad_paging_and_no_token(client, hub):
    incident = _incident(client, hub, tlp="GREEN")
    url = f"/api/v1/incidents/{incident}/comments"
    _problem(client.get(f"{url}?limit=0", headers=hub.headers["b"]), 422)
    _problem(client.get(f"{url}?after=-1", headers=hub.headers["b"]), 422)
    _problem(client.get(url), 401)
    _problem(client.post(url, json={"body": "x"}), 401)


def test_comments_and_sightings_are_audited(client, hub):
    h = hub.headers
    incident = _incident(client, hub, tlp="GREEN")
    comment = client.post(f"/api/v1/incidents/{incident}/comments", headers=h["b"],
                          json={"body": "a confidential remark"}).json()  # fmt: skip
    sighting = client.post(f"/api/v1/incidents/{incident}/sightings", headers=h["c"],
                           json={"kind": "false_positive", "country": "FR"}).json()  # fmt: skip
    entries = list(AuditRepository(hub.service.store).entries())
    said, saw = entries[-2], entries[-1]
    assert (said.action, said.actor, said.org, said.target, said.detail["comment"]) == (
        "comment.post", "b@b.example", "B", incident, comment["id"],
    )  # fmt: skip
    assert "confidential" not in said.model_dump_json()
    assert (saw.action, saw.org, saw.target, saw.detail["sighting"], saw.detail["kind"],
            saw.detail["country"]) == (
        "sighting.post", "C", incident, sighting["id"], "false_positive", "FR",
    )  # fmt: skip
    assert hub.service.verify_audit().ok


def test_seen_sightings_are_stix_sightings_of_the_report(client, hub):
    from tests.exchange.stix_checks import validate

    h = hub.headers
    incident = _incident(client, hub, tlp="AMBER", selectors=[{"type": "btc",
                         "value": "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}])  # fmt: skip
    url = f"/api/v1/incidents/{incident}/sightings"
    for body in ({"seen": "2026-11-02", "country": "ES"}, {"seen": "2026-11-20", "country": "PT"}):
        assert client.post(url, headers=h["b"], json=body).status_code == 201
    assert client.post(url, headers=h["c"], json={"kind": "false_positive"}).status_code == 201
    for path in (f"/api/v1/incidents/{incident}/export", "/api/v1/incidents/export"):
        got = client.get(f"{path}?format=stix", headers=h["c"])
        assert got.status_code == 200, got.text
        bundle = got.json()
        validate(bundle)
        by_id = {o["id"]: o for o in bundle["objects"]}
        (report,) = [o for o in bundle["objects"] if o["type"] == "report"]
        (sighting,) = [o for o in bundle["objects"] if o["type"] == "sighting"]
        assert sighting["sighting_of_ref"] == report["id"]
        assert sighting["count"] == 2  # B's two; C's false positive has no STIX form
        assert sighting["first_seen"].startswith("2026-11-02")
        assert sighting["last_seen"].startswith("2026-11-20")
        where = [by_id[r] for r in sighting["where_sighted_refs"]]
        assert [w.get("name") for w in where if w["type"] == "identity"] == ["B"]
        assert sorted(w["country"] for w in where if w["type"] == "location") == ["ES", "PT"]
    # an organisation that may not see the incident exports nothing of it
    hidden = _incident(client, hub, tlp="AMBER", sharing_group="AB")
    client.post(f"/api/v1/incidents/{hidden}/sightings", headers=h["b"], json={})
    bulk = client.get("/api/v1/incidents/export?format=stix", headers=h["c"]).json()
    refs = [o["sighting_of_ref"] for o in bulk["objects"] if o["type"] == "sighting"]
    assert len(refs) == 1 and hidden not in str(bulk)
