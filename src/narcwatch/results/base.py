"""The base of every typed result, and the JSON Schemas generated from them.

A result class names its schema and the columns of its flat (CSV, table) view::

    class Actor(Record):
        schema_id: ClassVar[str] = "narcwatch.actor/1"
        columns: ClassVar[tuple[str, ...]] = ("actor_id", "documents", "selectors")

        actor_id: str
        documents: int
        selectors: list[str]

``row()`` flattens a record for CSV and tables: lists are joined with "; ", nested
records and mappings become compact JSON, so a spreadsheet keeps one line per record.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Record", "record_types", "schema_of"]

_TYPES: dict[str, type[Record]] = {}


class Record(BaseModel):
    """A typed result. Subclasses set ``schema_id`` and ``columns``."""

    model_config = ConfigDict(extra="forbid")

    schema_id: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        schema_id = cls.__dict__.get("schema_id")
        if schema_id:
            _TYPES[schema_id] = cls

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def row(self) -> dict[str, object]:
        """The flat view: one value per column."""
        data = self.model_dump(mode="json")
        return {c: _flat(data.get(c)) for c in self.columns or tuple(data)}


def _flat(value: Any) -> object:
    if isinstance(value, list):
        return "; ".join(
            json.dumps(v, ensure_ascii=False, separators=(",", ":"))
            if isinstance(v, dict | list)
            else str(v)
            for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def record_types() -> dict[str, type[Record]]:
    """Every result type by schema id (the modules of :mod:`narcwatch.results` imported)."""
    import importlib
    import pkgutil

    import narcwatch.results as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(_TYPES)


def schema_of(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``cls``, generated from the model."""
    schema = cls.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://narcwatch.org/schemas/{cls.schema_id}"
    return schema
