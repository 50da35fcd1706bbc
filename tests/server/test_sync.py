"""Instance sync (issue 17): a local narcwatch server pulls what a REMOTE one (uvicorn on
127.0.0.1 in a thread, the ``hub`` fixture's server) shares with its account, over the
remote's TAXII 2.1 collection. Both databases are of the parametrised kind (SQLite, and
PostgreSQL in schemas of their own).

Remote: organisations A, B, C, sharing groups AB (A, B) and AC (A, C); the syncing
account is ``b`` (organisation B). Local: ``Hub`` stands for the remote, ``X`` and ``Y``
are local organisations, and local group ``AB`` has Hub and Y.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from narcwatch.errors import AccessError, UsageError
from narcwatch.jobs.context import Context
from narcwatch.jobs.share import ShareService
from narcwatch.jobs.sync import pull
from narcwatch.results.incident import IncidentDraft
from narcwatch.results.share import IncidentPatch
from narcwatch.store.audit import AuditRepository
from tests.conftest import PG_HOST, PG_PORT
from tests.server.conftest import PASSWORD, draft
from tests.server.live import serving

WALLET = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
EMAIL = "shared-handle@example.org"


@pytest.fixture
def local_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second database of the same kind as the remote's."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'local.db'}"
        return
    import psycopg

    schema = f"nw_{uuid.uuid4().hex[:12]}"
    conninfo = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=test"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/test?options=-csearch_path%3D{schema}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class Local:
    def __init__(self, url: str, home: Path) -> None:
        self.service = ShareService.open(Context.build(home=home, db=url))
        self.tokens: dict[str, str] = {}
        for org in ("Hub", "X", "Y"):
            self.service.create_org(org)
        for who, org in (("x", "X"), ("y", "Y")):
            email = f"{who}@{org.lower()}.example"
            self.service.create_user(email, org, "analyst", PASSWORD)
            self.tokens[who] = self.service.create_token(email).token

    def caller(self, who: str):
        return self.service.authenticate(self.tokens[who])

    def titles(self, who: str | None = None) -> set[str]:
        caller = self.caller(who) if who else None
        return {i.title for i in self.service.list_incidents(caller, limit=500).items}


@pytest.fixture
def local(local_url: str, tmp_path: Path) -> Iterator[Local]:
    found = Local(local_url, tmp_path / "local-home")
    yield found
    found.service.close()


def share(hub, who: str, **fields):
    written = hub.service.create_incident(
        hub.caller(who), IncidentDraft.model_validate(draft(**fields))
    )
    return written.incident


@pytest.fixture
def remote(hub):
    """The remote's incidents: what B may see there, and what it may not."""
    hub.service.create_group("AC", ["A", "C"])
    made = {
        "green": share(hub, "a", tlp="GREEN", title="green",
                       selectors=[{"type": "btc", "value": WALLET}]),
        "amber": share(hub, "a", tlp="AMBER", title="amber",
                       selectors=[{"type": "email", "value": EMAIL}]),
        "amber AB": share(hub, "a", tlp="AMBER", sharing_group="AB", title="amber AB"),
        "strict AB": share(hub, "a", tlp="AMBER+STRICT", sharing_group="AB", title="strict AB"),
        "red": share(hub, "a", tlp="RED", title="red"),
        "amber AC": share(hub, "a", tlp="AMBER", sharing_group="AC", title="amber AC"),
        "c strict": share(hub, "c", tlp="AMBER+STRICT", title="c strict"),
        "b red": share(hub, "b", tlp="RED", title="b red"),
    }  # fmt: skip
    with serving(hub.service) as url:
        yield hub, made, url


SHARED_WITH_B = {"green", "amber", "amber AB", "strict AB"}


