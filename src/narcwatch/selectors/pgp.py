"""PGP keys: armoured public key blocks parsed to their primary-key fingerprint, and
fingerprints or key ids written in text next to a PGP word.

Vendors keep their PGP key across markets, so its fingerprint is one of the strongest
links between accounts. A 40-hex string alone is more often a SHA-1 hash, so written
fingerprints need "pgp", "gpg", "fingerprint" or "key" within a short distance.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

from narcwatch.selectors.registry import Candidate, register_extractor

_BLOCK = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.S
)
_FPR = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{4}[ ]?){9}[0-9A-Fa-f]{4}(?![0-9A-Fa-f])")
_KEYID = re.compile(r"(?<![0-9A-Za-z])0x[0-9A-Fa-f]{16}(?![0-9A-Fa-f])")
_CONTEXT = re.compile(r"pgp|gpg|gnupg|fingerprint|key|ключ|clé|clave|schlüssel", re.I)
CONTEXT_CHARS = 60


def fingerprint_of(block: str) -> str | None:
    """The primary key's fingerprint of an armoured public key block (None if unreadable)."""
    import pgpy

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            key, _ = pgpy.PGPKey.from_blob(block)
    except Exception:  # pgpy raises many kinds of errors on damaged armour
        return None
    return str(key.fingerprint).replace(" ", "").upper()


def _near_context(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS]
    return _CONTEXT.search(window) is not None


@register_extractor("pgp", triggers=("pgp", "gpg", "fingerprint", "key", "ключ", "clé", "clave"))
def extract_pgp(text: str, region: str | None = None) -> Iterator[Candidate]:
    blocks = []
    for m in _BLOCK.finditer(text):
        blocks.append(m.span())
        fpr = fingerprint_of(m.group(0))
        if fpr:
            yield Candidate("pgp-fingerprint", fpr, m.start(), m.end())
    for m in _FPR.finditer(text):
        if any(s <= m.start() < e for s, e in blocks) or not _near_context(text, *m.span()):
            continue
        yield Candidate("pgp-fingerprint", m.group(0).replace(" ", "").upper(), *m.span())
    for m in _KEYID.finditer(text):
        if _near_context(text, *m.span()):
            yield Candidate("pgp-keyid", m.group(0)[2:].upper(), *m.span())
