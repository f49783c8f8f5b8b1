"""SPARQL engines behind one small interface.

Three engines answer the same SPARQL 1.1 with the same rows:

``oxigraph``
    raw pyoxigraph, in memory. The default: it loads and queries an order of magnitude faster
    than rdflib's own store and never imports rdflib (see ``docs/benchmarks.md``).
``oxrdflib``
    the rdflib API over the Oxigraph store (``rdflib.Graph(store="Oxigraph")``).
``rdflib``
    rdflib's own in-memory store and SPARQL engine.

Every engine returns :class:`Node` values, so callers never see engine-specific term types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OntologyFileError, QuerySyntaxError

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib

__all__ = ["ENGINES", "DEFAULT_ENGINE", "Engine", "Node", "SelectResult", "open_engine"]

ENGINES = ("oxigraph", "oxrdflib", "rdflib")
DEFAULT_ENGINE = "oxigraph"

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_FORMATS = {".ttl": "turtle", ".nt": "ntriples", ".owl": "xml", ".rdf": "xml", ".jsonld": "json-ld", ".nq": "nquads"}


@dataclass(frozen=True, order=True)
class Node:
    """An RDF term as plain data: ``kind`` is ``"uri"``, ``"literal"`` or ``"bnode"``."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Node:
        """Return an IRI node."""
        return cls("uri", value)

    @classmethod
    def literal(cls, value: object) -> Node:
        """Return a literal node for a Python str, bool, int or float."""
        if isinstance(value, bool):
            return cls("literal", "true" if value else "false", _XSD + "boolean")
        if isinstance(value, int):
            return cls("literal", str(value), _XSD + "integer")
        if isinstance(value, float):
            return cls("literal", repr(value), _XSD + "double")
        return cls("literal", str(value))

    def to_python(self) -> object:
        """Return an int, float or bool for numeric and boolean literals, else the string value."""
        if self.kind == "literal" and self.datatype:
            local = self.datatype.removeprefix(_XSD)
            try:
                if local in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "negativeInteger"):
                    return int(self.value)
                if local in ("decimal", "double", "float"):
                    return float(self.value)
            except ValueError:
                return self.value
            if local == "boolean":
                return self.value in ("true", "1")
        return self.value

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SelectResult:
    """The raw answer of a SELECT or ASK: variable names and rows of nodes (None = unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None


_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_PREFIXED_NAME = re.compile(r"(?<![\w?$:/#.-])([A-Za-z][\w-]*)?:(?=[A-Za-z0-9_])")
_NOT_NAMES = re.compile(r"<[^<>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def _undeclared_prefix(sparql: str) -> tuple[str, int, int] | None:
    """Return (prefix, line, column) of the first prefixed name whose prefix is not declared."""
    blanked = _NOT_NAMES.sub(lambda m: " " * len(m.group(0)), sparql)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(blanked)}
    for match in _PREFIXED_NAME.finditer(blanked):
        prefix = match.group(1) or ""
        if prefix not in declared and prefix.upper() != "PREFIX":
            line = sparql.count("\n", 0, match.start()) + 1
            column = match.start() - (sparql.rfind("\n", 0, match.start()) + 1) + 1
            return prefix, line, column
    return None


def _at_end(sparql: str, line: int, column: int | None) -> bool:
    """True when a reported position lies at or past the end of the text (no help to a reader)."""
    lines = sparql.rstrip().splitlines() or [""]
    return line > len(lines) or (line == len(lines) and (column or 0) > len(lines[-1]))


def _rdflib_position(sparql: str) -> tuple[int, int] | None:
    """Where rdflib's SPARQL parser fails on ``sparql``, if it does."""
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        parseQuery(sparql)
    except Exception as exc:  # pyparsing errors carry lineno and col
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        return (int(line), int(column)) if line and column else None
    return None


