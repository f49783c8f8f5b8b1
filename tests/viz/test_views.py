"""Which concepts each view, focus, path and phase shows, and the stories told through them."""

from __future__ import annotations

import networkx as nx
import pytest

import attachgraph
from attachgraph.analysis import find_loops
from attachgraph.errors import MapError, UnknownConceptError
from attachgraph.namespaces import AG
from attachgraph.network import to_networkx
from attachgraph.viz.views import VIEWS, select, story_steps


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


def labels(G: nx.DiGraph, nodes: list[str]) -> set[str]:
    return {G.nodes[n]["label"] for n in nodes}


def test_cycle_view_is_exactly_the_loops(G: nx.DiGraph) -> None:
    """The cycle view shows the members of the loops through substance use, and their links."""
    selection = select(G, view="cycle")
    members = {n for lp in find_loops(G) if AG + "SubstanceUseAsExternalRegulation" in lp.nodes for n in lp.nodes}
    assert set(selection.nodes) == members
    assert set(selection.edges) == set(G.subgraph(members).edges())


def test_core_view_follows_the_main_line(G: nx.DiGraph) -> None:
    """Caregiving, the HPA axis, dysregulation, substance use and the relief loop are in the core."""
    shown = labels(G, select(G, view="core").nodes)
    assert {"inconsistent caregiving", "HPA-axis dysregulation", "emotional dysregulation", "temporary relief"} <= shown
    assert "motivational interviewing" not in shown


def test_recovery_and_treatment_views(G: nx.DiGraph) -> None:
    """Recovery shows the recovery-phase claims; treatment every intervention and level of care."""
    recovery = select(G, view="recovery")
    assert "relapse risk" in labels(G, recovery.nodes)
    assert any(G.edges[e]["phase"] == "recovery" for e in recovery.edges)
    treatment = labels(G, select(G, view="treatment").nodes)
    expected = {G.nodes[n]["label"] for n in G if G.nodes[n]["category"] in ("intervention", "level of care")}
    assert expected <= treatment


def test_whole_view_leaves_out_only_unlinked_concepts(G: nx.DiGraph) -> None:
    """The whole view draws every linked concept and every intervention; the rest are listed."""
    selection = select(G)
    assert set(selection.edges) == set(G.edges())
    assert set(selection.hidden) == {n for n in G if n not in selection.nodes}
    assert all(G.degree(n) == 0 for n in selection.hidden)


def test_focus_path_and_phase(G: nx.DiGraph) -> None:
    """Focus takes N steps both ways; a path view keeps its paths; phase filters links."""
    focus = select(G, focus="temporary relief", steps=1)
    assert focus.focus == AG + "TemporaryRelief" and focus.view == "focus"
    assert labels(G, focus.nodes) == {"temporary relief", "substance use as external regulation", "emotional distress"}
    path = select(G, between=("inconsistent caregiving", "relapse risk"), max_length=6)
    assert path.paths and all(p.nodes[0] == AG + "InconsistentCaregiving" for p in path.paths)
    phase = select(G, phase="recovery")
    assert phase.edges and all(G.edges[e]["phase"] == "recovery" for e in phase.edges)


def test_errors_name_the_problem(G: nx.DiGraph) -> None:
    """Unknown views, phases and concepts, missing paths and oversized maps are clear errors."""
    with pytest.raises(MapError, match="unknown view"):
        select(G, view="everything")
    with pytest.raises(MapError, match="unknown phase"):
        select(G, phase="adolescence")
    with pytest.raises(UnknownConceptError):
        select(G, focus="no such concept at all")
    with pytest.raises(MapError, match="no causal path"):
        select(G, between=("relapse risk", "inconsistent caregiving"))
    with pytest.raises(MapError, match="--focus"):
        select(G, max_nodes=20)
    assert set(VIEWS) == {"whole", "core", "cycle", "recovery", "treatment"}


def test_views_need_their_anchor_concepts() -> None:
    """On a user graph without the anchors, a ready-made view says what to use instead."""
    G = nx.DiGraph()
    G.add_edge("a", "b", sign=1)
    with pytest.raises(MapError, match="--focus"):
        select(G, view="core")


def test_default_story_tells_the_main_line(G: nx.DiGraph) -> None:
    """Caregiving -> HPA axis -> ... -> substance use, then the loops, recovery and treatment."""
    steps = story_steps(G, select(G))
    first = steps[0]
    assert first.edges[0][0] == AG + "InconsistentCaregiving" and "early childhood" in first.caption
    assert any(AG + "HPAAxisDysregulation" in s.nodes for s in steps[:3])
    loop_steps = [s for s in steps if s.title.startswith("Loop")]
    assert loop_steps and loop_steps[0].title.endswith("(reinforcing)")
    assert any(s.edges and s.edges[-1][1] == AG + "RelapseRisk" for s in steps)
    assert steps[-1].title.startswith("Treatment")
    for step in steps:
        assert all(G.has_edge(*e) for e in step.edges) and step.caption


def test_path_story_and_no_story(G: nx.DiGraph) -> None:
    """A path view tells its shortest path, one step per link; the cycle view has only loops."""
    selection = select(G, between=("inconsistent caregiving", "substance use"))
    steps = story_steps(G, selection)
    assert [s.edges[0] for s in steps] == selection.paths[0].edges
    cycle = story_steps(G, select(G, view="cycle"))
    loops = [lp for lp in find_loops(G) if AG + "SubstanceUseAsExternalRegulation" in lp.nodes]
    assert [s.title for s in cycle] == [f"Loop {lp.id} ({lp.polarity})" for lp in loops]
    assert story_steps(G, select(G, view="treatment")) == []
