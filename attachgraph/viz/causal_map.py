"""The interactive causal map: one self-contained HTML file that works offline.

:func:`draw_causal_map` draws a signed causal graph (from :func:`attachgraph.network.to_networkx`)
with pyvis-built vis-network records, fixed positions computed in Python
(:mod:`attachgraph.viz.layout`) and our own template, which inlines every script and style:
the file makes no request to any host, and a Content-Security-Policy in the page forbids it.

The page has a details panel (click, or Enter on a selected concept), a list of feedback loops
that highlights each one, an intervention overlay, search by label or synonym, focus on a
concept's neighbourhood, a story mode (Next / Back), what-if marks, keyboard navigation, a text
version (narrative, link table, loops, ranking) for screen readers and print, and the
not-medical-advice line. Every text from the graph is escaped.

Examples
--------
>>> import attachgraph
>>> from attachgraph.network import to_networkx
>>> m = draw_causal_map(to_networkx(attachgraph.load()), view="cycle")
>>> m.html.startswith("<!DOCTYPE html>") and 'src="http' not in m.html
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import analysis
from .._io import atomic_write_text
from .._version import __version__
from ..network import STAGES
from . import styles
from .layout import compute_layout
from .views import MAX_MAP_NODES, Selection, StoryStep, select, story_steps

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CausalMap", "draw_causal_map", "render_causal_map"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Bound of the what-if paths precomputed for every concept of the map.
WHATIF_LENGTH = 5
_WHATIF_PATHS = 20_000


@dataclass
class CausalMap:
    """A rendered causal map: the HTML page and the data drawn in it.

    Display it in Jupyter (JupyterLab, VS Code, classic notebook) by leaving it as the last
    expression of a cell; save it with :meth:`write`.
    """

    html: str
    title: str
    selection: Selection
    nodes: list[dict[str, Any]] = field(repr=False)
    edges: list[dict[str, Any]] = field(repr=False)
    loops: list[analysis.Loop] = field(repr=False)
    story: list[StoryStep] = field(repr=False)

    def __repr__(self) -> str:
        return f"<CausalMap {self.title!r}: {len(self.nodes)} concepts, {len(self.edges)} links, {len(self.loops)} loops>"

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` atomically and return the path."""
        target = Path(path)
        atomic_write_text(target, self.html)
        return target

    def _repr_html_(self) -> str:
        # an iframe with srcdoc keeps the page's scripts and styles apart from the notebook's
        # and works in JupyterLab, VS Code and the classic notebook (a file-path IFrame does not)
        return (
            f'<iframe title="{html.escape(self.title)}" srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width:100%;height:760px;border:1px solid #ccc" sandbox="allow-scripts allow-popups"></iframe>'
        )


@cache
def _template_text(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "<", ">", "&" or line separators)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


# --- vis records -----------------------------------------------------------


def vis_options() -> dict[str, Any]:
    """The vis-network options shared by every node and link (per-item records stay small)."""
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {"hover": True, "keyboard": False, "navigationButtons": False, "multiselect": False, "dragNodes": False, "tooltipDelay": 200, "zoomSpeed": 0.6},
        "nodes": {
            "shape": "box",
            "fixed": True,
            "physics": False,
            "font": {"face": styles.FONT_FAMILY, "size": 17, "color": styles.TEXT},
            "margin": {"top": 8, "bottom": 8, "left": 10, "right": 10},
            "widthConstraint": {"maximum": styles.LABEL_WIDTH},
            "scaling": {"label": {"drawThreshold": 3}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 1.15}},
            "selectionWidth": 2.5,
            "hoverWidth": 1,
            "smooth": False,
            "font": {
                "face": styles.FONT_FAMILY,
                "size": 30,
                "strokeWidth": 8,
                "strokeColor": styles.BACKGROUND,
                "align": "horizontal",
                "multi": "html",
                "bold": {"size": 34, "face": styles.FONT_FAMILY, "mod": "bold"},
            },
            "scaling": {"label": {"drawThreshold": 3}},
        },
    }


