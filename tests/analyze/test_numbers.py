"""Numbers as listings write them: decimal commas and points, thousands, fractions."""

from __future__ import annotations

import pytest

from narcwatch.analyze.numbers import parse_number


@pytest.mark.parametrize(
    ("raw", "money", "value"),
    [
        ("1,000", False, 1000.0),
        ("0,5", False, 0.5),
        ("1.5", False, 1.5),
        ("1.500", True, 1500.0),
        ("1.500", False, 1.5),
        ("1/2", False, 0.5),
        ("1.234.567", False, 1234567.0),
        ("1.200,50", True, 1200.5),
        ("1,200.50", True, 1200.5),
        ("½", False, 0.5),
        ("1/0", False, None),
    ],
)
def test_parse_number(raw: str, money: bool, value: float | None) -> None:
    assert parse_number(raw, money=money) == value
