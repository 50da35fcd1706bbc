"""Detection quality of the offer decision against labelled data (`narcwatch eval`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from narcwatch.results.evaluate import (
    ClassScores,
    EvalReport,
    GroupScores,
    OperatingPoint,
)

__all__ = [
    "POSITIVE",
    "ClassScores",
    "EvalReport",
    "GroupScores",
    "OperatingPoint",
    "evaluate",
    "write_plots",
]

POSITIVE = frozenset({"1", "true", "yes", "y", "offer", "illegal", "positive", "sale"})


def calibration_error(y: Sequence[int], scores: Sequence[float], bins: int = 10) -> float:
    """Expected calibration error: the gap between mean score and offer share per score
    bin, weighted by the bin's size."""
    total, n = 0.0, len(y)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, s in enumerate(scores) if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        if idx:
            mean_score = sum(scores[i] for i in idx) / len(idx)
            share = sum(y[i] for i in idx) / len(idx)
            total += len(idx) / n * abs(mean_score - share)
    return total


def by_group(
    y: Sequence[int], pred: Sequence[int], groups: Sequence[str]
) -> dict[str, GroupScores]:
    out: dict[str, GroupScores] = {}
    for name in sorted(set(groups)):
        idx = [i for i, g in enumerate(groups) if g == name]
        offers = sum(y[i] for i in idx)
        tp = sum(y[i] and pred[i] for i in idx)
        out[name] = GroupScores(
            documents=len(idx),
            offers=offers,
            flagged=sum(pred[i] for i in idx),
            false_positives=sum(pred[i] and not y[i] for i in idx),
            false_negatives=sum(y[i] and not pred[i] for i in idx),
            recall=round(tp / offers, 4) if offers else None,
        )
    return out


def at_prevalence(tpr: float, fpr: float, prevalence: float) -> float | None:
    """Precision if offers made up ``prevalence`` of the data: the negatives reweighted."""
    denom = tpr * prevalence + fpr * (1 - prevalence)
    return tpr * prevalence / denom if denom else None


def operating_point(
    y: Sequence[int], scores: Sequence[float], *, prevalence: float, target: float
) -> OperatingPoint | None:
    """The lowest threshold (most recall) whose precision at ``prevalence`` is >= target."""
    pos = sum(y)
    neg = len(y) - pos
    if not pos or not neg:
        return None
    best: OperatingPoint | None = None
    best_tp = 0  # compared as a count: a rounded recall would let a lower cut look better
    tp = fp = 0
    ranked = sorted(zip(scores, y, strict=True), key=lambda t: -t[0])
    for i, (score, label) in enumerate(ranked):
        tp += label
        fp += 1 - label
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue  # a threshold takes every document with the same score
        precision = at_prevalence(tp / pos, fp / neg, prevalence)
        if precision is not None and precision >= target and tp > best_tp:
            best_tp = tp
            best = OperatingPoint(
                target=target,
                threshold=float(score),  # exact: `score >= threshold` must give this point
                recall=round(tp / pos, 4),
                false_positives=fp,
                precision_at_prevalence=round(precision, 4),
            )
    return best


def evaluate(
    truth: Sequence[bool],
    scores: Sequence[float],
    *,
    threshold: float,
    prevalence: float,
    groups: Sequence[str] | None = None,
    target_precision: float = 0.9,
) -> EvalReport:
    from sklearn.metrics import (
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    y = [int(t) for t in truth]
    pred = [int(s >= threshold) for s in scores]
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=[0, 1], zero_division=0)
    classes = {
        name: ClassScores(
            precision=round(float(p[i]), 4),
            recall=round(float(r[i]), 4),
            f1=round(float(f[i]), 4),
            support=int(s[i]),
        )
        for i, name in enumerate(("not offer", "offer"))
    }
    cm = confusion_matrix(y, pred, labels=[0, 1])
    tn, fp, fn, tp = (int(v) for v in cm.ravel())
    auc = float(roc_auc_score(y, scores)) if 0 < sum(y) < len(y) else None
    tpr = tp / (tp + fn) if tp + fn else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    # Undefined without both classes: no rate to reweight.
    at_prev = at_prevalence(tpr, fpr, prevalence) if tp + fn and fp + tn else None
    one_fp = at_prevalence(1.0, 1 / (fp + tn), prevalence) if fp + tn else None
    return EvalReport(
        documents=len(y),
        positives=sum(y),
        threshold=threshold,
        classes=classes,
        macro_f1=round(float(f1_score(y, pred, average="macro", zero_division=0)), 4),
        roc_auc=round(auc, 4) if auc is not None else None,
        confusion=[[tn, fp], [fn, tp]],
        prevalence=prevalence,
        precision_at_prevalence=round(at_prev, 4) if at_prev is not None else None,
        precision_one_fp=round(one_fp, 4) if one_fp is not None else None,
        operating_point=operating_point(y, scores, prevalence=prevalence, target=target_precision),
        brier=round(sum((sc - t) ** 2 for sc, t in zip(scores, y, strict=True)) / len(y), 4),
        ece=round(calibration_error(y, scores), 4),
        groups=by_group(y, pred, groups) if groups is not None else {},
    )


def write_plots(truth: Sequence[bool], scores: Sequence[float], directory: Path) -> list[Path]:
    """A precision-recall curve and a reliability (calibration) plot as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import precision_recall_curve

    directory.mkdir(parents=True, exist_ok=True)
    y = [int(t) for t in truth]
    precision, recall, _ = precision_recall_curve(y, scores)
    fig: Any
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(recall, precision)
    ax.set(xlabel="recall", ylabel="precision", title="offer: precision-recall", ylim=(0, 1.02))
    pr_path = directory / "precision_recall.png"
    fig.tight_layout()
    fig.savefig(pr_path, dpi=100)
    plt.close(fig)
    frac, mean = calibration_curve(y, scores, n_bins=10, strategy="uniform")
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey")
    ax.plot(mean, frac, marker="o")
    ax.set(xlabel="offer_score", ylabel="fraction of offers", title="offer: reliability")
    rel_path = directory / "reliability.png"
    fig.tight_layout()
    fig.savefig(rel_path, dpi=100)
    plt.close(fig)
    return [pr_path, rel_path]
