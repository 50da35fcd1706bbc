"""Do schedule features help the offer model? (issue 6; tried and not shipped)

    python scripts/schedule_feature_trial.py [--shared ../shared/data]

Adds to the shipped features the number of distinct substances under the strictest
schedules (1961 I/IV, 1971 I/II), under other schedules, and unscheduled, trains each
variant with the shipped recipe (scripts/train_offer_model.py) and prints cross-validated
macro-F1, macro-F1 and ROC-AUC on the Choshen validation split and on
tests/data/offers_eval.jsonl, and the TRACE tweets flagged (with the known ads among them).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.metrics import f1_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from cross_source import ADS, scores, trial_sets  # noqa: E402
from train_offer_model import featurize, fit_model  # noqa: E402

from narcwatch.analyze.doc import Doc  # noqa: E402
from narcwatch.analyze.offer_model import N_FEATURES  # noqa: E402
from narcwatch.analyze.pipeline import Pipeline  # noqa: E402

STRICT = {"1961-I", "1961-IV", "1971-I", "1971-II"}


def schedule_counts(doc: Doc) -> list[float]:
    """log1p of the distinct substances under the strictest schedules, under others, and
    under none."""
    hits = {h.id: h for h in doc.substances}.values()
    strict = sum(1 for h in hits if set(h.control) & STRICT)
    other = sum(1 for h in hits if h.control and not set(h.control) & STRICT)
    unscheduled = sum(1 for h in hits if not h.control)
    return [math.log1p(strict), math.log1p(other), math.log1p(unscheduled)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()
    sets = trial_sets(args.shared)
    del sets["telegram"]
    pipe = Pipeline(("normalize", "language", "substances", "selectors", "quantities"))
    feats = {k: featurize(pipe, v, extra=schedule_counts) for k, v in sets.items()}
    ads = np.array([bool(ADS.search(raw.text)) for raw, _, _ in sets["tweets"]])
    print(
        "| features | CV macro-F1 | val macro-F1 | val AUC | eval macro-F1 | eval AUC "
        "| tweets flagged | ads flagged |"
    )
    print("|---|---|---|---|---|---|---|---|")
    shipped = list(range(N_FEATURES))
    variants = (("shipped", []), ("+ strict", [0]), ("+ strict, other", [0, 1]))
    for name, use in (*variants, ("+ all three", [0, 1, 2])):
        columns = shipped + [N_FEATURES + i for i in use]

        def make(k: str, columns: list[int] = columns) -> tuple[csr_matrix, np.ndarray]:
            x, y = feats[k]
            return x[:, columns], y

        cal: dict = {}
        model, _c, cv, thr = fit_model(*make("train"), calibration=cal)
        cells = [name, f"{cv:.3f}"]
        for k in ("val", "eval"):
            x, y = make(k)
            s = scores(model, x, cal)
            cells += [f"{f1_score(y, s >= thr, average='macro'):.3f}", f"{roc_auc_score(y, s):.3f}"]
        flagged = scores(model, make("tweets")[0], cal) >= thr
        cells += [str(int(flagged.sum())), str(int((flagged & ads).sum()))]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
