"""Named pipeline components, registered the same way for built-ins and plugins.

A component is a factory ``(config, kb) -> Callable[[Doc], None]`` registered with the
attributes it needs on the :class:`~narcwatch.analyze.doc.Doc` and the ones it sets::

    @register_component("quantities", requires=("text",), sets=("quantities", "prices", ...))
    def make_quantities(config: Mapping[str, Any], kb: KnowledgeBase) -> ComponentFunc:
        reader = QuantityReader(kb)
        def run(doc): ...
        return run

``requires`` are the Doc attributes it reads, which an earlier component must set (``raw``
and ``text`` are there from the start); ``optional`` the ones it reads when an earlier
component set them and otherwise takes the Doc's default for; ``sets`` the ones it writes
(its own outputs, which it may also read). Keys of ``doc.features`` are named
``features.<key>``. The declarations are complete: in check mode (:mod:`.checked`) any other
access raises :class:`ComponentError`.

``config`` is the component's own section of the pipeline configuration; ``kb`` is the
knowledge base the pipeline was built with (never ``default_kb()``: a pipeline built over
another knowledge base must not read the packaged one). Factories run once per pipeline;
the callables they return run once per document, so anything expensive (compiled
matchers, models) belongs in the factory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from narcwatch.analyze.doc import Doc
from narcwatch.errors import ComponentError

if TYPE_CHECKING:
    from narcwatch.kb.loader import KnowledgeBase

ComponentFunc = Callable[[Doc], None]
ComponentFactory = Callable[[Mapping[str, Any], "KnowledgeBase"], ComponentFunc]


@dataclass(frozen=True, slots=True)
class ComponentSpec:
    name: str
    factory: ComponentFactory
    requires: tuple[str, ...]
    sets: tuple[str, ...]
    description: str
    optional: tuple[str, ...] = ()


_COMPONENTS: dict[str, ComponentSpec] = {}


def register_component(
    name: str,
    *,
    requires: tuple[str, ...] = ("text",),
    sets: tuple[str, ...],
    optional: tuple[str, ...] = (),
    description: str = "",
) -> Callable[[ComponentFactory], ComponentFactory]:
    from narcwatch.analyze.checked import valid_name

    bad = [n for n in (*requires, *optional, *sets) if not valid_name(n)]
    if bad:
        raise ComponentError(
            f"component {name!r} declares {', '.join(bad)}: not a Doc attribute or features.<key>"
        )

    def decorate(factory: ComponentFactory) -> ComponentFactory:
        _COMPONENTS[name] = ComponentSpec(
            name,
            factory,
            requires,
            sets,
            description or (factory.__doc__ or "").strip(),
            optional,
        )
        return factory

    return decorate


def components() -> dict[str, ComponentSpec]:
    """Every registered component by name (built-ins are imported on first call)."""
    from narcwatch.analyze import builtin  # noqa: F401  (registers the built-ins)

    return dict(_COMPONENTS)


def get_component(name: str) -> ComponentSpec:
    known = components()
    if name not in known:
        raise ComponentError(
            f"unknown pipeline component {name!r} (valid: {', '.join(sorted(known))})"
        )
    return known[name]
