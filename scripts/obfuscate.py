"""Obfuscated copies of labelled texts, to measure robustness (issue 6).

    python scripts/obfuscate.py IN.jsonl OUT.jsonl [--field text] [--seed 7]
    narcwatch eval OUT.jsonl --labels label

Every record is written again with its text obfuscated the ways sellers do: leetspeak
(c0ca1ne), Cyrillic look-alikes (сocaine), spaced letters (c.o.c.a.i.n.e) and emoji for
drug words, chosen at random per word (seeded, so the copy is reproducible). Only the
knowledge base's drug names and slang are touched, so the rest of the text stays as it is.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narcwatch.kb import default_kb  # noqa: E402

LEET = str.maketrans({"o": "0", "i": "1", "e": "3", "a": "4", "s": "5"})
CYRILLIC = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х"})


def obfuscators(emoji: dict[str, str]) -> list:  # type: ignore[type-arg]
    return [
        lambda w: w.translate(LEET),
        lambda w: w.translate(CYRILLIC),
        lambda w: ".".join(w),
        lambda w: emoji.get(w.lower(), w.translate(LEET)),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--field", default="text")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    kb = default_kb()
    names = {t.text.lower() for t in kb.iter_terms() if t.via in ("name", "synonym", "slang")}
    names = {n for n in names if n.isalpha() and len(n) >= 4}
    emoji = {}
    for e in kb.emoji:
        for sid in e.substances:
            emoji.setdefault(kb.substances[sid].name.lower(), e.code)
    rng = random.Random(args.seed)
    funcs = obfuscators(emoji)
    word = re.compile(r"[A-Za-z]{4,}")

    def obfuscate(text: str) -> str:
        return word.sub(
            lambda m: rng.choice(funcs)(m.group(0)) if m.group(0).lower() in names else m.group(0),
            text,
        )

    n = 0
    with args.source.open(encoding="utf-8") as fin, args.out.open("w", encoding="utf-8") as fout:
        for line in fin:
            rec = json.loads(line)
            rec[args.field] = obfuscate(rec[args.field])
            fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} obfuscated records to {args.out}")


if __name__ == "__main__":
    main()
