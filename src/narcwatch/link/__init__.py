"""The link stage: documents grouped into actors by the selectors they share."""

from narcwatch.link.actors import Actor, ActorGraph, build_actors

__all__ = ["Actor", "ActorGraph", "build_actors"]
