"""Property-based tests: the extension loaders on arbitrary and malformed text.

Whatever a user feeds them, the loaders either load it or raise ExtensionError (never another
exception), and ``extend`` either writes a loadable graph or writes nothing at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import attachgraph
from attachgraph.errors import ExtensionError
from attachgraph.extend import CLAIM_COLUMNS, CONCEPT_FIELDS, ExtensionProblem, extend, read_claims, read_concepts

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# end-to-end examples run SHACL when everything else passes (about a second each): fewer of them
SLOW_SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

junk = st.text(max_size=24)
tricky = st.sampled_from(['"', "'", ",", "\t", ";", "\n", "\r\n", "#", "\x00", "\x07", "\ufeff", "\u2028", "é", "\\", "<", ">", "@", ":", "- ", "{", "[", "]"])


def loads_or_reports(read: object, path: Path) -> None:
    """``read(path)`` returns a list or raises ExtensionError whose problems name ``path``."""
    try:
        result = read(path)  # type: ignore[operator]
    except ExtensionError as exc:
        event("reported problems")
        assert exc.problems, "an ExtensionError lists its problems"
        for problem in exc.problems:
            assert isinstance(problem, ExtensionProblem) and problem.message
            assert problem.path == str(path)
            assert problem.line is None or problem.line >= 1
        assert "Traceback" not in str(exc)
    else:
        event(f"loaded {min(len(result), 2)}+ records")
        assert isinstance(result, list)


def in_temp(name: str, data: bytes) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    folder = tempfile.TemporaryDirectory()
    path = Path(folder.name) / name
    path.write_bytes(data)
    return folder, path


def mutate(text: str, edits: list[tuple[int, str]]) -> str:
    """Insert fragments at positions: malformed versions of well-formed text."""
    for position, fragment in edits:
        at = position % (len(text) + 1)
        text = text[:at] + fragment + text[at:]
    return text


edits = st.lists(st.tuples(st.integers(min_value=0), st.one_of(tricky, junk)), max_size=3)

# --------------------------------------------------------------------------- claims tables

VALID = {
    "cause": ["shame", "relapse risk", "self-monitoring", "ag:FearOfAbandonment"],
    "effect": ["emotional distress", "trauma bonding", "relapse risk"],
    "sign": ["+", "-", "increases", "decreases"],
    "mechanism": ["emotion regulation", "cognitive", "therapeutic"],
    "phase": ["recovery", "treatment", "active use"],
    "grade": ["cohort study", "rct", "7", "expert opinion"],
    "citation": ["Example P. (2024). A made-up paper. NOT A REAL REFERENCE.", ""],
    "doi": ["10.5555/prop.0001", "https://doi.org/10.5555/prop.0002", ""],
    "locator": ["p. 1", "Table 2"],
    "note": ["", "Illustrative only: a made-up finding for the property tests."],
}


@st.composite
def claim_rows(draw: st.DrawFn, clean: bool = False) -> list[str]:
    """A near-valid row: valid values with a few cells replaced by junk (none when ``clean``)."""
    cells = {name: draw(st.sampled_from(VALID[name])) for name in CLAIM_COLUMNS}
    if not cells["citation"] and not cells["doi"]:
        cells["doi"] = "10.5555/prop.0003"
    for name in [] if clean else draw(st.lists(st.sampled_from(CLAIM_COLUMNS), max_size=2)):
        cells[name] = draw(st.one_of(junk, tricky))
    return [cells[name] for name in CLAIM_COLUMNS]


@st.composite
def claims_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """A claims table; half of them well-formed (so that some load), the rest damaged."""
    clean = draw(st.booleans())
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    name = "claims.tsv" if delimiter == "\t" and draw(st.booleans()) else "claims.csv"
    header = list(CLAIM_COLUMNS)
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    rows = draw(st.lists(claim_rows(clean), min_size=1 if clean else 0, max_size=3 if clean else 4))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for cells in rows:
        by_name = dict(zip(CLAIM_COLUMNS, cells))
        writer.writerow([by_name[h] for h in header])
    text = buffer.getvalue() if clean else mutate(buffer.getvalue(), draw(edits))
    return name, text.encode("utf-8", errors="surrogatepass")


@SETTINGS
@given(st.sampled_from(["claims.csv", "claims.tsv"]), st.one_of(st.binary(max_size=300), junk.map(lambda t: t.encode("utf-8"))))
def test_claims_loader_on_arbitrary_bytes(name: str, data: bytes) -> None:
    folder, path = in_temp(name, data)
    with folder:
        loads_or_reports(read_claims, path)


@SETTINGS
@given(claims_tables())
def test_claims_loader_on_near_valid_tables(table: tuple[str, bytes]) -> None:
    folder, path = in_temp(*table)
    with folder:
        loads_or_reports(read_claims, path)


# --------------------------------------------------------------------------- concepts files

CONCEPT_VALUES = {
    "label": ["property test concept", "another property concept", "shame", ""],
    "parent": ["neurobiological process", "affective state", "shame", "property test concept", "nowhere"],
    "definition": ["A neurobiological process made up for the property-based tests only.", "short"],
    "informal_definition": ["Something made up for testing.", ""],
    "synonyms": [["property concept"], [], "one synonym"],
    "citation": ["Example Q. NOT A REAL REFERENCE.", ""],
    "doi": ["10.5555/prop.0010", "10.5/bad"],
    "locator": ["p. 2", ["p. 2", "p. 3"], ""],
}


CLEAN_CONCEPT = {
    "label": "property test concept",
    "parent": "neurobiological process",
    "definition": "A neurobiological process made up for the property-based tests only.",
    "informal_definition": "Something made up for testing.",
    "synonyms": ["property concept"],
    "citation": "Example Q. NOT A REAL REFERENCE.",
    "locator": "p. 2",
}


@st.composite
def concept_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A YAML concepts file; some well-formed (one valid concept), the rest damaged."""
    if draw(st.booleans()):
        text = yaml.safe_dump({"concepts": [CLEAN_CONCEPT]}, allow_unicode=True, sort_keys=False)
        return "concepts.yaml", text.encode("utf-8")
    concepts = []
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        keys = draw(st.lists(st.sampled_from([*CONCEPT_VALUES, "id", "colour"]), unique=True, min_size=0, max_size=9))
        item: dict[str, object] = {}
        for key in keys:
            pool = CONCEPT_VALUES.get(key, ["X1", "9bad", "red"])
            item[key] = draw(st.one_of(st.sampled_from(pool), junk, st.integers(), st.none(), st.lists(junk, max_size=2)))
        concepts.append(item)
    shape = draw(st.sampled_from(["mapping", "list", "other"]))
    document: object = {"concepts": concepts} if shape == "mapping" else concepts if shape == "list" else draw(junk)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return draw(st.sampled_from(["concepts.yaml", "concepts.yml"])), mutate(text, draw(edits)).encode("utf-8", errors="surrogatepass")


