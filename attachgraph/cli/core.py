"""Core commands: info, check, coverage, fmt, demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import NOT_MEDICAL_ADVICE


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the core commands to the parser."""
    p = subparsers.add_parser("info", parents=[common], help="version, counts and coverage of the graph")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_info)

    p = subparsers.add_parser("check", parents=[common], help="SHACL, quality checks, canonical form and coverage; exit 1 on any problem")
    p.add_argument("--source", type=Path, default=_default_source(), help="the source article text, to measure coverage (env ATTACHGRAPH_SOURCE)")
    p.set_defaults(handler=_check)

    p = subparsers.add_parser("coverage", parents=[common], help="which source paragraphs are cited by which concepts and claims")
    p.add_argument("--source", type=Path, default=_default_source(), required=_default_source() is None, help="the source article text (env ATTACHGRAPH_SOURCE)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_coverage)

    p = subparsers.add_parser("demo", parents=[common], help="the main job on the bundled graph: check it, answer competency questions, write the causal map")
    p.add_argument("-o", "--output", type=Path, default=Path("build"), help="folder for the causal map (default: build)")
    p.add_argument("--source", type=Path, default=_default_source(), help="the source article text, to measure coverage (env ATTACHGRAPH_SOURCE)")
    p.set_defaults(handler=_demo)

    p = subparsers.add_parser("fmt", parents=[common], help="rewrite Turtle files in canonical form (or --check)")
    p.add_argument("files", nargs="+", type=Path, help="Turtle files, e.g. ontology/attachgraph.ttl")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    p.set_defaults(handler=_fmt)


def _default_source() -> Path | None:
    value = os.environ.get("ATTACHGRAPH_SOURCE")
    return Path(value) if value else None


def _load(args: argparse.Namespace):  # noqa: ANN202 - returns KnowledgeGraph, imported lazily
    from ..graph import load

    return load(args.extension, engine=args.engine)


def _info(args: argparse.Namespace) -> int:
    from ..stats import graph_info

    info = graph_info(_load(args))
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key.replace('_', ' '):<{width}}  {value}")
    print(f"\n{NOT_MEDICAL_ADVICE}")
    return 0


def _fmt(args: argparse.Namespace) -> int:
    from ..canonical import format_file

    changed = [path for path in args.files if not format_file(path, check=args.check)]
    for path in changed:
        print(f"{path}: {'not in canonical form' if args.check else 'reformatted'}", file=sys.stderr)
    if args.check and changed:
        print("run `attachgraph fmt FILE` (or `make format`) to fix", file=sys.stderr)
        return 1
    return 0


def _check(args: argparse.Namespace) -> int:
    from ..validate import check

    report = check(_load(args), source=args.source)
    for name in report.checks:
        print(f"ran: {name}")
    if report.coverage is not None:
        print(f"coverage: {report.coverage.summary()}")
    else:
        print("coverage: not measured (pass --source PATH/TO/article.txt)")
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.ok:
        print("check passed: no problems")
        return 0
    print(f"check failed: {len(report.problems)} problem(s)", file=sys.stderr)
    return 1


def _coverage(args: argparse.Namespace) -> int:
    from ..coverage import coverage
    from ..namespaces import compact

    report = coverage(_load(args), args.source)
    if args.json:
        print(json.dumps({
            "paragraphs": report.paragraph_count,
            "substantive": report.substantive,
            "cited_by": {str(n): [compact(t) for t, _, _ in report.cited_by.get(n, [])] for n in report.substantive},
            "uncited": report.uncited,
            "bad_locators": [{"term": compact(t), "locator": loc, "problem": why} for t, loc, why in report.bad_locators],
        }, indent=2))
    else:
        for number in report.substantive:
            terms = report.cited_by.get(number, [])
            kinds = {kind: sum(1 for *_, k in terms if k == kind) for kind in ("concept", "claim", "care statement")}
            counts = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in kinds.items() if n)
            names = ", ".join(sorted(compact(t) for t, _, k in terms if k == "concept"))
            print(f"para {number:>2}  {counts or 'NOT CITED'}" + (f"  ({names})" if names else ""))
        for term, locator, why in report.bad_locators:
            print(f"bad locator on {compact(term)}: {locator}: {why}", file=sys.stderr)
        print(report.summary())
    return 0 if report.ok else 1


# The competency questions the demo answers: (question, KnowledgeGraph method, arguments).
_DEMO_QUESTIONS = (
    ("How does inconsistent caregiving lead to substance use (paths of up to 3 steps)?",
     "paths", ("inconsistent caregiving", "substance use as external regulation"), {"max_length": 3}),
    ("Which interventions act directly on emotional dysregulation?", "interventions_on", ("emotional dysregulation",), {}),
    ("Which feedback loops run through substance use, and do they reinforce or balance?", "loops", (), {}),
)


def _demo(args: argparse.Namespace) -> int:
    from ..network import to_networkx
    from ..stats import graph_info
    from ..validate import check
    from ..viz import render_causal_map

    kg = _load(args)
    print("1. Checking the graph (SHACL shapes, quality checks, canonical form, coverage)")
    report = check(kg, source=args.source)
    coverage = report.coverage.summary() if report.coverage else "not measured (pass --source PATH/TO/article.txt)"
    print(f"   {len(report.problems)} problem(s); coverage: {coverage}")
    for problem in report.problems:
        print(f"   {problem}", file=sys.stderr)

    info = graph_info(kg)
    print(f"\n2. The graph: {info['concepts']} concepts, {info['causal_claims']} signed causal claims, "
          f"{info['interventions']} interventions, {info['levels_of_care']} levels of care")

    print("\n3. Competency questions")
    for question, method, positional, options in _DEMO_QUESTIONS:
        print(f"\n   {question}")
        for row in getattr(kg, method)(*positional, **options).records():
            print("   " + _demo_row(row))

    path = args.output / "attachgraph-map.html"
    render_causal_map(to_networkx(kg), path)
    print(f"\n4. The interactive causal map: {path} (open it in a browser; it works offline)")
    print(f"\n{NOT_MEDICAL_ADVICE}")
    return 0 if report.ok else 1


def _demo_row(row: dict[str, object]) -> str:
    """One answer row as a line: the sign or polarity, the path or loop, then the claims behind it."""
    if "interventionLabel" in row:
        return f"{row['effect']:<10} {row['interventionLabel']}  ({row['claims']})"
    kind = row.get("polarity") or row.get("netEffect")
    chain = str(row.get("loop") or row.get("path")).replace(" -> ", " → ")
    return f"{kind:<11} {chain}  ({row['claims']})"
