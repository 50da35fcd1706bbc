"""Who is reading, and what they may see: the one argument every repository read takes.

``Visibility()`` (no organisation: a local analyst's own home, or the admin commands)
sees everything. On the sharing server it names the caller's organisation, role and the
sharing groups the organisation belongs to, and the rules below decide which incidents
it sees. The rules are data, written once (:data:`AUDIENCES`); :func:`may_see` reads
them for one incident and the store's SQL clause (``store.incidents``) is built from the
same table, so the two cannot disagree (a test checks every case against both).

TLP 2.0, with sharing groups:

=============  ===========================================================
CLEAR, GREEN   every organisation on the server
AMBER          the owner and the sharing group's members; with no group,
               every organisation on the server (AMBER is "limited
               disclosure", and the server's members are the community)
AMBER+STRICT   the owner and the sharing group's members; with no group,
               the owner only (STRICT: the organisation only)
RED            the owner only (a sharing group does not widen RED)
=============  ===========================================================

The home's own *findings* (scan results, documents, captures, actors, selectors,
reviews, the dashboards' series) belong to one organisation, the server's *home
organisation* (``narcwatch serve --home-org``): only its callers (``home``, set where
callers are authenticated) and ``Visibility()`` see them; every other caller sees none
(:func:`sees_findings`, which every store read over findings asks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from narcwatch.errors import NotFoundError

__all__ = ["AUDIENCES", "Audience", "Visibility", "may_see", "require_findings", "sees_findings"]


class Audience(StrEnum):
    """Who, besides nobody, an incident at a TLP level reaches."""

    OWNER = "owner"  # the owning organisation
    GROUP = "group"  # members of the incident's sharing group, when it names one
    SERVER = "server"  # every organisation on the server
    SERVER_IF_NO_GROUP = "server_if_no_group"  # everyone, unless a group narrows it


AUDIENCES: dict[str, frozenset[Audience]] = {
    "CLEAR": frozenset({Audience.SERVER}),
    "GREEN": frozenset({Audience.SERVER}),
    "AMBER": frozenset({Audience.OWNER, Audience.GROUP, Audience.SERVER_IF_NO_GROUP}),
    "AMBER+STRICT": frozenset({Audience.OWNER, Audience.GROUP}),
    "RED": frozenset({Audience.OWNER}),
}


@dataclass(frozen=True, slots=True)
class Visibility:
    """The caller: organisation (None: sees everything), role, the sharing groups its
    organisation is a member of, and whether it is the home organisation (the one whose
    findings the home holds; False unless the authentication said so)."""

    organisation: str | None = None
    role: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    home: bool = False

    @property
    def everything(self) -> bool:
        return self.organisation is None


def may_see(vis: Visibility | None, *, tlp: str, org: str, group: str | None) -> bool:
    """Whether ``vis`` may see an incident of ``org`` at ``tlp`` shared with ``group``."""
    if vis is None or vis.organisation is None:
        return True
    audiences = AUDIENCES.get(tlp, frozenset({Audience.OWNER}))  # unknown: most restricted
    return (
        (Audience.SERVER in audiences)
        or (Audience.OWNER in audiences and org == vis.organisation)
        or (Audience.GROUP in audiences and group is not None and group in vis.groups)
        or (Audience.SERVER_IF_NO_GROUP in audiences and group is None)
    )


def sees_findings(vis: Visibility | None) -> bool:
    """Whether ``vis`` may see the home's findings: everything (``Visibility()``, the local
    analyst) or a caller of the home organisation; any other organisation sees none."""
    return vis is None or vis.organisation is None or vis.home


def require_findings(vis: Visibility | None, what: str) -> None:
    """Refuse a caller outside the home organisation one item of the findings (a
    document, a capture, a selector's link) as not found: never "forbidden", which would
    tell that it exists."""
    if not sees_findings(vis):
        raise NotFoundError(f"no {what}")
