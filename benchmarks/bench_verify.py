"""Evidence check speed and memory: ``evidence verify`` and bundle export/verify on one big
imported record, next to the least work any checker must do, in one run.

    .venv/bin/python benchmarks/bench_verify.py [--mib 256]

Archives a ``--mib`` MiB file as one WARC resource record (as ``narcwatch import`` does),
then, each in its own process so that peak RSS is its own:

* baseline: gunzip the WARC file and SHA-256 the content, in 1 MiB chunks (every checker
  must at least decompress and hash every byte);
* verify: :func:`narcwatch.evidence.verify_warc` (every block and payload digest);
* bundle: :func:`narcwatch.evidence.export_bundle` then
  :func:`narcwatch.evidence.verify_bundle` of that record (zip).

Prints seconds, MiB/s and peak RSS, and each run's time as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import random
import resource
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

CHUNK = 1 << 20


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline(warc: Path) -> None:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    digest = hashlib.sha256()
    with open(warc, "rb") as fh:
        while chunk := fh.read(CHUNK):
            while chunk:  # bounded output: at most 1 MiB at a time
                digest.update(inflater.decompress(chunk, CHUNK))
                if inflater.eof:  # one member ends, the next begins
                    chunk = inflater.unused_data
                    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    chunk = inflater.unconsumed_tail


def _verify(warc: Path) -> None:
    from narcwatch.evidence import verify_warc

    assert verify_warc(warc).ok


def _bundle(capture: dict, out: Path) -> None:  # type: ignore[type-arg]
    from narcwatch.evidence import export_bundle, verify_bundle
    from narcwatch.evidence.warc import Capture

    bundle = export_bundle([Capture.from_dict(capture)], out)
    assert verify_bundle(bundle).ok


def _timed(fn, *args, queue) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    queue.put((time.perf_counter() - start, _rss_mb()))


def _run(fn, *args) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    queue: mp.Queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=_timed, args=(fn, *args), kwargs={"queue": queue})
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mib", type=int, default=256, help="size of the imported file")
    args = ap.parse_args()
    from narcwatch.evidence.warc import WarcWriter

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "dump.bin"
        # Like a disk image: half random (compressed media), half repeated structure.
        rng = random.Random(7)
        structure = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(256)) * 128
        with open(source, "wb") as fh:
            for i in range(args.mib):
                fh.write(rng.randbytes(CHUNK) if i % 2 else structure)
        with WarcWriter(Path(tmp) / "warcs", job="bench", fsync=False) as writer:
            when = datetime(2024, 1, 1, tzinfo=UTC)
            cap = writer.write_resource_file(source.as_uri(), source, "application/x-dump", when)
        warc = Path(cap.warc_path)
        rows = [
            ("baseline gunzip+sha256", _run(_baseline, warc)),
            ("evidence verify", _run(_verify, warc)),
            ("bundle export+verify", _run(_bundle, cap.to_dict(), Path(tmp) / "b.zip")),
        ]
    base = rows[0][1][0]
    print(f"one resource record of {args.mib} MiB")
    print(f"{'run':<24}{'seconds':>9}{'MiB/s':>9}{'peak RSS MB':>13}{'x baseline':>12}")
    for name, (secs, rss) in rows:
        print(f"{name:<24}{secs:>9.2f}{args.mib / secs:>9.0f}{rss:>13.0f}{secs / base:>12.2f}")


if __name__ == "__main__":
    main()