def test_pull_brings_what_is_shared_keeps_tlp_and_is_idempotent(remote, local):
    hub, made, url = remote
    x_own = local.service.create_incident(
        local.caller("x"),
        IncidentDraft.model_validate(
            draft(tlp="GREEN", title="x own", selectors=[{"type": "btc", "value": WALLET}])
        ),
    )
    # No local group AB yet: the AB incidents are refused and named, not dropped.
    first = pull(local.service, url, "Hub", token=hub.tokens["b"], page_size=3)
    assert first.complete and first.pages > 1
    assert (first.created, first.updated) == (2, 0)
    assert first.refused == 3  # b's RED, and the two AB incidents
    assert sum("'AB'" in e for e in first.errors) == 2
    assert any("TLP:RED" in e for e in first.errors)
    assert local.titles() == {"green", "amber", "x own"}

    local.service.create_group("AB", ["Hub", "Y"])
    again = pull(local.service, url, "Hub", user="b@b.example", password=PASSWORD, full=True)
    assert (again.created, again.updated, again.unchanged) == (2, 0, 2)
    pulled = {i.title: i for i in local.service.list_incidents(None, limit=500).items}
    assert set(pulled) == SHARED_WITH_B | {"x own"}
    for title in SHARED_WITH_B:  # the remote's TLP, group and id; the local org's
        mine, theirs = pulled[title], made[title]
        assert (mine.org, mine.tlp, mine.sharing_group) == ("Hub", theirs.tlp, theirs.sharing_group)
        assert mine.id == theirs.id
        assert mine.selectors == theirs.selectors

    # A re-run asks only for what is new: nothing.
    rerun = pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert (rerun.objects, rerun.created, rerun.updated) == (0, 0, 0)
    assert local.service.count_incidents(None) == 5

    # Visibility here follows the TLP: X sees GREEN and group-less AMBER, not AB's;
    # Y, in local group AB, sees AB's AMBER and AMBER+STRICT too.
    assert local.titles("x") == {"green", "amber", "x own"}
    assert local.titles("y") == {"green", "amber", "amber AB", "strict AB", "x own"}

    # The pulled GREEN incident shares X's wallet: both sides were alerted.
    assert first.alerts_raised >= 1
    x_alerts = local.service.list_alerts(local.caller("x")).items
    assert [(a.incident, a.other_org) for a in x_alerts] == [(x_own.incident.id, "Hub")]

    # A remote edit updates the local copy (same id), nothing new.
    hub.service.update_incident(
        hub.caller("a"), made["amber"].id, IncidentPatch(title="amber, edited")
    )
    edited = pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert (edited.created, edited.updated) == (0, 1)
    assert local.service.get_incident(None, made["amber"].id).title == "amber, edited"
    assert local.service.count_incidents(None) == 5

    entries = list(AuditRepository(local.service.store).entries())
    runs = [e for e in entries if e.action == "sync.pull"]
    assert len(runs) == 4 and all(e.target == url and e.org == "Hub" for e in runs)
    assert sum(e.action == "incident.sync_create" for e in entries) == 4
    assert local.service.verify_audit().ok


def test_never_pulled_red_groups_and_strict_of_others(remote, local):
    hub, _, url = remote
    local.service.create_group("AB", ["Hub", "Y"])
    local.service.create_group("AC", ["Hub"])  # a group here does not make the remote send
    summary = pull(local.service, url, "Hub", token=hub.tokens["b"])
    got = local.titles()
    assert got == SHARED_WITH_B
    assert not got & {"red", "amber AC", "c strict", "b red"}
    for incident in local.service.list_incidents(None, limit=500).items:
        assert incident.tlp.value != "RED"
    assert summary.refused == 1  # b's own RED: served to b, kept there


def test_a_copy_narrows_when_the_remote_moves_it_to_an_unknown_group(remote, local):
    hub, made, url = remote
    pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert "green" in local.titles("x")
    hub.service.create_group("BC", ["B", "C"])
    hub.service.update_incident(
        hub.caller("b"), made["b red"].id, IncidentPatch(tlp="GREEN")
    )  # now shared: pulled
    a = hub.caller("a")
    hub.service.update_incident(a, made["amber"].id, IncidentPatch(sharing_group="AB"))
    summary = pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert summary.created == 1 and summary.updated == 1
    copy = local.service.get_incident(None, made["amber"].id)
    assert (copy.tlp.value, copy.sharing_group) == ("AMBER+STRICT", None)
    assert "amber" not in local.titles("x")


def test_remote_errors_are_named(remote, local):
    hub, _, url = remote
    with pytest.raises(AccessError) as refused:
        pull(local.service, url, "Hub", token="nw_not-a-token")
    assert "401" in str(refused.value) and f"{url}/taxii2/" in str(refused.value)
    with pytest.raises(AccessError, match="401"):
        pull(local.service, url, "Hub", user="b@b.example", password="wrong password!")
    with pytest.raises(Exception, match="404") as missing:
        pull(local.service, url, "Hub", token=hub.tokens["b"], collection="nope")
    assert "collections/nope/objects" in str(missing.value)
    with pytest.raises(UsageError, match="no organisation"):
        pull(local.service, url, "Nobody", token=hub.tokens["b"])
    failed = [e for e in AuditRepository(local.service.store).entries() if e.action == "sync.pull"]
    assert failed and all(e.detail["complete"] is False and e.detail["error"] for e in failed)
    assert local.service.count_incidents(None) == 0


def test_the_command(remote, cli):
    hub, _, url = remote
    assert cli("admin", "create-org", "Hub").code == 0
    done = cli("sync", "pull", "--from", url + "/", "--as-org", "Hub", "--token-stdin",
               "--format", "json", stdin=hub.tokens["b"].encode() + b"\n")  # fmt: skip
    assert done.code == 0, done.stderr
    import json

    summary = json.loads(done.stdout)
    assert (summary["remote"], summary["created"], summary["complete"]) == (url, 2, True)
    assert "2 incidents new" in done.stderr and "'AB'" in done.stderr
    bad = cli("sync", "pull", "--from", url, "--as-org", "Hub", "--token-stdin",
              stdin=b"nw_wrong\n")  # fmt: skip
    assert bad.code == 1 and "HTTP 401" in bad.stderr and url in bad.stderr
    none = cli("sync", "pull", "--from", url, "--as-org", "Hub")
    assert none.code == 2 and "--token-stdin" in none.stderr


