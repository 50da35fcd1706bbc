"""The link stage: stored documents grouped into actors by the selectors they share.

    from narcwatch.link import Linker, list_actors, show_actor
    Linker(store).link()           # incremental: only documents not linked yet
    list_actors(store, top=20)     # Actor objects, with the evidence for every link

Pipeline: ``keys`` (which hits link) -> ``linker`` (incremental union, merges, splits) ->
``review`` (analyst verdicts) / ``rebuild`` (everything again) -> ``view`` and ``export``.
"""

from narcwatch.link.export import link_graph, render_graph
from narcwatch.link.keys import LinkKey, parse_key
from narcwatch.link.linker import Linker, LinkResult
from narcwatch.link.rebuild import rebuild
from narcwatch.link.review import reject, restore
from narcwatch.link.view import Actor, Link, find_selector, list_actors, non_linking, show_actor

__all__ = [
    "Actor",
    "Link",
    "LinkKey",
    "LinkResult",
    "Linker",
    "find_selector",
    "link_graph",
    "list_actors",
    "non_linking",
    "parse_key",
    "rebuild",
    "reject",
    "render_graph",
    "restore",
    "show_actor",
]
