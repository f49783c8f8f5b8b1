"""Extension files: the worked example, and every kind of bad input the validator must catch."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import attachgraph
from attachgraph.errors import AttachgraphError, ExtensionError
from attachgraph.extend import (
    CLAIM_COLUMNS,
    DEFAULT_NAMESPACE,
    ExtensionProblem,
    build_extension,
    extend,
    normalize_doi,
    read_claims,
    read_concepts,
    write_templates,
)
from attachgraph.namespaces import AG

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "extension"
EXAMPLE_FILES = [EXAMPLE / "concepts.yaml", EXAMPLE / "concepts.ttl", EXAMPLE / "claims.csv"]

HEADER = ",".join(CLAIM_COLUMNS) + "\n"
CITATION = "Example A. (2024). A made-up study for the tests. NOT A REAL REFERENCE."
NOTE = "Illustrative only: a made-up finding for the tests."


def row(cause: str = "shame", effect: str = "relapse risk", sign: str = "+", mechanism: str = "emotion regulation",
        phase: str = "recovery", grade: str = "cohort study", citation: str = CITATION, doi: str = "10.5555/test.0001",
        locator: str = "p. 3", note: str = NOTE) -> str:  # fmt: skip
    """One CSV row; commas in values are quoted."""
    cells = [cause, effect, sign, mechanism, phase, grade, citation, doi, locator, note]
    return ",".join(f'"{c}"' if "," in c or "\n" in c else c for c in cells) + "\n"


CONCEPT_YAML = """\
concepts:
  - label: sleep fragmentation
    parent: neurobiological process
    definition: A neurobiological process in which sleep is broken into short stretches by repeated waking.
    informal_definition: Waking up again and again during the night.
    synonyms: [broken sleep]
    citation: Example B. (2023). A made-up sleep study. NOT A REAL REFERENCE.
    doi: 10.5555/test.0002
    locator: p. 5
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def problems(files: list[Path], kg: attachgraph.KnowledgeGraph, **options: object) -> list[ExtensionProblem]:
    """The problems build_extension reports (it must report some)."""
    with pytest.raises(ExtensionError) as caught:
        build_extension(files, kg, shacl=False, **options)  # type: ignore[arg-type]
    found = caught.value.problems
    assert found and all(isinstance(p, ExtensionProblem) for p in found)
    assert str(caught.value).count("\n") == len(found), "the message lists every problem, one per line"
    return found


def only(found: list[ExtensionProblem]) -> ExtensionProblem:
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# --------------------------------------------------------------------------- the worked example


@pytest.fixture(scope="module")
def example(kg: attachgraph.KnowledgeGraph) -> attachgraph.extend.Extension:
    """The worked example, validated with every check including SHACL."""
    return build_extension(EXAMPLE_FILES, kg)


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory, kg: attachgraph.KnowledgeGraph) -> attachgraph.KnowledgeGraph:
    out = tmp_path_factory.mktemp("ext") / "example.ttl"
    extend(EXAMPLE_FILES, out, kg)
    return attachgraph.load([out])


def test_example_is_valid_and_adds_its_concepts_claims_and_sources(example: attachgraph.extend.Extension) -> None:
    assert len(example.concepts) == 3
    assert len(example.claims) == 7
    assert len(example.sources) == 5
    assert example.notes == ()
    assert all(iri.startswith(DEFAULT_NAMESPACE) for iri in (*example.concepts, *example.claims, *example.sources))


def test_committed_example_output_is_what_extend_writes(example: attachgraph.extend.Extension) -> None:
    committed = (EXAMPLE / "extension.ttl").read_text(encoding="utf-8")
    assert committed == example.to_turtle(), "rebuild it: see examples/extension/README.md"


def test_nothing_written_by_hand_is_lost(example: attachgraph.extend.Extension) -> None:
    """Every value of every row and concept reaches the extension graph."""
    from rdflib import Literal, URIRef

    graph = example.graph
    literals = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    for claim_row in read_claims(EXAMPLE / "claims.csv"):
        assert claim_row.locator in literals and claim_row.note in literals
        assert claim_row.citation in literals or not claim_row.citation
        assert f"https://doi.org/{claim_row.doi}" in literals or not claim_row.doi
    for spec in read_concepts(EXAMPLE / "concepts.yaml") + read_concepts(EXAMPLE / "concepts.ttl"):
        values = [spec.label, spec.definition, spec.informal_definition, *spec.locators, *(s for g in spec.synonyms.values() for s in g)]
        assert all(v in literals for v in values), spec.label
    subclass = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    parents = {str(s).rsplit(":", 1)[-1]: str(o) for s, o in graph.subject_objects(subclass)}
    assert parents == {
        "SleepDisruption": AG + "NeurobiologicalProcess",
        "PeerSupportParticipation": AG + "Intervention",
        "TraumaRelatedNightmares": DEFAULT_NAMESPACE + "SleepDisruption",
    }


