"""Scan throughput benchmark: narcwatch vs a plain `re` baseline, in one run.

    python benchmarks/bench_scan.py [--docs 100000] [--jobs 1]

Builds a corpus of listing-sized JSON Lines documents (70% ~1 KB runs of real darknet
drug-site page text, 20% market listings with vendor/route/price, 10% social posts) from
../shared/data (read in place, never copied into the repo) and examples/,
then runs, each in its own process so peak RSS is its own:

* narcwatch: the full scan pipeline (all components, full knowledge base), no store;
* baseline: json.loads per line + ONE Python `re` alternation of every knowledge-base term
  + the selector regexes (what a quick script would do);
* narcwatch again on a quarter of the corpus, to show memory stays flat as input grows.

Prints documents/s, MB/s and peak RSS for each, and the ratio narcwatch/baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def _documents() -> dict[str, list[str]]:
    """Real-looking documents by kind: page text, listings, posts.

    Pages are runs of consecutive paragraphs of real darknet drug-site text (choshen,
    legal and illegal sites) grouped to about 1 KB, listings are Dream Market titles with
    their vendor, route and price as a market dump has them, posts are the sample posts.
    """
    pages: list[str] = []
    choshen = SHARED / "choshen-darknet-legal-illegal" / "csvs"
    for name in ("drugs_illegal_en.txt", "drugs_legal_en.txt"):
        path = choshen / name
        if not path.exists():
            continue
        chunk: list[str] = []
        for para in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            para = para.strip()
            if not para:
                continue
            chunk.append(para)
            if sum(map(len, chunk)) >= 800:
                pages.append("\n".join(chunk)[:1400])
                chunk = []
    listings: list[str] = []
    dream = SHARED / "dream-cocaine" / "dream_market_cocaine_listings.csv"
    if dream.exists():
        with dream.open(encoding="utf-8", errors="replace") as fh:
            for r in csv.DictReader(fh):
                listings.append(
                    f"{r['product_title']}\nVendor: {r['vendor_name']}\n"
                    f"Ships from {r['ships_from']} to {r['ships_to']}\nPrice: {r['btc_price']} BTC"
                )
    with (ROOT / "examples" / "market_listings.csv").open() as fh:
        listings += [r["title"] + "\n" + r["description"] for r in csv.DictReader(fh)]
    posts = []
    for line in (ROOT / "examples" / "social_posts.jsonl").read_text().splitlines():
        rec = json.loads(line)
        posts.append(rec.get("text") or rec.get("selftext") or "")
    if not pages:  # no shared data: sample text only
        pages = [" ".join(posts + listings)[:1000]]
    return {"pages": pages, "listings": listings, "posts": [p for p in posts if p]}


MIX = (("pages", 0.7), ("listings", 0.2), ("posts", 0.1))


def build_corpus(path: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    docs = _documents()
    kinds = [k for k, _ in MIX if docs[k]]
    weights = [w for k, w in MIX if docs[k]]
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            kind = rng.choices(kinds, weights)[0]
            text = rng.choice(docs[kind])
            line = json.dumps({"id": f"bench-{i}", "platform": kind, "text": text})
            fh.write(line + "\n")
            size += len(line) + 1
    return size


def _iter_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)["text"]


def child_baseline(path: Path) -> dict[str, float]:
    from narcwatch.kb import default_kb

    kb = default_kb()
    terms = sorted(kb.terms, key=len, reverse=True)
    selector_res = [
        r"\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b",
        r"\bbc1[ac-hj-np-z02-9]{11,71}\b",
        r"\b0x[0-9a-fA-F]{40}\b",
        r"\b[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b",
        r"\b[a-z2-7]{56}\.onion\b",
        r"[\w.+-]+@[\w-]+\.[\w.-]+",
        r"\+\d[\d ()-]{7,}\d",
        r"@[A-Za-z0-9_]{5,32}",
    ]
    pattern = re.compile(
        r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b|" + "|".join(selector_res),
        re.IGNORECASE,
    )
    t0 = time.perf_counter()
    docs = hits = 0
    for text in _iter_texts(path):
        hits += len(pattern.findall(text))
        docs += 1
    return {"docs": docs, "seconds": time.perf_counter() - t0, "hits": hits, "terms": len(terms)}


def child_narcwatch(path: Path, jobs: int) -> dict[str, float]:
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.scan import run_scan, scan

    Pipeline()  # build once before timing: KB load + matcher compile are measured apart
    t0 = time.perf_counter()
    stats = run_scan(scan([str(path)], jobs=jobs))
    return {
        "docs": stats.documents,
        "seconds": time.perf_counter() - t0,
        "offers": stats.offers,
        "errors": stats.errors,
    }


def _run_child(mode: str, path: Path, jobs: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", mode, "--corpus", str(path), "--jobs", str(jobs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument(
        "--baseline-docs",
        type=int,
        default=10_000,
        help="time the (slow) baseline on this many documents of the same corpus",
    )
    ap.add_argument("--child", choices=["narcwatch", "baseline"])
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()

    if args.child:
        fn = child_baseline if args.child == "baseline" else None
        result = fn(args.corpus) if fn else child_narcwatch(args.corpus, args.jobs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_rss_mb"] = max(peak, children) / 1024
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        full, quarter = Path(tmp) / "corpus.jsonl", Path(tmp) / "quarter.jsonl"
        head = Path(tmp) / "baseline.jsonl"
        size = build_corpus(full, args.docs)
        qsize = build_corpus(quarter, args.docs // 4)
        hsize = build_corpus(head, min(args.docs, args.baseline_docs))
        print(
            f"corpus: {args.docs:,} documents, {size / 1e6:.1f} MB (avg {size / args.docs:.0f} B)"
        )
        rows = [
            ("narcwatch", _run_child("narcwatch", full, args.jobs), size),
            ("baseline re", _run_child("baseline", head, 1), hsize),
            ("narcwatch 1/4", _run_child("narcwatch", quarter, args.jobs), qsize),
        ]
    print(f"{'run':<16}{'docs':>10}{'seconds':>10}{'docs/s':>10}{'MB/s':>8}{'peak RSS MB':>13}")
    for name, r, nbytes in rows:
        print(
            f"{name:<16}{r['docs']:>10,.0f}{r['seconds']:>10.2f}{r['docs'] / r['seconds']:>10,.0f}"
            f"{nbytes / 1e6 / r['seconds']:>8.2f}{r['peak_rss_mb']:>13.0f}"
        )
    nw, base, small = rows[0][1], rows[1][1], rows[2][1]
    speedup = (nw["docs"] / nw["seconds"]) / (base["docs"] / base["seconds"])
    print(f"narcwatch / baseline throughput: {speedup:.1f}x  (jobs={args.jobs})")
    print(f"peak RSS full / quarter corpus: {nw['peak_rss_mb'] / small['peak_rss_mb']:.2f}")
    print(f"baseline alternation: {base.get('terms', 0):,.0f} terms")


if __name__ == "__main__":
    main()
