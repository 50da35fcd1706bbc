"""The keys an incident is indexed by: what correlation matches and list filters find.

- ``selector``: ``type:value``, normalised so two agencies typing the same wallet, phone
  or handle differently still match (case folded where the format ignores case, spaces
  and separators dropped where they carry nothing);
- ``document``: a linked document's content hash, and its evidence hash;
- ``route``: ``substance|origin>destination`` for every substance and every pair of an
  origin and a destination country (a route needs both ends to mean anything);
- ``substance`` and ``country``: for the list filters only, never correlated.

A key's ``ident`` is the first 32 hex digits of SHA-256 over kind and value: fixed
width for the index, and the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from narcwatch.results.incident import IncidentDraft
from narcwatch.store.incidents import Key

__all__ = [
    "CORRELATED",
    "country_key",
    "incident_keys",
    "key",
    "normalise_selector",
    "selector_key",
    "substance_key",
]

CORRELATED = ("selector", "document", "route")

# Formats whose letters are case-sensitive (base58 and base64-like); all others fold.
_CASE_SENSITIVE = frozenset({"xmr", "ltc", "doge", "trx", "sol", "dash", "zec", "session"})
_NO_SPACES = frozenset({"pgp", "pgp_fingerprint", "iban", "phone", "btc", "eth", "xmr"})


def normalise_selector(type_: str, value: str) -> tuple[str, str]:
    """``(type, value)`` as they are compared: NFKC, trimmed, case folded unless the
    format is case-sensitive (bech32 ``bc1`` addresses fold, base58 ones do not)."""
    t = unicodedata.normalize("NFKC", type_).strip().lower()
    v = unicodedata.normalize("NFKC", value).strip()
    if t in _NO_SPACES:
        v = re.sub(r"[\s\-.()]", "", v) if t == "phone" else re.sub(r"\s", "", v)
    if t == "btc":
        v = v.lower() if v.lower().startswith(("bc1", "tb1")) else v
    elif t in ("pgp", "pgp_fingerprint", "iban"):
        v = v.upper()
    elif t not in _CASE_SENSITIVE:
        v = v.lower()
    if t in ("telegram", "instagram", "twitter", "wickr", "handle", "snapchat", "threema"):
        v = v.lstrip("@")
    return t, v


def key(kind: str, value: str) -> Key:
    ident = hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()[:32]
    return Key(kind=kind, ident=ident, value=value)


def selector_key(type_: str, value: str) -> Key:
    t, v = normalise_selector(type_, value)
    return key("selector", f"{t}:{v}")


def substance_key(substance: str) -> Key:
    return key("substance", substance.strip().lower())


def country_key(code: str) -> Key:
    return key("country", code.strip().upper())


def incident_keys(draft: IncidentDraft) -> list[Key]:
    """Every key of ``draft``, each once."""
    keys: dict[str, Key] = {}

    def put(k: Key) -> None:
        keys.setdefault(k.ident, k)

    for s in draft.selectors:
        put(selector_key(s.type, s.value))
    for d in draft.documents:
        put(key("document", d.sha256))
        if d.evidence_sha256:
            put(key("document", d.evidence_sha256))
    substances = sorted({s.id.strip().lower() for s in draft.substances})
    origins = sorted({c.code for c in draft.countries if c.role == "origin"})
    destinations = sorted({c.code for c in draft.countries if c.role == "destination"})
    for substance in substances:
        put(substance_key(substance))
        for o in origins:
            for dest in destinations:
                put(key("route", f"{substance}|{o}>{dest}"))
    for c in draft.countries:
        put(country_key(c.code))
    return list(keys.values())
