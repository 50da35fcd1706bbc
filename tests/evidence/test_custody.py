import itertools
import json
import multiprocessing
from pathlib import Path

import pytest

from narcwatch.errors import InputError, UsageError
from narcwatch.evidence.custody import GENESIS, CustodyLog, entry_hash


def filled(tmp_path: Path, n: int = 5) -> CustodyLog:
    log = CustodyLog(tmp_path / "custody.jsonl")
    for i in range(n):
        log.append("capture", f"urn:uuid:{i}", actor="tester", details={"warc": f"a-{i}.warc.gz"})
    return log


def lines(log: CustodyLog) -> list[bytes]:
    return log.path.read_bytes().splitlines(keepends=True)


def test_chain_links(tmp_path: Path) -> None:
    log = filled(tmp_path)
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    for entry in entries:
        assert entry.hash == entry_hash(entry.to_dict())
        assert entry.time.endswith("Z") and entry.actor == "tester"
    report = log.verify()
    assert report.ok and report.entries == 5 and report.head_hash == entries[-1].hash


def test_append_returns_what_was_written(tmp_path: Path) -> None:
    log = CustodyLog(tmp_path / "sub" / "log.jsonl")
    entry = log.append("import", "file:///x.png", details={"sha256": "ab", "n": [1, 2]})
    assert json.loads(log.path.read_text()) == entry.to_dict()
    assert entry.actor  # defaults to user@host


def test_empty_or_missing_log_is_ok(tmp_path: Path) -> None:
    report = CustodyLog(tmp_path / "none.jsonl").verify()
    assert report.ok and report.entries == 0 and report.head_hash == GENESIS


def edit(data: list[bytes]) -> list[bytes]:
    entry = json.loads(data[2])
    entry["subject"] = "urn:uuid:forged"
    data[2] = json.dumps(entry).encode() + b"\n"
    return data


def edit_and_rehash(data: list[bytes]) -> list[bytes]:
    entry = json.loads(data[2])
    entry["subject"] = "urn:uuid:forged"
    entry["hash"] = entry_hash(entry)
    data[2] = json.dumps(entry).encode() + b"\n"
    return data


def delete(data: list[bytes]) -> list[bytes]:
    del data[2]
    return data


def delete_and_renumber(data: list[bytes]) -> list[bytes]:
    del data[2]
    for i in range(2, len(data)):
        entry = json.loads(data[i])
        entry["seq"] -= 1
        entry["hash"] = entry_hash(entry)
        data[i] = json.dumps(entry).encode() + b"\n"
    return data


def swap(data: list[bytes]) -> list[bytes]:
    data[2], data[3] = data[3], data[2]
    return data


def truncate(data: list[bytes]) -> list[bytes]:
    data[-1] = data[-1][:40]
    return data


def garbage(data: list[bytes]) -> list[bytes]:
    data[1] = b"{not json\n"
    return data


def drop_field(data: list[bytes]) -> list[bytes]:
    entry = json.loads(data[1])
    del entry["actor"]
    data[1] = json.dumps(entry).encode() + b"\n"
    return data


@pytest.mark.parametrize(
    ("tamper", "line", "kind"),
    [
        (edit, 3, "edited"),
        (edit_and_rehash, 4, "prev-hash-mismatch"),
        (delete, 3, "seq-gap"),
        (delete_and_renumber, 3, "prev-hash-mismatch"),
        (swap, 3, "seq-gap"),
        (truncate, 5, "truncated"),
        (garbage, 2, "invalid-json"),
        (drop_field, 2, "missing-field"),
    ],
)
def test_first_bad_entry_is_named(tmp_path: Path, tamper, line: int, kind: str) -> None:
    log = filled(tmp_path)
    log.path.write_bytes(b"".join(tamper(lines(log))))
    report = log.verify()
    assert not report
    assert report.first_error is not None
    assert (report.first_error.line, report.first_error.kind) == (line, kind)
    assert report.entries == line - 1
    assert report.first_error.reason


def test_reordered_entry_names_seq(tmp_path: Path) -> None:
    log = filled(tmp_path)
    log.path.write_bytes(b"".join(swap(lines(log))))
    problem = log.verify().first_error
    assert problem is not None and problem.seq == 4
    assert "deleted or reordered" in problem.reason


def test_append_refuses_damaged_tail(tmp_path: Path) -> None:
    log = filled(tmp_path, 2)
    log.path.write_bytes(log.path.read_bytes()[:-10])
    with pytest.raises(InputError, match="damaged last entry"):
        log.append("verify", "x")


@pytest.mark.parametrize(("action", "subject"), [("", "x"), ("Capture!", "x"), ("capture", "")])
def test_bad_arguments(tmp_path: Path, action: str, subject: str) -> None:
    with pytest.raises(UsageError):
        CustodyLog(tmp_path / "l.jsonl").append(action, subject)


def _writer(path: str, name: str, count: int) -> None:
    log = CustodyLog(Path(path))
    for i in range(count):
        log.append("capture", f"{name}-{i}", actor=name)


def test_concurrent_appends_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_writer, args=(str(path), f"p{i}", 100)) for i in range(2)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join()
    assert [proc.exitcode for proc in workers] == [0, 0]
    report = CustodyLog(path).verify()
    assert report.ok, report.first_error
    assert report.entries == 200
    subjects = [e.subject for e in CustodyLog(path).entries()]
    assert sorted(subjects) == sorted(f"p{p}-{i}" for p in range(2) for i in range(100))
