"""Help screens a user can read: ``--db URL``, ``INPUTS...``, not ``<str>`` or ``{inputs}``.

Typer 0.29 prints each parameter's Python type (``<str>``, ``<list[str]>``, ``<bool>``) and
marks required arguments with braces (``{inputs}...``). Here options show a metavar
(``TEXT``, ``PATH``, ``N``; flags nothing), arguments their upper-case name, and usage
lines the usual ``INPUTS...`` / ``[NAME]``. Applied once, at CLI import; a Typer without
these hooks keeps its own rendering (the help-screen test then fails, not the CLI).
"""

from __future__ import annotations

import re
from typing import Any

from typer import core

_TYPE = re.compile(r"^<(?:list\[)?([a-z_ ]+?)(?: range)?\]?>$")
_NAMES = {"str": "TEXT", "int": "N", "float": "X", "path": "PATH", "file": "FILE"}


def _option_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return str(self.metavar)
    if getattr(self, "is_flag", False) or getattr(self, "count", False):
        return None
    assert _ORIGINAL_OPTION is not None  # install() only patches when it exists
    shown = _ORIGINAL_OPTION(self, ctx)
    match = _TYPE.match(str(shown or ""))
    if match is None:
        return shown  # choices ("a|b") and other forms are readable as they are
    name = _NAMES.get(match.group(1), match.group(1).upper())
    return name + ("..." if self.nargs != 1 or str(shown).startswith("<list[") else "")


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None  # the argument's name column already says what it is


def _argument_name(self: Any) -> str:
    name = str(self.metavar or self.name).upper()
    return name if self.metavar is not None or self.nargs == 1 else name + "..."


def _argument_usage(self: Any) -> str:
    name = _argument_name(self)
    return name if self.required else f"[{name}]"


_ORIGINAL_OPTION = getattr(core.TyperOption, "display_type_rich", None)


def install() -> None:
    """Patch Typer's help rendering (idempotent)."""
    if _ORIGINAL_OPTION is None or getattr(core.TyperOption, "_narcwatch_help", False):
        return
    core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    for name, func in (
        ("display_type_rich", _argument_type),
        ("_rich_display_name", _argument_name),
        ("_usage_display_name", _argument_usage),
    ):
        if hasattr(core.TyperArgument, name):
            setattr(core.TyperArgument, name, func)
    core.TyperOption._narcwatch_help = True  # type: ignore[attr-defined]
