"""Court-grade evidence: WARC/1.1 archives, chain of custody, verification and bundles.

- :class:`WarcWriter` archives captures (response + request + metadata) and imported files
  (resource + metadata) with SHA-256 digests and returns a :class:`Capture` for each.
- :class:`CustodyLog` is an append-only, hash-linked JSON Lines chain of custody.
- :func:`verify_warc` / :func:`verify_capture` recompute digests and name the first bad record.
- :func:`export_bundle` / :func:`verify_bundle` hand chosen captures over with a manifest of
  hashes, a summary and an optional Ed25519 signature (:func:`generate_signing_key`).
"""

from narcwatch.evidence.bundle import BundleReport, export_bundle, verify_bundle
from narcwatch.evidence.custody import (
    ChainProblem,
    ChainReport,
    CustodyEntry,
    CustodyLog,
)
from narcwatch.evidence.signing import generate_signing_key
from narcwatch.evidence.verify import (
    CaptureCheck,
    RecordProblem,
    WarcReport,
    verify_capture,
    verify_warc,
)
from narcwatch.evidence.warc import Capture, WarcWriter

__all__ = [
    "BundleReport",
    "Capture",
    "CaptureCheck",
    "ChainProblem",
    "ChainReport",
    "CustodyEntry",
    "CustodyLog",
    "RecordProblem",
    "WarcReport",
    "WarcWriter",
    "export_bundle",
    "generate_signing_key",
    "verify_bundle",
    "verify_capture",
    "verify_warc",
]
