"""Jobs: what narcwatch does, as functions over one explicit :class:`Context`.

Every front door (the CLI, the sharing server, the web UI, a cluster driver) builds a
Context and calls these; none holds job logic of its own::

    from narcwatch.jobs import Context
    from narcwatch.jobs.scan import scan_job

    ctx = Context.build(home="~/cases/op-lotus", region="FR")
    result = scan_job(ctx, ["dump/"], on_finding=print)

Modules: ``scan`` (scan, store, link), ``importer`` (archive files as evidence, then
scan), ``crawl`` (fetch, archive, analyse, store, link), ``link`` (actors and verdicts),
``evidence`` (show, export, verify), ``report`` and ``evaluate``. Each returns typed
results (:mod:`narcwatch.results`). The import graph runs one way: front doors -> jobs ->
(ingest, analyze, link, crawl, evidence) -> store.
"""

from narcwatch.jobs.context import Context, PipelineSettings

__all__ = ["Context", "PipelineSettings"]
