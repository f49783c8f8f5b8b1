"""Causal analysis of the signed graph: paths, neighbourhoods, loops, what-if, interventions.

Plain functions over a ``networkx.DiGraph`` whose edges carry ``sign`` (+1 increases, -1
decreases), such as :func:`attachgraph.network.to_networkx` returns. Nodes may carry ``label``,
``synonyms`` and ``category``; nothing here needs rdflib or reads files.

Every search is bounded, so the answer time stays small on large merged graphs
(the bounds are parameters, with these defaults):

* :func:`signed_paths` -- simple paths of at most ``max_length`` = 6 links, at most
  ``max_paths`` = 10,000 of them. A depth-first search that only steps onto nodes from which
  the target is still reachable within the remaining length (a bounded reverse breadth-first
  search computes those distances first), so it never wanders off.
* :func:`find_loops` -- every simple cycle of at most ``max_length`` = 8 links, at most
  ``max_loops`` = 10,000. It looks only inside strongly connected components and starts each
  cycle from its smallest node, so each cycle is found once, with the same pruning.
* :func:`what_if` and :func:`intervention_overlay` -- simple paths of at most 6 (what-if) and 4
  (an intervention's reach) links, at most 100,000 paths.

Polarity follows system-dynamics convention: a loop is *reinforcing* (R) when the product of
its signs is positive, *balancing* (B) otherwise. Loop ids R1, R2, ..., B1, ... are assigned in
a fixed order (shorter loops first, then by the node ids of the loop), so the same graph always
gets the same ids.

Not medical advice: the graph records what one narrative article claims, for research and
teaching.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .errors import QueryParameterError, UnknownConceptError
from .graph import normalize_name

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "INTERVENTION_CATEGORIES",
    "Effect",
    "InterventionEffect",
    "Loop",
    "SignedPath",
    "WhatIf",
    "downstream",
    "find_loops",
    "find_node",
    "intervention_overlay",
    "interventions",
    "neighbourhood",
    "signed_paths",
    "upstream",
    "what_if",
]

#: Node categories whose members count as interventions in :func:`intervention_overlay`.
INTERVENTION_CATEGORIES: tuple[str, ...] = ("intervention", "level of care")

Direction = Literal["up", "down", "ambiguous"]


# --- results ---------------------------------------------------------------


@dataclass(frozen=True)
class SignedPath:
    """A simple causal path with the sign of each link; ``sign`` is their product."""

    nodes: tuple[str, ...]
    signs: tuple[int, ...]

    @property
    def sign(self) -> int:
        """The net sign: +1 if the start raises the end along this path, -1 if it lowers it."""
        product = 1
        for s in self.signs:
            product *= s
        return product

    @property
    def length(self) -> int:
        """The number of links."""
        return len(self.signs)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """The links as (cause, effect) pairs."""
        return list(zip(self.nodes, self.nodes[1:]))

    def describe(self, G: nx.DiGraph) -> str:
        """Return the path as text with labels and signs, e.g. ``a -(+)-> b -(-)-> c``."""
        parts = [_label(G, self.nodes[0])]
        for node, sign in zip(self.nodes[1:], self.signs):
            parts.append(f" -({_glyph(sign)})-> {_label(G, node)}")
        return "".join(parts)


@dataclass(frozen=True)
class Loop:
    """A feedback loop: a simple cycle with its polarity, a stable id and a readable name.

    ``nodes`` starts at the member with the most links in the graph (then the smallest id), so
    the name reads from the loop's hub; ``signs[i]`` is the sign of the link from ``nodes[i]``
    to the next member.
    """

    id: str
    nodes: tuple[str, ...]
    signs: tuple[int, ...]
    name: str

    @property
    def sign(self) -> int:
        """The product of the link signs."""
        product = 1
        for s in self.signs:
            product *= s
        return product

    @property
    def polarity(self) -> Literal["reinforcing", "balancing"]:
        """"reinforcing" when the product of signs is positive, else "balancing"."""
        return "reinforcing" if self.sign > 0 else "balancing"

    @property
    def length(self) -> int:
        """The number of links (= the number of members)."""
        return len(self.nodes)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """The links of the loop as (cause, effect) pairs, in loop order."""
        return [(self.nodes[i], self.nodes[(i + 1) % len(self.nodes)]) for i in range(len(self.nodes))]


@dataclass(frozen=True)
class Effect:
    """The expected direction of one concept after a nudge (see :func:`what_if`)."""

    node: str
    direction: Direction
    paths_up: int
    paths_down: int
    distance: int


@dataclass(frozen=True)
class WhatIf:
    """The result of :func:`what_if`: every concept a nudge reaches and which way it moves."""

    start: str
    nudge: Literal["up", "down"]
    effects: dict[str, Effect]
    feedback: Effect | None
    truncated: bool = False

    def moved(self, direction: Direction) -> list[str]:
        """Return the nodes expected to move ``direction``, nearest first."""
        return [n for n, e in self.effects.items() if e.direction == direction]


@dataclass(frozen=True)
class InterventionEffect:
    """What one intervention (or level of care) does to the causal graph.

    ``acts_on`` maps each concept the intervention acts on directly to the sign of that link
    (a level of care also acts through what it includes). ``reach`` maps every concept within
    the reach bound to its expected direction. ``weakens`` lists the ids of loops with a member
    the intervention lowers unambiguously; ``interrupts`` the source-to-target paths with a
    mediator the intervention pushes against the path's own direction; ``lowers_target`` says
    whether it lowers the target (for example relapse risk) itself.
    """

    intervention: str
    label: str
    acts_on: dict[str, int]
    reach: dict[str, Direction]
    weakens: tuple[str, ...]
    interrupts: tuple[SignedPath, ...]
    lowers_target: bool
    rank: int = 0
    score: tuple[int, ...] = field(default=(), compare=False)


# --- helpers ---------------------------------------------------------------


def _glyph(sign: int) -> str:
    return "+" if sign > 0 else "-"


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label", node)) if node in G else str(node)


def _sign(G: nx.DiGraph, u: str, v: str) -> int:
    sign = G.edges[u, v].get("sign", 1)
    if sign not in (1, -1):
        raise QueryParameterError(f"the link {_label(G, u)!r} -> {_label(G, v)!r} has sign {sign!r}; signs must be +1 or -1")
    return int(sign)


def _sorted_successors(G: nx.DiGraph, node: str) -> list[str]:
    return sorted(G.successors(node), key=str)


def _check_node(G: nx.DiGraph, node: str) -> str:
    if node not in G:
        return find_node(G, node)
    return node


def find_node(G: nx.DiGraph, name: str) -> str:
    """Return the node of ``G`` named ``name``: its id, CURIE, label or a synonym.

    Names compare as a reader would (case, accents, hyphens and spacing folded).

    Raises
    ------
    UnknownConceptError
        When nothing matches, or a synonym names several concepts; the error lists the
        closest labels.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("ex:a", label="Substance use", synonyms=["self-medication"])
    >>> find_node(G, "SELF MEDICATION")
    'ex:a'
    """
    if name in G:
        return name
    exact = [n for n, d in G.nodes(data=True) if d.get("label") == name]  # the common case, cheap
    if len(exact) == 1:
        return exact[0]
    wanted = normalize_name(name)
    by_label = [n for n, d in G.nodes(data=True) if normalize_name(str(d.get("label", n))) == wanted]
    if len(by_label) == 1:
        return by_label[0]
    by_other = sorted(
        n
        for n, d in G.nodes(data=True)
        if wanted in {normalize_name(str(s)) for s in d.get("synonyms", ())} or normalize_name(str(d.get("curie", ""))) == wanted
    )
    if len(by_other) == 1 and not by_label:
        return by_other[0]
    matches = by_label or by_other
    if matches:
        raise UnknownConceptError(name, sorted(_label(G, m) for m in matches))
    from difflib import get_close_matches

    labels = {normalize_name(_label(G, n)): _label(G, n) for n in G}
    close = get_close_matches(wanted, list(labels), n=3, cutoff=0.45) or [k for k in labels if wanted and wanted in k][:3]
    raise UnknownConceptError(name, [labels[k] for k in close])


def _bfs(G: nx.DiGraph, start: str, steps: int, *, reverse: bool, allowed: set[str] | None = None) -> dict[str, int]:
    """Distances from ``start`` (against the arrows if ``reverse``), at most ``steps`` links."""
    neighbours = G.predecessors if reverse else G.successors
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if dist[node] >= steps:
            continue
        for nxt in neighbours(node):
            if nxt not in dist and (allowed is None or nxt in allowed):
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


def _check_bound(name: str, value: int) -> None:
    if not isinstance(value, int) or value < 0:
        raise QueryParameterError(f"{name} must be a whole number >= 0, not {value!r}")


# --- neighbourhoods --------------------------------------------------------


def upstream(G: nx.DiGraph, node: str, steps: int = 2) -> dict[str, int]:
    """Return the causes of ``node`` within ``steps`` links, each with its distance.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> upstream(G, "d", 2)
    {'c': 1, 'b': 2}
    """
    _check_bound("steps", steps)
    node = _check_node(G, node)
    dist = _bfs(G, node, steps, reverse=True)
    dist.pop(node)
    return dist


def downstream(G: nx.DiGraph, node: str, steps: int = 2) -> dict[str, int]:
    """Return the effects of ``node`` within ``steps`` links, each with its distance.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> downstream(G, "a", 2)
    {'b': 1, 'c': 2}
    """
    _check_bound("steps", steps)
    node = _check_node(G, node)
    dist = _bfs(G, node, steps, reverse=False)
    dist.pop(node)
    return dist


def neighbourhood(G: nx.DiGraph, node: str, steps: int = 2) -> set[str]:
    """Return ``node`` with its causes and effects within ``steps`` links (a focus view).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> sorted(neighbourhood(G, "b", 1))
    ['a', 'b', 'c']
    """
    node = _check_node(G, node)
    return {node, *upstream(G, node, steps), *downstream(G, node, steps)}


# --- paths -----------------------------------------------------------------


def _paths(
    G: nx.DiGraph,
    source: str,
    max_length: int,
    max_paths: int | None,
    *,
    target: str | None = None,
    to_target: dict[str, int] | None = None,
    budget: int | None = None,
    allowed: set[str] | None = None,
) -> Iterator[tuple[list[str], list[int]]]:
    """Bounded depth-first search over simple paths from ``source``.

    With ``target``, yield only the paths that end there. With ``to_target`` (distances to
    some goal), step only onto nodes from which the goal is still reachable: a path of
    ``depth`` links may continue through ``nxt`` only if ``to_target[nxt] <= budget - depth``
    (``budget`` defaults to ``max_length``). Without a target, yield every simple path of
    1..max_length links. Stops after ``max_paths`` paths (None: no limit).
    """
    budget = max_length if budget is None else budget
    path, signs, on_path = [source], [], {source}
    stack = [iter(_sorted_successors(G, source))]
    found = 0
    while stack:
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            if signs:
                signs.pop()
            continue
        depth = len(path)  # links on the path once nxt is added
        if nxt in on_path or (allowed is not None and nxt not in allowed):
            continue
        if to_target is not None and to_target.get(nxt, budget + 1) > budget - depth:
            continue
        sign = _sign(G, path[-1], nxt)
        if target is None or nxt == target:
            yield [*path, nxt], [*signs, sign]
            found += 1
            if max_paths is not None and found >= max_paths:
                return
            if target is not None:
                continue  # a simple path to the target ends there
        if depth < max_length:
            path.append(nxt)
            signs.append(sign)
            on_path.add(nxt)
            stack.append(iter(_sorted_successors(G, nxt)))


def signed_paths(
    G: nx.DiGraph, source: str, target: str, *, max_length: int = 6, max_paths: int = 10_000
) -> list[SignedPath]:
    """Return the simple causal paths from ``source`` to ``target``, with their net signs.

    Parameters
    ----------
    G
        A signed causal graph.
    source, target
        Node ids, labels or synonyms.
    max_length
        The longest path, in links (default 6).
    max_paths
        Stop after this many paths (default 10,000).

    Returns
    -------
    list of SignedPath
        Shortest first, then in node-id order.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", sign=1); G.add_edge("b", "d", sign=-1); G.add_edge("a", "d", sign=1)
    >>> [(p.nodes, p.sign) for p in signed_paths(G, "a", "d")]
    [(('a', 'd'), 1), (('a', 'b', 'd'), -1)]
    """
    _check_bound("max_length", max_length)
    source, target = _check_node(G, source), _check_node(G, target)
    if source == target:
        raise QueryParameterError(f"source and target are the same concept ({_label(G, source)!r}); for loops use find_loops()")
    to_target = _bfs(G, target, max_length, reverse=True)
    if source not in to_target:
        return []
    found = [SignedPath(tuple(p), tuple(s)) for p, s in _paths(G, source, max_length, max_paths, target=target, to_target=to_target)]
    return sorted(found, key=lambda p: (p.length, p.nodes))


# --- loops -----------------------------------------------------------------


def _cycles(G: nx.DiGraph, max_length: int, max_loops: int) -> Iterator[tuple[list[str], list[int]]]:
    """Every simple cycle of at most ``max_length`` links, each once, from its smallest node."""
    import networkx as nx

    found = 0
    for component in sorted((sorted(c, key=str) for c in nx.strongly_connected_components(G)), key=lambda c: str(c[0])):
        if len(component) == 1:
            node = component[0]
            if G.has_edge(node, node) and max_length >= 1:
                yield [node], [_sign(G, node, node)]
                found += 1
            if found >= max_loops:
                return
            continue
        for index, start in enumerate(component):
            allowed = set(component[index:])  # later nodes only: the cycle is found from its smallest node
            if G.has_edge(start, start):
                yield [start], [_sign(G, start, start)]
                found += 1
            back = _bfs(G, start, max_length - 1, reverse=True, allowed=allowed)
            # paths of up to max_length - 1 links that can still close within max_length links
            walk = _paths(G, start, max_length - 1, None, to_target=back, budget=max_length, allowed=allowed - {start})
            for path, signs in walk:
                # bounded paths that can still return: close the ones whose last node links back
                last = path[-1]
                if G.has_edge(last, start):
                    yield path, [*signs, _sign(G, last, start)]
                    found += 1
                    if found >= max_loops:
                        return


def _loop_name(G: nx.DiGraph, nodes: tuple[str, ...]) -> str:
    labels = [_label(G, n) for n in nodes]
    if len(labels) == 1:
        return f"{labels[0]} feeds itself"
    if len(labels) == 2:
        return f"{labels[0]} \N{LEFT RIGHT ARROW} {labels[1]}"
    return " \N{RIGHTWARDS ARROW} ".join(labels)


def find_loops(G: nx.DiGraph, *, max_length: int = 8, max_loops: int = 10_000) -> list[Loop]:
    """Return every feedback loop of at most ``max_length`` links, with polarity, id and name.

    Parameters
    ----------
    G
        A signed causal graph.
    max_length
        The longest loop, in links (default 8).
    max_loops
        Stop after this many loops (default 10,000); if the result has that many, there may be
        more.

    Returns
    -------
    list of Loop
        Reinforcing loops first (R1, R2, ...), then balancing ones (B1, ...); within each,
        shorter loops first, then by the node ids of the loop. Each loop's members start at its
        best-connected member, and its name joins the member labels in loop order.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("use", "relief", sign=1); G.add_edge("relief", "use", sign=1)
    >>> G.add_edge("relief", "distress", sign=-1); G.add_edge("distress", "use", sign=1)
    >>> [(loop.id, loop.polarity, loop.nodes) for loop in find_loops(G)]
    [('R1', 'reinforcing', ('relief', 'use')), ('B1', 'balancing', ('relief', 'distress', 'use'))]
    """
    _check_bound("max_length", max_length)
    found = []
    for nodes, signs in _cycles(G, max_length, max_loops):
        found.append((len(nodes), tuple(str(n) for n in nodes), tuple(nodes), tuple(signs)))
    found.sort(key=lambda item: (item[0], item[1]))
    counters = {1: 0, -1: 0}
    loops: list[Loop] = []
    for _, _, nodes, signs in found:
        product = 1
        for s in signs:
            product *= s
        counters[product] += 1
        # rotate so the loop reads from its best-connected member
        hub = min(range(len(nodes)), key=lambda i: (-G.degree(nodes[i]), str(nodes[i])))
        rotated = nodes[hub:] + nodes[:hub]
        rotated_signs = signs[hub:] + signs[:hub]
        loop_id = f"{'R' if product > 0 else 'B'}{counters[product]}"
        loops.append(Loop(loop_id, rotated, rotated_signs, _loop_name(G, rotated)))
    return sorted(loops, key=lambda lp: (lp.id[0] != "R", int(lp.id[1:])))


# --- what-if ---------------------------------------------------------------


def _signed_reach(
    G: nx.DiGraph, start: str, max_length: int, max_paths: int
) -> tuple[dict[str, list[int]], list[int], bool]:
    """Per reached node: [paths with net +, paths with net -, shortest distance]; feedback; truncated."""
    reached: dict[str, list[int]] = {}
    feedback = [0, 0, 0]
    count = 0
    for path, signs in _paths(G, start, max_length, max_paths):
        count += 1
        product = 1
        for s in signs:
            product *= s
        entry = reached.setdefault(path[-1], [0, 0, len(signs)])
        entry[0 if product > 0 else 1] += 1
        entry[2] = min(entry[2], len(signs))
        last = path[-1]
        if G.has_edge(last, start):  # a loop back to the start: feedback on the nudged concept
            loop_sign = product * _sign(G, last, start)
            feedback[0 if loop_sign > 0 else 1] += 1
            feedback[2] = len(signs) + 1 if not feedback[2] else min(feedback[2], len(signs) + 1)
    if G.has_edge(start, start):
        feedback[0 if _sign(G, start, start) > 0 else 1] += 1
        feedback[2] = 1
    return reached, feedback, count >= max_paths


def _direction(up: int, down: int) -> Direction:
    if up and down:
        return "ambiguous"
    return "up" if up else "down"


def what_if(
    G: nx.DiGraph,
    node: str,
    nudge: Literal["up", "down"] | int = "up",
    *,
    max_length: int = 6,
    max_paths: int = 100_000,
) -> WhatIf:
    """Nudge one concept up or down and propagate the signs along the causal paths.

    A qualitative what-if, as in system-dynamics teaching tools: each concept reachable along
    a simple path of at most ``max_length`` links is expected to move ``up`` when every such
    path carries the nudge with a net "+" (for a nudge up), ``down`` when every path carries a
    net "-", and ``ambiguous`` where paths disagree. Loops back to the nudged concept are
    reported as ``feedback`` (up: the loop amplifies the nudge, down: it counteracts it).

    Parameters
    ----------
    G
        A signed causal graph.
    node
        The concept to nudge (id, label or synonym).
    nudge
        ``"up"`` / ``+1`` or ``"down"`` / ``-1``.
    max_length, max_paths
        Bounds of the path search (defaults 6 links, 100,000 paths); ``truncated`` is True when
        the path bound was hit.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", sign=1); G.add_edge("a", "c", sign=-1)
    >>> G.add_edge("b", "d", sign=1); G.add_edge("c", "d", sign=1)
    >>> result = what_if(G, "a", "up")
    >>> {n: e.direction for n, e in result.effects.items()}
    {'b': 'up', 'c': 'down', 'd': 'ambiguous'}
    """
    if nudge in ("up", 1, "+"):
        direction, factor = "up", 1
    elif nudge in ("down", -1, "-"):
        direction, factor = "down", -1
    else:
        raise QueryParameterError(f"nudge must be 'up' or 'down', not {nudge!r}")
    _check_bound("max_length", max_length)
    node = _check_node(G, node)
    reached, feedback, truncated = _signed_reach(G, node, max_length, max_paths)
    effects = {}
    for target, (plus, minus, distance) in sorted(reached.items(), key=lambda kv: (kv[1][2], _label(G, kv[0]))):
        if target == node:
            continue
        up, down = (plus, minus) if factor > 0 else (minus, plus)
        effects[target] = Effect(target, _direction(up, down), up, down, distance)
    fb = None
    if feedback[0] or feedback[1]:
        up, down = (feedback[0], feedback[1]) if factor > 0 else (feedback[1], feedback[0])
        fb = Effect(node, _direction(up, down), up, down, feedback[2])
    return WhatIf(node, direction, effects, fb, truncated)  # type: ignore[arg-type]


# --- interventions ---------------------------------------------------------


def interventions(G: nx.DiGraph) -> list[str]:
    """Return the nodes whose category is an intervention or a level of care, by label."""
    return sorted(
        (n for n, d in G.nodes(data=True) if d.get("category") in INTERVENTION_CATEGORIES),
        key=lambda n: (_label(G, n).casefold(), str(n)),
    )


def _with_care(G: nx.DiGraph, starts: Iterable[str], steps: int) -> nx.DiGraph:
    """What ``starts`` reach within ``steps`` links, plus a "+" link from each level of care to
    what it includes (care statements). Small: only the neighbourhood is copied."""
    care = [c for c in G.graph.get("care", ()) if c.get("relation") == "includes"]
    included: dict[str, list[str]] = {}
    for statement in care:
        included.setdefault(statement["level"], []).append(statement["target"])
    frontier = [n for n in starts if n in G]
    seen = set(frontier)
    for _ in range(steps):
        nxt = []
        for node in frontier:
            for other in (*G.successors(node), *included.get(node, ())):
                if other in G and other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    H = G.subgraph(seen).copy()
    for statement in care:
        level, target = statement["level"], statement["target"]
        if level in H and target in H and not H.has_edge(level, target):
            H.add_edge(level, target, sign=1, kind="includes")
    return H


def _default_endpoint(G: nx.DiGraph, wanted: str) -> str | None:
    try:
        return find_node(G, wanted)
    except UnknownConceptError:
        return None


def intervention_overlay(
    G: nx.DiGraph,
    *,
    source: str | None = "inconsistent caregiving",
    target: str | None = "relapse risk",
    loops: Iterable[Loop] | None = None,
    reach: int = 4,
    max_length: int = 8,
    max_paths: int = 100_000,
    only: Iterable[str] | None = None,
) -> list[InterventionEffect]:
    """Rank the interventions by how much of the harmful causal structure they act against.

    For each intervention (category "intervention" or "level of care"; a level of care also
    acts through what it includes):

    * ``acts_on``: the concepts it acts on directly, with the sign of the link;
    * ``reach``: the expected direction of each concept within ``reach`` links (as in
      :func:`what_if`);
    * ``weakens``: the loops with a member it lowers unambiguously;
    * ``interrupts``: the ``source`` -> ``target`` paths (at most ``max_length`` links) with a
      mediator it pushes against the path's own direction;
    * ``lowers_target``: whether it lowers ``target`` itself.

    Ranking, best first: more paths interrupted, then more reinforcing loops weakened, then
    lowering the target, then more loops weakened, then more concepts acted on; ties by label.

    Parameters
    ----------
    G
        A signed causal graph.
    source, target
        The ends of the harmful chain (default inconsistent caregiving -> relapse risk); when a
        name is not in ``G`` (or None) the path part is skipped.
    loops
        Loops to test (default: :func:`find_loops` of ``G``).
    reach, max_length, max_paths
        Search bounds (defaults 4 links for an intervention's reach, 8 links for the chain,
        100,000 paths).
    only
        Rank only these interventions (default: every one in ``G``).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("therapy", label="therapy", category="intervention")
    >>> G.add_edge("cause", "use", sign=1); G.add_edge("use", "relief", sign=1)
    >>> G.add_edge("relief", "use", sign=1); G.add_edge("use", "relapse", sign=1)
    >>> G.add_edge("therapy", "use", sign=-1)
    >>> [effect] = intervention_overlay(G, source="cause", target="relapse")
    >>> effect.weakens, len(effect.interrupts), effect.lowers_target
    (('R1',), 1, True)
    """
    _check_bound("reach", reach)
    candidates = interventions(G)
    if only is not None:
        wanted = set(only)
        candidates = [n for n in candidates if n in wanted]
    if not candidates:
        return []
    H = _with_care(G, candidates, reach)
    src = _default_endpoint(G, source) if source else None
    dst = _default_endpoint(G, target) if target else None
    chain = signed_paths(G, src, dst, max_length=max_length, max_paths=max_paths) if src and dst and src != dst else []
    loop_list = list(find_loops(G) if loops is None else loops)
    results = []
    for node in candidates:
        reached, _, _ = _signed_reach(H, node, reach, max_paths)
        directions = {n: _direction(p, m) for n, (p, m, _) in reached.items() if n != node}
        weakens = tuple(lp.id for lp in loop_list if any(directions.get(m) == "down" for m in lp.nodes))
        interrupts = []
        for path in chain:
            running = 1
            for mediator, sign in zip(path.nodes[1:-1], path.signs):
                running *= sign  # how the chain pushes this mediator
                pushed = directions.get(mediator)
                if (pushed == "down" and running > 0) or (pushed == "up" and running < 0):
                    interrupts.append(path)
                    break
        lowers = bool(dst) and directions.get(dst) == "down"
        reinforcing = sum(1 for lid in weakens if lid.startswith("R"))
        score = (len(interrupts), reinforcing, int(lowers), len(weakens), H.out_degree(node))
        results.append(
            InterventionEffect(
                intervention=node,
                label=_label(G, node),
                acts_on={v: _sign(H, node, v) for v in _sorted_successors(H, node)},
                reach=directions,
                weakens=weakens,
                interrupts=tuple(interrupts),
                lowers_target=lowers,
                score=score,
            )
        )
    results.sort(key=lambda r: (tuple(-x for x in r.score), r.label.casefold(), r.intervention))
    return [InterventionEffect(**{**r.__dict__, "rank": i}) for i, r in enumerate(results, start=1)]
