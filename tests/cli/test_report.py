"""Storing scans and `narcwatch report`, as a user runs them."""

import json
import os
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
    assert set(data) == {
        "totals",
        "by_platform",
        "by_published_day",
        "by_stored_day",
        "top_substances",
        "top_selectors",
    }
    assert len(data["top_substances"]) == 3
    assert data["top_substances"][0]["id"] == "cocaine"
    assert {p["platform"] for p in data["by_platform"]} >= {"telegram", "reddit", "twitter"}
    md = cli("report", "--format", "markdown").stdout
    assert "## Top selectors" in md and "| type | value | documents | platforms |" in md
    table = cli("report").stdout
    assert "Top substances" in table


def test_no_store_and_custom_db(cli, tmp_path, home, posts):
    assert cli("scan", str(posts), "--no-store", "-q").code == 0
    # Nothing stored, no home made: report says so rather than creating an empty one.
    nothing = cli("report", "--format", "json")
    assert nothing.code == 1 and f"the narcwatch home {home} does not exist" in nothing.stderr
    home.mkdir()
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


def test_report_on_a_missing_home_is_an_error_and_creates_nothing(cli, tmp_path):
    """`report --home /typo` created an empty home and exited 0."""
    typo = tmp_path / "typo"
    result = cli("report", "--home", str(typo))
    assert result.code == 1 and result.stdout == ""
    assert f"the narcwatch home {typo} does not exist" in result.stderr
    assert not typo.exists()
    missing = tmp_path / "nothere.db"
    result = cli("report", "--db", str(missing))
    assert result.code == 1 and f"the database {missing} does not exist" in result.stderr
    assert not missing.exists()


def test_unopenable_database_names_the_path_and_why(cli, home, posts):
    """Was only "unable to open database file"."""
    db = home / "narcwatch.db"
    db.mkdir(parents=True)
    result = cli("report")
    assert result.code == 1
    assert f"cannot open the database {db}: it is a directory" in result.stderr


def test_home_that_cannot_be_created_names_the_path_and_why(cli, tmp_path, posts):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = cli("scan", str(posts), "-q", "--home", str(blocker / "home"))
    assert result.code == 1
    assert f"cannot create the narcwatch home {blocker / 'home'}: not a directory" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_home_names_the_path_and_why(cli, home, posts):
    assert cli("scan", str(posts), "-q").code == 0
    home.chmod(0o500)
    try:
        result = cli("report")
    finally:
        home.chmod(0o700)
    assert result.code == 1
    assert f"cannot open the database {home / 'narcwatch.db'}: permission denied" in result.stderr
