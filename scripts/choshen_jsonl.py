"""Write a split of the choshen data set as labelled JSON Lines for `narcwatch eval`.

    python scripts/choshen_jsonl.py validation /tmp/choshen-validation.jsonl
    narcwatch eval /tmp/choshen-validation.jsonl --labels label

Paragraphs of onion_drugs_illegal are offers (label 1); ebay, onion_drugs_legal and
onion_forums_legal are not (0); onion_forums_illegal is left out (neither). The output
goes wherever you say (never into the repository: the data is not ours to copy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "choshen-darknet-legal-illegal" / "data"
LABELS = {"onion_drugs_illegal": 1, "ebay": 0, "onion_drugs_legal": 0, "onion_forums_legal": 0}


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    split, out = sys.argv[1], Path(sys.argv[2])
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for name, label in LABELS.items():
            path = DATA / split / f"{name}.txt"
            for i, line in enumerate(
                path.read_text(encoding="utf-8", errors="replace").splitlines()
            ):
                if line.strip():
                    rec = {"id": f"{name}-{i + 1}", "platform": name, "label": label, "text": line}
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    n += 1
    print(f"wrote {n} paragraphs to {out}")


if __name__ == "__main__":
    main()
