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


def test_classify_json_flags_a_novel_fentanyl(cli):
    smiles = "O=C(N(c1cccc(F)c1)C1CCN(CC(C)c2ccccc2)CC1)c1ccco1"
    result = cli("kb", "classify", "--smiles", smiles, "--format", "json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["families"] == ["fentanyl"] and data["known"] is None
    assert {"id", "name", "similarity", "control"} <= set(data["nearest"][0])


def test_classify_bad_smiles_is_a_usage_error(cli):
    result = cli("kb", "classify", "--smiles", "((")
    assert result.code == 2 and "SMILES" in result.stderr


def test_check_passes_and_fails(cli, tmp_path):
    assert cli("kb", "check").code == 0
    import shutil

    from narcwatch.kb.loader import data_dir

    copy = tmp_path / "kb"
    shutil.copytree(data_dir(), copy)
    path = copy / "substances" / "un1961.yaml"
    path.write_text(path.read_text().replace("437-38-7", "437-38-8"), encoding="utf-8")
    result = cli("kb", "check", str(copy))
    assert result.code == 1 and "check digit" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export(cli, fmt):
    result = cli("kb", "export", "--format", fmt)
    assert result.code == 0
    if fmt == "json":
        rows = json.loads(result.stdout)
        assert len(rows) > 800 and {"id", "name", "category"} <= set(rows[0])
    else:
        lines = result.stdout.splitlines()
        assert lines[0].startswith("id,name,") and len(lines) > 800
