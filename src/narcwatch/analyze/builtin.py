"""Import the built-in components so they register themselves (as plugins would)."""

import narcwatch.analyze.language
import narcwatch.analyze.normalize
import narcwatch.analyze.offer
import narcwatch.analyze.quantities
import narcwatch.analyze.risk
import narcwatch.analyze.selectors
import narcwatch.analyze.substances  # noqa: F401
from narcwatch.plugins import load_plugins

load_plugins("narcwatch.components")
