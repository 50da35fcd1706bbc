"""Every JSON output of `narcwatch evidence show/verify` and every result of the crawl,
import and evidence jobs validates against the JSON Schema generated from its model
(draft 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from narcwatch.jobs.context import Context
from narcwatch.jobs.evidence import export_job, show_job, verify_job
from narcwatch.results.base import Record, record_types, schema_of
from narcwatch.results.evidence import (
    CaptureRecord,
    CrawlSummary,
    EvidenceShow,
    ExportSummary,
    ImportFile,
    ImportSummary,
    VerifyReport,
)
from narcwatch.store import Store
from narcwatch.store.captures import CaptureRepository
from tests.conftest import EXAMPLES, ROOT

TELEGRAM = ROOT / "tests" / "data" / "telegram" / "channel_result.json"
MODELS = [CaptureRecord, CrawlSummary, EvidenceShow, ExportSummary, ImportFile, ImportSummary,
          VerifyReport]  # fmt: skip


def check(cls: type[Record], data: object) -> None:
    schema = schema_of(cls)
    Draft202012Validator.check_schema(schema)
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, f"{cls.schema_id}: {errors[0]}"


@pytest.mark.parametrize("cls", MODELS, ids=[m.schema_id for m in MODELS])
def test_every_model_is_registered_with_a_valid_schema(cls: type[Record]) -> None:
    assert cls.schema_id.startswith("narcwatch.") and cls.schema_id.endswith("/1")
    assert record_types()[cls.schema_id] is cls
    Draft202012Validator.check_schema(schema_of(cls))


@pytest.fixture
def imported(cli, home: Path) -> Path:
    result = cli("import", str(TELEGRAM), str(EXAMPLES / "market_listings.csv"), "-q")
    assert result.code == 0, result.stderr
    return home


def _doc_ids(home: Path) -> list[str]:
    with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store:
        return [c.doc_id for c in CaptureRepository(store).all() if c.doc_id]


def test_evidence_show_json(cli, imported):
    for doc_id in _doc_ids(imported)[:3]:
        result = cli("evidence", "show", doc_id, "--format", "json")
        assert result.code == 0, result.stderr
        data = json.loads(result.stdout)
        check(EvidenceShow, data)
        for capture in data["captures"]:
            check(CaptureRecord, capture)


@pytest.mark.parametrize(
    "args", [["--all"], ["--all", "archive"], []], ids=["all", "all-and-path", "path"]
)
def test_evidence_verify_json_and_jsonl(cli, imported, args):
    args = [str(imported / a) if a == "archive" else a for a in args] or [str(imported / "archive")]
    as_json = cli("evidence", "verify", *args, "--format", "json")
    assert as_json.code == 0, as_json.stdout
    check(VerifyReport, json.loads(as_json.stdout))
    lines = cli("evidence", "verify", *args, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1
    check(VerifyReport, json.loads(lines[0]))


def test_evidence_verify_json_of_a_bundle(cli, imported, tmp_path):
    out = tmp_path / "bundle.zip"
    assert cli("evidence", "export", _doc_ids(imported)[0], "-o", str(out)).code == 0
    result = cli("evidence", "verify", "--bundle", str(out), "--format", "json")
    data = json.loads(result.stdout)
    check(VerifyReport, data)
    assert data["bundle"]["ok"] and not data["bundle"]["signed"]


def test_the_evidence_jobs_results(imported, tmp_path):
    ctx = Context.build(home=imported, environ={})
    doc_ids = _doc_ids(imported)
    shown = show_job(ctx, doc_ids[0][:10])
    check(EvidenceShow, shown.to_json_dict())
    summary = export_job(ctx, [*doc_ids[:2]], output=tmp_path / "b")
    check(ExportSummary, summary.to_json_dict())
    assert summary.documents == doc_ids[:2] and summary.records >= 1
    report = verify_job(ctx, [], check_all=True, bundle=tmp_path / "b")
    check(VerifyReport, report.to_json_dict())
    assert report.ok and {"custody", "captures", "bundle"} <= set(report.to_json_dict())
