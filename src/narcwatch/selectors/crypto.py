"""Cryptocurrency addresses, each validated by its checksum before it is reported.

Bitcoin (Base58Check P2PKH/P2SH, bech32 segwit v0 and bech32m taproot), Litecoin, Dogecoin,
Tron (USDT-TRC20), Ethereum and ERC-20 (EIP-55 checksum when mixed case), Monero
(standard, sub- and integrated addresses; Keccak checksum), Bitcoin Cash (cashaddr).
Testnet addresses get their own type ("btc-testnet", "ltc-testnet"). A 64-hex
transaction or file hash never matches: no address format is plain 64-hex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from narcwatch.selectors.b58 import b58check_payload, keccak256, monero_valid
from narcwatch.selectors.registry import Candidate, register_extractor
from narcwatch.selectors.segwit import decode_segwit

B58 = "1-9A-HJ-NP-Za-km-z"
# Addresses are long runs of letters and digits: find those runs (a fast character-class
# scan), then classify each by its shape. Ordinary text has almost none.
_RUNS = re.compile(r"[0-9A-Za-z:]{25,}")
_SHAPES = (
    ("b58", re.compile(rf"[13LMTDmn2Q9][{B58}]{{25,34}}")),
    ("seg", re.compile(r"(?:bc|tb|ltc|tltc|BC|TB|LTC)1[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}")),
    ("eth", re.compile(r"0x[0-9a-fA-F]{40}")),
    ("xmr", re.compile(rf"[48][{B58}]{{94}}(?:[{B58}]{{11}})?")),
    ("bch", re.compile(r"(?:bitcoincash:)?[qp][02-9ac-hj-np-z]{41}")),
)
# Base58Check version byte -> (type, network)
_B58_VERSIONS = {
    0x00: "btc",
    0x05: "btc",
    0x6F: "btc-testnet",
    0xC4: "btc-testnet",
    0x30: "ltc",
    0x32: "ltc",
    0x1E: "doge",
    0x16: "doge",
    0x41: "trx",
}
_SEGWIT_HRP = {"bc": "btc", "tb": "btc-testnet", "ltc": "ltc", "tltc": "ltc-testnet"}
_CASHADDR_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _eip55_ok(addr: str) -> bool:
    body = addr[2:]
    if body.islower() or body.isupper():
        return True  # no checksum encoded
    digest = keccak256(body.lower().encode()).hex()
    return all(
        (c.upper() if int(digest[i], 16) >= 8 else c.lower()) == c for i, c in enumerate(body)
    )


def _cashaddr_ok(value: str) -> bool:
    prefix, _, payload = value.rpartition(":")
    prefix = prefix or "bitcoincash"
    data = [_CASHADDR_CHARSET.find(c) for c in payload]
    if -1 in data:
        return False
    c = 1
    for d in [ord(ch) & 0x1F for ch in prefix] + [0] + data:
        c0 = c >> 35
        c = ((c & 0x07FFFFFFFF) << 5) ^ d
        for bit, gen in enumerate(
            (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
        ):
            if c0 & (1 << bit):
                c ^= gen
    return c ^ 1 == 0


def _b58(value: str) -> str | None:
    payload = b58check_payload(value)
    if payload is None or len(payload) != 21:
        return None
    kind = _B58_VERSIONS.get(payload[0])
    if kind is None:
        return None
    first = value[0]
    # The version byte decides; the first character must agree (it always does when valid).
    if kind == "trx" and first != "T":
        return None
    return kind


def _classify(shape: str, value: str) -> tuple[str, str] | None:
    if shape == "b58":
        kind = _b58(value)
        return (kind, value) if kind else None
    if shape == "seg":
        hrp = value.lower().rpartition("1")[0]
        if hrp in _SEGWIT_HRP and decode_segwit(hrp, value):
            return _SEGWIT_HRP[hrp], value.lower()
        return None
    if shape == "eth":
        return ("eth", value.lower()) if _eip55_ok(value) else None
    if shape == "xmr":
        return ("xmr", value) if monero_valid(value) else None
    full = value if value.startswith("bitcoincash:") else "bitcoincash:" + value
    return ("bch", full) if _cashaddr_ok(full) else None


@register_extractor("crypto", triggers=None)
def extract_crypto(text: str, region: str | None = None) -> Iterator[Candidate]:
    for m in _RUNS.finditer(text):
        token, start = m.group(0), m.start()
        if ":" in token and not token.startswith("bitcoincash:"):
            continue
        for shape, pattern in _SHAPES:
            if pattern.fullmatch(token):
                found = _classify(shape, token)
                if found:
                    yield Candidate(found[0], found[1], start, start + len(token), "strong")
                break
