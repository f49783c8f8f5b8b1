"""Which concepts each view, focus, path and phase shows, and the stories told through them."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import attachgraph
from attachgraph.analysis import find_loops
from attachgraph.errors import MapError, UnknownConceptError
from attachgraph.namespaces import AG
from attachgraph.network import to_networkx
from attachgraph.viz.views import VIEWS, grade_label, resolve_grade, select, story_steps


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


# --- strength of evidence --------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extension" / "extension.ttl"


@pytest.fixture(scope="module")
def extended() -> nx.DiGraph:
    return to_networkx(attachgraph.load([EXAMPLE]))


def test_grades_resolve_by_rank_label_and_everyday_name(G: nx.DiGraph) -> None:
    """A grade is named by its rank, its label (or part of it), its CURIE, or a name extension tables accept."""
    assert [resolve_grade(G, r) for r in (0, "7", " 5 ")] == [0, 7, 5]
    assert resolve_grade(G, "cohort or case-control study") == resolve_grade(G, "Cohort study") == 5
    assert resolve_grade(G, "case-control study") == 5 and resolve_grade(G, "ag:grade-expert-opinion") == 2
    assert resolve_grade(G, "RCT") == resolve_grade(G, "randomized controlled trial") == 6
    assert resolve_grade(G, "meta-analysis") == 7 and resolve_grade(G, "narrative claim") == 1
    assert grade_label(G, 4) == "cross-sectional study"
    for bad in ("strong", "8", "-1", ""):
        with pytest.raises(MapError, match="0 curator inference from a narrative source; 1 claim"):
            resolve_grade(G, bad)


def test_min_grade_keeps_only_strong_enough_links(extended: nx.DiGraph) -> None:
    """min_grade drops weaker links and the concepts left without one; the description says so."""
    everything = select(extended)
    strong = select(extended, min_grade="cohort study")
    assert strong.min_grade == 5 and "evidence of at least cohort or case-control study" in strong.description
    assert strong.edges and all(extended.edges[e]["grade_rank"] >= 5 for e in strong.edges)
    assert set(strong.edges) == {e for e in everything.edges if extended.edges[e]["grade_rank"] >= 5}
    assert set(strong.nodes) == {n for e in strong.edges for n in e}
    assert all(extended.edges[e]["extension"] for e in strong.edges)  # the article's claims are all rank 0 or 1
    lowest = select(extended, min_grade=0)
    assert lowest.edges == everything.edges and lowest.description == everything.description
    focus = select(extended, focus="sleep disruption", min_grade=4)
    assert "urn:attachgraph:user:SleepDisruption" in focus.nodes and all(extended.edges[e]["grade_rank"] >= 4 for e in focus.edges)


def test_min_grade_that_leaves_nothing_is_an_error(G: nx.DiGraph) -> None:
    """On the bundled graph (claims of a narrative source at best), --min-grade 2 leaves no link: a clear error."""
    with pytest.raises(MapError, match=r"no link of this map has evidence of at least expert opinion \(rank 2\).*lower --min-grade"):
        select(G, min_grade=2)
    assert len(select(G, min_grade=1).edges) == sum(1 for *_, d in G.edges(data=True) if d["grade_rank"] >= 1)


def test_story_steps_use_only_links_on_the_map(G: nx.DiGraph, extended: nx.DiGraph) -> None:
    """Every step of every story names links that the map draws, whatever the filters."""
    for graph, options in (
        (G, {}),
        (G, {"view": "core"}),
        (G, {"min_grade": 1}),
        (G, {"phase": "active use"}),
        (extended, {}),
        (extended, {"min_grade": 4}),
        (G, {"between": ("inconsistent caregiving", "relapse risk"), "min_grade": 1}),
    ):
        selection = select(graph, **options)
        for step in story_steps(graph, selection):
            assert set(step.edges) <= set(selection.edges) | {
                (u, v) for u, v in step.edges if graph.nodes[u].get("category") in ("intervention", "level of care")
            }, (options, step.title)


def test_extension_links_tell_their_source_in_the_story(extended: nx.DiGraph) -> None:
    """A story through a user's claim says it comes from the extension, with the citation number."""
    selection = select(extended, between=("attachment trauma", "relapse risk"), max_length=2, min_grade=4)
    steps = story_steps(extended, selection)
    assert steps and "from your extension [" in steps[0].caption and "Table 2" in steps[0].caption
