"""Release files: the ontology in every standard serialization, byte-for-byte reproducible.

``build_release(kg, out_dir)`` writes one directory that integrators download:

==========================  =========================================================================
``attachgraph.ttl``          the ontology in canonical Turtle (:mod:`attachgraph.canonical`)
``attachgraph.owl``          RDF/XML (what Protégé, ROBOT and owlready2 read first)
``attachgraph.nt``           N-Triples, one triple per line, lines sorted
``attachgraph.jsonld``       JSON-LD with a small context holding only the prefixes it uses
``attachgraph-simple.ttl``   a graph for graph users: concepts, labels, the class hierarchy and the
                             direct edges (``ag:increases`` ...), without claim nodes
``attachgraph-mappings.ttl`` the SSSOM mappings as ``skos:*Match`` triples
``CHANGELOG.md``             the knowledge added, changed and deprecated since a previous release
``SHA256SUMS``               checksums of the files above
==========================  =========================================================================

Every release carries the version IRI ``https://w3id.org/attachgraph/releases/X.Y.Z``. rdflib's
RDF/XML, N-Triples and JSON-LD writers follow the store's hash order, so two runs differ; the
writers here sort subjects, predicates and objects, and blank nodes get content-derived labels,
so two builds of the same input give identical bytes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write_text
from ._version import __version__
from .errors import OntologyFileError
from .namespaces import AG, ONTOLOGY_IRI, PREFIXES, version_iri

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node as RdfNode

    from .graph import KnowledgeGraph

__all__ = [
    "Changelog",
    "Mapping",
    "ReleaseResult",
    "build_release",
    "changelog",
    "mappings_graph",
    "read_sssom",
    "release_graph",
    "simple_graph",
    "to_jsonld",
    "to_ntriples",
    "to_rdfxml",
]

#: The files of a release, in the order they are written and listed.
RELEASE_FILES = (
    "attachgraph.ttl",
    "attachgraph.owl",
    "attachgraph.nt",
    "attachgraph.jsonld",
    "attachgraph-simple.ttl",
    "attachgraph-mappings.ttl",
    "CHANGELOG.md",
)

SIMPLE_IRI = AG + "simple"
MAPPINGS_IRI = AG + "mappings"
_SKOS = PREFIXES["skos"]
_SKOS_MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
_VERSION = re.compile(r"^\d+\.\d+\.\d+([.-]?[A-Za-z0-9.]+)?$")
_NUMBER = re.compile(r"(\d+)")
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_JSON_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
# Prefixes for RDF/XML QNames and JSON-LD compact IRIs. IAO's prefix ends in "_", which is neither
# an XML name boundary nor a JSON-LD 1.1 prefix boundary, so these formats use "obo:IAO_..." instead.
_NAME_PREFIXES = {p: base for p, base in PREFIXES.items() if p != "IAO"} | {"obo": "http://purl.obolibrary.org/obo/"}


def _natural_key(text: str) -> tuple[object, ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _NUMBER.split(text) if part)


# --- the release graph ------------------------------------------------------------------------


def release_graph(kg: KnowledgeGraph, version: str = __version__, *, prior_version: str | None = None) -> Graph:
    """Return a copy of ``kg``'s graph stamped with the release ``version``.

    The ontology header gets ``owl:versionIRI`` ``.../releases/VERSION`` and ``owl:versionInfo``
    (replacing what the source says) and, when given, ``owl:priorVersion``. The source is never
    changed.

    Examples
    --------
    >>> import attachgraph
    >>> g = release_graph(attachgraph.load(), "9.9.9")
    >>> from rdflib import URIRef, OWL
    >>> str(g.value(URIRef("https://w3id.org/attachgraph"), OWL.versionIRI))
    'https://w3id.org/attachgraph/releases/9.9.9'
    """
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import OWL

    _check_version(version)
    graph = Graph()
    for triple in kg.graph:
        graph.add(triple)
    onto = URIRef(ONTOLOGY_IRI)
    if (onto, None, None) not in graph:
        raise OntologyFileError(f"the graph has no ontology header <{ONTOLOGY_IRI}>; a release needs one")
    graph.set((onto, OWL.versionIRI, URIRef(version_iri(version))))
    graph.set((onto, OWL.versionInfo, Literal(version)))
    if prior_version:
        graph.set((onto, OWL.priorVersion, URIRef(prior_version)))
    return _canonical_bnodes(graph)


def _check_version(version: str) -> None:
    if not _VERSION.match(version):
        raise OntologyFileError(f"release version {version!r} is not of the form X.Y.Z (e.g. 0.2.0)")


def _canonical_bnodes(graph: Graph) -> Graph:
    """Relabel blank nodes by their content, so labels do not change between runs."""
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    if not any(isinstance(term, BNode) for triple in graph for term in triple):
        return graph
    canonical = Graph()
    for triple in to_canonical_graph(graph):
        canonical.add(triple)
    return canonical


# --- N-Triples -----------------------------------------------------------------------------------


def to_ntriples(graph: Graph) -> str:
    """Return ``graph`` as N-Triples with the lines sorted (code-point order), so output is stable.

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:b> <urn:p> 'x' . <urn:a> <urn:p> 'y' .", format="turtle")
    >>> print(to_ntriples(g), end="")
    <urn:a> <urn:p> "y" .
    <urn:b> <urn:p> "x" .
    """
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    lines = sorted({line for line in text.splitlines() if line.strip()})
    return "\n".join(lines) + "\n" if lines else ""


# --- shared term ordering -----------------------------------------------------------------------


def _subject_order(graph: Graph) -> list[RdfNode]:
    from rdflib import BNode, URIRef
    from rdflib.namespace import OWL, RDF

    subjects = set(graph.subjects())
    named = sorted((s for s in subjects if isinstance(s, URIRef)), key=lambda s: _natural_key(str(s)))
    ontologies = [s for s in named if (s, RDF.type, OWL.Ontology) in graph]
    blank = sorted((s for s in subjects if isinstance(s, BNode)), key=str)
    return ontologies + [s for s in named if s not in ontologies] + blank


def _predicate_key(predicate: RdfNode) -> tuple[int, tuple[object, ...]]:
    from rdflib.namespace import RDF, RDFS

    if predicate == RDF.type:
        return 0, ()
    if predicate == RDFS.label:
        return 1, ()
    return 2, _natural_key(str(predicate))


def _object_key(node: RdfNode) -> tuple[int, tuple[object, ...], str, str]:
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return 0, _natural_key(str(node)), "", ""
    if isinstance(node, Literal):
        return 1, _natural_key(str(node)), node.language or "", str(node.datatype or "")
    assert isinstance(node, BNode)
    return 2, (str(node),), "", ""


# --- RDF/XML -----------------------------------------------------------------------------------

_XML_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_XML_ATTR = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_escape(text: str, table: dict[str, str]) -> str:
    if _XML_INVALID.search(text):
        raise OntologyFileError(f"the value {text[:60]!r} holds a control character that XML cannot carry; remove it")
    return "".join(table.get(ch, ch) for ch in text)


class _QNames:
    """Split IRIs into XML qualified names with fixed prefixes (generated ones sorted, ns1, ns2...)."""

    def __init__(self, iris: Iterable[str]) -> None:
        self.prefixes: dict[str, str] = {}
        extra: set[str] = set()
        for iri in iris:
            if self._known(iri) is None:
                base, local = _split_iri(iri)
                if base is None:
                    raise OntologyFileError(
                        f"<{iri}> cannot be written as an RDF/XML element name; rename it so it ends in a letter-led name"
                    )
                extra.add(base)
        taken = set(_NAME_PREFIXES)
        for index, base in enumerate(sorted(extra), start=1):
            name = f"ns{index}"
            while name in taken:
                name += "_"
            self.prefixes[name] = base

    @staticmethod
    def _known(iri: str) -> tuple[str, str] | None:
        best = None
        for prefix, base in _NAME_PREFIXES.items():
            if iri.startswith(base) and _NCNAME.match(iri[len(base) :]):
                if best is None or len(base) > len(_NAME_PREFIXES[best]):
                    best = prefix
        return (best, iri[len(_NAME_PREFIXES[best]) :]) if best else None

    def qname(self, iri: str) -> str:
        known = self._known(iri)
        if known:
            self.used = getattr(self, "used", set()) | {known[0]}
            return f"{known[0]}:{known[1]}"
        base, local = _split_iri(iri)
        prefix = next(p for p, b in self.prefixes.items() if b == base)
        self.used = getattr(self, "used", set()) | {prefix}
        return f"{prefix}:{local}"

    def declarations(self) -> list[tuple[str, str]]:
        used = getattr(self, "used", set()) | {"rdf"}
        table = {**_NAME_PREFIXES, **self.prefixes}
        order = list(_NAME_PREFIXES) + sorted(self.prefixes)
        return [(p, table[p]) for p in order if p in used]


def _split_iri(iri: str) -> tuple[str | None, str]:
    for index in range(len(iri) - 1, -1, -1):
        if iri[index] in "#/":
            local = iri[index + 1 :]
            return (iri[: index + 1], local) if _NCNAME.match(local) else (None, "")
    return None, ""


def to_rdfxml(graph: Graph) -> str:
    """Return ``graph`` as RDF/XML in a fixed order: same graph, same bytes.

    Subjects come ontology header first, then by IRI (numbers inside IRIs compare as numbers),
    then blank nodes; each node element is named after its OWL/RDFS type when it has one;
    properties follow ``rdf:type``, ``rdfs:label``, then IRI order. Literals keep their language
    tag or datatype; ``xsd:string`` is written plain (the same literal in RDF 1.1).

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(data='<https://w3id.org/attachgraph/A> a <http://www.w3.org/2002/07/owl#Class> .', format="turtle")
    >>> print(to_rdfxml(g), end="")
    <?xml version="1.0" encoding="utf-8"?>
    <rdf:RDF
        xmlns:owl="http://www.w3.org/2002/07/owl#"
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <owl:Class rdf:about="https://w3id.org/attachgraph/A"/>
    </rdf:RDF>
    """
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    predicates = {str(p) for p in graph.predicates()}
    types = {str(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    names = _QNames(predicates | {t for t in types if _QNames._known(t) or _split_iri(t)[0]})
    body: list[str] = []
    for subject in _subject_order(graph):
        node_types = sorted(
            (o for o in graph.objects(subject, RDF.type) if isinstance(o, URIRef)),
            key=lambda t: (0 if str(t).startswith((PREFIXES["owl"], PREFIXES["rdfs"], PREFIXES["rdf"])) else 1, _natural_key(str(t))),
        )
        element_type = next((t for t in node_types if _QNames._known(str(t)) or _split_iri(str(t))[0]), None)
        element = names.qname(str(element_type)) if element_type is not None else "rdf:Description"
        ident = (
            f'rdf:nodeID="{_bnode_id(subject)}"'
            if isinstance(subject, BNode)
            else f'rdf:about="{_xml_escape(str(subject), _XML_ATTR)}"'
        )
        lines = []
        for predicate in sorted(set(graph.predicates(subject)), key=_predicate_key):
            for obj in sorted(graph.objects(subject, predicate), key=_object_key):
                if predicate == RDF.type and obj == element_type:
                    continue
                tag = names.qname(str(predicate))
                if isinstance(obj, URIRef):
                    lines.append(f'    <{tag} rdf:resource="{_xml_escape(str(obj), _XML_ATTR)}"/>')
                elif isinstance(obj, BNode):
                    lines.append(f'    <{tag} rdf:nodeID="{_bnode_id(obj)}"/>')
                else:
                    assert isinstance(obj, Literal)
                    attrs = ""
                    if obj.language:
                        attrs = f' xml:lang="{obj.language}"'
                    elif obj.datatype is not None and obj.datatype != XSD.string:
                        attrs = f' rdf:datatype="{_xml_escape(str(obj.datatype), _XML_ATTR)}"'
                    lines.append(f"    <{tag}{attrs}>{_xml_escape(str(obj), _XML_TEXT)}</{tag}>")
        if lines:
            body.append(f"  <{element} {ident}>\n" + "\n".join(lines) + f"\n  </{element}>")
        else:
            body.append(f"  <{element} {ident}/>")
    header = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    declarations = names.declarations()
    for index, (prefix, base) in enumerate(declarations):
        end = ">" if index == len(declarations) - 1 else ""
        header.append(f'    xmlns:{prefix}="{_xml_escape(base, _XML_ATTR)}"{end}')
    return "\n".join(header + body + ["</rdf:RDF>"]) + "\n"


def _bnode_id(node: RdfNode) -> str:
    # rdf:nodeID must be an XML name; canonical labels are hex digests, so prefix a letter
    text = re.sub(r"[^A-Za-z0-9_]", "_", str(node))
    return text if _NCNAME.match(text) else "b" + text


# --- JSON-LD -----------------------------------------------------------------------------------


def to_jsonld(graph: Graph) -> str:
    """Return ``graph`` as flat JSON-LD whose ``@context`` holds only the prefixes it uses.

    Nodes come in the same order as in RDF/XML; keys are compact IRIs (``rdfs:label``); literals
    keep their exact lexical form, language and datatype. Every prefix ends in ``/`` or ``#`` so
    that JSON-LD 1.0 and 1.1 processors expand the compact IRIs alike.

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(data='<https://w3id.org/attachgraph/A> <http://www.w3.org/2000/01/rdf-schema#label> "a"@en .', format="turtle")
    >>> print(to_jsonld(g), end="")
    {
      "@context": {
        "ag": "https://w3id.org/attachgraph/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#"
      },
      "@graph": [
        {
          "@id": "ag:A",
          "rdfs:label": {
            "@language": "en",
            "@value": "a"
          }
        }
      ]
    }
    """
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    used: set[str] = set()

    def compact(iri: str) -> str:
        best = None
        for prefix, base in _NAME_PREFIXES.items():
            if iri.startswith(base) and _JSON_LOCAL.match(iri[len(base) :]):
                if best is None or len(base) > len(_NAME_PREFIXES[best]):
                    best = prefix
        if best is None:
            return iri
        used.add(best)
        return f"{best}:{iri[len(_NAME_PREFIXES[best]):]}"

    def node_id(node: RdfNode) -> str:
        return f"_:{_bnode_id(node)}" if isinstance(node, BNode) else compact(str(node))

    def value(obj: RdfNode) -> object:
        if isinstance(obj, (URIRef, BNode)):
            return {"@id": node_id(obj)}
        assert isinstance(obj, Literal)
        if obj.language:
            return {"@language": obj.language, "@value": str(obj)}
        if obj.datatype is not None and obj.datatype != XSD.string:
            return {"@type": compact(str(obj.datatype)), "@value": str(obj)}
        return str(obj)

    nodes = []
    for subject in _subject_order(graph):
        node: dict[str, object] = {"@id": node_id(subject)}
        kinds = sorted(graph.objects(subject, RDF.type), key=_object_key)
        if kinds:
            node["@type"] = [node_id(k) for k in kinds] if len(kinds) > 1 else node_id(kinds[0])
        for predicate in sorted(set(graph.predicates(subject)) - {RDF.type}, key=_predicate_key):
            values = [value(o) for o in sorted(graph.objects(subject, predicate), key=_object_key)]
            node[compact(str(predicate))] = values if len(values) > 1 else values[0]
        nodes.append(node)
    context = {p: _NAME_PREFIXES[p] for p in _NAME_PREFIXES if p in used}
    return json.dumps({"@context": context, "@graph": nodes}, indent=2, ensure_ascii=False) + "\n"


# --- the simple graph ------------------------------------------------------------------------------


def simple_graph(graph: Graph, version: str = __version__) -> Graph:
    """Return the "simple" graph: concepts with labels and named superclasses, and direct edges.

    Direct edges are the triples of every sub-property of ``ag:causallyInfluences``
    (``ag:increases``, ``ag:decreases``) and of every care relation (``ag:includes`` ...). Claim
    and care-statement nodes, definitions and provenance are left out: this is the file for
    graph tools (networkx, Neo4j, Cytoscape) that want one edge per cause-effect pair.
    """
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

    ag = lambda name: URIRef(AG + name)  # noqa: E731 - builds IRIs of our namespace
    edge_props = set(graph.transitive_subjects(RDFS.subPropertyOf, ag("causallyInfluences")))
    edge_props |= {o for o in graph.objects(None, ag("careRelation")) if isinstance(o, URIRef)}
    concepts = set(graph.transitive_subjects(RDFS.subClassOf, ag("DomainConcept")))
    simple = Graph()
    onto, source = URIRef(SIMPLE_IRI), URIRef(ONTOLOGY_IRI)
    simple.add((onto, RDF.type, OWL.Ontology))
    simple.add((onto, OWL.versionIRI, URIRef(f"{version_iri(version)}/simple")))
    simple.add((onto, OWL.versionInfo, Literal(version)))
    simple.add((onto, DCTERMS.title, Literal("attachgraph simple graph: concepts and direct causal edges", lang="en")))
    simple.add((onto, DCTERMS.description, Literal(
        "The concepts of the attachgraph ontology with their labels and named superclasses, and one direct "
        "edge per causal claim (increases or decreases) or care statement. Claim nodes, definitions and "
        "evidence are in the full release.", lang="en")))
    simple.add((onto, DCTERMS.source, URIRef(version_iri(version))))
    simple.add((onto, RDFS.comment, Literal(
        "Not medical advice: this graph records what one narrative article claims, for research and teaching.", lang="en")))
    for pred in (DCTERMS.license,):
        for obj in graph.objects(source, pred):
            simple.add((onto, pred, obj))
    for annotation in (DCTERMS.title, DCTERMS.description, DCTERMS.source, DCTERMS.license):
        simple.add((annotation, RDF.type, OWL.AnnotationProperty))
    nodes: set[URIRef] = set(c for c in concepts if isinstance(c, URIRef))
    for prop in edge_props:
        for s, o in graph.subject_objects(prop):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                simple.add((s, prop, o))
                nodes |= {s, o}
        simple.add((prop, RDF.type, OWL.AnnotationProperty))
        for label in graph.objects(prop, RDFS.label):
            simple.add((prop, RDFS.label, label))
        for parent in graph.objects(prop, RDFS.subPropertyOf):
            simple.add((prop, RDFS.subPropertyOf, parent))
            simple.add((parent, RDF.type, OWL.AnnotationProperty))
            for label in graph.objects(parent, RDFS.label):
                simple.add((parent, RDFS.label, label))
    for node in nodes:
        for kind in graph.objects(node, RDF.type):
            if kind in (OWL.Class, OWL.NamedIndividual):
                simple.add((node, RDF.type, kind))
        for label in graph.objects(node, RDFS.label):
            simple.add((node, RDFS.label, label))
        for parent in graph.objects(node, RDFS.subClassOf):
            if isinstance(parent, URIRef) and (parent in nodes or parent == ag("DomainConcept")):
                simple.add((node, RDFS.subClassOf, parent))
    simple.add((ag("DomainConcept"), RDF.type, OWL.Class))
    return simple


# --- mappings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """One SSSOM row, with its CURIEs expanded to IRIs."""

    subject_id: str
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    justification: str
    subject_iri: str
    predicate_iri: str
    object_iri: str


@dataclass
class MappingSet:
    """An SSSOM mapping set: its YAML metadata and its rows."""

    metadata: dict[str, object]
    mappings: list[Mapping] = field(default_factory=list)


def read_sssom(path: Path | str) -> MappingSet:
    """Read an SSSOM/TSV file (YAML header in ``#`` lines, then a TSV table).

    CURIEs are expanded with the file's ``curie_map`` and attachgraph's own prefixes. A missing
    column, a CURIE with an unknown prefix or a malformed header raises
    :class:`~attachgraph.errors.OntologyFileError` naming the file and row.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise OntologyFileError(f"{path}: no SSSOM mapping file there; write it or pass another path")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[1:] for line in lines if line.startswith("#")]
    table = [line for line in lines if not line.startswith("#") and line.strip()]
    try:
        metadata = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise OntologyFileError(f"{path}: the YAML header (lines starting with #) does not parse: {exc}") from None
    if not isinstance(metadata, dict):
        raise OntologyFileError(f"{path}: the YAML header must be a mapping of keys to values")
    curie_map = {**PREFIXES, **{str(k): str(v) for k, v in (metadata.get("curie_map") or {}).items()}}
    rows = list(csv.DictReader(table, delimiter="\t"))
    required = ("subject_id", "predicate_id", "object_id", "mapping_justification")
    missing = [col for col in required if rows and col not in rows[0]]
    if not rows or missing:
        what = f"columns {', '.join(missing)}" if missing else "mapping rows"
        raise OntologyFileError(f"{path}: the table has no {what}; SSSOM needs {', '.join(required)}")

    def expand(curie: str, row: int) -> str:
        prefix, sep, local = curie.partition(":")
        if sep and prefix in curie_map:
            return curie_map[prefix] + local
        raise OntologyFileError(
            f"{path}: row {row}: CURIE {curie!r} has a prefix missing from the curie_map; add {prefix!r} to the header"
        )

    mapping_set = MappingSet(metadata)
    for number, row in enumerate(rows, start=2 + len(header)):
        mapping_set.mappings.append(
            Mapping(
                subject_id=row["subject_id"].strip(),
                subject_label=(row.get("subject_label") or "").strip(),
                predicate_id=row["predicate_id"].strip(),
                object_id=row["object_id"].strip(),
                object_label=(row.get("object_label") or "").strip(),
                justification=row["mapping_justification"].strip(),
                subject_iri=expand(row["subject_id"].strip(), number),
                predicate_iri=expand(row["predicate_id"].strip(), number),
                object_iri=expand(row["object_id"].strip(), number),
            )
        )
    return mapping_set


