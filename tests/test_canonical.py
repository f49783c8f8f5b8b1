"""The canonical Turtle writer: stable, sorted, lossless."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from attachgraph.canonical import format_file, format_graph
from attachgraph.errors import OntologyFileError
from attachgraph.resources import ontology_path, shapes_path


@pytest.mark.parametrize("path", [ontology_path(), shapes_path()], ids=["ontology", "shapes"])
def test_round_trip_is_lossless(path: Path) -> None:
    """Formatting then parsing gives a graph isomorphic to the original (blank nodes included)."""
    original = Graph().parse(str(path), format="turtle")
    again = Graph().parse(data=format_graph(original), format="turtle")
    assert isomorphic(original, again)


def test_output_does_not_depend_on_insertion_order() -> None:
    """The same triples added in a shuffled order give byte-identical text."""
    triples = list(Graph().parse(str(ontology_path()), format="turtle"))
    texts = set()
    for seed in (1, 2):
        random.Random(seed).shuffle(triples)
        g = Graph()
        for t in triples:
            g.add(t)
        texts.add(format_graph(g))
    assert len(texts) == 1


def test_blocks_sort_numbers_naturally_and_escape_literals() -> None:
    """claim-9 comes before claim-10; quotes, backslashes and newlines are escaped."""
    g = Graph().parse(data='''@prefix ag: <https://w3id.org/attachgraph/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ag:claim-10 rdfs:label "ten" . ag:claim-9 rdfs:label "say \\"nine\\"\\nthen \\\\ stop"@en .''', format="turtle")
    text = format_graph(g)
    assert text.index("ag:claim-9") < text.index("ag:claim-10")
    assert r'"say \"nine\"\nthen \\ stop"@en' in text
    assert isomorphic(g, Graph().parse(data=text, format="turtle"))


def test_top_level_blank_nodes_are_refused() -> None:
    """A blank node that is not nested under a named subject cannot be written canonically."""
    g = Graph().parse(data='[] <http://www.w3.org/2000/01/rdf-schema#label> "orphan" .', format="turtle")
    with pytest.raises(OntologyFileError, match="blank node"):
        format_graph(g)


def test_format_file_rewrites_atomically_and_reports(tmp_path: Path) -> None:
    """A non-canonical file is reported by check mode and fixed (only) by rewrite mode."""
    path = tmp_path / "x.ttl"
    path.write_text('<https://w3id.org/attachgraph/B> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n'
                    '<https://w3id.org/attachgraph/A> <http://www.w3.org/2000/01/rdf-schema#label> "a" .\n')
    before = path.read_text()
    assert format_file(path, check=True) is False
    assert path.read_text() == before
    assert format_file(path) is False
    assert format_file(path, check=True) is True
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_unparseable_file_names_the_file(tmp_path: Path) -> None:
    """A syntax error is an OntologyFileError naming the file, and the file is untouched."""
    path = tmp_path / "broken.ttl"
    path.write_text("ag:x ag:y .\n")
    with pytest.raises(OntologyFileError, match="broken.ttl"):
        format_file(path)
    assert path.read_text() == "ag:x ag:y .\n"
