"""Positions for the causal map, computed in Python so that every map is stable.

Left to right by stage (:data:`attachgraph.network.STAGES`): early caregiving, neurobiology,
psychology, behaviour, recovery, treatment. Inside a stage, concepts that cause others in the
same stage sit further left (longest-path layers). Within the treatment stage the order is
mirrored, so interventions stand at the right edge and act leftwards on the mechanism.

Feedback loops are drawn so they read as loops: each small strongly connected component
(2 to :data:`MAX_RING` concepts) becomes one block. If one member takes part in most of the
block's loops (a hub, such as substance use in the reinforcing cycle), it sits in the middle
with the other members on two arcs above and below it, so each loop shows as a petal through
the hub; otherwise the members stand on a circle in loop order. Bigger components are laid out
like the rest, with the links that close cycles ignored for layering.

Rows within a column are ordered by a few barycentre sweeps (the mean height of each
concept's neighbours), ties broken by label. There is no randomness: the same graph always
gives the same positions, rounded to whole pixels.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..network import STAGES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["COLUMN_GAP", "MAX_RING", "ROW_GAP", "Layout", "compute_layout"]

#: Horizontal distance between two layer columns, in pixels (between stages; inside one, less).
COLUMN_GAP = 250
_INNER_GAP = 215
#: Vertical distance between two concepts in one column, in pixels.
ROW_GAP = 86
#: The largest strongly connected component drawn as a ring of loops.
MAX_RING = 12
_SWEEPS = 6
_NODE_WIDTH = 170  # the widest a wrapped label box gets (viz.styles.LABEL_WIDTH + padding)


@dataclass
class Block:
    """One unit of the layered layout: a single concept or a ring of loops."""

    key: str
    members: list[str]
    stage: int
    hub: str | None = None
    ring: list[str] = field(default_factory=list)
    radius: float = 0.0
    layer: int = 0
    y: float = 0.0

    @property
    def height(self) -> float:
        return 2 * self.radius + ROW_GAP if self.ring else ROW_GAP

    @property
    def width(self) -> float:
        return 2 * self.radius + _NODE_WIDTH if self.ring else _NODE_WIDTH


@dataclass(frozen=True)
class Layout:
    """The result of :func:`compute_layout`.

    ``positions`` maps each node to ``(x, y)`` in pixels; ``columns`` gives the x of each stage's
    first column and its label (for headers); ``rings`` lists each loop block as
    ``(centre x, centre y, radius, members)``.
    """

    positions: dict[str, tuple[int, int]]
    columns: list[tuple[int, str]]
    rings: list[tuple[int, int, int, tuple[str, ...]]]


def _stage_index(G: nx.DiGraph, node: str) -> int:
    stage = G.nodes[node].get("stage", "psychology")
    return STAGES.index(stage) if stage in STAGES else STAGES.index("psychology")


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label", node)).casefold()


def _ring_order(G: nx.DiGraph, members: list[str]) -> tuple[str | None, list[str]]:
    """Choose a hub (on most loops) and order the other members so loop neighbours touch."""
    from ..analysis import find_loops

    sub = G.subgraph(members)
    loops = find_loops(sub, max_length=min(len(members), 8), max_loops=2_000)
    on_loops = Counter(n for loop in loops for n in loop.nodes)
    ranked = sorted(members, key=lambda n: (-on_loops[n], -G.degree(n), _label(G, n), str(n)))
    hub = ranked[0] if loops and on_loops[ranked[0]] * 2 > len(loops) and len(members) > 2 else None
    ring_nodes = [n for n in members if n != hub]
    weight: Counter[tuple[str, str]] = Counter()
    for loop in loops:
        seq = [n for n in loop.nodes if n != hub]
        for a, b in zip(seq, seq[1:]):
            weight[(a, b)] += 1
    # greedy chain: start at the member with the fewest loop neighbours, follow the heaviest link
    degree = Counter()
    for (a, b), w in weight.items():
        degree[a] += w
        degree[b] += w
    order: list[str] = []
    left = set(ring_nodes)
    key = lambda n: (degree[n], _label(G, n), str(n))  # noqa: E731 - tiny sort key
    while left:
        current = min(left, key=key) if not order else None
        if current is None:
            last = order[-1]
            options = sorted(left, key=lambda n: (-(weight[(last, n)] + weight[(n, last)]), *key(n)))
            best = options[0]
            current = best if weight[(last, best)] + weight[(best, last)] > 0 else min(left, key=key)
        order.append(current)
        left.discard(current)
    return hub, order


def _ring_positions(block: Block, cx: float, cy: float) -> dict[str, tuple[float, float]]:
    """Place a ring block around its centre (clockwise; hub in the middle, if any)."""
    pos: dict[str, tuple[float, float]] = {}
    ring = block.ring
    if block.hub is not None:
        pos[block.hub] = (cx, cy)
        top = ring[: (len(ring) + 1) // 2]
        bottom = ring[len(top) :]
        # top arc runs left to right, bottom arc right to left: together, clockwise
        for arc, start, end in ((top, 212.0, 328.0), (bottom, 32.0, 148.0)):
            for i, node in enumerate(arc):
                if len(arc) == 1:
                    angle = (start + end) / 2
                else:
                    angle = start + (end - start) * i / (len(arc) - 1)
                rad = math.radians(angle)
                pos[node] = (cx + block.radius * math.cos(rad), cy + block.radius * math.sin(rad))
    else:
        for i, node in enumerate(ring):
            rad = math.radians(-90 + 360 * i / len(ring))
            pos[node] = (cx + block.radius * math.cos(rad), cy + block.radius * math.sin(rad))
    return pos


def _orient_ring(G: nx.DiGraph, block: Block) -> list[str]:
    """Turn (rotate or mirror) the ring so members with outside causes face left, effects right."""
    members = set(block.members)
    pull = {}
    for node in block.ring:
        causes = sum(1 for u in G.predecessors(node) if u not in members)
        effects = sum(1 for v in G.successors(node) if v not in members)
        pull[node] = causes - effects  # > 0: wants to sit on the left
    best, best_score = block.ring, None
    n = len(block.ring)
    for order in (block.ring, block.ring[::-1]):
        for shift in range(n):
            candidate = order[shift:] + order[:shift]
            trial = Block(block.key, block.members, block.stage, block.hub, candidate, block.radius)
            xs = _ring_positions(trial, 0.0, 0.0)
            score = (round(sum(pull[m] * xs[m][0] for m in candidate), 6), candidate != block.ring)
            if best_score is None or score < best_score:
                best, best_score = candidate, score
    return best


def _ring_radius(block: Block) -> float:
    count = len(block.ring)
    if block.hub is not None:
        per_arc = max(1, (count + 1) // 2)
        step = math.radians(116 / max(1, per_arc - 1)) if per_arc > 1 else math.pi
        need = (_NODE_WIDTH + 10) / (2 * math.sin(step / 2)) if per_arc > 1 else 0
        return max(200.0, need)
    return max(130.0, (_NODE_WIDTH + 20) * count / (2 * math.pi))


def _blocks(G: nx.DiGraph) -> tuple[list[Block], dict[str, Block]]:
    import networkx as nx

    blocks: list[Block] = []
    of: dict[str, Block] = {}
    for component in sorted((sorted(c, key=str) for c in nx.strongly_connected_components(G)), key=lambda c: str(c[0])):
        if 2 <= len(component) <= MAX_RING:
            stages = Counter(_stage_index(G, n) for n in component)
            stage = min(stages, key=lambda s: (-stages[s], s))
            block = Block(component[0], component, stage)
            block.hub, block.ring = _ring_order(G, component)
            block.radius = _ring_radius(block)
            block.ring = _orient_ring(G, block)
            blocks.append(block)
            for n in component:
                of[n] = block
        else:
            for n in component:
                block = Block(n, [n], _stage_index(G, n))
                blocks.append(block)
                of[n] = block
    return blocks, of


def _block_edges(G: nx.DiGraph, of: dict[str, Block]) -> set[tuple[str, str]]:
    """Links between blocks, acyclic: links that close a cycle (in DFS order) are dropped."""
    edges = {(of[u].key, of[v].key) for u, v in G.edges() if of[u] is not of[v]}
    adjacency: dict[str, list[str]] = {}
    for u, v in sorted(edges):
        adjacency.setdefault(u, []).append(v)
    state: dict[str, int] = {}
    kept: set[tuple[str, str]] = set()
    for root in sorted({b.key for b in of.values()}):
        if root in state:
            continue
        stack = [(root, iter(adjacency.get(root, ())))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                continue  # a back link: it would close a cycle
            kept.add((node, nxt))
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(adjacency.get(nxt, ()))))
    return kept


def _assign_layers(blocks: list[Block], edges: set[tuple[str, str]], by_key: dict[str, Block]) -> None:
    """Longest-path layers inside each stage, over the links between blocks of that stage."""
    import networkx as nx

    dag = nx.DiGraph()
    dag.add_nodes_from(sorted(b.key for b in blocks))
    dag.add_edges_from(sorted((u, v) for u, v in edges if by_key[u].stage == by_key[v].stage))
    for key in nx.lexicographical_topological_sort(dag):
        preds = [by_key[p].layer + 1 for p in dag.predecessors(key)]
        by_key[key].layer = max(preds, default=0)


def compute_layout(
    G: nx.DiGraph, *, nodes: Iterable[str] | None = None, secondary: Iterable[str] = (), max_rows: int | None = None
) -> Layout:
    """Return fixed positions for the nodes of ``G`` (or of the subgraph on ``nodes``).

    Parameters
    ----------
    G
        A causal graph whose nodes carry ``stage`` (and ``label``, used to break ties).
    nodes
        Lay out only these nodes.
    secondary
        Nodes of a layer that can be switched off (the intervention overlay): the others are
        placed first, as if these were absent, and these are added around them, so the map
        looks the same with the layer on or off.
    max_rows
        A column with more concepts is split into staggered sub-columns (default: as many
        rows as keep the map about twice as wide as high, at least 8).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("care", stage="early caregiving"); G.add_node("use", stage="behaviour")
    >>> G.add_edge("care", "use", sign=1)
    >>> layout = compute_layout(G)
    >>> layout.positions["care"][0] < layout.positions["use"][0]
    True
    """
    H = G.subgraph(sorted(nodes, key=str)) if nodes is not None else G
    if H.number_of_nodes() == 0:
        return Layout({}, [], [])
    extra = {n for n in secondary if n in H}
    blocks, of = _blocks(H)
    by_key = {b.key: b for b in blocks}
    edges = _block_edges(H, of)
    _assign_layers(blocks, edges, by_key)
    is_extra = {b.key: all(m in extra for m in b.members) for b in blocks}

    # columns: for each stage, its layers (mirrored in treatment); skip empty stages
    treatment = STAGES.index("treatment")
    columns: list[tuple[int, int]] = []
    for stage in range(len(STAGES)):
        layers = sorted({b.layer for b in blocks if b.stage == stage})
        columns.extend((stage, layer) for layer in (reversed(layers) if stage == treatment else layers))
    # a column may be as tall as half the map is wide before it is split into sub-columns
    rows = max_rows or max(8, math.ceil(len(columns) * _INNER_GAP * 0.5 / ROW_GAP))
    col_of = {col: i for i, col in enumerate(columns)}
    column_blocks: list[list[Block]] = [[] for _ in columns]
    for block in blocks:
        column_blocks[col_of[(block.stage, block.layer)]].append(block)
    for members in column_blocks:
        members.sort(key=lambda b: (_label(H, b.members[0]), b.key))

    neighbours: dict[str, list[str]] = {b.key: [] for b in blocks}
    for u, v in sorted({(of[a].key, of[b].key) for a, b in H.edges() if of[a] is not of[b]}):
        neighbours[u].append(v)
        neighbours[v].append(u)

    # pass 1: the base blocks alone; pass 2: the secondary blocks around them
    base_cols = [[b for b in members if not is_extra[b.key]] for members in column_blocks]
    _order_rows(base_cols, neighbours, by_key, H, rows, fixed=set())
    fixed = {b.key for members in base_cols for b in members}
    extra_cols = [[b for b in members if is_extra[b.key]] for members in column_blocks]
    if any(extra_cols):
        bottoms = [max((b.y + b.height / 2 for b in members), default=None) for members in base_cols]
        _order_rows(extra_cols, neighbours, by_key, H, rows, fixed=fixed, below=bottoms)

    # x of each column: wide enough for its ring blocks and its staggered sub-columns
    splits = [_split(len(base_cols[i]) + len(extra_cols[i]), rows) for i in range(len(columns))]
    xs: list[float] = []
    x = 0.0
    for i, members in enumerate(column_blocks):
        width = max(b.width for b in members) + (splits[i] - 1) * _STAGGER
        if i:
            previous = max(b.width for b in column_blocks[i - 1]) + (splits[i - 1] - 1) * _STAGGER
            gap = COLUMN_GAP if columns[i][0] != columns[i - 1][0] else _INNER_GAP
            x += max(gap, (previous + width) / 2 + 45)
        xs.append(x)

    positions: dict[str, tuple[int, int]] = {}
    rings = []
    for i, members in enumerate(column_blocks):
        ordered = sorted(members, key=lambda b: b.y)
        for rank, block in enumerate(ordered):
            bx = xs[i] + ((rank % splits[i]) - (splits[i] - 1) / 2) * _STAGGER
            if block.ring:
                for node, (px, py) in _ring_positions(block, bx, block.y).items():
                    positions[node] = (round(px), round(py))
                hub = (block.hub,) if block.hub else ()
                rings.append((round(bx), round(block.y), round(block.radius), hub + tuple(block.ring)))
            else:
                positions[block.members[0]] = (round(bx), round(block.y))
    headers = []
    seen: set[int] = set()
    for i, (stage, _) in enumerate(columns):
        if stage not in seen:
            seen.add(stage)
            headers.append((round(xs[i] - (splits[i] - 1) / 2 * _STAGGER), STAGES[stage]))
    return Layout(positions, headers, rings)


_STAGGER = 185  # horizontal offset between the staggered sub-columns of a tall column


def _split(count: int, rows: int) -> int:
    return max(1, math.ceil(count / rows))


def _gaps(members: list[Block], split: int) -> list[float]:
    """Minimum distance between consecutive blocks of a column (staggered columns pack closer)."""
    gaps = []
    for a, b in zip(members, members[1:]):
        full = (a.height + b.height) / 2
        gaps.append(full if split == 1 or a.ring or b.ring else max(full / split, 52.0))
    return gaps


def _isotonic(targets: list[float], gaps: list[float]) -> list[float]:
    """Positions closest (least squares) to ``targets`` that keep order and minimum gaps."""
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    shifted = [t - o for t, o in zip(targets, offsets)]
    # pool adjacent violators: the shifted values must not decrease
    pools: list[list[float]] = []  # [mean, weight]
    for value in shifted:
        pools.append([value, 1.0])
        while len(pools) > 1 and pools[-2][0] > pools[-1][0]:
            v2, w2 = pools.pop()
            v1, w1 = pools[-1]
            pools[-1] = [(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2]
    fitted = [mean for mean, weight in pools for _ in range(int(weight))]
    return [f + o for f, o in zip(fitted, offsets)]


def _order_rows(
    columns: list[list[Block]],
    neighbours: dict[str, list[str]],
    by_key: dict[str, Block],
    H: nx.DiGraph,
    rows: int,
    *,
    fixed: set[str],
    below: list[float | None] | None = None,
) -> None:
    """Order and place the blocks of each column by barycentre sweeps, then isotonic placement.

    Blocks in ``fixed`` keep their places and only attract the others; with ``below``, the
    blocks of a column go under that column's lowest fixed block.
    """
    placed = set(fixed)
    for members in columns:  # a first stacking so that every block has a height to start from
        _stack(members, _split(len(members), rows))
        placed.update(b.key for b in members)

    def bary(block: Block) -> float:
        ys = [by_key[n].y for n in neighbours[block.key] if n in placed]
        return sum(ys) / len(ys) if ys else block.y

    for sweep in range(_SWEEPS):
        order = range(len(columns)) if sweep % 2 == 0 else range(len(columns) - 1, -1, -1)
        for i in order:
            members = columns[i]
            if not members:
                continue
            members.sort(key=lambda b: (bary(b), _label(H, b.members[0]), b.key))
            split = _split(len(members), rows)
            targets = [bary(b) for b in members]
            ys = _isotonic(targets, _gaps(members, split))
            if below is not None and below[i] is not None:
                shift = below[i] + ROW_GAP * 0.6 + members[0].height / 2 - ys[0]
                ys = [y + max(0.0, shift) for y in ys]
            for block, y in zip(members, ys):
                block.y = y


def _stack(members: list[Block], split: int) -> None:
    """Stack a column's blocks top to bottom, centred on y = 0."""
    gaps = _gaps(members, split)
    total = sum(gaps)
    y = -total / 2
    for block, gap in zip(members, [*gaps, 0.0]):
        block.y = y
        y += gap
