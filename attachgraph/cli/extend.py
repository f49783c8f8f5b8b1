"""Extension commands: template, extend."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import NOT_MEDICAL_ADVICE

_EXTEND_EPILOG = f"""\
files:
  claims tables (.csv, .tsv), one signed causal claim per row, with the columns
    cause, effect, sign, mechanism, phase, grade, citation, doi, locator, note
  concepts files (.yaml, .yml or Turtle .ttl): new concepts, each below a top category
  or an existing concept, with label, parent, definition, informal_definition, synonyms,
  citation / doi and locator.
  `attachgraph template` writes both, with a commented example; docs/extending.md explains
  every column and the evidence grades.

Everything is checked before anything is written: unknown concepts (with the closest labels),
bad signs, mechanisms, phases or grades, malformed DOIs, duplicate and contradicting claims,
clashing labels, and the SHACL shapes. Each problem names its file, line and column.
Then use the result with any command: attachgraph info --extension OUT.ttl

{NOT_MEDICAL_ADVICE}
"""


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the extension commands to the parser."""
    p = subparsers.add_parser(
        "template",
        help="write an empty claims table and concepts file, each with a commented example",
        description="Write claims.csv and concepts.yaml (or claims.tsv / concepts.ttl), each with a "
        "commented example row, ready to fill in and pass to `attachgraph extend`.",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("-o", "--output", type=Path, default=Path("."), metavar="DIR", help="folder to write into (default: the current folder)")
    p.add_argument("--tsv", action="store_true", help="write a tab-separated claims.tsv instead of claims.csv")
    p.add_argument("--turtle", action="store_true", help="write concepts.ttl (Turtle) instead of concepts.yaml")
    p.add_argument("--force", action="store_true", help="overwrite existing template files")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    p.set_defaults(handler=_template)

    p = subparsers.add_parser(
        "extend",
        parents=[common],
        help="validate your own concepts and claims and write them as an extension graph",
        description="Validate extension files against the graph (the bundled one plus any --extension) "
        "and write one extension graph in canonical Turtle. Nothing is written unless every check passes.",
        epilog=_EXTEND_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="claims tables and concepts files")
    p.add_argument("-o", "--output", type=Path, metavar="OUT.ttl", help="the extension graph to write (required unless --check)")
    p.add_argument("--check", action="store_true", help="only validate; write nothing")
    p.add_argument(
        "--namespace",
        metavar="IRI",
        help="IRI namespace of the new concepts, claims and sources (default: urn:attachgraph:user:); "
        "use one you control when you share the extension",
    )
    p.add_argument("--allow-duplicates", action="store_true", help="keep a claim that repeats an existing link from another source, as further evidence")
    p.add_argument("--allow-contradictions", action="store_true", help="keep a claim that contradicts an existing one (opposite sign), as a separate claim")
    p.add_argument(
        "--no-shacl",
        action="store_true",
        help="skip the final SHACL pass (it takes about 25 ms per claim: use this on tables of thousands of rows, "
        "then run `attachgraph check --extension OUT.ttl`)",
    )
    p.set_defaults(handler=_extend)


def _template(args: argparse.Namespace) -> int:
    from ..extend import write_templates

    for path in write_templates(args.output, tsv=args.tsv, turtle=args.turtle, overwrite=args.force):
        print(f"wrote {path}")
    print("fill them in, then: attachgraph extend " + " ".join(
        str(args.output / n) for n in ("claims.tsv" if args.tsv else "claims.csv", "concepts.ttl" if args.turtle else "concepts.yaml")
    ) + " -o my-extension.ttl")
    print(f"\n{NOT_MEDICAL_ADVICE}")
    return 0


def _extend(args: argparse.Namespace) -> int:
    from ..errors import ExtensionError
    from ..extend import DEFAULT_NAMESPACE, build_extension, extend
    from ..graph import load

    if args.output is None and not args.check:
        raise ExtensionError("name the file to write with -o OUT.ttl (or pass --check to only validate)")
    kg = load(args.extension, engine=args.engine)
    options = {
        "namespace": args.namespace or DEFAULT_NAMESPACE,
        "allow_duplicates": args.allow_duplicates,
        "allow_contradictions": args.allow_contradictions,
        "shacl": not args.no_shacl,
    }
    if args.check:
        result = build_extension(args.files, kg, **options)
    else:
        result = extend(args.files, args.output, kg, **options)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    counts = f"{len(result.concepts)} new concept(s), {len(result.claims)} claim(s), {len(result.sources)} source(s)"
    if args.check:
        print(f"ok: {counts}; nothing written (--check)")
    else:
        print(f"wrote {args.output}: {counts}, {len(result.graph)} triples")
        print(f"use it with any command, e.g.: attachgraph info --extension {args.output}")
    print(f"\n{NOT_MEDICAL_ADVICE}")
    return 0
