"""Bank accounts: IBANs, checked by length for their country and by ISO 7064 mod-97.

Written compact or in groups ("DE89 3704 0044 0532 0130 00"); the value is compact and
upper-case. PayPal is not a selector of its own: "paypal: name@mail.com" gives the e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from narcwatch.selectors import ascii_view
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor

# IBAN lengths by country (SWIFT IBAN Registry).
IBAN_LENGTHS = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "BY": 28,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "EG": 29,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IQ": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LC": 32,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SC": 31,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "ST": 25,
    "SV": 28,
    "TL": 23,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VA": 22,
    "VG": 24,
    "XK": 20,
}
# Country, check digits, then letters/digits in groups; greedy, so it may run on into the
# next word ("... 0130 00 BIC COBADEFF"): the country's length says where it ends.
# Tried only where the upper-case/digit view of the text shows "UUdd" at a word start.
_IBAN = re.compile(r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}")


def iban_ok(value: str) -> bool:
    """Whether a compact IBAN has its country's length and passes mod-97."""
    if IBAN_LENGTHS.get(value[:2]) != len(value):
        return False
    moved = value[4:] + value[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def _end_of(raw: str, size: int) -> int | None:
    """Index in ``raw`` just after its ``size``-th letter or digit, if it ends a group."""
    count = 0
    for i, c in enumerate(raw):
        if c != " ":
            count += 1
            if count == size:
                end = i + 1
                return end if end == len(raw) or raw[end] == " " else None
    return None


@register_extractor("payments", triggers=None)
def extract_payments(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    alnum, classes = ascii_view(text)
    i = classes.find(b"UUdd")
    while i != -1:
        m = _IBAN.match(text, i) if i == 0 or alnum[i - 1] != 97 else None  # 97: "a"
        i = classes.find(b"UUdd", i + 1)
        if m is None:
            continue
        raw = m.group(0)
        size = IBAN_LENGTHS.get(raw[:2])
        end = _end_of(raw, size) if size else None
        if end is None:
            continue
        if m.start() + end < len(text) and text[m.start() + end].isalnum():
            continue  # glued to a longer word
        compact = raw[:end].replace(" ", "")
        if iban_ok(compact):
            yield Candidate("iban", compact, m.start(), m.start() + end)
