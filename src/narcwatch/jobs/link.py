"""Jobs of the link stage: link stored documents into actors, read actors back, record
analysts' verdicts. Every front door calls these with a :class:`Context`::

    ctx = Context.build(home="~/cases/op-lotus", create=False)
    listing = list_actors(ctx, top=20)          # ActorListing
    verdict = reject_link(ctx, "btc:bc1q...", reason="exchange wallet")

Reads take the caller's :class:`~narcwatch.store.visibility.Visibility` (None: all) and,
with ``link_pending`` (the default), first link what was stored since the last run, so
what they return is never stale.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from narcwatch.jobs.context import Context
from narcwatch.link import Linker, parse_key, view
from narcwatch.link import rebuild as rebuild_all
from narcwatch.link import reject as reject_key
from narcwatch.link import restore as restore_key
from narcwatch.link.export import FORMATS as GRAPH_FORMATS
from narcwatch.link.export import link_graph, render_graph
from narcwatch.link.linker import MAX_SELLERS, MAX_VENDORS
from narcwatch.render.records import check_format
from narcwatch.results.actors import (
    ActorDetail,
    ActorListing,
    LinkEvent,
    LinkRunSummary,
    LinkVerdict,
    SelectorOccurrence,
)
from narcwatch.store import Store
from narcwatch.store.visibility import Visibility, require_findings, sees_findings

__all__ = [
    "GRAPH_FORMATS",
    "export_actors",
    "link_history",
    "link_job",
    "list_actors",
    "reject_link",
    "restore_link",
    "search_selector",
    "show_actor",
]


def link_job(
    ctx: Context,
    *,
    rebuild: bool = False,
    max_vendors: int = MAX_VENDORS,
    max_sellers: int = MAX_SELLERS,
    max_platforms: int | None = None,
    all_documents: bool = False,
    store: Store | None = None,
    progress: Callable[[int], None] | None = None,
) -> LinkRunSummary:
    """Link the documents not linked yet (all of them again with ``rebuild``). ``store``:
    an open store of ``ctx`` to use (a scan that just stored), else one is opened.
    ``all_documents``: documents with no drug relevance may be in actors too;
    ``max_platforms``: the former name of ``max_sellers``."""
    with _store(ctx, store) as open_store:
        linker = Linker(
            open_store,
            max_vendors=max_vendors,
            max_sellers=max_sellers,
            max_platforms=max_platforms,
            all_documents=all_documents,
            kb=ctx.kb,
        )
        return rebuild_all(linker) if rebuild else linker.link(progress=progress)


def list_actors(
    ctx: Context,
    *,
    top: int = 20,
    visibility: Visibility | None = None,
    link_pending: bool = True,
) -> ActorListing:
    """The ``top`` actors, and the selectors that link nobody."""
    with _reading(ctx, link_pending and sees_findings(visibility)) as store:
        return ActorListing(
            actors=view.list_actors(store, top=top, visibility=visibility),
            not_linking=view.non_linking(store, kb=ctx.kb, visibility=visibility),
        )


def show_actor(
    ctx: Context,
    actor_id: str,
    *,
    visibility: Visibility | None = None,
    link_pending: bool = True,
) -> ActorDetail:
    """One actor with all its evidence (a merged actor's id leads to its survivor); not
    found for a caller outside the home organisation."""
    require_findings(visibility, f"actor {actor_id!r}")
    with _reading(ctx, link_pending) as store:
        return view.show_actor(store, actor_id, visibility=visibility)


def export_actors(
    ctx: Context,
    fmt: str,
    *,
    actor_id: str | None = None,
    visibility: Visibility | None = None,
    link_pending: bool = True,
) -> str:
    """The link graph (of one actor, or all) as GraphML, GEXF or node-link JSON."""
    check_format(fmt, GRAPH_FORMATS)
    if actor_id is not None:
        require_findings(visibility, f"actor {actor_id!r}")
    with _reading(ctx, link_pending and sees_findings(visibility)) as store:
        graph = link_graph(store, actor_id=actor_id, visibility=visibility)
    return render_graph(graph, fmt)


def search_selector(
    ctx: Context,
    value: str,
    *,
    visibility: Visibility | None = None,
    link_pending: bool = True,
) -> list[SelectorOccurrence]:
    """Every stored document a selector value appears in, with its actor."""
    with _reading(ctx, link_pending and sees_findings(visibility)) as store:
        return view.find_selector(store, value, visibility=visibility)


def link_history(
    ctx: Context, *, limit: int = 50, visibility: Visibility | None = None
) -> list[LinkEvent]:
    """Merges, splits, verdicts and rebuilds, newest first."""
    with ctx.open_store() as store:
        return view.history(store, limit=limit, visibility=visibility)


def reject_link(
    ctx: Context,
    selector: str,
    *,
    platform: str | None = None,
    reason: str = "",
    analyst: str = "",
    visibility: Visibility | None = None,
) -> LinkVerdict:
    """Mark ``TYPE:VALUE`` as a wrong link: it stops linking, the actor holding it is
    split again from its other evidence, and the verdict survives re-runs and rebuilds.
    Not found for a caller outside the home organisation (the links are its findings)."""
    require_findings(visibility, f"selector {selector!r}")
    key = parse_key(selector, platform=platform)
    with ctx.open_store() as store:
        result = reject_key(Linker(store, kb=ctx.kb), key, reason=reason, analyst=analyst)
    return LinkVerdict(
        key=key.label,
        type=key.type,
        value=key.value,
        scope=key.scope,
        verdict="reject",
        reason=reason,
        analyst=analyst,
        splits=result.splits,
        merges=result.merges,
    )


def restore_link(
    ctx: Context,
    selector: str,
    *,
    platform: str | None = None,
    analyst: str = "",
    visibility: Visibility | None = None,
) -> LinkVerdict:
    """Withdraw a rejection: the selector links again, merging the actors carrying it
    (not found for a caller outside the home organisation)."""
    require_findings(visibility, f"selector {selector!r}")
    key = parse_key(selector, platform=platform)
    with ctx.open_store() as store:
        result = restore_key(Linker(store, kb=ctx.kb), key, analyst=analyst)
    return LinkVerdict(
        key=key.label,
        type=key.type,
        value=key.value,
        scope=key.scope,
        verdict="restore",
        analyst=analyst,
        splits=result.splits,
        merges=result.merges,
    )


@contextmanager
def _store(ctx: Context, store: Store | None) -> Iterator[Store]:
    if store is not None:
        yield store
        return
    with ctx.open_store() as opened:
        yield opened


@contextmanager
def _reading(ctx: Context, link_pending: bool) -> Iterator[Store]:
    """The store, with what was stored since the last run linked first (cheap when
    nothing was)."""
    with ctx.open_store() as store:
        if link_pending:
            Linker(store, kb=ctx.kb).link()
        yield store
