"""Causal analysis: hand-worked graphs with known answers, networkx as an oracle, the real graph."""

from __future__ import annotations

import random

import networkx as nx
import pytest

import attachgraph
from attachgraph import analysis as A
from attachgraph.errors import QueryParameterError, UnknownConceptError
from attachgraph.namespaces import AG
from attachgraph.network import to_networkx


def signed(edges: list[tuple[str, str, int]], **labels: str) -> nx.DiGraph:
    G = nx.DiGraph()
    for u, v, s in edges:
        G.add_edge(u, v, sign=s)
    for node in G:
        G.nodes[node]["label"] = labels.get(node, node)
    return G


@pytest.fixture(scope="module")
def real(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


def iri(name: str) -> str:
    return AG + name


# --- paths -------------------------------------------------------------------


def test_paths_with_net_signs_shortest_first() -> None:
    """a->b->d (+ then -) is net -, a->c->d (- then -) net +, a->d direct +."""
    G = signed([("a", "b", 1), ("b", "d", -1), ("a", "c", -1), ("c", "d", -1), ("a", "d", 1)])
    paths = A.signed_paths(G, "a", "d")
    assert [(p.nodes, p.sign) for p in paths] == [(("a", "d"), 1), (("a", "b", "d"), -1), (("a", "c", "d"), 1)]
    assert paths[1].signs == (1, -1) and paths[1].length == 2
    assert paths[1].edges == [("a", "b"), ("b", "d")]
    assert paths[1].describe(G) == "a -(+)-> b -(-)-> d"


def test_path_length_bound_and_cap() -> None:
    """max_length drops longer paths; max_paths stops early."""
    G = signed([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("a", "d", -1)])
    assert [p.nodes for p in A.signed_paths(G, "a", "d", max_length=2)] == [("a", "d")]
    assert len(A.signed_paths(G, "a", "d", max_length=3)) == 2
    assert len(A.signed_paths(G, "a", "d", max_paths=1)) == 1
    assert A.signed_paths(G, "d", "a") == []


def test_paths_through_cycles_stay_simple() -> None:
    """A cycle on the way does not produce walks: each path visits a node once."""
    G = signed([("s", "x", 1), ("x", "y", 1), ("y", "x", 1), ("y", "t", -1)])
    assert [(p.nodes, p.sign) for p in A.signed_paths(G, "s", "t")] == [(("s", "x", "y", "t"), -1)]


def test_paths_match_networkx_on_random_graphs() -> None:
    """The pruned search finds exactly networkx's simple paths up to the bound."""
    rng = random.Random(7)
    for trial in range(25):
        base = nx.gnp_random_graph(9, 0.3, seed=trial, directed=True)
        G = nx.DiGraph()
        G.add_edges_from((str(u), str(v), {"sign": rng.choice((1, -1))}) for u, v in base.edges())
        G.add_nodes_from(str(n) for n in base)
        for cutoff in (2, 4):
            ours = {p.nodes for p in A.signed_paths(G, "0", "8", max_length=cutoff)}
            theirs = {tuple(p) for p in nx.all_simple_paths(G, "0", "8", cutoff=cutoff)}
            assert ours == theirs, (trial, cutoff)


def test_names_resolve_to_nodes() -> None:
    """Labels and synonyms work wherever a node is expected; unknown names suggest labels."""
    G = signed([("u", "r", 1)], u="Substance use", r="Temporary relief")
    G.nodes["u"]["synonyms"] = ["self-medication"]
    assert [p.nodes for p in A.signed_paths(G, "SELF-MEDICATION", "temporary relief")] == [("u", "r")]
    with pytest.raises(UnknownConceptError) as err:
        A.find_node(G, "temporary releif")
    assert "Temporary relief" in str(err.value)
    with pytest.raises(QueryParameterError):
        A.signed_paths(G, "u", "u")


def test_bad_bounds_and_signs_are_clear_errors() -> None:
    """A negative bound or a sign other than +1/-1 raises a named error."""
    G = signed([("a", "b", 1)])
    with pytest.raises(QueryParameterError, match="max_length"):
        A.signed_paths(G, "a", "b", max_length=-1)
    G.add_edge("b", "c", sign=0)
    with pytest.raises(QueryParameterError, match="sign"):
        A.signed_paths(G, "a", "c")


# --- neighbourhoods ----------------------------------------------------------


def test_upstream_downstream_distances() -> None:
    """Distances count links; the bound stops the search; the start is left out."""
    G = signed([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("x", "c", -1)])
    assert A.downstream(G, "a", 2) == {"b": 1, "c": 2}
    assert A.upstream(G, "d", 2) == {"c": 1, "b": 2, "x": 2}
    assert A.upstream(G, "a", 5) == {}
    assert A.neighbourhood(G, "c", 1) == {"b", "c", "d", "x"}


# --- loops -------------------------------------------------------------------


def test_loops_polarity_ids_and_names() -> None:
    """R: product of signs +; B: -; ids shortest first; names read from the hub."""
    G = signed(
        [("use", "relief", 1), ("relief", "use", 1), ("relief", "distress", -1), ("distress", "use", 1), ("use", "harm", 1), ("harm", "distress", 1)],
    )
    loops = A.find_loops(G)
    summary = [(lp.id, lp.polarity, lp.nodes, lp.signs) for lp in loops]
    assert summary == [
        ("R1", "reinforcing", ("use", "relief"), (1, 1)),
        ("R2", "reinforcing", ("use", "harm", "distress"), (1, 1, 1)),
        ("B1", "balancing", ("use", "relief", "distress"), (1, -1, 1)),
    ]
    assert loops[0].name == "use \N{LEFT RIGHT ARROW} relief"
    assert loops[1].name == "use \N{RIGHTWARDS ARROW} harm \N{RIGHTWARDS ARROW} distress"
    assert loops[2].edges == [("use", "relief"), ("relief", "distress"), ("distress", "use")]
    assert loops[2].sign == -1 and loops[2].length == 3


def test_self_loops_and_separate_components() -> None:
    """A self-loop is a loop of one; cycles in separate components are all found."""
    G = signed([("a", "a", -1), ("p", "q", 1), ("q", "p", -1), ("x", "y", 1), ("y", "z", 1), ("z", "x", 1)])
    loops = {(lp.polarity, frozenset(lp.nodes)) for lp in A.find_loops(G)}
    assert loops == {("balancing", frozenset("a")), ("balancing", frozenset("pq")), ("reinforcing", frozenset("xyz"))}
    assert A.find_loops(G)[0].name == "a feeds itself" or any(lp.name == "a feeds itself" for lp in A.find_loops(G))


def test_loop_length_bound() -> None:
    """A loop longer than max_length is not reported."""
    G = signed([("a", "b", 1), ("b", "c", 1), ("c", "d", 1), ("d", "a", 1), ("a", "c", 1), ("c", "a", 1)])
    assert {lp.length for lp in A.find_loops(G, max_length=3)} == {2, 3}
    assert {lp.length for lp in A.find_loops(G, max_length=4)} == {2, 3, 4}


def test_loops_match_networkx_on_random_graphs() -> None:
    """Every simple cycle up to the bound, each exactly once (networkx as the oracle)."""
    for trial in range(25):
        base = nx.gnp_random_graph(8, 0.35, seed=100 + trial, directed=True)
        G = nx.DiGraph()
        G.add_edges_from((u, v, {"sign": 1 if (u + v) % 3 else -1}) for u, v in base.edges())
        for bound in (3, 5):
            ours = [frozenset(lp.edges) for lp in A.find_loops(G, max_length=bound)]
            theirs = [
                frozenset(zip(c, c[1:] + c[:1])) for c in nx.simple_cycles(G, length_bound=bound)
            ]
            assert len(ours) == len(set(ours)) and set(ours) == set(theirs), (trial, bound)


def test_loop_ids_are_stable() -> None:
    """The same graph, built in another order, gets the same ids."""
    edges = [("a", "b", 1), ("b", "a", 1), ("b", "c", -1), ("c", "a", 1), ("c", "d", 1), ("d", "c", -1)]
    first = [(lp.id, lp.nodes) for lp in A.find_loops(signed(edges))]
    second = [(lp.id, lp.nodes) for lp in A.find_loops(signed(list(reversed(edges))))]
    assert first == second


# --- what-if -----------------------------------------------------------------


def test_what_if_directions_and_ambiguity() -> None:
    """Up through +, down through -, ambiguous where paths disagree; down flips everything."""
    G = signed([("a", "b", 1), ("a", "c", -1), ("b", "d", 1), ("c", "d", 1), ("d", "e", -1)])
    up = A.what_if(G, "a", "up")
    assert {n: e.direction for n, e in up.effects.items()} == {"b": "up", "c": "down", "d": "ambiguous", "e": "ambiguous"}
    assert (up.effects["d"].paths_up, up.effects["d"].paths_down, up.effects["d"].distance) == (1, 1, 2)
    down = A.what_if(G, "a", "down")
    assert {n: e.direction for n, e in down.effects.items()} == {"b": "down", "c": "up", "d": "ambiguous", "e": "ambiguous"}
    assert up.moved("up") == ["b"] and up.feedback is None


def test_what_if_feedback_through_loops() -> None:
    """A reinforcing loop amplifies the nudge, a balancing one counteracts it."""
    reinforcing = signed([("a", "b", 1), ("b", "a", 1)])
    balancing = signed([("a", "b", 1), ("b", "a", -1)])
    assert A.what_if(reinforcing, "a", "up").feedback.direction == "up"
    assert A.what_if(balancing, "a", "up").feedback.direction == "down"
    assert A.what_if(balancing, "a", "down").feedback.direction == "up"
    assert A.what_if(signed([("a", "b", 1)]), "b", "up").effects == {}


def test_what_if_bound_and_bad_nudge() -> None:
    """max_length limits how far the nudge travels; an unknown nudge is an error."""
    G = signed([("a", "b", 1), ("b", "c", 1), ("c", "d", 1)])
    assert set(A.what_if(G, "a", "up", max_length=2).effects) == {"b", "c"}
    assert A.what_if(G, "a", 1).nudge == "up" and A.what_if(G, "a", -1).nudge == "down"
    with pytest.raises(QueryParameterError):
        A.what_if(G, "a", "sideways")


# --- interventions -------------------------------------------------------------


def overlay_graph() -> nx.DiGraph:
    G = signed(
        [
            ("care", "trauma", 1), ("trauma", "fear", 1), ("fear", "relapse", 1),
            ("use", "relief", 1), ("relief", "use", 1), ("trauma", "use", 1),
            ("therapy", "fear", -1), ("training", "use", -1), ("support", "relief", 1), ("drug", "relapse", -1),
        ]
    )
    for node in ("therapy", "training", "support", "drug"):
        G.nodes[node]["category"] = "intervention"
    G.add_node("clinic", label="clinic", category="level of care")
    G.graph["care"] = [{"level": "clinic", "target": "therapy", "relation": "includes"}]
    return G


def test_intervention_effects_by_hand() -> None:
    """Weakened loops, interrupted paths and the ranking on a small worked example."""
    ranking = {r.intervention: r for r in A.intervention_overlay(overlay_graph(), source="care", target="relapse")}
    therapy, training, support, drug, clinic = (ranking[k] for k in ("therapy", "training", "support", "drug", "clinic"))
    # therapy lowers "fear", a mediator the chain care->trauma->fear->relapse pushes up
    assert [p.nodes for p in therapy.interrupts] == [("care", "trauma", "fear", "relapse")]
    assert therapy.weakens == () and therapy.lowers_target
    # training lowers "use", a member of R1 (use <-> relief)
    assert training.weakens == ("R1",) and training.interrupts == () and training.acts_on == {"use": -1}
    # support raises a loop member: that does not weaken the loop
    assert support.weakens == () and support.reach == {"relief": "up", "use": "up"}
    assert drug.lowers_target and drug.interrupts == ()
    # a level of care acts through what it includes
    assert clinic.acts_on == {"therapy": 1} and len(clinic.interrupts) == 1
    order = [r.intervention for r in A.intervention_overlay(overlay_graph(), source="care", target="relapse")]
    assert order[:2] == ["clinic", "therapy"]  # same score (one path, lowers relapse): ties go by label
    assert order.index("training") < order.index("drug") < order.index("support")
    assert [r.rank for r in A.intervention_overlay(overlay_graph(), source="care", target="relapse")] == [1, 2, 3, 4, 5]


def test_intervention_overlay_without_a_chain() -> None:
    """Missing endpoints skip the path part instead of failing."""
    results = A.intervention_overlay(overlay_graph(), source="nothing like this", target=None)
    assert all(r.interrupts == () and not r.lowers_target for r in results)


# --- the real graph ------------------------------------------------------------


def loop_with(loops: list[A.Loop], *names: str) -> A.Loop:
    members = {iri(n) for n in names}
    return next(lp for lp in loops if set(lp.nodes) == members)


def test_real_graph_loops(real: nx.DiGraph) -> None:
    """The source's cycle: relief reinforces use, relief calms distress, use erodes attachment."""
    loops = A.find_loops(real)
    relief = loop_with(loops, "SubstanceUseAsExternalRegulation", "TemporaryRelief")
    assert relief.polarity == "reinforcing" and relief.id.startswith("R")
    calming = loop_with(loops, "SubstanceUseAsExternalRegulation", "TemporaryRelief", "EmotionalDistress")
    assert calming.polarity == "balancing" and calming.id.startswith("B")
    assert real.edges[iri("TemporaryRelief"), iri("EmotionalDistress")]["sign"] == -1
    eroding = loop_with(loops, "EmotionalDistress", "SubstanceUseAsExternalRegulation", "DeterioratingAttachmentCapacity")
    assert eroding.polarity == "reinforcing"
    assert all(iri("SubstanceUseAsExternalRegulation") in lp.nodes for lp in loops)  # the hub of the cycle
    assert all(lp.nodes[0] == iri("SubstanceUseAsExternalRegulation") for lp in loops)  # names read from it


def test_real_graph_paths_from_caregiving(real: nx.DiGraph) -> None:
    """Inconsistent caregiving reaches substance use, among others through the HPA axis, all net +."""
    paths = A.signed_paths(real, "inconsistent caregiving", "substance use as external regulation")
    assert paths and all(p.sign == 1 for p in paths)
    assert any(iri("HPAAxisDysregulation") in p.nodes for p in paths)
    relapse = A.signed_paths(real, "inconsistent caregiving", "relapse risk", max_length=8)
    assert relapse and all(p.nodes[-1] == iri("RelapseRisk") for p in relapse)


def test_real_graph_what_if(real: nx.DiGraph) -> None:
    """More substance use: more relief and dependence; distress is ambiguous (relief calms it)."""
    result = A.what_if(real, "substance use as external regulation", "up")
    assert result.effects[iri("TemporaryRelief")].direction == "up"
    assert result.effects[iri("SubstanceDependence")].direction == "up"
    assert result.effects[iri("EmotionalDistress")].direction == "ambiguous"
    assert result.feedback is not None and result.feedback.paths_up >= 3 and result.feedback.paths_down >= 1


def test_real_graph_interventions(real: nx.DiGraph) -> None:
    """Attachment-informed treatment weakens the relief loop and lowers relapse risk."""
    ranking = A.intervention_overlay(real)
    by_label = {r.label: r for r in ranking}
    best = by_label["attachment-informed addiction treatment"]
    relief = loop_with(A.find_loops(real), "SubstanceUseAsExternalRegulation", "TemporaryRelief")
    assert relief.id in best.weakens and best.lowers_target
    assert best.acts_on[iri("RelapseRisk")] == -1
    assert by_label["emotional regulation training"].weakens  # through distress tolerance and dysregulation
    assert {r.label for r in ranking} >= {"motivational interviewing", "residential treatment", "self-management"}
    assert ranking.index(best) < 3
