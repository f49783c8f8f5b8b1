"""The competency questions: each named query gives exactly the rows the ontology implies.

Expected rows were worked out by reading the claims and care statements of
``ontology/attachgraph.ttl`` (cause, sign, effect, phase, grade, locators) and following them by
hand; where a question is a graph search (paths, loops, reach), a networkx oracle over
``kg.claims()`` checks the same answer a second way. Every test runs on pyoxigraph and on
rdflib (the ``kg_any`` fixture). When the ontology changes, these rows change with it: that is
the point of a competency question.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest

import attachgraph
from attachgraph.namespaces import compact
from attachgraph.results import Result

AG = "https://w3id.org/attachgraph/"
ROOT = Path(__file__).resolve().parents[1]


def cells(result: Result, *columns: str) -> list[tuple]:
    """The rows as tuples: IRIs as CURIEs, literals as Python values, unbound as None."""
    out = []
    for row in result:
        values = []
        for column in columns or result.variables:
            node = row.node(column)
            values.append(None if node is None else compact(node.value) if node.kind == "uri" else node.to_python())
        out.append(tuple(values))
    return out


def claim_graph(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    graph = nx.DiGraph()
    for claim in kg.claims():
        graph.add_edge(compact(claim.cause), compact(claim.effect), sign=claim.sign, claim=compact(claim.iri))
    return graph


# --- 1. causal pathways from inconsistent caregiving to substance use ---------------------------

PATHWAYS = [
    (2, 1, "positive", "inconsistent caregiving -> attachment trauma -> substance use as external regulation",
     "ag:claim-001 ag:claim-028"),
    (3, 1, "positive", "inconsistent caregiving -> HPA-axis dysregulation -> reduced self-regulation capacity -> "
     "substance use as external regulation", "ag:claim-006 ag:claim-033 ag:claim-016"),
    (3, 1, "positive", "inconsistent caregiving -> attachment trauma -> emotional dysregulation -> "
     "substance use as external regulation", "ag:claim-001 ag:claim-025 ag:claim-035"),
    (3, 1, "positive", "inconsistent caregiving -> attachment trauma -> perceived relational threat -> "
     "substance use as external regulation", "ag:claim-001 ag:claim-049 ag:claim-048"),
    (4, 1, "positive", "inconsistent caregiving -> HPA-axis dysregulation -> reduced self-regulation capacity -> "
     "emotional dysregulation -> substance use as external regulation", "ag:claim-006 ag:claim-033 ag:claim-034 ag:claim-035"),
    (4, 1, "positive", "inconsistent caregiving -> altered stress-regulation systems -> long-term vulnerability to "
     "dysregulation -> emotional dysregulation -> substance use as external regulation",
     "ag:claim-005 ag:claim-007 ag:claim-008 ag:claim-035"),
    (4, 1, "positive", "inconsistent caregiving -> attachment trauma -> unresolved attachment patterns -> "
     "emotional dysregulation -> substance use as external regulation", "ag:claim-001 ag:claim-109 ag:claim-070 ag:claim-035"),
]


def test_pathways_from_inconsistent_caregiving_to_substance_use(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("paths")  # its defaults ask this question
    assert result.variables == ("length", "sign", "netEffect", "path", "claims")
    assert cells(result) == PATHWAYS
    # no longer pathway within the query's upper bound
    assert cells(kg_any.query("paths", maxLength=6)) == PATHWAYS


def test_the_hpa_axis_route(kg_any: attachgraph.KnowledgeGraph) -> None:
    route = kg_any.paths("inconsistent caregiving", "substance use as external regulation", via="HPA-axis dysregulation")
    assert cells(route) == [PATHWAYS[1], PATHWAYS[4]]
    assert cells(kg_any.paths("inconsistent caregiving", "substance use as external regulation", max_length=2)) == PATHWAYS[:1]


def test_negative_paths_carry_a_negative_net_sign(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.paths("emotional regulation training", "substance use as external regulation")
    assert cells(result) == [
        (2, -1, "negative", "emotional regulation training -> distress tolerance -> substance use as external regulation",
         "ag:claim-082 ag:claim-083"),
        (2, -1, "negative", "emotional regulation training -> emotional dysregulation -> substance use as external regulation",
         "ag:claim-084 ag:claim-035"),
    ]


def test_paths_agree_with_a_graph_search(kg: attachgraph.KnowledgeGraph) -> None:
    graph = claim_graph(kg)
    for source, target, bound in [
        ("ag:InconsistentCaregiving", "ag:SubstanceUseAsExternalRegulation", 6),
        ("ag:AttachmentTrauma", "ag:SubstanceDependence", 5),
        ("ag:AttachmentInformedTreatment", "ag:SubstanceUseAsExternalRegulation", 5),
    ]:
        expected = sorted(
            (len(p) - 1, math.prod(graph[a][b]["sign"] for a, b in zip(p, p[1:])),
             " ".join(graph[a][b]["claim"] for a, b in zip(p, p[1:])))
            for p in nx.all_simple_paths(graph, source, target, cutoff=bound)
        )
        found = sorted(cells(kg.paths(source, target, max_length=bound), "length", "sign", "claims"))
        assert found == expected, (source, target)


# --- 2. mediators between attachment trauma and relapse risk ------------------------------------


def test_mediators_between_attachment_trauma_and_relapse_risk(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("mediators")
    assert result.variables == ("mediator", "mediatorLabel", "paths", "shortest")
    # attachment trauma reaches relapse risk through fear of abandonment (paras 24, 28), the swings between
    # dependency and withdrawal (paras 27-28) and unresolved attachment patterns (para 10): one path each
    assert cells(result) == [
        ("ag:FearOfAbandonment", "fear of abandonment", 1, 2),
        ("ag:DependencyWithdrawalOscillation", "oscillation between dependency and withdrawal", 1, 2),
        ("ag:UnresolvedAttachmentPatterns", "unresolved attachment patterns", 1, 2),
    ]


def test_mediators_rank_by_the_number_of_paths(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.mediators("inconsistent caregiving", "substance use as external regulation", max_length=4)
    assert cells(result, "mediator", "paths", "shortest") == [
        ("ag:AttachmentTrauma", 4, 2),
        ("ag:EmotionalDysregulation", 4, 3),
        ("ag:HPAAxisDysregulation", 2, 3),
        ("ag:ReducedSelfRegulationCapacity", 2, 3),
        ("ag:PerceivedRelationalThreat", 1, 3),
        ("ag:AlteredStressRegulation", 1, 4),
        ("ag:LongTermDysregulationVulnerability", 1, 4),
        ("ag:UnresolvedAttachmentPatterns", 1, 4),
    ]


# --- 3. interventions acting on emotional dysregulation ------------------------------------------


def test_interventions_acting_on_emotional_dysregulation(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("interventions-on")
    assert result.variables == ("intervention", "interventionLabel", "kind", "length", "sign", "effect", "path", "claims")
    assert cells(result) == [
        ("ag:AttachmentInformedTreatment", "attachment-informed addiction treatment", "intervention", 1, -1, "decreases",
         "attachment-informed addiction treatment -> emotional dysregulation", "ag:claim-102"),
        ("ag:EmotionalRegulationTraining", "emotional regulation training", "intervention", 1, -1, "decreases",
         "emotional regulation training -> emotional dysregulation", "ag:claim-084"),
    ]


def test_interventions_acting_through_chains(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.interventions_on("emotional dysregulation", max_length=3)
    assert cells(result, "intervention", "length", "sign", "claims") == [
        ("ag:AttachmentInformedTreatment", 1, -1, "ag:claim-102"),
        ("ag:EmotionalRegulationTraining", 1, -1, "ag:claim-084"),
        ("ag:AttachmentInformedTreatment", 2, -1, "ag:claim-098 ag:claim-034"),
        ("ag:TraumaInformedTherapy", 3, -1, "ag:claim-088 ag:claim-090 ag:claim-070"),
    ]


# --- 4. what each intervention acts on, with sign ------------------------------------------------

ACTS_ON = [
    ("ag:AttachmentInformedTreatment", "ag:BehaviouralControl", 1, "ag:claim-107"),
    ("ag:AttachmentInformedTreatment", "ag:CorrectiveEmotionalExperience", 1, "ag:claim-078"),
    ("ag:AttachmentInformedTreatment", "ag:DeterioratingAttachmentCapacity", -1, "ag:claim-103"),
    ("ag:AttachmentInformedTreatment", "ag:EmotionalDysregulation", -1, "ag:claim-102"),
    ("ag:AttachmentInformedTreatment", "ag:FearOfAbandonment", -1, "ag:claim-111"),
    ("ag:AttachmentInformedTreatment", "ag:InterpersonalDifficulties", -1, "ag:claim-036"),
    ("ag:AttachmentInformedTreatment", "ag:RecoveryOutcome", 1, "ag:claim-101"),
    ("ag:AttachmentInformedTreatment", "ag:ReducedSelfRegulationCapacity", -1, "ag:claim-098"),
    ("ag:AttachmentInformedTreatment", "ag:RelapseRisk", -1, "ag:claim-100"),
    ("ag:AttachmentInformedTreatment", "ag:RelationalAwareness", 1, "ag:claim-106"),
    ("ag:AttachmentInformedTreatment", "ag:StableRelationalPatterns", 1, "ag:claim-096"),
    ("ag:AttachmentInformedTreatment", "ag:SubstanceDependence", -1, "ag:claim-099"),
    ("ag:AttachmentInformedTreatment", "ag:SustainableCoping", 1, "ag:claim-104"),
    ("ag:CognitiveBehaviouralIntervention", "ag:MaladaptiveBelief", -1, "ag:claim-091"),
    ("ag:EmotionalRegulationTraining", "ag:DistressTolerance", 1, "ag:claim-082"),
    ("ag:EmotionalRegulationTraining", "ag:EmotionalDysregulation", -1, "ag:claim-084"),
    ("ag:MotivationalInterviewing", "ag:AmbivalenceTowardChange", -1, "ag:claim-086"),
    ("ag:MotivationalInterviewing", "ag:TreatmentEngagement", 1, "ag:claim-085"),
    ("ag:Psychoeducation", "ag:TreatmentEngagement", 1, "ag:claim-081"),
    ("ag:Psychoeducation", "ag:AdaptiveReframing", 1, "ag:claim-079"),
    ("ag:Psychoeducation", "ag:Shame", -1, "ag:claim-080"),
    ("ag:StableTherapeuticRelationship", "ag:CorrectiveEmotionalExperience", 1, "ag:claim-076"),
    ("ag:StableTherapeuticRelationship", "ag:ImpairedTrust", -1, "ag:claim-077"),
    ("ag:TraumaInformedTherapy", "ag:FeltSafety", 1, "ag:claim-087"),
    ("ag:TraumaInformedTherapy", "ag:RelationalWoundProcessing", 1, "ag:claim-088"),
    ("ag:OutpatientTreatment", "ag:StructuredTherapeuticSupport", 1, "ag:claim-108"),
    ("ag:ResidentialTreatment", "ag:ContinuousTherapeuticExposure", 1, "ag:claim-092"),
    ("ag:ResidentialTreatment", "ag:EnvironmentalStability", 1, "ag:claim-094"),
]


def test_what_each_intervention_acts_on(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("acts-on")
    assert result.variables == ("intervention", "interventionLabel", "kind", "target", "targetLabel", "sign", "effect", "claim")
    assert cells(result, "intervention", "target", "sign", "claim") == ACTS_ON
    kinds = {row[0]: row[1] for row in cells(result, "intervention", "kind")}
    assert {i for i, k in kinds.items() if k == "level of care"} == {"ag:OutpatientTreatment", "ag:ResidentialTreatment"}
    assert all((row["sign"] > 0) == (row["effect"] == "increases") for row in result)


def test_what_one_intervention_acts_on(kg_any: attachgraph.KnowledgeGraph) -> None:
    assert cells(kg_any.acts_on("psychoeducation"), "target", "targetLabel", "sign", "effect") == [
        ("ag:TreatmentEngagement", "engagement in treatment", 1, "increases"),
        ("ag:AdaptiveReframing", "reframing behaviour as adaptation", 1, "increases"),
        ("ag:Shame", "shame", -1, "decreases"),
    ]


# --- 5. loops and their polarity ------------------------------------------------------------------

LOOPS = [
    (2, 1, "reinforcing", "substance use as external regulation -> temporary relief -> substance use as external regulation",
     "ag:claim-039 ag:claim-040"),
    (3, 1, "reinforcing", "deteriorating attachment capacity -> emotional distress -> substance use as external regulation "
     "-> deteriorating attachment capacity", "ag:claim-044 ag:claim-042 ag:claim-043"),
    (3, -1, "balancing", "emotional distress -> substance use as external regulation -> temporary relief -> emotional distress",
     "ag:claim-042 ag:claim-039 ag:claim-041"),
    (3, 1, "reinforcing", "emotional dysregulation -> substance use as external regulation -> weakened cognitive control "
     "over emotions -> emotional dysregulation", "ag:claim-035 ag:claim-046 ag:claim-047"),
]


def test_loops_and_their_polarity(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("loops")
    assert result.variables == ("length", "sign", "polarity", "loop", "claims")
    assert cells(result) == LOOPS
    # para 20's cycle: use -> deteriorating attachment capacity -> distress -> use, reinforcing
    assert cells(kg_any.loops("deteriorating attachment capacity")) == [LOOPS[1]]
    assert cells(kg_any.loops("temporary relief")) == [LOOPS[0], LOOPS[2]]
    assert cells(kg_any.loops(max_length=2)) == [LOOPS[0]]


def test_loops_agree_with_a_cycle_search(kg: attachgraph.KnowledgeGraph) -> None:
    graph = claim_graph(kg)
    expected = sorted(
        (len(c), math.prod(graph[a][b]["sign"] for a, b in zip(c, c[1:] + c[:1])),
         tuple(sorted(graph[a][b]["claim"] for a, b in zip(c, c[1:] + c[:1]))))
        for c in nx.simple_cycles(graph)
        if len(c) <= 6
    )
    found = sorted((length, sign, tuple(sorted(claims.split()))) for length, sign, claims in cells(kg.loops(), "length", "sign", "claims"))
    assert found == expected


# --- 6. what the source ties to each level of care -------------------------------------------------


def test_what_the_source_ties_to_each_level_of_care(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("levels-of-care")
    assert result.variables == (
        "level", "levelLabel", "intensity", "relation", "relationLabel", "target", "targetLabel", "statement", "paraphrase",
    )
    assert cells(result, "level", "intensity", "relationLabel", "target", "statement") == [
        ("ag:LevelOfCare", None, "tiered by", "ag:FunctionalImpairment", "ag:care-002"),
        ("ag:LevelOfCare", None, "tiered by", "ag:Severity", "ag:care-001"),
        ("ag:SelfManagement", 1, "includes", "ag:EmotionalAwarenessTechnique", "ag:care-005"),
        ("ag:SelfManagement", 1, "includes", "ag:Psychoeducation", "ag:care-003"),
        ("ag:SelfManagement", 1, "includes", "ag:SelfMonitoring", "ag:care-004"),
        ("ag:SelfManagement", 1, "insufficient for", "ag:DeeplyIngrainedPatterns", "ag:care-006"),
        ("ag:OutpatientTreatment", 2, "includes", "ag:StructuredTherapeuticSupport", "ag:care-007"),
        ("ag:OutpatientTreatment", 2, "indicated by", "ag:PartiallyPreservedStability", "ag:care-008"),
        ("ag:ResidentialTreatment", 3, "includes", "ag:ContinuousTherapeuticExposure", "ag:care-013"),
        ("ag:ResidentialTreatment", 3, "includes", "ag:EnvironmentalStability", "ag:care-014"),
        ("ag:ResidentialTreatment", 3, "includes", "ag:NewRelationalPatternPractice", "ag:care-015"),
        ("ag:ResidentialTreatment", 3, "indicated by", "ag:EmotionalDysregulation", "ag:care-010"),
        ("ag:ResidentialTreatment", 3, "indicated by", "ag:ExceededOutpatientContainment", "ag:care-009"),
        ("ag:ResidentialTreatment", 3, "indicated by", "ag:RelapseRisk", "ag:care-011"),
        ("ag:ResidentialTreatment", 3, "indicated by", "ag:RelationalInstability", "ag:care-012"),
    ]
    assert all(row["paraphrase"] for row in result)


# --- 7. the evidence behind a link -----------------------------------------------------------------


def test_evidence_behind_a_link(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.evidence("inconsistent caregiving", "HPA-axis dysregulation")
    assert result.variables == (
        "claim", "kind", "cause", "causeLabel", "relation", "relationLabel", "effect", "effectLabel",
        "grade", "gradeLabel", "gradeRank", "paragraph", "locator", "paraphrase", "source", "sourceTitle",
        "sourceIdentifier",
    )
    common = ("ag:claim-006", "causal claim", "ag:InconsistentCaregiving", "ag:increases", "ag:HPAAxisDysregulation",
              "ag:grade-narrative-claim", "claim of a narrative source", 1)
    # paragraphs in number order (8 before 19), not string order
    assert cells(result, "claim", "kind", "cause", "relation", "effect", "grade", "gradeLabel", "gradeRank", "paragraph",
                 "locator", "source", "sourceTitle", "sourceIdentifier") == [
        (*common, 8, "para 8", "ag:source-article", "Attachment Trauma in Addiction", None),
        (*common, 19, "para 19", "ag:source-article", "Attachment Trauma in Addiction", None),
    ]
    paraphrase = next(c.paraphrase for c in kg_any.claims() if c.iri == AG + "claim-006")
    assert {row["paraphrase"] for row in result} == {paraphrase}


def test_evidence_of_an_inferred_link_and_of_a_care_link(kg_any: attachgraph.KnowledgeGraph) -> None:
    inferred = kg_any.evidence("reduced self-regulation capacity", "emotional dysregulation")
    assert cells(inferred, "claim", "grade", "gradeRank", "paragraph") == [
        ("ag:claim-034", "ag:grade-curator-inference", 0, 19),
        ("ag:claim-034", "ag:grade-curator-inference", 0, 47),
    ]
    care = kg_any.evidence("residential treatment", "relapse risk")
    assert cells(care, "claim", "kind", "relation", "relationLabel", "gradeRank", "locator") == [
        ("ag:care-011", "care statement", "ag:indicatedBy", "indicated by", 1, "para 43"),
    ]
    assert len(kg_any.evidence("shame", "relapse risk")) == 0


def test_evidence_of_a_user_claim_shows_its_own_source(kg_any: attachgraph.KnowledgeGraph) -> None:
    """Claims added by `attachgraph extend` have no title: the citation and DOI stand in, with no paragraph."""
    extended = attachgraph.load([ROOT / "examples" / "extension" / "extension.ttl"], engine=kg_any.engine_name)
    rows = extended.evidence("sleep disruption", "relapse risk")
    assert len(rows) == 1
    row = rows[0]
    assert row["paragraph"] is None and row["locator"] == "p. 7"
    assert "NOT A REAL REFERENCE" in row["sourceTitle"]
    assert row["sourceIdentifier"].startswith("https://doi.org/10.5555/")


# --- 8. how attachment trauma shows during recovery ------------------------------------------------


def test_attachment_trauma_in_recovery(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("recovery")
    assert result.variables == ("claim", "cause", "causeLabel", "sign", "effect", "effectLabel", "mechanismLabel", "paraphrase")
    assert cells(result, "claim", "cause", "sign", "effect", "mechanismLabel") == [
        ("ag:claim-061", "ag:SubstanceRemoval", 1, "ag:SurfacingAttachmentVulnerability", "relational"),
        ("ag:claim-062", "ag:SubstanceRemoval", 1, "ag:ReactivatedAttachmentAnxiety", "relational"),
        ("ag:claim-063", "ag:AttachmentTrauma", 1, "ag:DependencyWithdrawalOscillation", "relational"),
        ("ag:claim-064", "ag:TrustDemandingSituation", 1, "ag:FearOfAbandonment", "relational"),
        ("ag:claim-065", "ag:FearOfAbandonment", 1, "ag:RelapseRisk", "relational"),
        ("ag:claim-066", "ag:RelationalTrigger", 1, "ag:EmergingCopingBreakdown", "emotion regulation"),
        ("ag:claim-067", "ag:EmergingCopingBreakdown", 1, "ag:ChronicSubstanceUse", "reinforcement"),
        ("ag:claim-068", "ag:EmergingCopingBreakdown", 1, "ag:RelapseRisk", "reinforcement"),
        ("ag:claim-069", "ag:UnresolvedAttachmentPatterns", 1, "ag:RelapseRisk", "cognitive"),
        ("ag:claim-109", "ag:AttachmentTrauma", 1, "ag:UnresolvedAttachmentPatterns", "relational"),
        ("ag:claim-110", "ag:DependencyWithdrawalOscillation", 1, "ag:RelapseRisk", "relational"),
    ]


# --- 9. the related concepts of paras 45-47 --------------------------------------------------------


def test_related_concepts_and_their_links(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("related-concepts")
    assert cells(result, "concept", "link", "other", "claim") == [
        ("ag:AttachmentInsecurity", "related to", "ag:AttachmentTrauma", None),
        ("ag:AttachmentInsecurity", "increased by", "ag:AttachmentTrauma", "ag:claim-073"),
        ("ag:AttachmentInsecurity", "increased by", "ag:InconsistentCaregiving", "ag:claim-072"),
        ("ag:EmotionalDysregulation", "related to", "ag:AttachmentTrauma", None),
        ("ag:EmotionalDysregulation", "decreased by", "ag:AttachmentInformedTreatment", "ag:claim-102"),
        ("ag:EmotionalDysregulation", "decreased by", "ag:EmotionalRegulationTraining", "ag:claim-084"),
        ("ag:EmotionalDysregulation", "increased by", "ag:AttachmentTrauma", "ag:claim-025"),
        ("ag:EmotionalDysregulation", "increased by", "ag:InadequateEarlyCoRegulation", "ag:claim-019"),
        ("ag:EmotionalDysregulation", "increased by", "ag:LongTermDysregulationVulnerability", "ag:claim-008"),
        ("ag:EmotionalDysregulation", "increased by", "ag:ReducedSelfRegulationCapacity", "ag:claim-034"),
        ("ag:EmotionalDysregulation", "increased by", "ag:UnresolvedAttachmentPatterns", "ag:claim-070"),
        ("ag:EmotionalDysregulation", "increased by", "ag:WeakenedCognitiveControl", "ag:claim-047"),
        ("ag:EmotionalDysregulation", "increases", "ag:SubstanceUseAsExternalRegulation", "ag:claim-035"),
        ("ag:TraumaBonding", "related to", "ag:AttachmentTrauma", None),
        ("ag:TraumaBonding", "related to", "ag:EarlyRelationalDisruption", None),
        ("ag:TraumaBonding", "increased by", "ag:RelationalInstability", "ag:claim-075"),
        ("ag:TraumaBonding", "increases", "ag:SubstanceUseAsExternalRegulation", "ag:claim-074"),
    ]


# --- 10. the external terms each concept maps to ---------------------------------------------------

MAPPING_FIXTURE = """\
@prefix ag: <https://w3id.org/attachgraph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/external/> .

