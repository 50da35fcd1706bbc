"""Bytes to text: BOMs first, strict UTF-8 next, then a detected legacy encoding.

Collected data arrives as UTF-8 mostly, but also as latin-1/cp1252 exports, UTF-16 files
written by Windows tools, or a mix. The common case (valid UTF-8) costs one decode; only
what fails it goes to charset-normalizer, and cp1252 with replacement is the last resort
so one bad byte never loses a record.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark announces, if any."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def _western(data: bytes) -> bool:
    """Mostly-ASCII text whose few other bytes read as cp1252 letters and punctuation.

    Short Western-European texts (a listing in latin-1 or cp1252) are where statistical
    detectors guess worst; Cyrillic or Greek single-byte text is mostly non-ASCII.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = sum(1 for c in text if ord(c) > 127)
    return high <= max(2, len(text) // 5)


def _guess(data: bytes) -> str:
    if _western(data):
        return "cp1252"
    best = from_bytes(data[:65536]).best()
    return best.encoding if best is not None and best.encoding else "cp1252"


def detect_encoding(sample: bytes) -> str:
    """Best guess for a file from its first bytes (UTF-8 unless shown otherwise)."""
    found = bom_encoding(sample)
    if found:
        return found
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut at the end of the sample
            return "utf-8"
    return _guess(sample)


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode one record or document; ``encoding`` forces one (errors replaced)."""
    if encoding:
        return data.decode(encoding, errors="replace")
    bom = bom_encoding(data)
    if bom:
        return data.decode(bom, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode(_guess(data), errors="replace")


def looks_binary(sample: bytes) -> bool:
    """NUL bytes or mostly control characters: not text (UTF-16 has a BOM and passes)."""
    if not sample or bom_encoding(sample):
        return False
    if b"\x00" in sample[:8192]:
        return True
    controls = sum(1 for b in sample[:8192] if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample[:8192]) * 0.1
