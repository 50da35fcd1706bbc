"""What the link stage links on: a selector hit turned into a :class:`LinkKey`.

Strong selectors (wallet, PGP fingerprint, phone, e-mail, onion, messenger id) link
documents wherever they appear, so their scope is empty. A vendor name is weak: the same
name on two markets may be two people, so its scope is the platform and it links only
documents of that platform. Other weak selectors (URLs, common domains) never link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from narcwatch.errors import UsageError

VENDOR = "vendor"

# Types whose value alone is read back by the selector extractors (checksums, formats): a
# value they do not accept as that type is never stored, so a verdict on it is an error,
# not a silent no-op. Handles and messenger ids are not re-readable alone: taken as written.
_WALLET = "a checksummed address"
VALIDATED = {
    "btc": _WALLET,
    "btc-testnet": _WALLET,
    "ltc": _WALLET,
    "ltc-testnet": _WALLET,
    "doge": _WALLET,
    "trx": _WALLET,
    "eth": _WALLET,
    "xmr": _WALLET,
    "xmr-testnet": _WALLET,
    "bch": _WALLET,
    "email": "an e-mail address",
    "phone": "a phone number in international form, +CC...",
    "iban": "an IBAN with its check digits",
    "onion": "a v3 onion address",
    "onion-v2": "a v2 onion address",
    "i2p": "an I2P address",
}


@dataclass(frozen=True, slots=True)
class LinkKey:
    type: str
    value: str
    scope: str = ""  # the platform, for vendor names
    # A fixed-width digest so the store looks keys up with one indexed IN; computed once.
    ident: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        raw = f"{self.type}\x1f{self.scope}\x1f{self.value}".encode()
        object.__setattr__(self, "ident", hashlib.sha256(raw).hexdigest()[:32])

    @property
    def label(self) -> str:
        return f"{self.type}:{self.value}" + (f" @{self.scope}" if self.scope else "")


def vendor_scope(platform: str | None, source: str) -> str:
    """Where a vendor name is unique: its platform, else the file it was read from (one
    market's export), so names from unrelated dumps without a platform never link."""
    return platform or f"file:{source}"[:128]


def key_for(type_: str, value: str, strength: str, scope: str) -> LinkKey | None:
    """The link key of one selector hit (``scope`` from :func:`vendor_scope`), or None
    when it never links."""
    if strength == "strong":
        return LinkKey(type_, value)
    if type_ == VENDOR:
        return LinkKey(VENDOR, value.casefold(), scope)
    return None


def parse_key(text: str, *, platform: str | None = None) -> LinkKey:
    """Read ``TYPE:VALUE`` as an analyst types it (``btc:bc1q...``, ``vendor:snowwhite``
    with ``platform``). The value is normalized by the selector extractor when it reads it
    as that type (so ``eth:0xAbC...`` matches the lower-case stored value)."""
    type_, sep, value = text.partition(":")
    type_, value = type_.strip().lower(), value.strip()
    if not sep or not type_ or not value:
        raise UsageError(
            f"expected TYPE:VALUE (e.g. btc:bc1q..., telegram:handle), got {text!r}", value=text
        )
    if type_ == VENDOR:
        if not platform:
            raise UsageError(
                "a vendor name links only within one platform or file: give --platform "
                "(the platform, or file:PATH as `actors show` prints the scope)",
                value=text,
            )
        return LinkKey(VENDOR, value.casefold(), platform)
    from narcwatch.selectors import extract

    hits = extract(value)
    for hit in hits:
        if hit.type == type_:
            return LinkKey(type_, hit.value)
    if type_ in VALIDATED:
        whole = [h for h in hits if h.span == (0, len(value))]
        read = f"; it reads as {whole[0].type}:{whole[0].value}" if whole else ""
        raise UsageError(
            f"{value!r} is not a valid {type_} selector ({VALIDATED[type_]}){read}",
            value=text,
        )
    # Not re-readable alone (a handle without its "@" or platform name): as written; the
    # store lookups compare case-insensitively.
    return LinkKey(type_, value.lstrip("@"))
