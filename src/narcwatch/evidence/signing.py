"""Ed25519 keys for signing evidence bundles: made, written (private key mode 0600, never
overwritten) and loaded with clear errors."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from narcwatch.errors import InputError, UsageError

__all__ = ["generate_signing_key", "load_private", "load_public", "public_pem"]


def generate_signing_key(path: Path) -> Path:
    """Write a new Ed25519 private key (PEM, mode 0600) to ``path`` and its public key to
    ``<path>.pub``; return the public key's path. Existing files are never overwritten."""
    path, pub = Path(path), Path(f"{path}.pub")
    if path.exists() or pub.exists():
        raise UsageError(f"refusing to overwrite an existing key: {path}", value=str(path))
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(private)
    pub.write_bytes(public_pem(key.public_key()))
    return pub


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as err:
        raise InputError(str(path), None, f"cannot load signing key: {err}") from err
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(str(path), None, "signing key is not an Ed25519 key")
    return key


def load_public(data: bytes) -> Ed25519PublicKey | None:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, Ed25519PublicKey) else None