def _syntax_error(source: str, exc: BaseException, sparql: str = "") -> QuerySyntaxError:
    """Turn an engine's parse error into a QuerySyntaxError with line and column when it has them."""
    text = str(exc)
    undeclared = _undeclared_prefix(sparql) if ("prefix" in text.lower() and sparql) else None
    if undeclared:
        prefix, at_line, at_column = undeclared
        return QuerySyntaxError(source, f"prefix '{prefix}:' is used but not declared; add a PREFIX {prefix}: <...> line", at_line, at_column)
    line: int | None = getattr(exc, "lineno", None)
    column: int | None = getattr(exc, "col", None) or getattr(exc, "column", None)
    match = re.search(r"(?:line |at |error at )(\d+):(\d+)", text) or re.search(r"line:?\s*(\d+),?\s*col(?:umn)?:?\s*(\d+)", text)
    if line is None and match:
        line, column = int(match.group(1)), int(match.group(2))
    if sparql and (line is None or _at_end(sparql, line, column)):
        # Oxigraph often reports the end of the text; rdflib's parser names the clause that fails
        line, column = _rdflib_position(sparql) or (line, column)
    detail = text.splitlines()[0] if text else type(exc).__name__
    detail = re.sub(r"^error at \d+:\d+:\s*", "", detail)
    detail = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", detail)
    if len(detail) > 160:  # oxigraph lists every token it could accept; the start says enough
        detail = detail[:157].rsplit(",", 1)[0] + ", ..."
    return QuerySyntaxError(source, detail, line, column)


