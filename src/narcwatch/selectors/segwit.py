"""Segwit address decoding with bech32 *and* bech32m (BIP-173, BIP-350).

The ``bech32`` package checks bech32 checksums only, so taproot (witness v1+, bech32m)
addresses would be rejected; this is the BIP-350 reference decoder on top of its
primitives.
"""

from __future__ import annotations

from bech32 import CHARSET, bech32_hrp_expand, bech32_polymod, convertbits

BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


def _decode(addr: str) -> tuple[str, list[int], int] | None:
    if addr.lower() != addr and addr.upper() != addr:
        return None  # mixed case is invalid
    addr = addr.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr) or len(addr) > 90:
        return None
    if any(c not in CHARSET for c in addr[pos + 1 :]):
        return None
    hrp, data = addr[:pos], [CHARSET.find(c) for c in addr[pos + 1 :]]
    const = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def decode_segwit(hrp: str, addr: str) -> tuple[int, bytes] | None:
    """(witness version, program) for a valid segwit address of network ``hrp``."""
    found = _decode(addr)
    if found is None or found[0] != hrp or not found[1]:
        return None
    _, data, const = found
    version = data[0]
    program = convertbits(data[1:], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40 or version > 16:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None  # v0 uses bech32, v1+ bech32m
    return version, bytes(program)
