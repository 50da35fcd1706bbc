"""The README is the manual: every command and option a user can type is documented there."""

from __future__ import annotations

import click
import pytest
import typer.main

from narcwatch.cli.app import app
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, cmd: click.Command) -> None:
        out.append((prefix, cmd))
        if isinstance(cmd, click.Group):
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
        if isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            if longest in ("--help",):
                continue
            assert f"`{longest}" in README, f"option {longest} of `{name}` missing from README.md"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_has_help(name, command):
    assert command.help, f"`narcwatch {name}` has no --help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{param.opts} of `{name}` has no help"
