"""What ``narcwatch db status`` and ``narcwatch db upgrade`` say of a database."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from narcwatch.results.base import Record

__all__ = ["SchemaStatus"]


class SchemaStatus(Record):
    """A database's schema against the migrations this narcwatch ships."""

    schema_id: ClassVar[str] = "narcwatch.db-status/1"
    columns: ClassVar[tuple[str, ...]] = ("database", "exists", "revision", "head", "at_head")

    database: str = Field(description="the database URL, password hidden")
    exists: bool = Field(description="false: no database there yet (a SQLite file)")
    revision: str | None = Field(description="the schema revision; null: no schema yet")
    head: str = Field(description="the revision this version of narcwatch migrates to")
    at_head: bool
    upgraded_from: str | None = Field(
        default=None,
        description="db upgrade: the revision before, when this run changed it ('none': "
        "a new database); null: nothing to do",
    )
