"""Fixtures shared by every test package: the CLI as a user runs it, the output contract."""

from __future__ import annotations

import io
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest

from narcwatch.schemas import finding_schema

# Every pipeline the suite builds runs in check mode: a component touching a Doc attribute
# it did not declare fails the test that ran it (set before any test, and inherited by the
# CLI subprocesses and worker processes the tests start).
os.environ.setdefault("NARCWATCH_CHECK_COMPONENTS", "1")

PG_HOST, PG_PORT = "127.0.0.1", 5432


def require_postgres() -> None:
    """PostgreSQL at 127.0.0.1:5432 or this test does not run: a failure under CI (``CI``
    set), where the server must be up, and a skip with the reason elsewhere."""
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=2).close()
    except OSError:
        message = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI needs it)")
        pytest.skip(message)


ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def findings(self) -> list[dict]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh NARCWATCH_HOME for each test, so no test sees another's store."""
    path = tmp_path / "home"
    monkeypatch.setenv("NARCWATCH_HOME", str(path))
    return path


@pytest.fixture
def cli(home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``narcwatch ARGS...`` in-process through the real entry point."""
    from narcwatch.cli.app import main

    def run(*args: str, stdin: bytes | None = None) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["narcwatch", *args])
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture(scope="session")
def finding_validator() -> jsonschema.protocols.Validator:
    schema = finding_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture
def validate_findings(finding_validator):
    """Validate every finding against the shipped JSON Schema; return them."""

    def check(findings: list[dict]) -> list[dict]:
        for f in findings:
            errors = sorted(finding_validator.iter_errors(f), key=str)
            assert not errors, f"{f['doc']['source']} {f['doc']['location']}: {errors[0]}"
        return findings

    return check


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (clone with ../shared beside it)")
    return SHARED_DATA
