"""The graph as an owlready2 ontology: real uses, checked against the SPARQL answers."""

from __future__ import annotations

from pathlib import Path

import owlready2
import pytest
import rdflib

import attachgraph
from attachgraph.namespaces import AG, version_iri
from attachgraph.owl import to_owlready
from attachgraph.release import build_release

ROOT = Path(__file__).resolve().parents[1]
DOWNSTREAM = ROOT / "examples" / "downstream" / "downstream.ttl"


@pytest.fixture(scope="module")
def onto(kg: attachgraph.KnowledgeGraph) -> owlready2.Ontology:
    return to_owlready(kg)


def test_every_concept_is_a_class_below_its_top_category(onto: owlready2.Ontology, kg: attachgraph.KnowledgeGraph) -> None:
    tops = {str(c.label[0]): c for c in onto.DomainConcept.subclasses()}
    descendants = set(onto.DomainConcept.descendants())
    for concept in kg.concepts():
        cls = onto.world[concept.iri]
        assert cls in descendants, concept.label
        assert str(cls.label[0]) == concept.label
        assert tops[concept.category] in cls.ancestors()  # subclass walk up to the top category


def test_walking_down_from_intervention_finds_every_intervention(onto: owlready2.Ontology, kg: attachgraph.KnowledgeGraph) -> None:
    interventions = {c.iri for c in onto.Intervention.descendants(include_self=False)}
    query = "SELECT ?i WHERE { ?i <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ <%sIntervention> }" % AG
    assert interventions == {str(row[0]) for row in kg.select(query).rows}
    assert AG + "MotivationalInterviewing" in interventions


def test_claims_are_individuals_with_their_property_values(onto: owlready2.Ontology, kg: attachgraph.KnowledgeGraph) -> None:
    claims = kg.claims()
    individuals = {i.iri: i for i in onto.CausalClaim.instances()}
    assert set(individuals) == {c.iri for c in claims}
    for claim in claims:
        ind = individuals[claim.iri]
        assert [c.iri for c in ind.cause] == [claim.cause]
        assert [e.iri for e in ind.effect] == [claim.effect]
        assert [p.sign[0] for p in ind.polarity] == [claim.sign]
        assert sorted(ind.locator) == sorted(claim.locators)
        assert str(ind.paraphrase[0]) == claim.paraphrase


def test_direct_edges_read_as_annotation_values(onto: owlready2.Ontology, kg: attachgraph.KnowledgeGraph) -> None:
    positive = [c for c in kg.claims() if c.sign == 1]
    for claim in positive[:20]:
        assert onto.world[claim.effect] in onto.world[claim.cause].increases


def test_each_call_gets_its_own_world(kg: attachgraph.KnowledgeGraph, onto: owlready2.Ontology) -> None:
    other = to_owlready(kg)
    assert other.world is not onto.world
    assert other.AttachmentTrauma is not onto.AttachmentTrauma
    assert AG.rstrip("/") not in {o.base_iri.rstrip("/") for o in owlready2.default_world.ontologies.values()}


def test_an_rdflib_graph_works_too() -> None:
    graph = rdflib.Graph().parse(data=(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/attachgraph> a owl:Ontology .\n"
        "<https://w3id.org/attachgraph/A> a owl:Class . <https://w3id.org/attachgraph/B> a owl:Class ; "
        "rdfs:subClassOf <https://w3id.org/attachgraph/A> .\n"), format="turtle")
    onto = to_owlready(graph)
    assert onto.B in set(onto.A.descendants())


def test_downstream_example_loads_in_owlready2_with_its_import_resolved(tmp_path: Path) -> None:
    """How an owlready2 user loads a downstream ontology offline: preload the release under its version IRI."""
    pinned = str(next(rdflib.Graph().parse(DOWNSTREAM, format="turtle").objects(None, rdflib.OWL.imports)))
    release = tmp_path / "release"
    build_release(attachgraph.load(), release, version=pinned.removeprefix(version_iri("")))
    world = owlready2.World()
    with open(release / "attachgraph.owl", "rb") as handle:
        world.get_ontology(pinned).load(fileobj=handle)
    rdfxml = rdflib.Graph().parse(DOWNSTREAM, format="turtle").serialize(format="xml", encoding="utf-8")
    downstream = world.get_ontology("https://example.org/attachgraph-downstream").load(fileobj=__import__("io").BytesIO(rdfxml))
    assert [o.base_iri for o in downstream.imported_ontologies] == [AG]
    term = downstream.LocalPeerSupportProgramme
    ag = world.get_namespace(AG)
    assert ag.Intervention in term.ancestors() and ag.DomainConcept in term.ancestors()
    assert term in set(ag.Intervention.descendants())
    member = downstream["programme-2027"]
    assert term in member.is_a
