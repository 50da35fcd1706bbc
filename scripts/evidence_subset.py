"""How many labelled texts carry any drug or sale evidence at all, and how the offer decision
does on those that do (issue 6: the Choshen labels are per site, not per paragraph).

    python scripts/evidence_subset.py /tmp/chv.jsonl [--labels label] [--group platform]

"Evidence" is what the scan pipeline finds that bears on a sale: a substance, a quantity, a
price, or a sale, contact, shipping or payment cue. A paragraph of an "illegal" site with
none of these (boilerplate, forum statistics) cannot be told from one of a legal site by
any reading of that paragraph alone.
"""

from __future__ import annotations

import argparse
from collections import Counter

from sklearn.metrics import f1_score

from narcwatch.errors import InputError
from narcwatch.jobs import Context
from narcwatch.jobs.scan import analyze_inputs

POSITIVE = {"1", "true", "yes", "offer", "illegal", "positive"}
CUES = ("sale verb", "contact", "shipping", "payment")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--labels", default="label")
    ap.add_argument("--group", default="platform")
    args = ap.parse_args()
    truth, decided, evidence, groups = [], [], [], []
    ctx = Context.build(needs_home=False)
    for item in analyze_inputs(ctx, args.inputs):
        if isinstance(item, InputError) or args.labels not in (item.doc.fields or {}):
            continue
        truth.append(item.doc.fields[args.labels].strip().casefold() in POSITIVE)
        decided.append(item.offer)
        found = item.substances or item.quantities or item.prices
        evidence.append(bool(found) or any(r.startswith(CUES) for r in item.reasons))
        value = (item.doc.fields or {}).get(args.group) or getattr(item.doc, args.group, None)
        groups.append(str(value))
    counts = Counter(zip(groups, evidence, strict=True))
    print(f"| {args.group} | texts | with evidence | without |")
    print("|---|---|---|---|")
    for name in sorted(set(groups)):
        yes, no = counts[(name, True)], counts[(name, False)]
        print(f"| {name} | {yes + no} | {yes} | {no} |")
    idx = [i for i, e in enumerate(evidence) if e]
    f1 = f1_score([truth[i] for i in idx], [decided[i] for i in idx], average="macro")
    print(f"\nmacro-F1 on the {len(idx)} texts with evidence: {f1:.3f}")
    print(f"macro-F1 on all {len(truth)}: {f1_score(truth, decided, average='macro'):.3f}")


if __name__ == "__main__":
    main()
