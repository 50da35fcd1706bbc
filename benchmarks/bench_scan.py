"""Scan throughput on real page text, next to a plain `re` baseline, in one run.

    python benchmarks/bench_scan.py [--docs 20000] [--jobs 1] [--large 1,10] [--line-mb 50]

Corpus (read in place from ../shared/data, never copied into the repository), every
document distinct:

* 70% pages: ~1 KB pieces of real darknet site dumps (Choshen raw onion pages, drug and
  forum sites, legal and illegal), cut at line ends, duplicates dropped;
* 20% listings: real darknet listings (Nemesis Market full pages and the 2019-2020
  listings, first 1.5 KB);
* 10% other real text: patient reviews, experience reports and mail of the offer corpus
  (first 1.5 KB).

Each run is its own process (peak RSS is its own) and reports CPU seconds of that process
as well as wall seconds:

* narcwatch: the full scan pipeline (every component, the full knowledge base), no store;
* baseline: json.loads per line + ONE Python `re` alternation of every knowledge-base term
  + the selector regexes (what a quick script would do);
* narcwatch on a quarter of the corpus, to show memory stays flat as input grows;
* large documents: one page of 1 MB and of 10 MB (real page text joined), and one line of
  ``--line-mb`` MB of ordinary text, each scanned alone: CPU seconds and peak RSS.
"""

from __future__ import annotations

import argparse
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
MIX = (("pages", 0.7), ("listings", 0.2), ("other", 0.1))


def _page_pieces() -> list[str]:
    raw = SHARED / "choshen-darknet-legal-illegal" / "data" / "raw" / "onion"
    pieces: list[str] = []
    seen: set[str] = set()
    for path in sorted(raw.rglob("*")):
        if not path.is_file():
            continue
        chunk: list[str] = []
        size = 0
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.strip()
            if not line:
                continue
            chunk.append(line)
            size += len(line) + 1
            if size >= 1000:
                text = "\n".join(chunk)[:1400]
                if text not in seen:
                    seen.add(text)
                    pieces.append(text)
                chunk, size = [], 0
    return pieces


def _offer_corpus(kinds: set[str] | None, exclude: set[str]) -> list[str]:
    out = []
    path = SHARED / "offer-corpus" / "train.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (kinds is None or r["kind"] in kinds) and r["dataset"] not in exclude:
                out.append(r["text"][:1500])
    return out


def documents() -> dict[str, list[str]]:
    listings = _offer_corpus(
        None,
        {
            "agora_2014_titles",
            "enron_spam",
            "erowid_experiences",
            "druglib_reviews",
            "webmd_reviews",
        },
    )
    anita = SHARED / "offer-corpus" / "unlabeled_anita_listings.jsonl"
    with anita.open(encoding="utf-8") as fh:
        listings += [json.loads(line)["text"][:1500] for line in fh]
    other = _offer_corpus({"patient_review", "experience_report", "email_ham"}, set())
    return {"pages": _page_pieces(), "listings": listings, "other": other}


def build_corpus(path: Path, n: int, seed: int = 7) -> tuple[int, dict[str, int]]:
    """``n`` distinct documents in the stated mix (fewer if the data run out)."""
    rng = random.Random(seed)
    docs = documents()
    pools = {k: rng.sample(v, len(v)) for k, v in docs.items()}
    size, used = 0, dict.fromkeys(pools, 0)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            if used[kind] >= len(pools[kind]):
                kind = max(pools, key=lambda k: len(pools[k]) - used[k])
                if used[kind] >= len(pools[kind]):
                    break
            text = pools[kind][used[kind]]
            used[kind] += 1
            line = json.dumps({"id": f"bench-{i}", "platform": kind, "text": text})
            fh.write(line + "\n")
            size += len(line.encode()) + 1
    return size, used


def large_page(path: Path, mb: float) -> int:
    """One document of ``mb`` MB of real page text (pieces joined, repeated if short)."""
    pieces = _page_pieces()
    want = int(mb * 1e6)
    parts, size, i = [], 0, 0
    while size < want:
        p = pieces[i % len(pieces)]
        parts.append(p)
        size += len(p) + 1
        i += 1
    path.write_text(json.dumps({"id": "large", "text": "\n".join(parts)[:want]}) + "\n")
    return want


def long_line(path: Path, mb: float) -> int:
    words = [
        "the",
        "market",
        "report",
        "lists",
        "prices",
        "of",
        "grain",
        "and",
        "coffee",
        "for",
        "the",
        "week",
        "ahead",
    ]
    rng = random.Random(3)
    want = int(mb * 1e6)
    with path.open("w") as fh:
        size = 0
        while size < want:
            chunk = " ".join(rng.choice(words) for _ in range(2000)) + " "
            fh.write(chunk)
            size += len(chunk)
        fh.write("\n")
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
    t0, c0 = time.perf_counter(), time.process_time()
    docs = hits = 0
    for text in _iter_texts(path):
        hits += len(pattern.findall(text))
        docs += 1
    return {
        "docs": docs,
        "seconds": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "hits": hits,
    }


