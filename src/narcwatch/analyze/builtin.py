"""Import the built-in components so they register themselves (as plugins would)."""

from narcwatch.analyze import (  # noqa: F401
    language,
    normalize,
    offer,
    quantities,
    risk,
    selectors,
    substances,
)
from narcwatch.plugins import load_plugins

load_plugins("narcwatch.components")
