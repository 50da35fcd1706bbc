"""``narcwatch scan`` as a user runs it: the output contract, formats, exit codes."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

LISTINGS_CSV = (
    "Vendor,Category,Item,Item Description,Price,Origin,Destination\n"
    'NordicSnow,Cocaine,Cocaine 3.5g 90%,"Peruvian flake, 3.5g for 210 EUR, escrow",210,NL,EU\n'
    'ChemLab,Opioids,Fentanyl HCl 1g,"Pure fentanyl powder 1 gram, BTC only",400,CN,WW\n'
)


@pytest.fixture
def examples_scan(cli, validate_findings):
    result = cli("scan", str(EXAMPLES), "--no-store", "--include-text")
    assert result.code == 0, result.stderr
    return validate_findings(result.findings())


def by_source_id(findings: list[dict]) -> dict[str, dict]:
    return {f["doc"]["source_id"]: f for f in findings if f["doc"]["source_id"]}


def test_examples_cover_every_input_format(examples_scan):
    suffixes = {Path(f["doc"]["source"]).name.split(".", 1)[1] for f in examples_scan}
    assert {"csv", "jsonl", "html", "warc.gz", "txt"} <= suffixes


def test_spans_point_into_the_extracted_text(examples_scan):
    checked = 0
    for f in examples_scan:
        text = f["doc"]["text"]
        for key in ("substances", "selectors"):
            for hit in f[key]:
                if hit["span"] is None:  # a vendor the text does not name: from a field
                    assert hit["field"] == "author" and hit["spans"] == [], hit
                    continue
                s, e = hit["span"]
                assert text[s:e] == hit["matched"], (f["doc"]["location"], hit)
                checked += 1
                for s, e in hit.get("spans", ()):
                    assert 0 <= s < e <= len(text)
        for hit in f["quantities"] + f["prices"]:
            s, e = hit["span"]
            assert 0 <= s < e <= len(text)
    assert checked > 20


@pytest.mark.parametrize(
    ("source_id", "substance", "offer"),
    [
        ("tg-1002", "cocaine", True),  # Spanish retail offer
        ("tg-1003", "cannabis", True),  # German offer, slang "Gras"
        ("tw-2001", "cocaine", False),  # news about a seizure
        ("tw-2002", "fentanyl", False),  # harm reduction
    ],
)
def test_offers_and_talk_about_drugs(examples_scan, source_id, substance, offer):
    f = by_source_id(examples_scan)[source_id]
    assert substance in {s["id"] for s in f["substances"]}
    assert f["offer"] is offer, f["reasons"]


@pytest.mark.parametrize("source_id", ["rd-3001", "rd-3002"])
def test_ordinary_text_has_no_substance(examples_scan, source_id):
    f = by_source_id(examples_scan)[source_id]
    assert f["substances"] == [] and f["offer"] is False


def test_jsonl_fields_are_picked_up(examples_scan):
    f = by_source_id(examples_scan)["tg-1002"]
    doc = f["doc"]
    assert doc["platform"] == "telegram" and doc["author"] == "farmacia_sin_receta"
    assert doc["published"].startswith("2024-06-02")
    assert doc["lang"] == "es"
    assert doc["location"] == "line 2"


def test_warc_records_become_documents(examples_scan):
    warc = [f for f in examples_scan if f["doc"]["source"].endswith(".warc.gz")]
    urls = {f["doc"]["url"] for f in warc}
    assert any(u.endswith("/listing/8812") for u in urls)
    assert not any(u.endswith(".png") for u in urls), "images are not documents"
    heroin = next(f for f in warc if f["doc"]["url"].endswith("/listing/8812"))
    assert "heroin" in {s["id"] for s in heroin["substances"]}
    assert heroin["doc"]["location"].startswith("offset ")
    assert heroin["doc"]["published"]


def test_selectors_are_validated_and_normalized(examples_scan):
    values = {(s["type"], s["value"]) for f in examples_scan for s in f["selectors"]}
    assert ("btc", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") in values
    assert ("phone", "+33612345678") in values
    assert any(t == "onion" for t, _ in values)
    assert any(t == "telegram" for t, _ in values)


def test_text_field_option_on_a_market_csv(cli, tmp_path, validate_findings):
    path = tmp_path / "listings.csv"
    path.write_text(LISTINGS_CSV)
    result = cli("scan", str(path), "--no-store", "--text-field", "Item,Item Description")
    assert result.code == 0, result.stderr
    findings = validate_findings(result.findings())
    assert [f["doc"]["author"] for f in findings] == ["NordicSnow", "ChemLab"]
    assert findings[1]["substances"][0]["id"] == "fentanyl"
    assert findings[0]["doc"]["fields"]["Origin"] == "NL"


def test_stdin_and_gzip(cli, tmp_path, validate_findings):
    line = json.dumps({"id": "x1", "text": "Selling cocaine 1g 80 EUR, wickr: snowman"}) + "\n"
    from_stdin = cli("scan", "-", "--no-store", "--input-format", "jsonl", stdin=line.encode())
    gz = tmp_path / "posts.jsonl.gz"
    gz.write_bytes(gzip.compress(line.encode()))
    from_gzip = cli("scan", str(gz), "--no-store")
    for result in (from_stdin, from_gzip):
        assert result.code == 0, result.stderr
        (f,) = validate_findings(result.findings())
        assert f["substances"][0]["id"] == "cocaine"
    assert from_stdin.findings()[0]["doc"]["id"] == from_gzip.findings()[0]["doc"]["id"]


@pytest.mark.parametrize("fmt", ["csv", "table", "json"])
def test_output_formats(cli, fmt):
    result = cli("scan", str(EXAMPLES / "social_posts.jsonl"), "--no-store", "--format", fmt)
    assert result.code == 0, result.stderr
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert len(rows) == 10 and "cocaine" in rows[1]["substances"]
    elif fmt == "json":
        assert len(json.loads(result.stdout)) == 10
    else:
        assert "narcwatch scan: 10 documents" in result.stdout


def test_output_file_and_summary(cli, tmp_path):
    out = tmp_path / "out" / "findings.jsonl"
    result = cli("scan", str(EXAMPLES / "social_posts.jsonl"), "--no-store", "-o", str(out))
    assert result.code == 0 and result.stdout == ""
    assert len(out.read_text().splitlines()) == 10
    assert "10 documents" in result.stderr and "documents/s" in result.stderr


def test_jobs_give_the_same_output(cli):
    one = cli("scan", str(EXAMPLES), "--no-store")
    two = cli("scan", str(EXAMPLES), "--no-store", "--jobs", "2")
    assert one.code == two.code == 0
    assert one.stdout == two.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["scan", "/nonexistent/file.jsonl", "--no-store"], 1, "/nonexistent/file.jsonl"),
        (["scan", str(EXAMPLES), "--format", "xml"], 2, "valid: csv, json, jsonl, table"),
        (["scan", str(EXAMPLES), "--input-format", "pdf"], 2, "valid:"),
        (["scan"], 2, "Missing argument"),
    ],
)
def test_exit_codes(cli, args, code, message):
    result = cli(*args)
    assert result.code == code
    assert message in result.stderr


def test_bad_records_are_reported_and_the_rest_scanned(cli, tmp_path, validate_findings):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "ok1", "text": "selling heroin 1g"}\n'
        b'{"id": "bad", "text": "truncated\n'
        b"42\n"
        b'{"id": "ok2", "text": "caf\xe9 and cocaine 2g"}\n'
    )
    errors = tmp_path / "errors.jsonl"
    result = cli("scan", str(path), "--no-store", "--errors", str(errors), "--include-text")
    assert result.code == 0
    findings = validate_findings(result.findings())
    assert [f["doc"]["source_id"] for f in findings] == ["ok1", "ok2"]
    # the latin-1 line is decoded, not dropped
    assert findings[1]["doc"]["text"].startswith("café and cocaine")
    assert findings[1]["substances"][0]["id"] == "cocaine"
    logged = [json.loads(line) for line in errors.read_text().splitlines()]
    assert [e["location"] for e in logged] == ["line 2", "line 3"]
    assert f"{path}: line 2:" in result.stderr


def test_empty_input_exits_1(cli, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = cli("scan", str(empty), "--no-store")
    assert result.code == 1
    assert "empty.jsonl" in result.stderr


def test_prevalence_and_threshold_move_the_operating_point(cli, validate_findings):
    def offers(*args: str) -> tuple[int, int]:
        result = cli("scan", str(EXAMPLES), "--no-store", "-q", *args)
        assert result.code == 0, result.stderr
        findings = validate_findings(result.findings())
        return sum(f["offer"] for f in findings), len(findings)

    default, n = offers()
    # Where half the documents are offers, a lower precision bar lets more through.
    assert offers("--prevalence", "0.5")[0] >= default >= offers("--prevalence", "0.0001")[0]
    assert offers("--threshold", "0")[0] == n


def test_findings_say_what_is_offered(examples_scan):
    for f in examples_scan:
        assert f["offer_kind"] in ("drug", "other", None)
        assert (f["offer_kind"] == "drug") == f["offer"]


def test_python_dash_m_runs_the_cli():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "narcwatch", "--help"], capture_output=True, text=True, check=True
    )
    assert "scan" in out.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_ctrl_c_writes_what_was_analysed_and_says_so(cli, tmp_path, monkeypatch, fmt):
    import narcwatch.jobs.scan as scan_jobs

    real = scan_jobs.analyze_inputs

    def interrupted(*args, **kwargs):
        for n, item in enumerate(real(*args, **kwargs)):
            if n == 3:
                raise KeyboardInterrupt
            yield item

    out = tmp_path / f"out.{fmt}"
    with monkeypatch.context() as patch:
        patch.setattr(scan_jobs, "analyze_inputs", interrupted)
        result = cli("scan", str(EXAMPLES), "-o", str(out), "-f", fmt)
    assert result.code == 130
    assert f"interrupted: 3 findings written to {out} and stored" in result.stderr
    text = out.read_text()
    findings = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
    assert len(findings) == 3
    again = cli("scan", str(EXAMPLES), "-o", str(tmp_path / "again.jsonl"))
    assert again.code == 0
    assert "stored 20 new, 0 new versions, 3 unchanged" in again.stderr  # none repeated


def test_kb_option_scans_with_the_analysts_own_knowledge_base(cli, tmp_path):
    # A copy of the packaged knowledge base with one national slang term added.
    import shutil

    from narcwatch.kb.loader import data_dir

    kb = tmp_path / "kb"
    shutil.copytree(data_dir(), kb)
    slang = kb / "slang" / "en.yaml"
    term = "  - {term: zorblax, substances: [cocaine], lang: en, sources: [dea-slang-2018]}\n"
    slang.write_text(slang.read_text("utf-8").replace("terms:\n", "terms:\n" + term, 1), "utf-8")
    doc = tmp_path / "in.jsonl"
    doc.write_text('{"text": "selling zorblax 1g 80 euro"}\n', "utf-8")

    def ids(*extra: str) -> list[str]:
        result = cli("scan", str(doc), "--no-store", "-q", *extra)
        assert result.code == 0, result.stderr
        return [h["id"] for h in json.loads(result.stdout)["substances"]]

    assert ids() == [] and ids("--kb", str(kb)) == ["cocaine"]
    missing = cli("scan", str(doc), "--no-store", "--kb", str(tmp_path / "nope"))
    assert missing.code == 1 and "knowledge-base directory not found" in missing.stderr
