"""TAXII 2.1 under /taxii2/ (issue 17, "a TAXII 2.1 server endpoint"): discovery, API
root, collections, objects, manifest and versions; filters and paging; Accept and
authentication (bearer and HTTP Basic); and the caller's visibility on every read path,
checked with a user of the wrong organisation. The last test reads a collection with a
real TAXII client (taxii2-client) from a server on 127.0.0.1.
"""

from __future__ import annotations

import base64

import pytest

from narcwatch.jobs.taxii import MEDIA_TAXII
from narcwatch.results.incident import IncidentDraft
from narcwatch.store.audit import AuditRepository
from tests.server.conftest import PASSWORD, USERS, draft
from tests.server.live import serving

ROOT = "/taxii2/api"
OBJECTS = f"{ROOT}/collections/incidents/objects/"
MANIFEST = f"{ROOT}/collections/incidents/manifest/"
GREEN_MARKING = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"


def basic(who: str, password: str = PASSWORD) -> dict[str, str]:
    org = USERS[who][0].lower()
    raw = f"{who}@{org}.example:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def share(hub, who: str, **fields):
    written = hub.service.create_incident(
        hub.caller(who), IncidentDraft.model_validate(draft(**fields))
    )
    return written.incident


def report_id(client, headers, incident_id: str) -> str:
    """The STIX id of an incident's report, from the exporter (what TAXII must serve)."""
    bundle = client.get(f"/api/v1/incidents/{incident_id}/export?format=stix", headers=headers)
    return next(o["id"] for o in bundle.json()["objects"] if o["type"] == "report")


