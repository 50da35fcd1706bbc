"""The README is the manual: every command and option a user can type is documented there."""

from __future__ import annotations

from typing import Any

import pytest
import typer.main

from narcwatch.cli.app import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, Any]]:
    group = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        out.append((prefix, cmd))
        if hasattr(cmd, "commands"):  # a group (typer vendors click: no isinstance)
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    for name, cmd in group.commands.items():
        walk(name, cmd)
    return out


COMMANDS = _commands()


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_and_options_are_in_readme(name, command):
    assert f"narcwatch {name}" in README, f"`narcwatch {name}` is not documented in README.md"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            longest = max(param.opts, key=len)
            if longest in ("--help",):
                continue
            assert f"`{longest}" in README, f"option {longest} of `{name}` missing from README.md"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_has_help(name, command):
    assert command.help, f"`narcwatch {name}` has no --help text"
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            assert param.help, f"{param.opts} of `{name}` has no help"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_help_screens_show_metavars_not_python_types(name, command):
    """`--help` showed `<list[str]>`, `<str>`, `<bool>` and `{inputs}...`."""
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for python_type in ("<str>", "<int>", "<float>", "<bool>", "<path>", "<list["):
        assert python_type not in result.output, f"`narcwatch {name} --help`: {python_type}"
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage
