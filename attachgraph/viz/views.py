"""Which part of the causal graph a map or an export shows, and the story told through it.

Ready-made views (``view=``):

``whole``
    every concept with a causal link, plus every intervention and level of care;
``core``
    the core mechanism: the paths (at most 6 links) from inconsistent caregiving to substance
    use as external regulation, and the loops through substance use;
``cycle``
    the reinforcing cycle: every loop through substance use as external regulation;
``recovery``
    the concepts of the recovery-phase claims and the links among them;
``treatment``
    interventions, levels of care and therapeutic processes, and what they act on.

``focus=`` (a concept and ``steps``) or ``between=`` (two concepts) choose the concepts instead
of a view; ``phase=`` then keeps only the links of one life phase, and ``min_grade=`` only the
links whose evidence reaches a rank of the ontology's evidence scale (:func:`resolve_grade`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import analysis
from ..errors import MapError
from ..namespaces import AG
from .styles import SIGN_WORD, source_mark

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MAX_MAP_NODES", "VIEWS", "Selection", "StoryStep", "grade_label", "resolve_grade", "select", "story_steps"]

VIEWS: dict[str, str] = {
    "whole": "the whole causal map",
    "core": "the core mechanism: from inconsistent caregiving to substance use and its loops",
    "cycle": "the reinforcing cycle around substance use",
    "recovery": "what the source says happens in recovery",
    "treatment": "where treatment acts",
}
#: A map above this many concepts is no classroom map: narrow it with ``focus``.
MAX_MAP_NODES = 2000
#: The anchors of the ready-made views and the default story.
CAREGIVING = AG + "InconsistentCaregiving"
SUBSTANCE_USE = AG + "SubstanceUseAsExternalRegulation"
ATTACHMENT_TRAUMA = AG + "AttachmentTrauma"
RELAPSE_RISK = AG + "RelapseRisk"
_PHASES = ("early development", "active use", "recovery", "treatment")


@dataclass
class Selection:
    """The concepts and links one map shows, and how they were chosen."""

    nodes: list[str]
    edges: list[tuple[str, str]]
    description: str
    view: str
    focus: str | None = None
    between: tuple[str, str] | None = None
    paths: list[analysis.SignedPath] = field(default_factory=list)
    phase: str | None = None
    hidden: list[str] = field(default_factory=list)
    min_grade: int | None = None


@dataclass
class StoryStep:
    """One step of a story: a caption and the links and concepts it adds."""

    title: str
    caption: str
    nodes: list[str]
    edges: list[tuple[str, str]]


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label", node))


def _need(G: nx.DiGraph, iri: str, view: str) -> str:
    if iri not in G:
        raise MapError(
            f"the {view!r} view needs the concept {iri.removeprefix(AG)!r}, which this graph lacks; "
            "use --view whole, --focus CONCEPT or --path A B instead"
        )
    return iri


def _loops_through(G: nx.DiGraph, node: str) -> list[analysis.Loop]:
    return [loop for loop in analysis.find_loops(G) if node in loop.nodes]


def grade_label(G: nx.DiGraph, rank: int) -> str:
    """The label of an evidence rank on the graph's scale ("rank N" if the graph has no scale).

    Examples
    --------
    >>> import networkx as nx
    >>> grade_label(nx.DiGraph(), 5)
    'rank 5'
    """
    for grade in G.graph.get("evidence_scale", ()):
        if grade["rank"] == rank:
            return str(grade["label"])
    return f"rank {rank}"


def resolve_grade(G: nx.DiGraph, value: int | str) -> int:
    """Return the evidence rank named by ``value``: a rank, a grade label, its CURIE or a common name.

    The scale is the ontology's (``G.graph["evidence_scale"]``, from
    :func:`attachgraph.network.to_networkx`): ranks 0 (curator inference) to 7 (systematic
    review). Names are compared as a reader would (case, accents and hyphens ignored), and
    everyday names work as in extension tables: ``RCT``, ``cohort study``, ``meta-analysis``.

    Raises
    ------
    MapError
        For a name or rank that is not on the scale (the message lists the scale).

    Examples
    --------
    >>> import attachgraph
    >>> from attachgraph.network import to_networkx
    >>> G = to_networkx(attachgraph.load())
    >>> resolve_grade(G, "RCT"), resolve_grade(G, "cohort or case-control study"), resolve_grade(G, "2")
    (6, 5, 2)
    """
    from ..extend import _GRADE_ALIASES  # the everyday grade names that extension tables accept too
    from ..graph import normalize_name

    scale = list(G.graph.get("evidence_scale", ()))
    ranks = {int(g["rank"]) for g in scale} or set(range(8))
    names: dict[str, int] = {}
    for grade in scale:
        local = str(grade["iri"]).removeprefix(AG)
        for key in (grade["label"], local, local.removeprefix("grade-"), "ag:" + local, grade["iri"], *str(grade["label"]).split(" or ")):
            names.setdefault(normalize_name(str(key)), int(grade["rank"]))
    by_local = {str(g["iri"]).removeprefix(AG): int(g["rank"]) for g in scale}
    for alias, local in _GRADE_ALIASES.items():
        if local in by_local:
            names.setdefault(normalize_name(alias), by_local[local])
    raw = str(value).strip()
    text = normalize_name(raw)
    if raw.lstrip("+-").isdigit():  # a number is a rank, never a name ("-1" is not rank 1)
        if int(raw) in ranks:
            return int(raw)
    elif text in names:
        return names[text]
    listing = "; ".join(f"{g['rank']} {g['label']}" for g in scale) or "0 (weakest) to 7 (strongest)"
    raise MapError(f"unknown evidence grade {str(value)!r}; give a rank or a grade of the scale: {listing}")


def _view_nodes(G: nx.DiGraph, view: str) -> set[str]:
    if view == "whole":
        return {n for n in G if G.degree(n) > 0 or G.nodes[n].get("category") in analysis.INTERVENTION_CATEGORIES}
    if view in ("core", "cycle"):
        use = _need(G, SUBSTANCE_USE, view)
        nodes = {n for loop in _loops_through(G, use) for n in loop.nodes} | {use}
        if view == "core":
            start = _need(G, CAREGIVING, view)
            for path in analysis.signed_paths(G, start, use, max_length=6):
                nodes.update(path.nodes)
        return nodes
    if view == "recovery":
        return {n for u, v, d in G.edges(data=True) if d.get("phase") == "recovery" for n in (u, v)}
    if view == "treatment":
        return {n for u, v in G.edges() if G.nodes[u].get("stage") == "treatment" for n in (u, v)} | {
            n for n in G if G.nodes[n].get("category") in analysis.INTERVENTION_CATEGORIES
        }
    raise MapError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")


def select(
    G: nx.DiGraph,
    *,
    view: str = "whole",
    focus: str | None = None,
    steps: int = 2,
    between: tuple[str, str] | None = None,
    max_length: int = 6,
    phase: str | None = None,
    max_nodes: int = MAX_MAP_NODES,
    min_grade: int | str | None = None,
) -> Selection:
    """Choose the concepts and links to draw.

    ``min_grade`` (a rank or grade name, see :func:`resolve_grade`) keeps only the links whose
    evidence reaches it, and the concepts they join.

    Raises
    ------
    MapError
        For an unknown view, phase or grade, a path with no connection, a grade that leaves no
        link, or a selection above ``max_nodes`` concepts (the message suggests ``--focus``).
    UnknownConceptError
        When ``focus`` or a path end names no concept.
    """
    paths: list[analysis.SignedPath] = []
    focus_node = None
    if between is not None:
        a, b = (analysis.find_node(G, name) for name in between)
        paths = analysis.signed_paths(G, a, b, max_length=max_length)
        if not paths:
            raise MapError(
                f"no causal path of at most {max_length} links leads from {_label(G, a)!r} to {_label(G, b)!r}; "
                "try the reverse direction, a longer --max-length, or --focus"
            )
        nodes = {n for p in paths for n in p.nodes}
        description = f"causal paths from {_label(G, a)} to {_label(G, b)}"
        between = (a, b)
    elif focus is not None:
        focus_node = analysis.find_node(G, focus)
        nodes = analysis.neighbourhood(G, focus_node, steps)
        description = f"{_label(G, focus_node)} and what lies within {steps} step{'s' if steps != 1 else ''} of it"
    else:
        nodes = _view_nodes(G, view)
        description = VIEWS[view]
        if view == "recovery" and any(d.get("extension") for _, _, d in G.edges(data=True)):
            description = "what the claims say happens in recovery"  # the article's and the user's
    sub = G.subgraph(nodes)
    edges = sorted(sub.edges())
    if phase is not None:
        if phase not in _PHASES:
            raise MapError(f"unknown phase {phase!r}; choose one of: {', '.join(_PHASES)}")
        edges = [(u, v) for u, v in edges if G.edges[u, v].get("phase") == phase]
        keep = {n for e in edges for n in e} | ({focus_node} if focus_node else set())
        nodes = {n for n in nodes if n in keep}
        description += f" (links of the {phase} phase)"
    rank = None if min_grade is None else resolve_grade(G, min_grade)
    if rank is not None:
        before = edges
        edges = [(u, v) for u, v in edges if int(G.edges[u, v].get("grade_rank", 0)) >= rank]
        if before and not edges:
            best = max(int(G.edges[e].get("grade_rank", 0)) for e in before)
            raise MapError(
                f"no link of this map has evidence of at least {grade_label(G, rank)} (rank {rank}); the strongest here is "
                f"{grade_label(G, best)} (rank {best}): lower --min-grade, or add stronger evidence with an extension"
            )
        keep = {n for e in edges for n in e} | ({focus_node} if focus_node else set())
        nodes = {n for n in nodes if n in keep}
        if rank > min((int(G.edges[e].get("grade_rank", 0)) for e in before), default=rank):
            description += f" (evidence of at least {grade_label(G, rank)})"
    if len(nodes) > max_nodes:
        raise MapError(
            f"this map would draw {len(nodes):,} concepts, more than {max_nodes:,}: no classroom map; "
            "narrow it with --focus CONCEPT --steps N, --path A B or --phase"
        )
    hidden = sorted((n for n in G if n not in nodes and G.degree(n) == 0), key=lambda n: _label(G, n).casefold())
    return Selection(
        nodes=sorted(nodes, key=str),
        edges=edges,
        description=description,
        view=view if focus is None and between is None else ("focus" if focus is not None else "path"),
        focus=focus_node,
        between=between,
        paths=paths,
        phase=phase,
        hidden=hidden if view == "whole" and focus is None and between is None else [],
        min_grade=rank,
    )


# --- stories ---------------------------------------------------------------


def _edge_caption(G: nx.DiGraph, u: str, v: str) -> str:
    data = G.edges[u, v]
    where = ", ".join(data.get("locators", ()))
    grade = data.get("grade", "")
    sentence = f"{_label(G, u)} {SIGN_WORD[1 if data.get('sign', 1) > 0 else -1]} {_label(G, v)}."
    extra = f" {data['paraphrase']}" if data.get("paraphrase") else ""
    evidence = f" (source: {where}; {grade})" if where or grade else ""
    if data.get("extension"):
        evidence = f" (from your extension {source_mark(data.get('source_keys', ()))}: {where}; {grade})"
    return sentence + extra + evidence


def _path_steps(G: nx.DiGraph, path: analysis.SignedPath, intro: str = "") -> list[StoryStep]:
    steps = []
    for i, (u, v) in enumerate(path.edges):
        caption = _edge_caption(G, u, v)
        if i == 0 and intro:
            caption = f"{intro} {caption}"
        steps.append(StoryStep(f"{_label(G, u)} \N{RIGHTWARDS ARROW} {_label(G, v)}", caption, [u, v], [(u, v)]))
    return steps


def _loop_step(G: nx.DiGraph, loop: analysis.Loop) -> StoryStep:
    if loop.polarity == "reinforcing":
        meaning = "Every sign around it multiplies to +, so each turn pushes the same way: a vicious (or virtuous) circle."
    else:
        meaning = "One sign around it is \N{MINUS SIGN}, so the loop pushes back against change."
    caption = f"Loop {loop.id}, {loop.polarity}: {loop.name}, and back. {meaning}"
    return StoryStep(f"Loop {loop.id} ({loop.polarity})", caption, list(loop.nodes), loop.edges)


def _prefer(paths: list[analysis.SignedPath], G: nx.DiGraph, stage: str) -> analysis.SignedPath | None:
    """The shortest path through a concept of ``stage`` (else the shortest path)."""
    through = [p for p in paths if any(G.nodes[n].get("stage") == stage for n in p.nodes[1:-1])]
    ranked = sorted(through or paths, key=lambda p: (p.length, p.nodes))
    return ranked[0] if ranked else None


def story_steps(
    G: nx.DiGraph, selection: Selection, ranking: list[analysis.InterventionEffect] | None = None
) -> list[StoryStep]:
    """Return the story of a selection: along its first path, or the default core story.

    The default story follows the source's main line: inconsistent caregiving -> (the
    stress-system route) -> substance use; the loops through substance use, reinforcing first;
    how attachment trauma reaches relapse risk in recovery; and what the best-ranked
    intervention acts on (from ``ranking``, computed when not given). Steps whose links are
    not all on the map (left out by the view, ``phase`` or ``min_grade``) are left out.
    """
    shown = set(selection.nodes)
    links = set(selection.edges)
    if selection.paths:
        told = [p for p in selection.paths if set(p.edges) <= links]
        if not told:
            return []
        path = told[0]
        return _path_steps(G, path, f"A path of {path.length} links with a net sign of {'+' if path.sign > 0 else chr(0x2212)}.")
    steps: list[StoryStep] = []
    if CAREGIVING in shown and SUBSTANCE_USE in shown:
        route = _prefer(analysis.signed_paths(G, CAREGIVING, SUBSTANCE_USE, max_length=6), G, "neurobiology")
        if route and set(route.edges) <= links:
            steps += _path_steps(G, route, "It starts in early childhood.")
    if SUBSTANCE_USE in shown:
        for loop in _loops_through(G, SUBSTANCE_USE):
            if set(loop.edges) <= links:
                steps.append(_loop_step(G, loop))
    if ATTACHMENT_TRAUMA in shown and RELAPSE_RISK in shown:
        route = _prefer(analysis.signed_paths(G, ATTACHMENT_TRAUMA, RELAPSE_RISK, max_length=4), G, "psychology")
        if route and set(route.edges) <= links:
            steps += _path_steps(G, route, "Years later, in recovery:")
    if ranking is None:
        ranking = analysis.intervention_overlay(G, only=shown) if steps else []
    if steps and ranking and ranking[0].intervention in shown:
        best = ranking[0]
        targets = [v for v in best.acts_on if v in shown]
        if targets:
            loops = ", ".join(best.weakens) or "none of the loops"
            caption = (
                f"Treatment: {best.label} acts on {len(targets)} of these concepts and weakens {loops}. "
                "Switch on the intervention overlay to compare treatments."
            )
            steps.append(StoryStep(f"Treatment: {best.label}", caption, [best.intervention, *targets], [(best.intervention, v) for v in targets]))
    return steps
