"""Draw substance-mention candidates from real corpora for labelling by hand.

Candidates are found by a *permissive* matcher: every knowledge-base term, ambiguous or
not, in any language, with no context rule, plus CAS numbers. Labelling this pool lets the
real matcher (which keeps a subset) be measured for precision and recall against it.

    python scripts/draw_mentions.py --out /tmp/mentions --per-source 60 --batches 4

Writes ``batch_K.jsonl`` files with a context window around each candidate, for the
labellers. The context is *not* for the repository (third-party text): labels go to
``tests/data/mentions/*.jsonl`` as (record id, span, substance, label) only.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from narcwatch.analyze.normalize import default_normalizer, normalize_term
from narcwatch.evaluate.corpora import iter_corpus
from narcwatch.kb import default_kb
from narcwatch.kb.cas import find_cas
from narcwatch.kb.matcher import TermMatcher

# (corpus, filter on dataset or None, records to draw)
PLAN = [
    ("oc", "agora_2014_titles", 1.0),
    ("oc", "nemesis_market", 1.0),
    ("oc", "enron_spam", 1.0),
    ("oc", "druglib_reviews", 1.0),
    ("oc", "webmd_reviews", 0.6),
    ("oc", "erowid_experiences", 1.0),
    ("anita", None, 0.8),
    ("tweet", None, 0.8),
    ("choshen", None, 1.0),
    ("dream", None, 0.4),
]
MAX_PER_RECORD = 4
CONTEXT = 160


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-source", type=int, default=60, help="records drawn per source (x share)")
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--titles", type=int, default=0, help="also draw N listing titles/posts")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    kb = default_kb()
    matcher = TermMatcher(((t.text, t) for t in kb.iter_terms() if t.substances), normalize_term)
    norm = default_normalizer()
    cas_ids = kb.by_cas()
    rows = []
    for corpus, dataset, share in PLAN:
        pool = []
        for rec in iter_corpus(corpus):
            if dataset and rec.dataset != dataset:
                continue
            text = rec.text[:20000]
            n = norm(text)
            cands = {}
            for s, e, terms in matcher.find(n.text):
                start, end = n.to_original(s, e)
                t0 = terms[0]
                subs = sorted({sid for t in terms for sid in t.substances})
                cands[(start, end)] = {
                    "via": sorted({t.via for t in terms}),
                    "ambiguous": any(t.ambiguous for t in terms),
                    "substances": subs,
                    "lang": t0.lang,
                }
            for cas, start, end in find_cas(text):
                if cas in cas_ids:
                    cands[(start, end)] = {
                        "via": ["cas"],
                        "ambiguous": False,
                        "substances": [cas_ids[cas]],
                        "lang": None,
                    }
            if cands:
                pool.append((rec, text, cands))
        k = min(len(pool), int(args.per_source * share))
        for rec, text, cands in rng.sample(pool, k):
            spans = sorted(cands)
            for start, end in rng.sample(spans, min(MAX_PER_RECORD, len(spans))):
                c = cands[(start, end)]
                lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
                rows.append(
                    {
                        "record": rec.id,
                        "span": [start, end],
                        "matched": text[start:end],
                        "substances": c["substances"],
                        "via": c["via"],
                        "ambiguous": c["ambiguous"],
                        "source": rec.dataset,
                        "context": text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi],
                    }
                )
        print(f"{corpus}/{dataset}: {len(pool)} records with candidates, drew {k}")
    rng.shuffle(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    for b in range(args.batches):
        part = rows[b :: args.batches]
        with (args.out / f"batch_{b}.jsonl").open("w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} candidates in {args.batches} batches under {args.out}")
    if args.titles:
        draw_titles(args.out, args.titles, rng)


# Listing titles and posts that name drugs, to measure what the matcher misses: drug
# listings by their market's category, and the tweets and unlabelled listings at large.
TITLE_PLAN = [
    ("oc", "agora_2014_titles", "offer", 0.4),
    ("oc", "nemesis_market", "offer", 0.15),
    ("dream", None, None, 0.15),
    ("anita", None, None, 0.15),
    ("tweet", None, None, 0.15),
]


def draw_titles(out: Path, n: int, rng: random.Random) -> None:
    rows = []
    for corpus, dataset, label, share in TITLE_PLAN:
        pool = [
            r
            for r in iter_corpus(corpus)
            if (dataset is None or r.dataset == dataset) and (label is None or r.label == label)
        ]
        for rec in rng.sample(pool, int(n * share)):
            text = (rec.title or rec.text) if corpus in ("oc", "anita") else rec.text
            rows.append(
                {
                    "record": rec.id,
                    "source": rec.dataset,
                    "field": "title" if text is rec.title and text != rec.text else "text",
                    "text": text[:700],
                }
            )
    rng.shuffle(rows)
    with (out / "titles.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} titles/posts in {out / 'titles.jsonl'}")


if __name__ == "__main__":
    main()
