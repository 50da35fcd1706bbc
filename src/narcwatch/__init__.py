"""narcwatch: find, link and share intelligence on online drug trafficking."""

__version__ = "0.1.0"
