"""Findings as Arrow tables: what a worker sends back and what a run's Parquet files hold.

Each row is one finding: flat columns for pandas, Polars or DuckDB (``SELECT source,
location FROM 'DIR/*.parquet' WHERE offer``) and ``finding``, the whole finding as its
JSON object (schema narcwatch.finding/1), from which the driver rebuilds the model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from narcwatch.model import Finding

__all__ = ["SCHEMA", "read_findings", "table_findings", "to_table", "write_parquet"]

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("location", pa.string()),
        ("url", pa.string()),
        ("lang", pa.string()),
        ("offer", pa.bool_()),
        ("offer_score", pa.float64()),
        ("offer_kind", pa.string()),
        ("risk", pa.float64()),
        ("substances", pa.list_(pa.string())),
        ("selectors", pa.list_(pa.string())),
        ("finding", pa.string()),
    ]
)


def to_table(findings: Sequence[Finding]) -> pa.Table:
    """One row per finding, in order."""
    docs = [f.doc for f in findings]
    return pa.table(
        {
            "id": [d.id for d in docs],
            "source": [d.source for d in docs],
            "location": [d.location for d in docs],
            "url": [d.url for d in docs],
            "lang": [d.lang for d in docs],
            "offer": [f.offer for f in findings],
            "offer_score": [f.offer_score for f in findings],
            "offer_kind": [f.offer_kind for f in findings],
            "risk": [f.risk for f in findings],
            # each value once, in text order (the finding has every hit)
            "substances": [list(dict.fromkeys(s.id for s in f.substances)) for f in findings],
            "selectors": [
                list(dict.fromkeys(f"{s.type}:{s.value}" for s in f.selectors)) for f in findings
            ],
            "finding": [json.dumps(f.to_json_dict(), ensure_ascii=False) for f in findings],
        },
        schema=SCHEMA,
    )


def table_findings(table: pa.Table) -> list[Finding]:
    """The findings a table holds, rebuilt from their JSON objects."""
    return [Finding.model_validate_json(text) for text in table.column("finding").to_pylist()]


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` whole or not at all (a stopped run leaves no half file)."""
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def read_findings(path: Path) -> list[Finding]:
    return table_findings(pq.read_table(path, columns=["finding"]))
