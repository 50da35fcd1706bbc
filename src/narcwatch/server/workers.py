"""Worker processes for ``narcwatch serve --workers N`` on Linux, each with its own
listening socket on the same port (SO_REUSEPORT), so the kernel spreads connections
over the workers.

uvicorn's own supervisor shares one listening socket: whichever worker wakes first takes
a burst of new connections, and keep-alive clients stay where they landed. Measured with
50 clients opening their connections together, one of two workers held 38 of them, and
the read p95 was 4.7 times the p50 (bench_server.py, PostgreSQL). With a socket each,
the kernel hashes every new connection to one of them.

The supervisor restarts a worker that dies and stops them all on SIGINT or SIGTERM. Where
the platform balances no such sockets (not Linux), :func:`supported` is False and
``narcwatch serve`` uses uvicorn's supervisor.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from typing import Any

from narcwatch.errors import UsageError

__all__ = ["run_workers", "supported"]

log = logging.getLogger("narcwatch.server")
_RESTART_PAUSE = 1.0  # seconds between restarts of a worker that keeps dying


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _socket(host: str, port: int, *, share: bool = True) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if share:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = _socket(host, port)
    config = uvicorn.Config("narcwatch.server.app:app_from_env", factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Run ``workers`` uvicorn processes on ``host:port`` until SIGINT or SIGTERM.
    ``options``: uvicorn.Config keywords (log level, access log, ...)."""
    # Bind once here first, without SO_REUSEPORT: a port in use fails now, not in a worker
    # restarted forever, and a second server on the port (which could share it with
    # SO_REUSEPORT, and take half of this one's connections) is refused.
    try:
        _socket(host, port, share=False).close()
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    ctx = multiprocessing.get_context("spawn")
    procs: list[Any] = []
    stopping = False

    def start() -> Any:
        proc = ctx.Process(target=_worker, args=(host, port, options), daemon=False)
        proc.start()
        return proc

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        procs = [start() for _ in range(workers)]
        log.info("started %d workers on %s:%d (pids %s)", workers, host, port,
                 ", ".join(str(p.pid) for p in procs))  # fmt: skip
        while not stopping:
            time.sleep(0.2)
            for i, proc in enumerate(procs):
                if not proc.is_alive() and not stopping:
                    log.warning("worker %d exited (%s); restarting it", proc.pid, proc.exitcode)
                    time.sleep(_RESTART_PAUSE)
                    procs[i] = start()
    finally:
        for proc in procs:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
        for s, handler in previous.items():
            signal.signal(s, handler)