def test_example_files_say_their_references_are_not_real() -> None:
    for path in [*EXAMPLE_FILES, EXAMPLE / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert "NOT real references" in text or "NOT a real reference" in text or "not real" in text, path
    dois = [r.doi for r in read_claims(EXAMPLE / "claims.csv") if r.doi]
    assert dois and all(d.startswith("10.5555/") for d in dois)


def test_extended_graph_holds_user_claims_with_their_own_source_and_grade(extended: attachgraph.KnowledgeGraph, kg: attachgraph.KnowledgeGraph) -> None:
    claims = {c.iri: c for c in extended.claims()}
    assert len(claims) == len(kg.claims()) + 7
    user = {iri: c for iri, c in claims.items() if iri.startswith(DEFAULT_NAMESPACE)}
    by_label = {f"{c.cause_label} {'+' if c.sign > 0 else '-'} {c.effect_label}": c for c in user.values()}
    trial = by_label["peer support participation - relapse risk"]
    assert trial.grade == "randomised controlled trial"
    assert trial.phase == "recovery" and trial.mechanism == "therapeutic"
    assert trial.locators == ("Table 3",)
    assert by_label["shame + relapse risk"].grade == "expert opinion"
    assert by_label["attachment trauma + sleep disruption"].cause == AG + "AttachmentTrauma"
    assert extended.concept("disturbed sleep").label == "sleep disruption"
    assert extended.concept("trauma nightmares").category == "neurobiological process"


def test_user_claims_are_told_apart_by_source_in_a_query(extended: attachgraph.KnowledgeGraph) -> None:
    result = extended.select(
        """PREFIX ag: <https://w3id.org/attachgraph/>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?claim ?grade ?doi WHERE {
          ?claim a ag:CausalClaim ; dcterms:source ?source ; ag:evidenceGrade/rdfs:label ?grade .
          FILTER (?source != ag:source-article)
          OPTIONAL { ?source dcterms:identifier ?doi } }"""
    )
    rows = {(str(r[1]), str(r[2]) if r[2] else None) for r in result.rows}
    assert len(result.rows) == 7
    assert ("randomised controlled trial", "https://doi.org/10.5555/attachgraph.example.0003") in rows
    assert ("expert opinion", None) in rows


def test_direct_edges_follow_the_user_claims(extended: attachgraph.KnowledgeGraph) -> None:
    ask = extended.select(
        "ASK { <https://w3id.org/attachgraph/Shame> <https://w3id.org/attachgraph/increases> <https://w3id.org/attachgraph/RelapseRisk> }"
    )
    assert ask.boolean is True
    decreases = extended.select(
        f"ASK {{ <{DEFAULT_NAMESPACE}PeerSupportParticipation> <https://w3id.org/attachgraph/decreases> <https://w3id.org/attachgraph/RelapseRisk> }}"
    )
    assert decreases.boolean is True


def test_extended_graph_passes_every_quality_check(extended: attachgraph.KnowledgeGraph) -> None:
    from attachgraph.validate import quality_problems

    assert [str(p) for p in quality_problems(extended)] == []


def test_extension_loads_on_the_rdflib_engine_too(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    out = tmp_path / "ext.ttl"
    extend(EXAMPLE_FILES, out, kg)
    on_rdflib = attachgraph.load([out], engine="rdflib")
    assert sorted(c.iri for c in on_rdflib.claims() if c.iri.startswith(DEFAULT_NAMESPACE)) == sorted(
        c.iri for c in attachgraph.load([out]).claims() if c.iri.startswith(DEFAULT_NAMESPACE)
    )


# --------------------------------------------------------------------------- writing


def test_extend_writes_canonical_turtle_and_never_touches_its_inputs(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    from attachgraph.canonical import format_file
    from attachgraph.resources import ontology_path

    before = digest([*EXAMPLE_FILES, ontology_path()])
    out = tmp_path / "sub" / "ext.ttl"
    extend(EXAMPLE_FILES, out, kg)
    assert format_file(out, check=True), "the output is a fixed point of the canonical formatter"
    assert digest([*EXAMPLE_FILES, ontology_path()]) == before
    assert [p.name for p in out.parent.iterdir()] == ["ext.ttl"], "no temporary file left behind"


def test_failure_writes_nothing_and_keeps_an_existing_output(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row(cause="no such concept"))
    out = tmp_path / "ext.ttl"
    with pytest.raises(ExtensionError):
        extend([claims], out, kg)
    assert not out.exists()
    out.write_text("previous content", encoding="utf-8")
    with pytest.raises(ExtensionError):
        extend([claims], out, kg)
    assert out.read_text(encoding="utf-8") == "previous content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "ext.ttl"]


@pytest.mark.parametrize("target", ["input", "ontology", "folder"])
def test_refuses_to_write_over_an_input_the_ontology_or_a_folder(tmp_path: Path, kg: attachgraph.KnowledgeGraph, target: str) -> None:
    from attachgraph.resources import ontology_path

    claims = write(tmp_path, "claims.csv", HEADER + row())
    out = {"input": claims, "ontology": ontology_path(), "folder": tmp_path}[target]
    before = digest([claims, ontology_path()])
    with pytest.raises(ExtensionError) as caught:
        extend([claims], out, kg)
    assert str(out) in str(caught.value)
    assert digest([claims, ontology_path()]) == before


def test_custom_namespace(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row())
    ext = build_extension([claims], kg, namespace="https://example.org/my-lab/", shacl=False)
    assert ext.claims[0].startswith("https://example.org/my-lab/claim-")
    assert ext.sources[0].startswith("https://example.org/my-lab/source-")


@pytest.mark.parametrize("namespace", ["not a namespace", "https://example.org/no-separator", AG, AG + "user/", "urn:x"])
def test_bad_namespaces_are_refused(tmp_path: Path, kg: attachgraph.KnowledgeGraph, namespace: str) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row())
    found = only(problems([claims], kg, namespace=namespace))
    assert found.path == "--namespace"


def test_claim_iris_are_stable_across_runs(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row())
    first = build_extension([claims], kg, shacl=False)
    second = build_extension([claims], kg, shacl=False)
    assert first.claims == second.claims and first.to_turtle() == second.to_turtle()


# --------------------------------------------------------------------------- claims tables


def test_a_minimal_row_becomes_a_claim_of_the_bundled_shape(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row())
    ext = build_extension([claims], kg, shacl=False)
    turtle = ext.to_turtle()
    assert 'rdfs:label "shame increases relapse risk"@en' in turtle
    assert "ag:evidenceGrade ag:grade-cohort-study" in turtle
    assert 'dcterms:identifier "https://doi.org/10.5555/test.0001"' in turtle
    assert "ag:Shame\n    ag:increases ag:RelapseRisk ;" in turtle


@pytest.mark.parametrize(
    ("sign", "expected"),
    [("+", 1), ("increases", 1), ("Increases", 1), ("+1", 1), ("positive", 1), ("-", -1), ("decreases", -1), ("\u2212", -1), ("-1", -1)],
)
def test_signs(tmp_path: Path, sign: str, expected: int) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row(sign=sign))
    assert read_claims(claims)[0].sign == expected


@pytest.mark.parametrize(
    ("grade", "local"),
    [("cohort study", "cohort-study"), ("RCT", "randomised-trial"), ("randomized controlled trial", "randomised-trial"),
     ("meta-analysis", "systematic-review"), ("7", "systematic-review"), ("grade-case-report", "case-report"),
     ("ag:grade-expert-opinion", "expert-opinion"), ("Cross-sectional study", "cross-sectional")],
)  # fmt: skip
def test_grades_by_label_alias_rank_or_name(tmp_path: Path, kg: attachgraph.KnowledgeGraph, grade: str, local: str) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row(grade=grade))
    assert f"ag:evidenceGrade ag:grade-{local} ;" in build_extension([claims], kg, shacl=False).to_turtle()


