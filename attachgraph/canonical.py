"""Canonical Turtle: one byte-stable form for every hand-edited Turtle file.

rdflib's serializers order subject blocks by reference count, so adding one triple can move
whole blocks and make diffs unreadable. This writer fixes the form:

* the prefixes of :data:`attachgraph.namespaces.PREFIXES` that the file uses, in that order;
* the ``owl:Ontology`` block first, then one block per named subject, sorted by IRI
  (numbers inside IRIs compare as numbers, so ``claim-9`` comes before ``claim-10``);
* in each block ``a`` first, then ``rdfs:label``, then the other predicates by CURIE;
* one object per line when there are several, sorted the same way;
* blank nodes only inline (``[ ... ]`` or RDF lists ``( ... )``), never as block subjects;
* LF line endings, no trailing spaces, one final newline.

``format_file(path, check=True)`` says whether a file is already a fixed point; CI runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import OntologyFileError
from .namespaces import PREFIXES

__all__ = ["format_file", "format_graph", "parse_turtle"]

_INDENT = "    "
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_NUMBER = re.compile(r"(\d+)")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _natural_key(text: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in _NUMBER.split(text))


class _Writer:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.used_prefixes: set[str] = set()
        self.inline_bnodes = {o for o in graph.objects() if isinstance(o, BNode)}

    # --- terms -------------------------------------------------------------
    def iri(self, iri: URIRef) -> str:
        if iri == RDF.type:
            return "a"
        text = str(iri)
        best = max((p for p, base in PREFIXES.items() if text.startswith(base)), key=lambda p: len(PREFIXES[p]), default=None)
        if best is not None:
            local = text[len(PREFIXES[best]) :]
            if _PN_LOCAL.match(local):
                self.used_prefixes.add(best)
                return f"{best}:{local}"
        return f"<{text}>"

    def literal(self, lit: Literal) -> str:
        lexical = "".join(_ESCAPES.get(ch, ch) for ch in str(lit))
        if lit.language:
            return f'"{lexical}"@{lit.language}'
        datatype = lit.datatype
        if datatype is None or datatype == XSD.string:
            return f'"{lexical}"'
        if datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", str(lit)):
            return str(int(str(lit)))
        if datatype == XSD.boolean and str(lit) in ("true", "false"):
            return str(lit)
        return f'"{lexical}"^^{self.iri(URIRef(datatype))}'

    def term(self, node: object, depth: int) -> str:
        if isinstance(node, URIRef):
            return self.iri(node)
        if isinstance(node, Literal):
            return self.literal(node)
        if isinstance(node, BNode):
            return self.bnode(node, depth)
        raise OntologyFileError(f"cannot write term {node!r}")

    def bnode(self, node: BNode, depth: int) -> str:
        if (node, RDF.first, None) in self.graph:
            items = [self.term(item, depth + 1) for item in Collection(self.graph, node)]
            return "( " + " ".join(items) + " )"
        lines = self.predicate_lines(node, depth + 1)
        pad = _INDENT * depth
        return "[\n" + "\n".join(lines) + f"\n{pad}]"

    # --- blocks ------------------------------------------------------------
    def sort_key(self, node: object) -> tuple[int, tuple[object, ...]]:
        rank = 0 if isinstance(node, URIRef) else 1 if isinstance(node, Literal) else 2
        text = self.term(node, 0) if not isinstance(node, BNode) else self.term(node, 0)
        return rank, _natural_key(text)

    def predicate_key(self, predicate: URIRef) -> tuple[int, str]:
        if predicate == RDF.type:
            return 0, ""
        if predicate == RDFS.label:
            return 1, ""
        return 2, self.iri(predicate)

    def predicate_lines(self, subject: object, depth: int) -> list[str]:
        pad = _INDENT * depth
        predicates = sorted(set(self.graph.predicates(subject)), key=self.predicate_key)
        lines = []
        for predicate in predicates:
            if isinstance(subject, BNode) and predicate in (RDF.first, RDF.rest):
                continue
            objects = sorted(self.graph.objects(subject, predicate), key=self.sort_key)
            rendered = [self.term(o, depth + 1) for o in objects]
            head = f"{pad}{self.iri(predicate)}"
            if len(rendered) == 1:
                lines.append(f"{head} {rendered[0]} ;")
            else:
                body = ",\n".join(f"{pad}{_INDENT}{r}" for r in rendered)
                lines.append(f"{head}\n{body} ;")
        return lines

    def block(self, subject: URIRef) -> str:
        return "\n".join([self.iri(subject), *self.predicate_lines(subject, 1), "."])

    def document(self) -> str:
        stray = [s for s in set(self.graph.subjects()) if isinstance(s, BNode) and s not in self.inline_bnodes]
        if stray:
            raise OntologyFileError(
                f"{len(stray)} blank node(s) are not nested under a named subject; give them IRIs"
            )
        subjects = sorted({s for s in self.graph.subjects() if isinstance(s, URIRef)}, key=lambda s: _natural_key(str(s)))
        ontologies = [s for s in subjects if (s, RDF.type, OWL.Ontology) in self.graph]
        ordered = ontologies + [s for s in subjects if s not in ontologies]
        blocks = [self.block(s) for s in ordered]
        prefixes = [f"@prefix {p}: <{base}> ." for p, base in PREFIXES.items() if p in self.used_prefixes]
        return "\n".join(prefixes) + "\n\n" + "\n\n".join(blocks) + "\n"


def format_graph(graph: Graph) -> str:
    """Return the canonical Turtle text of ``graph``.

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(data='<https://w3id.org/attachgraph/B> <http://www.w3.org/2000/01/rdf-schema#label> "b"@en .'
    ...     '<https://w3id.org/attachgraph/A> <http://www.w3.org/2000/01/rdf-schema#label> "a"@en .', format="turtle")
    >>> print(format_graph(g))
    @prefix ag: <https://w3id.org/attachgraph/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <BLANKLINE>
    ag:A
        rdfs:label "a"@en ;
    .
    <BLANKLINE>
    ag:B
        rdfs:label "b"@en ;
    .
    <BLANKLINE>
    """
    return _Writer(graph).document()


def parse_turtle(path: Path | str, data: str | None = None) -> Graph:
    """Parse a Turtle file (or ``data``) into a plain rdflib graph; errors name the file and line."""
    graph = Graph()
    try:
        if data is None:
            graph.parse(str(path), format="turtle")
        else:
            graph.parse(data=data, format="turtle")
    except Exception as exc:  # rdflib raises many types; all mean the same to a user
        raise OntologyFileError(f"{path}: does not parse as Turtle: {exc}") from None
    return graph


def format_file(path: Path | str, *, check: bool = False) -> bool:
    """Rewrite ``path`` in canonical form, or with ``check=True`` only report whether it is one.

    Returns True when the file already was canonical. The rewrite is atomic: the old file
    stays intact until the new text is complete.
    """
    from ._io import atomic_write_text

    path = Path(path)
    original = path.read_text(encoding="utf-8")
    canonical = format_graph(parse_turtle(path, original))
    if original == canonical:
        return True
    if not check:
        atomic_write_text(path, canonical)
    return False


def iter_nonfixed(paths: Iterable[Path | str]) -> list[Path]:
    """Return the files among ``paths`` that are not in canonical form."""
    return [Path(p) for p in paths if not format_file(p, check=True)]