def objects(client, headers, url: str = OBJECTS, **params) -> list[dict]:
    r = client.get(url, headers=headers, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == MEDIA_TAXII
    return r.json()["objects"]


def test_discovery_api_root_and_collections(client, hub):
    r = client.get("/taxii2/", headers=basic("a"))
    assert r.status_code == 200 and r.headers["content-type"] == MEDIA_TAXII
    assert r.json()["api_roots"] == ["http://testserver/taxii2/api/"]
    root = client.get(f"{ROOT}/", headers=hub.headers["a"]).json()
    assert root["versions"] == [MEDIA_TAXII]
    mine = client.get(f"{ROOT}/collections/", headers=basic("a")).json()["collections"]
    assert [c["alias"] for c in mine] == ["incidents", "group-AB"]
    assert all(c["can_read"] and not c["can_write"] for c in mine)
    theirs = client.get(f"{ROOT}/collections/", headers=basic("c")).json()["collections"]
    assert [c["alias"] for c in theirs] == ["incidents"]
    one = client.get(f"{ROOT}/collections/{mine[1]['id']}/", headers=basic("b")).json()
    assert one == mine[1]
    assert client.get(f"{ROOT}/collections/group-AB/", headers=basic("b")).json() == mine[1]
    # C is not in AB: the group's collection does not exist for it.
    for ident in (mine[1]["id"], "group-AB"):
        r = client.get(f"{ROOT}/collections/{ident}/objects/", headers=basic("c"))
        assert r.status_code == 404 and r.json()["http_status"] == "404"


def test_objects_are_the_exporters_and_manifest_and_versions_agree(client, hub):
    inc = share(hub, "a", tlp="GREEN", selectors=[{"type": "btc", "value": WALLET}],
                substances=[{"id": "cocaine"}])  # fmt: skip
    exported = client.get(
        f"/api/v1/incidents/{inc.id}/export?format=stix", headers=hub.headers["b"]
    )
    r = client.get(OBJECTS, headers=basic("b"))
    body = r.json()
    assert body["more"] is False and "next" not in body
    assert {o["id"]: o for o in body["objects"]} == {o["id"]: o for o in exported.json()["objects"]}
    added = inc.updated.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert r.headers["X-TAXII-Date-Added-First"] == r.headers["X-TAXII-Date-Added-Last"] == added
    manifest = client.get(MANIFEST, headers=basic("b")).json()["objects"]
    assert [m["id"] for m in manifest] == [o["id"] for o in body["objects"]]
    assert {m["date_added"] for m in manifest} == {added}
    rid = report_id(client, hub.headers["b"], inc.id)
    one = client.get(f"{ROOT}/collections/incidents/objects/{rid}/", headers=basic("b"))
    assert [o["id"] for o in one.json()["objects"]] == [rid]
    assert one.json()["objects"][0]["name"] == "offer"
    versions = client.get(
        f"{ROOT}/collections/incidents/objects/{rid}/versions/", headers=basic("b")
    )
    version = next(m["version"] for m in manifest if m["id"] == rid)
    assert versions.json() == {"more": False, "versions": [version]}
    assert versions.headers["content-type"] == MEDIA_TAXII


def test_paging_with_limit_and_next_sends_every_object_once(client, hub):
    for n in range(3):
        share(hub, "a", tlp="GREEN", title=f"offer {n}",
              selectors=[{"type": "email", "value": f"vendor{n}@example.com"}])  # fmt: skip
    everything = objects(client, basic("b"))
    seen, params, pages = [], {"limit": "4"}, 0
    while True:
        r = client.get(OBJECTS, headers=basic("b"), params=params)
        body = r.json()
        assert len(body["objects"]) <= 4
        seen += body["objects"]
        pages += 1
        if not body["more"]:
            break
        params = {"limit": "4", "next": body["next"]}
    assert pages > 2
    assert [o["id"] for o in seen] == [o["id"] for o in everything]
    assert len({o["id"] for o in seen}) == len(seen)
    dates = [m["date_added"] for m in client.get(MANIFEST, headers=basic("b")).json()["objects"]]
    assert dates == sorted(dates)
    bad = client.get(OBJECTS, headers=basic("b"), params={"next": "not-a-token"})
    assert bad.status_code == 400 and bad.json()["http_status"] == "400"


def test_added_after_sends_what_was_added_since(client, hub):
    first = share(hub, "a", tlp="GREEN", title="first")
    r = client.get(OBJECTS, headers=basic("b"))
    last = r.headers["X-TAXII-Date-Added-Last"]
    second = share(hub, "a", tlp="GREEN", title="second")
    while second.updated <= first.updated:  # the same clock tick: share once more
        second = share(hub, "a", tlp="GREEN", title="second")
    later = objects(client, basic("b"), added_after=last)
    names = {o.get("name") for o in later if o["type"] == "report"}
    assert names == {"second"}
    assert objects(client, basic("b"), added_after="2000-01-01T00:00:00Z") == objects(
        client, basic("b")
    )
    bad = client.get(OBJECTS, headers=basic("b"), params={"added_after": "yesterday"})
    assert bad.status_code == 400


def test_match_filters(client, hub):
    inc = share(hub, "a", tlp="GREEN", selectors=[{"type": "btc", "value": WALLET}])
    rid = report_id(client, hub.headers["a"], inc.id)
    reports = objects(client, basic("a"), **{"match[type]": "report"})
    assert [o["id"] for o in reports] == [rid]
    two = objects(client, basic("a"), **{"match[type]": "report,indicator"})
    assert {o["type"] for o in two} == {"report", "indicator"}
    assert [o["id"] for o in objects(client, basic("a"), **{"match[id]": rid})] == [rid]
    version = reports[0]["modified"]
    for wanted in ("last", "first", "all", version):
        found = objects(client, basic("a"), **{"match[id]": rid, "match[version]": wanted})
        assert [o["id"] for o in found] == [rid]
    none = {"match[id]": rid, "match[version]": "2000-01-01T00:00:00.000Z"}
    assert objects(client, basic("a"), **none) == []
    assert objects(client, basic("a"), **{"match[spec_version]": "2.0"}) == []
    assert objects(client, basic("a"), **{"match[type]": "malware"}) == []


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (None, 200),
        (MEDIA_TAXII, 200),
        ("application/taxii+json", 200),
        ("*/*", 200),
        ("application/json", 406),
        ("application/taxii+json;version=2.0", 406),
        ("text/html", 406),
    ],
)
def test_accept(client, accept, status):
    headers = basic("a") | ({"Accept": accept} if accept else {})
    r = client.get(f"{ROOT}/collections/", headers=headers)
    assert r.status_code == status
    assert r.headers["content-type"] == MEDIA_TAXII
    if status == 406:
        assert r.json()["http_status"] == "406" and r.json()["title"]