def _node_record(G: nx.DiGraph, node: str, xy: tuple[int, int]) -> dict[str, Any]:
    data = G.nodes[node]
    style = styles.node_style(str(data.get("stage", "psychology")), str(data.get("category", "")))
    return {
        "id": node,
        "label": str(data.get("label", node)),
        "shape": "box",
        "x": xy[0],
        "y": xy[1],
        "borderWidth": style.border_width,
        "borderWidthSelected": style.border_width + 3,
        "shapeProperties": {"borderRadius": style.radius},
        "color": {
            "background": style.fill,
            "border": style.border,
            "highlight": {"background": style.fill, "border": styles.TEXT},
            "hover": {"background": style.fill, "border": styles.TEXT},
        },
    }


def _smooth(u: str, v: str, positions: dict[str, tuple[int, int]], G: nx.DiGraph, ring_of: dict[str, int]) -> dict[str, Any]:
    (x1, y1), (x2, y2) = positions[u], positions[v]
    if G.has_edge(v, u):
        return {"enabled": True, "type": "curvedCW", "roundness": 0.2}
    if u in ring_of and ring_of.get(u) == ring_of.get(v):
        return {"enabled": False}
    if x2 < x1 - 20:  # a link running back against the causal order (treatment, feedback)
        return {"enabled": True, "type": "curvedCCW", "roundness": 0.22 if x1 - x2 < 700 else 0.1}
    if abs(x2 - x1) <= 20:  # same column: bow out so the line does not run through neighbours
        return {"enabled": True, "type": "curvedCW", "roundness": 0.35}
    return {"enabled": False}


def _edge_record(G: nx.DiGraph, u: str, v: str, edge_id: str, smooth: dict[str, Any]) -> dict[str, Any]:
    data = G.edges[u, v]
    style = styles.edge_style(int(data.get("sign", 1)), int(data.get("grade_rank", 1)))
    return {
        "id": edge_id,
        "from": u,
        "to": v,
        "label": f"<b>{style.glyph}</b>",
        "color": {"color": style.colour, "highlight": style.colour, "hover": style.colour, "inherit": False},
        "width": style.width,
        "dashes": [9, 7] if style.dashed else False,
        "font": {"color": style.colour, "bold": {"color": style.colour}},
        "smooth": smooth,
    }


def _care_records(G: nx.DiGraph, shown: set[str], start: int) -> list[dict[str, Any]]:
    """Grey dotted "includes" links from a level of care to what it includes (overlay only)."""
    records = []
    pairs = sorted({(c["level"], c["target"]) for c in G.graph.get("care", ()) if c.get("relation") == "includes"})
    for i, (level, target) in enumerate(p for p in pairs if p[0] in shown and p[1] in shown and not G.has_edge(*p)):
        records.append(
            {
                "id": f"c{start + i}",
                "rank": max((int(c.get("grade_rank", 1)) for c in G.graph.get("care", ()) if (c["level"], c["target"]) == (level, target)), default=1),
                "from": level,
                "to": target,
                "label": "includes",
                "arrows": {"to": {"enabled": True, "scaleFactor": 0.8}},
                "font": {"size": 14, "color": "#404040", "strokeWidth": 4, "multi": False},
                "color": {"color": "#595959", "highlight": "#1a1a1a", "hover": "#1a1a1a", "inherit": False},
                "width": 1.5,
                "dashes": [2, 5],
                "smooth": {"enabled": False},
            }
        )
    return records


# --- page data -------------------------------------------------------------


def _node_info(G: nx.DiGraph, node: str) -> dict[str, Any]:
    d = G.nodes[node]
    return {
        "label": str(d.get("label", node)),
        "category": str(d.get("category", "")),
        "stage": str(d.get("stage", "")),
        "definition": d.get("definition"),
        "informal": d.get("informal_definition"),
        "synonyms": list(d.get("synonyms", ())),
        "iri": str(d.get("iri", node)),
        "extension": bool(d.get("extension", False)),
    }


