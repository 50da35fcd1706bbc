"""`narcwatch import`: analysts' own files archived, logged, scanned and linked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from narcwatch.cli import evidence, importer  # noqa: F401  (register `evidence`, `import`)
from narcwatch.evidence.custody import CustodyLog
from narcwatch.evidence.verify import verify_warc
from narcwatch.store import Store
from narcwatch.store.tables import CaptureRow, DocumentRow
from tests.conftest import EXAMPLES, ROOT

DATA = ROOT / "tests" / "data"


def _counts(home: Path) -> tuple[int, int]:
    with Store.open(f"sqlite:///{home / 'narcwatch.db'}") as store, store.session() as s:
        docs = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
        caps = s.scalar(select(func.count()).select_from(CaptureRow)) or 0
    return docs, caps


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
