"""Start-up cost of the CLI: CPU seconds of whole commands, against bare Python.

    python benchmarks/bench_startup.py [--runs 7]

Times, as whole processes in one run (minimum and median of ``--runs``, user + system CPU
of the child, so a busy machine does not inflate it):

* ``python -c pass``: the interpreter alone (the baseline);
* ``python -c "import typer"``: the CLI framework alone;
* ``narcwatch --help`` and ``narcwatch scan --help``: target < 0.3 s CPU;
* ``narcwatch kb search cocaine``: target < 0.3 s CPU (knowledge base from the cache).

Each figure is also given as a ratio to the baseline. ``python -X importtime -m narcwatch
--help`` shows where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile

COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "import typer": [sys.executable, "-c", "import typer"],
    "narcwatch --help": [sys.executable, "-m", "narcwatch", "--help"],
    "narcwatch scan --help": [sys.executable, "-m", "narcwatch", "scan", "--help"],
    "narcwatch kb search cocaine": [sys.executable, "-m", "narcwatch", "kb", "search", "cocaine"],
}


def cpu_of(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NARCWATCH_HOME": home, "COLUMNS": "100"}
        for command in COMMANDS.values():  # warm: page cache, .pyc files, the KB cache
            subprocess.run(command, check=True, capture_output=True, env=env)
        figures = {
            name: [cpu_of(command, env) for _ in range(args.runs)]
            for name, command in COMMANDS.items()
        }
    base = statistics.median(figures["python -c pass (baseline)"])
    print(f"{'command':32} {'min CPU s':>10} {'median':>8} {'x baseline':>10}")
    for name, runs in figures.items():
        median = statistics.median(runs)
        print(f"{name:32} {min(runs):10.3f} {median:8.3f} {median / base:10.1f}")


if __name__ == "__main__":
    main()
