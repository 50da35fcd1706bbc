"""The figures `narcwatch eval` prints, checked on cases small enough to count by hand."""

from __future__ import annotations

import pytest

from narcwatch.evaluate.metrics import by_group, calibration_error, evaluate

TRUTH = [True, True, True, False, False, False, False, False]
SCORES = [0.9, 0.8, 0.3, 0.7, 0.2, 0.1, 0.1, 0.05]


def test_counts_and_scores_by_hand() -> None:
    report = evaluate(TRUTH, SCORES, threshold=0.5, prevalence=0.01)
    assert report.confusion == [[4, 1], [1, 2]]  # TN FP / FN TP
    offer = report.classes["offer"]
    assert (offer.precision, offer.recall, offer.support) == (round(2 / 3, 4), round(2 / 3, 4), 3)
    # recall 2/3, false-positive rate 1/5: at 1% prevalence precision = .0067 / (.0067 + .198)
    assert report.precision_at_prevalence == pytest.approx(
        (2 / 3 * 0.01) / (2 / 3 * 0.01 + 0.2 * 0.99), abs=1e-4
    )
    assert report.roc_auc == pytest.approx(14 / 15, abs=1e-4)  # 14 of 15 pairs ordered


def test_perfectly_calibrated_scores_have_no_calibration_error() -> None:
    # in the 0.2-0.3 bin 1 of 4 is an offer at mean score 0.25; in the 0.7-0.8 bin 3 of 4
    y = [1, 0, 0, 0, 1, 1, 1, 0]
    scores = [0.25] * 4 + [0.75] * 4
    assert calibration_error(y, scores) == pytest.approx(0.0)
    assert calibration_error([0, 0], [0.95, 0.95]) == pytest.approx(0.95)


def test_errors_by_group() -> None:
    groups = by_group([1, 0, 0, 1], [1, 1, 0, 0], ["shop", "news", "news", "shop"])
    assert groups["news"].false_positives == 1 and groups["news"].recall is None
    assert groups["shop"].false_negatives == 1 and groups["shop"].recall == 0.5


def test_one_class_only_has_no_auc() -> None:
    report = evaluate([False, False], [0.1, 0.9], threshold=0.5, prevalence=0.01)
    assert report.roc_auc is None and report.classes["not offer"].support == 2
    assert report.precision_at_prevalence is None and report.operating_point is None
    offers_only = evaluate([True, True], [0.1, 0.9], threshold=0.5, prevalence=0.01)
    assert offers_only.precision_at_prevalence is None and offers_only.precision_one_fp is None


def test_one_false_positive_caps_precision_at_prevalence() -> None:
    # 5 negatives: one false positive is a 20% false-positive rate; at 1% prevalence even
    # full recall gives .01 / (.01 + .2 * .99)
    report = evaluate(TRUTH, SCORES, threshold=0.5, prevalence=0.01)
    assert report.precision_one_fp == pytest.approx(0.01 / (0.01 + 0.2 * 0.99), abs=1e-4)


@pytest.mark.parametrize(
    ("target", "prevalence", "expected"),
    [
        # above 0.7 (the best negative) two offers and no false positive: precision 1
        (0.9, 0.01, (0.8, 2 / 3, 0)),
        # at 50% prevalence, threshold 0.3 takes every offer and one of five negatives:
        # .5 / (.5 + .2 * .5) = 0.833 >= 0.8
        (0.8, 0.5, (0.3, 1.0, 1)),
    ],
)
def test_operating_point_is_the_most_recall_at_the_target(target, prevalence, expected) -> None:
    op = evaluate(
        TRUTH, SCORES, threshold=0.5, prevalence=prevalence, target_precision=target
    ).operating_point
    assert op is not None
    assert (op.threshold, op.recall, op.false_positives) == (
        expected[0],
        round(expected[1], 4),
        expected[2],
    )
    assert op.precision_at_prevalence >= target


def test_no_operating_point_when_the_best_score_is_a_negative() -> None:
    report = evaluate([False, True], [0.9, 0.1], threshold=0.5, prevalence=0.01)
    assert report.operating_point is None


def test_tied_scores_are_one_threshold() -> None:
    # a threshold of 0.5 takes both documents: precision 1/2 at 50% prevalence, never 1
    report = evaluate([True, False], [0.5, 0.5], threshold=0.5, prevalence=0.5)
    assert report.operating_point is None


def test_operating_point_keeps_the_highest_cut_for_the_same_recall() -> None:
    # recall 1/3 is not exact in 4 decimals: a lower cut with the same recall and more
    # false positives must not win on a rounding difference
    y = [1, 0, 0, 1, 1] + [0] * 997
    scores = [0.9, 0.8, 0.7, 0.0, 0.0] + [0.0] * 997
    op = evaluate(
        [bool(v) for v in y], scores, threshold=0.5, prevalence=0.5, target_precision=0.9
    ).operating_point
    assert op is not None and (op.threshold, op.false_positives) == (0.9, 0)


def test_operating_point_threshold_reproduces_the_point() -> None:
    scores = [0.12346, 0.01, 0.0]
    op = evaluate([True, False, False], scores, threshold=0.5, prevalence=0.5).operating_point
    assert op is not None and op.recall == 1.0
    assert sum(s >= op.threshold for s in scores) == 1  # the offer, and nothing else
