"""The eval job: measure the offer decision on labelled data (``narcwatch eval``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from narcwatch.analyze.pipeline import Pipeline
from narcwatch.errors import InputError, UsageError
from narcwatch.ingest.base import ReadOptions
from narcwatch.jobs.context import Context
from narcwatch.jobs.scan import analyze_inputs
from narcwatch.results.evaluate import EvalReport

__all__ = ["eval_job"]


def eval_job(
    ctx: Context,
    inputs: Sequence[str],
    *,
    labels: str,
    positives: Collection[str],
    read_options: ReadOptions | None = None,
    input_format: str | None = None,
    prevalence: float = 0.01,
    target_precision: float = 0.9,
    group: str | None = None,
    plots: Path | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> EvalReport:
    """Analyse labelled records with the context's pipeline and score its offer decision.

    ``labels`` is the field holding each record's label; a value in ``positives``
    (compared case-insensitively) means "offer". The decision threshold is the pipeline's
    (``ctx`` threshold or prevalence settings, else the model's)."""
    from narcwatch.evaluate.metrics import evaluate, write_plots

    wanted = {p.strip().casefold() for p in positives if p.strip()}
    truth: list[bool] = []
    scores: list[float] = []
    groups: list[str] = []
    unlabelled = 0
    pipeline = ctx.pipeline()
    stream = analyze_inputs(ctx, inputs, input_format=input_format, read_options=read_options)
    for item in stream:
        if isinstance(item, InputError):
            if on_error is not None:
                on_error(item)
            continue
        value = (item.doc.fields or {}).get(labels)
        if value is None:
            unlabelled += 1
            continue
        truth.append(value.strip().casefold() in wanted)
        scores.append(item.offer_score)
        if group is not None:
            # an input field, else a document attribute the reader filled (platform, lang)
            value = (item.doc.fields or {}).get(group) or getattr(item.doc, group, None)
            groups.append(str(value) if value else "(none)")
    if not truth:
        raise UsageError(f"no record has the label field {labels!r}", value=labels)
    report = evaluate(
        truth,
        scores,
        threshold=_threshold(pipeline),
        prevalence=prevalence,
        groups=groups if group else None,
        target_precision=target_precision,
    )
    report.unlabelled = unlabelled
    if plots is not None:
        report.plots = [str(p) for p in write_plots(truth, scores, plots)]
    return report


def _threshold(pipeline: Pipeline) -> float:
    """The offer threshold the pipeline decides with."""
    offer = pipeline.component("offer")
    return float(offer.p.threshold)  # type: ignore[attr-defined]
