"""IBANs: country length and mod-97 checked, grouped or compact, trimmed at the right place."""

from __future__ import annotations

import pytest

from narcwatch.selectors import extract
from narcwatch.selectors.payments import iban_ok


def ibans(text: str) -> list[tuple[str, str]]:
    return [(h.value, h.matched) for h in extract(text) if h.type == "iban"]


FOUND = [
    # (text, value, matched)
    ("IBAN DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00"),
    ("iban: DE89370400440532013000.", "DE89370400440532013000", "DE89370400440532013000"),
    (
        "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX",
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
    ),
    (
        "virement FR76 3000 6000 0112 3456 7890 189 merci",
        "FR7630006000011234567890189",
        "FR76 3000 6000 0112 3456 7890 189",
    ),
    ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819", "GB29 NWBK 6016 1331 9268 19"),
    ("NL91ABNA0417164300", "NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("(BE68539007547034)", "BE68539007547034", "BE68539007547034"),
]


@pytest.mark.parametrize(("text", "value", "matched"), FOUND, ids=[f[1] for f in FOUND])
def test_ibans(text, value, matched):
    assert ibans(text) == [(value, matched)]
    (hit,) = [h for h in extract(text) if h.type == "iban"]
    assert text[hit.span[0] : hit.span[1]] == matched and hit.strength == "strong"


NOT_FOUND = [
    "IBAN DE89 3704 0044 0532 0130 01",  # mod-97
    "IBAN DE88 3704 0044 0532 0130 00",  # check digits
    "IBAN DE89 3704 0044 0532 0130 0",  # one digit short
    "IBAN DE89370400440532013000X",  # glued to more
    "XX89370400440532013000",  # unknown country
    "ID12 3456 7890 1234 5678",  # not an IBAN country
    "de89370400440532013000",  # lower case is not how IBANs are written
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_not_ibans(text):
    assert ibans(text) == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("DE89370400440532013000", True),
        ("MT84MALT011000012345MTLCAST001S", True),
        ("NO9386011117947", True),
        ("NO9386011117948", False),
        ("DE8937040044053201300", False),
    ],
)
def test_iban_ok(value, ok):
    assert iban_ok(value) is ok
