"""The result of `narcwatch eval`: detection quality of the offer decision."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from narcwatch.results.base import Record

__all__ = ["ClassScores", "EvalReport", "GroupScores", "OperatingPoint"]


class ClassScores(Record):
    precision: float
    recall: float
    f1: float
    support: int


class GroupScores(Record):
    """The decision on one group of records (a source, a language, a kind of text)."""

    documents: int
    offers: int  # labelled offers
    flagged: int  # decided offers
    false_positives: int
    false_negatives: int
    recall: float | None  # None without labelled offers


class OperatingPoint(Record):
    """The threshold with the most recall whose precision at the report's prevalence is at
    least ``target`` on these data (chosen on the evaluation data itself: optimistic)."""

    target: float
    threshold: float
    recall: float
    false_positives: int
    precision_at_prevalence: float


class EvalReport(Record):
    """What `narcwatch eval` measured: the offer decision against labelled data."""

    schema_id: ClassVar[str] = "narcwatch.eval/1"
    columns: ClassVar[tuple[str, ...]] = (
        "documents", "positives", "threshold", "macro_f1", "roc_auc", "prevalence",
        "precision_at_prevalence", "brier", "ece",
    )  # fmt: skip

    documents: int
    positives: int
    threshold: float
    classes: dict[str, ClassScores]  # "offer", "not offer"
    macro_f1: float
    roc_auc: float | None
    confusion: list[list[int]]  # [[TN, FP], [FN, TP]]
    prevalence: float
    precision_at_prevalence: float | None
    brier: float  # mean squared error of offer_score against the labels
    ece: float  # expected calibration error over 10 equal-width bins
    # The most precision at `prevalence` that these data can show with one false positive
    # (and every offer found): with few negatives a high target cannot be shown at all.
    precision_one_fp: float | None = None
    operating_point: OperatingPoint | None = None  # None: no threshold reaches the target
    groups: dict[str, GroupScores] = Field(default_factory=dict)
    unlabelled: int = 0
    plots: list[str] = Field(default_factory=list)  # the PNG files written (--plots)
