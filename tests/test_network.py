"""The bridge from the knowledge graph to networkx: nodes, edges, attributes, stages."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import attachgraph
from attachgraph.namespaces import AG
from attachgraph.network import CATEGORY_STAGE, STAGES, stage_of, summary, to_networkx


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


def test_one_edge_per_claim_with_its_sign(kg: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """Every claim becomes an edge carrying its claim IRI and sign; nothing else is an edge."""
    claims = kg.claims()
    assert G.number_of_edges() == len({(c.cause, c.effect) for c in claims})
    for claim in claims:
        data = G.edges[claim.cause, claim.effect]
        assert claim.iri in data["claims"]
        assert data["sign"] == claim.sign in (1, -1)
    assert {data["claim"] for _, _, data in G.edges(data=True)} <= {c.iri for c in claims}


def test_nodes_carry_the_concept_record(kg: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """Each concept is a node with label, category, both definitions, synonyms, IRI and stage."""
    use = G.nodes[AG + "SubstanceUseAsExternalRegulation"]
    concept = kg.concept("substance use as external regulation")
    assert use["label"] == concept.label
    assert use["category"] == "behaviour" and use["stage"] == "behaviour"
    assert use["definition"] == concept.definition and use["informal_definition"] == concept.informal_definition
    assert "self-medication" in use["synonyms"] and use["label"] not in use["synonyms"]
    assert use["synonyms"] == sorted(use["synonyms"], key=str.casefold)
    assert use["iri"] == AG + "SubstanceUseAsExternalRegulation" and use["curie"] == "ag:SubstanceUseAsExternalRegulation"
    assert {c.iri for c in kg.concepts()} <= set(G)


def test_edge_attributes_follow_the_claim(kg: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """An edge gives mechanism, phase, grade (and its rank), locators, paraphrase and source."""
    claim = next(c for c in kg.claims() if c.cause == AG + "TemporaryRelief" and c.effect == AG + "EmotionalDistress")
    data = G.edges[claim.cause, claim.effect]
    assert data["sign"] == -1
    assert (data["mechanism"], data["phase"], data["grade"]) == (claim.mechanism, claim.phase, claim.grade)
    assert data["locators"] == list(claim.locators) and data["paraphrase"] == claim.paraphrase
    assert data["grade_rank"] == 1 and "Attachment Trauma in Addiction" in data["source"]
    assert data["contested"] is False
    inferred = [d for _, _, d in G.edges(data=True) if d["grade"].startswith("curator inference")]
    assert inferred and all(d["grade_rank"] == 0 for d in inferred)


def test_isolated_concepts_can_be_left_out(kg: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """include_isolated=False keeps only concepts that take part in a claim."""
    linked = to_networkx(kg, include_isolated=False)
    assert set(linked) == {n for n in G if G.degree(n) > 0}
    assert len(linked) < len(G)


def test_care_statements_ride_along_as_graph_data(G: nx.DiGraph) -> None:
    """Care statements are not edges; they are kept in G.graph["care"]."""
    care = G.graph["care"]
    includes = {(c["level_label"], c["target_label"]) for c in care if c["relation"] == "includes"}
    assert ("self-management", "psychoeducation") in includes
    assert not G.has_edge(AG + "SelfManagement", AG + "Psychoeducation")  # a care statement, not a claim
    assert {c["relation"] for c in care} >= {"includes", "indicatedBy"}


def test_stages_from_categories_and_phases(G: nx.DiGraph) -> None:
    """Stages follow the category table, refined by the phase of the claims leading in."""
    stage = {G.nodes[n]["label"]: G.nodes[n]["stage"] for n in G}
    assert stage["inconsistent caregiving"] == "early caregiving"
    assert stage["HPA-axis dysregulation"] == "neurobiology"
    assert stage["emotional dysregulation"] == "psychology"
    assert stage["relapse risk"] == "recovery"  # a clinical outcome reached in recovery
    assert stage["addiction"] == "behaviour"  # a clinical outcome of active use
    assert stage["reactivated attachment anxiety"] == "recovery"  # an affective state, recovery-phase causes
    assert stage["motivational interviewing"] == "treatment"
    assert set(stage.values()) <= set(STAGES)
    assert set(CATEGORY_STAGE.values()) <= set(STAGES)


def test_stage_rule_edge_cases() -> None:
    """Unknown categories go to the middle; a tie in phases does not move a concept."""
    assert stage_of("something new") == "psychology"
    assert stage_of("affective state", ["recovery", "active use"]) == "psychology"
    assert stage_of("clinical outcome", ["treatment"]) == "recovery"
    assert stage_of("neurobiological process", ["recovery"]) == "neurobiology"


def test_same_graph_on_every_engine(kg_any: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """rdflib and oxigraph give identical graphs, node for node and edge for edge."""
    other = to_networkx(kg_any)
    assert list(other.nodes(data=True)) == list(G.nodes(data=True))
    assert list(other.edges(data=True)) == list(G.edges(data=True))


def test_several_claims_on_one_pair(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    """A second claim on a pair is merged: best grade wins, locators join, opposite signs are flagged."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        """@prefix ag: <https://w3id.org/attachgraph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
ag:claim-test-1 a ag:CausalClaim ;
    rdfs:label "temporary relief increases emotional distress (test)"@en ;
    ag:cause ag:TemporaryRelief ; ag:effect ag:EmotionalDistress ;
    ag:polarity ag:polarity-positive ; ag:mechanism ag:mechanism-reinforcement ;
    ag:phase ag:phase-active-use ; ag:evidenceGrade ag:grade-cohort-study ;
    ag:locator "p. 7" ; ag:paraphrase "A test claim with the opposite sign and a stronger grade."@en ;
    dcterms:source ag:source-article .
""",
        encoding="utf-8",
    )
    G2 = to_networkx(attachgraph.load([extra]))
    data = G2.edges[AG + "TemporaryRelief", AG + "EmotionalDistress"]
    assert data["contested"] is True
    assert data["claim"] == AG + "claim-test-1" and data["sign"] == 1  # cohort study outranks the narrative claim
    assert len(data["claims"]) == 2 and "p. 7" in data["locators"] and "para 9" in data["locators"]
    assert G2.number_of_edges() == to_networkx(kg).number_of_edges()


def test_summary_counts(G: nx.DiGraph) -> None:
    """summary() counts nodes, edges and each sign."""
    counts = summary(G)
    assert counts["edges"] == counts["increases"] + counts["decreases"] == G.number_of_edges()
    assert counts["decreases"] >= 10
