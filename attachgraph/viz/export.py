"""Static and exchange exports of the causal map.

* ``svg`` -- a drawing for slides and handouts with the same layout, signs, colours, loop
  badges and legend as the interactive map (no browser needed);
* ``png`` -- the same drawing as a bitmap, rendered by headless Chromium from the SVG
  (Debian: ``apt install chromium``; or set ``ATTACHGRAPH_CHROMIUM`` to a Chrome/Chromium
  binary). Nothing is fetched from the network;
* ``mermaid`` and ``dot`` -- text for Markdown pages and Graphviz;
* ``graphml``, ``gexf`` -- for Gephi, yEd and Cytoscape (with positions and colours);
* ``cytoscape`` -- Cytoscape.js / Cytoscape desktop JSON (``.cyjs``) with positions.

Every export takes the same selection options as the map (view, focus, path, phase, minimum
evidence grade) and is byte-for-byte reproducible. Links that rest on a claim from a user's
extension carry the same citation mark as on the map ("[1]"): drawn beside the sign in SVG and
PNG, whose legend and list of works resolve it (with the DOI); in the label in Mermaid and DOT;
as the attributes ``extension``, ``source_keys``, ``source`` and ``doi`` in GraphML, GEXF and
Cytoscape JSON.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import analysis
from .._io import atomic_write_bytes, atomic_write_text
from .._version import __version__
from ..errors import MapError, MissingDependencyError
from ..network import STAGES
from . import styles
from .layout import compute_layout
from .views import MAX_MAP_NODES, Selection, select

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EXPORT_FORMATS", "SUFFIXES", "export", "find_chromium", "svg_to_png"]

#: The export formats and the file suffix each is written with by default.
SUFFIXES: dict[str, str] = {
    "svg": ".svg",
    "png": ".png",
    "mermaid": ".mmd",
    "dot": ".dot",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
}
EXPORT_FORMATS: tuple[str, ...] = tuple(SUFFIXES)
_CHAR_WIDTH = 8.6  # mean advance of DejaVu Sans at 15 px; wrapping errs on the wide side
_LINE = 18
_FONT_SIZE = 15


# --- the shared scene --------------------------------------------------------


@dataclass
class _Scene:
    """What every export draws: the selected subgraph, its layout and its loops."""

    G: nx.DiGraph
    sub: nx.DiGraph
    selection: Selection
    positions: dict[str, tuple[int, int]]
    columns: list[tuple[int, str]]
    rings: list[tuple[int, int, int, tuple[str, ...]]]
    loops: list[analysis.Loop]
    title: str
    care: list[tuple[str, str]]
    provenance: dict[str, Any]

    @property
    def notice(self) -> str:
        return styles.not_medical_advice(self.provenance["claims"])

    @property
    def counts(self) -> str:
        theirs = f" ({self.provenance['links']} from your extension)" if self.provenance["links"] else ""
        return f"{self.sub.number_of_nodes()} concepts, {self.sub.number_of_edges()} links{theirs}, {len(self.loops)} loops"


def _scene(G: nx.DiGraph, *, interventions: bool | None, title: str | None, **options: Any) -> _Scene:
    selection = select(G, **options)
    sub = G.edge_subgraph(selection.edges).copy() if selection.edges else G.subgraph(()).copy()
    sub.add_nodes_from((n, G.nodes[n]) for n in selection.nodes)
    from .causal_map import _overlay_nodes, _overlay_starts_on, _provenance

    overlay = set(_overlay_nodes(sub))
    show_overlay = _overlay_starts_on(selection, sorted(overlay)) if interventions is None else interventions
    if not show_overlay and overlay and len(overlay) < sub.number_of_nodes():
        sub.remove_nodes_from(overlay)
        overlay = set()
    layout = compute_layout(sub)
    care = sorted(
        {(c["level"], c["target"]) for c in G.graph.get("care", ()) if c.get("relation") == "includes"}
    )
    care = [(a, b) for a, b in care if a in sub and b in sub and not sub.has_edge(a, b)]
    description = selection.description[:1].upper() + selection.description[1:]
    return _Scene(
        G, sub, selection, layout.positions, layout.columns, layout.rings, analysis.find_loops(sub), title or description, care,
        _provenance(G, sorted(sub.edges())),
    )


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label", node))


# --- SVG ---------------------------------------------------------------------


def _wrap(text: str, width: float = styles.LABEL_WIDTH) -> list[str]:
    limit = max(4, int(width // _CHAR_WIDTH))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _box(label: str) -> tuple[list[str], float, float]:
    lines = _wrap(label)
    width = max(len(line) for line in lines) * _CHAR_WIDTH + 22
    height = len(lines) * _LINE + 16
    return lines, max(width, 40.0), height


def _clip(cx: float, cy: float, w: float, h: float, dx: float, dy: float) -> tuple[float, float]:
    """Where a ray from the box centre in direction (dx, dy) leaves the box."""
    if dx == 0 and dy == 0:
        return cx, cy
    tx = (w / 2) / abs(dx) if dx else math.inf
    ty = (h / 2) / abs(dy) if dy else math.inf
    t = min(tx, ty)
    return cx + dx * t, cy + dy * t


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _curve(scene: _Scene, u: str, v: str) -> float:
    """Signed bend of a link (0: straight), matching the interactive map's choices."""
    (x1, _), (x2, _) = scene.positions[u], scene.positions[v]
    ring_of = {n: i for i, ring in enumerate(scene.rings) for n in ring[3]}
    if scene.sub.has_edge(v, u):
        return 0.2
    if u in ring_of and ring_of.get(u) == ring_of.get(v):
        return 0.0
    if x2 < x1 - 20:
        return -0.22 if x1 - x2 < 700 else -0.1
    if abs(x2 - x1) <= 20:
        return 0.35
    return 0.0