def mappings_graph(mapping_set: MappingSet, graph: Graph, version: str = __version__) -> tuple[Graph, list[str]]:
    """Return the ``skos:*Match`` triples of ``mapping_set`` as an ontology, and warnings.

    Rows whose predicate is not a SKOS mapping property are left out, each with a warning. The
    file declares what it uses, so it is OWL 2 DL on its own; object labels are the ones the
    mapping set records.
    """
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

    out = Graph()
    onto = URIRef(MAPPINGS_IRI)
    out.add((onto, RDF.type, OWL.Ontology))
    out.add((onto, OWL.versionIRI, URIRef(f"{version_iri(version)}/mappings")))
    out.add((onto, OWL.versionInfo, Literal(version)))
    out.add((onto, DCTERMS.title, Literal("attachgraph mappings to external ontologies (SKOS)", lang="en")))
    out.add((onto, DCTERMS.source, URIRef(version_iri(version))))
    license_iri = mapping_set.metadata.get("license")
    if license_iri:
        out.add((onto, DCTERMS.license, URIRef(str(license_iri))))
    else:
        for obj in graph.objects(URIRef(ONTOLOGY_IRI), DCTERMS.license):
            out.add((onto, DCTERMS.license, obj))
    for annotation in (DCTERMS.title, DCTERMS.source, DCTERMS.license):
        out.add((annotation, RDF.type, OWL.AnnotationProperty))
    warnings = []
    for m in mapping_set.mappings:
        if not (m.predicate_iri.startswith(_SKOS) and m.predicate_iri[len(_SKOS) :] in _SKOS_MATCHES):
            warnings.append(f"mapping {m.subject_id} {m.predicate_id} {m.object_id} left out: not a skos:*Match predicate")
            continue
        subject, predicate, obj = URIRef(m.subject_iri), URIRef(m.predicate_iri), URIRef(m.object_iri)
        if (subject, None, None) not in graph:
            warnings.append(f"mapping subject {m.subject_id} is not a term of the graph")
        out.add((subject, predicate, obj))
        out.add((predicate, RDF.type, OWL.AnnotationProperty))
        out.add((predicate, RDFS.label, Literal(re.sub(r"(?<!^)([A-Z])", r" \1", predicate.split("#")[-1]).lower(), lang="en")))
        for kind in graph.objects(subject, RDF.type):
            if kind in (OWL.Class, OWL.NamedIndividual):
                out.add((subject, RDF.type, kind))
        for label in graph.objects(subject, RDFS.label):
            out.add((subject, RDFS.label, label))
        if m.object_label:
            out.add((obj, RDFS.label, Literal(m.object_label)))
    return out, warnings


