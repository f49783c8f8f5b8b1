"""Each check of `attachgraph check` passes on the bundled graph and fails on a planted defect."""

from __future__ import annotations

from pathlib import Path

import pytest

import attachgraph
from attachgraph.graph import KnowledgeGraph
from attachgraph.resources import ontology_path
from attachgraph.validate import check, quality_problems, shacl_problems

PREFIXES = """@prefix ag: <https://w3id.org/attachgraph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix IAO: <http://purl.obolibrary.org/obo/IAO_> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def _with(tmp_path: Path, turtle: str) -> KnowledgeGraph:
    defect = tmp_path / "defect.ttl"
    defect.write_text(PREFIXES + turtle, encoding="utf-8")
    return attachgraph.load([defect])


def test_bundled_graph_passes_every_check(kg, source_path: Path) -> None:
    """SHACL, quality checks, canonical form and coverage all pass."""
    report = check(kg, source=source_path)
    assert report.ok, [str(p) for p in report.problems]
    assert len(report.checks) == 4


# (quality check that must fire, Turtle that plants the defect)
DEFECTS = {
    "qc/duplicate-label": 'ag:Shame rdfs:label "Fear of abandonment"@en .',
    "qc/label-count": 'ag:Shame rdfs:label "shame again"@en .',
    "qc/stray-whitespace": 'ag:Shame oboInOwl:hasExactSynonym "embarrassment  "@en .',
    "qc/definition-count": 'ag:Shame IAO:0000115 "A second formal definition of shame for the test."@en .',
    "qc/undeclared-term": 'ag:Shame ag:relatedConcept ag:NoSuchConcept .',
    "qc/deprecated-in-use": "ag:Shame owl:deprecated true .",
    "qc/edge-without-claim": "ag:Shame ag:increases ag:RelapseRisk .",
    "qc/synonym-clash": 'ag:Shame oboInOwl:hasRelatedSynonym "relapse risk"@en .',
    "qc/duplicate-claim": """ag:claim-900 a owl:NamedIndividual, ag:CausalClaim ;
        rdfs:label "shame decreases relapse risk"@en ; ag:cause ag:Shame ; ag:effect ag:RelapseRisk ;
        ag:polarity ag:polarity-negative ; dcterms:source ag:source-article . ag:claim-901 a owl:NamedIndividual, ag:CausalClaim ;
        rdfs:label "shame increases relapse risk"@en ; ag:cause ag:Shame ; ag:effect ag:RelapseRisk ;
        ag:polarity ag:polarity-positive ; dcterms:source ag:source-article .""",
    "qc/claim-label-mismatch": 'ag:claim-001 rdfs:label "something else entirely"@en .',
}


@pytest.mark.parametrize("check_name", sorted(DEFECTS))
def test_quality_check_catches_its_defect(tmp_path: Path, check_name: str) -> None:
    """A planted defect makes exactly the intended quality check report a problem."""
    problems = quality_problems(_with(tmp_path, DEFECTS[check_name]))
    assert check_name in {p.check for p in problems}


def test_every_quality_check_has_a_defect_test() -> None:
    """Adding a file to queries/qc/ needs a planted-defect test here too."""
    from attachgraph.queries import list_queries

    names = {q.name for q in list_queries() if q.name.startswith("qc/")}
    assert names == set(DEFECTS) | {"qc/header-metadata"}


def test_header_metadata_check_catches_a_missing_licence(tmp_path: Path) -> None:
    """Removing the licence from the header is reported by the header check and by SHACL."""
    text = ontology_path().read_text(encoding="utf-8")
    licence = "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n"
    assert licence in text
    broken = text.replace(licence, "")
    path = tmp_path / "attachgraph.ttl"
    path.write_text(broken, encoding="utf-8")
    kg = KnowledgeGraph([path])
    assert any(p.check == "qc/header-metadata" and "license" in p.message for p in quality_problems(kg))
    assert any("OntologyShape" in p.check for p in shacl_problems(kg))


@pytest.mark.parametrize(
    "turtle, shape",
    [
        # a claim without polarity, mechanism, phase, grade, paraphrase or locator
        ('ag:claim-950 a owl:NamedIndividual, ag:CausalClaim ; rdfs:label "shame increases relapse risk"@en ;'
         " ag:cause ag:Shame ; ag:effect ag:RelapseRisk .", "ClaimShape"),
        # a concept without definitions, locator or source
        ('ag:Guilt a owl:Class ; rdfs:label "guilt"@en ; rdfs:subClassOf ag:AffectiveState .', "ConceptShape"),
        # a concept under two top categories
        ("ag:Shame rdfs:subClassOf ag:Behaviour .", "ConceptShape"),
        # a claim whose direct edge is missing
        ("""ag:claim-951 a owl:NamedIndividual, ag:CausalClaim ; rdfs:label "shame increases relapse risk"@en ;
            ag:cause ag:Shame ; ag:effect ag:RelapseRisk ; ag:polarity ag:polarity-positive ;
            ag:mechanism ag:mechanism-relational ; ag:phase ag:phase-recovery ; ag:evidenceGrade ag:grade-expert-opinion ;
            ag:locator "para 31" ; ag:paraphrase "A test claim that has no matching direct edge at all."@en ;
            dcterms:source ag:source-article .""", "ClaimShape"),
        # a locator into the bundled article that is not of the form 'para N'
        ('ag:claim-001 ag:locator "page 3" .', "ClaimShape"),
        # an intervention that acts on nothing and no level of care offers
        ('ag:Yoga a owl:Class ; rdfs:label "yoga"@en ; rdfs:subClassOf ag:Intervention ;'
         ' IAO:0000115 "An intervention made up for this test, acting on nothing."@en ;'
         ' ag:informalDefinition "Made up for the test."@en ; ag:locator "para 32" ; dcterms:source ag:source-article .',
         "InterventionShape"),
    ],
    ids=["claim-missing-fields", "concept-missing-definitions", "two-categories", "claim-without-edge", "bad-locator",
         "idle-intervention"],
)
def test_shacl_catches_malformed_terms(tmp_path: Path, turtle: str, shape: str) -> None:
    """The SHACL shapes reject claims, concepts and interventions that lack what they must carry."""
    problems = shacl_problems(_with(tmp_path, turtle))
    assert any(shape in p.check for p in problems), [str(p) for p in problems]


def test_canonical_form_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reordered but equivalent ontology file fails the canonical-form check."""
    from attachgraph import validate

    text = ontology_path().read_text(encoding="utf-8")
    path = tmp_path / "attachgraph.ttl"
    path.write_text(text.replace("\n\n", "\n\n\n", 1), encoding="utf-8")
    problems = validate.canonical_problems([path])
    assert problems and "attachgraph fmt" in problems[0].message
