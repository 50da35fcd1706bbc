"""The link graph exports read back in networkx (what Gephi and friends will read)."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest

from narcwatch.errors import UsageError
from narcwatch.link import Linker, link_graph, render_graph


@pytest.fixture
def graph(market):
    store, ids = market
    Linker(store).link()
    return link_graph(store), ids


@pytest.mark.parametrize(
    ("fmt", "read"),
    [
        ("graphml", lambda t: nx.read_graphml(io.BytesIO(t.encode()))),
        ("gexf", lambda t: nx.read_gexf(io.BytesIO(t.encode()))),
        ("json", lambda t: nx.node_link_graph(json.loads(t), edges="edges")),
    ],
)
def test_formats_round_trip(graph, fmt, read):
    g, ids = graph
    back = read(render_graph(g, fmt))
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    node = back.nodes[f"doc:{ids['w1']}"]
    assert node["kind"] == "document" and node["actor"].startswith("A")


def test_selector_nodes_carry_their_status(graph):
    g, _ = graph
    statuses = {d["label"]: d["status"] for _, d in g.nodes(data=True) if d["kind"] == "selector"}
    assert statuses["bc1qescrowmarketwallet"] == "market"
    assert statuses["bc1qsharedvendorwallet"] == "linking"


def test_unknown_format_lists_the_valid_ones(graph):
    with pytest.raises(UsageError, match="unknown --format") as err:
        render_graph(graph[0], "dot")
    assert "gexf" in str(err.value.options)