def child_narcwatch(path: Path, jobs: int) -> dict[str, float]:
    # Build and warm once before timing: KB load and matcher compile are measured apart,
    # and so are the imports done on first use (the input readers; the PGP parser, on the
    # first key a page holds): 0.3 s once per process, not a cost of the page.
    import pgpy  # noqa: F401

    import narcwatch.ingest.builtin  # noqa: F401
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.ingest.base import RawDocument
    from narcwatch.jobs import Context
    from narcwatch.jobs.scan import analyze_inputs, consume

    Pipeline()(RawDocument("warm 1g coke a@b.com", "w", "w", b"w"))
    ctx = Context.build(needs_home=False, jobs=jobs)
    t0, c0 = time.perf_counter(), time.process_time()
    stats = consume(analyze_inputs(ctx, [str(path)]))
    cpu = time.process_time() - c0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "docs": stats.documents,
        "seconds": time.perf_counter() - t0,
        "cpu": cpu + (kids.ru_utime + kids.ru_stime if jobs > 1 else 0.0),
        "offers": stats.offers,
        "errors": stats.errors,
    }


def child_stages(path: Path) -> dict[str, float]:
    """CPU µs per document of each pipeline component over the same corpus (the offer
    model's budget is 200 µs): Pipeline.stage_costs, JSON reading left out."""
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.ingest.base import RawDocument

    pipe = Pipeline()
    pipe(RawDocument("warm 1g coke a@b.com", "w", "w", b"w"))
    raws = (
        RawDocument(t, "bench", f"line {i}", t.encode()) for i, t in enumerate(_iter_texts(path))
    )
    n, costs = pipe.stage_costs(raws)
    return {"docs": n, **{k: v / n * 1e6 for k, v in costs.items()}}


def _run_child(mode: str, path: Path, jobs: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", mode, "--corpus", str(path), "--jobs", str(jobs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--large", default="1,10", help="MB sizes of single large pages ('' for none)")
    ap.add_argument(
        "--line-mb", type=float, default=50.0, help="one line of this many MB (0: skip)"
    )
    ap.add_argument("--child", choices=["narcwatch", "baseline", "stages"])
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()

    if args.child:
        if args.child == "baseline":
            result = child_baseline(args.corpus)
        elif args.child == "stages":
            result = child_stages(args.corpus)
        else:
            result = child_narcwatch(args.corpus, args.jobs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_rss_mb"] = max(peak, children) / 1024
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as tmp:
        full, quarter = Path(tmp) / "corpus.jsonl", Path(tmp) / "quarter.jsonl"
        size, mix = build_corpus(full, args.docs)
        qsize, _ = build_corpus(quarter, args.docs // 4)
        n = sum(mix.values())
        print(
            f"corpus: {n:,} distinct documents, {size / 1e6:.1f} MB (avg {size / n:.0f} B); "
            + ", ".join(f"{k} {v:,}" for k, v in mix.items())
        )
        stages = _run_child("stages", quarter, 1)
        rows = [
            ("narcwatch", _run_child("narcwatch", full, args.jobs), size),
            ("baseline re", _run_child("baseline", full, 1), size),
            ("narcwatch 1/4", _run_child("narcwatch", quarter, args.jobs), qsize),
        ]
        for mb in [float(x) for x in args.large.split(",") if x.strip()]:
            p = Path(tmp) / f"large-{mb}.jsonl"
            nbytes = large_page(p, mb)
            rows.append((f"page {mb:g} MB", _run_child("narcwatch", p, 1), nbytes))
        if args.line_mb:
            p = Path(tmp) / "line.txt"
            nbytes = long_line(p, args.line_mb)
            rows.append((f"line {args.line_mb:g} MB", _run_child("narcwatch", p, 1), nbytes))
    head = f"{'run':<16}{'docs':>8}{'wall s':>9}{'CPU s':>9}{'docs/CPU s':>12}{'MB/CPU s':>10}"
    print(head + f"{'peak RSS MB':>13}")
    for name, r, nbytes in rows:
        print(
            f"{name:<16}{r['docs']:>8,.0f}{r['seconds']:>9.2f}{r['cpu']:>9.2f}"
            f"{r['docs'] / r['cpu']:>12,.0f}{nbytes / 1e6 / r['cpu']:>10.2f}"
            f"{r['peak_rss_mb']:>13.0f}"
        )
    nw, base, small = rows[0][1], rows[1][1], rows[2][1]
    ratio = (nw["docs"] / nw["cpu"]) / (base["docs"] / base["cpu"])
    print(f"narcwatch / baseline throughput (CPU time): {ratio:.2f}x  (jobs={args.jobs})")
    print(f"per document: {nw['cpu'] / nw['docs'] * 1e6:,.0f} µs CPU")
    print(f"peak RSS full / quarter corpus: {nw['peak_rss_mb'] / small['peak_rss_mb']:.2f}")
    docs = stages.pop("docs")
    stages.pop("peak_rss_mb", None)
    print(f"CPU µs per document by stage ({docs:,.0f} documents, reading not included):")
    for name, us in stages.items():
        note = "  (budget 200)" if name == "offer" else ""
        print(f"  {name:<12}{us:>8.0f}{note}")


if __name__ == "__main__":
    main()
