"""The visibility rules, once as a table of cases, checked against both their Python
form (``may_see``) and the SQL every store read uses (``visible``)."""

from __future__ import annotations

import itertools

import pytest

from narcwatch.results.incident import IncidentDraft
from narcwatch.store.accounts import AccountRepository
from narcwatch.store.audit import Event
from narcwatch.store.incidents import IncidentRepository
from narcwatch.store.visibility import AUDIENCES, Visibility, may_see

OWNER = Visibility("A", "analyst", frozenset({"AB"}))
MEMBER = Visibility("B", "reader", frozenset({"AB"}))
OUTSIDER = Visibility("C", "admin", frozenset({"CD"}))
LOCAL = Visibility()  # the local analyst or the admin commands: everything

# (tlp, group): who sees an incident of A -> (owner, group member, outsider)
EXPECTED = {
    ("CLEAR", None): (True, True, True),
    ("CLEAR", "AB"): (True, True, True),
    ("GREEN", None): (True, True, True),
    ("GREEN", "AB"): (True, True, True),
    ("AMBER", None): (True, True, True),
    ("AMBER", "AB"): (True, True, False),
    ("AMBER+STRICT", None): (True, False, False),
    ("AMBER+STRICT", "AB"): (True, True, False),
    ("RED", None): (True, False, False),
    ("RED", "AB"): (True, False, False),
}


def test_the_table_covers_every_tlp_with_and_without_a_group():
    assert set(EXPECTED) == set(itertools.product(AUDIENCES, (None, "AB")))


@pytest.mark.parametrize(("tlp", "group"), list(EXPECTED))
def test_may_see_follows_the_table(tlp, group):
    seen = tuple(may_see(v, tlp=tlp, org="A", group=group) for v in (OWNER, MEMBER, OUTSIDER))
    assert seen == EXPECTED[(tlp, group)]
    assert may_see(LOCAL, tlp=tlp, org="A", group=group)


def test_an_unknown_level_is_treated_as_the_most_restricted():
    assert not may_see(MEMBER, tlp="PURPLE", org="A", group="AB")


def test_the_sql_of_every_read_agrees_with_the_table(store):
    accounts = AccountRepository(store)
    for org in ("A", "B", "C", "D"):
        accounts.add_org(org, "", Event("test", None, "org.create", org))
    accounts.add_group("AB", ["A", "B"], Event("test", None, "group.create", "AB"))
    accounts.add_group("CD", ["C", "D"], Event("test", None, "group.create", "CD"))
    incidents = IncidentRepository(store)
    ids = {}
    for n, (tlp, group) in enumerate(EXPECTED):
        draft = IncidentDraft(kind="seizure", title=f"{tlp} {group}", tlp=tlp, sharing_group=group)
        ids[(tlp, group)] = incidents.add(
            f"inc-{n}", "A", draft, [], Event("test", "A", "incident.create")
        ).incident.id
    for column, viewer in enumerate((OWNER, MEMBER, OUTSIDER)):
        listed = {s.incident.id for s in incidents.page(visibility=viewer, limit=100)[0]}
        expected = {ids[case] for case, row in EXPECTED.items() if row[column]}
        assert listed == expected, viewer
        assert incidents.count(visibility=viewer) == len(expected)
    assert incidents.count(visibility=LOCAL) == len(EXPECTED)
