"""``narcwatch serve`` for real: uvicorn on 127.0.0.1, a free port, httpx as the client.

On PostgreSQL it runs two worker processes: an alert raised by whichever worker handles
the write reaches a stream held open on any worker (streams read alerts from the
database, woken by LISTEN/NOTIFY). Streams poll only once an hour here (``--poll
3600``), so an alert that arrives came by the wake-up, not by a poll.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.server.conftest import draft


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, server: subprocess.Popen, deadline_s: float = 120.0) -> None:
    """Readiness, not timing: poll /health until it answers (or the server exits)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if server.poll() is not None:
            raise AssertionError(f"narcwatch serve exited: {server.stderr.read().decode()}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("narcwatch serve did not come up")


@pytest.fixture
def served(hub, db_url, tmp_path):
    port = _free_port()
    workers = "2" if db_url.startswith("postgresql") else "1"
    env = {**os.environ, "NARCWATCH_HOME": str(hub.ctx.home)}
    env.pop("NARCWATCH_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "narcwatch", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", db_url, "--workers", workers, "--poll", "3600"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_two_organisations_share_and_get_a_live_alert(served, hub):
    h = hub.headers
    wallet = [{"type": "btc", "value": "bc1qlive"}]
    with (
        httpx.Client(base_url=served, timeout=30) as a,
        httpx.Client(base_url=served, timeout=30) as c,
    ):
        assert a.get("/api/v1/health").json()["status"] == "ok"
        mine = a.post("/api/v1/incidents", json=draft(tlp="AMBER", selectors=wallet),
                      headers=h["a"])  # fmt: skip
        assert mine.status_code == 201, mine.text
        with a.stream("GET", "/api/v1/alerts/stream?limit=1", headers=h["a"]) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            # Raised while A's stream is open (on any worker).
            theirs = c.post("/api/v1/incidents", json=draft(tlp="GREEN", selectors=wallet),
                            headers=h["c"])  # fmt: skip
            assert theirs.json()["alerts_raised"] == 2
            events = [json.loads(line[6:]) for line in stream.iter_lines()
                      if line.startswith("data: ")]  # fmt: skip
        assert [e["other"]["id"] for e in events] == [theirs.json()["incident"]["id"]]
        # C sees A's AMBER incident (no sharing group: every organisation), B too
        got = c.get(f"/api/v1/incidents/{mine.json()['incident']['id']}", headers=h["c"])
        assert got.status_code == 200
        assert a.get("/api/v1/incidents", headers={"Authorization": "Bearer x"}).status_code == 401


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_workers_each_take_a_share_of_the_connections_and_a_dead_one_is_replaced(
    served, db_url, tmp_path
):
    """Two workers, a listening socket each (SO_REUSEPORT): 40 keep-alive connections
    opened at once land on both (one socket shared by all gave one worker 38 of 50), a
    second server on the port is refused, and a worker killed is started again."""
    import psutil

    port = int(served.rsplit(":", 1)[1])

    def holders() -> dict[int, int]:
        found: dict[int, int] = {}
        for proc in psutil.process_iter():
            try:
                mine = [c for c in proc.net_connections("tcp") if c.laddr]
                n = sum(1 for c in mine if c.laddr.port == port and c.status == "ESTABLISHED")
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if n:
                found[proc.pid] = n
        return found

    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
    try:
        end = time.monotonic() + 30
        while sum(holders().values()) < 40 and time.monotonic() < end:
            time.sleep(0.1)  # readiness: until the workers have accepted them all
        held = holders()
        assert sum(held.values()) == 40 and len(held) == 2, held
    finally:
        for c in clients:
            c.close()
    # A second server on the same port is refused (SO_REUSEPORT would let it take half).
    second = subprocess.run(
        [sys.executable, "-m", "narcwatch", "serve", "--port", str(port), "--workers", "2",
         "--db", db_url, "--home", str(tmp_path / "other")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert second.returncode == 2 and "cannot listen on" in second.stderr, second.stderr
    victim = next(iter(held))
    psutil.Process(victim).kill()
    end = time.monotonic() + 120
    while time.monotonic() < end:  # readiness: a new worker answers beside the other
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{served}/api/v1/health", timeout=5).status_code == 200:
                later = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
                time.sleep(0.5)
                now = holders()
                for c in later:
                    c.close()
                if len(now) == 2 and victim not in now:
                    return
        time.sleep(0.5)
    raise AssertionError("the killed worker was not replaced")
