"""PGP keys: armoured public key blocks parsed to their primary-key fingerprint, and
fingerprints or key ids written in text next to a PGP word.

Vendors keep their PGP key across markets, so its fingerprint is one of the strongest
links between accounts. A 40-hex string alone is more often a SHA-1 hash, so written
fingerprints (plain, or in groups of four as ``gpg --fingerprint`` prints them) and
``0x`` 16-hex key ids ("pgp-keyid") need "pgp", "gpg", "fingerprint" or "key" within
60 characters. Values are upper-case hex without spaces. Armour that does not parse
(truncated, damaged, a private key) is skipped without error.

Page dumps mangle armour: lines padded with underscores, blank lines between all lines,
the whole block on one line, the checksum glued to the last line, typographic dashes in
the markers, a marker wrapped over two lines. The armour is therefore read as tokens, not
lines, and accepted when its CRC-24 checksum verifies (without a checksum, when pgpy
parses it). Lines cut short by a page's column width have lost characters: no fix.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from collections.abc import Iterator
from functools import lru_cache

from narcwatch.selectors import literal_starts, lowered
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor

# Armour markers as page dumps mangle them: typographic dashes ("—–BEGIN ...—–"), the
# words wrapped over two lines, underscores padding the line. The patterns start at the
# word (a literal the regex engine finds fast; a leading "[-–—]{2,}" would retry along
# every run of dashes) and the dashes before it are checked in code. Each BEGIN is paired
# with the next END (two pointers, never a lazy ".*?" scan from every BEGIN).
_DASH_CHARS = "-\u2013\u2014"
_WORDS = r"\s{1,8}".join(["PGP", "PUBLIC", "KEY", "BLOCK"])
_BEGIN = re.compile(rf"BEGIN\s{{1,8}}{_WORDS} ?[{_DASH_CHARS}]{{2,}}")
_END = re.compile(rf"END\s{{1,8}}{_WORDS} ?[{_DASH_CHARS}]{{2,}}")
_B64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
# Header values that are themselves base64-like ("Version: GnuPG v2", "Version: BCPG")
# can precede the body once line breaks are lost: the body may start this many tokens
# after the last token that cannot be base64. The checksum (or pgpy) tells which start.
_HEADER_TOKENS = 4
# A block larger than this is not one key (photo ids make keys of ~100 KB at most).
MAX_BLOCK_CHARS = 400_000
_HEX4 = "[0-9A-Fa-f]{4}"
# Ten groups of four, with one or two spaces between (gpg doubles the middle one); a group
# more on either side means a longer hash written in groups, not a fingerprint.
_FPR = re.compile(
    rf"(?<![0-9A-Fa-f])(?<!{_HEX4} )(?<!{_HEX4}  )(?:{_HEX4}[ ]{{0,2}}){{9}}{_HEX4}"
    rf"(?![0-9A-Fa-f])(?![ ]{{1,2}}{_HEX4}(?![0-9A-Za-z]))"
)
_KEYID = re.compile(r"(?<![0-9A-Za-z])0x[0-9A-Fa-f]{16}(?![0-9A-Za-z])")
_CONTEXT = re.compile(r"pgp|gpg|gnupg|fingerprint|key|ключ|clé|clave|schlüssel", re.I)
_CONTEXT_WORDS = ("pgp", "gpg", "gnupg", "fingerprint", "key", "ключ", "clé", "clave", "schlüssel")
_ANYWHERE = (True,) * len(_CONTEXT_WORDS)  # every occurrence, inside a word too
CONTEXT_CHARS = 60
_SPAN = 50  # a grouped fingerprint is 49-58 characters


def _crc24_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        crc = i << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24_TABLE = _crc24_table()


def _crc24(data: bytes) -> int:
    """OpenPGP's CRC-24 (RFC 4880 §6.1), a byte at a time from a table."""
    crc, table = 0xB704CE, _CRC24_TABLE
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ table[((crc >> 16) ^ byte) & 0xFF]
    return crc


def _markers(pattern: re.Pattern[str], text: str, pos: int = 0) -> Iterator[tuple[int, int]]:
    """Spans of the armour markers ``pattern`` finds, widened over the dashes in front
    (at least two, then an optional space)."""
    for m in pattern.finditer(text, pos):
        word = m.start() - (text[m.start() - 1 : m.start()] == " ")
        start = word
        while start > 0 and word - start < 64 and text[start - 1] in _DASH_CHARS:
            start -= 1
        if word - start >= 2:
            yield start, m.end()


def _inner(block: str) -> str:
    """What lies between the armour markers ("" without a BEGIN marker: not a public key
    block, a private one for instance)."""
    begin = next(_markers(_BEGIN, block), None)
    if begin is None:
        return ""
    end = next(_markers(_END, block, begin[1]), None)
    return block[begin[1] : end[0] if end else len(block)]


def _split_armour(inner: str) -> tuple[list[str], int | None] | None:
    """The armour's tokens before its checksum, and the checksum (None when there is none;
    None in all when the checksum itself is not base64).

    Lines are not trusted: indentation, underscores padding the lines, blank lines between
    all lines, a checksum glued to the last line and line breaks lost altogether all occur
    in real page dumps. So the armour is read as whitespace-separated tokens, the checksum
    being the last one ("=XXXX")."""
    tokens = inner.replace("_", " ").split()
    if not (tokens and len(tokens[-1]) == 5 and tokens[-1][0] == "="):
        return tokens, None
    try:
        expected = int.from_bytes(base64.b64decode(tokens[-1][1:], validate=True), "big")
    except (binascii.Error, ValueError):
        return None
    return tokens[:-1], expected