def _edge_info(G: nx.DiGraph, u: str, v: str) -> dict[str, Any]:
    d = G.edges[u, v]
    sign = 1 if int(d.get("sign", 1)) > 0 else -1
    keys = list(d.get("source_keys", ()))
    return {
        "sign": sign,
        "word": styles.SIGN_WORD[sign],
        "mechanism": d.get("mechanism"),
        "phase": d.get("phase"),
        "grade": d.get("grade"),
        "rank": int(d.get("grade_rank", 1)),
        "locators": list(d.get("locators", ())),
        "paraphrase": d.get("paraphrase"),
        "source": d.get("source"),
        "doi": d.get("doi") or None,
        "extension": bool(d.get("extension", False)),
        "mark": styles.source_mark(keys),
        "claims": list(d.get("claims", [d["claim"]] if d.get("claim") else [])),
        "evidence": [
            {
                "sign": 1 if int(e.get("sign", 1)) > 0 else -1,
                "grade": e.get("grade"),
                "rank": int(e.get("grade_rank", 0)),
                "locators": list(e.get("locators", ())),
                "source": e.get("source"),
                "doi": e.get("doi") or None,
                "mark": styles.source_mark(e.get("keys", ())) if e.get("extension") else "",
            }
            for e in d.get("evidence", ())
        ]
        if len(d.get("evidence", ())) > 1
        else [],
        "contested": bool(d.get("contested", False)),
    }


def _provenance(G: nx.DiGraph, edges: list[tuple[str, str]]) -> dict[str, Any]:
    """What the map's links rest on: how many come from extensions, the works they cite, the grades."""
    extension = [e for e in edges if G.edges[e].get("extension")]
    claims = sum(1 for e in extension for c in G.edges[e].get("evidence", ({"extension": True},)) if c.get("extension"))
    keys = {k for e in extension for k in G.edges[e].get("source_keys", ())}
    sources = [s for s in G.graph.get("sources", ()) if s["key"] in keys]
    ranks = [int(G.edges[e].get("grade_rank", 1)) for e in edges]
    present = sorted(set(ranks))
    grades = []
    if present:
        scale = {int(g["rank"]): str(g["label"]) for g in G.graph.get("evidence_scale", ())}
        for rank in range(present[0], present[-1] + 1):
            count = sum(1 for r in ranks if r >= rank)
            if rank in present or rank in scale:
                grades.append({"rank": rank, "label": scale.get(rank, f"rank {rank}"), "count": count})
    return {"links": len(extension), "claims": claims, "sources": sources, "grades": grades, "ranks": present}


def _overlay_nodes(sub: nx.DiGraph) -> list[str]:
    """The treatment layer: treatment-stage concepts, and concepts linked to nothing else."""
    treatment = {n for n in sub if sub.nodes[n].get("stage") == "treatment"}
    only = {
        n
        for n in sub
        if n not in treatment and sub.degree(n) > 0 and all(m in treatment for m in (*sub.successors(n), *sub.predecessors(n)))
    }
    return sorted(treatment | only)


def _overlay_starts_on(selection: Selection, overlay: list[str]) -> bool:
    """The treatment layer starts on in the treatment view, or when what was asked for lies in it."""
    layer = set(overlay)
    asked = {selection.focus} if selection.focus else {n for p in selection.paths for n in p.nodes}
    return selection.view == "treatment" or bool(asked & layer) or (bool(layer) and layer >= set(selection.nodes))


def _clockwise(points: list[tuple[int, int]]) -> bool:
    """True when the points run clockwise on screen (y grows downwards)."""
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1]))
    return area > 0


def _loop_badges(
    loops: list[analysis.Loop], positions: dict[str, tuple[int, int]], links: list[tuple[str, str]]
) -> dict[str, tuple[int, int]]:
    """Badge positions of all loops: centres first, then two-concept loops around them."""
    placed: dict[str, tuple[int, int]] = {}
    for loop in sorted(loops, key=lambda lp: (lp.length == 2, lp.id)):
        placed[loop.id] = _loop_badge(loop, positions, links, list(placed.values()))
    return placed