TURTLE_PARTS = [
    "@prefix ag: <https://w3id.org/attachgraph/> .\n",
    "@prefix ex: <https://example.org/p/> .\n",
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n",
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n",
    "@prefix IAO: <http://purl.obolibrary.org/obo/IAO_> .\n",
    'ex:A a owl:Class ; rdfs:label "property test concept"@en ; rdfs:subClassOf ag:NeurobiologicalProcess ;\n'
    '  IAO:0000115 "A neurobiological process made up for the property-based tests only."@en ;\n'
    '  ag:informalDefinition "Something made up for testing."@en ; ag:locator "p. 1" ;\n'
    '  <http://purl.org/dc/terms/bibliographicCitation> "Example R. NOT A REAL REFERENCE." .\n',
    'ex:B a owl:Class ; rdfs:label "b"@fr ; rdfs:subClassOf ex:A .\n',
    "ag:Shame rdfs:comment \"changed\" .\n",
    "[] a owl:Class .\n",
    "ex:C ex:p ex:D .\n",
    '<relative> a owl:Class ; rdfs:label "rel" .\n',
    'ex:E a owl:Class ; rdfs:label "e", "f" ; rdfs:subClassOf "x" .\n',
    "ex:F a owl:Class ; rdfs:subClassOf ( ex:A ex:B ) .\n",
    '@base <http://example.org/base/> .\n',
    'ex:G a owl:Class ; rdfs:label "g"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
]


@st.composite
def turtle_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """Turtle from good and bad fragments; some well-formed (the prefixes and one valid concept)."""
    if draw(st.booleans()):
        return "concepts.ttl", "".join(TURTLE_PARTS[:6]).encode("utf-8")
    parts = draw(st.lists(st.sampled_from(TURTLE_PARTS), max_size=8))
    return "concepts.ttl", mutate("".join(parts), draw(edits)).encode("utf-8", errors="surrogatepass")


@SETTINGS
@given(st.sampled_from(["concepts.yaml", "concepts.ttl"]), st.one_of(st.binary(max_size=300), junk.map(lambda t: t.encode("utf-8"))))
def test_concepts_loader_on_arbitrary_bytes(name: str, data: bytes) -> None:
    folder, path = in_temp(name, data)
    with folder:
        loads_or_reports(read_concepts, path)


@SETTINGS
@given(st.one_of(concept_files(), turtle_files()))
def test_concepts_loader_on_near_valid_files(document: tuple[str, bytes]) -> None:
    folder, path = in_temp(*document)
    with folder:
        loads_or_reports(read_concepts, path)


# --------------------------------------------------------------------------- extend end to end


@SLOW_SETTINGS
@given(claims_tables(), st.one_of(st.none(), concept_files(), turtle_files()), st.booleans())
def test_extend_writes_a_loadable_graph_or_nothing(kg: attachgraph.KnowledgeGraph, table: tuple[str, bytes], concepts: tuple[str, bytes] | None, existing: bool) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        inputs = [folder / table[0]]
        inputs[0].write_bytes(table[1])
        if concepts is not None:
            assume(concepts[0] != table[0])
            inputs.append(folder / concepts[0])
            inputs[-1].write_bytes(concepts[1])
        out = folder / "out" / "extension.ttl"
        if existing:
            out.parent.mkdir()
            out.write_text("previous", encoding="utf-8")
        before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
        try:
            result = extend(inputs, out, kg)
        except ExtensionError as exc:
            event("reported problems")
            assert exc.problems
            if existing:
                assert out.read_text(encoding="utf-8") == "previous"
                assert [p.name for p in out.parent.iterdir()] == ["extension.ttl"], "no temporary file left"
            else:
                assert not out.parent.exists() or list(out.parent.iterdir()) == []
        else:
            event("wrote the extension")
            assert [p.name for p in out.parent.iterdir()] == ["extension.ttl"]
            loaded = attachgraph.load([out])
            claims = {c.iri for c in loaded.claims()}
            assert set(result.claims) <= claims
            assert len(claims) == len(kg.claims()) + len(result.claims)
        assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs} == before


def test_concept_fields_cover_the_strategy() -> None:
    """The generated concepts use real field names (so near-valid files do get loaded)."""
    assert set(CONCEPT_VALUES) <= set(CONCEPT_FIELDS)
