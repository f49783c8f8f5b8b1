"""Research commands: queries, query, describe, search, paths, serve, push.

Output for people (tables) fits the terminal and is bold only on a terminal; output for
programs (csv, tsv, json, jsonl) is exactly the data on stdout, notes go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import NOT_MEDICAL_ADVICE

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph
    from ..results import Result

FORMATS = ("table", "csv", "tsv", "json", "jsonl")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the research commands to the parser."""
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format (default: table)")
    output.add_argument("--limit", type=_positive, metavar="N", help="show at most N rows")
    output.add_argument("--no-labels", action="store_true", help="leave out the label columns added next to IRIs")
    output.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    remote = argparse.ArgumentParser(add_help=False)
    remote.add_argument("--endpoint", metavar="URL", help="run on a SPARQL 1.1 endpoint instead of the embedded engine")
    remote.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="wait this long for an endpoint (default: 60)")
    parents = [common, output, remote]

    p = subparsers.add_parser(
        "queries",
        parents=[common],
        help="list the named queries with their parameters",
        description="List the library of named SPARQL queries (ontology/queries/*.rq).",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=_queries)

    p = subparsers.add_parser(
        "query",
        parents=parents,
        help="run a named query, a .rq file or SPARQL from standard input",
        description="Run a named query (see `attachgraph queries`), a .rq file, or '-' to read SPARQL from standard input.",
        epilog="example: attachgraph query paths --param source='attachment trauma' --param target='relapse risk' --format csv\n\n"
        + NOT_MEDICAL_ADVICE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("query", metavar="NAME|FILE.rq|-", help="a query name, a path to a .rq file, or - for standard input")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="a query parameter (repeatable)")
    p.add_argument("--show-sparql", action="store_true", help="print the query with its parameters bound, and do not run it")
    p.set_defaults(handler=_query)

    p = subparsers.add_parser(
        "describe", parents=parents, help="what the graph says about one concept", epilog=NOT_MEDICAL_ADVICE
    )
    p.add_argument("concept", help="a label, synonym, CURIE or IRI, e.g. 'attachment trauma'")
    p.set_defaults(handler=_describe)

    p = subparsers.add_parser(
        "search", parents=parents, help="find concepts by label, synonym or definition", epilog=NOT_MEDICAL_ADVICE
    )
    p.add_argument("text", help="the text to look for; case, accents and hyphens are ignored")
    p.set_defaults(handler=_search)

    p = subparsers.add_parser(
        "paths", parents=parents, help="causal paths from one concept to another", epilog=NOT_MEDICAL_ADVICE
    )
    p.add_argument("source", help="where the paths start")
    p.add_argument("target", help="where the paths end")
    p.add_argument("--max-length", type=int, default=4, metavar="N", help="at most N claims per path, 1-6 (default: 4)")
    p.add_argument("--via", metavar="CONCEPT", help="only paths through this concept")
    p.set_defaults(handler=_paths)

    p = subparsers.add_parser(
        "serve",
        parents=[common],
        help="serve the graph as a read-only SPARQL endpoint (Oxigraph server)",
        description="Start the Oxigraph SPARQL 1.1 server over the graph: read-only, with a query time limit. "
        "Stop it with Ctrl-C.",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="query time limit (default: 30)")
    p.add_argument("--cors", action="store_true", help="let web pages from other origins query the endpoint")
    p.set_defaults(handler=_serve)

    p = subparsers.add_parser(
        "push",
        parents=[common],
        help="upload the graph to a triple store (SPARQL 1.1 Graph Store Protocol)",
        description="Upload the graph (with any --extension files) to a store's Graph Store Protocol URL, e.g. "
        "http://HOST:7878/store (Oxigraph), http://HOST:3030/DATASET/data (Fuseki). User and password may be "
        "given in the URL.",
        epilog=NOT_MEDICAL_ADVICE,
    )
    p.add_argument("url", help="the store's Graph Store Protocol URL")
    p.add_argument("--graph", metavar="IRI", help="write this named graph (default: the default graph, which the queries read)")
    p.add_argument("--merge", action="store_true", help="add to the graph's triples instead of replacing them")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="wait this long for the store (default: 60)")
    p.set_defaults(handler=_push)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


