"""The library of named SPARQL queries in ``ontology/queries/``.

Each query is one ``.rq`` file whose name (its path under the folder, without ``.rq``) is how
users call it. A comment header documents it::

    # title: Interventions acting on a concept
    # question: Which interventions act on a given concept, and with which sign?
    # param: concept (concept, required) the concept the interventions act on
    # param: maxLength (integer, default 4) the longest path to follow
    # returns: ?intervention ?interventionLabel ?sign

Parameter types: ``concept`` (a concept named by label, synonym, CURIE or IRI), ``iri``,
``string``, ``integer`` and ``boolean``. Values are bound as SPARQL terms by the engine
(initial bindings / substitutions), never by editing the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import UnknownQueryError
from .resources import queries_dir

__all__ = ["NamedQuery", "QueryParam", "get_query", "list_queries", "parse_query_text"]

PARAM_TYPES = ("concept", "iri", "string", "integer", "boolean")
_PARAM = re.compile(r"^(\w+)\s*\((\w+)(?:,\s*(required|default\s+(\S+)))?\)\s*(.*)$")


@dataclass(frozen=True)
class QueryParam:
    """One documented parameter of a named query."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A documented SPARQL query from the library (or from a user's file)."""

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


def parse_query_text(name: str, text: str, path: Path | None = None) -> NamedQuery:
    """Read the comment header of a query; a query without one is still usable, undocumented."""
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
        if not match or match.group(2) not in PARAM_TYPES:
            raise ValueError(f"query {name}: cannot read parameter line {spec!r}; write 'NAME (TYPE[, required|, default VALUE]) description'")
        pname, ptype, flag, default, desc = match.groups()
        params.append(QueryParam(pname, ptype, flag == "required", default, desc))
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
    >>> "concepts" in names and "claims" in names
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
