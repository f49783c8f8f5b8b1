"""Release files: every serialization, the same graph in each, reproducible bytes, mappings, changelog."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

import attachgraph
from attachgraph.errors import OntologyFileError
from attachgraph.namespaces import AG, ONTOLOGY_IRI, version_iri
from attachgraph.release import (
    build_release,
    changelog,
    mappings_graph,
    read_sssom,
    release_graph,
    simple_graph,
    to_jsonld,
    to_ntriples,
    to_rdfxml,
)

FULL = {"attachgraph.ttl": "turtle", "attachgraph.owl": "xml", "attachgraph.nt": "nt", "attachgraph.jsonld": "json-ld"}
OX = {"turtle": pyoxigraph.RdfFormat.TURTLE, "xml": pyoxigraph.RdfFormat.RDF_XML, "nt": pyoxigraph.RdfFormat.N_TRIPLES,
      "json-ld": pyoxigraph.RdfFormat.JSON_LD}

FIXTURE_SSSOM = """\
#curie_map:
#  ag: https://w3id.org/attachgraph/
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#  EX: http://example.org/EX_
#  owl: http://www.w3.org/2002/07/owl#
#mapping_set_id: https://example.org/test.sssom.tsv
#license: https://creativecommons.org/publicdomain/zero/1.0/
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification
ag:AttachmentTrauma\tattachment trauma\tskos:relatedMatch\tEX:0001\texample trauma term\tsemapv:ManualMappingCuration
ag:Shame\tshame\tskos:exactMatch\tEX:0002\texample shame\tsemapv:ManualMappingCuration
ag:Shame\tshame\towl:equivalentClass\tEX:0003\tnot skos\tsemapv:ManualMappingCuration
"""


@pytest.fixture(scope="module")
def fixture_sssom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sssom") / "test.sssom.tsv"
    path.write_text(FIXTURE_SSSOM, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def release(kg: attachgraph.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory, fixture_sssom: Path):
    return build_release(kg, tmp_path_factory.mktemp("release"), mappings=fixture_sssom)


@pytest.fixture(scope="module")
def reference(kg: attachgraph.KnowledgeGraph) -> rdflib.Graph:
    return release_graph(kg)


def test_release_holds_every_file(release) -> None:
    names = sorted(p.name for p in release.directory.iterdir())
    assert names == sorted([*FULL, "attachgraph-simple.ttl", "attachgraph-mappings.ttl", "CHANGELOG.md", "SHA256SUMS"])
    assert not [n for n in names if n.endswith(".tmp")]
    assert release.version_iri == version_iri(attachgraph.__version__)


@pytest.mark.parametrize("name", sorted(FULL))
def test_each_full_file_is_the_same_graph_in_rdflib(release, reference: rdflib.Graph, name: str) -> None:
    graph = rdflib.Graph().parse(release.directory / name, format=FULL[name])
    assert len(graph) == len(reference) > 2000
    assert isomorphic(graph, reference)
    onto = URIRef(ONTOLOGY_IRI)
    assert graph.value(onto, OWL.versionIRI) == URIRef(release.version_iri)
    assert str(graph.value(onto, OWL.versionInfo)) == attachgraph.__version__


@pytest.mark.parametrize("name", [*sorted(FULL), "attachgraph-simple.ttl", "attachgraph-mappings.ttl"])
def test_each_file_loads_in_pyoxigraph(release, name: str) -> None:
    fmt = FULL.get(name, "turtle")
    store = pyoxigraph.Store()
    store.load(path=str(release.directory / name), format=OX[fmt])
    expected = len(rdflib.Graph().parse(release.directory / name, format=fmt))
    assert len(store) == expected > 0


@pytest.mark.parametrize("name", ["attachgraph.owl", "attachgraph.nt"])
def test_owlready2_reads_rdfxml_and_ntriples(release, kg: attachgraph.KnowledgeGraph, name: str) -> None:
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((release.directory / name).as_uri()).load()
    assert onto.base_iri == AG
    assert len(list(onto.CausalClaim.instances())) == len(kg.claims())
    assert {c.iri for c in onto.DomainConcept.descendants()} >= {c.iri for c in kg.concepts()}


def test_two_builds_in_separate_processes_are_byte_identical(tmp_path: Path, fixture_sssom: Path) -> None:
    # rdflib's store order follows Python's string hashing: vary the seed to catch any unsorted output
    script = (
        "import sys, attachgraph; from attachgraph.release import build_release; "
        "build_release(attachgraph.load(), sys.argv[1], mappings=sys.argv[2])"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"build-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(out), str(fixture_sssom)], check=True, env=env)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0].keys() == outputs[1].keys()
    for name in outputs[0]:
        assert outputs[0][name] == outputs[1][name], f"{name} differs between two builds"


def test_checksums_match_the_files(release) -> None:
    import hashlib

    lines = (release.directory / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 7
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((release.directory / name).read_bytes()).hexdigest() == digest


def test_ntriples_lines_are_sorted_and_unique(release) -> None:
    lines = (release.directory / "attachgraph.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))


def test_rdfxml_is_well_formed_and_uses_typed_elements(release) -> None:
    root = ET.parse(release.directory / "attachgraph.owl").getroot()
    assert root.tag == f"{{{RDF}}}RDF"
    first = root[0]
    assert first.tag == f"{{{OWL}}}Ontology" and first.get(f"{{{RDF}}}about") == ONTOLOGY_IRI
    assert any(child.tag == f"{{{OWL}}}Class" for child in root)


def test_rdfxml_writer_keeps_literal_kinds_and_escapes() -> None:
    g = rdflib.Graph()
    s = URIRef(AG + "X")
    g.add((s, RDFS.label, Literal('a < b & "c"', lang="en")))
    g.add((s, URIRef(AG + "rank"), Literal(3)))
    g.add((s, RDFS.comment, Literal("line one\nline two\r")))
    g.add((s, URIRef("http://example.org/vocab#p"), URIRef("http://example.org/a?x=1&y=2")))
    back = rdflib.Graph().parse(data=to_rdfxml(g), format="xml")
    assert isomorphic(back, g)


def test_rdfxml_writer_rejects_a_predicate_it_cannot_name() -> None:
    g = rdflib.Graph()
    g.add((URIRef(AG + "X"), URIRef("http://example.org/123"), Literal("x")))
    with pytest.raises(OntologyFileError, match="RDF/XML"):
        to_rdfxml(g)


def test_blank_nodes_get_stable_labels(tmp_path: Path) -> None:
    ttl = tmp_path / "bnodes.ttl"
    ttl.write_text(
        "@prefix ag: <https://w3id.org/attachgraph/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "ag:Extra a owl:Class ; owl:disjointUnionOf ( ag:Shame ag:TemporaryRelief ) .\n",
        encoding="utf-8",
    )
    graphs = [release_graph(attachgraph.load([ttl])) for _ in range(2)]
    assert to_ntriples(graphs[0]) == to_ntriples(graphs[1])
    assert to_rdfxml(graphs[0]) == to_rdfxml(graphs[1])
    assert isomorphic(rdflib.Graph().parse(data=to_rdfxml(graphs[0]), format="xml"), graphs[0])
    assert isomorphic(rdflib.Graph().parse(data=to_jsonld(graphs[0]), format="json-ld"), graphs[0])


def test_jsonld_context_holds_only_used_prefixes(release) -> None:
    text = (release.directory / "attachgraph.jsonld").read_text(encoding="utf-8")
    doc = json.loads(text)
    context = doc["@context"]
    assert set(doc) == {"@context", "@graph"}
    assert all(base.endswith(("/", "#")) for base in context.values())
    for prefix in context:
        assert f'"{prefix}:' in text, f"prefix {prefix} is declared but unused"
    assert "skos" not in context and "sh" not in context  # bound in the project, unused in this file


def test_simple_graph_has_direct_edges_and_no_claim_nodes(release, reference: rdflib.Graph) -> None:
    simple = rdflib.Graph().parse(release.directory / "attachgraph-simple.ttl")
    ag = rdflib.Namespace(AG)
    assert not list(simple.subjects(RDF.type, ag.CausalClaim))
    assert not list(simple.subject_objects(ag.cause))
    for prop in (ag.increases, ag.decreases, ag.includes):
        edges = set(reference.subject_objects(prop))
        assert edges and edges == set(simple.subject_objects(prop))
    for s, o in simple.subject_objects(ag.increases):
        assert simple.value(s, RDFS.label) is not None and simple.value(o, RDFS.label) is not None
    onto = URIRef(AG + "simple")
    assert simple.value(onto, OWL.versionIRI) == URIRef(release.version_iri + "/simple")


def test_simple_graph_function_matches_the_file(release, reference: rdflib.Graph) -> None:
    from attachgraph.canonical import format_graph

    text = (release.directory / "attachgraph-simple.ttl").read_text(encoding="utf-8")
    assert text == format_graph(simple_graph(reference))


def test_mappings_become_skos_triples_and_other_predicates_are_reported(release, reference: rdflib.Graph) -> None:
    mapped = rdflib.Graph().parse(release.directory / "attachgraph-mappings.ttl")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert (URIRef(AG + "AttachmentTrauma"), skos.relatedMatch, URIRef("http://example.org/EX_0001")) in mapped
    assert (URIRef(AG + "Shame"), skos.exactMatch, URIRef("http://example.org/EX_0002")) in mapped
    assert URIRef("http://example.org/EX_0003") not in set(mapped.objects())
    assert any("EX:0003" in w and "skos" in w for w in release.warnings)
    licence = mapped.value(URIRef(AG + "mappings"), URIRef("http://purl.org/dc/terms/license"))
    assert str(licence) == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_missing_mapping_file_is_reported_and_skipped(kg: attachgraph.KnowledgeGraph, tmp_path: Path) -> None:
    result = build_release(kg, tmp_path / "out", mappings=tmp_path / "absent.sssom.tsv")
    assert not (tmp_path / "out" / "attachgraph-mappings.ttl").exists()
    assert any("absent.sssom.tsv" in w and "not written" in w for w in result.warnings)
    assert (tmp_path / "out" / "attachgraph.owl").is_file()


def test_sssom_with_unknown_prefix_names_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(FIXTURE_SSSOM.replace("EX:0002", "NOPE:0002"), encoding="utf-8")
    with pytest.raises(OntologyFileError, match="NOPE"):
        read_sssom(bad)


def test_sssom_without_required_columns_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text("subject_id\tobject_id\nag:Shame\tEX:1\n", encoding="utf-8")
    with pytest.raises(OntologyFileError, match="predicate_id"):
        read_sssom(bad)


def test_bundled_mappings_all_reach_the_release(reference: rdflib.Graph) -> None:
    from attachgraph.resources import mappings_path

    if not mappings_path().is_file():
        pytest.fail(f"the bundled mapping set is missing at {mappings_path()}")
    mapping_set = read_sssom(mappings_path())
    graph, _ = mappings_graph(mapping_set, reference)
    skos_rows = [m for m in mapping_set.mappings if m.predicate_id.startswith("skos:")]
    assert skos_rows
    for m in skos_rows:
        assert (URIRef(m.subject_iri), URIRef(m.predicate_iri), URIRef(m.object_iri)) in graph


def test_changelog_lists_added_changed_and_deprecated_terms(tmp_path: Path) -> None:
    kg = attachgraph.load()
    old = release_graph(kg, "0.0.9")
    shame, relief, trauma = (URIRef(AG + n) for n in ("Shame", "TemporaryRelief", "AttachmentTrauma"))
    for triple in list(old.triples((shame, None, None))):  # Shame is new since 0.0.9
        old.remove(triple)
    old.set((relief, RDFS.label, Literal("relief for a while", lang="en")))  # label changed since
    old_file = tmp_path / "old.ttl"
    old.serialize(old_file, format="turtle")
    extension = tmp_path / "deprecate.ttl"  # the new release deprecates attachment trauma
    extension.write_text(f"<{trauma}> <{OWL.deprecated}> true .\n", encoding="utf-8")
    result = build_release(attachgraph.load([extension]), tmp_path / "rel", previous=old_file, version="0.1.0")
    changes = result.changes
    assert changes is not None and changes.old_version == "0.0.9" and changes.new_version == "0.1.0"
    assert [a[0] for a in changes.added] == [str(shame)]
    assert [d[0] for d in changes.deprecated] == [str(trauma)]
    assert [(c[0], c[3]) for c in changes.changed] == [(str(relief), ("rdfs:label",))]
    assert not changes.removed
    text = (tmp_path / "rel" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "# Changes from 0.0.9 to 0.1.0" in text and "`ag:Shame`" in text and "`ag:AttachmentTrauma`" in text
    new = rdflib.Graph().parse(tmp_path / "rel" / "attachgraph.ttl")
    assert new.value(URIRef(ONTOLOGY_IRI), OWL.priorVersion) == URIRef(version_iri("0.0.9"))


def test_changelog_of_identical_releases_is_empty(reference: rdflib.Graph) -> None:
    changes = changelog(reference, reference)
    assert changes.empty and "No change" in changes.to_markdown()


def test_bad_version_and_missing_previous_are_clear_errors(kg: attachgraph.KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="X.Y.Z"):
        build_release(kg, tmp_path, version="latest")
    with pytest.raises(OntologyFileError, match="--previous"):
        build_release(kg, tmp_path, previous=tmp_path / "nope.ttl")


def test_release_never_touches_the_source(kg: attachgraph.KnowledgeGraph, tmp_path: Path) -> None:
    from attachgraph.resources import ontology_path

    before = ontology_path().read_bytes()
    build_release(kg, tmp_path, version="9.9.9")
    assert ontology_path().read_bytes() == before
    assert kg.graph.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) != Literal("9.9.9")
