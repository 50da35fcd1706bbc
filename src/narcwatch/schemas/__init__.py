"""JSON Schemas of narcwatch's outputs, generated from the models that produce them.

The schemas are never written by hand: :func:`finding_schema` is generated from
:class:`narcwatch.model.Finding` and :func:`record_schemas` from every typed result
(:mod:`narcwatch.results`). The ``*.schema.json`` files beside this module are the same
schemas written out for readers and other tools; ``python -m narcwatch.schemas`` rewrites
them, and a test fails when one is stale.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["finding_schema", "record_schemas", "schema_files", "write_schemas"]

DIRECTORY = Path(__file__).parent


def _omit_optional(schema: dict[str, Any], model: type) -> None:
    """Keys a model leaves out when None (its ``omit_none``): not required, never null."""
    omit: frozenset[str] = getattr(model, "omit_none", frozenset())
    props = schema.get("properties", {})
    for name in omit:
        schema["required"] = [r for r in schema.get("required", []) if r != name]
        prop = props.get(name, {})
        variants = [v for v in prop.pop("anyOf", []) if v != {"type": "null"}]
        if len(variants) == 1:
            prop.update(variants[0])
        elif variants:
            prop["anyOf"] = variants
        prop.pop("default", None)


@cache
def finding_schema() -> dict[str, Any]:
    """The ``narcwatch.finding/1`` JSON Schema (draft 2020-12)."""
    from narcwatch import model
    from narcwatch.model import SCHEMA_ID, Finding

    schema = Finding.model_json_schema(by_alias=True, mode="serialization")
    for name, sub in schema.get("$defs", {}).items():
        _omit_optional(sub, getattr(model, name))
    _omit_optional(schema, Finding)
    schema["title"] = SCHEMA_ID
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://narcwatch.org/schemas/finding/1",
        **schema,
    }


def record_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of every typed result, by schema id (``narcwatch.actor/1``...)."""
    from narcwatch.results.base import record_types, schema_of

    return {sid: schema_of(cls) for sid, cls in sorted(record_types().items())}


def schema_files() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every output: ``finding.schema.json``, ``report.schema.json``."""
    files = {"finding.schema.json": finding_schema()}
    for sid, schema in record_schemas().items():
        files[f"{sid.split('/')[0].removeprefix('narcwatch.')}.schema.json"] = schema
    return files


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path = DIRECTORY) -> list[Path]:
    """Write every schema file into ``directory``; returns the paths written."""
    written = []
    for name, schema in schema_files().items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
