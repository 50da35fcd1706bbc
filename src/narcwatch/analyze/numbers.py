"""Numbers as listings write them: "1.200,50", "3,5", "1,000", "1/8", "1½".

Shared by the quantities component (amounts and prices) and anything else that reads a
written number; the decimal comma or point is told apart from a thousands separator by
the digits around it.
"""

from __future__ import annotations

import re
import unicodedata

VULGAR = "\u00bc-\u00be\u2150-\u215e"  # ¼ ½ ¾ ⅐ ... ⅞
NUM = r"(?:[0-9]+(?:[.,][0-9]+)*|[.,][0-9]+)"
NUMBER = re.compile(rf"[0-9]+/[1-9][0-9]*(?![.,]?[0-9])|[0-9]*[{VULGAR}]|{NUM}")
# Where a number may start: a plain character class lets the regex engine skip ahead fast
# (the common document has no number at all).
DIGIT = re.compile(rf"[0-9{VULGAR}]")


def parse_number(text: str, *, money: bool = False) -> float | None:
    """'1.200,50' -> 1200.5, '3,5' -> 3.5, '1,000' -> 1000, '1/8' -> 0.125, '1½' -> 1.5."""
    s = text.strip()
    if s and not s[-1].isascii():
        return float(s[:-1] or 0) + unicodedata.numeric(s[-1])
    if "/" in s:
        num, _, den = s.partition("/")
        return int(num) / int(den) if int(den) else None
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in s:
        groups = s.split(",")
        thousands = len(groups) > 2 or (len(groups[-1]) == 3 and groups[0] != "0")
        s = s.replace(",", "") if thousands else s.replace(",", ".")
    elif s.count(".") > 1:
        s = s.replace(".", "")
    elif "." in s and money:
        head, tail = s.split(".")
        if len(tail) == 3 and head not in ("", "0"):
            s = head + tail  # "€1.200": thousands in most of Europe; cents have 2 digits
    try:
        return float(s)
    except ValueError:
        return None
