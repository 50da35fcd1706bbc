"""Train the offer model shipped in src/narcwatch/analyze/data/offer_model.{npz,json}.

    python scripts/train_offer_model.py [--shared ../shared/data] [--dry-run]

Data (read in place, never copied into the repository):

* ../shared/data/choshen-darknet-legal-illegal/data/train: one paragraph per line;
  onion_drugs_illegal = offer (1); ebay, onion_drugs_legal, onion_forums_legal = not (0).
  onion_forums_illegal is left out, as in the evaluation (it is neither class).
* tests/data/offers.jsonl and tests/data/offers_social.jsonl in this repository: labelled
  offers and non-offers written by the narcwatch developers (multilingual retail posts,
  pharmacies, B2B precursor ads, emoji-coded posts; news, policy, personal use, medical,
  harm reduction and jokes that name drugs), field "offer".
* examples/social_posts.jsonl and examples/market_listings.csv, labelled in
  tests/data/example_labels.json.

Every text goes through the scan pipeline up to the offer component, so the model sees the
same evidence it will see in `narcwatch scan`. The regularisation strength is picked by
5-fold cross-validation on the training data only; the validation split is never used
here (`narcwatch eval` measures on it). Deterministic: same data, same weights.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from narcwatch.analyze.doc import Doc  # noqa: E402
from narcwatch.analyze.offer import collect_evidence  # noqa: E402
from narcwatch.analyze.offer_model import (  # noqa: E402
    BUCKETS,
    EVIDENCE,
    N_FEATURES,
    evidence_vector,
    text_features,
)
from narcwatch.analyze.pipeline import Pipeline  # noqa: E402
from narcwatch.ingest.base import RawDocument, ReadOptions  # noqa: E402
from narcwatch.ingest.sources import read_inputs  # noqa: E402

CHOSHEN_LABELS = {
    "onion_drugs_illegal.txt": 1,
    "ebay.txt": 0,
    "onion_drugs_legal.txt": 0,
    "onion_forums_legal.txt": 0,
}


# Labelled texts written by the narcwatch developers (tests/data/README.md).
LABELLED = ("offers.jsonl", "offers_social.jsonl")


def choshen(split_dir: Path) -> list[tuple[RawDocument, int, str]]:
    out = []
    for name, label in CHOSHEN_LABELS.items():
        path = split_dir / name
        for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
            if line.strip():
                raw = RawDocument(
                    text=line, source=str(path), location=f"line {i + 1}", raw=line.encode()
                )
                out.append((raw, label, f"choshen:{name}"))
    return out


def repo_data() -> list[tuple[RawDocument, int, str]]:
    out = []
    labels = json.loads((ROOT / "tests/data/example_labels.json").read_text())
    for item in read_inputs([str(ROOT / "examples")], None, ReadOptions()):
        if isinstance(item, RawDocument):
            key = item.source_id or item.title or item.url or f"{Path(item.source).name}"
            if key in labels:
                out.append((item, int(labels[key]), "examples"))
    for name in LABELLED:
        for item in read_inputs([str(ROOT / "tests/data" / name)], None, ReadOptions()):
            if isinstance(item, RawDocument):
                out.append((item, int(item.fields["offer"] == "true"), name))
    return out


def featurize(
    pipe: Pipeline,
    data: list[tuple[RawDocument, int, str]],
    extra: Callable[[Doc], list[float]] | None = None,
) -> tuple:
    """The model's features of each text and its label; ``extra`` adds columns of its own
    (for trials of new features, see scripts/schedule_feature_trial.py)."""
    rows, cols, dense, labels = [], [], [], []
    for i, (raw, label, _) in enumerate(data):
        doc = pipe.analyze(raw)
        counts, _ = collect_evidence(doc)
        for j in text_features(doc.norm.text if doc.norm else raw.text.lower()):
            rows.append(i)
            cols.append(j)
        dense.append(evidence_vector(counts) + (extra(doc) if extra else []))
        labels.append(label)
    text = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(data), BUCKETS)
    )
    x = hstack([text, csr_matrix(np.asarray(dense, dtype=np.float32))]).tocsr()
    return x, np.asarray(labels)


def fit_model(
    x: csr_matrix, y: np.ndarray, *, verbose: bool = False, calibration: dict | None = None
) -> tuple[LogisticRegression, float, float, float]:
    """The model, its C and cross-validated macro-F1, and the decision threshold (on the
    calibrated score), all chosen by 5-fold cross-validation on (x, y) only; the Platt
    calibration goes into ``calibration`` when given."""
    calibration = {} if calibration is None else calibration
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    best = (0.0, 1.0)
    for c in (0.1, 0.3, 1.0, 3.0, 10.0):
        model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
        pred = cross_val_predict(model, x, y, cv=folds)
        f1 = f1_score(y, pred, average="macro")
        if verbose:
            print(f"  C={c:<5} cross-validated macro-F1 {f1:.3f}")
        best = max(best, (f1, c))
    f1, c = best
    logits = cross_val_predict(
        LogisticRegression(C=c, max_iter=2000, class_weight="balanced"),
        x,
        y,
        cv=folds,
        method="decision_function",
    )
    # Platt scaling on out-of-fold scores: the balanced class weights make raw
    # probabilities too high for offers; this maps them back to the training mix.
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(logits.reshape(-1, 1), y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    proba = 1.0 / (1.0 + np.exp(-(a * logits + b)))
    calibration.update(
        a=round(a, 5),
        b=round(b, 5),
        brier_raw=round(float(np.mean((1 / (1 + np.exp(-logits)) - y) ** 2)), 4),
        brier=round(float(np.mean((proba - y) ** 2)), 4),
        training_prevalence=round(float(y.mean()), 4),
    )
    cut_f1, threshold = max(
        (f1_score(y, (proba >= t).astype(int), average="macro"), round(float(t), 2))
        for t in np.arange(0.1, 0.91, 0.05)
    )
    if verbose:
        print(f"  threshold {threshold} (cross-validated macro-F1 {cut_f1:.3f})")
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
    return model, c, f1, threshold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--dry-run", action="store_true", help="train and report, write nothing")
    args = ap.parse_args()
    train_dir = args.shared / "choshen-darknet-legal-illegal" / "data" / "train"
    if not train_dir.is_dir():
        raise SystemExit(f"{train_dir} not found: the training data is read in place")
    data = choshen(train_dir) + repo_data()
    pipe = Pipeline(("normalize", "language", "substances", "selectors", "quantities"))
    x, y = featurize(pipe, data)
    print(f"training on {len(y)} texts ({int(y.sum())} offers); features {x.shape[1]}")

    calibration: dict = {}
    model, c, f1, threshold = fit_model(x, y, verbose=True, calibration=calibration)
    coef = model.coef_[0].astype(np.float32)
    assert coef.shape == (N_FEATURES,)
    meta = {
        "model": "logistic regression over hashed words and word pairs + pipeline evidence",
        "trained": dt.date.today().isoformat(),
        "C": c,
        "cv_macro_f1": round(f1, 4),
        "threshold": threshold,
        "calibration": calibration,
        "training_texts": len(y),
        "training_offers": int(y.sum()),
        "sources": sorted({s for _, _, s in data}),
        "evidence_weights": {
            n: round(float(w), 3) for n, w in zip(EVIDENCE, coef[BUCKETS:], strict=True)
        },
    }
    print(json.dumps(meta, indent=1))
    if args.dry_run:
        return
    out = ROOT / "src" / "narcwatch" / "analyze" / "data"
    np.savez_compressed(
        out / "offer_model.npz", coef=coef, intercept=np.float32(model.intercept_[0])
    )
    (out / "offer_model.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out / 'offer_model.npz'}")


if __name__ == "__main__":
    main()
