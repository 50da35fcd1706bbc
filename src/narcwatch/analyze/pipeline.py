"""The analysis pipeline: named components run in order over one :class:`Doc`.

The CLI, the Python API and (later) the server and cluster runs all call
:meth:`Pipeline.__call__`; nothing else analyses a document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import ComponentFunc, get_component
from narcwatch.errors import ComponentError
from narcwatch.ingest.base import RawDocument
from narcwatch.model import Finding

DEFAULT_COMPONENTS: tuple[str, ...] = (
    "normalize",
    "language",
    "substances",
    "selectors",
    "quantities",
    "offer",
    "risk",
)


class Pipeline:
    """Build once (expensive: knowledge base, matchers, models), call per document."""

    def __init__(
        self,
        names: Sequence[str] = DEFAULT_COMPONENTS,
        config: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        config = config or {}
        self.names = tuple(names)
        available = {"text"}
        self._steps: list[tuple[str, ComponentFunc]] = []
        for name in self.names:
            spec = get_component(name)
            missing = [r for r in spec.requires if r not in available]
            if missing:
                raise ComponentError(
                    f"component {name!r} needs {', '.join(missing)}, which no earlier "
                    f"component sets; order is {' -> '.join(self.names)}"
                )
            self._steps.append((name, spec.factory(config.get(name, {}))))
            available.update(spec.sets)

    def analyze(self, raw: RawDocument) -> Doc:
        doc = Doc.from_raw(raw)
        for _name, step in self._steps:
            step(doc)
        return doc

    def __call__(self, raw: RawDocument, *, include_text: bool = False) -> Finding:
        return self.analyze(raw).to_finding(include_text=include_text)
