"""The ``attachgraph`` command line: a thin layer over the public API.

Each command group lives in its own module with a ``register(subparsers, common)`` function;
command modules import only argparse at start-up and load what a command needs when it runs,
so ``attachgraph --help`` and the quick commands stay fast.

Exit codes
----------
0  success
1  a check failed (validation, coverage, canonical form, inconsistent ontology)
2  usage error (unknown option, missing argument)
3  bad input (unknown concept or query, malformed SPARQL, unreadable or invalid file)
4  a SPARQL endpoint or server could not be used
5  a required tool is missing (Java, Chromium, pandas)
130 interrupted
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

__all__ = ["main"]

NOT_MEDICAL_ADVICE = (
    "Not medical advice: attachgraph records what one narrative article claims, for research "
    "and teaching."
)

# Command modules, in the order their commands appear in --help.
_COMMAND_MODULES = ("core", "research", "maps", "integrate", "extend")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INPUT, EXIT_ENDPOINT, EXIT_MISSING = 0, 1, 2, 3, 4, 5


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--engine",
        choices=("oxigraph", "oxrdflib", "rdflib"),
        default=os.environ.get("ATTACHGRAPH_ENGINE", "oxigraph"),
        help="SPARQL engine (default: oxigraph, the fastest; env ATTACHGRAPH_ENGINE)",
    )
    common.add_argument(
        "--extension",
        action="append",
        default=[],
        metavar="FILE",
        help="add an extension graph (repeatable), e.g. one written by `attachgraph extend`",
    )
    common.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    return common


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every command registered.

    Given ``command``, command groups are imported and registered only until that command
    exists: ``attachgraph info`` never imports the other groups (a few ms of start-up each,
    see docs/benchmarks.md). An unknown command still gets the full parser, for the full error.
    """
    parser = argparse.ArgumentParser(
        prog="attachgraph",
        description="Query, check, map and release the attachgraph knowledge graph of attachment trauma in addiction.",
        epilog=NOT_MEDICAL_ADVICE,
    )
    from .._version import __version__

    parser.add_argument("--version", action="version", version=f"attachgraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _common_options()
    for module_name in _COMMAND_MODULES:
        try:
            module = import_module(f".{module_name}", __name__)
        except ModuleNotFoundError as exc:  # a command group not written yet
            if exc.name != f"{__name__}.{module_name}":
                raise
            continue
        module.register(subparsers, common)
        if command is not None and command in subparsers.choices:
            break
    return parser


def _exit_code(exc: BaseException) -> int:
    from .. import errors

    if not isinstance(exc, errors.AttachgraphError):  # OSError: a file the user named
        return EXIT_INPUT
    if isinstance(exc, errors.ValidationError):
        return EXIT_FAILED
    if isinstance(exc, errors.EndpointError):
        return EXIT_ENDPOINT
    if isinstance(exc, errors.MissingDependencyError):
        return EXIT_MISSING
    if isinstance(exc, errors.ReasonerError):
        return EXIT_FAILED
    return EXIT_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # the first word that is not an option names the command (common options follow it)
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and friends: not an error
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        from ..errors import AttachgraphError

        if args.debug:
            raise
        if isinstance(exc, (AttachgraphError, OSError)):
            print(f"attachgraph: error: {exc}", file=sys.stderr)
            return _exit_code(exc)
        print(f"attachgraph: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("please report it with the command you ran; --debug shows the traceback", file=sys.stderr)
        return EXIT_FAILED