def _svg(scene: _Scene) -> str:
    G, sub, pos = scene.G, scene.sub, scene.positions
    boxes = {n: _box(_label(G, n)) for n in sub}
    if pos:
        min_x = min(pos[n][0] - boxes[n][1] / 2 for n in sub)
        max_x = max(pos[n][0] + boxes[n][1] / 2 for n in sub)
        min_y = min(pos[n][1] - boxes[n][2] / 2 for n in sub)
        max_y = max(pos[n][1] + boxes[n][2] / 2 for n in sub)
    else:
        min_x = max_x = min_y = max_y = 0.0
    for cx, cy, r, _ in scene.rings:
        min_x, max_x, min_y, max_y = min(min_x, cx - r), max(max_x, cx + r), min(min_y, cy - r), max(max_y, cy + r)
    for u, v in sub.edges():  # a bent link may bow out beyond the concepts: keep it (and its sign) off the legend
        bend = _curve(scene, u, v)
        if bend:
            (x1, y1), (x2, y2) = pos[u], pos[v]
            bx, by = (x1 + x2) / 2 - (y2 - y1) * bend / 2, (y1 + y2) / 2 + (x2 - x1) * bend / 2
            min_x, max_x, min_y, max_y = min(min_x, bx - 24), max(max_x, bx + 24), min(min_y, by - 24), max(max_y, by + 24)
    margin = 40
    header_y = min_y - 40
    top = header_y - 30 - 70  # room for the title
    width = max(max_x - min_x + 2 * margin, 900, len(scene.title) * 15.6 + 2 * margin)  # 26 px bold: ~15.6 px a character
    left = min_x - margin - (width - (max_x - min_x + 2 * margin)) / 2
    legend_h = _legend_rows(scene, width - 2 * margin) * 34 + 28
    cited = _source_lines(scene, width - 2 * margin)
    notice = _wrap_text(f"{scene.notice} attachgraph {__version__}.", width - 2 * margin, 7.3)
    notice_y = max_y + margin + legend_h + 18 + len(cited) * 20
    height = (notice_y - top) + 22 + (len(notice) - 1) * 17
    out: list[str] = []
    w = out.append
    w(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" font-family="{_e(styles.FONT_FAMILY)}">')
    w(f"<title>{_e(scene.title)}</title>")
    w(f"<desc>{_e(scene.notice)} Made with attachgraph {_e(__version__)}.</desc>")
    w("<defs>")
    for name, colour in (("pos", styles.POSITIVE), ("neg", styles.NEGATIVE), ("care", "#595959")):
        w(f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    w("</defs>")
    w(f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{styles.BACKGROUND}"/>')
    w(f'<text x="{left + margin:.1f}" y="{top + 38:.1f}" font-size="26" font-weight="bold" fill="{styles.TEXT}">{_e(scene.title)}</text>')
    w(f'<text x="{left + margin:.1f}" y="{top + 62:.1f}" font-size="15" fill="#444444">{_e(scene.counts)}</text>')
    # stage headers with their colour chips
    for x, stage in scene.columns:
        style = styles.STAGE_STYLES[stage]
        w(f'<rect x="{x - 75:.1f}" y="{header_y - 9:.1f}" width="18" height="18" fill="{style.fill}" stroke="{style.border}" stroke-width="2"/>')
        w(f'<text x="{x - 50:.1f}" y="{header_y + 6:.1f}" font-size="17" font-weight="bold" fill="#333333">{_e(stage.upper())}</text>')
    for cx, cy, r, _ in scene.rings:
        w(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#b9b9b9" stroke-width="2" stroke-dasharray="6 8"/>')
    # links first, then their signs, then the concepts, then the marks of extension links on top
    glyphs: list[str] = []
    pending: list[tuple[str, Any, bool, str]] = []
    signs: list[tuple[float, float]] = []
    links = [(u, v, None) for u, v in sorted(sub.edges())] + [(a, b, "care") for a, b in scene.care]
    for u, v, kind in links:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        bend = 0.0 if kind else _curve(scene, u, v)
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        # control point: the chord's midpoint pushed sideways by bend x length (as vis-network's curvedCW)
        qx, qy = (x1 + x2) / 2 - dy / length * bend * length, (y1 + y2) / 2 + dx / length * bend * length
        sx, sy = _clip(x1, y1, boxes[u][1] + 6, boxes[u][2] + 6, qx - x1, qy - y1)
        ex, ey = _clip(x2, y2, boxes[v][1] + 8, boxes[v][2] + 8, qx - x2, qy - y2)
        if kind == "care":
            w(f'<path d="M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}" stroke="#595959" stroke-width="1.5" stroke-dasharray="2 5" fill="none" marker-end="url(#arrow-care)"/>')
            glyphs.append(f'<text x="{(sx + ex) / 2:.1f}" y="{(sy + ey) / 2 + 4:.1f}" font-size="13" text-anchor="middle" fill="#404040" stroke="#ffffff" stroke-width="4" paint-order="stroke">includes</text>')
            continue
        data = sub.edges[u, v]
        style = styles.edge_style(int(data.get("sign", 1)), int(data.get("grade_rank", 1)))
        dash = ' stroke-dasharray="9 7"' if style.dashed else ""
        marker = "pos" if style.colour == styles.POSITIVE else "neg"
        path = f"M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}" if bend else f"M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}"
        w(f'<path d="{path}" stroke="{style.colour}" stroke-width="{style.width}" fill="none"{dash} marker-end="url(#arrow-{marker})"><title>{_e(_label(G, u))} {style.word} {_e(_label(G, v))}</title></path>')
        mx, my = (0.25 * sx + 0.5 * qx + 0.25 * ex, 0.25 * sy + 0.5 * qy + 0.25 * ey) if bend else ((sx + ex) / 2, (sy + ey) / 2)
        glyphs.append(
            f'<text x="{mx:.1f}" y="{my + 11:.1f}" font-size="34" font-weight="bold" text-anchor="middle" fill="{style.colour}" stroke="#ffffff" stroke-width="8" paint-order="stroke" aria-label="{style.word}">{style.glyph}</text>'
        )
        mark = styles.source_mark(data.get("source_keys", ())) if data.get("extension") else ""
        if mark:
            pending.append((mark, ((sx, sy), (qx, qy), (ex, ey)), bend != 0, f"from your extension: {data.get('source', '')}"))
        signs.append((mx, my))
    out.extend(glyphs)
    for n in sorted(sub, key=str):
        lines, bw, bh = boxes[n]
        x, y = pos[n]
        d = G.nodes[n]
        style = styles.node_style(str(d.get("stage", "psychology")), str(d.get("category", "")))
        radius = min(style.radius, bh / 2)
        w(f'<g><title>{_e(_label(G, n))}</title>')
        w(f'<rect x="{x - bw / 2:.1f}" y="{y - bh / 2:.1f}" width="{bw:.1f}" height="{bh:.1f}" rx="{radius:.1f}" fill="{style.fill}" stroke="{style.border}" stroke-width="{style.border_width}"/>')
        first = y - (len(lines) - 1) * _LINE / 2 + 5
        for i, line in enumerate(lines):
            w(f'<text x="{x}" y="{first + i * _LINE:.1f}" font-size="{_FONT_SIZE}" text-anchor="middle" fill="{styles.TEXT}">{_e(line)}</text>')
        w("</g>")
    # marks are placed once every sign is known, so that no mark hides a sign or a concept
    obstacles = [(pos[n][0], pos[n][1], boxes[n][1], boxes[n][2]) for n in sub] + [(x, y, 26.0, 32.0) for x, y in signs]
    for mark, curve, bent, title in pending:
        out.append(_svg_mark(mark, curve, bent, obstacles, title))
    from .causal_map import _clockwise, _loop_badges

    badges = _loop_badges(scene.loops, pos, list(sub.edges()))
    for loop in scene.loops:
        bx, by = badges[loop.id]
        dash = "" if loop.polarity == "reinforcing" else ' stroke-dasharray="5 4"'
        arrow = "\N{CLOCKWISE OPEN CIRCLE ARROW}" if _clockwise([pos[n] for n in loop.nodes]) else "\N{ANTICLOCKWISE OPEN CIRCLE ARROW}"
        w(f'<g><title>{_e(loop.id)}: {_e(loop.polarity)} loop: {_e(loop.name)}</title>')
        w(f'<circle cx="{bx}" cy="{by}" r="19" fill="#ffffff" stroke="{styles.TEXT}" stroke-width="3"{dash}/>')
        w(f'<text x="{bx}" y="{by + 6}" font-size="16" font-weight="bold" text-anchor="middle" fill="{styles.TEXT}">{_e(loop.id)}</text>')
        w(f'<text x="{bx + 27}" y="{by - 8}" font-size="15" text-anchor="middle" fill="{styles.TEXT}">{arrow}</text></g>')
    _svg_legend(w, left + margin, max_y + margin, width - 2 * margin, scene)
    for i, line in enumerate(cited):
        w(f'<text x="{left + margin:.1f}" y="{max_y + margin + legend_h + 14 + i * 20:.1f}" font-size="14" fill="{styles.TEXT}">{_e(line)}</text>')
    for i, line in enumerate(notice):
        w(f'<text x="{left + margin:.1f}" y="{notice_y + i * 17:.1f}" font-size="13" fill="#444444">{_e(line)}</text>')
    w("</svg>")
    return "\n".join(out) + "\n"


_MARK_FONT = 17


def _mark_width(mark: str) -> float:
    return len(mark) * _MARK_FONT * 0.62 + 10


def _svg_mark(
    mark: str,
    curve: tuple[tuple[float, float], tuple[float, float], tuple[float, float]],
    bent: bool,
    obstacles: list[tuple[float, float, float, float]],
    title: str,
) -> str:
    """The citation mark of an extension link, at the first spot near its sign that covers no
    concept and no sign (right of the sign, left, above, below, then further along the link),
    or else at the spot that covers least."""
    (sx, sy), (qx, qy), (ex, ey) = curve
    w, h = _mark_width(mark), 24.0

    def point(t: float) -> tuple[float, float]:
        if bent:
            a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
            return a * sx + b * qx + c * ex, a * sy + b * qy + c * ey
        return sx + (ex - sx) * t, sy + (ey - sy) * t

    def covered(spot: tuple[float, float]) -> float:
        x, y = spot
        area = 0.0
        for ox, oy, ow, oh in obstacles:
            dx = (ow + w) / 2 + 3 - abs(x - ox)
            dy = (oh + h) / 2 + 3 - abs(y - oy)
            area += dx * dy if dx > 0 and dy > 0 else 0.0
        return area

    mx, my = point(0.5)
    spots = [(mx + 16 + w / 2, my), (mx - 16 - w / 2, my), (mx, my - 32), (mx, my + 32)]
    spots += [point(t) for t in (0.35, 0.65, 0.25, 0.75)]
    x, y = min(spots, key=covered)  # the first spot that covers nothing, else the one that covers least
    return (
        f'<g><title>{_e(title)}</title><rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="5" fill="{styles.MARK_FILL}"/>'
        f'<text x="{x:.1f}" y="{y + 6:.1f}" font-size="{_MARK_FONT}" font-weight="bold" text-anchor="middle" fill="{styles.MARK_TEXT}">{_e(mark)}</text></g>'
    )


def _legend_items(scene: _Scene) -> list[tuple[str, str]]:
    """The legend of a static drawing: (SVG of the sample, with {x} {y} ... slots; its text)."""
    items: list[tuple[str, str]] = []
    for sign in (1, -1):
        style = styles.edge_style(sign)
        marker = "pos" if sign > 0 else "neg"
        items.append((
            f'<line x1="{{x}}" y1="{{y}}" x2="{{x2}}" y2="{{y}}" stroke="{style.colour}" stroke-width="3" marker-end="url(#arrow-{marker})"/>'
            f'<text x="{{xm}}" y="{{yt}}" font-size="20" font-weight="bold" text-anchor="middle" fill="{style.colour}" stroke="#fff" stroke-width="5" paint-order="stroke">{style.glyph}</text>',
            f"{style.glyph} {style.word}",
        ))
    items.append(('<line x1="{x}" y1="{y}" x2="{x2}" y2="{y}" stroke="#1a1a1a" stroke-width="2.5" stroke-dasharray="7 5"/>', "inferred by curators"))
    if styles.widths_vary(scene.provenance["ranks"]):
        items.append((
            '<line x1="{x}" y1="{yr}" x2="{x2}" y2="{yr}" stroke="#1a1a1a" stroke-width="2"/><line x1="{x}" y1="{yb}" x2="{x2}" y2="{yb}" stroke="#1a1a1a" stroke-width="5"/>',
            "thicker line: stronger evidence",
        ))
    if scene.provenance["sources"]:
        items.append((
            f'<rect x="{{x}}" y="{{yr}}" width="36" height="20" rx="4" fill="{styles.MARK_FILL}"/><text x="{{xm}}" y="{{yt2}}" font-size="13" font-weight="bold" text-anchor="middle" fill="{styles.MARK_TEXT}">[1]</text>',
            "from your extension: the work [n] listed below",
        ))
    items.append(('<circle cx="{xm}" cy="{y}" r="11" fill="#fff" stroke="#1a1a1a" stroke-width="2.5"/><text x="{xm}" y="{yt2}" font-size="11" font-weight="bold" text-anchor="middle">R</text>', "reinforcing loop"))
    items.append(('<circle cx="{xm}" cy="{y}" r="11" fill="#fff" stroke="#1a1a1a" stroke-width="2.5" stroke-dasharray="4 3"/><text x="{xm}" y="{yt2}" font-size="11" font-weight="bold" text-anchor="middle">B</text>', "balancing loop"))
    for kind, (radius, words) in styles.SHAPE_KINDS.items():
        sw = 4 if kind == "intervention" else 2
        items.append((f'<rect x="{{x}}" y="{{yr}}" width="36" height="18" rx="{min(radius, 9)}" fill="#ffffff" stroke="#1a1a1a" stroke-width="{sw}"/>', words))
    stages = [s for s in STAGES if any(scene.sub.nodes[n].get("stage") == s for n in scene.sub)]
    for stage in stages:
        style = styles.STAGE_STYLES[stage]
        items.append((f'<rect x="{{x}}" y="{{yr}}" width="36" height="18" fill="{style.fill}" stroke="{style.border}" stroke-width="2"/>', stage))
    return items


def _legend_flow(items: list[tuple[str, str]], width: float) -> list[tuple[int, float]]:
    """Row and x offset of each legend item, wrapping at ``width``."""
    placed, row, used = [], 0, 0.0
    for _, text in items:
        item_width = 44 + len(text) * 7.8 + 26
        if used + item_width > width - 14 and used > 0:
            row, used = row + 1, 0.0
        placed.append((row, used))
        used += item_width
    return placed


def _svg_legend(w: Any, x: float, y: float, width: float, scene: _Scene) -> None:
    items = _legend_items(scene)
    flow = _legend_flow(items, width)
    rows = flow[-1][0] + 1 if flow else 1
    w(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{rows * 34 + 18}" rx="6" fill="#ffffff" stroke="#9a9a9a"/>')
    for (shape, text), (row, offset) in zip(items, flow):
        ix, iy = x + 14 + offset, y + 26 + row * 34
        w(shape.format(x=f"{ix:.1f}", x2=f"{ix + 34:.1f}", xm=f"{ix + 17:.1f}", y=f"{iy:.1f}", yt=f"{iy - 3:.1f}", yt2=f"{iy + 4:.1f}", yr=f"{iy - 9:.1f}", yb=f"{iy + 5:.1f}"))
        w(f'<text x="{ix + 44:.1f}" y="{iy + 5:.1f}" font-size="14" fill="{styles.TEXT}">{_e(text)}</text>')


def _legend_rows(scene: _Scene, width: float) -> int:
    """How many rows :func:`_svg_legend` needs (the same flow, without drawing)."""
    flow = _legend_flow(_legend_items(scene), width)
    return flow[-1][0] + 1 if flow else 1


def _wrap_text(text: str, width: float, char_width: float, indent: str = "") -> list[str]:
    """Lines of at most ``width`` pixels (at ``char_width`` per character); later lines indented."""
    limit = max(20, int(width // char_width))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word if not lines else indent + word)
    return lines


def _source_lines(scene: _Scene, width: float) -> list[str]:
    """The works cited by extension links of the drawing, "[n] citation DOI", wrapped to ``width``."""
    lines: list[str] = []
    for src in scene.provenance["sources"]:
        lines += _wrap_text(f"[{src['key']}] {src['title']}" + (f" {src['doi']}" if src["doi"] else ""), width, 7.9, "    ")
    return ["Works cited by your extension (not checked by attachgraph):", *lines] if lines else []


# --- PNG ---------------------------------------------------------------------


def find_chromium() -> str | None:
    """Return a Chromium or Chrome binary: ``$ATTACHGRAPH_CHROMIUM``, else the first on PATH."""
    configured = os.environ.get("ATTACHGRAPH_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def svg_to_png(svg: str, *, scale: float | None = None, timeout: float = 120) -> bytes:
    """Render an SVG drawing to PNG bytes with headless Chromium, offline.

    ``scale`` is the device pixel ratio (default: 2, lowered so the image stays at most about
    4,000 pixels wide).

    Raises
    ------
    MissingDependencyError
        When no Chromium is installed (the message says how to get one, or to use SVG).
    """
    binary = find_chromium()
    if binary is None:
        raise MissingDependencyError(
            "PNG export needs Chromium or Chrome (Debian/Ubuntu: `apt install chromium`; or set ATTACHGRAPH_CHROMIUM "
            "to its path); SVG export needs nothing: use --format svg"
        )
    match = re.search(r'<svg[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    width, height = (math.ceil(float(match.group(1))), math.ceil(float(match.group(2)))) if match else (1600, 900)
    if scale is None:
        scale = max(1.0, min(2.0, 4000 / max(width, 1)))
    with tempfile.TemporaryDirectory(prefix="attachgraph-png-") as tmp:
        page = Path(tmp) / "drawing.html"
        out = Path(tmp) / "drawing.png"
        page.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{{margin:0;padding:0;background:#fff}}svg{{display:block}}</style></head><body>{svg}</body></html>', encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",  # our own local file only; needed when running as root (CI containers)
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",  # nothing may leave the machine
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--window-size={width},{height}",
            f"--force-device-scale-factor={scale:g}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MissingDependencyError(f"Chromium at {binary} could not render the PNG ({exc}); use --format svg instead") from exc
        if not out.is_file():
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise MissingDependencyError(f"Chromium at {binary} wrote no PNG ({detail[0]}); use --format svg instead")
        return out.read_bytes()


# --- text and exchange formats ---------------------------------------------------


def _mermaid_text(text: str) -> str:
    text = " ".join(str(text).split())
    for char, code in (("#", "#35;"), ("&", "#38;"), ('"', "#quot;"), ("<", "#60;"), (">", "#62;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def _mermaid(scene: _Scene) -> str:
    G, sub = scene.G, scene.sub
    ids = {n: f"n{i}" for i, n in enumerate(sorted(sub, key=str))}
    out = [f"%% {scene.title}", f"%% {scene.notice}", "flowchart LR"]
    for s, stage in enumerate([*STAGES, "other"]):
        members = sorted((n for n in sub if (sub.nodes[n].get("stage") if sub.nodes[n].get("stage") in STAGES else "other") == stage), key=lambda n: (scene.positions[n], str(n)))
        if not members:
            continue
        out.append(f'  subgraph stage{s}["{_mermaid_text(stage)}"]')
        for n in members:
            kind = styles.shape_kind(str(sub.nodes[n].get("category", "")))
            text = _mermaid_text(_label(G, n))
            out.append(f'    {ids[n]}("{text}")' if kind == "state" else f'    {ids[n]}["{text}"]')
        out.append("  end")
    styles_by_index: dict[str, list[int]] = {}
    edges = sorted(sub.edges())
    for i, (u, v) in enumerate(edges):
        data = sub.edges[u, v]
        style = styles.edge_style(int(data.get("sign", 1)), int(data.get("grade_rank", 1)))
        arrow = "-.->" if style.dashed else "-->"
        mark = f" {styles.source_mark(data.get('source_keys', ()))}" if data.get("extension") else ""
        out.append(f'  {ids[u]} {arrow}|"{style.glyph}{mark}"| {ids[v]}')
        styles_by_index.setdefault(f"stroke:{style.colour},stroke-width:{style.width}px,color:{style.colour}", []).append(i)
    for j, (a, b) in enumerate(scene.care, start=len(edges)):
        out.append(f'  {ids[a]} -.->|"includes"| {ids[b]}')
        styles_by_index.setdefault("stroke:#595959,stroke-width:1.5px", []).append(j)
    for stage, style in styles.STAGE_STYLES.items():
        members = [ids[n] for n in sorted(sub, key=str) if sub.nodes[n].get("stage") == stage]
        if members:
            cls = "stage_" + stage.replace(" ", "_")
            out.append(f"  classDef {cls} fill:{style.fill},stroke:{style.border},color:{styles.TEXT}")
            out.append(f"  class {','.join(members)} {cls}")
    heavy = [ids[n] for n in sorted(sub, key=str) if styles.shape_kind(str(sub.nodes[n].get("category", ""))) == "intervention"]
    if heavy:
        out.append("  classDef intervention stroke-width:4px")
        out.append(f"  class {','.join(heavy)} intervention")
    for style_text, indices in styles_by_index.items():
        out.append(f"  linkStyle {','.join(map(str, indices))} {style_text}")
    for src in scene.provenance["sources"]:
        out.append(f"%% [{src['key']}] from your extension: {' '.join((src['title'] + ' ' + src['doi']).split())}")
    return "\n".join(out) + "\n"


def _dot_text(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_label(scene: _Scene) -> str:
    lines = [scene.title, scene.notice]
    lines += [f"[{s['key']}] from your extension: {s['title']}" + (f" {s['doi']}" if s["doi"] else "") for s in scene.provenance["sources"]]
    return "\n".join(lines)


def _dot(scene: _Scene) -> str:
    G, sub = scene.G, scene.sub
    font = "DejaVu Sans"
    out = [
        "digraph attachgraph {",
        f"  graph [rankdir=LR, labelloc=t, fontname={_dot_text(font)}, label={_dot_text(_dot_label(scene))}];",
        f"  node [shape=box, style=filled, fontname={_dot_text(font)}, fontcolor={_dot_text(styles.TEXT)}];",
        f"  edge [fontname={_dot_text(font)}, fontsize=22];",
    ]
    for s, stage in enumerate(STAGES):
        members = sorted((n for n in sub if sub.nodes[n].get("stage") == stage), key=str)
        if not members:
            continue
        colours = styles.STAGE_STYLES[stage]
        out.append(f"  subgraph cluster_{s} {{")
        out.append(f"    label={_dot_text(stage)}; style=dashed; color={_dot_text('#b9b9b9')};")
        for n in members:
            style = styles.node_style(stage, str(sub.nodes[n].get("category", "")))
            shape_style = "filled,rounded" if style.kind == "state" else "filled"
            out.append(
                f"    {_dot_text(n)} [label={_dot_text(_label(G, n))}, fillcolor={_dot_text(colours.fill)}, color={_dot_text(colours.border)}, "
                f"penwidth={style.border_width}, style={_dot_text(shape_style)}];"
            )
        out.append("  }")
    others = sorted((n for n in sub if sub.nodes[n].get("stage") not in STAGES), key=str)
    for n in others:
        out.append(f"  {_dot_text(n)} [label={_dot_text(_label(G, n))}];")
    for u, v in sorted(sub.edges()):
        data = sub.edges[u, v]
        style = styles.edge_style(int(data.get("sign", 1)), int(data.get("grade_rank", 1)))
        extra = ", style=dashed" if style.dashed else ""
        mark = f" {styles.source_mark(data.get('source_keys', ()))}" if data.get("extension") else ""
        out.append(
            f"  {_dot_text(u)} -> {_dot_text(v)} [label={_dot_text(style.glyph + mark)}, color={_dot_text(style.colour)}, "
            f"fontcolor={_dot_text(style.colour)}, penwidth={style.width}, tooltip={_dot_text(style.word)}{extra}];"
        )
    for a, b in scene.care:
        out.append(f"  {_dot_text(a)} -> {_dot_text(b)} [label=\"includes\", color=\"#595959\", style=dotted, fontsize=12];")
    out.append("}")
    return "\n".join(out) + "\n"


def _flat(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _flat_graph(scene: _Scene, *, with_viz: bool = False) -> nx.DiGraph:
    """A copy with scalar attributes only (what GraphML and GEXF can hold), plus position and colour."""
    import networkx as nx

    H = nx.DiGraph()
    H.graph["name"] = scene.title
    H.graph["note"] = scene.notice
    for n in sorted(scene.sub, key=str):
        d = scene.sub.nodes[n]
        attrs = {k: _flat(v) for k, v in sorted(d.items()) if k != "viz"}
        x, y = scene.positions[n]
        style = styles.node_style(str(d.get("stage", "psychology")), str(d.get("category", "")))
        attrs.update({"x": float(x), "y": float(y), "fill": style.fill, "border": style.border})
        if with_viz:
            r, g, b = (int(style.fill[i : i + 2], 16) for i in (1, 3, 5))
            attrs["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "position": {"x": float(x), "y": float(-y), "z": 0.0}, "size": 10.0}
        H.add_node(n, **attrs)
    for u, v in sorted(scene.sub.edges()):
        d = scene.sub.edges[u, v]
        # "evidence" (one record per claim) has no flat form; its parts are the edge's own attributes
        attrs = {k: _flat(v2) for k, v2 in sorted(d.items()) if k != "evidence"}
        style = styles.edge_style(int(d.get("sign", 1)), int(d.get("grade_rank", 1)))
        attrs.update({"glyph": style.glyph, "colour": style.colour, "kind": "causal"})
        if with_viz:
            r, g, b = (int(style.colour[i : i + 2], 16) for i in (1, 3, 5))
            attrs["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "thickness": float(style.width)}
        H.add_edge(u, v, **attrs)
    return H


def _graphml(scene: _Scene) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(_flat_graph(scene), prettyprint=True)) + "\n"


def _gexf(scene: _Scene) -> str:
    import networkx as nx

    text = "\n".join(nx.generate_gexf(_flat_graph(scene, with_viz=True), prettyprint=True)) + "\n"
    # networkx stamps today's date; drop it so two exports of the same graph are identical
    return re.sub(r' lastmodifieddate="[^"]*"', "", text)


def _cytoscape(scene: _Scene) -> str:
    H = _flat_graph(scene)
    elements: dict[str, list[dict[str, Any]]] = {"nodes": [], "edges": []}
    for n, d in H.nodes(data=True):
        data = {"id": n, "value": n, "name": d.get("label", n), **{k: v for k, v in d.items() if k not in ("x", "y")}}
        elements["nodes"].append({"data": data, "position": {"x": d["x"], "y": d["y"]}})
    for i, (u, v, d) in enumerate(H.edges(data=True)):
        # "source" means the cited document in our data but the cause in Cytoscape's: rename ours
        attrs = {("cited_source" if k == "source" else k): val for k, val in d.items()}
        interaction = "increases" if d.get("sign", 1) > 0 else "decreases"
        elements["edges"].append({"data": {**attrs, "id": f"e{i}", "source": u, "target": v, "interaction": interaction}})
    document = {
        "format_version": "1.0",
        "generated_by": f"attachgraph {__version__}",
        "target_cytoscapejs_version": "~2.1",
        "directed": True,
        "multigraph": False,
        "data": {"name": scene.title, "note": scene.notice},
        "elements": elements,
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


_RENDER = {"svg": _svg, "mermaid": _mermaid, "dot": _dot, "graphml": _graphml, "gexf": _gexf, "cytoscape": _cytoscape}


def export(
    G: nx.DiGraph,
    format: str,
    path: str | os.PathLike[str] | None = None,
    *,
    view: str = "whole",
    focus: str | None = None,
    steps: int = 2,
    between: tuple[str, str] | None = None,
    max_length: int = 6,
    phase: str | None = None,
    interventions: bool | None = None,
    title: str | None = None,
    scale: float | None = None,
    max_nodes: int = MAX_MAP_NODES,
    min_grade: int | str | None = None,
) -> str | bytes:
    """Export the causal map as ``format`` (see :data:`EXPORT_FORMATS`).

    Returns the text (bytes for PNG) and, when ``path`` is given, also writes it there
    atomically. The selection options are those of :func:`attachgraph.viz.draw_causal_map`;
    ``interventions`` adds the treatment layer (default: only in the treatment view), and
    ``min_grade`` leaves out links whose evidence is weaker (a rank 0..7 or a grade name).

    Examples
    --------
    >>> import attachgraph
    >>> from attachgraph.network import to_networkx
    >>> text = export(to_networkx(attachgraph.load()), "mermaid", view="cycle")
    >>> text.splitlines()[2]
    'flowchart LR'
    """
    if format not in SUFFIXES:
        raise MapError(f"unknown export format {format!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    scene = _scene(
        G, view=view, focus=focus, steps=steps, between=between, max_length=max_length, phase=phase, max_nodes=max_nodes,
        interventions=interventions, title=title, min_grade=min_grade,
    )
    result: str | bytes
    if format == "png":
        result = svg_to_png(_svg(scene), scale=scale)
    else:
        result = _RENDER[format](scene)
    if path is not None:
        if isinstance(result, bytes):
            atomic_write_bytes(path, result)
        else:
            atomic_write_text(path, result)
    return result
