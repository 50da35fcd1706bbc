"""`narcwatch kb`: look-ups a user types, typos included."""

import json

import pytest


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("carfentanyl", "carfentanil"),  # typo
        ("Fentanil", "fentanyl"),
        ("437-38-7", "fentanyl"),  # CAS number
        ("heroine", "heroin"),
        ("cocaïne", "cocaine"),
        ("MDMA", "mdma"),
        ("xanax", "alprazolam"),
        ("PCP", "phencyclidine"),  # short key: exact only
    ],
)
def test_search_finds_the_substance(cli, query, expected):
    result = cli("kb", "search", query, "--format", "json")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and rows[0]["id"] == expected, rows[:3]


def test_search_nonsense_finds_nothing(cli):
    result = cli("kb", "search", "qwzxv", "--format", "json")
    assert result.code == 0 and json.loads(result.stdout) == []


def test_show_entry_and_unknown_id(cli):
    result = cli("kb", "show", "fentanyl")
    data = json.loads(result.stdout)
    assert data["cas"] == ["437-38-7"] and data["control"][0]["schedule"] == "1961-I"
    assert data["sources"][0]["title"]
    bad = cli("kb", "show", "fentanil")
    assert bad.code == 2 and "fentanyl" in bad.stderr  # suggestions listed


def test_stats(cli):
    data = json.loads(cli("kb", "stats", "--format", "json").stdout)
    assert data["substances"] > 800 and data["slang_terms"] >= 600 and data["emoji_codes"] >= 40