def test_a_stopped_run_keeps_what_it_pulled_and_the_next_goes_on(remote, local):
    """Ctrl-C after a page, then a remote that fails after the first page: what
    was pulled stays, the cursor moved, and the next run ends the job without copies."""
    import httpx

    hub, _, url = remote
    local.service.create_group("AB", ["Hub", "Y"])

    def stop(summary):
        if summary.created:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(local.service, url, "Hub", token=hub.tokens["b"], page_size=2, progress=stop)
    first = local.service.count_incidents(None)
    assert 0 < first < len(SHARED_WITH_B)
    audited = [e for e in AuditRepository(local.service.store).entries()
               if e.action == "sync.pull"]  # fmt: skip
    assert audited[-1].detail["error"] == "KeyboardInterrupt"

    pages = []

    def fail_after_one_page(request: httpx.Request) -> None:
        if "/objects/" in request.url.path and "match%5Bid%5D" not in str(request.url):
            pages.append(request.url)
            if len(pages) > 1:
                raise httpx.ConnectError("connection reset", request=request)

    with httpx.Client(event_hooks={"request": [fail_after_one_page]}) as client:
        broken = pull(local.service, url, "Hub", token=hub.tokens["b"], page_size=2,
                      client=client)  # fmt: skip
    assert not broken.complete and broken.pages == 1
    assert "cannot reach" in broken.errors[0] and "/objects/" in broken.errors[0]

    rest = pull(local.service, url, "Hub", token=hub.tokens["b"], page_size=2)
    assert rest.complete
    assert local.titles() == SHARED_WITH_B
    assert local.service.count_incidents(None) == len(SHARED_WITH_B)


def test_two_servers_pulling_from_each_other_do_not_copy_copies_back(remote, local):
    hub, made, url = remote
    pull(local.service, url, "Hub", token=hub.tokens["b"])
    mine = local.service.create_incident(
        local.caller("x"), IncidentDraft.model_validate(draft(tlp="GREEN", title="regional"))
    )
    hub.service.create_org("Region")
    with serving(local.service) as local_url:
        back = pull(hub.service, local_url, "Region", token=local.tokens["x"])
    assert back.created == 1 and back.incidents == [mine.incident.id]
    assert back.refused == 2  # the hub's own GREEN and AMBER, pulled here before
    assert sum("already on this server" in e for e in back.errors) == 2
    titles = [i.title for i in hub.service.list_incidents(None, limit=500).items]
    assert sorted(titles) == sorted([i.title for i in made.values()] + ["regional"])


def test_an_incident_edited_here_and_remotely_keeps_both_versions_and_says_so(remote, local):
    hub, made, url = remote
    pull(local.service, url, "Hub", token=hub.tokens["b"])
    local.service.create_user("h@hub.example", "Hub", "analyst", PASSWORD)
    here = local.service.authenticate(local.service.create_token("h@hub.example").token)
    local.service.update_incident(here, made["green"].id, IncidentPatch(title="edited here"))
    untouched = pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert (untouched.updated, untouched.conflicts) == (0, 0)  # nothing new remotely
    hub.service.update_incident(
        hub.caller("a"), made["green"].id, IncidentPatch(title="edited there")
    )
    summary = pull(local.service, url, "Hub", token=hub.tokens["b"])
    assert (summary.updated, summary.conflicts) == (1, 1)
    assert any("edited here and on the remote" in e for e in summary.errors)
    assert local.service.get_incident(None, made["green"].id).title == "edited there"
    # Both versions are kept: the pulled original, the edit here (the conflict), and the
    # remote's edit, current.
    versions = local.service.incident_versions(here, made["green"].id)
    assert [(v.version, v.reason, v.incident.title) for v in versions] == [
        (1, "edit", made["green"].title),
        (2, "conflict", "edited here"),
    ]
    assert versions[1].replaced_by == "Hub"
    assert any(f"/incidents/{made['green'].id}/versions" in e for e in summary.errors)
    # A plain newer remote version replaces the copy and keeps it as a "sync" version.
    hub.service.update_incident(hub.caller("a"), made["green"].id, IncidentPatch(title="third"))
    pull(local.service, url, "Hub", token=hub.tokens["b"])
    versions = local.service.incident_versions(here, made["green"].id)
    assert [(v.reason, v.incident.title) for v in versions][-1] == ("sync", "edited there")
