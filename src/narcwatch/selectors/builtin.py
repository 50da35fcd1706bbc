"""Import the built-in extractors so they register themselves (as plugins would)."""

from narcwatch.plugins import load_plugins
from narcwatch.selectors import contact, crypto, messaging, payments, pgp, web  # noqa: F401

load_plugins("narcwatch.selectors")
