"""Integrator commands: release, reason, docs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import NOT_MEDICAL_ADVICE


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the integrator commands to the parser."""
    p = subparsers.add_parser(
        "release",
        parents=[common],
        help="write the release files (Turtle, RDF/XML, N-Triples, JSON-LD, simple graph, mappings, changelog)",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="release directory (created if needed)")
    p.add_argument("--previous", type=Path, metavar="FILE", help="an earlier release's ontology file, for CHANGELOG.md")
    p.add_argument("--release-version", metavar="X.Y.Z", help="release version (default: the package version)")
    p.add_argument("--mappings", type=Path, metavar="FILE", help="SSSOM file to release (default: the bundled one)")
    p.set_defaults(handler=_release)

    p = subparsers.add_parser(
        "reason",
        parents=[common],
        help="check consistency and unsatisfiable classes with a reasoner (HermiT, or OWL 2 RL without Java)",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument(
        "--reasoner",
        choices=("auto", "hermit", "owlrl"),
        default="auto",
        help="auto (default): HermiT when Java is found, else the pure-Python OWL 2 RL closure",
    )
    p.add_argument("--java", metavar="PATH", help="Java executable for HermiT (default: JAVA_HOME, then PATH)")
    p.add_argument("--hierarchy", action="store_true", help="also print the inferred class hierarchy")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_reason)

    p = subparsers.add_parser(
        "docs",
        parents=[common],
        help="write offline HTML reference documentation of every term and competency question",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="DIR", help="output directory (index.html)")
    p.add_argument("--mappings", type=Path, metavar="FILE", help="SSSOM file to show (default: the bundled one)")
    p.set_defaults(handler=_docs)


def _load(args: argparse.Namespace):  # noqa: ANN202 - returns KnowledgeGraph, imported lazily
    from ..graph import load

    return load(args.extension, engine=args.engine)


def _release(args: argparse.Namespace) -> int:
    from .._version import __version__
    from ..release import build_release

    result = build_release(
        _load(args),
        args.output,
        version=args.release_version or __version__,
        previous=args.previous,
        mappings=args.mappings,
    )
    print(f"release {result.version} ({result.version_iri}) in {result.directory}:")
    for path in result.files:
        print(f"  {path.name:<26} {path.stat().st_size:>9,} bytes")
    if result.changes is not None:
        c = result.changes
        print(
            f"changes since {c.old_version}: {len(c.added)} added, {len(c.changed)} changed, "
            f"{len(c.deprecated)} deprecated, {len(c.removed)} removed (see CHANGELOG.md)"
        )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"\n{NOT_MEDICAL_ADVICE}")
    return 0


def _reason(args: argparse.Namespace) -> int:
    from ..reason import reason

    report = reason(_load(args), args.reasoner, java=args.java)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.to_text(hierarchy=args.hierarchy))
        print("\nInferences stay in memory; no file was changed.")
        print(NOT_MEDICAL_ADVICE)
    return 0 if report.ok else 1


def _docs(args: argparse.Namespace) -> int:
    from ..docs import build_docs

    result = build_docs(_load(args), args.output, mappings=args.mappings)
    print(f"wrote {result.index} ({result.index.stat().st_size:,} bytes): {result.summary}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"open it in a browser (works offline).\n\n{NOT_MEDICAL_ADVICE}")
    return 0