@pytest.mark.parametrize("doi", ["10.5555/test.0001", "doi:10.5555/test.0001", "https://doi.org/10.5555/test.0001", "http://dx.doi.org/10.5555/test.0001"])
def test_doi_spellings(doi: str) -> None:
    assert normalize_doi(doi) == "10.5555/test.0001"


@pytest.mark.parametrize("bad", ["10.55/x", "10.5555", "10.5555/", "11.5555/x", "doi:", "10.5555/a b"])
def test_malformed_dois(bad: str) -> None:
    assert normalize_doi(bad) is None


def test_a_doi_in_the_citation_column_counts_as_the_doi(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row(citation="https://doi.org/10.5555/test.0009", doi=""))
    assert read_claims(claims)[0].doi == "10.5555/test.0009"
    assert read_claims(claims)[0].citation == ""


def test_tsv_semicolons_bom_and_crlf(tmp_path: Path) -> None:
    expected = read_claims(write(tmp_path, "a.csv", HEADER + row()))
    tsv = write(tmp_path, "b.tsv", (HEADER + row()).replace(",", "\t").replace('"', ""))
    semicolons = write(tmp_path, "c.csv", HEADER.replace(",", ";") + row(citation="Example A. 2024. NOT A REAL REFERENCE.").replace(",", ";"))
    excel = write(tmp_path, "d.csv", ("\ufeff" + HEADER + row()).replace("\n", "\r\n").encode("utf-8"))
    for path in (tsv, semicolons, excel):
        (got,) = read_claims(path)
        assert (got.cause, got.effect, got.sign, got.doi, got.note) == (expected[0].cause, expected[0].effect, 1, "10.5555/test.0001", NOTE)


