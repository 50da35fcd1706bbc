"""Which Dask cluster a scan runs on: ``local[:N]`` (started here) or a scheduler address.

``local`` starts a ``distributed.LocalCluster`` of N single-threaded worker processes (one
per CPU without N) and closes it after the run; ``tcp://host:8786`` (or ``tls://``, or a
scheduler file ``*.json``) connects to a cluster someone else runs and leaves it running.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from narcwatch.errors import UsageError

__all__ = ["connect", "dashboard", "parse_cluster", "worker_threads"]

_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://")


def parse_cluster(spec: str) -> tuple[str, int | str]:
    """("local", workers) or ("address", address); a UsageError says what is accepted."""
    if spec == "local" or spec.startswith("local:"):
        count = spec.partition(":")[2]
        if not count:
            return "local", os.cpu_count() or 1
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--cluster {spec!r}: local:N takes a number of workers, N >= 1")
        return "local", int(count)
    if spec.startswith(_SCHEMES) or spec.endswith(".json"):
        return "address", spec
    raise UsageError(
        f"unknown --cluster {spec!r}: local, local:N, tcp://HOST:PORT or a scheduler file",
        value=spec,
        options=["local", "local:N", "tcp://HOST:8786", "scheduler.json"],
    )


@contextmanager
def connect(spec: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``spec``, closed (with a local cluster) on exit."""
    from distributed import Client, LocalCluster

    kind, value = parse_cluster(spec)
    if kind == "local":
        assert isinstance(value, int)
        cluster = LocalCluster(
            n_workers=value,
            threads_per_worker=1,  # analysis is CPU-bound Python: processes, not threads
            processes=True,
            dashboard_address=":0",  # any free port: several runs may share a machine
            silence_logs=logging.ERROR,
        )
        try:
            with Client(cluster) as client:
                client.wait_for_workers(value)  # all of them: the window is sized by them
                yield client
        finally:
            cluster.close()
        return
    assert isinstance(value, str)
    try:
        if value.endswith(".json"):
            client = Client(scheduler_file=value, timeout=30)
        else:
            client = Client(value, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {value}: {exc}") from None
    with client:
        yield client


def worker_threads(client: Any) -> int:
    """Threads across the cluster's workers now (at least 1)."""
    info = client.scheduler_info()
    return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))


def dashboard(client: Any) -> str | None:
    """The dashboard's address, or None where it is not served (bokeh not installed)."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return None
    link = client.dashboard_link
    return str(link) if link else None
