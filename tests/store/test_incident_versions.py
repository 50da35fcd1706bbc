"""Earlier versions of incidents: kept on every change, read under the visibility of
the incident now and of each version as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from narcwatch.errors import NotFoundError
from narcwatch.results.incident import IncidentDraft
from narcwatch.store.accounts import AccountRepository
from narcwatch.store.audit import Event
from narcwatch.store.incidents import IncidentRepository
from narcwatch.store.visibility import Visibility

OWNER = Visibility("A", "analyst", frozenset({"AB"}))
MEMBER = Visibility("B", "reader", frozenset({"AB"}))
OUTSIDER = Visibility("C", "admin", frozenset())


@pytest.fixture
def incidents(store) -> IncidentRepository:
    accounts = AccountRepository(store)
    for org in ("A", "B", "C"):
        accounts.add_org(org, "", Event("test", None, "org.create", org))
    accounts.add_group("AB", ["A", "B"], Event("test", None, "group.create", "AB"))
    return IncidentRepository(store)


def _edit(repo: IncidentRepository, incident_id: str, **fields) -> None:
    repo.update(
        incident_id,
        lambda d: IncidentDraft.model_validate({**d.model_dump(), **fields}),
        lambda _d: [],
        Event("a@a", "A", "incident.update", incident_id),
        visibility=OWNER,
    )


def test_every_change_keeps_the_version_it_replaces_in_order(incidents):
    draft = IncidentDraft(kind="seizure", title="first", tlp="GREEN")
    incidents.add("inc-1", "A", draft, [], Event("a@a", "A", "incident.create", "inc-1"))
    _edit(incidents, "inc-1", title="second")
    _edit(incidents, "inc-1", title="third", notes="more")
    versions = incidents.versions("inc-1", visibility=OWNER)
    assert [(v.version, v.reason, v.incident.title) for v in versions] == [
        (1, "edit", "first"),
        (2, "edit", "second"),
    ]
    assert all(v.replaced_by == "A" and v.incident.id == "inc-1" for v in versions)
    assert versions[0].incident.updated <= versions[0].replaced <= versions[1].replaced
    assert incidents.get("inc-1", visibility=OWNER).incident.title == "third"
    # A new incident has none.
    incidents.add("inc-2", "A", draft, [], Event("a@a", "A", "incident.create", "inc-2"))
    assert incidents.versions("inc-2", visibility=OWNER) == []


def test_a_version_shows_only_to_who_could_see_it_then_and_can_see_the_incident_now(
    incidents,
):
    secret = IncidentDraft(kind="seizure", title="owner only", tlp="AMBER+STRICT")
    incidents.add("inc-w", "A", secret, [], Event("a@a", "A", "incident.create", "inc-w"))
    _edit(incidents, "inc-w", tlp="AMBER", sharing_group="AB", title="shared with B")
    _edit(incidents, "inc-w", tlp="CLEAR", sharing_group=None, title="public")
    seen = {
        name: [v.incident.title for v in incidents.versions("inc-w", visibility=vis)]
        for name, vis in (("owner", OWNER), ("member", MEMBER), ("outsider", OUTSIDER))
    }
    # Widened: what it said while narrower stays with those it reached then.
    assert seen == {
        "owner": ["owner only", "shared with B"],
        "member": ["shared with B"],
        "outsider": [],
    }
    # Narrowed: those it no longer reaches read nothing of it, not even that it exists.
    _edit(incidents, "inc-w", tlp="AMBER+STRICT", title="owner only again")
    for vis in (MEMBER, OUTSIDER):
        with pytest.raises(NotFoundError):
            incidents.versions("inc-w", visibility=vis)
    assert len(incidents.versions("inc-w", visibility=OWNER)) == 3


def test_versions_of_an_unknown_incident_are_not_found(incidents):
    with pytest.raises(NotFoundError):
        incidents.versions("inc-nope", visibility=OWNER)