# --- changelog ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changelog:
    """What changed in the knowledge between two releases, term by term (IRIs in our namespace)."""

    old_version: str
    new_version: str
    added: tuple[tuple[str, str, str], ...]  # (iri, kind, label)
    removed: tuple[tuple[str, str, str], ...]
    deprecated: tuple[tuple[str, str, str], ...]
    changed: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # (iri, kind, label, changed properties)

    @property
    def empty(self) -> bool:
        """True when no term was added, removed, deprecated or changed."""
        return not (self.added or self.removed or self.deprecated or self.changed)

    def to_markdown(self) -> str:
        """Return the changelog as Markdown, one section per kind of change."""
        out = [f"# Changes from {self.old_version} to {self.new_version}", ""]
        out.append(
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.deprecated)} deprecated, "
            f"{len(self.removed)} removed."
        )
        sections = (
            ("Added", self.added, None),
            ("Deprecated", self.deprecated, None),
            ("Changed", [c[:3] for c in self.changed], [c[3] for c in self.changed]),
            ("Removed (a released IRI should be deprecated, not removed)", self.removed, None),
        )
        for title, rows, details in sections:
            if not rows:
                continue
            out += ["", f"## {title}", ""]
            for index, (iri, kind, label) in enumerate(rows):
                extra = f": {', '.join(details[index])}" if details else ""
                out.append(f"- {kind} `{_curie(iri)}` {label}{extra}")
        if self.empty:
            out += ["", "No change in the knowledge."]
        return "\n".join(out) + "\n"


