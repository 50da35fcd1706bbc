"""Plugins: other packages add readers and pipeline components through entry points.

A plugin declares, in its own ``pyproject.toml``::

    [project.entry-points."narcwatch.components"]
    my_component = "my_package.module"

    [project.entry-points."narcwatch.readers"]
    my_reader = "my_package.reader_module"

Loading the module is enough: it registers itself with ``register_component`` or
``register_reader``, exactly as the built-ins in ``narcwatch.analyze.builtin`` and
``narcwatch.ingest.builtin`` do.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

log = logging.getLogger(__name__)
_loaded: set[str] = set()


def load_plugins(group: str) -> list[str]:
    """Import every module registered under ``group`` once; return their names."""
    if group in _loaded:
        return []
    _loaded.add(group)
    names = []
    for ep in entry_points(group=group):
        try:
            ep.load()
        except Exception as exc:  # a broken plugin must not take the built-ins down
            log.warning("narcwatch plugin %s (%s) failed to load: %s", ep.name, ep.value, exc)
            continue
        names.append(ep.name)
    return names
