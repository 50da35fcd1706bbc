"""``narcwatch crawl``: crawl sites politely and safely, archiving every page as evidence.

Thin: the work is :func:`narcwatch.jobs.crawl.crawl_job` (crawl, archive, analyse, store,
link); this parses flags, builds the Context and prints the summary.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from narcwatch.cli.app import app, fail
from narcwatch.cli.options import CONFIG, DB, HOME, KB, PREVALENCE, REGION, THRESHOLD
from narcwatch.crawl.config import DEFAULT_USER_AGENT, MIB, CrawlSettings
from narcwatch.errors import UsageError

if TYPE_CHECKING:
    from narcwatch.crawl.summary import CrawlProgress


def _read_seeds(seeds: list[str], seeds_file: Path | None) -> list[str]:
    out = [s.strip() for s in seeds if s.strip()]
    if seeds_file is not None:
        try:
            lines = seeds_file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"cannot read --seeds-file {seeds_file}: {exc.strerror}") from None
        out += [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return out


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Callable[[CrawlProgress], None] | None]:
    """A rich progress display (pages, pages/s, errors, queue) when stderr is a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [
        SpinnerColumn(),
        TextColumn("[bold]crawling[/] {task.completed:,} pages"),
        TextColumn("{task.fields[rate]:.1f}/s  {task.fields[errors]} errors"),
        TextColumn("{task.fields[queued]:,} queued"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("crawl", total=None, rate=0.0, errors=0, queued=0)

        def update(p: CrawlProgress) -> None:
            bar.update(task, completed=p.pages, rate=p.rate, errors=p.errors, queued=p.queued)

        yield update


@app.command("crawl")
def crawl_command(
    seeds: list[str] = typer.Argument(None, help="Start URLs (http/https)."),
    seeds_file: Path | None = typer.Option(None, "--seeds-file", help="File of start URLs."),
    job: str | None = typer.Option(None, "--job", help="Name of the job (default: dated)."),
    resume: str | None = typer.Option(None, "--resume", help="Continue the job named JOB."),
    same_host: bool = typer.Option(
        True, "--same-host/--any-host", help="Stay on the seeds' hosts (default) or not."
    ),
    allow_host: list[str] = typer.Option([], "--allow-host", help="Another host to crawl."),
    include: list[str] = typer.Option([], "--include", help="Only URLs matching REGEX."),
    exclude: list[str] = typer.Option([], "--exclude", help="Never URLs matching REGEX."),
    max_depth: int | None = typer.Option(None, "--max-depth", min=0, help="Link depth limit."),
    max_pages: int | None = typer.Option(None, "--max-pages", min=1, help="Pages to archive."),
    time_limit: float | None = typer.Option(None, "--time-limit", min=0, help="Seconds."),
    focus: bool = typer.Option(False, "--focus", help="Follow likely drug-offer links first."),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Requests at once."),
    per_host: int = typer.Option(2, "--per-host", min=1, help="Requests at once per host."),
    delay: float = typer.Option(1.0, "--delay", min=0, help="Seconds between a host's requests."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Do not obey robots.txt."),
    proxy: str | None = typer.Option(
        None, "--proxy", help="Proxy URL, e.g. socks5h://127.0.0.1:9050 (needed for .onion)."
    ),
    allow_address: list[str] = typer.Option(
        [], "--allow-address", help="Private IP or CIDR the crawler may connect to."
    ),
    user_agent: str = typer.Option(DEFAULT_USER_AGENT, "--user-agent", help="User-Agent header."),
    max_bytes: int = typer.Option(10 * MIB, "--max-bytes", min=1, help="Body limit (bytes)."),
    analysis_workers: int = typer.Option(
        0, "--analysis-workers", min=0, help="Processes analysing pages (0: in this one)."
    ),
    commit_every: int = typer.Option(
        32, "--commit-every", min=1, help="Pages per commit (1: each page, nothing refetched)."
    ),
    region: str | None = REGION,
    threshold: float | None = THRESHOLD,
    prevalence: float | None = PREVALENCE,
    no_link: bool = typer.Option(
        False, "--no-link", help="Store without linking into actors (run `narcwatch link` later)."
    ),
    home: Path | None = HOME,
    db: str | None = DB,
    config: Path | None = CONFIG,
    kb: Path | None = KB,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
) -> None:
    """Crawl web sites (or .onion sites through --proxy), archive every page in WARC files
    under HOME/archive/JOB with a chain of custody, analyse each page like `narcwatch scan`
    (--region, --threshold and --prevalence as for scan), store the findings and link the
    new documents into actors unless --no-link. Private, loopback and link-local addresses
    are refused unless --allow-address names them; robots.txt is obeyed unless
    --ignore-robots.

    A crawl stopped by Ctrl-C or a limit continues with `--resume JOB`, fetching nothing
    it archived; after a hard kill (SIGKILL, power loss) at most the last --commit-every
    pages are fetched again.
    """
    from narcwatch.crawl.safety import UnsafeURLError

    try:
        seed_list = _read_seeds(seeds or [], seeds_file)
        if resume and job:
            raise UsageError("--job and --resume exclude each other")
        settings = CrawlSettings(
            same_host=same_host,
            hosts=list(allow_host),
            include=list(include),
            exclude=list(exclude),
            max_depth=max_depth,
            max_pages=max_pages,
            time_limit=time_limit,
            focus=focus,
            concurrency=concurrency,
            per_host=per_host,
            delay=delay,
            ignore_robots=ignore_robots,
            proxy=proxy,
            allow_addresses=list(allow_address),
            user_agent=user_agent,
            max_bytes=max_bytes,
            analysis_workers=analysis_workers,
            commit_every=commit_every,
        )
        _check_options(settings, seed_list)
    except (UsageError, UnsafeURLError) as exc:
        raise fail(str(exc), 2) from None
    if not quiet:
        logging.basicConfig(level=logging.WARNING, format="narcwatch: warning: %(message)s")

    from narcwatch.jobs.context import Context
    from narcwatch.jobs.crawl import crawl_job

    ctx = Context.build(
        home=home,
        db=db,
        config_file=config,
        region=region,
        threshold=threshold,
        prevalence=prevalence,
        kb_dir=kb,
    )
    overrides = _overrides(max_pages, time_limit, max_depth) if resume else None
    show = not quiet and sys.stderr.isatty()
    with _progress_bar(show) as bar:
        try:
            summary = crawl_job(
                ctx,
                seed_list,
                None if resume else settings,
                job=job,
                resume=resume,
                overrides=overrides,
                progress=bar,
                link=not no_link,
            )
        except UsageError as exc:
            raise fail(str(exc), 2) from None
    if not quiet:
        for sample in summary.error_samples[:5]:
            typer.echo(f"narcwatch: {sample.url}: {sample.error}", err=True)
        typer.echo(f"narcwatch crawl: {summary.line()}", err=True)
        if summary.linked:
            typer.echo(f"narcwatch link: {summary.linked}", err=True)
    if summary.pages == 0 and not resume:
        raise fail("no page could be fetched", 1)


def _check_options(settings: CrawlSettings, seeds: list[str]) -> None:
    from narcwatch.crawl.safety import AddressPolicy, is_hidden_service
    from narcwatch.crawl.scope import Scope, host_of

    AddressPolicy.build(settings.allow_addresses, settings.proxy)
    for seed in seeds:
        if is_hidden_service(host_of(seed)) and not settings.proxy:
            raise UsageError(
                f"{seed}: {host_of(seed)} is a hidden service and needs --proxy "
                "(e.g. --proxy socks5h://127.0.0.1:9050)"
            )
    Scope.build([], include=settings.include, exclude=settings.exclude)
    if settings.proxy and not settings.proxy.startswith(
        ("socks5://", "socks5h://", "http://", "https://")
    ):
        raise UsageError("--proxy must be a socks5h://, socks5:// or http:// URL")


def _overrides(
    max_pages: int | None, time_limit: float | None, max_depth: int | None
) -> dict[str, object]:
    """Limits given again with --resume replace the job's stored ones."""
    values = {"max_pages": max_pages, "time_limit": time_limit, "max_depth": max_depth}
    return {k: v for k, v in values.items() if v is not None}
