"""Substance-mention precision and recall on real text labelled by reading it.

    python scripts/eval_mentions.py [--data ../shared/data] [--show-errors 30] [--context 70]

Reads the labels in tests/data/mentions/ and the text from ../shared/data; see
narcwatch.evaluate.mentions for what is measured.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from narcwatch.evaluate.corpora import load_records
from narcwatch.evaluate.mentions import MAX_CHARS, _kept, _scan, measure, read_labels, table

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--labels", type=Path, default=ROOT / "tests" / "data" / "mentions")
    ap.add_argument("--show-errors", type=int, default=20)
    ap.add_argument(
        "--context",
        type=int,
        default=0,
        help="print every false mention kept and true mention missed with this many "
        "characters of its text either side (read from --data, printed only)",
    )
    args = ap.parse_args()
    rep = measure(args.labels, args.data)
    print(f"{'section':8} {'name':28} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for section, name, n, p, r in table(rep):
        ps = f"{p:.3f}" if p is not None else "n/a"
        rs = f"{r:.3f}" if r is not None else "n/a"
        print(f"{section:8} {name:28} {n:8d} {ps:>9} {rs:>7}")
    if args.show_errors:
        print(
            "\nfalse mentions kept, by term:",
            Counter(t.lower() for _, t in rep.false_kept).most_common(args.show_errors),
        )
        print(
            "true mentions missed, by term:",
            Counter(t.lower() for _, t in rep.true_missed).most_common(args.show_errors),
        )
        print(
            "substances missed in titles:",
            Counter(s for _, s in rep.title_misses).most_common(args.show_errors),
        )
    if args.context:
        show_context(args.labels, args.data, args.context)


def show_context(labels: Path, data: Path, width: int) -> None:
    """Each labelled candidate the matcher gets wrong, with its text around it."""
    from narcwatch.analyze.pipeline import Pipeline

    pipe = Pipeline(("normalize", "language", "substances"))
    cands = read_labels(labels, "labels_batch_*.jsonl")
    records = load_records({c["record"] for c in cands}, data)
    scanned: dict[str, dict] = {}
    print()
    for c in sorted(cands, key=lambda c: (c["matched"].lower(), c["record"])):
        rid, (a, b) = c["record"], c["span"]
        text = records[rid].text
        if rid not in scanned:
            scanned[rid] = _scan(pipe, rid, text[:MAX_CHARS])[0]
        kept = _kept(scanned[rid], c["span"], set(c["substances"]))
        if kept == c["label"]:
            continue
        what = "false kept" if kept else "true missed"
        around = text[max(0, a - width) : a] + "[[" + text[a:b] + "]]" + text[b : b + width]
        print(f"{what:11} {rid} {c['substances']} {around!r}")


if __name__ == "__main__":
    main()
