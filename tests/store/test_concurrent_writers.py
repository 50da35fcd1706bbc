"""Two scans into one home at once: both succeed, nothing is stored twice.

Was: on a fresh home "table documents already exists"; on an existing one a raw
``UNIQUE constraint failed`` traceback. Real processes, not threads: the races are
between connections of different processes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from narcwatch.store import Store
from tests.conftest import EXAMPLES


def _scan_at_once(home: Path, *extra: str, runs: int = 3) -> list[subprocess.CompletedProcess]:
    command = [sys.executable, "-m", "narcwatch", "scan", str(EXAMPLES), "--home", str(home)]
    procs = [
        subprocess.Popen(
            [*command, "-q", "-o", str(home.parent / f"out{n}.jsonl"), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(runs)
    ]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


@pytest.mark.parametrize("link", [False, True], ids=["store", "store-and-link"])
def test_concurrent_scans_into_a_fresh_home(tmp_path: Path, link: bool) -> None:
    home = tmp_path / "home"
    extra = () if link else ("--no-link",)
    for attempt in range(2):  # a fresh home, then the same home again
        for run in _scan_at_once(home, *extra):
            assert run.returncode == 0, f"round {attempt}: {run.stderr}"
        with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store:
            findings = list(store.findings(latest_only=False))
        assert len(findings) == len({f.doc.id for f in findings}) == 23
