"""Educators' commands: map, export, loops, whatif, interventions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from . import NOT_MEDICAL_ADVICE

_VIEWS = ("whole", "core", "cycle", "recovery", "treatment")
_PHASES = ("early development", "active use", "recovery", "treatment")
_FORMATS = ("svg", "png", "mermaid", "dot", "graphml", "gexf", "cytoscape")


def _selection_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("what to show")
    group.add_argument("--view", choices=_VIEWS, default="whole", help="a ready-made view (default: whole)")
    group.add_argument("--focus", metavar="CONCEPT", help="one concept with its causes and effects (label, synonym or CURIE)")
    group.add_argument("--steps", type=int, default=2, metavar="N", help="how many links around --focus (default: 2)")
    group.add_argument("--path", nargs=2, metavar=("A", "B"), help="the causal paths from concept A to concept B")
    group.add_argument("--max-length", type=int, default=6, metavar="N", help="the longest --path, in links (default: 6)")
    group.add_argument("--phase", choices=_PHASES, help="keep only the links of one life phase")
    group.add_argument(
        "--min-grade",
        metavar="N|NAME",
        help="keep only links whose evidence reaches this grade: a rank 0-7 of the ontology's scale (0 curator inference, "
        "1 claim of a narrative source, 2 expert opinion, 3 case report, 4 cross-sectional, 5 cohort/case-control, "
        "6 randomised trial, 7 systematic review) or a name such as 'cohort study' or RCT",
    )
    group.add_argument("--interventions", action="store_true", help="include the intervention overlay (switched on)")
    group.add_argument("--title", help="a title of your own")
    group.add_argument("--max-nodes", type=int, default=2000, metavar="N", help="refuse bigger maps (default: 2000; use --focus)")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the educators' commands to the parser."""
    p = subparsers.add_parser(
        "map",
        parents=[common],
        help="write the interactive causal map: one HTML file that works offline",
        description="Write the interactive causal map as one self-contained HTML file (no internet needed).",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.html", help="where to write the map")
    _selection_options(p)
    p.add_argument("--story", action="store_true", help="open the map in story mode (Next / Back)")
    p.set_defaults(handler=_map)

    p = subparsers.add_parser(
        "export",
        parents=[common],
        help="export the map as SVG, PNG, Mermaid, DOT, GraphML, GEXF or Cytoscape JSON",
        description="Export the causal map for slides (svg, png), text (mermaid, dot) or Gephi / Cytoscape (graphml, gexf, cytoscape).",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("--format", "-f", required=True, choices=_FORMATS, help="the output format")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="where to write (text formats print to standard output without it)")
    p.add_argument("--scale", type=float, help="PNG pixel ratio (default: 2, less for very wide maps)")
    _selection_options(p)
    p.set_defaults(handler=_export)

    p = subparsers.add_parser(
        "loops", parents=[common], help="list the feedback loops: reinforcing (R) or balancing (B)", epilog=NOT_MEDICAL_ADVICE
    )
    p.add_argument("--max-length", type=int, default=8, metavar="N", help="the longest loop, in links (default: 8)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_loops)

    p = subparsers.add_parser(
        "whatif",
        parents=[common],
        help="nudge a concept up or down and see which way the others move",
        description="A qualitative what-if: follow every causal path from CONCEPT and report the expected direction of each concept it reaches.",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("concept", help="the concept to nudge (label, synonym or CURIE)")
    p.add_argument("direction", choices=("up", "down"), help="which way to nudge it")
    p.add_argument("--max-length", type=int, default=6, metavar="N", help="the longest path followed, in links (default: 6)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_whatif)

    p = subparsers.add_parser(
        "interventions",
        parents=[common],
        help="rank interventions by the loops they weaken and the paths they interrupt",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_interventions)


def _graph(args: argparse.Namespace):  # noqa: ANN202 - returns networkx.DiGraph, imported lazily
    from ..graph import load
    from ..network import to_networkx

    return to_networkx(load(args.extension, engine=args.engine))


def _selection(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "view": args.view,
        "focus": args.focus,
        "steps": args.steps,
        "between": tuple(args.path) if args.path else None,
        "max_length": args.max_length,
        "phase": args.phase,
        "interventions": True if args.interventions else None,
        "title": args.title,
        "max_nodes": args.max_nodes,
        "min_grade": args.min_grade,
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1024:.0f} KB"


def _theirs(G: Any, edges: list[tuple[str, str]]) -> tuple[int, int, int]:
    """Links, claims and cited works from users' extensions among ``edges``."""
    links = [G.edges[e] for e in edges if G.edges[e].get("extension")]
    claims = sum(1 for d in links for c in d.get("evidence", ()) if c.get("extension"))
    works = len({k for d in links for k in d.get("source_keys", ())})
    return len(links), claims, works


def _notice(claims: int) -> str:
    """The not-medical-advice line, true to a map that holds ``claims`` claims from extensions."""
    if not claims:
        return NOT_MEDICAL_ADVICE
    from ..viz.styles import not_medical_advice

    return not_medical_advice(claims)


def _graph_claims(G: Any) -> int:
    from ..network import extension_summary

    return extension_summary(G)["claims"]


def _graph_notice(G: Any) -> str:
    """The not-medical-advice line for output drawn from the whole graph ``G``."""
    claims = _graph_claims(G)
    if not claims:
        return NOT_MEDICAL_ADVICE
    return (
        f"Not medical advice: attachgraph records what one narrative article claims, plus {_plural(claims, 'claim')} "
        "from your extension(s), for research and teaching."
    )


def _map(args: argparse.Namespace) -> int:
    from ..viz.causal_map import draw_causal_map

    G = _graph(args)
    result = draw_causal_map(G, story=args.story, **_selection(args))
    path = result.write(args.output)
    loops = len(result.loops)
    counts = ", ".join(
        _plural(n, word) for n, word in ((len(result.selection.nodes), "concept"), (len(result.selection.edges), "link"), (loops, "loop"), (len(result.story), "story step"))
    )
    print(f"wrote {path} ({_size(path)}): {result.selection.description}; {counts}")
    links, claims, works = _theirs(G, result.selection.edges)
    if links:
        print(f"{_plural(links, 'link')} rest on your extension ({_plural(claims, 'claim')} citing {_plural(works, 'work')}); each carries a mark such as [1].")
    print("Open it in any web browser; it needs no internet connection.")
    print(_notice(claims), file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from ..viz.export import export

    if args.output is None and args.format == "png":
        from ..errors import MapError

        raise MapError("PNG is binary: give a file with -o FILE.png")
    G = _graph(args)
    result = export(G, args.format, args.output, scale=args.scale, **_selection(args))
    if args.output is None:
        sys.stdout.write(result if isinstance(result, str) else "")
    else:
        print(f"wrote {args.output} ({_size(args.output)}, {args.format})")
        from ..viz.views import select

        options = {k: v for k, v in _selection(args).items() if k not in ("interventions", "title")}
        print(_notice(_theirs(G, select(G, **options).edges)[1]), file=sys.stderr)
    return 0


def _loops(args: argparse.Namespace) -> int:
    from ..analysis import find_loops, intervention_overlay

    G = _graph(args)
    loops = find_loops(G, max_length=args.max_length)
    weakened: dict[str, list[str]] = {}
    for effect in intervention_overlay(G, loops=loops):
        for loop_id in effect.weakens:
            weakened.setdefault(loop_id, []).append(effect.label)
    if args.json:
        rows = [
            {
                "id": lp.id,
                "polarity": lp.polarity,
                "name": lp.name,
                "members": [G.nodes[n].get("label", n) for n in lp.nodes],
                "iris": list(lp.nodes),
                "signs": list(lp.signs),
                "weakened_by": weakened.get(lp.id, []),
            }
            for lp in loops
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not loops:
        print(f"no feedback loop of at most {args.max_length} links")
    for lp in loops:
        chain = "".join(f"{G.nodes[n].get('label', n)} -({'+' if s > 0 else '-'})-> " for n, s in zip(lp.nodes, lp.signs))
        print(f"{lp.id}  {lp.polarity}  {chain}{G.nodes[lp.nodes[0]].get('label', lp.nodes[0])}")
        if weakened.get(lp.id):
            print(f"    weakened by: {', '.join(weakened[lp.id])}")
    print(f"\nR = reinforcing (product of signs +), B = balancing (-). Loops of at most {args.max_length} links.")
    print(_graph_notice(G))
    return 0


def _whatif(args: argparse.Namespace) -> int:
    from ..analysis import find_node, what_if

    G = _graph(args)
    node = find_node(G, args.concept)
    result = what_if(G, node, args.direction, max_length=args.max_length)
    label = G.nodes[node].get("label", node)
    if args.json:
        payload = {
            "concept": label,
            "iri": node,
            "nudge": result.nudge,
            "max_length": args.max_length,
            "truncated": result.truncated,
            "effects": [
                {"concept": G.nodes[n].get("label", n), "iri": n, "direction": e.direction, "paths_up": e.paths_up, "paths_down": e.paths_down, "distance": e.distance}
                for n, e in result.effects.items()
            ],
            "feedback": None if result.feedback is None else result.feedback.direction,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    marks = {"up": "up        ^", "down": "down      v", "ambiguous": "ambiguous ?"}
    print(f"If {label} goes {args.direction} (paths of at most {args.max_length} links):")
    if not result.effects:
        print("  nothing downstream")
    width = max((len(str(G.nodes[n].get("label", n))) for n in result.effects), default=0)
    for n, e in result.effects.items():
        why = f"{e.paths_up} path{'s' if e.paths_up != 1 else ''} up, {e.paths_down} down" if e.direction == "ambiguous" else f"{e.distance} link{'s' if e.distance != 1 else ''} away"
        print(f"  {str(G.nodes[n].get('label', n)):<{width}}  {marks[e.direction]}  ({why})")
    if result.feedback is not None:
        print(f"  feedback on {label} itself: {result.feedback.direction} (through {result.feedback.paths_up + result.feedback.paths_down} loop(s))")
    if result.truncated:
        print("  (stopped early: too many paths; lower --max-length)")
    whose = "the claims" if _graph_claims(G) else "the source's claims"
    print(f"\nA qualitative sketch of what {whose} imply, not a prediction. {_graph_notice(G)}")
    return 0


def _interventions(args: argparse.Namespace) -> int:
    from ..analysis import intervention_overlay

    G = _graph(args)
    ranking = intervention_overlay(G)
    if args.json:
        rows = [
            {
                "rank": r.rank,
                "intervention": r.label,
                "iri": r.intervention,
                "acts_on": [{"concept": G.nodes[n].get("label", n), "sign": s} for n, s in r.acts_on.items()],
                "weakens": list(r.weakens),
                "interrupts": [[G.nodes[n].get("label", n) for n in p.nodes] for p in r.interrupts],
                "lowers_relapse_risk": r.lowers_target,
            }
            for r in ranking
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in ranking:
        acts = ", ".join(f"{'+' if s > 0 else '-'}{G.nodes[n].get('label', n)}" for n, s in r.acts_on.items()) or "nothing in the graph"
        extras = []
        if r.weakens:
            extras.append(f"weakens {', '.join(r.weakens)}")
        if r.interrupts:
            extras.append(f"interrupts {len(r.interrupts)} caregiving-to-relapse path(s)")
        if r.lowers_target:
            extras.append("lowers relapse risk")
        print(f"{r.rank:>2}. {r.label}: {'; '.join(extras) or 'no loop or path effect'}")
        print(f"    acts on: {acts}")
    print("\nRanked by caregiving-to-relapse paths interrupted, then reinforcing loops weakened, then lowering relapse risk.")
    print(_graph_notice(G))
    return 0