def _curie(iri: str) -> str:
    from .namespaces import compact

    return compact(iri)


def _term_kind(graph: Graph, term: RdfNode) -> str:
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    types = set(graph.objects(term, RDF.type))
    if URIRef(AG + "CausalClaim") in types:
        return "claim"
    if URIRef(AG + "CareStatement") in types:
        return "care statement"
    if OWL.Class in types:
        ancestors = set(graph.transitive_objects(term, RDFS.subClassOf))
        return "concept" if URIRef(AG + "DomainConcept") in ancestors - {term} else "class"
    if types & {OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty}:
        return "property"
    return "individual" if OWL.NamedIndividual in types else "term"


def changelog(old: Graph, new: Graph) -> Changelog:
    """Compare two releases term by term and return what was added, changed, deprecated, removed.

    A term is an IRI of our namespace that is the subject of some triple. "Changed" lists the
    properties (as CURIEs) whose values differ. The ontology header is not a term.
    """
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDFS

    def terms(graph: Graph) -> dict[URIRef, set[tuple[RdfNode, RdfNode]]]:
        result: dict[URIRef, set[tuple[RdfNode, RdfNode]]] = {}
        for s, p, o in graph:
            if isinstance(s, URIRef) and str(s).startswith(AG):
                result.setdefault(s, set()).add((p, o))
        return result

    def label(graph: Graph, term: URIRef) -> str:
        return str(graph.value(term, RDFS.label) or "")

    def deprecated(graph: Graph, term: URIRef) -> bool:
        return any(str(v).lower() in ("true", "1") for v in graph.objects(term, OWL.deprecated))

    before, after = terms(old), terms(new)
    key = lambda iri: _natural_key(str(iri))  # noqa: E731
    added = tuple((str(t), _term_kind(new, t), label(new, t)) for t in sorted(set(after) - set(before), key=key))
    removed = tuple((str(t), _term_kind(old, t), label(old, t)) for t in sorted(set(before) - set(after), key=key))
    newly_deprecated, changed = [], []
    for term in sorted(set(before) & set(after), key=key):
        if deprecated(new, term) and not deprecated(old, term):
            newly_deprecated.append((str(term), _term_kind(new, term), label(new, term)))
            continue
        diff = before[term] ^ after[term]
        if diff:
            props = sorted({_curie(str(p)) for p, _ in diff}, key=_natural_key)
            changed.append((str(term), _term_kind(new, term), label(new, term), tuple(props)))
    return Changelog(
        old_version=_version_of(old),
        new_version=_version_of(new),
        added=added,
        removed=removed,
        deprecated=tuple(newly_deprecated),
        changed=tuple(changed),
    )


