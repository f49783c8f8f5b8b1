"""The persistent store: built once from the files, opened read-only, same answers as a loaded graph."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import attachgraph
from attachgraph.errors import OntologyFileError
from attachgraph.store import MANIFEST, build_store, open_store, read_store_info

EXTENSION = """\
@prefix ag: <https://w3id.org/attachgraph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/store-test/> .

ex:TestConcept a owl:Class ;
    rdfs:label "store test concept"@en ;
    rdfs:subClassOf ag:AffectiveState .
"""


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stores") / "bundled"
    build_store(folder)
    return folder


@pytest.fixture()
def extension(tmp_path: Path) -> Path:
    path = tmp_path / "extension.ttl"
    path.write_text(EXTENSION, encoding="utf-8")
    return path


def test_store_holds_every_triple_of_the_bundled_graph(bundled_store: Path, kg: attachgraph.KnowledgeGraph) -> None:
    info = read_store_info(bundled_store)
    assert info.triples == len(kg)
    assert len(open_store(bundled_store)) == len(kg)
    assert info.attachgraph_version == attachgraph.__version__
    assert [Path(s.path).name for s in info.sources] == ["attachgraph.ttl"]


def test_store_answers_like_the_loaded_graph(bundled_store: Path, kg: attachgraph.KnowledgeGraph) -> None:
    stored = open_store(bundled_store)
    assert [c.iri for c in stored.concepts()] == [c.iri for c in kg.concepts()]
    assert stored.claims() == kg.claims()
    assert stored.resolve("HPA axis dysregulation") == kg.resolve("HPA axis dysregulation")
    for name in ("counts", "cited-paragraphs"):
        assert stored._named_rows(name) == kg._named_rows(name)


def test_two_readers_can_open_the_same_store(bundled_store: Path) -> None:
    first, second = open_store(bundled_store), open_store(bundled_store)
    assert len(first) == len(second) > 0


def test_store_with_an_extension_knows_the_new_concept(tmp_path: Path, extension: Path) -> None:
    folder = tmp_path / "merged"
    info = build_store(folder, [extension])
    kg = open_store(folder)
    assert kg.concept("store test concept").iri == "https://example.org/store-test/TestConcept"
    assert info.triples == len(attachgraph.load([extension]))
    assert [Path(s.path) for s in info.sources][1] == extension.resolve()


def test_store_folder_is_readable_like_any_other(bundled_store: Path) -> None:
    # the build happens in a private temporary folder; the result must not stay private
    mode = stat.S_IMODE(os.stat(bundled_store).st_mode)
    assert mode & stat.S_IRGRP and mode & stat.S_IXGRP, oct(mode)
    assert stat.S_IMODE(os.stat(bundled_store / MANIFEST).st_mode) & stat.S_IRGRP


def test_existing_folder_needs_replace(tmp_path: Path, extension: Path) -> None:
    folder = tmp_path / "store"
    build_store(folder)
    with pytest.raises(OntologyFileError, match="--replace"):
        build_store(folder)
    info = build_store(folder, [extension], replace=True)
    assert len(info.sources) == 2
    assert open_store(folder).concept("store test concept")


def test_a_folder_that_is_not_a_store_is_never_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OntologyFileError, match="not an attachgraph store"):
        build_store(folder, replace=True)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_broken_extension_leaves_nothing_behind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    folder = tmp_path / "store"
    with pytest.raises(OntologyFileError, match="broken.ttl"):
        build_store(folder, [broken])
    assert not folder.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["broken.ttl"]  # no staging folder left over


def test_missing_or_unknown_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="no such file"):
        build_store(tmp_path / "s", [tmp_path / "absent.ttl"])
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"not rdf")
    with pytest.raises(OntologyFileError, match="unknown RDF file type"):
        build_store(tmp_path / "s", [odd])


def test_opening_a_folder_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="attachgraph store build"):
        open_store(tmp_path)


def test_stale_store_is_refused_unless_asked(tmp_path: Path, extension: Path) -> None:
    folder = tmp_path / "store"
    build_store(folder, [extension])
    extension.write_text(EXTENSION.replace("store test concept", "renamed concept"), encoding="utf-8")
    with pytest.raises(OntologyFileError, match="out of date.*--replace"):
        open_store(folder)
    snapshot = open_store(folder, check=False)  # the snapshot still answers, with the old label
    assert snapshot.concept("store test concept")


def test_touched_but_identical_file_is_not_stale(tmp_path: Path, extension: Path) -> None:
    folder = tmp_path / "store"
    build_store(folder, [extension])
    os.utime(extension, ns=(1_000_000_000, 1_000_000_000))  # new mtime, same bytes: hash decides
    assert open_store(folder).concept("store test concept")


def test_damaged_manifest_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    build_store(folder)
    (folder / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(OntologyFileError, match="unreadable store manifest"):
        open_store(folder)
