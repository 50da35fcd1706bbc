"""The crawl job: fetch, archive, analyse and store pages, then link them into actors.

The archive root, the chain of custody, the store and the analysis executor (region,
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
    from narcwatch.analyze.executors import Executor
    from narcwatch.crawl.analysis import ExecutorFactory

__all__ = ["crawl_job", "executor_factory"]


def executor_factory(ctx: Context) -> ExecutorFactory:
    """What builds the crawl's analysis executor from the context's settings: the pipeline
    in this process for 0 workers, else that many worker processes, started with spawn
    (the crawler's process holds an event loop and open files, which fork would copy)."""

    def build(workers: int) -> Executor:
        if workers <= 0:
            return ctx.executor(jobs=1, processes=False)
        return ctx.executor(jobs=workers, processes=True, start_method="spawn")

    return build


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
    with ctx.open_store() as store:
        summary = run_crawl(
            store,
            seeds,
            settings,
            archive=ctx.archive_root,
            custody=ctx.custody(),
            executor=executor_factory(ctx),
            profiles=ctx.profiles_dir,
            job=job,
            resume=resume,
            overrides=overrides,
            progress=progress,
        )
        if link and summary.pages:
            from narcwatch.link import Linker

            summary.linked = Linker(store, kb=ctx.kb).link().summary()
    return summary
