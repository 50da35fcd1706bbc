"""New alerts are signalled: in the storing process at once, and on PostgreSQL to every
process listening (LISTEN/NOTIFY), which is how alert streams of every server worker
wake without polling."""

from __future__ import annotations

import threading

import pytest

from narcwatch.results.incident import IncidentDraft
from narcwatch.store import Store
from narcwatch.store.accounts import AccountRepository
from narcwatch.store.alerts import AlertDraft, AlertRepository
from narcwatch.store.audit import Event
from narcwatch.store.incidents import IncidentRepository
from narcwatch.store.notify import AlertListener, AlertSignal

WAIT = 30.0  # seconds a signal may take: only reached when it is never sent


def _two_incidents(store: Store) -> tuple[int, int]:
    accounts = AccountRepository(store)
    for org in ("A", "B"):
        accounts.add_org(org, "", Event("test", None, "org.create", org))
    repo = IncidentRepository(store)
    pks = []
    for org in ("A", "B"):
        draft = IncidentDraft(kind="seizure", title=org, tlp="GREEN")
        pks.append(repo.add(f"inc-{org}", org, draft, [], Event("t", org, "c", org)).pk)
    return pks[0], pks[1]


def _alert(a: int, b: int) -> AlertDraft:
    return AlertDraft(org="A", incident_pk=a, other_pk=b, match_kind="selector",
                      ident="x" * 32, value="btc:bc1q")  # fmt: skip


def test_storing_alerts_signals_this_process_once_per_write(store):
    a, b = _two_incidents(store)
    fired: list[int] = []
    unsubscribe = store.alert_signal.subscribe(lambda: fired.append(1))
    alerts = AlertRepository(store)
    assert alerts.add([_alert(a, b)]) == 1
    assert alerts.add([_alert(a, b)]) == 0  # nothing new: no signal
    assert fired == [1]
    unsubscribe()
    alerts.add([AlertDraft(org="B", incident_pk=b, other_pk=a, match_kind="selector",
                           ident="y" * 32, value="btc:bc1q")])  # fmt: skip
    assert fired == [1]


def test_a_listener_does_nothing_without_postgresql(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'n.db'}")
    assert AlertListener(store.engine, AlertSignal()).start() is False
    store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_alerts_stored_by_another_process_wake_the_listener(store):
    a, b = _two_incidents(store)
    # Another engine on the same database: what another worker process has.
    reader = Store.open(store.engine.url.render_as_string(hide_password=False))
    woken = threading.Event()
    signal = AlertSignal()
    signal.subscribe(woken.set)
    listener = AlertListener(reader.engine, signal)
    try:
        assert listener.start()
        assert listener.listening.wait(WAIT)
        AlertRepository(store).add([_alert(a, b)])
        assert woken.wait(WAIT), "no notification reached the listener"
    finally:
        listener.stop()
        reader.close()
