"""Substance-matching throughput: narcwatch vs plain pyahocorasick vs one `re` alternation.

    python benchmarks/bench_match.py [--mb 8]

Reads the raw darknet page text of ../shared/data/choshen-darknet-legal-illegal/data/raw
(read in place, never copied into the repo), cut into 1 KB chunks, and times in one run:

* normalize: narcwatch's normalized view (case folding, homoglyphs, leetspeak, ...);
* narcwatch match: the whole-word Aho-Corasick matcher over every knowledge-base term
  (names, synonyms, translations, slang, emoji, hard negatives), on normalized text;
* pyahocorasick raw: the same terms in a plain automaton over lower-cased text, no word
  boundaries (what most scripts do, with the false hits that brings);
* re alternation: one Python regex of all terms with \\b, on a sample (it is slow).

Prints MB/s per core for each and the number of terms.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "data" / "choshen-darknet-legal-illegal" / "data" / "raw"


def chunks(limit_mb: float) -> list[str]:
    out: list[str] = []
    size = 0
    for path in sorted(RAW.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for i in range(0, len(text), 1024):
            piece = text[i : i + 1024]
            out.append(piece)
            size += len(piece.encode())
            if size >= limit_mb * 1e6:
                return out
    return out


def rate(name: str, texts: list[str], fn) -> float:  # type: ignore[no-untyped-def]
    nbytes = sum(len(t.encode()) for t in texts)
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    seconds = time.perf_counter() - t0
    mbs = nbytes / 1e6 / seconds
    print(f"{name:<28}{nbytes / 1e6:>8.1f} MB{seconds:>9.2f} s{mbs:>10.1f} MB/s")
    return mbs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mb", type=float, default=8.0, help="MB of page text to match")
    args = ap.parse_args()
    if not RAW.exists():
        raise SystemExit(f"{RAW} not found: this benchmark reads ../shared/data in place")

    import ahocorasick

    from narcwatch.analyze.normalize import default_normalizer
    from narcwatch.analyze.substances import default_matchers
    from narcwatch.kb import default_kb

    t0 = time.perf_counter()
    kb = default_kb()
    matchers = default_matchers()
    ready = time.perf_counter() - t0
    terms = sorted({t.text.lower() for t in kb.iter_terms()})
    texts = chunks(args.mb)
    print(
        f"{len(terms):,} terms ({matchers.terms.size:,} normalized keys); "
        f"knowledge base + matcher ready in {ready:.2f} s"
    )

    normalize = default_normalizer()
    normalized = [normalize(t).text for t in texts]
    rate("normalize", texts, normalize)
    nw = rate("narcwatch match (words)", normalized, matchers.terms.find)

    auto = ahocorasick.Automaton()
    for term in terms:
        auto.add_word(term, term)
    auto.make_automaton()
    lowered = [t.lower() for t in texts]
    raw = rate("pyahocorasick raw", lowered, lambda t: list(auto.iter(t)))

    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + r")\b"
    )
    sample = lowered[: max(1, len(lowered) // 20)]
    base = rate("re alternation (sample)", sample, pattern.findall)
    print(f"narcwatch / re: {nw / base:.0f}x; narcwatch / raw pyahocorasick: {nw / raw:.2f}x")


if __name__ == "__main__":
    main()
