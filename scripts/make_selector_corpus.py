"""Write tests/data/selectors_corpus.jsonl: a labelled corpus for selector extraction.

    python scripts/make_selector_corpus.py

Each line is {"text", "expected": [[type, value], ...], "kind"}: valid identifiers of every
type (addresses built with real checksums from seeded random payloads), near-misses (one
character changed), decoys (hashes, hex blobs, version strings, prices), obfuscated forms
and phone numbers written the way several countries write them. Seeded: re-running gives
the same file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from pathlib import Path

import base58
import bech32
from Crypto.Hash import keccak

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "selectors_corpus.jsonl"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
rng = random.Random(20261124)


def rbytes(n: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(n))


def b58check(version: int) -> str:
    return base58.b58encode_check(bytes([version]) + rbytes(20)).decode()


def segwit(hrp: str, version: int, size: int) -> str:
    if version == 0:
        return bech32.encode(hrp, 0, list(rbytes(size)))
    # bech32m for witness v1+ (BIP-350): the bech32 package only writes bech32.
    data = [version, *bech32.convertbits(list(rbytes(size)), 8, 5)]
    values = bech32.bech32_hrp_expand(hrp) + data
    polymod = bech32.bech32_polymod(values + [0] * 6) ^ 0x2BC830A3
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(bech32.CHARSET[d] for d in data + checksum)


def eth() -> str:
    body = rbytes(20).hex()
    digest = keccak.new(digest_bits=256, data=body.encode()).hexdigest()
    return "0x" + "".join(c.upper() if int(digest[i], 16) >= 8 else c for i, c in enumerate(body))


def monero() -> str:
    body = bytes([18]) + rbytes(64)
    raw = body + keccak.new(digest_bits=256, data=body).digest()[:4]
    sizes = {0: 0, 1: 2, 2: 3, 3: 5, 4: 6, 5: 7, 6: 9, 7: 10, 8: 11}
    out = []
    for i in range(0, len(raw), 8):
        block = raw[i : i + 8]
        n, chars = int.from_bytes(block, "big"), []
        for _ in range(sizes[len(block)]):
            n, r = divmod(n, 58)
            chars.append(B58[r])
        out.append("".join(reversed(chars)))
    return "".join(out)


def onion() -> str:
    key = rbytes(32)
    check = hashlib.sha3_256(b".onion checksum" + key + b"\x03").digest()[:2]
    return base64.b32encode(key + check + b"\x03").decode().lower() + ".onion"


def near_miss(value: str) -> str:
    """One character changed for another of the same kind (checksum must catch it)."""
    for _ in range(50):
        i = rng.randrange(len(value) // 2, len(value) - 1)
        c = value[i]
        pool = "0123456789abcdef" if c in "0123456789abcdef" else B58
        repl = rng.choice([p for p in pool if p != c])
        candidate = value[:i] + repl + value[i + 1 :]
        if candidate != value:
            return candidate
    return value


TEMPLATES = ["{}", "send to {} thanks", "BTC/wallet: {}", "({})", "pay: {}.", "addr:\n{}"]


def main() -> None:
    rows: list[dict] = []

    def add(kind: str, text: str, expected: list[tuple[str, str]]) -> None:
        rows.append({"kind": kind, "text": text, "expected": [list(e) for e in expected]})

    makers = [
        ("btc", lambda: b58check(0x00), str),
        ("btc", lambda: b58check(0x05), str),
        ("btc", lambda: segwit("bc", 0, 20), str),
        ("btc", lambda: segwit("bc", 1, 32), str),
        ("ltc", lambda: b58check(0x30), str),
        ("doge", lambda: b58check(0x1E), str),
        ("trx", lambda: b58check(0x41), str),
        ("eth", eth, str.lower),
        ("xmr", monero, str),
        ("onion", onion, str),
    ]
    for kind, make, norm in makers:
        for _ in range(20):
            value = make()
            add("valid", rng.choice(TEMPLATES).format(value), [(kind, norm(value))])
            miss = near_miss(value)
            if miss != value and kind != "eth":  # eth lower-case has no checksum to break
                add("near-miss", rng.choice(TEMPLATES).format(miss), [])
    for _ in range(40):
        add("decoy", f"sha256 {rbytes(32).hex()}", [])
        add("decoy", f"md5 {rbytes(16).hex()} build 2.{rng.randrange(99)}.{rng.randrange(99)}", [])
    phones = [
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+44 7911 123456", "+447911123456"),
        ("+49 1512 3456789", "+4915123456789"),
        ("+34 612 34 56 78", "+34612345678"),
        ("+7 912 345-67-89", "+79123456789"),
        ("+1 (415) 555-2671", "+14155552671"),
        ("0044 7911 123456", "+447911123456"),
        ("+61 412 345 678", "+61412345678"),
    ]
    for written, e164 in phones:
        add("valid", f"call or text {written} anytime", [("phone", e164)])
    emails = [
        ("shop24 [at] proton (dot) me", "shop24@proton.me"),
        ("vendor.nl(at)tutanota.com", "vendor.nl@tutanota.com"),
        ("Sales@BestMeds24.com", "sales@bestmeds24.com"),
        ("plug_99 at protonmail dot com", "plug_99@protonmail.com"),
    ]
    for written, value in emails:
        add("valid", f"mail: {written}", [("email", value)])
    for text in [
        "meet me at home dot com",
        "price 06 12 34 56 78",
        "v1.2.3 released",
        "order 1234567890",
        "see notes.md",
        "$1,200 for 28g",
    ]:
        add("decoy", text, [])
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} cases to {OUT}")


if __name__ == "__main__":
    main()
