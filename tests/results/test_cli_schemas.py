"""Every JSON a command prints validates against the schema generated from its model.

Actors and links are checked in test_actor_schemas.py, evidence in
test_evidence_schemas.py; this covers report, eval and the knowledge-base lookups.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from narcwatch.results.base import Record, schema_of
from narcwatch.results.evaluate import EvalReport
from narcwatch.results.kb import Classification, KbStats, SubstanceMatch
from narcwatch.results.report import Report
from tests.cli.test_eval import labelled  # noqa: F401  (fixture)
from tests.conftest import EXAMPLES


def valid(data: object, model: type[Record]) -> None:
    jsonschema.Draft202012Validator(schema_of(model)).validate(data)


def test_report_json(cli) -> None:
    assert cli("scan", str(EXAMPLES), "-q").code == 0
    result = cli("report", "--format", "json")
    assert result.code == 0, result.stderr
    valid(json.loads(result.stdout), Report)


def test_eval_json(cli, labelled, tmp_path) -> None:  # noqa: F811
    result = cli("eval", str(labelled), "--labels", "label", "--format", "json")
    assert result.code == 0, result.stderr
    valid(json.loads(result.stdout), EvalReport)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_kb_search(cli, fmt: str) -> None:
    result = cli("kb", "search", "carfentanyl", "--format", fmt)
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout) if fmt == "json" else [
        json.loads(line) for line in result.stdout.splitlines()
    ]  # fmt: skip
    assert rows and rows[0]["id"] == "carfentanil"
    for row in rows:
        valid(row, SubstanceMatch)


def test_kb_stats_and_classify(cli) -> None:
    stats = cli("kb", "stats", "--format", "json")
    valid(json.loads(stats.stdout), KbStats)
    fentanyl = "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"
    classified = cli("kb", "classify", "--smiles", fentanyl, "--format", "json")
    assert classified.code == 0, classified.stderr
    data = json.loads(classified.stdout)
    valid(data, Classification)
    assert data["known"] == "fentanyl"
