"""Check mode: each component sees the Doc through a view that refuses undeclared access.

A component declares the Doc attributes it reads (``requires``, or ``optional`` for those it
reads when an earlier component set them and otherwise takes the Doc's default) and the ones
it writes (``sets``); keys of ``doc.features`` count as attributes named ``features.<key>``.
In check mode (``Pipeline(..., check=True)``, or ``NARCWATCH_CHECK_COMPONENTS=1``, which the
test suite sets) every step runs on a :class:`CheckedDoc`, so reading an undeclared attribute
or writing one the component does not set raises :class:`ComponentError` naming both. The
view also records what was read and written (``reads``, ``writes``) for tests that check the
declarations are not wider than the code.

Outside check mode components get the Doc itself: the check costs nothing in a scan.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.errors import ComponentError

CHECK_ENV = "NARCWATCH_CHECK_COMPONENTS"
DOC_ATTRIBUTES = frozenset(f.name for f in fields(Doc))
FEATURE = "features."


def check_mode(check: bool | None) -> bool:
    """``check`` when given, else whether ``NARCWATCH_CHECK_COMPONENTS`` is set (not "0")."""
    if check is not None:
        return check
    return os.environ.get(CHECK_ENV, "") not in ("", "0")


def valid_name(name: str) -> bool:
    """Whether ``name`` is something a component can declare: a Doc attribute, or
    ``features.<key>``."""
    if name.startswith(FEATURE):
        return len(name) > len(FEATURE)
    return name in DOC_ATTRIBUTES and name != "features"


class CheckedDoc:
    """The Doc as one component may see it (see the module docstring)."""

    __slots__ = ("_component", "_doc", "_may_read", "_may_write", "reads", "writes")

    def __init__(
        self,
        doc: Doc,
        component: str,
        may_read: frozenset[str],
        may_write: frozenset[str],
    ) -> None:
        object.__setattr__(self, "_doc", doc)
        object.__setattr__(self, "_component", component)
        object.__setattr__(self, "_may_read", may_read | may_write)
        object.__setattr__(self, "_may_write", may_write)
        object.__setattr__(self, "reads", set())
        object.__setattr__(self, "writes", set())

    def _read(self, name: str) -> None:
        self.reads.add(name)
        if name not in self._may_read:
            raise ComponentError(
                f"component {self._component!r} read doc.{name} without declaring it "
                f"(requires/optional/sets: {', '.join(sorted(self._may_read))})"
            )

    def _write(self, name: str) -> None:
        self.writes.add(name)
        if name not in self._may_write:
            raise ComponentError(
                f"component {self._component!r} wrote doc.{name}, which it does not declare "
                f"in sets ({', '.join(sorted(self._may_write)) or 'nothing'})"
            )

    def __getattr__(self, name: str) -> Any:
        if name == "features":
            return CheckedFeatures(self, self._doc.features)
        if name not in DOC_ATTRIBUTES:
            return getattr(self._doc, name)  # methods (to_finding...) and errors as usual
        self._read(name)
        return getattr(self._doc, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._write(name)
        setattr(self._doc, name, value)


class CheckedFeatures:
    """``doc.features`` as a component may see it: each key is checked on use."""

    __slots__ = ("_data", "_view")

    def __init__(self, view: CheckedDoc, data: dict[str, Any]) -> None:
        self._view = view
        self._data = data

    def __getitem__(self, key: str) -> Any:
        self._view._read(FEATURE + key)
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._view._read(FEATURE + key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._view._read(f"{FEATURE}{key}")
        return key in self._data

    def __setitem__(self, key: str, value: Any) -> None:
        self._view._write(FEATURE + key)
        self._data[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._view._write(FEATURE + key)
        return self._data.setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._view._write(FEATURE + key)
        return self._data.pop(key, *default)

    def __delitem__(self, key: str) -> None:
        self._view._write(FEATURE + key)
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        for key in list(self._data):
            self._view._read(FEATURE + key)
            yield key

    def __len__(self) -> int:
        return len(list(iter(self)))
