"""Loading the graph and finding concepts by name."""

from __future__ import annotations

from pathlib import Path

import pytest

import attachgraph
from attachgraph.errors import OntologyFileError, UnknownConceptError
from attachgraph.namespaces import AG


@pytest.mark.parametrize(
    "name, local",
    [
        ("attachment trauma", "AttachmentTrauma"),
        ("Attachment Trauma", "AttachmentTrauma"),
        ("hypothalamic-pituitary-adrenal axis dysregulation", "HPAAxisDysregulation"),
        ("HPA axis dysregulation", "HPAAxisDysregulation"),
        ("ÉMOTIONAL dysregulation", "EmotionalDysregulation"),
        ("ag:RelapseRisk", "RelapseRisk"),
        (AG + "Shame", "Shame"),
        ("Psychoeducation", "Psychoeducation"),
        ("caregiving inconsistency", "InconsistentCaregiving"),
    ],
)
def test_resolve_by_label_synonym_curie_or_iri(kg, name: str, local: str) -> None:
    """Labels, synonyms, CURIEs and IRIs all find the concept, whatever the case, accents or hyphens."""
    assert kg.resolve(name) == AG + local


def test_unknown_concept_suggests_the_closest_labels(kg) -> None:
    """A misspelt name raises UnknownConceptError listing the nearest labels, first the intended one."""
    with pytest.raises(UnknownConceptError) as info:
        kg.resolve("atachment truma")
    assert info.value.suggestions[0] == "attachment trauma"
    assert "did you mean" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_concepts_and_claims_are_the_same_on_every_engine() -> None:
    """oxigraph, oxrdflib and rdflib return the same concepts and claims."""
    results = {}
    for engine in ("oxigraph", "oxrdflib", "rdflib"):
        kg = attachgraph.load(engine=engine)
        results[engine] = (kg.concepts(), kg.claims(), len(kg))
    assert results["oxigraph"] == results["oxrdflib"] == results["rdflib"]


def test_claims_carry_sign_and_provenance(kg) -> None:
    """Every claim has a sign of +1 or -1, at least one locator and a paraphrase."""
    claims = kg.claims()
    assert {c.sign for c in claims} == {1, -1}
    assert all(c.locators and all(loc.startswith("para ") for loc in c.locators) for c in claims)
    assert all(len(c.paraphrase) > 20 for c in claims)


def test_rdflib_graph_view(kg) -> None:
    """kg.graph is an rdflib Graph with the same triples as the engine."""
    assert len(kg.graph) == len(kg)


def test_extension_files_are_loaded(tmp_path: Path) -> None:
    """A Turtle extension adds its concepts to lookup."""
    ext = tmp_path / "ext.ttl"
    ext.write_text("""@prefix ag: <https://w3id.org/attachgraph/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <https://example.org/Guilt> rdfs:subClassOf ag:AffectiveState ; rdfs:label "guilt"@en .""")
    kg = attachgraph.load([ext])
    assert kg.resolve("guilt") == "https://example.org/Guilt"


def test_missing_or_broken_extension_is_a_clear_error(tmp_path: Path) -> None:
    """A missing file or a syntax error names the file instead of failing later."""
    with pytest.raises(OntologyFileError, match="no such file"):
        attachgraph.load([tmp_path / "nope.ttl"])
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle")
    with pytest.raises(OntologyFileError, match="broken.ttl"):
        len(attachgraph.load([broken]))


def test_unknown_engine_names_the_choices() -> None:
    """A typo in the engine name suggests the closest engine."""
    with pytest.raises(ValueError, match="did you mean 'oxigraph'"):
        len(attachgraph.load(engine="oxigrap"))


def test_reason_and_to_owlready_methods(kg) -> None:
    """kg.reason() reports a consistent graph; kg.to_owlready() walks the class hierarchy."""
    report = kg.reason()
    assert report.consistent
    onto = kg.to_owlready()
    assert onto.AlteredStressRegulation in onto.HPAAxisDysregulation.is_a
