"""The library of named SPARQL queries in ``ontology/queries/``, and safe parameter binding.

Each query is one ``.rq`` file whose name (its path under the folder, without ``.rq``) is how
users call it. A comment header documents it::

    # title: Interventions acting on a concept
    # question: Which interventions act on a given concept, and with which sign?
    # param: concept (concept, required) the concept the interventions act on
    # param: maxLength (integer 1..6, default 3) the longest chain of claims to follow
    # param: via (concept, optional) keep only paths through this concept
    # returns: ?intervention ?interventionLabel ?sign

A parameter line reads ``NAME (TYPE[ MIN..MAX][, required | , optional | , default VALUE])
description``. Types: ``concept`` (a concept named by label, synonym, CURIE or IRI), ``iri``,
``string``, ``integer`` (with an optional inclusive range) and ``boolean``. A default with spaces
is written in double quotes. A parameter that is neither required nor defaulted is optional: when
it is not given, its variable stays unbound and the query must treat that as "any".

Binding never edits the query with the user's text: each value is first checked against its
type and turned into one SPARQL term (an IRI, a typed literal or an escaped string), and the
terms are joined in through one ``VALUES`` block at the top of the query's outer ``WHERE`` group.
So the same bound query runs unchanged on every embedded engine and on any SPARQL 1.1 endpoint,
and a value can never change the shape of the query.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .engines import Node
from .errors import QueryParameterError, QuerySyntaxError, UnknownQueryError
from .namespaces import expand
from .resources import queries_dir

__all__ = [
    "NamedQuery",
    "QueryParam",
    "bind_params",
    "get_query",
    "inject_values",
    "list_queries",
    "parse_query_text",
    "resolve_query",
    "sparql_term",
]

PARAM_TYPES = ("concept", "iri", "string", "integer", "boolean")
_PARAM = re.compile(
    r"""^(?P<name>\w+)\s*\(
        (?P<type>\w+)(?:\s+(?P<min>-?\d+)\.\.(?P<max>-?\d+))?
        (?:,\s*(?:(?P<flag>required|optional)|default\s+(?P<default>"(?:[^"\\]|\\.)*"|[^\s)]+)))?
        \)\s*(?P<desc>.*)$""",
    re.VERBOSE,
)
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")
# IRIREF of the SPARQL grammar: no spaces, controls or <>"{}|^`\ inside the brackets
_IRI_OK = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*$')


@dataclass(frozen=True)
class QueryParam:
    """One documented parameter of a named query."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str
    minimum: int | None = None
    maximum: int | None = None

    @property
    def signature(self) -> str:
        """A short form for listings, e.g. ``maxLength: integer 1..6 = 4``."""
        kind = self.type + (f" {self.minimum}..{self.maximum}" if self.minimum is not None else "")
        if self.required:
            return f"{self.name}: {kind} (required)"
        if self.default is not None:
            return f"{self.name}: {kind} = {self.default}"
        return f"{self.name}: {kind} (optional)"


@dataclass(frozen=True)
class NamedQuery:
    """A documented SPARQL query from the library (or from a user's file or text)."""

    name: str
    title: str
    question: str
    text: str
    params: tuple[QueryParam, ...] = ()
    returns: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def param(self, name: str) -> QueryParam | None:
        """Return the parameter called ``name``, or None."""
        return next((p for p in self.params if p.name == name), None)

    @property
    def source(self) -> str:
        """How error messages name this query."""
        if self.path is None or queries_dir() in self.path.parents:
            return f"query {self.name!r}"
        return str(self.path)


def _unquote(value: str | None) -> str | None:
    if value is None or not value.startswith('"'):
        return value
    return re.sub(r"\\(.)", r"\1", value[1:-1])


def parse_query_text(name: str, text: str, path: Path | None = None) -> NamedQuery:
    """Read the comment header of a query; a query without one is still usable, undocumented.

    Examples
    --------
    >>> q = parse_query_text("demo", "# title: Demo\\n# param: n (integer 1..5, default 2) how many\\nASK {}")
    >>> q.params[0].signature
    'n: integer 1..5 = 2'
    """
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        key, sep, value = stripped.lstrip("#").strip().partition(":")
        if sep and key.strip() in ("title", "question", "param", "returns"):
            header.setdefault(key.strip(), []).append(value.strip())
    params = []
    for spec in header.get("param", []):
        match = _PARAM.match(spec)
        if not match or match.group("type") not in PARAM_TYPES:
            raise ValueError(
                f"query {name}: cannot read parameter line {spec!r}; write "
                "'NAME (TYPE[ MIN..MAX][, required|, optional|, default VALUE]) description'"
            )
        low, high = match.group("min"), match.group("max")
        params.append(
            QueryParam(
                name=match.group("name"),
                type=match.group("type"),
                required=match.group("flag") == "required",
                default=_unquote(match.group("default")),
                description=match.group("desc"),
                minimum=int(low) if low is not None else None,
                maximum=int(high) if high is not None else None,
            )
        )
    returns = tuple(v.lstrip("?") for spec in header.get("returns", []) for v in spec.split())
    return NamedQuery(
        name=name,
        title=(header.get("title") or [name])[0],
        question=(header.get("question") or [""])[0],
        text=text,
        params=tuple(params),
        returns=returns,
        path=path,
    )


@cache
def _library() -> dict[str, NamedQuery]:
    root = queries_dir()
    library = {}
    for path in sorted(root.rglob("*.rq")):
        name = path.relative_to(root).with_suffix("").as_posix()
        library[name] = parse_query_text(name, path.read_text(encoding="utf-8"), path)
    return library


def list_queries() -> list[NamedQuery]:
    """Return every named query of the library, sorted by name.

    Examples
    --------
    >>> names = [q.name for q in list_queries()]
    >>> "concepts" in names and "paths" in names
    True
    """
    return list(_library().values())


def get_query(name: str) -> NamedQuery:
    """Return the named query ``name``; an unknown name raises with the closest names."""
    library = _library()
    if name in library:
        return library[name]
    from difflib import get_close_matches

    raise UnknownQueryError(name, get_close_matches(name, list(library), n=3, cutoff=0.5))


def _looks_like_sparql(text: str) -> bool:
    return "{" in text or "\n" in text or bool(re.match(r"\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\s+\S", text, re.I))


def resolve_query(query: NamedQuery | str | Path) -> NamedQuery:
    """Turn a library name, a path to a ``.rq`` file or SPARQL text into a :class:`NamedQuery`.

    Examples
    --------
    >>> resolve_query("paths").title
    'Causal paths between two concepts'
    >>> resolve_query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1").name
    'SPARQL text'
    """
    if isinstance(query, NamedQuery):
        return query
    if isinstance(query, str) and query in _library():
        return _library()[query]
    if isinstance(query, Path) or (not _looks_like_sparql(query) and query.endswith((".rq", ".sparql"))):
        path = Path(query)
        if not path.is_file():
            err = UnknownQueryError(str(path))
            err.args = (f"query file {str(path)!r} does not exist; give a library name (see `attachgraph queries`) or an existing .rq file",)
            raise err
        return parse_query_text(path.stem, path.read_text(encoding="utf-8"), path.resolve())
    if _looks_like_sparql(query):
        return parse_query_text("SPARQL text", query)
    return get_query(query)


# --- binding -------------------------------------------------------------------------------


def _param_error(query: NamedQuery, message: str) -> QueryParameterError:
    listed = ", ".join(p.signature for p in query.params) or "none"
    return QueryParameterError(f"{query.source}: {message} (its parameters: {listed})")


def _convert(query: NamedQuery, param: QueryParam, value: object, resolve: Callable[[str], str] | None) -> Node:
    """Check ``value`` against the parameter's type and return it as one SPARQL term."""
    where = f"parameter {param.name!r}"
    if param.type == "integer":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise _param_error(query, f"{where} must be an integer, got {value!r}")
        try:
            number = int(value) if isinstance(value, int) else int(value.strip(), 10)
        except ValueError:
            raise _param_error(query, f"{where} must be an integer, got {value!r}") from None
        low, high = param.minimum, param.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise _param_error(query, f"{where} must lie between {low} and {high}, got {number}")
        return Node.literal(number)
    if param.type == "boolean":
        if isinstance(value, bool):
            return Node.literal(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return Node.literal(value.strip().lower() in _TRUE)
        raise _param_error(query, f"{where} must be true or false, got {value!r}")
    if param.type == "string":
        if not isinstance(value, str):
            raise _param_error(query, f"{where} must be a string, got {value!r}")
        return Node.literal(value)
    # concept and iri: accept a Concept (or anything with .iri) as well as text
    text = getattr(value, "iri", value)
    if not isinstance(text, str) or not text.strip():
        raise _param_error(query, f"{where} must name a {param.type}, got {value!r}")
    if param.type == "concept" and resolve is not None:
        return Node.iri(resolve(text))
    iri = expand(text.strip())
    if not _IRI_OK.match(iri):
        raise _param_error(query, f"{where} must be an IRI or CURIE such as ag:AttachmentTrauma, got {value!r}")
    return Node.iri(iri)


def bind_params(
    query: NamedQuery,
    params: Mapping[str, object],
    resolve: Callable[[str], str] | None = None,
) -> dict[str, Node]:
    """Check ``params`` against the query's header and return variable -> term bindings.

    Defaults fill in what is not given; optional parameters that are not given stay unbound.
    ``resolve`` turns a concept name into its IRI (``KnowledgeGraph.resolve``).

    Raises
    ------
    QueryParameterError
        For an unknown parameter, a missing required one, or a value of the wrong type.

    Examples
    --------
    >>> q = get_query("paths")
    >>> bind_params(q, {"source": "ag:InconsistentCaregiving", "target": "ag:RelapseRisk"})["maxLength"]
    Node(kind='literal', value='4', datatype='http://www.w3.org/2001/XMLSchema#integer', lang=None)
    """
    from difflib import get_close_matches

    known = {p.name for p in query.params}
    for name in params:
        if name not in known:
            close = get_close_matches(name, sorted(known), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise _param_error(query, f"unknown parameter {name!r}{hint}")
    bindings: dict[str, Node] = {}
    for param in query.params:
        value = params.get(param.name)
        if value is None:
            if param.required:
                raise _param_error(query, f"missing required parameter {param.name!r} ({param.description})")
            if param.default is None:
                continue
            value = param.default
        bindings[param.name] = _convert(query, param, value, resolve)
    return bindings


def sparql_term(node: Node) -> str:
    """Write ``node`` as a SPARQL term; refuse anything that could not be written safely.

    Examples
    --------
    >>> sparql_term(Node.literal('say "hi"'))
    '"say \\\\"hi\\\\""'
    >>> sparql_term(Node.literal(3))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if node.kind == "uri":
        if not _IRI_OK.match(node.value):
            raise QueryParameterError(f"cannot use {node.value!r} as an IRI: it is not a valid absolute IRI")
        return f"<{node.value}>"
    if node.kind == "bnode":
        raise QueryParameterError("blank nodes cannot be bound as query parameters")
    # SPARQL decodes \\u escapes before parsing, even after a backslash, so such text could end
    # the string early; refuse it rather than guess.
    if re.search(r"\\[uU]", node.value):
        raise QueryParameterError(f"cannot bind {node.value!r}: a backslash followed by 'u' is not allowed in parameter text")
    escaped = (
        node.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    escaped = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", escaped)  # controls have no meaning in a search
    if node.lang:
        if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", node.lang):
            raise QueryParameterError(f"invalid language tag {node.lang!r}")
        return f'"{escaped}"@{node.lang}'
    if node.datatype:
        return f'"{escaped}"^^{sparql_term(Node.iri(node.datatype))}'
    return f'"{escaped}"'


# Lexical pieces that may contain braces or the word WHERE without being syntax.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*"
)


def _outer_group_start(text: str) -> int | None:
    """Return the index just after the ``{`` that opens the query's outer WHERE group.

    That is the ``{`` after a top-level ``WHERE`` keyword, or, for the short forms without the
    keyword (``SELECT * { ... }``, ``ASK { ... }``), the first top-level ``{``.
    """
    pos, depth, first_brace = 0, 0, None
    while pos < len(text):
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
            continue
        char = text[pos]
        if char == "{":
            if depth == 0 and first_brace is None:
                first_brace = pos + 1
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and char in "wW" and re.match(r"(?i)where(?![\w:])", text[pos:pos + 6]):
            if pos == 0 or not re.match(r"[\w:?$]", text[pos - 1]):
                brace = text.find("{", pos)
                return brace + 1 if brace >= 0 else None
        pos += 1
    return first_brace


def inject_values(
    text: str,
    variables: Sequence[str],
    rows: Iterable[Sequence[Node | None]],
    *,
    source: str = "query",
) -> str:
    """Return ``text`` with ``VALUES (?v ...) { (...) ... }`` at the top of its outer WHERE group.

    ``None`` in a row writes ``UNDEF``. This is how parameters reach every engine and endpoint.

    Examples
    --------
    >>> inject_values("SELECT ?x WHERE { ?x ?p ?o }", ["x"], [[Node.iri("https://w3id.org/attachgraph/Shame")]])
    'SELECT ?x WHERE { VALUES (?x) { (<https://w3id.org/attachgraph/Shame>) }  ?x ?p ?o }'
    """
    variables = list(variables)
    if not variables:
        return text
    for name in variables:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryParameterError(f"{name!r} is not a valid SPARQL variable name")
    start = _outer_group_start(text)
    if start is None:
        raise QuerySyntaxError(source, "no WHERE group found to bind parameters into")
    body = " ".join("(" + " ".join("UNDEF" if t is None else sparql_term(t) for t in row) + ")" for row in rows)
    # one line, no line break: line numbers of syntax errors stay those of the original text
    block = f" VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }} "
    return text[:start] + block + text[start:]
