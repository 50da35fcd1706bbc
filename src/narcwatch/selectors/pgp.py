"""PGP keys: armoured public key blocks parsed to their primary-key fingerprint, and
fingerprints or key ids written in text next to a PGP word.

Vendors keep their PGP key across markets, so its fingerprint is one of the strongest
links between accounts. A 40-hex string alone is more often a SHA-1 hash, so written
fingerprints (plain, or in groups of four as ``gpg --fingerprint`` prints them) and
``0x`` 16-hex key ids ("pgp-keyid") need "pgp", "gpg", "fingerprint" or "key" within
60 characters. Values are upper-case hex without spaces. Armour that does not parse
(truncated, damaged, a private key) is skipped without error.
"""

from __future__ import annotations

import base64
import binascii
import re
import warnings
from collections.abc import Iterator

from narcwatch.selectors.registry import Candidate, register_extractor

_BLOCK = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.S
)
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
CONTEXT_CHARS = 60
_SPAN = 50  # a grouped fingerprint is 49-58 characters


def _crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def armour_checksum_ok(block: str) -> bool:
    """Whether the armour's CRC-24 line (optional) matches its body: pgpy does not check
    it, and a damaged line would otherwise give some other key's fingerprint."""
    lines = [line.strip() for line in block.splitlines()[1:-1]]
    body = [x for x in lines if x and ":" not in x and not x.startswith("=")]
    sums = [x for x in lines if x.startswith("=") and len(x) == 5]
    if not sums:
        return True
    try:
        data = base64.b64decode("".join(body), validate=True)
        expected = int.from_bytes(base64.b64decode(sums[-1][1:], validate=True), "big")
    except (binascii.Error, ValueError):
        return False
    return _crc24(data) == expected


def fingerprint_of(block: str) -> str | None:
    """The primary key's fingerprint of an armoured public key block (None if unreadable)."""
    found = key_of(block)
    return found[0] if found else None


def key_of(block: str) -> tuple[str, list[tuple[str, str | None]]] | None:
    """The primary key's fingerprint and user ids (``(name, e-mail)``) of an armoured
    public key block; None if unreadable or not a public key."""
    import pgpy  # imported here: most texts have no key block and pgpy is slow to import

    if not armour_checksum_ok(block):
        return None
    # Text taken from HTML often indents the armour or ends lines with spaces: retry clean.
    for armour in (block, "\n".join(line.strip() for line in block.splitlines())):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                key, _ = pgpy.PGPKey.from_blob(armour)
        except Exception:  # pgpy raises many kinds of errors on damaged armour
            continue
        if not key.is_public:
            return None
        uids = [(u.name or "", u.email or None) for u in key.userids if u.name or u.email]
        return str(key.fingerprint).replace(" ", "").upper(), uids
    return None


def _near_context(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]
    return _CONTEXT.search(window) is not None


def _windows(low: str) -> list[tuple[int, int]]:
    """Merged stretches of text within reach of a PGP word: only there can a written
    fingerprint or key id count, so only there is the (slow) hex regex run."""
    spans = []
    for word in _CONTEXT_WORDS:
        i = low.find(word)
        while i != -1:
            spans.append((max(0, i - CONTEXT_CHARS - _SPAN), i + len(word) + CONTEXT_CHARS + _SPAN))
            i = low.find(word, i + 1)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


@register_extractor("pgp", triggers=None)  # _windows is the cheap test
def extract_pgp(text: str, region: str | None = None) -> Iterator[Candidate]:
    blocks = []
    if "-----BEGIN PGP" in text:
        for m in _BLOCK.finditer(text):
            blocks.append(m.span())
            found = key_of(m.group(0))
            if found:
                fpr, uids = found
                yield Candidate("pgp-fingerprint", fpr, m.start(), m.end())
                # The user ids are inside the armour, invisible in the text: the e-mail
                # is a strong selector of its own, the name a weak one (like a vendor name).
                for name, email in uids:
                    label = f"{name} <{email}>" if email else name
                    yield Candidate("pgp-uid", label.strip(), m.start(), m.end(), "weak")
                    if email:
                        yield Candidate("email", email.lower(), m.start(), m.end())
    low = text.lower()
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
