"""Typed results: what a job returns, a command prints and the API will serve.

Every result is a :class:`~narcwatch.results.base.Record` (a pydantic model) rendered by
the shared writers in :mod:`narcwatch.render.records` (``--format json|jsonl|csv|table``);
its JSON Schema is generated from the model (:func:`narcwatch.results.base.schema_of`).
:class:`~narcwatch.model.Finding`, the scan's result, keeps its own writers.
"""

from narcwatch.results.base import Record, record_types, schema_of

__all__ = ["Record", "record_types", "schema_of"]
