"""Actors: the list, one actor's graph, timeline and evidence, and link verdicts (the
same jobs as ``narcwatch actors`` and ``narcwatch link reject/restore``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from narcwatch.jobs.link import list_actors, reject_link, restore_link, show_actor
from narcwatch.web.base import WebRoute, posted, state, user
from narcwatch.web.charts import actor_graph
from narcwatch.web.session import WebUser
from narcwatch.web.views import render

router = APIRouter(route_class=WebRoute)
Me = Annotated[WebUser, Depends(user)]


@router.get("/actors")
def actors(request: Request, who: Me) -> Response:
    listing = list_actors(state(request).ctx, top=100, visibility=who.caller.visibility)
    return render(request, "actors.html", user=who, nav="actors", listing=listing)


@router.get("/actors/{actor_id}")
def actor(request: Request, who: Me, actor_id: str) -> Response:
    detail = show_actor(state(request).ctx, actor_id, visibility=who.caller.visibility)
    if detail.id != actor_id:  # merged into another: its survivor's page
        return RedirectResponse(f"/actors/{detail.id}", status_code=303)
    return render(request, "actor.html", user=who, nav="actors", actor=detail,
                  graph=actor_graph(detail))  # fmt: skip


@router.post("/links")
def verdict(
    request: Request,
    who: Me,
    selector: Annotated[str, Form(max_length=1100)],
    action: Annotated[str, Form(pattern=r"^(reject|restore)$")],
    csrf: Annotated[str, Form(max_length=100)] = "",
    scope: Annotated[str, Form(max_length=256)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/actors",
) -> Response:
    """Reject a selector as a wrong link (with a reason) or restore it."""
    posted(request, who, csrf)
    ctx = state(request).ctx
    platform, vis = scope or None, who.caller.visibility
    if action == "reject":
        reject_link(ctx, selector, platform=platform, reason=reason, analyst=who.email,
                    visibility=vis)  # fmt: skip
    else:
        restore_link(ctx, selector, platform=platform, analyst=who.email, visibility=vis)
    target = back if back.startswith("/actors") else "/actors"
    return RedirectResponse(target, status_code=303)
