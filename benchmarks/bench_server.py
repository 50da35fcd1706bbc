"""Sharing-server speed (issue 17): correlation against many selectors, then HTTP reads
and writes with concurrent clients on 127.0.0.1.

    .venv/bin/python benchmarks/bench_server.py                       # SQLite, defaults
    .venv/bin/python benchmarks/bench_server.py --db postgresql+psycopg://postgres@127.0.0.1/test \
        --incidents 100000 --selectors 10 --clients 50 --workers 2

1. Load: ``--incidents`` incidents of 10 organisations with ``--selectors`` selectors each
   (bulk-inserted rows, as the server stores them, with their correlation keys); 1 in 50
   selector values is shared by several organisations so matches exist.
2. Correlation: 200 new incidents created through the job (insert, keys, audit entry,
   correlation, alerts), half of them sharing a stored value; the correlation step alone
   is timed too (its indexed lookups against every stored key).
3. HTTP: ``narcwatch serve`` in a subprocess, ``--clients`` concurrent asyncio clients
   (one process, HTTP/1.1 written by hand on keep-alive connections) for ``--seconds``
   each: GET /health (the framework's floor, half as long), GET /incidents/{id} of
   visible incidents, then POST /incidents. Prints requests/s, p50/p95/p99 latency (ms)
   and the CPU per request of the server's processes and of the load generator, which
   shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ORGS = [f"org{i}" for i in range(10)]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _wallet(rng: random.Random) -> str:
    return "bc1q" + "".join(rng.choices("023456789acdefghjklmnpqrstuvwxyz", k=38))


def load(service, n_incidents: int, n_selectors: int, seed: int = 7) -> dict:  # type: ignore[no-untyped-def]
    """Bulk-insert incidents and their keys the way the repository stores them."""
    from sqlalchemy import insert

    from narcwatch.results.incident import IncidentDraft
    from narcwatch.share.keys import incident_keys
    from narcwatch.store.share_tables import IncidentKeyRow, IncidentRow

    rng = random.Random(seed)
    shared = [_wallet(rng) for _ in range(max(1, n_incidents * n_selectors // 50))]
    now = datetime.now(UTC)
    start = time.perf_counter()
    batch = 2000
    keys_total = 0
    with service.store.engine.begin() as conn:
        for first in range(0, n_incidents, batch):
            rows, drafts = [], []
            for i in range(first, min(n_incidents, first + batch)):
                selectors = [
                    {"type": "btc", "value": rng.choice(shared) if rng.random() < 0.02
                     else _wallet(rng)}
                    for _ in range(n_selectors)
                ]  # fmt: skip
                draft = IncidentDraft(
                    kind="online_offer", title=f"bench {i}", tlp=rng.choice(["GREEN", "AMBER"]),
                    selectors=selectors, substances=[{"id": "cocaine"}],
                )  # fmt: skip
                drafts.append(draft)
                rows.append({
                    "id": f"inc-bench{i:08d}", "org": ORGS[i % len(ORGS)], "kind": "online_offer",
                    "tlp": draft.tlp.value, "sharing_group": None, "status": "open",
                    "title": draft.title, "body": draft.model_dump_json(), "created": now,
                    "updated": now,
                })  # fmt: skip
            pks = conn.execute(insert(IncidentRow).returning(IncidentRow.pk), rows).scalars()
            key_rows = []
            for pk, row, draft in zip(pks, rows, drafts, strict=True):
                for k in incident_keys(draft):
                    key_rows.append({"incident_pk": pk, "org": row["org"], "kind": k.kind,
                                     "ident": k.ident, "value": k.value})  # fmt: skip
            conn.execute(insert(IncidentKeyRow), key_rows)
            keys_total += len(key_rows)
    if service.store.engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load anyway, done now rather than during the
        # HTTP phase (where it took the CPU the server was being measured on).
        from sqlalchemy import text

        with service.store.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM ANALYZE incidents, incident_keys"))
    return {
        "incidents": n_incidents,
        "keys": keys_total,
        "load_s": round(time.perf_counter() - start, 1),
        "shared": shared,
    }


def correlation(service, shared: list[str], n: int = 200, seed: int = 11) -> dict:  # type: ignore[no-untyped-def]
    from narcwatch.results.incident import IncidentDraft
    from narcwatch.share.correlate import correlate
    from narcwatch.share.keys import incident_keys

    rng = random.Random(seed)
    callers = [service.authenticate(t) for t in _TOKENS.values()]
    create_ms, correlate_ms, alerts = [], [], 0
    for i in range(n):
        selectors = [{"type": "btc", "value": _wallet(rng)} for _ in range(9)]
        if i % 2 == 0:
            selectors.append({"type": "btc", "value": rng.choice(shared)})
        draft = IncidentDraft(kind="seizure", title=f"new {i}", tlp="GREEN", selectors=selectors)
        caller = callers[i % len(callers)]
        t0 = time.perf_counter()
        written = service.create_incident(caller, draft)
        create_ms.append((time.perf_counter() - t0) * 1000)
        alerts += written.alerts_raised
        stored = service.incidents.get(written.incident.id, visibility=caller.visibility)
        t0 = time.perf_counter()  # again: alerts exist now, so this is the lookups alone
        correlate(service.alerts, incident_pk=stored.pk, org=caller.org, tlp="GREEN",
                  keys=incident_keys(draft))  # fmt: skip
        correlate_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "creates": n,
        "create_per_s": round(n / (sum(create_ms) / 1000), 1),
        "create_p50_ms": round(_pct(create_ms, 0.5), 2),
        "create_p95_ms": round(_pct(create_ms, 0.95), 2),
        "correlate_p50_ms": round(_pct(correlate_ms, 0.5), 2),
        "correlate_p95_ms": round(_pct(correlate_ms, 0.95), 2),
        "alerts_raised": alerts,
    }


_TOKENS: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Conn:
    """One keep-alive HTTP/1.1 connection, written and read by hand: the load generator
    must cost the shared cores as little as it can (httpx spends about 1 ms of CPU a
    request, as much as the server's own work)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> _Conn:
        return cls(*await asyncio.open_connection(host, port))

    async def request(self, raw: bytes) -> int:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


def _raw(method: str, path: str, token: str, body: bytes | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def _cpu(pid: int) -> float:
    """CPU seconds of the server process and its children (uvicorn's workers)."""
    import psutil

    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


async def _hammer(port: int, clients: int, seconds: float, make, server_pid: int) -> dict:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = 0
    conns = [await _Conn.open("127.0.0.1", port) for _ in range(clients)]
    end = time.perf_counter() + seconds

    async def one(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        while time.perf_counter() < end:
            raw = make(rng)
            t0 = time.perf_counter()
            try:
                errors += await conns[n].request(raw) >= 400
            except (OSError, asyncio.IncompleteReadError):
                errors += 1
                conns[n] = await _Conn.open("127.0.0.1", port)
            latencies.append((time.perf_counter() - t0) * 1000)

    cpu0, own0 = _cpu(server_pid), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(clients)))
    took = time.perf_counter() - t0
    server_cpu, own_cpu = _cpu(server_pid) - cpu0, time.process_time() - own0
    for conn in conns:
        conn.close()
    n = max(1, len(latencies))
    return {
        "requests": len(latencies),
        "per_s": round(len(latencies) / took, 1),
        "p50_ms": round(_pct(latencies, 0.5), 1),
        "p95_ms": round(_pct(latencies, 0.95), 1),
        "p99_ms": round(_pct(latencies, 0.99), 1),
        "errors": errors,
        "server_cpu_ms_per_request": round(server_cpu * 1000 / n, 2),
        "generator_cpu_ms_per_request": round(own_cpu * 1000 / n, 2),
    }


def http(home: Path, db: str, n_incidents: int, args: argparse.Namespace) -> dict:
    import httpx

    port = _free_port()
    env = {**os.environ, "NARCWATCH_HOME": str(home)}
    log = (home / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "narcwatch", "serve", "--port", str(port), "--db", db,
         "--workers", str(args.workers), "--rate-limit", "0", "--webhook-every", "0"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        token = _TOKENS["org0"]
        reads_raw = [
            _raw("GET", f"/api/v1/incidents/inc-bench{i:08d}", token) for i in range(n_incidents)
        ]

        def read(rng: random.Random) -> bytes:
            return rng.choice(reads_raw)

        def write(rng: random.Random) -> bytes:
            selectors = [{"type": "btc", "value": _wallet(rng)} for _ in range(5)]
            body = {"kind": "online_offer", "title": "load", "tlp": "GREEN", "selectors": selectors}
            return _raw("POST", "/api/v1/incidents", token, json.dumps(body).encode())

        def health(rng: random.Random) -> bytes:
            return _raw("GET", "/api/v1/health", token)

        pid = server.pid
        floor = asyncio.run(_hammer(port, args.clients, args.seconds / 2, health, pid))
        reads = asyncio.run(_hammer(port, args.clients, args.seconds, read, pid))
        writes = asyncio.run(_hammer(port, args.clients, args.seconds, write, pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        errors = [line for line in (home / "serve.log").read_text().splitlines()
                  if "Error" in line or "error" in line]  # fmt: skip
        if errors:
            print("server log:", *errors[-5:], sep="\n  ", file=sys.stderr)
    return {"health": floor, "reads": reads, "creates": writes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file in a temp home)")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--selectors", type=int, default=10, help="selectors per incident")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="per HTTP phase")
    parser.add_argument("--workers", type=int, default=1, help="narcwatch serve --workers")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP phase")
    args = parser.parse_args()

    from narcwatch.jobs.context import Context
    from narcwatch.jobs.share import ShareService

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        ctx = Context.build(home=home, db=args.db)
        with ShareService.open(ctx) as service:
            for org in ORGS:
                service.create_org(org)
                service.create_user(f"u@{org}.example", org, "analyst", "benchmark password")
                _TOKENS[org] = service.create_token(f"u@{org}.example").token
            loaded = load(service, args.incidents, args.selectors)
            shared = loaded.pop("shared")
            result = {"database": service.database, "load": loaded}
            result["correlation"] = correlation(service, shared)
            print(json.dumps(result), file=sys.stderr, flush=True)  # kept if HTTP fails
        if not args.no_http:
            result["http"] = http(home, ctx.database_url, args.incidents, args)
            result["http"]["clients"] = args.clients
            result["http"]["workers"] = args.workers
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
