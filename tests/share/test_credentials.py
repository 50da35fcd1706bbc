"""Tokens and passwords: random, hashed at rest, verified without telling who exists."""

from __future__ import annotations

from argon2 import PasswordHasher

from narcwatch.share import credentials
from narcwatch.share.credentials import hash_password, hash_token, new_token, verify_password


def test_tokens_are_random_prefixed_and_stored_as_their_sha256():
    tokens = [new_token() for _ in range(100)]
    assert len({t.token for t in tokens}) == len({t.id for t in tokens}) == 100
    t = tokens[0]
    assert t.token.startswith("nw_") and len(t.token) >= 40
    assert t.hash == hash_token(t.token) and len(t.hash) == 64 and t.token not in t.hash


def test_passwords_are_argon2id_and_verified(monkeypatch):
    monkeypatch.setattr(
        credentials, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and "correct" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "wrong horse battery")
    assert not verify_password(None, "anything")  # no such user: same answer
    assert not verify_password("not a hash", "anything")
