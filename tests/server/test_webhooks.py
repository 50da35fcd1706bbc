"""Webhooks: alerts POSTed signed (HMAC-SHA256), in order, at least once, retried with
exponential backoff; each organisation receives only its alerts, as it may see them."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from narcwatch.results.incident import IncidentDraft
from narcwatch.share.webhooks import SIGNATURE, TIMESTAMP, backoff, verify
from tests.server.conftest import draft

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _share(hub, who: str, tlp: str, value: str) -> str:
    made = hub.service.create_incident(
        hub.caller(who),
        IncidentDraft(**draft(tlp=tlp, selectors=[{"type": "btc", "value": value}])),
    )
    return made.incident.id


class Receiver:
    """A fake receiver: answers the statuses given, in turn, and keeps what it got."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.got: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.got.append((url, body, headers))
        return self.statuses.pop(0) if self.statuses else 200


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(12) == backoff(50) == timedelta(hours=1)


def test_alerts_are_delivered_signed_in_order_and_retried_after_failure(hub):
    service = hub.service
    hook = service.create_webhook("A", "https://a.example/hook")
    mine = _share(hub, "a", "GREEN", "bc1qhook")
    _share(hub, "c", "AMBER+STRICT", "bc1qhook")  # A may not see C's incident

    receiver = Receiver(503)
    run = service.deliver_webhooks(receiver, T0)
    assert (run.delivered, run.failed) == (0, 1)
    assert service.deliver_webhooks(receiver, T0 + timedelta(seconds=9)).failed == 0  # not due
    assert len(receiver.got) == 1
    run = service.deliver_webhooks(receiver, T0 + timedelta(seconds=10))
    assert (run.delivered, run.failed) == (1, 0)

    url, body, headers = receiver.got[-1]
    assert url == "https://a.example/hook"
    assert verify(hook.secret, int(headers[TIMESTAMP]), body, headers[SIGNATURE])
    assert not verify("another secret", int(headers[TIMESTAMP]), body, headers[SIGNATURE])
    (alert,) = json.loads(body)["items"]
    assert (alert["org"], alert["incident"], alert["other_org"]) == ("A", mine, "C")
    assert alert["other"] is None and alert["contact"] == "desk@c.example"
    assert body == receiver.got[0][1]  # the retry sent the same alerts

    assert service.deliver_webhooks(receiver, T0 + timedelta(seconds=11)).delivered == 0
    _share(hub, "b", "GREEN", "bc1qhook")
    again = service.deliver_webhooks(receiver, T0 + timedelta(seconds=12))
    assert again.delivered == 1
    assert [a["other_org"] for a in json.loads(receiver.got[-1][1])["items"]] == ["B"]


def test_a_real_post_to_a_local_receiver(hub, cli, monkeypatch):
    got: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            got.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        monkeypatch.setenv("NARCWATCH_HOME", str(hub.ctx.home))
        db = ["--db", hub.ctx.database_url]
        made = cli("admin", "create-webhook", url, "--org", "B", *db)
        assert made.code == 0, made.stderr
        secret = json.loads(made.stdout)["secret"]
        _share(hub, "b", "GREEN", "bc1qreal")
        _share(hub, "c", "GREEN", "bc1qreal")
        sent = cli("admin", "deliver-webhooks", *db, "--format", "json")
        assert sent.code == 0, sent.stderr
        assert json.loads(sent.stdout) == {"delivered": 1, "failed": 0}
    finally:
        server.shutdown()
        thread.join()
    ((headers, body),) = got
    assert verify(secret, int(headers[TIMESTAMP]), body, headers[SIGNATURE])
    assert json.loads(body)["items"][0]["org"] == "B"
