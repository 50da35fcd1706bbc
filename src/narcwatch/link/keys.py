"""What the link stage links on: a selector hit turned into a :class:`LinkKey`.

Strong selectors (wallet, PGP fingerprint, phone, e-mail, onion, messenger id) link
documents wherever they appear, so their scope is empty. A vendor name is weak: the same
name on two markets may be two people, so its scope is the platform and it links only
documents of that platform. Other weak selectors (URLs, common domains) never link.

One number, one key: a strong selector whose value is an E.164 number (``signal:+2771...``,
``whatsapp:+2771...``, ``phone:+2771...``) links as ``phone:+NUMBER``, so the same number
on WhatsApp, Signal and as a plain phone is one identifier. The messenger stays on the
stored selector (``actors show`` prints it); only the link key forgets it.

Queries an analyst pastes (``selectors search``, ``link reject/restore``) are read by the
selector extractors, as scanned text is: ``+33 6 12 34 56 78``, a PGP fingerprint in groups
of four and ``telegram:handle`` find the stored ``+33612345678``, fingerprint and handle.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from narcwatch.errors import UsageError

VENDOR = "vendor"
PHONE = "phone"
# An E.164 number as the extractors store it: "+", then 7 to 15 digits (no wallet, handle
# or fingerprint looks like this).
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# Selector types whose value may be a phone number (Telegram accounts have one too).
NUMBER_TYPES = frozenset({PHONE, "signal", "whatsapp", "viber", "telegram", "imo", "line"})
# URL schemes are not selector types: "https://..." is a value, not TYPE:VALUE.
_SCHEMES = frozenset({"http", "https", "ftp", "mailto", "tel", "bitcoin", "ethereum", "monero"})

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


def is_number(value: str) -> bool:
    """Whether a stored selector value is an E.164 phone number."""
    return _E164.fullmatch(value) is not None


def strong_key(type_: str, value: str) -> LinkKey:
    """The link key of a strong selector: its type and value, except that a number is a
    ``phone`` key whatever messenger it was written for."""
    return LinkKey(PHONE, value) if is_number(value) else LinkKey(type_, value)


def key_for(type_: str, value: str, strength: str, scope: str) -> LinkKey | None:
    """The link key of one selector hit (``scope`` from :func:`vendor_scope`), or None
    when it never links."""
    if strength == "strong":
        return strong_key(type_, value)
    if type_ == VENDOR:
        return LinkKey(VENDOR, value.casefold(), scope)
    return None


def split_typed(text: str) -> tuple[str, str] | None:
    """``(type, value)`` of ``TYPE:VALUE`` (``telegram:shop``, ``signal: +27 71...``),
    or None when the text is not of that form (a URL, a bare value)."""
    type_, sep, value = text.partition(":")
    type_, value = type_.strip().lower(), value.strip()
    if not sep or not value or not re.fullmatch(r"[a-z][a-z0-9-]{1,31}", type_):
        return None
    if type_ in _SCHEMES or value.startswith("//"):
        return None
    return type_, value


def _read(type_: str, value: str) -> LinkKey | None:
    """The stored form of ``value`` read as a ``type_`` selector, by the extractors: the
    value alone, then with its type named before it (a fingerprint needs a PGP word near
    it, a handle its platform's name). A number given for any messenger is a phone key."""
    from narcwatch.selectors import extract

    for text in (value, f"{type_}: {value}", f"{type_} {value}"):
        for hit in extract(text):
            if hit.type == type_ or (type_ in NUMBER_TYPES and is_number(hit.value)):
                return strong_key(hit.type, hit.value)
    return None


def read_query(text: str) -> tuple[str | None, list[str]]:
    """What an analyst pasted into ``selectors search``: the type they named (None for a
    bare value) and the stored values it may be, each as the extractors normalize it
    (``+33 6 12 34 56 78`` -> ``+33612345678``, a fingerprint in groups -> 40 hex digits,
    ``telegram:@Shop`` -> ``Shop``), the text as typed (without ``@``) last."""
    from narcwatch.selectors import extract

    text = text.strip()
    typed = split_typed(text)
    values: list[str] = []
    if typed is not None:
        type_, value = typed
        key = _read(type_, value)
        if key is not None:
            return (PHONE if key.type == PHONE else type_), [key.value]
        return type_, [value.lstrip("@")]
    for probe in (text, f"pgp fingerprint {text}"):
        values += [h.value for h in extract(probe) if h.value not in values]
        if values:
            break
    bare = text.lstrip("@")
    return None, [*values, *([bare] if bare and bare not in values else [])]


def parse_key(text: str, *, platform: str | None = None) -> LinkKey:
    """Read ``TYPE:VALUE`` as an analyst types it (``btc:bc1q...``, ``vendor:snowwhite``
    with ``platform``). The value is normalized by the selector extractor when it reads it
    as that type (so ``eth:0xAbC...`` matches the lower-case stored value, ``signal:+27 71
    123 4567`` is the key ``phone:+27711234567``, a fingerprint may be written in groups)."""
    typed = split_typed(text)
    if typed is None:
        raise UsageError(
            f"expected TYPE:VALUE (e.g. btc:bc1q..., telegram:handle), got {text!r}", value=text
        )
    type_, value = typed
    if type_ == VENDOR:
        if not platform:
            raise UsageError(
                "a vendor name links only within one platform or file: give --platform "
                "(the platform, or file:PATH as `actors show` prints the scope)",
                value=text,
            )
        return LinkKey(VENDOR, value.casefold(), platform)
    from narcwatch.selectors import extract

    key = _read(type_, value)
    if key is not None:
        return key
    hits = extract(value)
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
