"""Selector extraction, side by side with iocextract and ioc-finder (issue 5).

    .venv/bin/python benchmarks/bench_selectors.py            # makes benchmarks/.peers-venv once

The peers are installed in their own virtual environment (``benchmarks/.peers-venv``,
git-ignored), never as narcwatch dependencies, and run there by ``peers_worker.py``.

1. Quality on the labelled corpus ``tests/data/selectors_corpus.jsonl`` (valid addresses
   with real checksums, the same with one character changed, hashes and hex decoys,
   obfuscated contacts, phone formats): precision, recall and F1 per selector type for each
   tool, on the types the tool claims to support, and overall on every type.
2. Speed: MB/s of each tool over the same texts, and narcwatch's MB/s per core over
   listing text (1 KB chunks of real darknet page text, when ../shared/data is present).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench_match import RAW
from bench_match import chunks as page_chunks

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "selectors_corpus.jsonl"
PEERS = ROOT / "benchmarks" / ".peers-venv"
SUPPORTED = {
    "iocextract": {"email", "phone", "onion"},
    "ioc-finder": {"btc", "xmr", "email", "onion"},  # 9.x has no phone numbers
}
CASELESS = {"eth", "email", "onion"}


def canonical(kind: str, value: str) -> tuple[str, str]:
    if kind == "phone":
        return kind, re.sub(r"\D", "", value)[-9:]  # national significant digits
    return kind, value.lower() if kind in CASELESS else value


def peers_python() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        print("creating benchmarks/.peers-venv with iocextract and ioc-finder ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "iocextract", "ioc-finder", "requests"],
            check=True,
        )
    return python


def run_peer(tool: str, texts: list[str]) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [str(peers_python()), str(ROOT / "benchmarks" / "peers_worker.py"), tool],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def run_narcwatch(texts: list[str]) -> dict:  # type: ignore[type-arg]
    from narcwatch.selectors import extract

    extract("warm up 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    start = time.perf_counter()
    found = [[(h.type, h.value) for h in extract(t)] for t in texts]
    return {"seconds": time.perf_counter() - start, "found": found}


def score(records: list[dict], found: list, types: set[str]) -> dict[str, list[int]]:  # type: ignore[type-arg]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for record, got in zip(records, found, strict=True):
        want = {canonical(k, v) for k, v in record["expected"] if k in types}
        have = {canonical(k, v) for k, v in got if k in types}
        for kind, _ in want & have:
            counts[kind][0] += 1
        for kind, _ in have - want:
            counts[kind][1] += 1
        for kind, _ in want - have:
            counts[kind][2] += 1
    return counts


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="corpus copies for MB/s")
    parser.add_argument("--listing-mb", type=float, default=4.0)
    args = parser.parse_args()
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in records]
    all_types = {k for r in records for k, _ in r["expected"]}
    big = texts * args.repeat
    mb = sum(len(t.encode()) for t in big) / 1e6
    results = {"narcwatch": run_narcwatch(texts)}
    speed = {"narcwatch": mb / run_narcwatch(big)["seconds"]}
    for tool in SUPPORTED:
        results[tool] = run_peer(tool, texts)
        speed[tool] = mb / run_peer(tool, big)["seconds"]
    print(f"labelled corpus: {len(records)} strings, types {sorted(all_types)}")
    print(f"{'type':8} " + " ".join(f"{tool:>22}" for tool in results))
    per_tool = {t: score(records, results[t]["found"], all_types) for t in results}
    for kind in sorted(all_types):
        cells = []
        for tool in results:
            if tool != "narcwatch" and kind not in SUPPORTED[tool]:
                cells.append(f"{'-':>22}")
                continue
            p, r, f = prf(*per_tool[tool][kind])
            cells.append(f"{f'P {p:.2f} R {r:.2f} F1 {f:.2f}':>22}")
        print(f"{kind:8} " + " ".join(cells))
    summary = {}
    for tool in results:
        tp, fp, fn = (sum(c[i] for c in per_tool[tool].values()) for i in range(3))
        summary[tool] = prf(tp, fp, fn)
        print(
            f"overall  {tool:10} P {summary[tool][0]:.3f} R {summary[tool][1]:.3f} "
            f"F1 {summary[tool][2]:.3f}   {speed[tool]:.2f} MB/s on the corpus"
        )
    chunks = page_chunks(args.listing_mb) if RAW.is_dir() else []
    if chunks:
        size = sum(len(c.encode()) for c in chunks) / 1e6
        took = run_narcwatch(chunks)["seconds"]
        print(f"listing text: narcwatch {size / took:.1f} MB/s per core over {size:.1f} MB")
        for tool in SUPPORTED:
            sample = chunks[: max(1, len(chunks) // 8)]
            size_s = sum(len(c.encode()) for c in sample) / 1e6
            print(f"listing text: {tool} {size_s / run_peer(tool, sample)['seconds']:.2f} MB/s")
    else:
        print("listing text: ../shared/data absent, skipped")


if __name__ == "__main__":
    main()
