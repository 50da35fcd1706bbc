"""``narcwatch eval``: measure the offer decision on labelled data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer

from narcwatch.cli.app import app
from narcwatch.errors import UsageError


@app.command("eval")
def eval_command(
    inputs: list[str] = typer.Argument(..., help="Labelled JSONL/CSV files (or directories)."),
    labels: str = typer.Option(..., "--labels", help="Field holding the label of each record."),
    positive: str = typer.Option(
        ",".join(sorted(["1", "true", "yes", "offer", "illegal", "positive"])),
        "--positive",
        help="Comma-separated label values that mean 'offer' (case-insensitive).",
    ),
    text_field: str | None = typer.Option(None, "--text-field", help="Field(s) with the text."),
    input_format: str | None = typer.Option(None, "--input-format", "-i", help="Force a format."),
    threshold: float | None = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Decision threshold (default: the model's)."
    ),
    prevalence: float = typer.Option(
        0.01, "--prevalence", min=1e-6, max=1.0, help="Offer share for precision-at-prevalence."
    ),
    target_precision: float = typer.Option(
        0.9,
        "--target-precision",
        min=0.0,
        max=1.0,
        help="Report the threshold with the most recall that reaches this precision at "
        "--prevalence.",
    ),
    group: str | None = typer.Option(
        None, "--group", help="Field to break errors down by (source, language, kind...)."
    ),
    plots: Path | None = typer.Option(None, "--plots", help="Write PR and reliability PNGs here."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Analyse with N processes."),
) -> None:
    """Precision, recall and F1 per class, macro-F1, ROC-AUC, confusion matrix and precision
    at a given prevalence of the offer decision on labelled data; PR and reliability plots."""
    if fmt not in ("table", "json"):
        raise UsageError(f"unknown --format {fmt!r}", value=fmt, options=("table", "json"))
    from rich.console import Console
    from rich.table import Table

    from narcwatch.ingest.base import ReadOptions
    from narcwatch.jobs.context import Context
    from narcwatch.jobs.evaluate import eval_job

    ctx = Context.build(needs_home=False, threshold=threshold, jobs=jobs)
    report = eval_job(
        ctx,
        inputs,
        labels=labels,
        positives=positive.split(","),
        read_options=ReadOptions(
            text_fields=[f.strip() for f in text_field.split(",")] if text_field else None
        ),
        input_format=input_format,
        prevalence=prevalence,
        target_precision=target_precision,
        group=group,
        plots=plots,
        on_error=lambda err: typer.echo(f"narcwatch: {err}", err=True),
    )
    if fmt == "json":
        typer.echo(json.dumps(report.to_json_dict(), indent=2))
        return
    console = Console()
    table = Table("class", "precision", "recall", "F1", "support", title="offer decision")
    for name, c in report.classes.items():
        table.add_row(name, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
    console.print(table)
    (tn, fp), (fn, tp) = report.confusion
    auc = f"{report.roc_auc:.3f}" if report.roc_auc is not None else "n/a"
    at = report.precision_at_prevalence
    console.print(
        f"documents {report.documents} ({report.positives} offers), threshold {report.threshold}\n"
        f"macro-F1 {report.macro_f1:.3f}, ROC-AUC {auc}\n"
        f"confusion: TN {tn}  FP {fp}  FN {fn}  TP {tp}\n"
        f"precision at {report.prevalence:g} prevalence: {at if at is not None else 'n/a'}\n"
        f"calibration: Brier {report.brier:.4f}, ECE {report.ece:.4f}"
    )
    if report.precision_one_fp is not None:
        console.print(
            f"with {tn + fp} negatives, one false positive already caps precision at "
            f"{report.prevalence:g} prevalence at {report.precision_one_fp}"
        )
    if (op := report.operating_point) is not None:
        console.print(
            f"precision >= {op.target:g} at {report.prevalence:g} prevalence: threshold "
            f"{math.floor(op.threshold * 1e6) / 1e6:g}, recall {op.recall:.3f}, "
            f"{op.false_positives} false positives "
            "(chosen on these data: optimistic)"
        )
    elif 0 < report.positives < report.documents:  # with one class there is no curve
        console.print(
            f"no threshold reaches precision {target_precision:g} at {report.prevalence:g} "
            "prevalence on these data"
        )
    if report.groups:
        table = Table(group or "", "documents", "offers", "flagged", "FP", "FN", "recall")
        for name, g in report.groups.items():
            recall = f"{g.recall:.3f}" if g.recall is not None else "-"
            table.add_row(
                name,
                str(g.documents),
                str(g.offers),
                str(g.flagged),
                str(g.false_positives),
                str(g.false_negatives),
                recall,
            )
        console.print(table)
    for path in report.plots:
        console.print(f"wrote {path}")
