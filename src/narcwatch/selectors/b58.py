"""Base58 variants: Base58Check (Bitcoin family) and Monero's block-wise Base58."""

from __future__ import annotations

import base58 as _b58
from Crypto.Hash import keccak

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# Monero encodes 8-byte blocks as 11 characters; a shorter last block uses this table.
_XMR_BLOCK_CHARS = {0: 0, 1: 2, 2: 3, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11}
_XMR_CHARS_BLOCK = {v: k for k, v in _XMR_BLOCK_CHARS.items()}


def b58check_payload(value: str) -> bytes | None:
    """The payload (version byte first) of a Base58Check string, or None."""
    try:
        return bytes(_b58.b58decode_check(value))
    except ValueError:
        return None


def keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def monero_decode(value: str) -> bytes | None:
    """Decode Monero Base58 (8-byte blocks, 11 chars each); None when malformed."""
    out = bytearray()
    for i in range(0, len(value), 11):
        block = value[i : i + 11]
        size = _XMR_CHARS_BLOCK.get(len(block))
        if size is None:
            return None
        n = 0
        for c in block:
            digit = _INDEX.get(c)
            if digit is None:
                return None
            n = n * 58 + digit
        if n >= 1 << (8 * size):
            return None
        out += n.to_bytes(size, "big")
    return bytes(out)


def monero_valid(value: str) -> bool:
    """Whether a Monero address decodes and its Keccak-256 checksum matches."""
    raw = monero_decode(value)
    if raw is None or len(raw) < 69:
        return False
    return keccak256(raw[:-4])[:4] == raw[-4:]
