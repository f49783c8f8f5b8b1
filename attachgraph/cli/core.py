"""Core commands: info, check, coverage, fmt, demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import NOT_MEDICAL_ADVICE


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the core commands to the parser."""
    p = subparsers.add_parser("info", parents=[common], help="version, counts and coverage of the graph")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_info)

    p = subparsers.add_parser("fmt", parents=[common], help="rewrite Turtle files in canonical form (or --check)")
    p.add_argument("files", nargs="+", type=Path, help="Turtle files, e.g. ontology/attachgraph.ttl")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    p.set_defaults(handler=_fmt)


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
