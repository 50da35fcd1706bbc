"""Storing scans and `narcwatch report`, as a user runs them."""

import json
import shutil

import pytest

from tests.conftest import EXAMPLES


@pytest.fixture
def posts(tmp_path):
    path = tmp_path / "posts.jsonl"
    shutil.copy(EXAMPLES / "social_posts.jsonl", path)
    return path


def test_rescan_adds_nothing_and_report_is_unchanged(cli, posts):
    first = cli("scan", str(posts), "-q")
    assert first.code == 0, first.stderr
    before = json.loads(cli("report", "--format", "json").stdout)
    again = cli("scan", str(posts))
    assert "stored 0 new, 0 new versions, 10 unchanged" in again.stderr
    after = json.loads(cli("report", "--format", "json").stdout)
    assert before == after
    assert after["totals"]["documents"] == 10 and after["totals"]["versions"] == 10


def test_changed_record_is_a_new_version(cli, posts):
    cli("scan", str(posts), "-q")
    lines = posts.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["text"] = record["text"].replace("60€", "55€")  # the seller changed the price
    lines[1] = json.dumps(record, ensure_ascii=False)
    posts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("scan", str(posts))
    assert "stored 0 new, 1 new versions, 9 unchanged" in result.stderr
    totals = json.loads(cli("report", "--format", "json").stdout)["totals"]
    assert (totals["documents"], totals["versions"]) == (10, 11)


def test_report_formats(cli):
    assert cli("scan", str(EXAMPLES), "-q").code == 0
    data = json.loads(cli("report", "--format", "json", "--top", "3").stdout)
    assert set(data) == {"totals", "by_platform", "by_day", "top_substances", "top_selectors"}
    assert len(data["top_substances"]) == 3
    assert data["top_substances"][0]["id"] == "cocaine"
    assert {p["platform"] for p in data["by_platform"]} >= {"telegram", "reddit", "twitter"}
    md = cli("report", "--format", "markdown").stdout
    assert "## Top selectors" in md and "| type | value | documents | platforms |" in md
    table = cli("report").stdout
    assert "Top substances" in table


def test_no_store_and_custom_db(cli, tmp_path, posts):
    assert cli("scan", str(posts), "--no-store", "-q").code == 0
    empty = json.loads(cli("report", "--format", "json").stdout)
    assert empty["totals"]["documents"] == 0
    db = tmp_path / "other.db"
    assert cli("scan", str(posts), "--db", str(db), "-q").code == 0
    assert db.exists()
    other = json.loads(cli("report", "--db", str(db), "--format", "json").stdout)
    assert other["totals"]["documents"] == 10


def test_unknown_report_format_is_a_usage_error(cli):
    result = cli("report", "--format", "pdf")
    assert result.code == 2 and "markdown" in result.stderr