def _version_of(graph: Graph) -> str:
    from rdflib import URIRef
    from rdflib.namespace import OWL

    value = graph.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    return str(value) if value is not None else "unversioned"


def _initial_changelog(graph: Graph, version: str) -> str:
    from rdflib import URIRef
    from rdflib.namespace import RDF

    onto = URIRef(ONTOLOGY_IRI)
    subjects = [s for s in set(graph.subjects()) if isinstance(s, URIRef) and str(s).startswith(AG) and s != onto]
    counts: dict[str, int] = {}
    for term in subjects:
        if (term, RDF.type, None) in graph:
            kind = _term_kind(graph, term)
            counts[kind] = counts.get(kind, 0) + 1
    plural = {"class": "classes", "property": "properties"}
    listing = ", ".join(f"{n} {plural.get(kind, kind + 's') if n != 1 else kind}" for kind, n in sorted(counts.items()))
    return (
        f"# Release {version}\n\nNo previous release was given (`attachgraph release --previous OLD.ttl`), "
        f"so nothing is compared. This release holds {listing}.\n"
    )


# --- the release -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseResult:
    """What :func:`build_release` wrote."""

    directory: Path
    version: str
    version_iri: str
    files: tuple[Path, ...]
    warnings: tuple[str, ...] = ()
    changes: Changelog | None = None


