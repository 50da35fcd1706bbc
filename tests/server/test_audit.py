"""The audit log: every write and login is an entry; changing, removing or reordering any
entry is found by ``narcwatch audit verify``, which names the first broken entry."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from narcwatch.results.incident import IncidentDraft
from narcwatch.results.share import IncidentPatch
from tests.server.conftest import draft


def _populate(hub) -> str:
    made = hub.service.create_incident(hub.caller("a"), IncidentDraft(**draft()))
    hub.service.update_incident(hub.caller("a"), made.incident.id, IncidentPatch(title="t2"))
    return made.incident.id


def test_every_write_is_in_the_chain(hub):
    incident = _populate(hub)
    report = hub.service.verify_audit()
    assert report.ok and report.first_broken is None
    from narcwatch.store.audit import AuditRepository

    entries = list(AuditRepository(hub.service.store).entries())
    assert report.entries == len(entries)
    actions = [e.action for e in entries]
    assert actions[:4] == ["org.create"] * 3 + ["group.create"]
    assert actions.count("user.create") == actions.count("token.create") == 4
    assert actions[-2:] == ["incident.create", "incident.update"]
    assert entries[-1].target == incident and entries[-1].actor == "a@a.example"
    assert entries[-1].detail["token_id"] == hub.caller("a").token_id
    assert all(hub.tokens["a"] not in e.model_dump_json() for e in entries)


@pytest.mark.parametrize(
    ("tamper", "broken", "reason"),
    [
        ("UPDATE audit_log SET actor = 'someone@else' WHERE seq = 5", 5, "content"),
        ("UPDATE audit_log SET detail = '{}' WHERE seq = 12", 12, "content"),
        ("DELETE FROM audit_log WHERE seq = 7", 8, "sequence"),
        ("UPDATE audit_log SET prev = hash WHERE seq = 9", 9, "link"),
    ],
)
def test_tampering_is_found_at_the_first_broken_entry(hub, tamper, broken, reason):
    _populate(hub)
    with hub.service.store.engine.begin() as conn:
        conn.execute(text(tamper))
    report = hub.service.verify_audit()
    assert not report.ok
    assert report.first_broken == broken
    assert reason in report.reason


def test_a_rewritten_entry_with_a_recomputed_hash_still_breaks_the_next_link(hub):
    _populate(hub)
    from narcwatch.store.audit import AuditRepository

    entry = next(e for e in AuditRepository(hub.service.store).entries() if e.seq == 6)
    forged = entry.model_copy(update={"actor": "forger"})
    forged = forged.model_copy(update={"hash": forged.chain_hash()})
    with hub.service.store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = :a, hash = :h WHERE seq = 6"),
                     {"a": "forger", "h": forged.hash})  # fmt: skip
    report = hub.service.verify_audit()
    assert (report.ok, report.first_broken) == (False, 7)


def test_concurrent_writers_never_fork_the_chain(hub):
    from concurrent.futures import ThreadPoolExecutor

    callers = [hub.caller(w) for w in ("a", "b", "c")]

    def write(i: int) -> str:
        made = hub.service.create_incident(callers[i % 3], IncidentDraft(**draft(title=f"t{i}")))
        return made.incident.id

    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(write, range(24)))
    assert len(set(ids)) == 24
    report = hub.service.verify_audit()
    assert report.ok, report
    from narcwatch.store.audit import AuditRepository

    creates = [e for e in AuditRepository(hub.service.store).entries()
               if e.action == "incident.create"]  # fmt: skip
    assert sorted(e.target for e in creates) == sorted(ids)