@pytest.mark.parametrize(
    "auth",
    [None, "Basic " + base64.b64encode(b"a@a.example:wrong password").decode(),
     "Basic " + base64.b64encode(b"nobody@a.example:" + PASSWORD.encode()).decode(),
     "Basic !!!", "Bearer not-a-token", "Digest x"],
)  # fmt: skip
def test_401_without_valid_credentials(client, auth):
    for url in ("/taxii2/", f"{ROOT}/collections/", OBJECTS):
        r = client.get(url, headers={"Authorization": auth} if auth else {})
        assert r.status_code == 401
        assert "Basic" in r.headers["WWW-Authenticate"]
        assert r.json()["http_status"] == "401"


def test_a_failed_basic_login_and_an_objects_read_are_audited(client, hub):
    share(hub, "a", tlp="GREEN")
    client.get(OBJECTS, headers=basic("a", "wrong password"))
    client.get(OBJECTS, headers=basic("b"))
    entries = list(AuditRepository(hub.service.store).entries())
    assert [e.action for e in entries[-2:]] == ["login.failed", "taxii.objects"]
    assert entries[-1].actor == "b@b.example" and entries[-1].detail["count"] > 0
    assert all(PASSWORD not in e.model_dump_json() for e in entries)


def test_the_wrong_organisation_sees_nothing_it_may_not_on_every_path(client, hub):
    """A's RED incident and A's AMBER incident for group AB hold a wallet that B's
    GREEN incident holds too. C (not in AB) sees B's incident only: not A's reports,
    not their objects, not their dates, and the wallet marked GREEN, as B shared it."""
    wallet = [{"type": "btc", "value": WALLET}]
    theirs = share(hub, "b", tlp="GREEN", title="public", selectors=wallet)
    email = {"type": "email", "value": "red@example.com"}
    red = share(hub, "a", tlp="RED", title="red", selectors=[*wallet, email])
    group = share(hub, "a", tlp="AMBER", sharing_group="AB", title="group", selectors=wallet)
    hidden = {report_id(client, hub.headers["a"], i.id): i for i in (red, group)}
    mine = objects(client, basic("a"))
    for rid in hidden:
        assert rid in {o["id"] for o in mine}
    visible = {o["id"] for o in objects(client, basic("b"))}
    assert visible - {o["id"] for o in mine} == set()

    c = basic("c")
    seen = client.get(OBJECTS, headers=c)
    ids = {o["id"] for o in seen.json()["objects"]}
    public = client.get(
        f"/api/v1/incidents/{theirs.id}/export?format=stix", headers=hub.headers["c"]
    )
    assert ids == {o["id"] for o in public.json()["objects"]}  # B's incident, nothing more
    assert not ids & set(hidden)
    assert not any("red@example.com" in str(o) for o in seen.json()["objects"])
    wallet_obj = next(o for o in seen.json()["objects"] if o.get("value") == WALLET)
    assert wallet_obj["object_marking_refs"] == [GREEN_MARKING]
    when = theirs.updated.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # not the later hidden ones'
    assert seen.headers["X-TAXII-Date-Added-Last"] == when
    manifest = client.get(MANIFEST, headers=c).json()["objects"]
    assert {m["id"] for m in manifest} == ids and {m["date_added"] for m in manifest} == {when}
    assert objects(client, c, **{"match[id]": ",".join(hidden)}) == []
    assert client.get(MANIFEST, headers=c, params={"match[id]": ",".join(hidden)}).json() == {
        "more": False, "objects": []}  # fmt: skip
    for rid in hidden:
        for tail in ("", "versions/"):
            r = client.get(f"{ROOT}/collections/incidents/objects/{rid}/{tail}", headers=c)
            assert r.status_code == 404, (rid, tail)
            assert r.json()["http_status"] == "404" and "X-TAXII-Date-Added-Last" not in r.headers
    r = client.get(OBJECTS, headers=c, params={"added_after": when})
    assert (
        r.json() == {"more": False, "objects": []} and "X-TAXII-Date-Added-First" not in r.headers
    )

    # B, in group AB, sees the group's incident, in both collections, but never RED.
    group_rid = next(r for r, i in hidden.items() if i is group)
    red_rid = next(r for r, i in hidden.items() if i is red)
    for coll in ("incidents", "group-AB"):
        got = {o["id"] for o in objects(client, basic("b"), f"{ROOT}/collections/{coll}/objects/")}
        assert group_rid in got and red_rid not in got
        r = client.get(f"{ROOT}/collections/{coll}/objects/{red_rid}/", headers=basic("b"))
        assert r.status_code == 404
    in_group = objects(client, basic("b"), f"{ROOT}/collections/group-AB/objects/",
                       **{"match[type]": "report"})  # fmt: skip
    assert [o["id"] for o in in_group] == [group_rid]


