"""The link stage: stored documents grouped into actors by the selectors they share.

    from narcwatch.link import Linker, list_actors, show_actor
    Linker(store).link()           # incremental: only documents not linked yet
    list_actors(store, top=20)     # Actor results, with the evidence for every link

Pipeline: ``keys`` (which hits link) -> ``linker`` (incremental grouping, merges, splits,
with ``cluster``) -> ``review`` (analyst verdicts) / ``rebuild`` (everything again) ->
``view`` and ``export``. This package holds the algorithms; the store's repositories
(:mod:`narcwatch.store.link_state`, :mod:`narcwatch.store.actors`) hold the SQL, and the
jobs (:mod:`narcwatch.jobs.link`) are what front doors call.
"""

from narcwatch.link.export import link_graph, render_graph
from narcwatch.link.keys import LinkKey, parse_key
from narcwatch.link.linker import Linker, LinkResult
from narcwatch.link.rebuild import rebuild
from narcwatch.link.review import reject, restore
from narcwatch.link.view import (
    find_selector,
    history,
    list_actors,
    non_linking,
    resolve_actor,
    show_actor,
)

__all__ = [
    "LinkKey",
    "LinkResult",
    "Linker",
    "find_selector",
    "history",
    "link_graph",
    "list_actors",
    "non_linking",
    "parse_key",
    "rebuild",
    "reject",
    "render_graph",
    "resolve_actor",
    "restore",
    "show_actor",
]
