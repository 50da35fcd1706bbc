"""Cryptocurrency addresses, each validated by its checksum before it is reported.

Bitcoin (Base58Check P2PKH/P2SH, bech32 segwit v0 and bech32m taproot), Litecoin, Dogecoin,
Tron (USDT-TRC20), Ethereum and ERC-20 (EIP-55 checksum when mixed case), Monero
(standard, sub- and integrated addresses; Keccak checksum and network byte), Bitcoin Cash
(cashaddr, value always with its ``bitcoincash:`` prefix).

Types: mainnet addresses are "btc", "ltc", "doge", "trx", "eth", "xmr", "bch"; testnet (and
Monero stagenet) ones get their own type ("btc-testnet", "ltc-testnet", "xmr-testnet") so
that a test wallet never links to a real one. Ambiguities: a legacy Bitcoin Cash address
is a Bitcoin address byte for byte and a "3..." P2SH is also an old Litecoin P2SH; both are
typed "btc". Testnet "m/n/2..." addresses are shared by the Bitcoin and Litecoin testnets and
typed "btc-testnet". A 64-hex transaction or file hash never matches: no address format is
plain hex of that length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from narcwatch.selectors import ascii_view
from narcwatch.selectors.b58 import b58check_payload, keccak256, monero_decode
from narcwatch.selectors.registry import Candidate, ExtractOptions, register_extractor
from narcwatch.selectors.segwit import decode_segwit

B58 = "1-9A-HJ-NP-Za-km-z"
# Addresses are runs of 25+ ASCII letters and digits. They are found in the byte view of
# the text (``ascii_view``: a C-speed substring search, where a regex would cost ~15 µs
# per KB of ordinary text), then classified by shape. Ordinary text has almost none.
_RUN = b"a" * 25
_CASH_PREFIX = "bitcoincash:"
_SHAPES = (
    ("b58", re.compile(rf"[13LMTDmn2QA9][{B58}]{{25,34}}")),
    ("seg", re.compile(r"(?i:bc|tb|ltc|tltc)1[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}")),
    ("eth", re.compile(r"0x[0-9a-fA-F]{40}")),
    ("xmr", re.compile(rf"[45789AB][{B58}]{{94}}(?:[{B58}]{{11}})?")),
    ("bch", re.compile(r"(?i:bitcoincash:)?(?:[qp][02-9ac-hj-np-z]{41}|[QP][02-9AC-HJ-NP-Z]{41})")),
)
# Base58Check version byte -> type
_B58_VERSIONS = {
    0x00: "btc",
    0x05: "btc",
    0x6F: "btc-testnet",
    0xC4: "btc-testnet",
    0x30: "ltc",
    0x32: "ltc",
    0x3A: "ltc-testnet",
    0x1E: "doge",
    0x16: "doge",
    0x41: "trx",
}
_SEGWIT_HRP = {"bc": "btc", "tb": "btc-testnet", "ltc": "ltc", "tltc": "ltc-testnet"}
# Monero network byte -> (type, decoded length): standard and subaddress 69 bytes
# (byte, spend key, view key, checksum), integrated 77 (plus an 8-byte payment id).
_XMR_NETWORKS = {
    0x12: ("xmr", 69),
    0x2A: ("xmr", 69),
    0x13: ("xmr", 77),
    0x35: ("xmr-testnet", 69),  # testnet
    0x3F: ("xmr-testnet", 69),
    0x36: ("xmr-testnet", 77),
    0x18: ("xmr-testnet", 69),  # stagenet
    0x24: ("xmr-testnet", 69),
    0x19: ("xmr-testnet", 77),
}
_CASHADDR_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CASHADDR_GEN = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)


def eip55_ok(addr: str) -> bool:
    """Whether a 0x address is all one case (no checksum) or passes its EIP-55 checksum."""
    body = addr[2:]
    if body.islower() or body.isupper() or body.isdigit():
        return True
    digest = keccak256(body.lower().encode()).hex()
    return all(
        (c.upper() if int(digest[i], 16) >= 8 else c.lower()) == c for i, c in enumerate(body)
    )


def cashaddr_ok(value: str) -> bool:
    """Whether ``bitcoincash:payload`` (lower case) passes the cashaddr polymod checksum."""
    prefix, _, payload = value.rpartition(":")
    data = [_CASHADDR_CHARSET.find(c) for c in payload]
    if -1 in data:
        return False
    c = 1
    for d in [ord(ch) & 0x1F for ch in prefix] + [0] + data:
        c0 = c >> 35
        c = ((c & 0x07FFFFFFFF) << 5) ^ d
        for bit, gen in enumerate(_CASHADDR_GEN):
            if c0 & (1 << bit):
                c ^= gen
    return c ^ 1 == 0


def monero_type(value: str) -> str | None:
    """ "xmr" or "xmr-testnet" for a Monero address with a valid Keccak checksum, else None."""
    raw = monero_decode(value)
    if raw is None:
        return None
    kind = _XMR_NETWORKS.get(raw[0])
    if kind is None or len(raw) != kind[1] or keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return kind[0]


def _b58(value: str) -> str | None:
    payload = b58check_payload(value)
    if payload is None or len(payload) != 21:
        return None
    return _B58_VERSIONS.get(payload[0])


def classify(token: str) -> tuple[str, str] | None:
    """(type, normalized value) of a whole token that is a valid address, else None."""
    n = len(token)
    for shape, pattern in _SHAPES:
        if not pattern.fullmatch(token):
            continue
        found: tuple[str, str] | None = None
        if shape == "b58" and n <= 35:
            kind = _b58(token)
            found = (kind, token) if kind else None
        elif shape == "seg":
            low = token.lower()
            hrp = low.rpartition("1")[0]
            if hrp in _SEGWIT_HRP and decode_segwit(hrp, token):
                found = (_SEGWIT_HRP[hrp], low)
        elif shape == "eth":
            found = ("eth", token.lower()) if eip55_ok(token) else None
        elif shape == "xmr":
            kind = monero_type(token)
            found = (kind, token) if kind else None
        elif shape == "bch":
            low = token.lower()
            full = low if low.startswith("bitcoincash:") else "bitcoincash:" + low
            found = ("bch", full) if cashaddr_ok(full) else None
        if found:
            return found
    return None


def long_runs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of runs of 25 or more ASCII letters and digits."""
    view = ascii_view(text)[0]
    i = view.find(_RUN)
    while i != -1:
        end = view.find(b" ", i)
        end = len(view) if end == -1 else end
        yield i, end
        i = view.find(_RUN, end)


@register_extractor("crypto", triggers=None)
def extract_crypto(text: str, options: ExtractOptions) -> Iterator[Candidate]:
    for start, end in long_runs(text):
        if start >= 12 and text[start - 12 : start].lower() == _CASH_PREFIX:
            start -= 12
        found = classify(text[start:end])
        if found:
            yield Candidate(found[0], found[1], start, end, "strong")
