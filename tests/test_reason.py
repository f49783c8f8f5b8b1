"""Reasoning: HermiT with Java, the OWL 2 RL closure without; both on copies, never on the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib

import attachgraph
from attachgraph.errors import MissingDependencyError, ReasonerError
from attachgraph.namespaces import AG, version_iri
from attachgraph.reason import OWLRL_LIMITS, find_java, reason
from attachgraph.release import build_release
from attachgraph.resources import ontology_path

ROOT = Path(__file__).resolve().parents[1]
DOWNSTREAM = ROOT / "examples" / "downstream" / "downstream.ttl"
PREFIXES = (
    "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix ex: <https://example.org/> .\n"
)
# an individual in two disjoint classes: no model exists
INCONSISTENT = PREFIXES + (
    "ex:A a owl:Class . ex:B a owl:Class ; owl:disjointWith ex:A .\n"
    "ex:x a owl:NamedIndividual, ex:A, ex:B .\n"
)
# a class below two disjoint classes, with no member: only a DL reasoner proves it empty
UNSATISFIABLE = PREFIXES + (
    "ex:A a owl:Class . ex:B a owl:Class ; owl:disjointWith ex:A .\n"
    "ex:C a owl:Class ; rdfs:label \"impossible\" ; rdfs:subClassOf ex:A, ex:B .\n"
)
# C below A, and A equivalent to B: C below B is inferred, not asserted
INFERRED = PREFIXES + (
    "ex:A a owl:Class ; owl:equivalentClass ex:B . ex:B a owl:Class .\n"
    "ex:C a owl:Class ; rdfs:subClassOf ex:A .\n"
)


def _asserted_parents(kg: attachgraph.KnowledgeGraph) -> dict[str, tuple[str, ...]]:
    """Each named class with its asserted named superclasses (the ontology states no redundant ones)."""
    graph = kg.graph
    classes = {str(c) for c in graph.subjects(rdflib.RDF.type, rdflib.OWL.Class) if isinstance(c, rdflib.URIRef)}
    return {
        c: tuple(sorted(str(p) for p in graph.objects(rdflib.URIRef(c), rdflib.RDFS.subClassOf) if isinstance(p, rdflib.URIRef)))
        for c in classes
    }


def _graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format="turtle")


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without Java: an empty PATH directory and no JAVA_HOME."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert find_java() is None


@pytest.mark.java
def test_hermit_finds_the_bundled_ontology_consistent(kg: attachgraph.KnowledgeGraph) -> None:
    report = reason(kg, "hermit")
    assert report.reasoner == "hermit" and "HermiT" in report.name
    assert report.ok and report.consistent and report.unsatisfiable == ()
    assert dict(report.hierarchy) == _asserted_parents(kg)  # nothing inferred beyond what is stated
    assert report.inferred_subclasses == ()
    assert report.limitations == ""  # a complete DL reasoner has no such caveat


def test_owlrl_finds_the_bundled_ontology_consistent_and_says_what_it_cannot_detect(kg: attachgraph.KnowledgeGraph) -> None:
    report = reason(kg, "owlrl")
    assert report.reasoner == "owlrl" and report.consistent and report.ok
    assert report.limitations == OWLRL_LIMITS
    text = report.to_text()
    assert "OWL 2 RL" in text and "cannot prove a class unsatisfiable" in text
    assert dict(report.hierarchy) == _asserted_parents(kg)


def test_auto_without_java_falls_back_to_owlrl(kg: attachgraph.KnowledgeGraph, no_java: None) -> None:
    report = reason(kg, "auto")
    assert report.reasoner == "owlrl"
    assert "reasoner: OWL 2 RL closure (owlrl, pure Python)" in report.to_text()
    assert "limits of this reasoner" in report.to_text()


def test_hermit_without_java_is_a_clear_missing_dependency(kg: attachgraph.KnowledgeGraph, no_java: None) -> None:
    with pytest.raises(MissingDependencyError, match="Java runtime.*--reasoner owlrl"):
        reason(kg, "hermit")


@pytest.mark.java
def test_auto_with_java_runs_hermit(kg: attachgraph.KnowledgeGraph) -> None:
    assert reason(kg).reasoner == "hermit"


@pytest.mark.java
@pytest.mark.parametrize("reasoner", ["hermit", "owlrl"])
def test_both_reasoners_detect_an_inconsistency(reasoner: str) -> None:
    report = reason(_graph(INCONSISTENT), reasoner)
    assert not report.consistent and not report.ok
    assert report.messages
    with pytest.raises(ReasonerError, match="inconsistent"):
        reason(_graph(INCONSISTENT), reasoner, strict=True)


@pytest.mark.java
def test_hermit_finds_an_unsatisfiable_class_that_owlrl_cannot() -> None:
    hermit = reason(_graph(UNSATISFIABLE), "hermit")
    assert hermit.consistent and hermit.unsatisfiable == (("https://example.org/C", "impossible"),)
    assert "impossible (https://example.org/C)" in hermit.to_text()
    owlrl = reason(_graph(UNSATISFIABLE), "owlrl")
    assert owlrl.unsatisfiable == ()  # the documented limit: no member, no clash for the rules to find
    assert "cannot prove a class unsatisfiable" in owlrl.limitations


@pytest.mark.java
@pytest.mark.parametrize("reasoner", ["hermit", "owlrl"])
def test_inferred_subclass_relations_are_reported(reasoner: str) -> None:
    report = reason(_graph(INFERRED), reasoner)
    assert ("https://example.org/C", "https://example.org/B") in report.inferred_subclasses
    assert ("https://example.org/C", "https://example.org/A") not in report.inferred_subclasses  # asserted


@pytest.mark.java
@pytest.mark.parametrize("reasoner", ["hermit", "owlrl"])
def test_reasoning_never_writes_inferences(kg: attachgraph.KnowledgeGraph, reasoner: str) -> None:
    before_file = hashlib.sha256(ontology_path().read_bytes()).hexdigest()
    before_len = len(kg.graph)
    reason(kg, reasoner)
    assert hashlib.sha256(ontology_path().read_bytes()).hexdigest() == before_file
    assert len(kg.graph) == before_len


def test_unknown_reasoner_suggests_the_closest(kg: attachgraph.KnowledgeGraph) -> None:
    with pytest.raises(ReasonerError, match="did you mean 'hermit'"):
        reason(kg, "hermet")


def test_report_as_dict_is_json_ready(kg: attachgraph.KnowledgeGraph) -> None:
    import json

    data = reason(kg, "owlrl").to_dict()
    assert json.loads(json.dumps(data))["consistent"] is True
    assert data["reasoner"] == "owlrl" and data["unsatisfiable"] == []


def test_hierarchy_text_is_a_tree(kg: attachgraph.KnowledgeGraph) -> None:
    text = reason(kg, "owlrl").to_text(hierarchy=True)
    lines = text.splitlines()
    top = lines.index("- attachgraph concept (ag:DomainConcept)")
    assert "  - neurobiological process (ag:NeurobiologicalProcess)" in lines[top:]
    depth = {line.strip(): (len(line) - len(line.lstrip())) // 2 for line in lines[top:] if line.strip().startswith("- ")}
    # every concept sits one level below one of its parents
    for cls, parents in _asserted_parents(kg).items():
        if parents and kg.graph.value(rdflib.URIRef(cls), rdflib.RDFS.label) is not None:
            entry = next(k for k in depth if k.endswith(f"(ag:{cls.removeprefix(AG)})"))
            parent_depths = [d for k, d in depth.items() if any(k.endswith(f"(ag:{p.removeprefix(AG)})") for p in parents)]
            assert depth[entry] - 1 in parent_depths


@pytest.fixture(scope="module")
def downstream_graph(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    """The downstream example with its import resolved to a local release file, as rdflib users do."""
    graph = rdflib.Graph().parse(DOWNSTREAM, format="turtle")
    imports = [str(i) for i in graph.objects(None, rdflib.OWL.imports)]
    assert len(imports) == 1 and imports[0].startswith(version_iri(""))  # pinned to one release
    release = tmp_path_factory.mktemp("release")
    result = build_release(attachgraph.load(), release, version=imports[0].removeprefix(version_iri("")))
    assert result.version_iri == imports[0]
    graph.parse(release / "attachgraph.owl", format="xml")
    return graph


@pytest.mark.java
@pytest.mark.parametrize("reasoner", ["hermit", "owlrl"])
def test_reasoning_over_the_downstream_example(downstream_graph: rdflib.Graph, reasoner: str) -> None:
    report = reason(downstream_graph, reasoner)
    assert report.ok
    term = "https://example.org/attachgraph-downstream/LocalPeerSupportProgramme"
    assert dict(report.hierarchy)[term] == (AG + "Intervention",)


@pytest.mark.java
def test_a_downstream_term_under_two_disjoint_categories_is_caught(downstream_graph: rdflib.Graph) -> None:
    graph = rdflib.Graph()
    for triple in downstream_graph:
        graph.add(triple)
    term = rdflib.URIRef("https://example.org/attachgraph-downstream/LocalPeerSupportProgramme")
    graph.add((term, rdflib.RDFS.subClassOf, rdflib.URIRef(AG + "AffectiveState")))
    report = reason(graph, "hermit")
    # the programme has a member (programme-2027), so its disjoint parents leave no model at all
    assert not report.consistent
    assert reason(graph, "owlrl").consistent is False
