"""How far through its inputs a scan is, in bytes: for a progress bar with a total and ETA.

    meter = ByteMeter.for_inputs(["dump/", "big.jsonl.gz"])   # sizes from the file system
    for item in read_inputs(inputs, None, options, meter=meter): ...
    meter.done, meter.total                                   # bytes read, bytes in all

Counting is the position of the file being read (compressed bytes for gzip, as the sizes
are) plus the sizes of the files finished, so it costs one ``tell()`` per look, not a
wrapper around every read. Standard input has no size: the total is then None.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

__all__ = ["ByteMeter"]


class ByteMeter:
    def __init__(self, total: int | None) -> None:
        self.total = total
        self._finished = 0
        self._current: BinaryIO | None = None

    @classmethod
    def for_inputs(cls, inputs: Sequence[str]) -> ByteMeter:
        """A meter whose total is the size of every file ``inputs`` names (None with stdin).
        Directories are walked as the readers walk them; what cannot be read counts 0."""
        from narcwatch.ingest.sources import walk_files

        total = 0
        for item in inputs:
            if item == "-":
                return cls(None)
            path = Path(item)
            files = walk_files(path) if path.is_dir() else [path]
            for file in files:
                if isinstance(file, Path):
                    with contextlib.suppress(OSError):
                        total += os.stat(file).st_size
        return cls(total)

    def start(self, stream: BinaryIO) -> None:
        self._current = stream

    def finish(self, stream: BinaryIO) -> None:
        if self._current is stream:
            self._finished += self._position(stream)
            self._current = None

    def add(self, size: int) -> None:
        """Count ``size`` bytes read elsewhere (a partition a cluster worker finished)."""
        self._finished += size

    @staticmethod
    def _position(stream: BinaryIO) -> int:
        try:
            return stream.tell()
        except (OSError, ValueError):
            return 0

    @property
    def done(self) -> int:
        current = self._position(self._current) if self._current is not None else 0
        return self._finished + current
