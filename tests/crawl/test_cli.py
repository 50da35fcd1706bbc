"""``narcwatch crawl`` end to end, as a user runs it (real entry point, real local server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import narcwatch.cli.crawl  # noqa: F401  (registers the command until app.py imports it)
from narcwatch.cli.app import app
from narcwatch.evidence import CustodyLog, verify_warc
from narcwatch.settings import database_url
from narcwatch.store import Store

from .conftest import N_LISTINGS, Site

FAST = ["--delay", "0", "--allow-address", "127.0.0.1", "--quiet"]


def test_crawl_then_resume(site: Site, cli, home: Path) -> None:
    first = cli("crawl", site.base + "/", "--job", "cli", "--max-pages", "3", *FAST)
    assert first.code == 0, first.stderr
    again = cli("crawl", "--resume", "cli", *FAST[:-1])  # carries on: 3 more pages
    assert again.code == 0, again.stderr
    assert "job cli: 3 pages archived" in again.stderr
    assert max(site.page_hits().values()) == 1 and sum(site.page_hits().values()) == 6
    assert all(verify_warc(p).ok for p in (home / "archive" / "cli").glob("*.warc.gz"))
    assert CustodyLog(home / "custody.jsonl").verify().ok
    with Store.open(database_url(None, home)) as store:
        assert len(list(store.findings())) == 6


def test_focus_crawl_from_a_seeds_file(site: Site, cli, home: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text(f"# market\n{site.base}/\n", encoding="utf-8")
    result = cli("crawl", "--seeds-file", str(seeds), "--focus", "--max-pages", "6", *FAST[:-1])
    assert result.code == 0, result.stderr
    assert "6 pages archived" in result.stderr
    fetched = [p for p in site.page_hits() if p != "/"]
    # focused: offers (listings) are taken before forum pages
    assert all(p.startswith("/listing/") for p in fetched)
    assert len(fetched) == 5 < N_LISTINGS


def test_private_address_without_allow_list_fails(site: Site, cli) -> None:
    result = cli("crawl", site.base + "/", "--delay", "0")
    assert result.code == 1
    assert "loopback address 127.0.0.1" in result.stderr
    assert site.page_hits() == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["http://x.onion/"], "needs --proxy"),
        ([], "no seed URL"),
        (["http://example.com/", "--include", "("], "not a valid regular expression"),
        (["http://example.com/", "--allow-address", "nope"], "not an IP address"),
        (["http://example.com/", "--job", "../evil"], "--job must be"),
        (["--resume", "nosuchjob"], "no crawl job"),
        (["http://example.com/", "--proxy", "ftp://p"], "--proxy must be"),
    ],
)
def test_usage_errors_exit_2(cli, args: list[str], message: str) -> None:
    result = cli("crawl", *args)
    assert result.code == 2, result.stderr
    assert message in result.stderr


def test_cli_runner_smoke(site: Site, home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["crawl", site.base + "/listing/1", "--max-depth", "0", "--home", str(home), *FAST]
    )
    assert result.exit_code == 0, result.output
    assert site.hits["/listing/1"] == 1


def test_crawl_takes_the_scan_pipeline_options_and_links(site: Site, cli, home: Path) -> None:
    result = cli(
        "crawl", site.base + "/phone", "--max-depth", "0", "--region", "fr",
        "--threshold", "0.5", *FAST[:-1],
    )  # fmt: skip
    assert result.code == 0, result.stderr
    assert "narcwatch link:" in result.stderr
    with Store.open(database_url(None, home)) as store:
        (finding,) = store.findings()
    assert {s.value for s in finding.selectors if s.type == "phone"} == {"+33612345678"}
    assert finding.offer == (finding.offer_score >= 0.5)


def test_crawl_no_link(site: Site, cli, home: Path) -> None:
    result = cli("crawl", site.base + "/shop/a", "--no-link", *FAST[:-1])
    assert result.code == 0, result.stderr
    assert "2 pages archived" in result.stderr and "narcwatch link:" not in result.stderr


@pytest.mark.parametrize("option", ["--region", "--threshold", "--prevalence", "--no-link"])
def test_crawl_help_names_the_pipeline_options(cli, option: str) -> None:
    result = cli("crawl", "--help")
    assert result.code == 0 and option in result.stdout


def test_a_bad_region_is_a_usage_error(cli) -> None:
    result = cli("crawl", "http://example.com/", "--region", "France")
    assert result.code == 2 and "region" in result.stderr
