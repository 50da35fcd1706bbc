"""Property tests: whatever the text, every address the extractor reports passes a checksum
check written here independently of ``narcwatch.selectors`` (base58check from the
``base58`` package, bech32/bech32m polymod from the reference ``bech32`` package, EIP-55 and
Monero with pycryptodome's Keccak, onion v3 with hashlib's SHA3-256).

Texts are random, and random texts built around real addresses from the labelled corpus
with one character changed, so the checksums are exercised near the valid ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import base58
import bech32
from Crypto.Hash import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narcwatch.selectors import extract

CORPUS = Path(__file__).parents[1] / "data" / "selectors_corpus.jsonl"
ADDRESSES = sorted(
    {
        value
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        for kind, value in json.loads(line)["expected"]
        if kind in {"btc", "ltc", "doge", "trx", "eth", "xmr", "onion"}
    }
)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32_CONST, BECH32M_CONST = 1, 0x2BC830A3


def _keccak(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _base58check(value: str) -> bool:
    try:
        base58.b58decode_check(value)
    except ValueError:
        return False
    return True


def _bech32(value: str) -> bool:
    hrp, _, data = value.lower().rpartition("1")
    if not hrp or any(c not in bech32.CHARSET for c in data):
        return False
    values = [bech32.CHARSET.find(c) for c in data]
    polymod = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + values)
    version = values[0]
    return polymod == (BECH32_CONST if version == 0 else BECH32M_CONST)


def _eip55(value: str) -> bool:
    body = value[2:]
    if body.islower() or body.isupper():
        return len(body) == 40  # no checksum to check in single-case addresses
    digest = _keccak(body.lower().encode()).hex()
    return all(
        (c.isupper() if int(h, 16) >= 8 else c.islower()) if c.isalpha() else True
        for c, h in zip(body, digest, strict=True)
    )


def _monero(value: str) -> bool:
    sizes = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}
    raw = b""
    for i in range(0, len(value), 11):
        block = value[i : i + 11]
        n = 0
        for c in block:
            n = n * 58 + B58.index(c)
        raw += n.to_bytes(sizes[len(block)], "big")
    return _keccak(raw[:-4])[:4] == raw[-4:]


def _onion(value: str) -> bool:
    host = value.removesuffix(".onion")
    raw = base64.b32decode(host.upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    digest = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()
    return version == b"\x03" and digest[:2] == checksum


def independently_valid(kind: str, value: str) -> bool:
    if kind in {"btc", "ltc", "doge"}:
        return (
            _bech32(value)
            if value.lower().startswith(("bc1", "ltc1", "tb1"))
            else (_base58check(value))
        )
    if kind == "trx":
        return _base58check(value)
    if kind == "eth":
        return _eip55(value)
    if kind == "xmr":
        return _monero(value)
    if kind == "onion":
        return _onion(value)
    return True  # other selector types carry no checksum


def mutated(address: str, position: int, char: str) -> str:
    i = position % len(address)
    return address[:i] + char + address[i + 1 :]


TEXT = st.text(alphabet=st.sampled_from(B58 + "0x .:\n@/-"), max_size=300)


def check(text: str) -> None:
    for hit in extract(text):
        assert independently_valid(hit.type, hit.value), (hit.type, hit.value, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_random_text_never_yields_an_invalid_address(text):
    check(text)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(ADDRESSES),
    st.integers(min_value=0, max_value=200),
    st.sampled_from(B58),
    TEXT,
    TEXT,
)
def test_one_character_off_is_never_an_invalid_address(address, position, char, before, after):
    check(f"{before} {mutated(address, position, char)} {after}")


def test_the_independent_checks_accept_every_corpus_address():
    by_type = {
        value: kind
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        for kind, value in json.loads(line)["expected"]
    }
    bad = [(by_type[a], a) for a in ADDRESSES if not independently_valid(by_type[a], a)]
    assert not bad
