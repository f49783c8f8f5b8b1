"""The query library: headers, parameter binding, safe VALUES injection, errors, engine agreement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import attachgraph
from attachgraph.engines import Node
from attachgraph.errors import QueryParameterError, QuerySyntaxError, UnknownConceptError, UnknownQueryError
from attachgraph.queries import (
    bind_params,
    get_query,
    inject_values,
    list_queries,
    parse_query_text,
    resolve_query,
    sparql_term,
)

AG = "https://w3id.org/attachgraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Values for the parameters a library query requires (the others have defaults or are optional).
SAMPLE_PARAMS = {"describe": {"concept": "attachment trauma"}, "search": {"text": "trust"}}


def _normalised(query_text: str, variables: tuple[str, ...], rows: tuple) -> list[tuple]:
    """Rows as comparable tuples; GROUP_CONCAT values compare as sorted parts, since SPARQL leaves their order open."""
    concat = {
        m.group(2): m.group(1)
        for m in re.finditer(r'GROUP_CONCAT\([^;]*;\s*SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', query_text, re.I)
    }
    out = []
    for row in rows:
        cells = []
        for var, node in zip(variables, row):
            if node is not None and var in concat:
                node = Node(node.kind, concat[var].join(sorted(node.value.split(concat[var]))), node.datatype, node.lang)
            cells.append(node)
        out.append(tuple(cells))
    return out


# --- the library and its headers ------------------------------------------------------------------


def test_every_library_query_is_documented() -> None:
    queries = list_queries()
    assert len(queries) >= 30
    for query in queries:
        assert query.title != query.name, f"{query.name}: no '# title:' line"
        assert query.question.endswith("?") or "?" in query.question, f"{query.name}: the question should be a question"
        assert query.returns, f"{query.name}: no '# returns:' line"
        for param in query.params:
            assert param.description, f"{query.name}: parameter {param.name} has no description"
            assert not (param.required and param.default is not None)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_returns_line_matches_what_the_query_returns(kg: attachgraph.KnowledgeGraph, name: str) -> None:
    query = get_query(name)
    result = kg.query(name, **SAMPLE_PARAMS.get(name, {}))
    assert result.variables == query.returns, f"{name}: '# returns:' says {query.returns}, the query gives {result.variables}"


def test_at_least_fifteen_competency_questions_take_parameters_or_answer_alone() -> None:
    names = {q.name for q in list_queries() if "/" not in q.name}
    research = names - {"concepts", "claims", "names", "counts", "cited-paragraphs", "labels"}
    assert len(research) >= 15, sorted(research)


def test_parse_header_with_range_quoted_default_and_optional() -> None:
    text = (
        "# title: T\n# question: Q?\n"
        "# param: n (integer 2..5, default 3) how many\n"
        '# param: word (string, default "two words") a phrase\n'
        "# param: flag (boolean, required) a switch\n"
        "# param: who (concept, optional) anyone\n"
        "# returns: ?a ?b\nSELECT ?a ?b WHERE { ?a ?p ?b }\n"
    )
    query = parse_query_text("t", text)
    n, word, flag, who = query.params
    assert (n.minimum, n.maximum, n.default, n.required) == (2, 5, "3", False)
    assert word.default == "two words"
    assert flag.required and flag.default is None
    assert not who.required and who.default is None
    assert who.signature == "who: concept (optional)"
    assert query.returns == ("a", "b")


def test_unreadable_parameter_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot read parameter line"):
        parse_query_text("bad", "# param: n (number) what\nASK {}")


# --- resolving a query -----------------------------------------------------------------------------


def test_resolve_name_file_and_text(tmp_path: Path) -> None:
    assert resolve_query("describe").name == "describe"  # a name, although DESCRIBE is a SPARQL keyword
    file = tmp_path / "mine.rq"
    file.write_text("# title: Mine\nASK { ?s ?p ?o }\n")
    assert resolve_query(file).title == "Mine"
    assert resolve_query(str(file)).path == file.resolve()
    assert resolve_query("SELECT ?s WHERE { ?s ?p ?o }").name == "SPARQL text"


def test_unknown_query_names_the_closest() -> None:
    with pytest.raises(UnknownQueryError) as info:
        resolve_query("path")
    assert "paths" in info.value.suggestions
    assert "attachgraph queries" in str(info.value)


def test_missing_query_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(UnknownQueryError, match="does not exist"):
        resolve_query(str(tmp_path / "nowhere.rq"))


# --- binding ---------------------------------------------------------------------------------------


def test_defaults_fill_in_and_optional_parameters_stay_unbound() -> None:
    bindings = bind_params(get_query("paths"), {})
    assert bindings["source"] == Node.iri(AG + "InconsistentCaregiving")
    assert bindings["maxLength"] == Node("literal", "4", XSD + "integer")
    assert "via" not in bindings


def test_concept_parameters_resolve_names(kg: attachgraph.KnowledgeGraph) -> None:
    bindings = bind_params(get_query("describe"), {"concept": "HPA axis dysregulation"}, kg.resolve)
    assert bindings == {"concept": Node.iri(AG + "HPAAxisDysregulation")}


def test_unknown_concept_suggests_labels(kg: attachgraph.KnowledgeGraph) -> None:
    with pytest.raises(UnknownConceptError) as info:
        kg.query("describe", concept="atachment truma")
    assert "attachment trauma" in info.value.suggestions


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("paths", {"sauce": "shame"}, "unknown parameter 'sauce'; did you mean 'source'"),
        ("describe", {}, "missing required parameter 'concept'"),
        ("paths", {"maxLength": "four"}, "must be an integer, got 'four'"),
        ("paths", {"maxLength": 9}, "must lie between 1 and 6, got 9"),
        ("paths", {"maxLength": True}, "must be an integer"),
        ("search", {"text": 42}, "must be a string"),
        ("mappings", {"concept": ""}, "must name a concept"),
    ],
)
def test_bad_parameters_are_clear_errors(kg: attachgraph.KnowledgeGraph, name: str, params: dict, message: str) -> None:
    with pytest.raises(QueryParameterError) as info:
        kg.query(name, **params)
    assert message in str(info.value)
    assert f"query {name!r}" in str(info.value)
    assert "its parameters:" in str(info.value)


def test_boolean_and_iri_parameters() -> None:
    query = parse_query_text(
        "t", "# param: on (boolean, required) x\n# param: thing (iri, required) y\nSELECT * WHERE { ?s ?p ?o }"
    )
    assert bind_params(query, {"on": "yes", "thing": "ag:Shame"}) == {
        "on": Node.literal(True),
        "thing": Node.iri(AG + "Shame"),
    }
    with pytest.raises(QueryParameterError, match="must be true or false"):
        bind_params(query, {"on": "maybe", "thing": "ag:Shame"})
    with pytest.raises(QueryParameterError, match="must be an IRI"):
        bind_params(query, {"on": "no", "thing": "http://x/> } ; DROP ALL ; <"})


# --- writing terms and injecting VALUES ----------------------------------------------------------


def test_sparql_term_escapes_strings() -> None:
    assert sparql_term(Node.literal('a "quoted"\nline\\')) == '"a \\"quoted\\"\\nline\\\\"'
    assert sparql_term(Node("literal", "x", None, "en")) == '"x"@en'
    assert sparql_term(Node.literal(True)) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'


def test_sparql_term_refuses_unicode_escapes_and_bad_iris() -> None:
    # SPARQL decodes \u escapes before parsing, even after a backslash: such text could end the string
    with pytest.raises(QueryParameterError, match="backslash followed by 'u'"):
        sparql_term(Node.literal("\\u0022} DROP ALL"))
    with pytest.raises(QueryParameterError, match="not a valid absolute IRI"):
        sparql_term(Node.iri("no scheme"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE { VALUES"),
        ("SELECT * { { SELECT ?x WHERE { ?x ?p ?o } } }", "SELECT * { VALUES"),
        ("ASK{ ?x ?p ?o }", "ASK{ VALUES"),
        ('PREFIX a: <http://x/{where}>\nSELECT ("{where" AS ?b) # where {\nWHERE { ?x ?p ?o }', "\nWHERE { VALUES"),
        ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "WHERE { VALUES"),
        ("select ?x where{?x ?p ?o}", "where{ VALUES"),
    ],
)
def test_values_go_into_the_outer_where_group(text: str, expected: str) -> None:
    bound = inject_values(text, ["x"], [[Node.iri(AG + "Shame")]])
    assert expected in bound
    assert bound.count("VALUES (?x)") == 1
    assert bound.count("\n") == text.count("\n"), "the block must not move line numbers"


def test_values_block_with_several_rows_and_undef() -> None:
    bound = inject_values("SELECT * WHERE { ?a ?p ?b }", ["a", "b"], [[Node.iri(AG + "A"), None], [None, Node.literal(2)]])
    assert f"VALUES (?a ?b) {{ (<{AG}A> UNDEF) (UNDEF \"2\"^^<{XSD}integer>) }}" in bound


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_hostile_text_stays_one_literal(engine: str) -> None:
    kg = attachgraph.load(engine=engine)
    hostile = '"} UNION { ?concept ?p ?o } # \' ) ) }'
    assert len(kg.query("search", text=hostile)) == 0
    assert [row["conceptLabel"] for row in kg.query("search", text="shame")][:1] == ["shame"]


# --- malformed SPARQL --------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "oxrdflib", "rdflib"])
def test_malformed_sparql_names_query_line_and_column(engine: str, tmp_path: Path) -> None:
    file = tmp_path / "broken.rq"
    file.write_text("# title: Broken\nPREFIX ag: <https://w3id.org/attachgraph/>\nSELECT ?x\nWHRE { ?x ag:cause ?y }\n")
    kg = attachgraph.load(engine=engine)
    with pytest.raises(QuerySyntaxError) as info:
        kg.query(file)
    error = info.value
    assert error.source == str(file.resolve())
    assert error.line is not None and error.column is not None
    assert error.line in (3, 4)  # engines point at the SELECT clause (rdflib) or the bad keyword (Oxigraph)
    assert f"line {error.line}, column {error.column}" in str(error)
    assert "^" in str(error), "the message shows the line with a caret"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_undeclared_prefix_is_located(engine: str) -> None:
    kg = attachgraph.load(engine=engine)
    with pytest.raises(QuerySyntaxError) as info:
        kg.query("SELECT ?x WHERE {\n  ?x zz:cause ?y }")
    assert info.value.line == 2 and info.value.column == 6
    assert "prefix 'zz:'" in str(info.value)


def test_error_column_ignores_the_bound_values_block(tmp_path: Path) -> None:
    file = tmp_path / "param.rq"
    file.write_text("# param: x (iri, optional) a thing\nSELECT ?x WHERE { ?x ?p ?o . FILTER (?x = ) }\n")
    kg = attachgraph.load(engine="oxigraph")
    with pytest.raises(QuerySyntaxError) as plain:
        kg.query(file)
    with pytest.raises(QuerySyntaxError) as bound:
        kg.query(file, x="ag:Shame")
    assert (bound.value.line, bound.value.column) == (plain.value.line, plain.value.column)


# --- the same rows everywhere -----------------------------------------------------------------------


@pytest.mark.slow
def test_every_library_query_gives_the_same_rows_on_every_engine() -> None:
    graphs = {engine: attachgraph.load(engine=engine) for engine in ("oxigraph", "oxrdflib", "rdflib")}
    for query in list_queries():
        params = SAMPLE_PARAMS.get(query.name, {})
        answers = {}
        for engine, kg in graphs.items():
            result = kg.query(query.name, **params)
            answers[engine] = (result.variables, _normalised(query.text, result.variables, result.rows))
        assert answers["oxigraph"] == answers["oxrdflib"] == answers["rdflib"], query.name


def test_helpers_match_their_named_queries(kg: attachgraph.KnowledgeGraph) -> None:
    assert kg.paths("attachment trauma", "relapse risk").rows == kg.query(
        "paths", source="attachment trauma", target="relapse risk"
    ).rows
    assert kg.loops(max_length=2).rows == kg.query("loops", maxLength=2).rows
    assert kg.acts_on("psychoeducation").rows == kg.query("acts-on", intervention="psychoeducation").rows
    assert kg.upstream("relapse risk", max_steps=1).rows == kg.query("upstream", concept="relapse risk", maxSteps=1).rows
    assert kg.downstream("shame", max_steps=1).rows == kg.query("downstream", concept="shame", maxSteps=1).rows
    assert kg.mediators("attachment trauma", "relapse risk").rows == kg.query("mediators").rows
    assert kg.interventions_on("shame").rows == kg.query("interventions-on", concept="shame").rows
    assert kg.evidence("psychoeducation", "shame").rows == kg.query("evidence", cause="psychoeducation", effect="shame").rows
    assert kg.describe("shame").rows == kg.query("describe", concept="shame").rows
    assert kg.search("shame").rows == kg.query("search", text="shame").rows
