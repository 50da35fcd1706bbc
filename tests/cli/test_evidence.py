"""`narcwatch evidence`: verify, export, keygen and show on imported evidence."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest

from narcwatch.cli import evidence, importer  # noqa: F401  (register `evidence`, `import`)
from narcwatch.evidence.custody import CustodyLog
from narcwatch.jobs import evidence as evidence_jobs
from narcwatch.results.base import schema_of
from narcwatch.results.evidence import EvidenceShow, VerifyReport
from narcwatch.store import Store
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository, StoredCapture
from tests.conftest import EXAMPLES, ROOT

TELEGRAM = ROOT / "tests" / "data" / "telegram" / "channel_result.json"


def _valid(cls, data) -> None:
    jsonschema.Draft202012Validator(schema_of(cls)).validate(data)


@pytest.fixture
def imported(cli, home: Path) -> Path:
    result = cli("import", str(TELEGRAM), *map(str, sorted(EXAMPLES.glob("*.csv"))), "-q")
    assert result.code == 0, result.stderr
    return home


def _rows(home: Path) -> list[StoredCapture]:
    with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store:
        return [c for c in CaptureRepository(store).all() if c.doc_id is not None]


def _telegram_doc(home: Path) -> StoredCapture:
    return next(r for r in _rows(home) if r.url.startswith(TELEGRAM.as_uri()))


def test_show_prints_capture_and_archived_text(cli, imported, tmp_path):
    row = _telegram_doc(imported)
    out = tmp_path / "payload.json"
    shown = cli("evidence", "show", row.doc_id[:12], "--html", str(out))
    assert shown.code == 0, shown.stderr
    assert row.record_id in shown.stdout and "(verifies)" in shown.stdout
    assert "--- archived text ---" in shown.stdout and row.url in shown.stdout
    assert out.read_bytes() == TELEGRAM.read_bytes()


def test_show_json_is_a_valid_evidence_show(cli, imported):
    row = _telegram_doc(imported)
    shown = cli("evidence", "show", row.doc_id[:12], "--format", "json")
    assert shown.code == 0, shown.stderr
    data = json.loads(shown.stdout)
    _valid(EvidenceShow, data)
    (capture,) = data["captures"]
    assert data["doc_id"] == row.doc_id and data["text"]
    assert capture["record_id"] == row.record_id and capture["verifies"] is True
    assert capture["kind"] == "import" and capture["payload_sha256"] == row.payload_sha256


def test_show_finds_the_text_past_what_it_holds_in_memory(cli, imported, tmp_path, monkeypatch):
    # An import bigger than what `show` reads into memory: the document is found by
    # streaming a copy of the payload, and --html is copied whole as a stream.
    monkeypatch.setattr(evidence_jobs, "SHOWN_BYTES", 64)
    rows = [r for r in _rows(imported) if r.url.startswith(TELEGRAM.as_uri())]
    out = tmp_path / "payload.json"
    for row in rows:
        shown = cli("evidence", "show", row.doc_id, "--html", str(out))
        assert shown.code == 0, shown.stderr
        text = shown.stdout.split("--- archived text ---", 1)[1]
        assert text.strip() and not text.lstrip().startswith("{")  # the message, not the file
        assert out.read_bytes() == TELEGRAM.read_bytes()
        out.unlink()


def test_show_unknown_id_names_similar_ones(cli, imported):
    row = _telegram_doc(imported)
    result = cli("evidence", "show", row.doc_id[:10] + "zzzz")
    assert result.code == 2 and "unknown document id" in result.stderr
    assert any(r.doc_id in result.stderr for r in _rows(imported))


def test_verify_all_ok_and_logged(cli, imported):
    result = cli("evidence", "verify", "--all")
    assert result.code == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout and "custody chain" in result.stdout
    data = json.loads(cli("evidence", "verify", "--all", "--format", "json").stdout)
    _valid(VerifyReport, data)
    assert data["ok"] and data["custody"]["ok"] and data["captures"]["checked"] == 2
    assert "bundle" not in data  # not asked for: left out, as before typed results
    entries = CustodyLog(imported / "custody.jsonl").entries()
    assert [e.action for e in entries][-2:] == ["verify", "verify"]


def test_tampered_warc_fails_naming_the_record(cli, imported):
    row = _telegram_doc(imported)
    warc = imported / "archive" / row.warc_path
    data = bytearray(warc.read_bytes())
    data[row.offset + row.length - 30] ^= 0x01  # inside the record's compressed payload
    warc.write_bytes(bytes(data))
    result = cli("evidence", "verify", "--all")
    assert result.code == 1
    assert "FAILED" in result.stdout and row.record_id in result.stdout
    assert cli("evidence", "verify", str(warc)).code == 1
    shown = cli("evidence", "show", row.doc_id)
    assert shown.code == 1 and "DOES NOT VERIFY" in shown.stdout
    as_json = cli("evidence", "show", row.doc_id, "-f", "json")
    data = json.loads(as_json.stdout)
    _valid(EvidenceShow, data)
    assert as_json.code == 1 and data["text"] is None and not data["captures"][0]["verifies"]
    report = json.loads(cli("evidence", "verify", "--all", "-f", "json").stdout)
    _valid(VerifyReport, report)
    assert not report["ok"] and report["captures"]["failures"][0]["record_id"] == row.record_id
    assert any(w["first_error"] for w in report["warcs"])


def test_edited_custody_log_fails(cli, imported):
    log = imported / "custody.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace('"import"', '"note"')
    log.write_text("".join(lines))
    result = cli("evidence", "verify", "--all")
    assert result.code == 1 and "line 1" in result.stdout
    data = json.loads(cli("evidence", "verify", "--all", "--format", "json").stdout)
    _valid(VerifyReport, data)
    assert data["custody"]["first_error"]["line"] == 1


@pytest.mark.parametrize("suffix", ["", ".zip"], ids=["dir", "zip"])
def test_export_doc_and_actor_then_verify_bundle(cli, imported, tmp_path, suffix):
    key = tmp_path / "keys" / "signer.pem"
    made = cli("evidence", "keygen", str(key))
    assert made.code == 0 and Path(f"{key}.pub").exists()
    assert cli("evidence", "keygen", str(key)).code == 2  # never overwrites

    row = _telegram_doc(imported)
    doc_out = tmp_path / f"doc-bundle{suffix}"
    exported = cli("evidence", "export", row.doc_id, "-o", str(doc_out), "--sign-key", str(key))
    assert exported.code == 0, exported.stderr
    checked = cli("evidence", "verify", "--bundle", str(doc_out), "--public-key", f"{key}.pub")
    assert checked.code == 0, checked.stdout
    assert "signature valid (trusted key)" in checked.stdout
    as_json = cli("evidence", "verify", "--bundle", str(doc_out), "-f", "json")
    data = json.loads(as_json.stdout)
    _valid(VerifyReport, data)
    assert data["bundle"]["signed"] and data["warcs"] == [] and "custody" not in data

    with Store.open(f"sqlite:///{imported / 'narcwatch.db'}") as store:
        (actor,) = ActorRepository(store).largest(1)
    actor_out = tmp_path / f"actor-bundle{suffix}"
    result = cli("evidence", "export", "--actor", actor, "-o", str(actor_out))
    assert result.code == 0, result.stderr
    assert cli("evidence", "verify", "--bundle", str(actor_out)).code == 0
    actions = [e.action for e in CustodyLog(imported / "custody.jsonl").entries()]
    assert actions.count("export") == 2

    if suffix == ".zip":
        with zipfile.ZipFile(doc_out) as zf:
            files = {n: zf.read(n) for n in zf.namelist()}
        files["manifest.json"] = files["manifest.json"].replace(b'"records"', b'"records" ', 1)
        doc_out.unlink()
        with zipfile.ZipFile(doc_out, "w") as zf:
            for name, data in files.items():
                zf.writestr(name, data)
    else:
        manifest = doc_out / "manifest.json"
        manifest.write_bytes(manifest.read_bytes().replace(b"narcwatch", b"narcwatcH", 1))
    bad = cli("evidence", "verify", "--bundle", str(doc_out), "--public-key", f"{key}.pub")
    assert bad.code == 1 and "FAILED" in bad.stdout and "signature" in bad.stdout


def test_export_document_without_capture_fails(cli, home, tmp_path):
    assert cli("scan", str(EXAMPLES / "market_listings.csv"), "-q").code == 0
    with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store:
        doc_id = next(store.findings()).doc.id
    result = cli("evidence", "export", doc_id, "-o", str(tmp_path / "b"))
    assert result.code == 1 and "no archived capture" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["verify", "--all", "--format", "xml"],
        ["show", "abcdef", "--format", "csv"],
        ["export", "-o", "out"],
        ["export", "--actor", "nobody", "-o", "out"],
        ["export", "--actor", "nobody", "-o", "out.zip", "--format", "dir"],
        ["export", "--actor", "nobody", "-o", "out", "--format", "tar"],
    ],
    ids=[
        "verify-nothing",
        "verify-format",
        "show-format",
        "export-nothing",
        "actor",
        "dir-zip",
        "format",
    ],
)
def test_usage_errors_exit_2(cli, imported, args):
    assert cli("evidence", *args).code == 2
