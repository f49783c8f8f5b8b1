"""IRIs and prefixes shared by the ontology, the queries and the code.

This module imports nothing heavy: IRIs are plain strings here, so the fast paths (the CLI on
pyoxigraph) never need rdflib. Modules that work with rdflib wrap them in ``URIRef``.
"""

from __future__ import annotations

__all__ = ["AG", "ONTOLOGY_IRI", "PREFIXES", "Term", "compact", "expand", "version_iri"]

AG = "https://w3id.org/attachgraph/"
ONTOLOGY_IRI = "https://w3id.org/attachgraph"

#: Prefixes used across the project, in the order the canonical Turtle writes them.
PREFIXES: dict[str, str] = {
    "ag": AG,
    "dcterms": "http://purl.org/dc/terms/",
    "IAO": "http://purl.obolibrary.org/obo/IAO_",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def version_iri(version: str) -> str:
    """Return the versioned IRI of a release, e.g. ``https://w3id.org/attachgraph/releases/0.1.0``."""
    return f"{AG}releases/{version}"


def expand(curie: str) -> str:
    """Expand a CURIE such as ``ag:AttachmentTrauma`` with :data:`PREFIXES`; full IRIs pass through."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def compact(iri: str) -> str:
    """Compact an IRI to a CURIE with the longest matching prefix; unknown IRIs pass through."""
    best = ""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(base) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


class Term:
    """The IRIs of the schema terms the code refers to, so no IRI is spelled twice."""

    # classes
    CausalClaim = AG + "CausalClaim"
    CareStatement = AG + "CareStatement"
    Intervention = AG + "Intervention"
    LevelOfCare = AG + "LevelOfCare"
    # claim properties
    cause = AG + "cause"
    effect = AG + "effect"
    polarity = AG + "polarity"
    mechanism = AG + "mechanism"
    phase = AG + "phase"
    evidenceGrade = AG + "evidenceGrade"
    paraphrase = AG + "paraphrase"
    locator = AG + "locator"
    # direct edges derived from claims
    causallyInfluences = AG + "causallyInfluences"
    increases = AG + "increases"
    decreases = AG + "decreases"
    # polarity values
    positive = AG + "polarity-positive"
    negative = AG + "polarity-negative"
    # annotations on concepts
    label = PREFIXES["rdfs"] + "label"
    definition = PREFIXES["IAO"] + "0000115"
    informalDefinition = AG + "informalDefinition"
    exactSynonym = PREFIXES["oboInOwl"] + "hasExactSynonym"
    relatedSynonym = PREFIXES["oboInOwl"] + "hasRelatedSynonym"
    narrowSynonym = PREFIXES["oboInOwl"] + "hasNarrowSynonym"
    broadSynonym = PREFIXES["oboInOwl"] + "hasBroadSynonym"
    subClassOf = PREFIXES["rdfs"] + "subClassOf"
    deprecated = PREFIXES["owl"] + "deprecated"
