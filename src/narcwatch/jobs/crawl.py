"""The crawl job: fetch, archive, analyse and store pages, then link them into actors.

The archive root, the chain of custody, the store and the analysis pipeline (region,
threshold, knowledge base: the same as ``scan``) all come from the Context::

    ctx = Context.build(home="~/cases/op-lotus", region="FR")
    summary = crawl_job(ctx, ["https://example.org/"], CrawlSettings(max_pages=50))
    summary = crawl_job(ctx, [], resume=summary.job, overrides={"max_pages": 500})

The crawl itself (politeness, safety, batching, resume) is :mod:`narcwatch.crawl`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from narcwatch.crawl.config import CrawlSettings
from narcwatch.crawl.jobs import run_crawl
from narcwatch.crawl.summary import CrawlSummary, ProgressFn
from narcwatch.jobs.context import Context

if TYPE_CHECKING:
    from narcwatch.crawl.analysis import PipelineFactory

__all__ = ["crawl_job", "pipeline_factory"]


def pipeline_factory(ctx: Context, *, in_process: bool = False) -> PipelineFactory:
    """What builds the crawl's analysis pipeline from the context's settings. Unless the
    crawl analyses ``in_process`` (then the context's own, with its knowledge base), it is
    picklable and carries no loaded knowledge base, so that analysis workers (separate
    processes) each build their own once."""
    if in_process:
        return ctx.pipeline
    fresh = Context(
        home=ctx.home,
        database_url=ctx.database_url,
        pipeline_settings=ctx.pipeline_settings,
        kb_dir=ctx.kb_dir,
    )
    return fresh.pipeline


def crawl_job(
    ctx: Context,
    seeds: Sequence[str],
    settings: CrawlSettings | None = None,
    *,
    job: str | None = None,
    resume: str | None = None,
    overrides: dict[str, object] | None = None,
    progress: ProgressFn | None = None,
    link: bool = True,
) -> CrawlSummary:
    """Run (or ``resume``) a crawl to its end or a limit, archiving under the context's
    archive root, then link the documents it stored into actors (unless ``link`` is
    false). ``overrides`` change stored settings of a resumed job."""
    # A resumed job's settings are the stored ones: its workers are not known here.
    in_process = settings is not None and settings.analysis_workers == 0 and not resume
    with ctx.open_store() as store:
        summary = run_crawl(
            store,
            seeds,
            settings,
            archive=ctx.archive_root,
            custody=ctx.custody(),
            pipeline=pipeline_factory(ctx, in_process=in_process),
            job=job,
            resume=resume,
            overrides=overrides,
            progress=progress,
        )
        if link and summary.pages:
            from narcwatch.link import Linker

            summary.linked = Linker(store).link().summary()
    return summary
