"""`narcwatch import`: analysts' own files archived, logged, scanned and linked."""

from __future__ import annotations

import shutil
from pathlib import Path

import jsonschema
import pytest

from narcwatch.cli import evidence, importer  # noqa: F401  (register `evidence`, `import`)
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.verify import verify_warc
from narcwatch.jobs.context import Context
from narcwatch.jobs.importer import import_job
from narcwatch.results.base import schema_of
from narcwatch.results.evidence import ImportFile, ImportSummary
from narcwatch.store import Store
from narcwatch.store.actors import ActorRepository
from narcwatch.store.captures import CaptureRepository
from tests.conftest import EXAMPLES, ROOT

DATA = ROOT / "tests" / "data"
PHONE_TEXT = "MDMA pills 120mg, 10 pcs for 50 EUR. Shipping in France. Call: tel 06 12 34 56 78\n"


def _store(home: Path) -> Store:
    return Store.open(f"sqlite:///{home / 'narcwatch.db'}")


def _counts(home: Path) -> tuple[int, int]:
    with _store(home) as store:
        docs = len(list(store.findings(latest_only=False)))
        caps = len(CaptureRepository(store).all())
    return docs, caps


def _actors(home: Path) -> list[str]:
    with _store(home) as store:
        return ActorRepository(store).largest(50)


def _warc_records(home: Path) -> int:
    return sum(verify_warc(p).records for p in (home / "archive").rglob("*.warc.gz"))


@pytest.mark.parametrize(
    ("path", "min_docs"),
    [
        (DATA / "telegram" / "channel_result.json", 3),
        (DATA / "reddit" / "berlin_dump.jsonl", 1),
        (EXAMPLES / "market_listings.csv", 5),
        (EXAMPLES / "market-capture.warc.gz", 1),
    ],
    ids=["telegram", "reddit", "csv", "warc"],
)
def test_import_archives_logs_and_stores(cli, home, path, min_docs):
    result = cli("import", str(path), "--job", "case-1")
    assert result.code == 0, result.stderr
    assert "1 files imported" in result.stderr
    docs, caps = _counts(home)
    assert docs >= min_docs and caps == docs + 1  # one row per document + one for the file
    warcs = list((home / "archive" / "import-case-1").glob("*.warc.gz"))
    assert len(warcs) == 1 and verify_warc(warcs[0]).ok
    chain = CustodyLog(home / "custody.jsonl")
    assert chain.verify().ok
    (entry,) = chain.entries()
    assert entry.action == "import" and entry.subject == str(path.resolve())
    assert entry.details["bytes"] == path.stat().st_size


def test_reimport_is_idempotent(cli, home):
    files = [str(DATA / "telegram" / "channel_result.json"), str(EXAMPLES / "market_listings.csv")]
    assert cli("import", *files).code == 0
    before, records = _counts(home), _warc_records(home)
    again = cli("import", *files)
    assert again.code == 0 and again.stderr.count("already imported") >= 2
    assert _counts(home) == before and _warc_records(home) == records
    assert len(CustodyLog(home / "custody.jsonl").entries()) == 2


def test_missing_and_empty_files_fail(cli, home, tmp_path):
    missing = cli("import", str(tmp_path / "nope.json"))
    assert missing.code == 1 and "nope.json" in missing.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = cli("import", str(empty))
    assert result.code == 1 and "empty" in result.stderr
    assert not (home / "custody.jsonl").exists()


def test_directory_with_mixed_files(cli, home, tmp_path):
    folder = tmp_path / "drop"
    shutil.copytree(DATA / "hostile", folder)
    (folder / "shot.png").write_bytes(b"\x89PNG not a document")
    result = cli("import", str(folder), "--job", "mixed")
    assert result.code == 0, result.stderr
    assert "empty.txt: empty file" in result.stderr  # skipped, the others still imported
    imported = len(CustodyLog(home / "custody.jsonl").entries())
    files = [p for p in folder.iterdir() if p.suffix != ".png" and p.stat().st_size]
    assert imported == len(files)
    assert cli("evidence", "verify", "--all").code == 0


def test_missing_file_among_good_ones_still_imports_them(cli, home, tmp_path):
    result = cli("import", str(tmp_path / "gone.csv"), str(EXAMPLES / "market_listings.csv"))
    assert result.code == 0 and "gone.csv" in result.stderr
    assert _counts(home)[0] >= 5


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["-i", "bogus"], "telegram"), (["--job", "bad job!"], "job name")],
    ids=["format", "job"],
)
def test_usage_errors(cli, args, needle):
    result = cli("import", str(EXAMPLES / "market_listings.csv"), *args)
    assert result.code == 2 and needle in result.stderr


def test_import_links_unless_no_link(cli, home, tmp_path):
    telegram = str(DATA / "telegram" / "channel_result.json")
    unlinked = cli("import", telegram, "--no-link")
    assert unlinked.code == 0 and "narcwatch link:" not in unlinked.stderr
    assert _actors(home) == []
    linked = cli("import", str(EXAMPLES / "market_listings.csv"))
    assert linked.code == 0 and "narcwatch link:" in linked.stderr
    assert _actors(home)


def test_import_takes_the_region(cli, home, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text(PHONE_TEXT, encoding="utf-8")
    assert cli("import", str(text), "--region", "FR", "-q").code == 0
    with _store(home) as store:
        (finding,) = store.findings()
    assert {s.value for s in finding.selectors if s.type == "phone"} == {"+33612345678"}


def test_import_job_result_is_a_valid_import_summary(home, tmp_path):
    ctx = Context.build(home=home, environ={}, region="FR")
    heard: list[ImportFile] = []
    files = [str(DATA / "telegram" / "channel_result.json"), str(tmp_path / "gone.csv")]
    summary = import_job(ctx, files, job="typed", on_file=heard.append)
    assert (summary.imported, summary.failed) == (1, 1) and summary.linked
    assert (
        [f.outcome for f in heard] == ["imported", "failed"] == [f.outcome for f in summary.files]
    )
    jsonschema.Draft202012Validator(schema_of(ImportSummary)).validate(summary.to_json_dict())
    again = import_job(ctx, files[:1], job="typed")
    assert again.already == 1 and again.files[0].outcome == "already" and again.linked is None


@pytest.mark.parametrize("option", ["--region", "--threshold", "--prevalence", "--no-link"])
def test_import_help_names_the_pipeline_options(cli, option):
    result = cli("import", "--help")
    assert result.code == 0 and option in result.stdout