def _segment_distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def _loop_badge(
    loop: analysis.Loop,
    positions: dict[str, tuple[int, int]],
    links: list[tuple[str, str]] | None = None,
    badges: list[tuple[int, int]] = (),  # type: ignore[assignment]
) -> tuple[int, int]:
    """Where the loop's R/B badge goes: its centre; beside the pair for a two-concept loop.

    For two concepts the centre lies between the two arcs, on their sign glyphs, so the badge
    steps aside, to the nearby spot farthest from other concepts and links.
    """
    pts = [positions[n] for n in loop.nodes]
    cx = sum(p[0] for p in pts) / len(pts)
    cy = sum(p[1] for p in pts) / len(pts)
    if len(pts) == 2:
        (x1, y1), (x2, y2) = pts
        length = max(1.0, ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5)
        ux, uy = -(y2 - y1) / length, (x2 - x1) / length
        others = [p for n, p in positions.items() if n not in loop.nodes]
        segments = [(positions[u], positions[v]) for u, v in (links or ()) if not (u in loop.nodes and v in loop.nodes)]

        def room(point: tuple[float, float]) -> float:
            near_node = min((((point[0] - ox) ** 2 + (point[1] - oy) ** 2) ** 0.5 - 60 for ox, oy in others), default=1e9)
            near_link = min((_segment_distance(point, a, b) for a, b in segments), default=1e9)
            near_badge = min((((point[0] - bx) ** 2 + (point[1] - by) ** 2) ** 0.5 - 40 for bx, by in badges), default=1e9)
            return min(near_node, near_link * 1.5, near_badge)

        import math

        candidates = [(cx + k * ux * d, cy + k * uy * d) for d in (58, 80) for k in (1, -1)]
        candidates += [(cx + d * math.cos(a * math.pi / 6), cy + d * math.sin(a * math.pi / 6)) for d in (55, 75, 95) for a in range(12)]
        cx, cy = max(candidates, key=lambda p: (round(room(p), 3), -p[0], -p[1]))
    return round(cx), round(cy)


def _whatif_table(G: nx.DiGraph, nodes: list[str]) -> tuple[dict[str, list[list[str]]], dict[str, str]]:
    table, feedback = {}, {}
    for node in nodes:
        result = analysis.what_if(G, node, "up", max_length=WHATIF_LENGTH, max_paths=_WHATIF_PATHS)
        table[node] = [[target, effect.direction] for target, effect in result.effects.items()]
        if result.feedback is not None:
            feedback[node] = result.feedback.direction
    return table, feedback


