"""Tests of the ontology file itself: it parses, is canonical, and holds the knowledge the issue lists."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from attachgraph.canonical import format_file
from attachgraph.namespaces import AG, ONTOLOGY_IRI, version_iri
from attachgraph.resources import ontology_path, shapes_path
from attachgraph._version import __version__


@pytest.fixture(scope="module")
def rdf() -> Graph:
    return Graph().parse(str(ontology_path()), format="turtle")


def test_parses_in_pyoxigraph_with_the_same_triple_count(rdf: Graph) -> None:
    """pyoxigraph reads the file and finds exactly the triples rdflib finds."""
    store = pyoxigraph.Store()
    store.load(path=str(ontology_path()), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(rdf) > 2000


@pytest.mark.parametrize("path", [ontology_path(), shapes_path()], ids=["ontology", "shapes"])
def test_turtle_files_are_a_canonical_fixed_point(path) -> None:
    """The hand-edited Turtle files are exactly what the canonical formatter writes."""
    assert format_file(path, check=True), f"run `attachgraph fmt {path}`"


def test_header_metadata(rdf: Graph) -> None:
    """The header carries title, licence IRI, version IRI/info, dates and the vann prefix."""
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in rdf
    assert rdf.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert rdf.value(onto, OWL.versionIRI) == URIRef(version_iri(__version__))
    assert str(rdf.value(onto, OWL.versionInfo)) == __version__
    assert rdf.value(onto, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")) == Literal("ag")
    assert rdf.value(onto, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) == Literal(AG)
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.created, DCTERMS.modified):
        assert rdf.value(onto, prop) is not None, prop
    assert "not medical advice" in str(rdf.value(onto, DCTERMS.description)).lower()


def test_size_matches_the_article(kg) -> None:
    """The whole article is modelled: at least ~60 concepts and ~50 causal claims."""
    assert len(kg.concepts()) >= 60
    assert len(kg.claims()) >= 50


# Every concept the issue requires, by a name a reader would use (label or synonym).
REQUIRED = [
    "inconsistent caregiving", "absent caregiving", "failure of caregiver-provided safety", "failure of emotional attunement",
    "impaired secure bond formation", "inadequate early co-regulation", "attachment trauma", "internal working model",
    "expectation that relationships are unreliable", "expectation that the self is unsafe",
    "expectation that emotional needs will go unmet", "altered stress-regulation systems", "HPA-axis dysregulation",
    "heightened cortisol response", "increased stress sensitivity", "reduced self-regulation capacity",
    "reduced distress-management capacity", "emotional dysregulation", "impaired trust", "interpersonal difficulties",
    "emotional distress", "perceived relational threat", "shame", "substance use as external regulation",
    "substance use as compensatory coping", "substance dependence", "temporary relief",
    "substances as substitute attachment figures", "fear of abandonment", "intolerance of isolation",
    "excessive reliance on external validation", "weakened cognitive control over emotions", "chronic substance use patterns",
    "surfacing of attachment vulnerabilities", "reactivated attachment anxiety", "oscillation between dependency and withdrawal",
    "situation demanding trust, vulnerability or independence", "relational trigger", "overwhelmed emerging coping", "relapse risk",
    "stable therapeutic relationship", "corrective emotional experience", "psychoeducation", "reframing behaviour as adaptation",
    "engagement in treatment", "emotional regulation training", "distress tolerance", "motivational interviewing",
    "ambivalence toward change", "trauma-informed therapy", "established therapeutic safety", "cognitive behavioural intervention",
    "maladaptive belief", "residential treatment", "continuous therapeutic exposure", "practice of new relational patterns",
    "self-management", "outpatient treatment", "severity of difficulties", "functional impairment",
    "partially preserved stability", "needs beyond outpatient containment", "attachment insecurity", "trauma bonding",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_required_concept_is_present(kg, name: str) -> None:
    """Each concept the knowledge-graph issue lists can be found by name."""
    assert kg.concept(name).definition


def _signs(kg) -> dict[tuple[str, str], int]:
    return {(c.cause_label, c.effect_label): c.sign for c in kg.claims()}


def test_para_20_cycle_is_a_reinforcing_directed_cycle(kg) -> None:
    """Distress -> use -> deteriorating attachment capacity -> distress: every link a claim, sign product positive."""
    signs = _signs(kg)
    cycle = ["emotional distress", "substance use as external regulation", "deteriorating attachment capacity"]
    links = list(zip(cycle, cycle[1:] + cycle[:1]))
    product = 1
    for link in links:
        assert link in signs, f"missing claim {link}"
        product *= signs[link]
    assert product > 0


def test_temporary_relief_reinforces_use_and_balances_distress(kg) -> None:
    """Relief reinforces use (+,+ loop) and, for a while, lowers the distress that set it off (a balancing loop)."""
    signs = _signs(kg)
    use, relief, distress = "substance use as external regulation", "temporary relief", "emotional distress"
    assert signs[(use, relief)] == 1 and signs[(relief, use)] == 1
    assert signs[(distress, use)] * signs[(use, relief)] * signs[(relief, distress)] == -1


def test_every_intervention_has_a_signed_claim_or_a_level_of_care(kg) -> None:
    """The interventions of paras 30-38 act on something, with the intervention as the cause."""
    causes = {c.cause_label for c in kg.claims()}
    for name in ["stable therapeutic relationship", "psychoeducation", "emotional regulation training",
                 "motivational interviewing", "trauma-informed therapy", "cognitive behavioural intervention",
                 "residential treatment"]:
        assert kg.concept(name).label in causes, name


def test_claims_are_graded_as_claims_of_a_narrative_source(kg) -> None:
    """No claim from the article is presented as empirical evidence."""
    grades = {c.grade for c in kg.claims()}
    assert grades <= {"claim of a narrative source", "curator inference from a narrative source"}
    inferred = [c for c in kg.claims() if c.grade.startswith("curator inference")]
    assert all("curators" in c.paraphrase for c in inferred), "an inferred link must say it is the curators' inference"


def test_source_record(rdf: Graph) -> None:
    """The source is recorded with title, publisher and its nature, and every claim points to it."""
    source = URIRef(AG + "source-article")
    assert (source, RDF.type, URIRef(AG + "SourceDocument")) in rdf
    assert rdf.value(source, DCTERMS.title) is not None
    assert rdf.value(source, DCTERMS.publisher) is not None
    assert "narrative" in str(rdf.value(source, DCTERMS.type))
    claims = set(rdf.subjects(RDF.type, URIRef(AG + "CausalClaim")))
    assert claims and all(rdf.value(c, DCTERMS.source) == source for c in claims)


def test_levels_of_care_are_ordered_and_tied_to_conditions(rdf: Graph) -> None:
    """Self-management < outpatient < residential, each with what it includes; residential and outpatient with indications."""
    intensity = {name: int(rdf.value(URIRef(AG + name), URIRef(AG + "careIntensity")))
                 for name in ("SelfManagement", "OutpatientTreatment", "ResidentialTreatment")}
    assert intensity["SelfManagement"] < intensity["OutpatientTreatment"] < intensity["ResidentialTreatment"]
    indicated = {str(o) for o in rdf.objects(URIRef(AG + "ResidentialTreatment"), URIRef(AG + "indicatedBy"))}
    assert {AG + "EmotionalDysregulation", AG + "RelapseRisk", AG + "RelationalInstability"} <= indicated
    assert (URIRef(AG + "OutpatientTreatment"), URIRef(AG + "indicatedBy"), URIRef(AG + "PartiallyPreservedStability")) in rdf
    assert (URIRef(AG + "SelfManagement"), URIRef(AG + "insufficientFor"), URIRef(AG + "DeeplyIngrainedPatterns")) in rdf
