"""A real narcwatch server for tests: uvicorn on 127.0.0.1 in a thread, over a service."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from narcwatch.jobs.share import ShareService


@contextmanager
def serving(service: ShareService) -> Iterator[str]:
    """The server's base URL while the block runs (readiness is uvicorn's ``started``,
    not a delay)."""
    uvicorn = pytest.importorskip("uvicorn")
    from narcwatch.server import ServerSettings, create_app

    app = create_app(ServerSettings(webhook_seconds=0), service=service)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(2400):  # a bound against a hang (2 min), not a margin
            if server.started:
                break
            assert thread.is_alive(), "uvicorn stopped"
            time.sleep(0.05)
        assert server.started
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
