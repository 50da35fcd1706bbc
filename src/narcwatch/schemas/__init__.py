"""JSON Schemas of narcwatch's output contracts."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def finding_schema() -> dict[str, Any]:
    """The ``narcwatch.finding/1`` JSON Schema."""
    text = files(__package__).joinpath("finding.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