def test_comments_blank_rows_and_column_aliases(tmp_path: Path) -> None:
    text = "# a comment, with a comma\n\nCause,Effect,Polarity,Mechanism kind,Life phase,Evidence grade,Reference,DOI,Location,Paraphrase\n#shame,x\n" + row() + "\n"
    (got,) = read_claims(write(tmp_path, "claims.csv", text))
    assert got.line == 5 and got.cause == "shame" and got.locator == "p. 3"


def test_white_space_is_tidied(tmp_path: Path) -> None:
    (got,) = read_claims(write(tmp_path, "claims.csv", HEADER + row(cause="  shame ", note="Illustrative   only: a made-up\n  finding.")))
    assert got.cause == "shame"
    assert got.note == "Illustrative only: a made-up finding."


# --- bad tables: each problem with its line and column


def test_unknown_concept_names_the_closest_labels(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    found = only(problems([write(tmp_path, "claims.csv", HEADER + row(cause="atachment trauma"))], kg))
    assert (found.line, found.column) == (2, "cause (A)")
    assert "unknown concept 'atachment trauma'" in found.message and "'attachment trauma'" in found.message


def test_a_top_category_is_not_a_cause(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    found = only(problems([write(tmp_path, "claims.csv", HEADER + row(cause="behaviour"))], kg))
    assert "'behaviour' is a top category, not a concept" in found.message


def test_ambiguous_name(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    concepts = write(tmp_path, "concepts.yaml", CONCEPT_YAML + "  - label: sleep loss\n    parent: neurobiological process\n"
                     "    definition: A neurobiological process of sleeping for fewer hours than a person needs.\n"
                     "    informal_definition: Not getting enough sleep.\n    synonyms: [broken sleep]\n"
                     "    citation: Example C. NOT A REAL REFERENCE.\n    locator: p. 1\n")  # fmt: skip
    claims = write(tmp_path, "claims.csv", HEADER + row(cause="broken sleep"))
    found = problems([concepts, claims], kg)
    messages = " | ".join(p.message for p in found)
    assert "'broken sleep' also names the concept 'sleep fragmentation'" in messages


@pytest.mark.parametrize(
    ("cells", "column", "phrase"),
    [
        ({"sign": "up-ish"}, "sign (C)", "unknown sign 'up-ish'"),
        ({"mechanism": "magic"}, "mechanism (D)", "unknown mechanism 'magic'; choose one of: cognitive"),
        ({"phase": "adolescence"}, "phase (E)", "unknown phase 'adolescence'"),
        ({"grade": "anecdote"}, "grade (F)", "unknown grade 'anecdote'; choose one of: 0 curator inference"),
        ({"doi": "10.55/x"}, "doi (H)", "not a well-formed DOI"),
        ({"citation": "doi:10.5555", "doi": ""}, "citation (G)", "not a well-formed DOI"),
        ({"citation": "", "doi": ""}, "citation (G)", "no citation and no DOI"),
        ({"locator": ""}, "locator (I)", "empty; say where in the cited work"),
        ({"cause": ""}, "cause (A)", "empty; name the cause"),
        ({"note": "short"}, "note (J)", "too short"),
        ({"effect": "shame"}, "effect (B)", "the cause and the effect are the same concept"),
        ({"cause": "bad\x07bell"}, "cause (A)", "control character U+0007"),
    ],
)
def test_bad_cells(tmp_path: Path, kg: attachgraph.KnowledgeGraph, cells: dict[str, str], column: str, phrase: str) -> None:
    found = only(problems([write(tmp_path, "claims.csv", HEADER + row(**cells))], kg))
    assert (found.line, found.column) == (2, column)
    assert phrase in found.message


def test_citation_and_doi_that_disagree(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    found = only(problems([write(tmp_path, "claims.csv", HEADER + row(citation="10.5555/one.1", doi="10.5555/two.2"))], kg))
    assert "names DOI 10.5555/one.1 but the doi column says 10.5555/two.2" in found.message


def test_one_doi_two_citations(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    text = HEADER + row() + row(effect="emotional distress", citation="Another text. NOT A REAL REFERENCE.")
    found = only(problems([write(tmp_path, "claims.csv", text)], kg))
    assert found.line == 3 and "write the same citation for the same DOI" in found.message


@pytest.mark.parametrize(
    ("header", "phrase"),
    [
        (HEADER.replace("note", "colour"), "unknown column 'colour'"),
        (HEADER.replace("grade", "grad"), "did you mean 'grade'?"),
        (HEADER.replace("note", "cause"), "column 'cause' appears twice"),
        (HEADER.replace("locator,", ""), "the header lacks the column(s) locator"),
        (HEADER.replace("citation,doi,", ""), "lacks the column(s) citation or doi"),
    ],
)
def test_bad_headers(tmp_path: Path, header: str, phrase: str) -> None:
    with pytest.raises(ExtensionError) as caught:
        read_claims(write(tmp_path, "claims.csv", header))
    assert any(phrase in p.message and p.line == 1 for p in caught.value.problems), caught.value


def test_structure_problems(tmp_path: Path) -> None:
    text = HEADER + row().rstrip("\n") + ",extra\n" + '"unclosed,quote\n'
    with pytest.raises(ExtensionError) as caught:
        read_claims(write(tmp_path, "claims.csv", text))
    lines = {p.line: p for p in caught.value.problems}
    assert "the header names only 10 columns" in lines[2].message and lines[2].column == "K"
    assert "malformed table" in lines[3].message


def test_empty_and_header_only_tables(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    with pytest.raises(ExtensionError, match="no header row"):
        read_claims(write(tmp_path, "empty.csv", "# only a comment\n"))
    found = only(problems([write(tmp_path, "claims.csv", HEADER)], kg))
    assert "nothing to add" in found.message


def test_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ExtensionError) as caught:
        read_claims(write(tmp_path, "claims.csv", (HEADER + row(cause="shame")).encode("utf-8") + b"caf\xe9,x\n"))
    found = only(caught.value.problems)
    assert (found.line, found.column) == (3, "4") and "not UTF-8" in found.message


def test_unknown_files(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    found = problems([tmp_path / "missing.csv", write(tmp_path, "notes.txt", "hello")], kg)
    assert {p.message.split(";")[0] for p in found} == {"no such file", "unknown kind of file"}


# --- duplicates and contradictions


def test_contradiction_with_the_bundled_graph_is_reported_not_merged(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    contra = row(cause="emotional regulation training", effect="emotional dysregulation", sign="+", mechanism="therapeutic", phase="treatment")
    claims = write(tmp_path, "claims.csv", HEADER + contra)
    found = only(problems([claims], kg))
    assert found.column == "sign (C)" and "contradicts ag:claim-084" in found.message
    kept = build_extension([claims], kg, allow_contradictions=True, shacl=False)
    assert len(kept.claims) == 1 and "contradicts ag:claim-084" in kept.notes[0]
    both = attachgraph.load([_save(tmp_path, kept)])
    signs = sorted(c.sign for c in both.claims() if c.cause_label == "emotional regulation training" and c.effect_label == "emotional dysregulation")
    assert signs == [-1, 1], "both claims stay, each with its own sign"


def test_contradiction_and_duplicate_inside_one_table(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    text = HEADER + row() + row(sign="-", doi="10.5555/test.0002", citation="Example B. NOT A REAL REFERENCE.") + row(locator="p. 9")
    found = problems([write(tmp_path, "claims.csv", text)], kg)
    by_line: dict[int | None, list[str]] = {}
    for p in found:
        by_line.setdefault(p.line, []).append(p.message)
    assert len(by_line[3]) == 1 and "contradicts the claim in" in by_line[3][0] and "line 2" in by_line[3][0]
    assert any("duplicates the claim in" in m and "line 2" in m and "from the same source" in m for m in by_line[4])
    assert any("contradicts the claim in" in m and "line 3" in m for m in by_line[4])


def test_repeating_a_bundled_claim_from_another_source(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    again = row(cause="attachment trauma", effect="emotional dysregulation", phase="early development")
    claims = write(tmp_path, "claims.csv", HEADER + again)
    found = only(problems([claims], kg))
    assert "repeats ag:claim-025" in found.message and "--allow-duplicates" in found.message
    kept = build_extension([claims], kg, allow_duplicates=True, shacl=False)
    assert len(kept.claims) == 1 and "kept as further evidence" in kept.notes[0]


def test_checked_against_earlier_extensions(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    concepts = write(tmp_path, "concepts.yaml", CONCEPT_YAML)
    claims = write(tmp_path, "claims.csv", HEADER + row(cause="sleep fragmentation"))
    first = tmp_path / "first.ttl"
    extend([concepts, claims], first, kg)
    found = problems([concepts, claims], attachgraph.load([first]))
    messages = " | ".join(p.message for p in found)
    assert "'sleep fragmentation' already names 'sleep fragmentation'" in messages
    assert "duplicates urn:attachgraph:user:claim-" in messages and "from the same source" in messages
    # the concept of the first extension can be used by name in a second one
    more = write(tmp_path, "more.csv", HEADER + row(cause="broken sleep", effect="emotional distress"))
    second = build_extension([more], attachgraph.load([first]), shacl=False)
    assert len(second.claims) == 1 and second.concepts == ()


def _save(folder: Path, ext: attachgraph.extend.Extension) -> Path:
    path = folder / "saved.ttl"
    path.write_text(ext.to_turtle(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- concepts files


def test_yaml_concept_with_every_field(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    text = CONCEPT_YAML + "    related_synonyms: [interrupted sleep]\n    note: yes\n    id: SleepFragments\n"
    concepts = write(tmp_path, "concepts.yaml", text)
    (spec,) = read_concepts(concepts)
    assert spec.note == "yes", "YAML values stay text: 'yes' is not turned into True"
    ext = build_extension([concepts], kg, shacl=False)
    assert ext.concepts == (DEFAULT_NAMESPACE + "SleepFragments",)
    turtle = ext.to_turtle()
    assert 'oboInOwl:hasRelatedSynonym "interrupted sleep"@en' in turtle
    assert "rdfs:subClassOf ag:NeurobiologicalProcess" in turtle


def test_a_bare_list_and_an_empty_file_are_fine(tmp_path: Path) -> None:
    bare = "\n".join(line[2:] for line in CONCEPT_YAML.splitlines()[1:])
    assert [s.label for s in read_concepts(write(tmp_path, "a.yaml", bare))] == ["sleep fragmentation"]
    assert read_concepts(write(tmp_path, "b.yml", "# nothing yet\nconcepts:\n")) == []
    assert read_concepts(write(tmp_path, "c.yaml", "")) == []


@pytest.mark.parametrize(
    ("text", "line", "phrase"),
    [
        ("concepts:\n  - label: [a\n", 3, "not valid YAML"),
        ("concepts:\n  - label: x\n    label: y\n", 3, "appears twice"),
        ("concepts:\n  - label: x\n    colour: red\n", 3, "unknown field 'colour'"),
        ("concepts:\n  - label: [a, b]\n", 2, "'label' must be one text"),
        ("concepts:\n  - just a string\n", 2, "must be a mapping"),
        ("concepts: 5\n", 1, "must be a list"),
        ("things: []\n", 1, "expected a list of concepts under 'concepts:'"),
        ("concepts:\n  - label: x\n    id: 9lives\n", 3, "must start with a letter"),
        ("concepts:\n  - label: x\n    definition: too short\n", 3, "definition too short"),
    ],
)
def test_bad_yaml(tmp_path: Path, text: str, line: int, phrase: str) -> None:
    with pytest.raises(ExtensionError) as caught:
        read_concepts(write(tmp_path, "concepts.yaml", text))
    assert any(p.line == line and phrase in p.message for p in caught.value.problems), caught.value


def test_missing_concept_fields_are_all_reported(tmp_path: Path) -> None:
    with pytest.raises(ExtensionError) as caught:
        read_concepts(write(tmp_path, "concepts.yaml", "concepts:\n  - label: lonely concept\n"))
    messages = " | ".join(p.message for p in caught.value.problems)
    for field in ("parent", "definition", "informal_definition", "locator"):
        assert f"no {field}" in messages
    assert "no citation and no DOI" in messages


def test_concept_checks_against_the_graph(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    def concept(label: str, parent: str, synonyms: str = "[]") -> str:
        item = CONCEPT_YAML.split("\n", 1)[1].replace("[broken sleep]", synonyms)
        return item.replace("sleep fragmentation", label).replace("parent: neurobiological process", f"parent: {parent}")

    text = "concepts:\n" + "".join([
        concept("sleep fragmentation", "neurobiological proces", "[sleep fragmentation, HPA axis dysregulation]"),
        concept("Shame", "affective state"),
        concept("first of a loop", "second of a loop"),
        concept("second of a loop", "first of a loop"),
    ])  # fmt: skip
    found = problems([write(tmp_path, "concepts.yaml", text)], kg)
    messages = [p.message for p in found]
    assert any("unknown category or concept 'neurobiological proces'; did you mean 'neurobiological process'" in m for m in messages)
    assert any("the synonym 'sleep fragmentation' repeats the label" in m for m in messages)
    assert any("'HPA axis dysregulation' already names 'HPA-axis dysregulation'" in m for m in messages)
    assert any("'Shame' already names 'shame' (ag:Shame)" in m for m in messages)
    assert sum("the parents form a cycle" in m for m in messages) == 2
    assert len(found) == 6, messages


def test_yaml_keys_outside_the_list_are_reported(tmp_path: Path) -> None:
    text = CONCEPT_YAML + CONCEPT_YAML.replace("sleep fragmentation", "other") + "version: 2\n"
    with pytest.raises(ExtensionError) as caught:
        read_concepts(write(tmp_path, "concepts.yaml", text))
    messages = {(p.line, p.message.split(";")[0]) for p in caught.value.problems}
    assert messages == {(10, "'concepts' appears twice"), (19, "unknown key 'version'")}


def test_turtle_concepts(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    (spec,) = read_concepts(EXAMPLE / "concepts.ttl")
    assert spec.iri == DEFAULT_NAMESPACE + "TraumaRelatedNightmares"
    assert spec.parent == DEFAULT_NAMESPACE + "SleepDisruption" and spec.doi == "10.5555/attachgraph.example.0004"
    alone = problems([EXAMPLE / "concepts.ttl"], kg)
    assert "unknown category or concept" in only(alone).message, "its parent is defined in concepts.yaml"


TTL_PREFIXES = """@prefix ag: <https://w3id.org/attachgraph/> .
@prefix ex: <https://example.org/x/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        ('ag:Shame rdfs:label "not shame"@en .', "is a term of attachgraph"),
        ('ex:A a owl:Class ; rdfs:label "a"@de .', "must be plain text or English text"),
        ("ex:A a owl:Class ; ex:colour ex:red .", "unsupported property"),
        ('ex:A rdfs:label "a thing" .', "is not declared 'a owl:Class'"),
        ('[] a owl:Class ; rdfs:label "anonymous" .', "blank nodes are not supported"),
        ('<relative> a owl:Class ; rdfs:label "r" .', "is not an absolute http(s) or urn IRI"),
        ('ex:A a owl:Class ; rdfs:label "a", "b" .', "has 2 values for label"),
        ("ex:A a owl:Class ; rdfs:subClassOf \"text\" .", "rdfs:subClassOf must name a class by IRI"),
        ('ex:A a owl:Class ; rdfs:label "unterminated .', "not valid Turtle"),
    ],
)
def test_bad_turtle(tmp_path: Path, body: str, phrase: str) -> None:
    with pytest.raises(ExtensionError) as caught:
        read_concepts(write(tmp_path, "concepts.ttl", TTL_PREFIXES + body + "\n"))
    assert any(phrase in p.message for p in caught.value.problems), caught.value
    assert all(p.line is not None for p in caught.value.problems if "blank" not in p.message)


# --------------------------------------------------------------------------- all at once


def test_every_problem_of_every_file_at_once(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims = write(tmp_path, "claims.csv", HEADER + row(cause="atachment trauma") + row(sign="?") + row(grade="anecdote", locator=""))
    concepts = write(tmp_path, "concepts.yaml", "concepts:\n  - label: x\n    colour: red\n")
    found = problems([claims, concepts], kg)
    where = {(Path(p.path).name, p.line) for p in found}
    assert {("claims.csv", 2), ("claims.csv", 3), ("claims.csv", 4), ("concepts.yaml", 2), ("concepts.yaml", 3)} <= where
    assert len([p for p in found if p.path.endswith("claims.csv") and p.line == 4]) == 2
    assert all(isinstance(p, ExtensionProblem) for p in found)


def test_extension_error_is_an_attachgraph_error() -> None:
    assert issubclass(ExtensionError, AttachgraphError) and issubclass(ExtensionError, ValueError)


# --------------------------------------------------------------------------- SHACL


def test_shacl_runs_on_the_extended_graph(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    # an intervention must act on something (a shape of the ontology): a concept file alone
    # with a new intervention passes every other check and fails there
    text = CONCEPT_YAML.replace("neurobiological process", "intervention").replace("sleep fragmentation", "sleep hygiene coaching")
    concepts = write(tmp_path, "concepts.yaml", text)
    build_extension([concepts], kg, shacl=False)
    with pytest.raises(ExtensionError) as caught:
        build_extension([concepts], kg)
    found = only(caught.value.problems)
    assert found.message.startswith("SHACL: ") and "an intervention must act on something" in found.message
    assert (Path(found.path).name, found.line) == ("concepts.yaml", 2)


# --------------------------------------------------------------------------- templates


def test_templates_are_empty_and_their_example_works_once_uncommented(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims, concepts = write_templates(tmp_path, kg)
    assert (claims.name, concepts.name) == ("claims.csv", "concepts.yaml")
    assert read_claims(claims) == [] and read_concepts(concepts) == []
    claims_text = claims.read_text(encoding="utf-8")
    assert "NOT a real reference" in claims_text and "10.5555/" in claims_text
    claims.write_text(claims_text.replace("\n#shame,", "\nshame,"), encoding="utf-8")
    lines = concepts.read_text(encoding="utf-8").splitlines()
    start = lines.index("concepts:")
    concepts.write_text("\n".join(lines[: start + 1] + [ln.removeprefix("# ") for ln in lines[start + 1 :]]) + "\n", encoding="utf-8")
    ext = build_extension([claims, concepts], kg)
    assert (len(ext.claims), len(ext.concepts)) == (1, 1)


def test_templates_tsv_and_turtle_and_no_overwrite(tmp_path: Path, kg: attachgraph.KnowledgeGraph) -> None:
    claims, concepts = write_templates(tmp_path, kg, tsv=True, turtle=True)
    assert (claims.name, concepts.name) == ("claims.tsv", "concepts.ttl")
    assert "\t" in claims.read_text(encoding="utf-8")
    assert read_claims(claims) == [] and read_concepts(concepts) == []
    claims.write_text("mine", encoding="utf-8")
    with pytest.raises(ExtensionError, match="already exists"):
        write_templates(tmp_path, kg, tsv=True, turtle=True)
    assert claims.read_text(encoding="utf-8") == "mine"
    write_templates(tmp_path, kg, tsv=True, turtle=True, overwrite=True)
    assert claims.read_text(encoding="utf-8") != "mine"


# --------------------------------------------------------------------------- queries and docs


def test_user_claims_show_in_named_queries(extended: attachgraph.KnowledgeGraph) -> None:
    result = extended.query("interventions-on", concept="relapse risk")
    interventions = {str(r["interventionLabel"]): str(r["claims"]) for r in result}
    assert interventions["peer support participation"].startswith(DEFAULT_NAMESPACE + "claim-")
    assert "attachment-informed addiction treatment" in interventions
    downstream = {str(r["effectLabel"]) for r in extended.query("downstream", concept="sleep disruption")}
    assert {"emotional dysregulation", "relapse risk"} <= downstream


def test_the_documented_evidence_scale_is_the_ontology_s(kg: attachgraph.KnowledgeGraph) -> None:
    import re

    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (\d) \| `(grade-[a-z-]+)` \| ([^|]+?) \|", text, flags=re.MULTILINE))
    result = kg.select(
        """PREFIX ag: <https://w3id.org/attachgraph/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?grade ?label ?rank WHERE { ?grade a ag:EvidenceGrade ; rdfs:label ?label ; ag:evidenceRank ?rank }"""
    )
    in_ontology = {(str(r[2]), str(r[0]).removeprefix(AG), str(r[1])) for r in result.rows}
    assert len(in_ontology) == 8 and documented == in_ontology


# --------------------------------------------------------------------------- the map


@pytest.mark.browser
def test_user_claims_on_the_map(tmp_path: Path, artifacts: Path) -> None:
    """The worked example's concepts and claims are on the map, each link with its own grade and source."""
    import subprocess
    import sys

    from playwright.sync_api import sync_playwright

    page_path = tmp_path / "map.html"
    made = subprocess.run(
        [sys.executable, "-m", "attachgraph", "map", "--extension", str(EXAMPLE / "extension.ttl"), "-o", str(page_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    peer, relapse, shame = DEFAULT_NAMESPACE + "PeerSupportParticipation", AG + "RelapseRisk", AG + "Shame"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(page_path.as_uri())
        labels = page.evaluate("() => window.attachgraphMap.nodes.get().map(n => window.attachgraphMap.data.info[n.id].label)")
        assert {"sleep disruption", "peer support participation", "trauma-related nightmares"} <= set(labels)
        edges = page.evaluate("() => window.attachgraphMap.edges.get().map(e => [e.id, e.from, e.to, e.width])")
        by_pair = {(f, t): (eid, width) for eid, f, t, width in edges}
        trial_edge, trial_width = by_pair[(peer, relapse)]
        bundled_edge, bundled_width = by_pair[(AG + "FearOfAbandonment", relapse)]
        assert trial_width > bundled_width, "a randomised trial is drawn heavier than a claim of the narrative source"
        assert (shame, relapse) in by_pair
        page.evaluate("id => window.attachgraphMap.selectEdge(id, true)", trial_edge)
        details = page.inner_text("#ag-details-body")
        for expected in ("randomised controlled trial", "Example D. (2022)", "NOT A REAL REFERENCE", "Table 3", DEFAULT_NAMESPACE + "claim-"):
            assert expected in details
        page.screenshot(path=str(artifacts / "map-with-extension.png"))
        page.evaluate("id => window.attachgraphMap.selectEdge(id, true)", bundled_edge)
        assert "claim of a narrative source" in page.inner_text("#ag-details-body")
        browser.close()
    assert errors == []


# --------------------------------------------------------------------------- OWL


@pytest.mark.java
def test_extended_release_is_owl2_dl_and_consistent(tmp_path: Path) -> None:
    """A release built with the worked example parses in the OWL API with no DL violation, and HermiT finds it consistent."""
    import importlib.util
    import subprocess
    import sys

    # the OWL API runner of the ontology's own profile test (tests import in importlib mode)
    spec = importlib.util.spec_from_file_location("_owl_profile", ROOT / "tests" / "test_owl_profile.py")
    assert spec is not None and spec.loader is not None
    owl_profile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(owl_profile)
    ext = str(EXAMPLE / "extension.ttl")
    made = subprocess.run([sys.executable, "-m", "attachgraph", "release", "--extension", ext, "-o", str(tmp_path / "rel")], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    owl = tmp_path / "rel" / "attachgraph.owl"
    assert DEFAULT_NAMESPACE + "SleepDisruption" in owl.read_text(encoding="utf-8")
    code, report = owl_profile.owlapi_check([owl])
    assert code == 0 and report[str(owl)]["violation"] == [] and report[str(owl)]["unparsedTriples"] == "0", report
    reasoned = subprocess.run([sys.executable, "-m", "attachgraph", "reason", "--extension", ext], capture_output=True, text=True)
    assert reasoned.returncode == 0, reasoned.stderr
    assert "consistent: yes" in reasoned.stdout and "unsatisfiable classes: 0" in reasoned.stdout
