"""`narcwatch eval` as an analyst runs it on a labelled file."""

from __future__ import annotations

import json

import pytest

ROWS = [
    (
        "Pure Colombian cocaine 1g 80 EUR, 3.5g 250 EUR, stealth shipping, Wickr: snowman",
        "1",
        "shop",
    ),
    ("MDMA crystal 84% 10g 170 EUR, escrow accepted, ships from NL, PGP on profile", "1", "shop"),
    ("Xanax bars 2mg x 100 for 180 USD, overnight delivery, pay BTC", "1", "shop"),
    ("Police seized 40 kg of cocaine in the port of Antwerp on Tuesday", "0", "news"),
    ("New study: ketamine helps treatment-resistant depression", "0", "news"),
    ("Heavy duty weed eater, 2-stroke, 25 cc engine, free shipping", "0", "ebay"),
]


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, label, kind) in enumerate(ROWS):
            fh.write(json.dumps({"id": str(i), "text": text, "label": label, "kind": kind}) + "\n")
        fh.write(json.dumps({"id": "x", "text": "no label here"}) + "\n")
    return path


def test_json_report_with_groups_and_plots(cli, labelled, tmp_path):
    plots = tmp_path / "plots"
    result = cli(
        "eval",
        str(labelled),
        "--labels",
        "label",
        "--group",
        "kind",
        "--plots",
        str(plots),
        "--format",
        "json",
    )
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 6 and report["positives"] == 3 and report["unlabelled"] == 1
    assert set(report["groups"]) == {"shop", "news", "ebay"}
    assert report["groups"]["shop"]["offers"] == 3
    assert 0 <= report["ece"] <= 1 and 0 <= report["brier"] <= 1
    assert "operating_point" in report and report["precision_one_fp"] is not None
    assert sorted(p.rsplit("/", 1)[-1] for p in report["plots"]) == [
        "precision_recall.png",
        "reliability.png",
    ]
    assert all(
        (plots / name).stat().st_size > 1000 for name in ("precision_recall.png", "reliability.png")
    )


def test_table_report_names_every_figure(cli, labelled):
    result = cli("eval", str(labelled), "--labels", "label", "--prevalence", "0.05")
    assert result.code == 0, result.stderr
    for words in ("macro-F1", "ROC-AUC", "confusion: TN", "precision at 0.05 prevalence", "ECE"):
        assert words in result.stdout
    text = " ".join(result.stdout.split())  # rich wraps long lines
    # 3 negatives: one false positive caps precision at 5% prevalence at .05/(.05+.95/3)
    assert "one false positive already caps precision at 0.05 prevalence at 0.1364" in text
    # the offers all score above the non-offers here: every offer, no false positive
    assert "precision >= 0.9 at 0.05 prevalence: threshold" in text
    assert "recall 1.000, 0 false positives" in text


def test_a_missing_label_field_is_a_usage_error(cli, labelled):
    result = cli("eval", str(labelled), "--labels", "gold")
    assert result.code == 2 and "gold" in result.stderr
