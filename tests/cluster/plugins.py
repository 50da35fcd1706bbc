"""Worker plugins the cluster tests register: they run inside Dask worker processes."""

from __future__ import annotations

import os
from typing import Any

from distributed import WorkerPlugin


class KillOnce(WorkerPlugin):
    """Kills its worker process (as ``kill -9`` would: no clean-up) when a partition task
    starts executing there after ``after`` partitions ran on the cluster. ``marker`` is
    created atomically by the one worker that dies, so exactly one worker dies, once; the
    nanny restarts it and the scheduler gives its tasks to the workers left."""

    name = "narcwatch-test-kill-once"

    def __init__(self, marker: str, counter: str, after: int) -> None:
        self.marker = marker
        self.counter = counter  # a folder: one file per partition task started
        self.after = after

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith("narcwatch-partition-"):
            return
        started = len(os.listdir(self.counter))
        open(os.path.join(self.counter, f"{os.getpid()}-{started}"), "w").close()
        if started < self.after:
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(key).encode())
        os.close(fd)
        os._exit(1)
