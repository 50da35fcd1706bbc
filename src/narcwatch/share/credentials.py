"""API tokens and passwords.

A token is 32 random bytes (URL-safe base64 behind a ``nw_`` prefix, so leaked tokens
are recognisable by secret scanners), shown once and stored as its SHA-256: with 256
bits of entropy a slow hash adds nothing, and a fast one keeps each request's lookup one
indexed equality. Passwords are people's, so they get argon2id (argon2-cffi defaults).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["NewToken", "hash_password", "hash_token", "new_token", "verify_password"]

PREFIX = "nw_"


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str  # the secret: give it to the user, never store or log it
    id: str  # public id, for listing and revoking
    hash: str  # what the store keeps


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> NewToken:
    token = PREFIX + secrets.token_urlsafe(32)
    return NewToken(token=token, id=secrets.token_hex(8), hash=hash_token(token))


_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id PHC string of ``password``."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash (unknown user) a
    dummy hash is checked anyway, so the answer takes as long either way."""
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMIES: list[str] = []


def _dummy() -> str:
    """A hash of a random password, made on first use (not at import: argon2 is slow)."""
    if not _DUMMIES:
        _DUMMIES.append(_HASHER.hash(secrets.token_hex(16)))
    return _DUMMIES[0]
