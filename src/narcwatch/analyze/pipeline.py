"""The analysis pipeline: named components run in order over one :class:`Doc`.

The CLI, the Python API and (later) the server and cluster runs all call
:meth:`Pipeline.__call__`; nothing else analyses a document.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from narcwatch.analyze.checked import CheckedDoc, check_mode
from narcwatch.analyze.doc import Doc
from narcwatch.analyze.registry import ComponentFunc, ComponentSpec, get_component
from narcwatch.errors import ComponentError
from narcwatch.ingest.base import RawDocument
from narcwatch.model import Finding

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

DEFAULT_COMPONENTS: tuple[str, ...] = (
    "normalize",
    "language",
    "substances",
    "selectors",
    "quantities",
    "offer",
    "risk",
)


def check_order(names: Sequence[str]) -> list[ComponentSpec]:
    """The components ``names`` in order, once every one is known and every attribute one
    requires is set by an earlier one (``raw`` and ``text`` are there from the start)."""
    available = {"raw", "text"}
    specs = []
    for name in names:
        spec = get_component(name)
        missing = [r for r in spec.requires if r not in available]
        if missing:
            raise ComponentError(
                f"component {name!r} needs {', '.join(missing)}, which no earlier "
                f"component sets; order is {' -> '.join(names)}"
            )
        specs.append(spec)
        available.update(spec.sets)
    return specs


class Pipeline:
    """Build once (expensive: matchers, models), call per document.

    ``kb`` is the knowledge base every component reads; without one, the packaged
    knowledge base (``narcwatch.kb.default_kb()``). ``check`` runs every component on a
    view of the Doc that refuses what it did not declare (:mod:`.checked`); None follows
    ``NARCWATCH_CHECK_COMPONENTS``. Building fails when a component requires what no
    earlier component sets."""

    def __init__(
        self,
        names: Sequence[str] = DEFAULT_COMPONENTS,
        config: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        kb: KnowledgeBase | None = None,
        check: bool | None = None,
    ) -> None:
        if kb is None:
            from narcwatch.kb.loader import default_kb

            kb = default_kb()
        self.kb = kb
        config = config or {}
        self.names = tuple(names)
        self.check = check_mode(check)
        self._specs = check_order(self.names)
        self._steps: list[tuple[str, ComponentFunc]] = [
            (spec.name, spec.factory(config.get(spec.name, {}), kb)) for spec in self._specs
        ]

    def component(self, name: str) -> ComponentFunc:
        """The built callable of the component ``name`` (its scorer, reader...)."""
        for step_name, step in self._steps:
            if step_name == name:
                return step
        raise ComponentError(f"no component {name!r} in this pipeline ({', '.join(self.names)})")

    def analyze(self, raw: RawDocument) -> Doc:
        doc = Doc.from_raw(raw)
        if self.check:
            for spec, (name, step) in zip(self._specs, self._steps, strict=True):
                reads = frozenset((*spec.requires, *spec.optional))
                step(CheckedDoc(doc, name, reads, frozenset(spec.sets)))  # type: ignore[arg-type]
            return doc
        for _name, step in self._steps:
            step(doc)
        return doc

    def __call__(self, raw: RawDocument, *, include_text: bool = False) -> Finding:
        return self.analyze(raw).to_finding(include_text=include_text)

    def stage_costs(self, raws: Iterable[RawDocument]) -> tuple[int, dict[str, float]]:
        """``(documents, CPU seconds per stage)`` over ``raws``: every component, then
        ``finding`` (building and validating the result). The scan benchmark reports these
        per document; reading the input is not included."""
        clock = time.process_time
        costs = dict.fromkeys((*self.names, "finding"), 0.0)
        n = 0
        for raw in raws:
            n += 1
            doc = Doc.from_raw(raw)
            for name, step in self._steps:
                t0 = clock()
                step(doc)
                costs[name] += clock() - t0
            t0 = clock()
            doc.to_finding()
            costs["finding"] += clock() - t0
        return n, costs