def build_release(
    kg: KnowledgeGraph,
    out_dir: Path | str,
    *,
    version: str = __version__,
    previous: Path | str | None = None,
    mappings: Path | str | None = None,
) -> ReleaseResult:
    """Write the release files of ``kg`` into ``out_dir`` and return what was written.

    Parameters
    ----------
    kg
        The knowledge graph to release (the bundled ontology plus any extensions).
    out_dir
        The release directory; created if needed. Files are replaced atomically.
    version
        The release version (default: the package version); it makes the version IRI.
    previous
        A previous release's ontology (Turtle, RDF/XML or N-Triples) to write ``CHANGELOG.md``
        against; its version IRI becomes ``owl:priorVersion``.
    mappings
        The SSSOM file to turn into ``attachgraph-mappings.ttl`` (default: the bundled one).
        When it does not exist, the mappings file is skipped and a warning says so.

    Examples
    --------
    >>> import attachgraph, tempfile
    >>> result = build_release(attachgraph.load(), tempfile.mkdtemp())
    >>> result.version_iri
    'https://w3id.org/attachgraph/releases/0.1.0'
    >>> sorted(p.name for p in result.files)[:3]
    ['CHANGELOG.md', 'SHA256SUMS', 'attachgraph-mappings.ttl']
    """
    from .canonical import format_graph
    from .resources import mappings_path

    out = Path(out_dir)
    old_graph = _read_previous(Path(previous)) if previous is not None else None
    prior = _prior_version_iri(old_graph) if old_graph is not None else None
    graph = release_graph(kg, version, prior_version=prior)
    warnings: list[str] = []
    texts: dict[str, str] = {
        "attachgraph.ttl": format_graph(graph),
        "attachgraph.owl": to_rdfxml(graph),
        "attachgraph.nt": to_ntriples(graph),
        "attachgraph.jsonld": to_jsonld(graph),
        "attachgraph-simple.ttl": format_graph(simple_graph(graph, version)),
    }
    mapping_file = Path(mappings) if mappings is not None else mappings_path()
    if mapping_file.is_file():
        mapped, mapping_warnings = mappings_graph(read_sssom(mapping_file), graph, version)
        warnings += mapping_warnings
        texts["attachgraph-mappings.ttl"] = format_graph(mapped)
    else:
        warnings.append(
            f"no mapping file at {mapping_file}: attachgraph-mappings.ttl was not written "
            "(add the SSSOM file, or pass mappings=PATH)"
        )
    changes = changelog(old_graph, graph) if old_graph is not None else None
    texts["CHANGELOG.md"] = changes.to_markdown() if changes is not None else _initial_changelog(graph, version)
    written = []
    for name in RELEASE_FILES:
        if name in texts:
            atomic_write_text(out / name, texts[name])
            written.append(out / name)
    sums = "".join(f"{hashlib.sha256(texts[p.name].encode('utf-8')).hexdigest()}  {p.name}\n" for p in written)
    atomic_write_text(out / "SHA256SUMS", sums)
    written.append(out / "SHA256SUMS")
    return ReleaseResult(out, version, version_iri(version), tuple(written), tuple(warnings), changes)


def _read_previous(path: Path) -> Graph:
    from rdflib import Graph

    if not path.is_file():
        raise OntologyFileError(f"{path}: no such file; --previous takes the ontology file of an earlier release")
    fmt = {".ttl": "turtle", ".nt": "nt", ".owl": "xml", ".rdf": "xml", ".jsonld": "json-ld"}.get(path.suffix.lower(), "turtle")
    graph = Graph()
    try:
        graph.parse(str(path), format=fmt)
    except Exception as exc:  # rdflib's parsers raise many types; all mean a broken file
        raise OntologyFileError(f"{path}: does not parse as {fmt}: {exc}") from None
    return graph


def _prior_version_iri(graph: Graph) -> str | None:
    from rdflib import URIRef
    from rdflib.namespace import OWL

    value = graph.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI)
    return str(value) if value is not None else None


def release_file_names(with_mappings: bool = True) -> Sequence[str]:
    """Return the names of the files a release holds."""
    names = [n for n in RELEASE_FILES if with_mappings or n != "attachgraph-mappings.ttl"]
    return [*names, "SHA256SUMS"]
