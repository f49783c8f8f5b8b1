"""The layout: left to right by stage, loops drawn as rings, reproducible to the pixel."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

import attachgraph
from attachgraph.namespaces import AG
from attachgraph.network import STAGES, to_networkx
from attachgraph.viz.layout import compute_layout


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg, include_isolated=False)


def test_stages_run_left_to_right(G: nx.DiGraph) -> None:
    """Every concept of an earlier stage sits left of every concept of a later stage."""
    positions = compute_layout(G).positions
    ring = {n for n in nx.strongly_connected_components(G) if len(n) > 1 for n in n}
    for a in G:
        for b in G:
            sa, sb = STAGES.index(G.nodes[a]["stage"]), STAGES.index(G.nodes[b]["stage"])
            if sa < sb and a not in ring and b not in ring:
                assert positions[a][0] < positions[b][0], (G.nodes[a]["label"], G.nodes[b]["label"])


def test_the_cycle_is_a_ring_around_its_hub(G: nx.DiGraph) -> None:
    """Substance use (on every loop) is the hub; the other loop members stand on one circle."""
    layout = compute_layout(G)
    [(cx, cy, radius, members)] = layout.rings
    assert members[0] == AG + "SubstanceUseAsExternalRegulation"
    assert layout.positions[members[0]] == (cx, cy)
    for node in members[1:]:
        x, y = layout.positions[node]
        assert abs(math.hypot(x - cx, y - cy) - radius) <= 1.5


def test_no_two_concepts_overlap(G: nx.DiGraph) -> None:
    """Concepts in one column keep a minimum distance; different columns are far apart."""
    positions = list(compute_layout(G).positions.values())
    for i, (x1, y1) in enumerate(positions):
        for x2, y2 in positions[i + 1 :]:
            assert abs(x1 - x2) >= 150 or abs(y1 - y2) >= 48, ((x1, y1), (x2, y2))


def test_same_graph_same_pixels(G: nx.DiGraph) -> None:
    """Building the graph in another order changes nothing."""
    edges = list(G.edges(data=True))
    random.Random(3).shuffle(edges)
    H = nx.DiGraph()
    nodes = list(G.nodes(data=True))
    random.Random(4).shuffle(nodes)
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    assert compute_layout(H) == compute_layout(G)


def test_secondary_layer_goes_around_the_base() -> None:
    """Overlay nodes do not push base nodes around: they go below or to the right."""
    G = nx.DiGraph()
    G.add_node("c", stage="early caregiving", label="c")
    G.add_node("u", stage="behaviour", label="u")
    G.add_node("t", stage="treatment", label="t")
    G.add_node("s", stage="behaviour", label="s")
    G.add_edges_from([("c", "u"), ("t", "s"), ("s", "u")])
    with_layer = compute_layout(G, secondary={"t"}).positions
    assert with_layer["t"][0] > max(with_layer[n][0] for n in "cus")


def test_big_columns_are_staggered() -> None:
    """A column of many concepts splits into staggered sub-columns when max_rows is small."""
    G = nx.DiGraph()
    G.add_node("root", stage="early caregiving")
    for i in range(12):
        G.add_node(f"n{i:02}", stage="psychology")
        G.add_edge("root", f"n{i:02}")
    xs = {compute_layout(G, max_rows=6).positions[f"n{i:02}"][0] for i in range(12)}
    assert len(xs) == 2
    assert len({compute_layout(G, max_rows=20).positions[f"n{i:02}"][0] for i in range(12)}) == 1


def test_unknown_stages_and_empty_graphs() -> None:
    """A concept without a known stage goes to the middle; an empty graph gives an empty layout."""
    G = nx.DiGraph()
    G.add_node("x", stage="my own stage")
    G.add_node("y", stage="early caregiving")
    positions = compute_layout(G).positions
    assert positions["y"][0] < positions["x"][0]
    assert compute_layout(nx.DiGraph()).positions == {}
