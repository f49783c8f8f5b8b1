"""The typed result object: rows, labels next to IRIs, exports and notebook display."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

import attachgraph
from attachgraph.engines import Node
from attachgraph.errors import MissingDependencyError
from attachgraph.results import Result

AG = "https://w3id.org/attachgraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture()
def result() -> Result:
    """Two rows by hand: an IRI column without a label column, a number, a language-tagged text."""
    rows = (
        (Node.iri(AG + "Shame"), Node.literal(-1), Node("literal", "a, \"quoted\"\nnote", None, "en")),
        (Node.iri("http://example.org/unlabelled"), Node.literal(1), None),
    )
    return Result(("concept", "sign", "note"), rows, {AG + "Shame": "shame"}, "hand-made")


def test_label_column_sits_next_to_its_iri_column(result: Result) -> None:
    assert result.columns == ("concept", "conceptLabel", "sign", "note")
    assert result.label_columns == {"conceptLabel": "concept"}
    first, second = list(result)
    assert first["conceptLabel"] == "shame" and first.label("concept") == "shame"
    assert second["conceptLabel"] is None, "an IRI without a label gets an empty cell"


def test_no_label_column_when_the_query_labels_itself() -> None:
    rows = ((Node.iri(AG + "Shame"), Node.literal("shame")),)
    assert Result(("concept", "conceptLabel"), rows, {AG + "Shame": "shame"}).columns == ("concept", "conceptLabel")


def test_rows_give_python_values_and_nodes(result: Result) -> None:
    row = result[0]
    assert row["sign"] == -1 and isinstance(row["sign"], int)
    assert row.node("note") == Node("literal", 'a, "quoted"\nnote', None, "en")
    assert result[1]["note"] is None
    assert result[-1]["sign"] == 1
    assert dict(row) == {"concept": AG + "Shame", "conceptLabel": "shame", "sign": -1, "note": 'a, "quoted"\nnote'}
    with pytest.raises(KeyError, match="no column 'nope'"):
        row["nope"]
    with pytest.raises(IndexError, match="the result has 2 rows"):
        result[2]
    assert result.column("sign") == [-1, 1]
    assert len(result) == 2 and bool(result)


def test_csv_round_trips(result: Result) -> None:
    parsed = list(csv.reader(io.StringIO(result.to_csv())))
    assert parsed[0] == ["concept", "conceptLabel", "sign", "note"]
    assert parsed[1] == [AG + "Shame", "shame", "-1", 'a, "quoted"\nnote']
    assert parsed[2] == ["http://example.org/unlabelled", "", "1", ""]
    assert list(csv.reader(io.StringIO(result.to_csv(labels=False))))[0] == ["concept", "sign", "note"]


def test_tsv_keeps_one_line_per_row(result: Result) -> None:
    lines = result.to_tsv().splitlines()
    assert len(lines) == 3
    assert lines[1].split("\t") == [AG + "Shame", "shame", "-1", 'a, "quoted" note']


def test_json_is_sparql_results_json(result: Result) -> None:
    doc = json.loads(result.to_json())
    assert doc["head"]["vars"] == ["concept", "conceptLabel", "sign", "note"]
    first, second = doc["results"]["bindings"]
    assert first["concept"] == {"type": "uri", "value": AG + "Shame"}
    assert first["sign"] == {"type": "literal", "value": "-1", "datatype": XSD + "integer"}
    assert first["note"] == {"type": "literal", "value": 'a, "quoted"\nnote', "xml:lang": "en"}
    assert first["conceptLabel"] == {"type": "literal", "value": "shame"}
    assert "note" not in second and "conceptLabel" not in second, "unbound variables are left out"
    assert json.loads(result.to_json(labels=False))["head"]["vars"] == ["concept", "sign", "note"]


def test_jsonl_has_one_object_per_row(result: Result) -> None:
    lines = result.to_jsonl().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"concept": AG + "Shame", "conceptLabel": "shame", "sign": -1, "note": 'a, "quoted"\nnote'},
        {"concept": "http://example.org/unlabelled", "sign": 1},
    ]


def test_writing_to_a_file(result: Result, tmp_path: Path) -> None:
    target = tmp_path / "out" / "rows.csv"
    text = result.to_csv(target)
    assert target.read_text(encoding="utf-8") == text
    assert not list(target.parent.glob(".*.tmp")), "no temporary file is left behind"


def test_dataframe(result: Result) -> None:
    import pandas  # a test dependency

    frame = result.to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["concept", "conceptLabel", "sign", "note"]
    assert frame["sign"].tolist() == [-1, 1]


def test_dataframe_without_pandas_says_how_to_get_it(result: Result, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    with pytest.raises(MissingDependencyError, match="pip install pandas"):
        result.to_dataframe()


def test_table_is_aligned_and_fits_a_width(result: Result) -> None:
    table = result.to_table()
    header, rule, first, second = table.splitlines()
    assert header.split() == ["concept", "conceptLabel", "sign", "note"]
    assert first.startswith("ag:Shame")
    assert "a, \"quoted\" note" in first, "line breaks in values do not break the table"
    assert header.index("sign") == first.index("-1")
    narrow = result.to_table(width=64)  # long cells are cut to make the table fit
    assert max(len(line) for line in narrow.splitlines()) <= 64
    assert "…" in narrow and narrow.splitlines()[0].split() == ["concept", "conceptLabel", "sign", "note"]
    blocks = result.to_table(width=40)  # too narrow for a table: one block of lines per row
    assert max(len(line) for line in blocks.splitlines()) <= 40
    assert blocks.splitlines()[0].startswith("-- row 1 ---")
    assert "conceptLabel  shame" in blocks and "http://example.org/unlabelled" not in blocks.replace("\n", "")
    assert "\033[" not in table and "\033[1m" in result.to_table(color=True)


def test_repr_and_html(result: Result) -> None:
    assert repr(result).startswith("<Result of hand-made: 2 rows>\nconcept")
    hostile = Result(("x",), ((Node.literal("<script>alert(1)</script>"),),), {}, "q<1>")
    page = hostile._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "q&lt;1&gt;" in page


def test_head_and_ask() -> None:
    many = Result(("n",), tuple((Node.literal(i),) for i in range(30)), {}, "many")
    assert len(many.head(5)) == 5 and "... 18 more rows" in repr(many)
    ask = Result((), (), {}, "ask", boolean=False)
    assert not ask and ask.to_table() == "no"
    assert json.loads(ask.to_json()) == {"head": {}, "boolean": False}


def test_query_results_carry_labels_from_the_graph(kg: attachgraph.KnowledgeGraph) -> None:
    result = kg.query("curator-inferences")
    assert "claimLabel" in result.columns
    first = result[0]
    assert first["claim"] == AG + "claim-034"
    assert first["claimLabel"] == "reduced self-regulation capacity increases emotional dysregulation"
