"""CAS Registry Numbers: the check-digit rule and a finder for numbers in text.

A CAS number is 2–7 digits, 2 digits and a check digit (``50-00-0``). The check digit is
the sum of every other digit times its position counted from the right, modulo 10, so a
mistyped number is caught before it is resolved to a substance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

CAS_RE = re.compile(r"(?<![\d-])(\d{2,7})-(\d{2})-(\d)(?![\d-])")
# The tail every CAS number has: a regex that starts with a literal skips through text
# ~100x faster than CAS_RE, whose look-behind runs at every position.
_TAIL = re.compile(r"-\d\d-\d")


def cas_check_digit(body: str) -> int:
    """The check digit for the digits before it (``"5000"`` for ``50-00-0``)."""
    digits = body[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10


def is_valid_cas(value: str) -> bool:
    """Whether ``value`` is a well-formed CAS number whose check digit is right."""
    m = CAS_RE.fullmatch(value.strip())
    if not m:
        return False
    return cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3))


def find_cas(text: str) -> Iterator[tuple[str, int, int]]:
    """Valid CAS numbers in ``text`` as ``(number, start, end)``; bad check digits skipped."""
    if "-" not in text or not _TAIL.search(text):
        return
    for m in CAS_RE.finditer(text):
        if cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3)):
            yield m.group(0), m.start(), m.end()
