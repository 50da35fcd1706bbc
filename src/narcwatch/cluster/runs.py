"""A cluster scan's run directory, ``HOME/runs/RUN/``: what was planned and what is done.

    manifest.json        the inputs, settings, files (size, mtime) and partitions planned
    parts/NNNNNN.parquet the findings of each finished partition (see cluster.arrow)
    done.jsonl           one line per finished partition: its input errors

Only the driver writes here, and in this order: the partition's findings are stored, then
its Parquet file is written (atomically), then its line is appended. A partition with a
line and a file is finished; ``--resume RUN`` analyses only the others. A partition
stopped between the store and its line is analysed again, which stores nothing twice (the
store is idempotent by document hash).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from narcwatch.cluster.partitions import Partition
from narcwatch.cluster.storage import FileStamp, stamp
from narcwatch.errors import UsageError

__all__ = ["ErrorRow", "RunDir", "RunPlan", "check_resumable", "new_run_id"]

# (position among the partition's items, source, location, reason): an InputError as data.
ErrorRow = tuple[int, str, str | None, str]

MANIFEST = "manifest.json"
VERSION = 1


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


@dataclass
class RunPlan:
    run: str
    inputs: list[str]
    settings: dict[str, Any]  # what must match to resume: format, fields, pipeline, sizes
    files: list[FileStamp]
    partitions: list[Partition]
    errors: list[tuple[str, str | None, str]] = field(default_factory=list)  # planning errors

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "run": self.run,
            "inputs": self.inputs,
            "settings": self.settings,
            "files": [asdict(f) for f in self.files],
            "partitions": [asdict(p) for p in self.partitions],
            "errors": [list(e) for e in self.errors],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunPlan:
        return cls(
            run=data["run"],
            inputs=list(data["inputs"]),
            settings=dict(data["settings"]),
            files=[FileStamp(**f) for f in data["files"]],
            partitions=[Partition(**p) for p in data["partitions"]],
            errors=[(e[0], e[1], e[2]) for e in data.get("errors", [])],
        )


class RunDir:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts = path / "parts"
        self.done_log = path / "done.jsonl"

    @classmethod
    def create(cls, runs: Path, plan: RunPlan) -> RunDir:
        run = cls(runs / plan.run)
        run.parts.mkdir(parents=True, exist_ok=False)
        tmp = run.path / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(plan.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, run.path / MANIFEST)
        return run

    @classmethod
    def open(cls, runs: Path, run_id: str) -> tuple[RunDir, RunPlan]:
        run = cls(runs / run_id)
        path = run.path / MANIFEST
        if not run_id or "/" in run_id or run_id.startswith(".") or not path.is_file():
            known = (
                sorted(p.name for p in runs.iterdir() if (p / MANIFEST).is_file())
                if runs.is_dir()
                else []
            )
            raise UsageError(f"no run {run_id!r} under {runs}", value=run_id, options=known[-10:])
        try:
            plan = RunPlan.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: not a narcwatch run manifest ({exc})") from None
        return run, plan

    def part_path(self, index: int) -> Path:
        return self.parts / f"{index:06d}.parquet"

    def finished(self) -> dict[int, list[ErrorRow]]:
        """Finished partitions and their input errors (with their positions among the
        partition's items). A line cut short by a crash is not a finished partition."""
        done: dict[int, list[ErrorRow]] = {}
        if not self.done_log.is_file():
            return done
        for line in self.done_log.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                index = int(record["partition"])
                errors = [(int(e[0]), e[1], e[2], e[3]) for e in record["errors"]]
            except (ValueError, KeyError, TypeError, IndexError):
                continue
            if self.part_path(index).is_file():
                done[index] = errors
        return done

    def mark_done(self, finished: list[tuple[int, list[ErrorRow]]]) -> None:
        """Record partitions as finished (one write and one fsync for all of them)."""
        lines = "".join(
            json.dumps({"partition": index, "errors": errors}, ensure_ascii=False) + "\n"
            for index, errors in finished
        )
        with self.done_log.open("a", encoding="utf-8") as fh:
            fh.write(lines)
            fh.flush()
            os.fsync(fh.fileno())


def check_resumable(plan: RunPlan, inputs: list[str], settings: dict[str, Any]) -> None:
    """A resumed run must read the same files with the same settings, or its output would
    mix two scans: a UsageError says what differs."""
    if inputs != plan.inputs:
        raise UsageError(
            f"run {plan.run} scanned {' '.join(plan.inputs)}, not {' '.join(inputs)}: "
            "resume it with the same inputs"
        )
    for key in sorted(set(settings) | set(plan.settings)):
        if settings.get(key) != plan.settings.get(key):
            raise UsageError(
                f"run {plan.run} ran with {key} = {plan.settings.get(key)!r}, not "
                f"{settings.get(key)!r}: resume it with the same options"
            )
    for planned in plan.files:
        try:
            now = stamp(planned.path)
        except OSError:
            raise UsageError(f"run {plan.run}: {planned.path} is gone") from None
        if now != planned:
            raise UsageError(f"run {plan.run}: {planned.path} changed since the run started")