class Engine:
    """Base class: an in-memory dataset loaded from files, answering SPARQL SELECT and ASK."""

    name = "engine"
    #: True when the engine binds parameters before evaluation everywhere in the query (rdflib's
    #: initBindings); otherwise parameters are joined in through a VALUES block.
    prebinds = False

    def load(self, path: Path) -> None:
        """Add the triples of an RDF file to the dataset."""
        raise NotImplementedError

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, source: str = "query") -> SelectResult:
        """Run ``sparql`` with ``bindings`` (variable name -> node) and return its rows."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class OxigraphEngine(Engine):
    """Raw pyoxigraph in memory."""

    name = "oxigraph"

    def __init__(self, store: pyoxigraph.Store | None = None) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self.store = store if store is not None else pyoxigraph.Store()

    def load(self, path: Path) -> None:
        fmt = {
            ".ttl": self._ox.RdfFormat.TURTLE,
            ".nt": self._ox.RdfFormat.N_TRIPLES,
            ".owl": self._ox.RdfFormat.RDF_XML,
            ".rdf": self._ox.RdfFormat.RDF_XML,
            ".jsonld": self._ox.RdfFormat.JSON_LD,
            ".nq": self._ox.RdfFormat.N_QUADS,
        }.get(path.suffix.lower(), self._ox.RdfFormat.TURTLE)
        try:
            self.store.load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise OntologyFileError(f"{path}: {exc}") from None

    def _to_ox(self, node: Node) -> Any:
        ox = self._ox
        if node.kind == "uri":
            return ox.NamedNode(node.value)
        if node.kind == "bnode":
            return ox.BlankNode(node.value)
        if node.lang:
            return ox.Literal(node.value, language=node.lang)
        return ox.Literal(node.value, datatype=ox.NamedNode(node.datatype) if node.datatype else None)

    def _from_ox(self, term: Any) -> Node | None:
        ox = self._ox
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            return Node("uri", term.value)
        if isinstance(term, ox.BlankNode):
            return Node("bnode", term.value)
        datatype = term.datatype.value
        if term.language:
            return Node("literal", term.value, None, term.language)
        return Node("literal", term.value, None if datatype == _XSD + "string" else datatype)

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, source: str = "query") -> SelectResult:
        ox = self._ox
        subs = {ox.Variable(k): self._to_ox(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(sparql, substitutions=subs or None)
        except SyntaxError as exc:
            raise _syntax_error(source, exc, sparql) from None
        if isinstance(result, ox.QueryBoolean):
            return SelectResult((), (), bool(result))
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError(source, "only SELECT and ASK queries return rows; use CONSTRUCT through kg.graph")
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(self._from_ox(sol[v]) for v in variables) for sol in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return len(self.store)


class RdflibEngine(Engine):
    """The rdflib API, over rdflib's own store (``store="default"``) or Oxigraph (``"Oxigraph"``)."""

    def __init__(self, store: str = "default", graph: rdflib.Graph | None = None) -> None:
        import rdflib

        self._rdflib = rdflib
        self.name = "rdflib" if store == "default" else "oxrdflib"
        self._oxstore = store != "default"
        # oxrdflib hands bindings to Oxigraph, which substitutes only projected variables
        self.prebinds = not self._oxstore
        self.graph = graph if graph is not None else rdflib.Graph(store=store)

    def load(self, path: Path) -> None:
        fmt = _FORMATS.get(path.suffix.lower(), "turtle")
        if self._oxstore and fmt in ("turtle", "ntriples", "xml"):
            fmt = {"turtle": "ox-turtle", "ntriples": "ox-ntriples", "xml": "ox-xml"}[fmt]
        try:
            self.graph.parse(str(path), format=fmt)
        except Exception as exc:  # parsers raise many types; all mean "this file is broken"
            raise OntologyFileError(f"{path}: {exc}") from None

    def _to_rdflib(self, node: Node) -> Any:
        r = self._rdflib
        if node.kind == "uri":
            return r.URIRef(node.value)
        if node.kind == "bnode":
            return r.BNode(node.value)
        return r.Literal(node.value, lang=node.lang, datatype=None if node.lang or not node.datatype else r.URIRef(node.datatype))

    def _from_rdflib(self, term: Any) -> Node | None:
        r = self._rdflib
        if term is None:
            return None
        if isinstance(term, r.URIRef):
            return Node("uri", str(term))
        if isinstance(term, r.BNode):
            return Node("bnode", str(term))
        datatype = str(term.datatype) if term.datatype is not None else None
        if datatype in (_XSD + "string", _RDF_LANG_STRING):
            datatype = None
        return Node("literal", str(term), datatype, term.language)

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, source: str = "query") -> SelectResult:
        init = {self._rdflib.Variable(k): self._to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            result = self.graph.query(sparql, initBindings=init)
        except SyntaxError as exc:  # oxrdflib hands the query to Oxigraph's parser
            raise _syntax_error(source, exc, sparql) from None
        except Exception as exc:  # pyparsing.ParseException and friends
            if type(exc).__name__ in ("ParseException", "ParseSyntaxException", "ParseFatalException"):
                raise _syntax_error(source, exc, sparql) from None
            if str(exc).startswith("Unknown namespace prefix"):  # rdflib raises a bare Exception
                raise _syntax_error(source, exc, sparql) from None
            raise
        if result.type == "ASK":
            return SelectResult((), (), bool(result.askAnswer))
        if result.type != "SELECT":
            raise QuerySyntaxError(source, "only SELECT and ASK queries return rows; use CONSTRUCT through kg.graph")
        variables = tuple(str(v) for v in result.vars)
        rows = tuple(tuple(self._from_rdflib(row[i]) for i in range(len(variables))) for row in result)
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        return len(self.graph)


def open_engine(name: str, paths: Sequence[Path]) -> Engine:
    """Create the engine called ``name`` and load ``paths`` into it."""
    if name == "oxigraph":
        engine: Engine = OxigraphEngine()
    elif name == "oxrdflib":
        engine = RdflibEngine("Oxigraph")
    elif name == "rdflib":
        engine = RdflibEngine("default")
    else:
        from difflib import get_close_matches

        close = get_close_matches(name, ENGINES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown engine {name!r}{hint} (choose one of {', '.join(ENGINES)})")
    for path in paths:
        engine.load(Path(path))
    return engine
