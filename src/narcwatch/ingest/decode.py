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


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as cp1252 (then latin-1).

    Exports that are UTF-8 with a few latin-1 rows are common; this keeps "café" instead
    of "caf\ufffd" for those rows at no cost to the valid ones.
    """
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = bytes(exc.object[exc.start : exc.end])
    try:
        return bad.decode("cp1252"), exc.end
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return bad.decode("latin-1"), exc.end


FALLBACK = "narcwatch-cp1252"
codecs.register_error(FALLBACK, _cp1252_fallback)


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
    high = [i for i, c in enumerate(text) if ord(c) > 127]
    if len(high) > max(2, len(text) // 5):
        return False
    # A symbol inside a word ("wys³ka", "sprzeda¿") is a Central European letter misread.
    return not any(
        0 < i < len(text) - 1
        and not text[i].isalpha()
        and text[i - 1].isalpha()
        and text[i + 1].isalpha()
        for i in high
    )


def _mostly_utf8(data: bytes) -> bool:
    """Valid multi-byte UTF-8 outnumbers the invalid bytes: UTF-8 with a few stray bytes.

    Reading such data as cp1252 would garble every good accent to fix a few bad ones.
    """
    good = data.decode("utf-8", errors="ignore")
    multibyte = len(good.encode("utf-8")) - len(good)  # continuation bytes of good chars
    invalid = len(data) - len(good.encode("utf-8"))
    return multibyte > 2 * invalid


def _cyrillic(data: bytes) -> str | None:
    """cp1251 or KOI8-R, whichever reads as mostly lower-case Cyrillic, as prose does.

    Russian-language markets are a large share of what narcwatch reads, and statistical
    detectors confuse the two (or pick mac_cyrillic) on short texts; the wrong one of the
    pair turns lower case into upper case, which this test catches.
    """
    best, best_ratio = None, 0.75
    for encoding in ("cp1251", "koi8_r"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        high = sum(1 for c in text if ord(c) > 127)
        cyrillic = [c for c in text if "\u0400" <= c <= "\u04ff"]
        if not high or len(cyrillic) < 0.8 * high:
            continue
        ratio = sum(c.islower() for c in cyrillic) / len(cyrillic)
        # Greek read as cp1251 is lower-case Cyrillic too, but not Russian's letter mix.
        common = sum(c in _RU_COMMON for c in cyrillic) / len(cyrillic)
        if ratio > best_ratio and common > 0.5:
            best, best_ratio = encoding, ratio
    return best


_RU_COMMON = frozenset("оеаинтсрвлОЕАИНТСРВЛ")  # about 60% of the letters of Russian prose
# Among encodings a detector finds equally clean, the more widely used wins.
_COMMON: tuple[str, ...] = (
    *("cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1256", "cp1255", "cp1257"),
    *("gb18030", "big5", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949", "koi8_r"),
)


def guess_encoding(data: bytes) -> str:
    """The encoding of bytes that are not strict UTF-8 (and carry no BOM)."""
    if _mostly_utf8(data):
        return "utf-8"
    if _western(data):
        return "cp1252"
    found = _cyrillic(data[:65536])
    if found:
        return found
    matches = list(from_bytes(data[:65536]))
    if not matches:
        return "cp1252"
    clean = [m for m in matches if m.chaos <= matches[0].chaos + 0.05]
    rank = {name: i for i, name in enumerate(_COMMON)}
    best = min(clean, key=lambda m: (rank.get(m.encoding, len(rank)), matches.index(m)))
    return best.encoding or "cp1252"


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
    return guess_encoding(sample)


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode one record or document; ``encoding`` forces one (errors replaced).

    Never raises for bad bytes: a wrong guess costs a few odd characters, not a record.
    """
    if encoding:
        return data.decode(encoding, errors="replace")
    bom = bom_encoding(data)
    if bom:
        return data.decode(bom, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return decode_as(data, guess_encoding(data))


def decode_as(data: bytes, encoding: str) -> str:
    """Decode with a guessed encoding; UTF-8's stray bytes are read as cp1252."""
    if codecs.lookup(encoding).name == "utf-8":
        return data.decode("utf-8", errors=FALLBACK)
    return data.decode(encoding, errors="replace")


def looks_binary(sample: bytes) -> bool:
    """NUL bytes or mostly control characters: not text (UTF-16 has a BOM and passes)."""
    if not sample or bom_encoding(sample):
        return False
    if b"\x00" in sample[:8192]:
        return True
    controls = sum(1 for b in sample[:8192] if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample[:8192]) * 0.1