# --- shared helpers ----------------------------------------------------------------------------


def _graph(args: argparse.Namespace) -> KnowledgeGraph:
    from ..graph import load

    if getattr(args, "endpoint", None):
        if args.extension:
            from ..errors import QueryParameterError

            raise QueryParameterError("--extension cannot be combined with --endpoint; push the extension to the store instead")
        return load(endpoint=args.endpoint, timeout=args.timeout)
    return load(args.extension, engine=args.engine)


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _emit(text: str, args: argparse.Namespace) -> None:
    if getattr(args, "output", None):
        from .._io import atomic_write_text

        atomic_write_text(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _note(args: argparse.Namespace, text: str) -> None:
    """A note for people: on stderr, so that piped data stays clean."""
    if sys.stderr.isatty() or getattr(args, "debug", False):
        print(text, file=sys.stderr)


def _render(result: Result, args: argparse.Namespace) -> int:
    total = len(result)
    if args.limit is not None and total > args.limit:
        result = result.head(args.limit)
        _note(args, f"showing {args.limit} of {total} rows (--limit)")
    labels = not args.no_labels
    if args.format == "table":
        to_terminal = sys.stdout.isatty() and not args.output
        width = shutil.get_terminal_size().columns if to_terminal else None
        rows = "row" if len(result) == 1 else "rows"
        text = result.to_table(labels=labels, width=width, color=_color() and not args.output)
        _emit(f"{text}\n\n{len(result)} {rows}. {NOT_MEDICAL_ADVICE}\n", args)
        return 0
    writers = {"csv": result.to_csv, "tsv": result.to_tsv, "json": result.to_json, "jsonl": result.to_jsonl}
    _emit(writers[args.format](labels=labels), args)
    _note(args, NOT_MEDICAL_ADVICE)
    return 0


# --- commands ----------------------------------------------------------------------------------


def _queries(args: argparse.Namespace) -> int:
    from ..queries import list_queries

    queries = list_queries()
    if args.json:
        doc = [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "parameters": [
                    {"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                     "minimum": p.minimum, "maximum": p.maximum, "description": p.description}
                    for p in q.params
                ],
                "returns": list(q.returns),
            }
            for q in queries
        ]
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    width = max(len(q.name) for q in queries)
    for q in queries:
        print(f"{q.name:<{width}}  {q.title}")
        for p in q.params:
            print(f"{'':<{width}}    --param {p.signature}")
    print(f"\n{len(queries)} queries. Run one with `attachgraph query NAME`; `attachgraph queries --json` gives each question in full.")
    return 0


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from ..errors import QueryParameterError

    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryParameterError(f"--param {pair!r}: write NAME=VALUE, e.g. --param concept='attachment trauma'")
        if name.strip() in params:
            raise QueryParameterError(f"--param {name.strip()!r} is given twice")
        params[name.strip()] = value
    return params


def _query(args: argparse.Namespace) -> int:
    from ..queries import bind_params, inject_values, parse_query_text, resolve_query

    if args.query == "-":
        named = parse_query_text("standard input", sys.stdin.read())
    else:
        named = resolve_query(Path(args.query) if args.query.endswith((".rq", ".sparql")) else args.query)
    params = _parse_params(args.param)
    if args.show_sparql:
        kg = _graph(args)
        bindings = bind_params(named, params, kg.resolve)
        text = inject_values(named.text, list(bindings), [list(bindings.values())], source=named.source) if bindings else named.text
        _emit(text if text.endswith("\n") else text + "\n", args)
        return 0
    return _render(_graph(args).query(named, **params), args)


def _describe(args: argparse.Namespace) -> int:
    kg = _graph(args)
    concept = kg.concept(args.concept)
    result = kg.describe(concept.iri)
    if args.format != "table":
        return _render(result, args)
    from ..namespaces import compact

    lines = [f"{concept.label}  ({concept.curie})", ""]
    current = None
    for row in result:
        field, value, via = str(row["field"]), row.node("value"), row.node("via")
        if field == "label":
            continue
        shown = str(row["valueLabel"] or "") if value is not None and value.kind == "uri" else str(row["value"])
        if value is not None and value.kind == "uri":
            shown = f"{shown}  [{compact(value.value)}]" if shown else compact(value.value)
        if via is not None:
            shown += f"  ({compact(via.value)})"
        if field != current:
            lines.append(f"{field}:")
            current = field
        lines.append(f"  {shown}")
    lines += ["", NOT_MEDICAL_ADVICE]
    _emit("\n".join(lines) + "\n", args)
    return 0


def _search(args: argparse.Namespace) -> int:
    result = _graph(args).search(args.text)
    if not len(result):
        _note(args, f"nothing matches {args.text!r}; try a shorter word")
    return _render(result, args)


def _paths(args: argparse.Namespace) -> int:
    kg = _graph(args)
    result = kg.paths(args.source, args.target, max_length=args.max_length, via=args.via)
    if args.format != "table":
        return _render(result, args)
    source, target = kg.concept(args.source), kg.concept(args.target)
    shown = result.head(args.limit) if args.limit else result
    lines = [f"causal paths from {source.label} to {target.label} (at most {args.max_length} claims):", ""]
    for i, row in enumerate(shown, 1):
        sign = "+" if int(str(row["sign"])) > 0 else "-"
        lines.append(f"{i:>3}. [{sign}] {row['path']}")
        lines.append(f"       {row['length']} claims: {row['claims']}")
    if not len(result):
        lines.append(f"  none; try a larger --max-length (now {args.max_length}) or `attachgraph describe` on either end")
    lines += ["", "[+] more of the start brings more of the end; [-] less. " + NOT_MEDICAL_ADVICE]
    _emit("\n".join(lines) + "\n", args)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from ..endpoint import serve
    from ..graph import load

    import signal

    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, a terminal closing, or `kill` all stop the server cleanly (even when started with &,
    # where a shell would otherwise leave SIGINT ignored)
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _interrupt)
    server = serve(load(args.extension, engine=args.engine), host=args.host, port=args.port, timeout=args.timeout, cors=args.cors)
    try:
        example = "SELECT ?concept ?label WHERE { ?concept <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 5"
        print(f"attachgraph: serving {server.triples} triples, read-only, query time limit {args.timeout:g} s", flush=True)
        print(f"  SPARQL endpoint: {server.query_url}", flush=True)
        print(f"  query page:      {server.url}", flush=True)
        print(f"  try: curl -H 'Accept: text/csv' --data-urlencode 'query={example}' {server.query_url}", flush=True)
        print(f"  or:  attachgraph query loops --endpoint {server.query_url}", flush=True)
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            print(f"warning: listening on {args.host}: other machines can query this endpoint", file=sys.stderr, flush=True)
        print(f"Press Ctrl-C to stop. {NOT_MEDICAL_ADVICE}", flush=True)
        code = server.wait()
        if code not in (0, None):
            from ..errors import EndpointError

            raise EndpointError(f"the Oxigraph server stopped with exit code {code}")
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.stop()
    return 0


def _push(args: argparse.Namespace) -> int:
    from ..endpoint import push
    from ..graph import load

    report = push(args.url, load(args.extension, engine=args.engine), graph=args.graph,
                  mode="merge" if args.merge else "replace", timeout=args.timeout)
    where = f"graph <{report.graph}>" if report.graph else "the default graph"
    how = "merged into" if report.mode == "merge" else "replaced"
    verb = f"{how} {where}" if report.mode == "merge" else f"{where} {how}"
    print(f"pushed {report.triples} triples to {report.url}: {verb} (HTTP {report.status})")
    return 0