ag:AttachmentTrauma skos:exactMatch ex:term-1 ; skos:relatedMatch ex:term-2 .
ag:Shame skos:closeMatch ex:term-3 .
ag:EmotionalDysregulation skos:broadMatch ex:term-4 ; skos:narrowMatch ex:term-5 .
ag:Shame rdfs:seeAlso ex:term-6 .
ex:term-1 rdfs:label "example term one" .
ex:term-3 skos:prefLabel "example term three" .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_external_terms_each_concept_maps_to(engine: str, tmp_path: Path) -> None:
    # the SSSOM rows join the graph as skos:*Match triples only when a release is built; a small
    # graph of such triples stands in for them here
    fixture = tmp_path / "mappings.ttl"
    fixture.write_text(MAPPING_FIXTURE, encoding="utf-8")
    kg = attachgraph.load([fixture], engine=engine)
    ex = "http://example.org/external/"
    result = kg.query("mappings")
    assert result.variables == ("concept", "conceptLabel", "predicate", "match", "external", "externalLabel")
    assert cells(result) == [
        ("ag:AttachmentTrauma", "attachment trauma", "skos:exactMatch", "exact", ex + "term-1", "example term one"),
        ("ag:AttachmentTrauma", "attachment trauma", "skos:relatedMatch", "related", ex + "term-2", None),
        ("ag:EmotionalDysregulation", "emotional dysregulation", "skos:broadMatch", "broader", ex + "term-4", None),
        ("ag:EmotionalDysregulation", "emotional dysregulation", "skos:narrowMatch", "narrower", ex + "term-5", None),
        ("ag:Shame", "shame", "skos:closeMatch", "close", ex + "term-3", "example term three"),
    ]
    assert cells(kg.query("mappings", concept="shame"), "external") == [(ex + "term-3",)]
    assert len(attachgraph.load(engine=engine).query("mappings")) == 0, "the bundled ontology carries no mappings"