def test_a_taxii_client_reads_the_collection(hub):
    """taxii2-client (what OpenCTI's and others' connectors use) with HTTP Basic, against
    uvicorn on 127.0.0.1 (tests/server/live.py)."""
    from taxii2client.v21 import Server, as_pages

    incidents = [share(hub, "a", tlp="GREEN", title=f"offer {n}") for n in range(3)]
    share(hub, "a", tlp="RED", title="red")
    with serving(hub.service) as url:
        taxii = Server(f"{url}/taxii2/", user="c@c.example", password=PASSWORD)
        root = taxii.default
        assert root.versions == [MEDIA_TAXII]
        coll = next(c for c in root.collections if c.alias == "incidents")
        envelope = coll.get_objects()
        reports = [o for o in envelope["objects"] if o["type"] == "report"]
        assert sorted(o["name"] for o in reports) == sorted(i.title for i in incidents)
        paged = [o for page in as_pages(coll.get_objects, per_request=2) for o in page["objects"]]
        assert [o["id"] for o in paged] == [o["id"] for o in envelope["objects"]]
        manifest = coll.get_manifest()
        assert len(manifest["objects"]) == len(envelope["objects"])
        one = coll.get_object(reports[0]["id"])
        assert one["objects"][0]["id"] == reports[0]["id"]


def test_small_batches_send_the_same_objects_in_date_order(client, hub, monkeypatch):
    """The collection is read BATCH incidents at a time: with batches of 2, the five
    incidents' objects are all sent, each once a page, dated as in one batch."""
    from narcwatch.jobs import taxii

    for n in range(5):
        share(hub, "a", tlp="GREEN", title=f"offer {n}",
              selectors=[{"type": "btc", "value": WALLET}])  # fmt: skip
    whole = client.get(MANIFEST, headers=basic("b"), params={"limit": "1000"}).json()["objects"]
    monkeypatch.setattr(taxii, "BATCH", 2)
    batched = client.get(MANIFEST, headers=basic("b"), params={"limit": "1000"}).json()["objects"]
    assert sorted(batched, key=lambda m: m["id"]) == sorted(whole, key=lambda m: m["id"])
    assert [m["date_added"] for m in batched] == sorted(m["date_added"] for m in batched)
    paged, params = [], {"limit": "3"}
    while True:
        body = client.get(MANIFEST, headers=basic("b"), params=params).json()
        paged += body["objects"]
        if not body["more"]:
            break
        params = {"limit": "3", "next": body["next"]}
    assert {m["id"] for m in paged} == {m["id"] for m in whole}
