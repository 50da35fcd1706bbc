"""The native fast path against pure Python, in one run, on real page text.

    python benchmarks/bench_native.py [--docs 5000] [--rounds 3] [--page-mb 1]

Corpus: the real-page mix of ``bench_scan.py`` (~1 KB pieces of darknet page dumps,
listings, other real text; every document distinct), read from ../shared/data.

Reports CPU time (``time.process_time``) of:

* each function with a C version, native and its Python reference over the same inputs;
* each component of the pipeline in this process and building the finding (µs per
  document), native and pure;
* the whole scan as ``bench_scan.py`` runs it (reading JSON lines through the jobs layer,
  no store), each in its own process, with ``NARCWATCH_NATIVE=0`` for pure Python;
* one page of ``--page-mb`` MB of real page text.

Ratios are pure CPU / native CPU (above 1: native is faster). The best of ``--rounds`` is
kept for each, and native and pure alternate so neither gets a warmer machine. The run also
checks that both give identical findings on every document, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_scan

from narcwatch import _native


def _best(fn: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def _pair(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """(native CPU s, pure CPU s), best of ``rounds``, alternating."""
    nat, pure = float("inf"), float("inf")
    for _ in range(rounds):
        with _native.use_native(True):
            nat = min(nat, _best(fn, 1))
        with _native.use_native(False):
            pure = min(pure, _best(fn, 1))
    return nat, pure


def functions(texts: list[str], rounds: int) -> list[tuple[str, float, float]]:
    from narcwatch.analyze.language import default_detector
    from narcwatch.analyze.normalize import default_normalizer
    from narcwatch.analyze.offer_model import default_model, known_terms
    from narcwatch.analyze.quantities import default_reader, next_number
    from narcwatch.analyze.substances import default_matchers
    from narcwatch.analyze.term_views import has_elongated, has_spaced_run
    from narcwatch.kb.matcher import word_view

    normalizer, detector, lex = default_normalizer(), default_detector(), default_reader().lex
    model, fuzzy = default_model(), default_matchers().fuzzy
    with _native.use_native(False):
        norms = [normalizer(t).text for t in texts]
    lows = [t.lower() for t in texts]

    def numbers() -> None:
        native = _native.speedups
        for low in lows:
            pos = 0
            while found := (
                native.next_number(low, pos, lex.symbols_before, lex.codes)
                if native is not None
                else next_number(low, pos, lex)
            ):
                pos = found[1]

    reader = default_reader()

    def read_quantities() -> None:
        for t, low in zip(texts, lows, strict=True):
            if len(low) == len(t):
                reader._read(t, low)
                reader.word_amounts(t, low)

    cases: list[tuple[str, Callable[[], object]]] = [
        ("normalize", lambda: [normalizer(t) for t in texts]),
        ("word view", lambda: [word_view(n) for n in norms]),
        ("language", lambda: [detector(t) for t in texts]),
        ("quantity numbers", numbers),
        ("quantity reader", read_quantities),
        ("substance views", lambda: [(has_elongated(t), has_spaced_run(t)) for t in texts]),
        ("misspelt names", lambda: [fuzzy.find(n) for n in norms]),
    ]
    if model is not None:
        vocab = model.vocab
        cases.append(("offer features", lambda: [known_terms(n, None, vocab) for n in norms]))
    return [(name, *_pair(fn, rounds)) for name, fn in cases]


def pipeline(texts: list[str], rounds: int) -> tuple[dict[str, tuple[float, float]], bool]:
    """CPU seconds of each component (and of building the finding), native and pure, best
    of ``rounds``; and whether both builds give identical findings."""
    from narcwatch.analyze.pipeline import Pipeline
    from narcwatch.ingest.base import RawDocument

    p = Pipeline(check=False)
    raws = [RawDocument(t, "bench", str(i), t.encode()) for i, t in enumerate(texts)]
    with _native.use_native(True):
        fast = [p(r).model_dump_json() for r in raws]
    with _native.use_native(False):
        same = fast == [p(r).model_dump_json() for r in raws]

    def stages() -> dict[str, float]:
        return p.stage_costs(raws)[1]

    best: dict[str, list[float]] = {}
    for _ in range(rounds):
        for on in (True, False):
            with _native.use_native(on):
                for name, cpu in stages().items():
                    pair = best.setdefault(name, [float("inf"), float("inf")])
                    pair[0 if on else 1] = min(pair[0 if on else 1], cpu)
    return {name: (nat, pure) for name, (nat, pure) in best.items()}, same


def _total(per_stage: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return sum(v[0] for v in per_stage.values()), sum(v[1] for v in per_stage.values())


def whole_scan(path: Path, native: bool) -> dict[str, float]:
    env = {**os.environ, "NARCWATCH_NATIVE": "1" if native else "0"}
    cmd = [sys.executable, bench_scan.__file__, "--child", "narcwatch", "--corpus", str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--page-mb", type=float, default=1.0)
    args = ap.parse_args()
    if _native.BUILT is None:
        sys.exit("the native module is not built (pip install -e . with a C compiler)")

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        size, mix = bench_scan.build_corpus(corpus, args.docs)
        texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
        n = len(texts)
        print(
            f"corpus: {n:,} distinct documents, {size / 1e6:.1f} MB; "
            + ", ".join(f"{k} {v:,}" for k, v in mix.items())
            + f"; ASCII {sum(t.isascii() for t in texts) / n:.0%}"
        )
        print(f"build: {_native.build_id()}")
        print(f"\n{'CPU time':<22}{'native s':>10}{'pure s':>10}{'pure/native':>13}")
        for name, nat, pure in functions(texts, args.rounds):
            print(f"{name:<22}{nat:>10.3f}{pure:>10.3f}{pure / nat:>12.2f}x")

        per_stage, same = pipeline(texts, args.rounds)
        print(f"\n{'pipeline component':<22}{'native µs':>10}{'pure µs':>10}{'pure/native':>13}")
        for name, (nat, pure) in [*per_stage.items(), ("total", _total(per_stage))]:
            print(f"{name:<22}{nat / n * 1e6:>10.1f}{pure / n * 1e6:>10.1f}{pure / nat:>12.2f}x")
        print(f"identical findings, native and pure: {'yes' if same else 'NO'} ({n:,} documents)")

        print(f"\n{'whole scan (CPU)':<22}{'docs/s':>10}{'µs/doc':>10}")
        runs = {}
        for label, on in (("native", True), ("pure", False)):
            r = whole_scan(corpus, on)
            runs[label] = r
            print(f"{label:<22}{r['docs'] / r['cpu']:>10,.0f}{r['cpu'] / r['docs'] * 1e6:>10,.0f}")
        ratio = runs["pure"]["cpu"] / runs["native"]["cpu"]
        print(f"{'pure/native':<22}{ratio:>9.2f}x")

        if args.page_mb:
            page = Path(tmp) / "page.jsonl"
            bench_scan.large_page(page, args.page_mb)
            nat_r, pure_r = whole_scan(page, True), whole_scan(page, False)
            print(
                f"\npage {args.page_mb:g} MB: native {nat_r['cpu']:.2f} s CPU, "
                f"pure {pure_r['cpu']:.2f} s CPU ({pure_r['cpu'] / nat_r['cpu']:.2f}x)"
            )


if __name__ == "__main__":
    main()
