"""PGP: armoured public keys give their fingerprint; written fingerprints need PGP context."""

from __future__ import annotations

import pytest

from narcwatch.selectors import extract
from narcwatch.selectors.pgp import fingerprint_of

pgpy = pytest.importorskip("pgpy")
from pgpy.constants import KeyFlags, PubKeyAlgorithm  # noqa: E402


@pytest.fixture(scope="module")
def key():
    k = pgpy.PGPKey.new(PubKeyAlgorithm.EdDSA, pgpy.constants.EllipticCurveOID.Ed25519)
    k.add_uid(pgpy.PGPUID.new("Vendor", email="vendor@example.com"), usage={KeyFlags.Sign})
    return k


def fpr(key) -> str:
    return str(key.fingerprint).replace(" ", "")


def pgp_hits(text: str) -> list[tuple[str, str]]:
    return [(h.type, h.value) for h in extract(text) if h.type in ("pgp-fingerprint", "pgp-keyid")]


@pytest.mark.parametrize(
    "wrap",
    [
        "My key:\n{}\nThanks",
        "{}",
        "{}".replace("\n", "\r\n"),
        "PGP below\n    {}",
    ],
)
def test_armoured_public_key_gives_its_fingerprint_and_span(key, wrap):
    armour = str(key.pubkey)
    text = wrap.format(armour)
    (hit,) = [h for h in extract(text) if h.type == "pgp-fingerprint"]
    assert hit.value == fpr(key) and len(hit.value) == 40 and hit.value.isupper()
    assert hit.matched == text[hit.span[0] : hit.span[1]]
    assert hit.matched.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    assert hit.matched.endswith("-----END PGP PUBLIC KEY BLOCK-----")


def test_user_ids_of_the_key_are_selectors_too(key):
    """The name and e-mail are inside the armour, invisible to the e-mail extractor."""
    text = f"my key:\n{key.pubkey}\n"
    hits = {(h.type, h.value, h.strength) for h in extract(text)}
    assert ("pgp-uid", "Vendor <vendor@example.com>", "weak") in hits
    assert ("email", "vendor@example.com", "strong") in hits


def test_indented_armour_from_html_is_still_read(key):
    armour = "\n".join("   " + line for line in str(key.pubkey).splitlines())
    assert fingerprint_of(armour.strip()) == fpr(key)


def test_fingerprint_inside_the_block_is_not_reported_twice(key):
    text = f"fingerprint {fpr(key)}\n{key.pubkey}"
    assert pgp_hits(text) == [("pgp-fingerprint", fpr(key))] * 2
    assert len({h.span for h in extract(text)}) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda a: a[: len(a) // 2] + "\n-----END PGP PUBLIC KEY BLOCK-----",  # truncated
        lambda a: a.replace(a.splitlines()[3], a.splitlines()[3][::-1]),  # garbled line
        lambda a: (
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 !!\n"
            "-----END PGP PUBLIC KEY BLOCK-----"
        ),
    ],
)
def test_damaged_armour_is_skipped(key, damage):
    text = "key: " + damage(str(key.pubkey))
    assert [h for h in extract(text) if h.type == "pgp-fingerprint" and "BEGIN" in h.matched] == []


def test_private_key_block_is_not_a_public_key(key):
    assert fingerprint_of(str(key)) is None


WRITTEN = [
    # (text, expected)
    (
        "pgp fingerprint 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567",
        [("pgp-fingerprint", "0123456789ABCDEF0123456789ABCDEF01234567")],
    ),
    (
        "gpg: 0123 4567 89ab cdef 0123  4567 89ab cdef 0123 4567 (gpg --fingerprint)",
        [("pgp-fingerprint", "0123456789ABCDEF0123456789ABCDEF01234567")],
    ),
    (
        "My key fingerprint is 0123456789abcdef0123456789abcdef01234567.",
        [("pgp-fingerprint", "0123456789ABCDEF0123456789ABCDEF01234567")],
    ),
    ("PGP key id 0x89ABCDEF01234567", [("pgp-keyid", "89ABCDEF01234567")]),
    # no PGP word near: a SHA-1 or an Ethereum-looking id
    ("sha1 0123456789abcdef0123456789abcdef01234567 of the file", []),
    ("id 0x89ABCDEF01234567 in the log", []),
    # a SHA-256 in groups of four is not a fingerprint, even next to "key"
    ("key hash " + " ".join(["ABCD"] * 16), []),
    ("key " + "ab" * 32, []),
    ("the key: 0123456789abcdef0123456789abcdef0123456", []),  # 39 hex
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN, ids=[w[0][:30] for w in WRITTEN])
def test_written_fingerprints_and_key_ids(text, expected):
    assert pgp_hits(text) == expected
