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


# --- graphs extended with users' own claims ------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "extension" / "extension.ttl"
USER = "urn:attachgraph:user:"


@pytest.fixture(scope="module")
def extended() -> nx.DiGraph:
    return to_networkx(attachgraph.load([EXAMPLE]))


def test_extension_claims_are_marked_with_their_source_and_doi(extended: nx.DiGraph, G: nx.DiGraph) -> None:
    """The worked example's claims are extension edges with their own source, DOI and citation number."""
    from attachgraph.network import extension_summary

    trial = extended.edges[USER + "PeerSupportParticipation", AG + "RelapseRisk"]
    assert trial["extension"] is True and trial["grade_rank"] == 6 and trial["sign"] == -1
    assert trial["doi"] == "https://doi.org/10.5555/attachgraph.example.0003"
    assert trial["source"].startswith("Example D. (2022)") and trial["locators"] == ["Table 3"]
    keys = {s["key"]: s for s in extended.graph["sources"]}
    assert sorted(keys) == [1, 2, 3, 4, 5] and keys[trial["source_keys"][0]]["doi"] == trial["doi"]
    assert [s["short"] for s in extended.graph["sources"]][:2] == ["Example A. (2024)", "Example B. and Example C. (2023)"]
    no_doi = extended.edges[AG + "Shame", AG + "RelapseRisk"]  # the consensus statement has no DOI
    assert no_doi["extension"] and no_doi["doi"] == "" and no_doi["grade_rank"] == 2
    assert extension_summary(extended) == {"claims": 7, "links": 7, "sources": 5}
    # the bundled claims keep their attributes and are not marked
    for u, v, data in G.edges(data=True):
        mine = extended.edges[u, v]
        assert mine["extension"] is False and mine["source_keys"] == [] and mine["doi"] == ""
        assert {k: mine[k] for k in data} == data
    assert extension_summary(G) == {"claims": 0, "links": 0, "sources": 0} and G.graph["sources"] == []
    assert extended.nodes[USER + "SleepDisruption"]["extension"] is True
    assert extended.nodes[AG + "Shame"]["extension"] is False


def test_evidence_scale_comes_from_the_ontology(kg: attachgraph.KnowledgeGraph, G: nx.DiGraph) -> None:
    """G.graph['evidence_scale'] is the ontology's ag:EvidenceGrade individuals, ranks 0..7, weakest first."""
    scale = G.graph["evidence_scale"]
    assert [g["rank"] for g in scale] == list(range(8))
    rows = kg._named_rows("graph/evidence-scale")
    assert [(str(r["grade"]), str(r["label"])) for r in rows] == [(g["iri"], g["label"]) for g in scale]
    assert scale[1]["iri"] == AG + "grade-narrative-claim" and scale[7]["iri"] == AG + "grade-systematic-review"
    assert all(g["definition"] for g in scale)


def test_several_sources_on_one_pair_keep_every_claim(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    """A user claim repeating a bundled link is kept as further evidence: the edge lists both claims."""
    extra = tmp_path / "repeat.ttl"
    extra.write_text(
        """@prefix ag: <https://w3id.org/attachgraph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:attachgraph:user:claim-x> a ag:CausalClaim ;
    ag:cause ag:TemporaryRelief ; ag:effect ag:EmotionalDistress ; ag:polarity ag:polarity-negative ;
    ag:mechanism ag:mechanism-reinforcement ; ag:phase ag:phase-active-use ;
    ag:evidenceGrade ag:grade-case-report ; ag:locator "case 3" ;
    ag:paraphrase "An illustrative repeat of a bundled link, from a made-up case series."@en ;
    dcterms:source <urn:attachgraph:user:source-x> .
<urn:attachgraph:user:source-x> a ag:SourceDocument ;
    dcterms:bibliographicCitation "Example X. (2019). A made-up case series. NOT A REAL REFERENCE." ;
    dcterms:identifier "10.5555/attachgraph.example.0099" .
""",
        encoding="utf-8",
    )
    data = to_networkx(attachgraph.load([extra])).edges[AG + "TemporaryRelief", AG + "EmotionalDistress"]
    assert data["extension"] is True and data["source_keys"] == [1] and data["grade_rank"] == 3
    assert data["doi"] == "https://doi.org/10.5555/attachgraph.example.0099"  # a bare DOI becomes a link text
    assert [e["extension"] for e in data["evidence"]] == [True, False]  # strongest first
    assert data["evidence"][1]["grade_rank"] == 1 and data["evidence"][1]["locators"] == ["para 9"]
