"""``narcwatch scan --cluster``: the scan's front door to the cluster job (imported only
when a cluster scan runs: dask and pyarrow stay out of the CLI's start)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.jobs.cluster import ClusterStart
    from narcwatch.jobs.context import Context
    from narcwatch.results.scan import ScanSummary

_UNITS = {"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def parse_size(text: str) -> int:
    """``16MB`` -> bytes (KB, MB, GB are powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", text.upper())
    if not match or float(match[1]) <= 0:
        raise UsageError(f"--partition-size {text!r}: a size such as 512KB, 16MB or 1GB")
    unit = match[2] if match[2] in _UNITS else match[2] + "B"
    return max(1, int(float(match[1]) * _UNITS[unit]))


def cluster_scan(
    ctx: Context,
    inputs: Sequence[str],
    *,
    cluster: str,
    resume: str | None,
    partition_size: str,
    output_parquet: Path | None,
    quiet: bool,
    **scan: Any,
) -> ScanSummary:
    try:
        from narcwatch.cluster.engine import parse_cluster
        from narcwatch.jobs.cluster import cluster_scan_job
    except ImportError as exc:
        raise UsageError(
            f"--cluster needs dask and pyarrow ({exc.name} is missing): "
            "pip install 'narcwatch[cluster]'"
        ) from None
    parse_cluster(cluster)  # a bad spec fails before the inputs are planned

    def started(info: ClusterStart) -> None:
        if quiet:
            return
        again = f", {info.resumed:,} finished before" if info.resumed else ""
        typer.echo(
            f"narcwatch scan: run {info.run}: {info.partitions:,} partitions{again} on "
            f"{info.threads} worker threads; stopped, it goes on with --resume {info.run}",
            err=True,
        )
        where = info.dashboard or "not served (pip install bokeh)"
        typer.echo(f"narcwatch scan: Dask dashboard {where}", err=True)

    return cluster_scan_job(
        ctx,
        inputs,
        cluster=cluster,
        resume=resume,
        partition_bytes=parse_size(partition_size),
        output_parquet=output_parquet,
        on_start=started,
        **scan,
    )