# --- 11, 12. what drives a concept, and what a concept leads to -------------------------------------


def test_what_drives_relapse_risk(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("upstream")
    assert result.variables == ("cause", "causeLabel", "steps", "netSign", "paths")
    assert cells(result, "cause", "steps", "netSign", "paths") == [
        # directly (claim-100) and through fear of abandonment (claims 111, 065): both lower it
        ("ag:AttachmentInformedTreatment", 1, "negative", 2),
        ("ag:FearOfAbandonment", 1, "positive", 1),
        ("ag:DependencyWithdrawalOscillation", 1, "positive", 1),
        ("ag:EmergingCopingBreakdown", 1, "positive", 1),
        ("ag:UnresolvedAttachmentPatterns", 1, "positive", 1),
        # through fear of abandonment, dependency-withdrawal swings and unresolved patterns
        ("ag:AttachmentTrauma", 2, "positive", 3),
        ("ag:RelationalWoundProcessing", 2, "negative", 1),
        ("ag:RelationalTrigger", 2, "positive", 1),
        ("ag:TrustDemandingSituation", 2, "positive", 1),
        ("ag:AbsentCaregiving", 3, "positive", 3),
        ("ag:EarlyRelationalDisruption", 3, "positive", 3),
        ("ag:FeltSafety", 3, "negative", 1),
        ("ag:InconsistentCaregiving", 3, "positive", 3),
        ("ag:TraumaInformedTherapy", 3, "negative", 1),
    ]
    # one step further, trauma-informed therapy reaches relapse risk a second way (through felt safety)
    four = {row[0]: row[1:] for row in cells(kg_any.upstream("relapse risk", max_steps=4), "cause", "steps", "paths")}
    assert four["ag:TraumaInformedTherapy"] == (3, 2) and len(four) == 14


def test_what_attachment_trauma_leads_to(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("downstream")
    assert result.variables == ("effect", "effectLabel", "steps", "netSign", "paths")
    assert {row["netSign"] for row in result} == {"positive"}
    assert cells(result, "effect", "steps", "paths") == [
        ("ag:Addiction", 1, 2),
        ("ag:AttachmentInsecurity", 1, 1),
        ("ag:ChronicSubstanceUse", 1, 3),
        ("ag:EmotionalDysregulation", 1, 2),
        ("ag:RelianceOnExternalValidation", 1, 1),
        ("ag:FearOfAbandonment", 1, 1),
        ("ag:ImpairedSecureBondFormation", 1, 1),
        ("ag:ImpairedTrust", 1, 1),
        ("ag:InterpersonalDifficulties", 1, 2),
        ("ag:IntoleranceOfIsolation", 1, 1),
        ("ag:MaladaptiveCoping", 1, 1),
        ("ag:DependencyWithdrawalOscillation", 1, 1),
        ("ag:PerceivedRelationalThreat", 1, 1),
        ("ag:SubstanceUseAsExternalRegulation", 1, 3),
        ("ag:UnmetAttachmentNeeds", 1, 1),
        ("ag:UnresolvedAttachmentPatterns", 1, 1),
        ("ag:AddictionVulnerability", 1, 1),
        ("ag:DeterioratingAttachmentCapacity", 2, 1),
        ("ag:RelapseRisk", 2, 3),
        ("ag:SubstanceDependence", 2, 1),
        ("ag:SubstancesAsSubstituteAttachmentFigures", 2, 3),
        ("ag:TemporaryRelief", 2, 1),
        ("ag:WeakenedCognitiveControl", 2, 1),
    ]


def test_mixed_signs_are_reported_as_mixed(kg_any: attachgraph.KnowledgeGraph) -> None:
    # use -> relief -| distress (negative) and use -> deteriorating capacity -> distress (positive)
    result = kg_any.downstream("substance use as external regulation", max_steps=2)
    assert cells(result, "effect", "steps", "netSign", "paths") == [
        ("ag:DeterioratingAttachmentCapacity", 1, "positive", 1),
        ("ag:SubstanceDependence", 1, "positive", 1),
        ("ag:TemporaryRelief", 1, "positive", 1),
        ("ag:WeakenedCognitiveControl", 1, "positive", 1),
        ("ag:EmotionalDistress", 2, "mixed", 2),
        ("ag:EmotionalDysregulation", 2, "positive", 1),
    ]


def test_reach_agrees_with_a_graph_search(kg: attachgraph.KnowledgeGraph) -> None:
    graph = claim_graph(kg)
    for concept, steps in [("ag:RelapseRisk", 4), ("ag:AttachmentTrauma", 3), ("ag:SubstanceUseAsExternalRegulation", 3)]:
        down = nx.single_source_shortest_path_length(graph, concept, cutoff=steps)
        assert {(k, v) for k, v in down.items() if k != concept} == set(cells(kg.downstream(concept, max_steps=steps), "effect", "steps"))
        up = nx.single_source_shortest_path_length(graph.reverse(), concept, cutoff=steps)
        assert {(k, v) for k, v in up.items() if k != concept} == set(cells(kg.upstream(concept, max_steps=steps), "cause", "steps"))


# --- 13. describe a concept ----------------------------------------------------------------------


def test_describe_attachment_trauma(kg_any: attachgraph.KnowledgeGraph) -> None:
    concept = kg_any.concept("attachment trauma")
    result = kg_any.describe("attachment trauma")
    assert result.variables == ("field", "value", "valueLabel", "via")
    increases = [
        ("ag:Addiction", "ag:claim-059"), ("ag:AttachmentInsecurity", "ag:claim-073"),
        ("ag:ChronicSubstanceUse", "ag:claim-058"), ("ag:EmotionalDysregulation", "ag:claim-025"),
        ("ag:RelianceOnExternalValidation", "ag:claim-057"), ("ag:FearOfAbandonment", "ag:claim-055"),
        ("ag:ImpairedSecureBondFormation", "ag:claim-004"), ("ag:ImpairedTrust", "ag:claim-026"),
        ("ag:InterpersonalDifficulties", "ag:claim-027"), ("ag:IntoleranceOfIsolation", "ag:claim-056"),
        ("ag:MaladaptiveCoping", "ag:claim-037"), ("ag:DependencyWithdrawalOscillation", "ag:claim-063"),
        ("ag:PerceivedRelationalThreat", "ag:claim-049"), ("ag:SubstanceUseAsExternalRegulation", "ag:claim-028"),
        ("ag:UnmetAttachmentNeeds", "ag:claim-053"), ("ag:UnresolvedAttachmentPatterns", "ag:claim-109"),
        ("ag:AddictionVulnerability", "ag:claim-030"),
    ]
    assert cells(result, "field", "value", "via") == [
        ("label", "attachment trauma", None),
        ("category", "ag:DevelopmentalVulnerability", None),
        ("definition", concept.definition, None),
        ("informal definition", concept.informal_definition, None),
        ("exact synonym", "early attachment trauma", None),
        ("related synonym", "attachment injury", None),
        ("related synonym", "relational trauma", None),
        *[("source paragraph", f"para {n}", None) for n in (3, 6, 7, 12, 22, 50, 53)],
        ("related concept", "ag:AttachmentInsecurity", None),
        ("related concept", "ag:EmotionalDysregulation", None),
        ("related concept", "ag:TraumaBonding", None),
        *[("increases", value, via) for value, via in increases],
        ("increased by", "ag:AbsentCaregiving", "ag:claim-002"),
        ("increased by", "ag:EarlyRelationalDisruption", "ag:claim-003"),
        ("increased by", "ag:InconsistentCaregiving", "ag:claim-001"),
    ]


def test_describe_a_level_of_care_and_a_care_target(kg_any: attachgraph.KnowledgeGraph) -> None:
    residential = cells(kg_any.describe("residential treatment"), "field", "value", "via")
    assert [r for r in residential if r[0] in ("care intensity", "includes", "indicated by", "increases")] == [
        ("increases", "ag:ContinuousTherapeuticExposure", "ag:claim-092"),
        ("increases", "ag:EnvironmentalStability", "ag:claim-094"),
        ("care intensity", 3, None),
        ("includes", "ag:ContinuousTherapeuticExposure", "ag:care-013"),
        ("includes", "ag:EnvironmentalStability", "ag:care-014"),
        ("includes", "ag:NewRelationalPatternPractice", "ag:care-015"),
        ("indicated by", "ag:EmotionalDysregulation", "ag:care-010"),
        ("indicated by", "ag:ExceededOutpatientContainment", "ag:care-009"),
        ("indicated by", "ag:RelapseRisk", "ag:care-011"),
        ("indicated by", "ag:RelationalInstability", "ag:care-012"),
    ]
    relapse = cells(kg_any.describe("relapse risk"), "field", "value", "via")
    assert [r for r in relapse if r[0] in ("indicates", "decreased by")] == [
        ("decreased by", "ag:AttachmentInformedTreatment", "ag:claim-100"),
        ("indicates", "ag:ResidentialTreatment", "ag:care-011"),
    ]


# --- 14. search -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["abandon", "ABANDÓN", "  Abandon "])
def test_search_ignores_case_accents_and_spaces(kg_any: attachgraph.KnowledgeGraph, text: str) -> None:
    assert cells(kg_any.search(text)) == [
        ("ag:FearOfAbandonment", "fear of abandonment", 80, "label"),  # the synonym "abandonment fear" scores less
        ("ag:MaladaptiveBelief", "maladaptive belief", 30, "informal definition"),
    ]


def test_search_ranks_labels_over_synonyms_and_definitions(kg_any: attachgraph.KnowledgeGraph) -> None:
    assert cells(kg_any.search("hpa_AXIS")) == [("ag:HPAAxisDysregulation", "HPA-axis dysregulation", 90, "label")]
    assert cells(kg_any.search("elevated cortisol reactivity")) == [
        ("ag:HeightenedCortisolResponse", "heightened cortisol response", 70, "synonym")
    ]
    assert cells(kg_any.search("shame"), "concept", "score")[0] == ("ag:Shame", 99)
    assert len(kg_any.search("zzzz")) == 0


# --- 15-19. smaller questions the article answers ----------------------------------------------------


def test_expectations_of_an_insecure_working_model(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("expectations")
    assert cells(result, "direction", "concept", "sign", "claim") == [
        ("comes from", "ag:InconsistentCaregiving", 1, "ag:claim-020"),
        ("leads to", "ag:ExpectationNeedsUnmet", 1, "ag:claim-023"),
        ("leads to", "ag:ExpectationRelationshipsUnreliable", 1, "ag:claim-021"),
        ("leads to", "ag:ExpectationSelfUnsafe", 1, "ag:claim-022"),
    ]


def test_links_inferred_by_the_curators(kg_any: attachgraph.KnowledgeGraph) -> None:
    result = kg_any.query("curator-inferences")
    assert cells(result, "claim", "cause", "sign", "effect") == [
        ("ag:claim-034", "ag:ReducedSelfRegulationCapacity", 1, "ag:EmotionalDysregulation"),
        ("ag:claim-044", "ag:DeterioratingAttachmentCapacity", 1, "ag:EmotionalDistress"),
        ("ag:claim-047", "ag:WeakenedCognitiveControl", 1, "ag:EmotionalDysregulation"),
        ("ag:claim-049", "ag:AttachmentTrauma", 1, "ag:PerceivedRelationalThreat"),
        ("ag:claim-062", "ag:SubstanceRemoval", 1, "ag:ReactivatedAttachmentAnxiety"),
        ("ag:claim-068", "ag:EmergingCopingBreakdown", 1, "ag:RelapseRisk"),
        ("ag:claim-089", "ag:FeltSafety", 1, "ag:RelationalWoundProcessing"),
        ("ag:claim-090", "ag:RelationalWoundProcessing", -1, "ag:UnresolvedAttachmentPatterns"),
        ("ag:claim-095", "ag:NewRelationalPatternPractice", 1, "ag:StableRelationalPatterns"),
        ("ag:claim-109", "ag:AttachmentTrauma", 1, "ag:UnresolvedAttachmentPatterns"),
        ("ag:claim-110", "ag:DependencyWithdrawalOscillation", 1, "ag:RelapseRisk"),
        ("ag:claim-111", "ag:AttachmentInformedTreatment", -1, "ag:FearOfAbandonment"),
    ]


def test_what_the_graph_takes_from_paragraph_20(kg_any: attachgraph.KnowledgeGraph) -> None:
    assert cells(kg_any.query("paragraph"), "kind", "term") == [
        ("causal claim", "ag:claim-039"),
        ("causal claim", "ag:claim-040"),
        ("causal claim", "ag:claim-042"),
        ("causal claim", "ag:claim-043"),
        ("causal claim", "ag:claim-044"),
        ("concept", "ag:DeterioratingAttachmentCapacity"),
        ("concept", "ag:EmotionalDistress"),
        ("concept", "ag:SubstanceUseAsExternalRegulation"),
        ("concept", "ag:TemporaryRelief"),
        ("top category", "ag:AffectiveState"),
    ]
    assert cells(kg_any.query("paragraph", paragraph=43), "kind", "term")[:4] == [
        ("care statement", "ag:care-009"),
        ("care statement", "ag:care-010"),
        ("care statement", "ag:care-011"),
        ("care statement", "ag:care-012"),
    ]


def test_early_experiences_and_what_they_lead_to(kg_any: attachgraph.KnowledgeGraph) -> None:
    assert cells(kg_any.query("early-experiences"), "experience", "effect", "claim") == [
        ("ag:AbsentCaregiving", "ag:AttachmentTrauma", "ag:claim-002"),
        ("ag:AbsentCaregiving", "ag:ExternalSelfSoothing", "ag:claim-010"),
        ("ag:EarlyRelationalDisruption", "ag:AttachmentTrauma", "ag:claim-003"),
        ("ag:EarlyRelationalDisruption", "ag:MaladaptiveBelief", "ag:claim-024"),
        ("ag:EarlyRelationalDisruption", "ag:AddictionVulnerability", "ag:claim-029"),
        ("ag:CaregiverSafetyFailure", "ag:IncreasedStressSensitivity", "ag:claim-011"),
        ("ag:CaregiverSafetyFailure", "ag:ReducedSelfRegulationCapacity", "ag:claim-013"),
        ("ag:EmotionalAttunementFailure", "ag:IncreasedStressSensitivity", "ag:claim-012"),
        ("ag:EmotionalAttunementFailure", "ag:ReducedSelfRegulationCapacity", "ag:claim-014"),
        ("ag:InadequateEarlyCoRegulation", "ag:EmotionalDysregulation", "ag:claim-019"),
        ("ag:InadequateEarlyCoRegulation", "ag:ReducedSelfRegulationCapacity", "ag:claim-018"),
        ("ag:InadequateEarlyCoRegulation", "ag:SubstanceDependence", "ag:claim-017"),
        ("ag:InconsistentCaregiving", "ag:HPAAxisDysregulation", "ag:claim-006"),
        ("ag:InconsistentCaregiving", "ag:AlteredStressRegulation", "ag:claim-005"),
        ("ag:InconsistentCaregiving", "ag:AttachmentInsecurity", "ag:claim-072"),
        ("ag:InconsistentCaregiving", "ag:AttachmentTrauma", "ag:claim-001"),
        ("ag:InconsistentCaregiving", "ag:InsecureInternalWorkingModel", "ag:claim-020"),
        ("ag:InconsistentCaregiving", "ag:ExternalSelfSoothing", "ag:claim-009"),
    ]


def test_the_source_and_the_grades_of_its_claims(kg_any: attachgraph.KnowledgeGraph) -> None:
    # 99 narrative claims + 15 care statements; 12 links inferred by the curators
    assert cells(kg_any.query("source")) == [
        ("ag:source-article", "Attachment Trauma in Addiction", "Siam Rehab", "narrative web article",
         "ag:grade-narrative-claim", "claim of a narrative source", 1, 114),
        ("ag:source-article", "Attachment Trauma in Addiction", "Siam Rehab", "narrative web article",
         "ag:grade-curator-inference", "curator inference from a narrative source", 0, 12),
    ]
