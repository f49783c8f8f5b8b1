"""The one exception hierarchy of attachgraph.

Every error the package raises on purpose derives from :class:`AttachgraphError`, so a caller
(and the CLI) can catch them all in one place. Where a built-in exception fits, the subclass
inherits it too, so ``except LookupError`` keeps working::

    AttachgraphError
    ├── UnknownConceptError      (LookupError)   a concept name matched nothing
    ├── UnknownQueryError        (LookupError)   a named query does not exist
    ├── QueryParameterError      (ValueError)    a missing, unknown or ill-typed parameter
    ├── QuerySyntaxError         (ValueError)    malformed SPARQL, with line and column
    ├── MapError                 (ValueError)    a map or export that cannot be drawn as asked
    ├── EndpointError            (ConnectionError) a SPARQL endpoint could not be used
    ├── OntologyFileError        (ValueError)    an ontology or extension file does not parse
    ├── ValidationError          (ValueError)    SHACL, quality or coverage checks failed
    ├── ExtensionError           (ValueError)    a user's extension file has problems
    ├── ReasonerError            (RuntimeError)  a reasoner could not run or found a problem
    └── MissingDependencyError   (ImportError)   an optional tool is not installed

Messages name the offending value and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AttachgraphError",
    "EndpointError",
    "ExtensionError",
    "MapError",
    "MissingDependencyError",
    "OntologyFileError",
    "QueryParameterError",
    "QuerySyntaxError",
    "ReasonerError",
    "UnknownConceptError",
    "UnknownQueryError",
    "ValidationError",
]


class AttachgraphError(Exception):
    """Base class of every error attachgraph raises on purpose."""


class UnknownConceptError(AttachgraphError, LookupError):
    """Raised when a concept name or IRI matches no concept; carries the closest labels."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown concept {name!r}{hint} (list them with `attachgraph search TEXT`)")

    def __str__(self) -> str:  # LookupError would repr-quote the message
        return str(self.args[0])


class UnknownQueryError(AttachgraphError, LookupError):
    """Raised when a named query does not exist; carries the closest names."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown query {name!r}{hint} (list them with `attachgraph queries`)")

    def __str__(self) -> str:
        return str(self.args[0])


class QueryParameterError(AttachgraphError, ValueError):
    """Raised when a query parameter is missing, unknown or of the wrong type."""


class QuerySyntaxError(AttachgraphError, ValueError):
    """Raised for malformed SPARQL; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, source: str, detail: str, line: int | None = None, column: int | None = None) -> None:
        self.source = source
        self.detail = detail
        self.line = line
        self.column = column
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"malformed SPARQL in {source}{where}: {detail}")


class MapError(AttachgraphError, ValueError):
    """Raised when a map or export cannot be drawn as asked (unknown view, phase or format, too large, no story)."""


class EndpointError(AttachgraphError, ConnectionError):
    """Raised when a SPARQL endpoint or graph store cannot be reached or refuses a request."""


class OntologyFileError(AttachgraphError, ValueError):
    """Raised when an RDF file does not parse; the message names the file and the position."""


class ValidationError(AttachgraphError, ValueError):
    """Raised when SHACL, quality or coverage checks find errors; ``problems`` lists them."""

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)


class ExtensionError(AttachgraphError, ValueError):
    """Raised when a user's extension files have problems; ``problems`` lists every one."""

    def __init__(self, message: str, problems: Sequence[object] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)


class ReasonerError(AttachgraphError, RuntimeError):
    """Raised when a reasoner cannot run, or finds the ontology inconsistent."""


class MissingDependencyError(AttachgraphError, ImportError):
    """Raised when an optional tool (a Java runtime, pandas, Chromium) is needed but absent."""