def _join(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _narrative(G: nx.DiGraph, sub: nx.DiGraph, positions: dict[str, tuple[int, int]]) -> list[tuple[str, list[dict[str, Any]]]]:
    index = {n: i for i, n in enumerate(sorted(sub, key=str))}
    by_stage: dict[str, list[str]] = {}
    for n in sub:
        by_stage.setdefault(str(G.nodes[n].get("stage", "psychology")), []).append(n)
    out = []
    for stage in [*STAGES, *sorted(set(by_stage) - set(STAGES))]:
        items = []
        for n in sorted(by_stage.get(stage, ()), key=lambda n: (positions[n][0], positions[n][1], str(n))):
            effects, causes = [], []
            for word, sign in (("increases", 1), ("decreases", -1)):
                targets = sorted(G.nodes[v].get("label", v) for v in sub.successors(n) if sub.edges[n, v].get("sign", 1) == sign)
                if targets:
                    effects.append(f"{word} {_join(targets)}")
                sources = sorted(G.nodes[u].get("label", u) for u in sub.predecessors(n) if sub.edges[u, n].get("sign", 1) == sign)
                if sources:
                    causes.append(f"{'increased' if sign > 0 else 'decreased'} by {_join(sources)}")
            d = G.nodes[n]
            items.append(
                {
                    "id": n,
                    "index": index[n],
                    "label": d.get("label", n),
                    "category": d.get("category", ""),
                    "informal": d.get("informal_definition") or "",
                    "effects": "; it ".join(effects),
                    "causes": "; it is ".join(causes),
                }
            )
        if items:
            out.append((stage[:1].upper() + stage[1:], items))
    return out


def draw_causal_map(
    G: nx.DiGraph,
    *,
    view: str = "whole",
    focus: str | None = None,
    steps: int = 2,
    between: tuple[str, str] | None = None,
    max_length: int = 6,
    phase: str | None = None,
    interventions: bool | None = None,
    story: bool = False,
    title: str | None = None,
    max_nodes: int = MAX_MAP_NODES,
    min_grade: int | str | None = None,
) -> CausalMap:
    """Draw the causal graph ``G`` as an interactive, self-contained HTML map.

    Parameters
    ----------
    G
        A signed causal graph from :func:`attachgraph.network.to_networkx`.
    view
        ``"whole"``, ``"core"``, ``"cycle"``, ``"recovery"`` or ``"treatment"`` (see
        :mod:`attachgraph.viz.views`); ignored when ``focus`` or ``between`` is given.
    focus, steps
        Show one concept with its causes and effects within ``steps`` links.
    between, max_length
        Show the causal paths (at most ``max_length`` links) from the first concept to the
        second; the story then follows the shortest of them.
    phase
        Keep only the links of one life phase ("early development", "active use", "recovery",
        "treatment").
    interventions
        Start with the intervention overlay on (default: on for the treatment view only).
    story
        Open the page in story mode, at the first step.
    title
        The page title (default: from the view).
    max_nodes
        Refuse maps with more concepts than this (default 2,000); narrow them with ``focus``.
    min_grade
        Leave out links whose evidence is weaker than this rank or grade of the ontology's
        evidence scale (0 curator inference .. 7 systematic review; names such as ``"RCT"``
        work, see :func:`attachgraph.viz.views.resolve_grade`). In the page, the *Evidence*
        control hides weaker links further, live.

    Returns
    -------
    CausalMap
        ``.html`` is the page; ``.write(path)`` saves it; notebooks display it inline.

    Raises
    ------
    attachgraph.MapError
        Unknown view, phase or grade, no path, no link left by ``min_grade``, too many
        concepts, or ``story`` with nothing to tell.
    attachgraph.UnknownConceptError
        A concept name that matches nothing.
    """
    selection = select(
        G, view=view, focus=focus, steps=steps, between=between, max_length=max_length, phase=phase, max_nodes=max_nodes, min_grade=min_grade
    )
    sub = G.edge_subgraph(selection.edges).copy() if selection.edges else G.subgraph(()).copy()
    sub.add_nodes_from((n, G.nodes[n]) for n in selection.nodes)
    sub.graph.update(G.graph)
    shown = set(selection.nodes)
    overlay_nodes = _overlay_nodes(sub)
    overlay_on = _overlay_starts_on(selection, overlay_nodes) if interventions is None else interventions
    # a layer that starts switched off is placed around the rest, so the first view is compact;
    # one that starts on is laid out with everything else
    layout = compute_layout(sub, secondary=() if overlay_on else overlay_nodes)
    positions = layout.positions

    ring_of = {n: i for i, ring in enumerate(layout.rings) for n in ring[3]}
    node_specs = [_node_record(G, n, positions[n]) for n in selection.nodes]
    edge_ids = {e: f"e{i}" for i, e in enumerate(selection.edges)}
    edge_specs = [_edge_record(G, u, v, edge_ids[(u, v)], _smooth(u, v, positions, sub, ring_of)) for u, v in selection.edges]
    edge_specs += _care_records(G, shown, len(edge_specs))
    care_ranks = {e["id"]: e.pop("rank") for e in edge_specs if "rank" in e}  # page data, not a vis-network option
    from ._pyvis import VIS_VERSION, build_vis_data, vis_assets

    vis_nodes, vis_edges = build_vis_data(node_specs, edge_specs)

    loops = analysis.find_loops(sub)
    whole_loops = analysis.find_loops(G)
    ranking = analysis.intervention_overlay(G, loops=whole_loops, only=shown)
    # which interventions weaken the loops shown, even if the view leaves them out: only those
    # close enough upstream of a loop member can, so the search stays small on big graphs
    near = {u for lp in loops for m in lp.nodes for u in analysis.upstream(G, m, 4)}
    weakened_by: dict[str, list[str]] = {}
    for r in analysis.intervention_overlay(G, loops=whole_loops, only=near) if loops else []:
        for loop_id in r.weakens:
            weakened_by.setdefault(loop_id, []).append(r.label)
    # loop ids come from the shown subgraph; "weakens" from the whole graph: match by members
    whole_ids = {tuple(sorted(lp.nodes)): lp.id for lp in whole_loops}
    steps_list = story_steps(G, selection, ranking)
    if story and not steps_list:
        from ..errors import MapError

        raise MapError("this view has no story to tell; choose the core view or give --path A B")
    overlay_on = _overlay_starts_on(selection, overlay_nodes) if interventions is None else interventions
    default_title = selection.description[:1].upper() + selection.description[1:]
    title = title or default_title
    whatif, whatif_feedback = _whatif_table(sub, selection.nodes)

    names = []
    for n in selection.nodes:
        d = G.nodes[n]
        names.append([str(d.get("label", n)), n])
        names.extend([str(s), n] for s in d.get("synonyms", ()))
    names.sort()

    badges = _loop_badges(loops, positions, selection.edges)
    provenance = _provenance(G, selection.edges)
    data = {
        "title": title,
        "font": styles.FONT_FAMILY,
        "options": vis_options(),
        "nodes": vis_nodes,
        "edges": vis_edges,
        "info": {n: _node_info(G, n) for n in selection.nodes},
        "edgeInfo": {edge_ids[(u, v)]: _edge_info(G, u, v) for u, v in selection.edges},
        "loops": [
            {
                "id": lp.id,
                "polarity": lp.polarity,
                "name": lp.name,
                "nodes": list(lp.nodes),
                "edges": [edge_ids[e] for e in lp.edges],
                "badge": list(badges[lp.id]),
                "clockwise": _clockwise([positions[n] for n in lp.nodes]),
                "weakenedBy": weakened_by.get(whole_ids.get(tuple(sorted(lp.nodes)), ""), []),
            }
            for lp in loops
        ],
        "overlay": {
            "on": bool(overlay_on),
            "nodes": overlay_nodes,
            "edges": sorted(
                [edge_ids[(u, v)] for u, v in selection.edges if u in overlay_nodes or v in overlay_nodes]
                + [e["id"] for e in vis_edges if e["id"].startswith("c")]
            ),
            "ranking": [
                {
                    "rank": r.rank,
                    "id": r.intervention,
                    "label": r.label,
                    "summary": _rank_summary(G, r),
                }
                for r in ranking
            ],
        },
        "story": [
            {"title": s.title, "caption": s.caption, "nodes": s.nodes, "edges": [edge_ids[e] for e in s.edges if e in edge_ids]}
            for s in steps_list
        ],
        "storyStart": bool(story),
        "columns": [[x, stage, styles.STAGE_STYLES[stage].fill, styles.STAGE_STYLES[stage].border] for x, stage in layout.columns],
        "rings": [[cx, cy, r, list(members)] for cx, cy, r, members in layout.rings],
        "search": names,
        "whatif": whatif,
        "whatifFeedback": whatif_feedback,
        "whatifLength": WHATIF_LENGTH,
        "initialFocus": selection.focus,
        "grades": provenance["grades"],
        "minGrade": provenance["ranks"][0] if provenance["ranks"] else 0,
        "careRank": care_ranks,
        "mark": {"fill": styles.MARK_FILL, "text": styles.MARK_TEXT},
    }
    page_js = _template_text("causal_map.js")
    vis_js, vis_css = vis_assets()
    theirs = f" ({provenance['links']} from your extension)" if provenance["links"] else ""
    counts = f"{len(selection.nodes)} concepts, {len(selection.edges)} links{theirs}, {len(loops)} loops"
    context = {
        "title": title,
        "description": selection.description[:1].upper() + selection.description[1:],
        "counts": counts,
        "subtitle": counts if title == default_title else f"{default_title} \N{MIDDLE DOT} {counts}",
        "notice": styles.not_medical_advice(provenance["claims"]),
        "extension_claims": provenance["claims"],
        "sources": provenance["sources"],
        "grades": provenance["grades"],
        "widths_vary": styles.widths_vary(provenance["ranks"]),
        "mark_fill": styles.MARK_FILL,
        "mark_text": styles.MARK_TEXT,
        "version": __version__,
        "vis_version": VIS_VERSION,
        "map_label": f"Causal map: {selection.description}. {counts}.",
        "positive": styles.POSITIVE,
        "negative": styles.NEGATIVE,
        "focus_steps": steps if steps in (1, 2, 3, 4) else 2,
        "narrative": _narrative(G, sub, positions),
        "hidden": ", ".join(str(G.nodes[n].get("label", n)) for n in selection.hidden),
        "edge_rows": [_edge_row(G, u, v, edge_ids[(u, v)]) for u, v in selection.edges],
        "loop_rows": [
            {"id": lp.id, "polarity": lp.polarity, "name": lp.name, "weakened": ", ".join(weakened_by.get(whole_ids.get(tuple(sorted(lp.nodes)), ""), [])) or "none"}
            for lp in loops
        ],
        "rank_rows": [
            {
                "rank": r.rank,
                "label": r.label,
                "acts_on": "; ".join(f"{styles.SIGN_GLYPH[s]} {G.nodes[v].get('label', v)}" for v, s in r.acts_on.items()),
                "weakens": ", ".join(r.weakens) or "none",
                "interrupts": len(r.interrupts),
                "lowers": "yes" if r.lowers_target else "no",
            }
            for r in ranking
        ],
        "story_rows": [{"title": s.title, "caption": s.caption} for s in steps_list],
    }
    page = _render_page(context, data, vis_js, vis_css, page_js)
    return CausalMap(page, title, selection, vis_nodes, vis_edges, loops, steps_list)


def _rank_summary(G: nx.DiGraph, r: analysis.InterventionEffect) -> str:
    parts = []
    if r.weakens:
        parts.append("weakens " + ", ".join(r.weakens))
    if r.interrupts:
        parts.append(f"interrupts {len(r.interrupts)} caregiving-to-relapse path{'s' if len(r.interrupts) > 1 else ''}")
    if r.lowers_target:
        parts.append("lowers relapse risk")
    parts.append(f"acts on {len(r.acts_on)} concept{'s' if len(r.acts_on) != 1 else ''}")
    return "; ".join(parts)


def _edge_row(G: nx.DiGraph, u: str, v: str, edge_id: str = "") -> dict[str, Any]:
    d = G.edges[u, v]
    sign = 1 if int(d.get("sign", 1)) > 0 else -1
    if d.get("extension"):
        source = " ".join(p for p in (styles.source_mark(d.get("source_keys", ())), d.get("source", ""), d.get("doi", "")) if p)
    else:
        source = "the source article"
    return {
        "id": edge_id,
        "source": source,
        "cause": G.nodes[u].get("label", u),
        "effect": G.nodes[v].get("label", v),
        "glyph": styles.SIGN_GLYPH[sign],
        "word": styles.SIGN_WORD[sign],
        "mechanism": d.get("mechanism", ""),
        "phase": d.get("phase", ""),
        "grade": d.get("grade", ""),
        "locators": ", ".join(d.get("locators", ())),
        "paraphrase": d.get("paraphrase", ""),
    }


def _render_page(context: dict[str, Any], data: dict[str, Any], vis_js: str, vis_css: str, page_js: str) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string(_template_text("causal_map.html"))
    page_css = _template_text("causal_map.css")
    hashes = " ".join(_csp_hash(s) for s in (vis_js, page_js))
    return template.render(
        **context,
        script_hashes=Markup(hashes),
        vis_css=Markup(vis_css),
        page_css=Markup(page_css),
        data_json=Markup(_json_for_script(data)),
        vis_js=Markup(vis_js),
        page_js=Markup(page_js),
    )


def render_causal_map(G: nx.DiGraph, path: str | os.PathLike[str] | None = None, **options: Any) -> str:
    """Return the HTML of :func:`draw_causal_map` and, if ``path`` is given, write it there.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("a", label="<img src=x onerror=alert(1)>", stage="psychology")
    >>> G.add_edge("a", "b", sign=-1)
    >>> page = render_causal_map(G)
    >>> "<img src=x" in page
    False
    """
    page = draw_causal_map(G, **options).html
    if path is not None:
        atomic_write_text(path, page)
    return page
