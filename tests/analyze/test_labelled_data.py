"""The labelled texts we wrote (tests/data/offers*.jsonl): every entry well formed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = ("offers.jsonl", "offers_social.jsonl", "offers_eval.jsonl")
LANGS = {"en", "fr", "es", "de", "ru", "it", "pt", "nl", "pl", "tr", "vi", "ar", "zh"}


def entries(name: str) -> list[tuple[int, dict]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [(n, json.loads(line)) for n, line in enumerate(lines, 1) if line.strip()]


@pytest.mark.parametrize("name", FILES)
def test_every_entry_is_well_formed(name: str) -> None:
    seen: set[str] = set()
    rows = entries(name)
    assert rows
    for n, row in rows:
        where = f"{name} line {n}"
        assert {"id", "lang", "offer", "text"} <= row.keys(), where
        assert isinstance(row["offer"], bool), where
        assert row["lang"] in LANGS, where
        assert len(row["text"].split()) >= 3 and len(row["text"]) < 2000, where
        assert row["id"] not in seen, f"{where}: duplicate id {row['id']}"
        seen.add(row["id"])
    offers = sum(r["offer"] for _, r in rows)
    assert 0 < offers < len(rows)  # both classes


def test_no_text_is_labelled_both_ways() -> None:
    labels: dict[str, set[bool]] = {}
    for name in FILES:
        for _, row in entries(name):
            labels.setdefault(" ".join(row["text"].lower().split()), set()).add(row["offer"])
    assert not [t for t, seen in labels.items() if len(seen) > 1]