def _bodies(inner: str) -> Iterator[tuple[bytes, bool]]:
    """Candidate key packets inside the armour, with whether the armour's CRC-24 vouches for
    them: the body is the run of base64 tokens before the checksum, with or without up to
    ``_HEADER_TOKENS`` header values that look like base64 in front of it. With a checksum
    only a body it verifies comes out (a wrong one matches with odds of 1 in 16 million)."""
    split = _split_armour(inner)
    if split is None:
        return
    tokens, expected = split
    first = len(tokens)
    while first > 0 and _B64_CHARS.issuperset(tokens[first - 1]):
        first -= 1
    for start in range(first, min(first + _HEADER_TOKENS, len(tokens))):
        body = "".join(tokens[start:])
        if len(body) % 4:
            continue
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            continue  # "=" padding inside: a header value glued in front, or damage
        if expected is None:
            yield data, False
        elif _crc24(data) == expected:
            yield data, True
            return


def armour_checksum_ok(block: str) -> bool:
    """Whether the armour's CRC-24 line (optional) matches its body: pgpy does not check
    it, and a damaged line would otherwise give some other key's fingerprint."""
    inner = _inner(block)
    split = _split_armour(inner)
    if split is None:
        return False
    return split[1] is None or any(verified for _, verified in _bodies(inner))


def fingerprint_of(block: str) -> str | None:
    """The primary key's fingerprint of an armoured public key block (None if unreadable)."""
    found = key_of(block)
    return found[0] if found else None


def key_of(block: str) -> tuple[str, list[tuple[str, str | None]]] | None:
    """The primary key's fingerprint and user ids (``(name, e-mail)``) of an armoured
    public key block; None if unreadable or not a public key.

    The armour is rebuilt from its tokens (see :func:`_bodies`), so blocks whose lines
    were mangled are read too as long as the checksum (or, without one, pgpy) accepts
    them."""
    for data, _ in _bodies(_inner(block)):
        found = _parse_key(data)
        if found is not None:
            return None if found is _PRIVATE else found
    return None


# What _parse_key returns for a key that is not public: no further candidate is tried.
_PRIVATE: tuple[str, list[tuple[str, str | None]]] = ("", [])


@lru_cache(maxsize=32)  # pages repeat one vendor's key; pgpy takes ~1 ms a key
def _parse_key(data: bytes) -> tuple[str, list[tuple[str, str | None]]] | None:
    import pgpy  # imported here: most texts have no key block and pgpy is slow to import

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(data)
    except Exception:  # pgpy raises many kinds of errors on damaged packets
        return None
    if not key.is_public:
        return _PRIVATE
    uids = [(u.name or "", u.email or None) for u in key.userids if u.name or u.email]
    return str(key.fingerprint).replace(" ", "").upper(), uids


def _block_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each armoured public key block: each BEGIN marker with the first END
    marker after it, unless another BEGIN comes first (a block cut short)."""
    begins = list(_markers(_BEGIN, text))
    if not begins:
        return []
    ends = list(_markers(_END, text, begins[0][1]))
    out, j = [], 0
    for i, (b_start, b_end) in enumerate(begins):
        while j < len(ends) and ends[j][0] < b_end:
            j += 1
        if j == len(ends):
            break
        e_start, e_end = ends[j]
        if i + 1 < len(begins) and begins[i + 1][0] < e_start:
            continue
        if e_end - b_start <= MAX_BLOCK_CHARS:
            out.append((b_start, e_end))
    return out


def _near_context(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]
    return _CONTEXT.search(window) is not None


def _windows(low: str) -> list[tuple[int, int]]:
    """Merged stretches of text within reach of a PGP word: only there can a written
    fingerprint or key id count, so only there is the (slow) hex regex run."""
    found = literal_starts(low, _CONTEXT_WORDS, _ANYWHERE)  # one pass for all the words
    spans = [
        (max(0, i - CONTEXT_CHARS - _SPAN), i + len(word) + CONTEXT_CHARS + _SPAN)
        for word, starts in zip(_CONTEXT_WORDS, found, strict=True)
        for i in starts
    ]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


@register_extractor("pgp", triggers=None)  # _windows is the cheap test
def extract_pgp(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    blocks = []
    if "BEGIN" in text and "PGP" in text:
        for start, end in _block_spans(text):
            blocks.append((start, end))
            found = key_of(text[start:end])
            if found:
                fpr, uids = found
                yield Candidate("pgp-fingerprint", fpr, start, end)
                # The user ids are inside the armour, invisible in the text: the e-mail
                # is a strong selector of its own, the name a weak one (like a vendor name).
                for name, email in uids:
                    label = f"{name} <{email}>" if email else name
                    yield Candidate("pgp-uid", label.strip(), start, end, "weak")
                    if email and "@" in email:  # "<AngelinaComms>": a name in brackets
                        yield Candidate("email", email.lower(), start, end)
    low = lowered(text)
    if len(low) != len(text):
        low = text  # lower-casing shifted offsets ("İ"): look for the words as written
    for ws, we in _windows(low):
        we = min(we, len(text))
        for m in _FPR.finditer(text, ws, we):
            if any(s <= m.start() < e for s, e in blocks) or not _near_context(text, *m.span()):
                continue
            yield Candidate("pgp-fingerprint", m.group(0).replace(" ", "").upper(), *m.span())
        if "0x" in text[ws:we]:
            for m in _KEYID.finditer(text, ws, we):
                if not any(s <= m.start() < e for s, e in blocks) and _near_context(
                    text, *m.span()
                ):
                    yield Candidate("pgp-keyid", m.group(0)[2:].upper(), *m.span())
