"""Import the built-in readers so they register themselves (as plugins would)."""

from narcwatch.ingest import csv, html, jsonl, reddit, telegram, text, warc  # noqa: F401
from narcwatch.plugins import load_plugins

load_plugins("narcwatch.readers")
