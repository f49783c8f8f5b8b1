"""The research commands as a user runs them: queries, query, describe, search, paths, serve, push."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from attachgraph.endpoint import serve
from attachgraph.queries import list_queries

NOTE = "Not medical advice"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "attachgraph", *args], capture_output=True, text=True, input=stdin, env=env, timeout=300
    )


def test_queries_lists_every_query_with_its_parameters() -> None:
    result = run("queries")
    assert result.returncode == 0, result.stderr
    for query in list_queries():
        assert query.name in result.stdout and query.title in result.stdout
    assert "--param maxLength: integer 1..6 = 4" in result.stdout
    doc = json.loads(run("queries", "--json").stdout)
    paths = next(q for q in doc if q["name"] == "paths")
    assert [p["name"] for p in paths["parameters"]] == ["source", "target", "maxLength", "via"]
    assert paths["question"].endswith("?")


def test_query_table_csv_tsv_json_jsonl() -> None:
    table = run("query", "loops")
    assert table.returncode == 0 and table.stderr == ""
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["length", "sign", "polarity", "loop", "claims"]
    assert "balancing" in table.stdout and "4 rows." in table.stdout and NOTE in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("query", "loops", "--format", "csv").stdout)))
    assert [r["polarity"] for r in rows] == ["reinforcing", "reinforcing", "balancing", "reinforcing"]
    tsv = run("query", "loops", "-f", "tsv").stdout.splitlines()
    assert tsv[0] == "length\tsign\tpolarity\tloop\tclaims" and len(tsv) == 5
    doc = json.loads(run("query", "loops", "-f", "json").stdout)
    assert doc["head"]["vars"] == ["length", "sign", "polarity", "loop", "claims"]
    assert doc["results"]["bindings"][2]["sign"] == {
        "type": "literal", "value": "-1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"
    }
    records = [json.loads(line) for line in run("query", "loops", "-f", "jsonl").stdout.splitlines()]
    assert [r["length"] for r in records] == [2, 3, 3, 3]


def test_pipe_output_is_clean() -> None:
    """Piped output has no colour codes and nothing but the data on stdout."""
    for fmt in ("table", "csv", "json"):
        result = run("query", "acts-on", "--param", "intervention=psychoeducation", "--format", fmt)
        assert result.returncode == 0
        assert "\033[" not in result.stdout and "\033[" not in result.stderr
    csv_out = run("query", "acts-on", "-p", "intervention=psychoeducation", "-f", "csv")
    assert NOTE not in csv_out.stdout and csv_out.stdout.count("\n") == 4
    header = csv_out.stdout.splitlines()[0].split(",")
    assert header[:3] == ["intervention", "interventionLabel", "kind"] and "claimLabel" in header
    bare = run("query", "acts-on", "-p", "intervention=psychoeducation", "-f", "csv", "--no-labels")
    assert "claimLabel" not in bare.stdout


def test_params_limit_file_and_stdin(tmp_path: Path) -> None:
    result = run("query", "paths", "--param", "source=attachment trauma", "--param", "target=relapse risk", "-f", "csv")
    assert result.stdout.splitlines()[1].startswith("2,1,positive,attachment trauma -> fear of abandonment -> relapse risk,")
    limited = run("query", "downstream", "--limit", "3", "-f", "csv")
    assert len(limited.stdout.splitlines()) == 4
    file = tmp_path / "mine.rq"
    file.write_text("# title: Mine\n# param: n (integer, default 2) how many\n"
                    "SELECT ?n WHERE { }\n", encoding="utf-8")
    assert run("query", str(file), "-f", "csv").stdout.split() == ["n", "2"]
    assert run("query", str(file), "-p", "n=5", "-f", "csv").stdout.split() == ["n", "5"]
    piped = run("query", "-", "-f", "csv", stdin="SELECT (1 + 1 AS ?two) WHERE { }")
    assert piped.stdout.split() == ["two", "2"]
    out = tmp_path / "loops.json"
    assert run("query", "loops", "-f", "json", "-o", str(out)).stdout == ""
    assert len(json.loads(out.read_text())["results"]["bindings"]) == 4


def test_show_sparql_prints_the_bound_query() -> None:
    result = run("query", "describe", "-p", "concept=shame", "--show-sparql")
    assert result.returncode == 0
    assert "VALUES (?concept) { (<https://w3id.org/attachgraph/Shame>) }" in result.stdout
    assert result.stdout.startswith("# title: Describe a concept")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("query", "path"), 3, "unknown query 'path'; did you mean: paths"),
        (("query", "paths", "-p", "maxLength=lots"), 3, "parameter 'maxLength' must be an integer"),
        (("query", "paths", "-p", "maxLenght=3"), 3, "unknown parameter 'maxLenght'; did you mean 'maxLength'?"),
        (("query", "paths", "-p", "maxLength"), 3, "write NAME=VALUE"),
        (("query", "describe"), 3, "missing required parameter 'concept'"),
        (("describe", "atachment truma"), 3, "did you mean: 'attachment trauma'"),
        (("query", "-"), 3, "malformed SPARQL in query 'standard input' at line 1, column"),
        (("query", "loops", "--endpoint", "http://127.0.0.1:9/query"), 4, "cannot reach http://127.0.0.1:9/query: connection refused"),
        (("query", "loops", "--format", "xml"), 2, "invalid choice: 'xml'"),
        (("paths", "shame", "relapse risk", "--max-length", "9"), 3, "must lie between 1 and 6"),
    ],
)
def test_bad_input_is_a_clear_error_without_traceback(args: tuple[str, ...], code: int, message: str) -> None:
    result = run(*args, stdin="SELEC nothing")
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_debug_shows_the_traceback() -> None:
    result = run("query", "path", "--debug")
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_describe_search_and_paths_read_well() -> None:
    described = run("describe", "HPA axis dysregulation")
    assert described.returncode == 0
    text = described.stdout
    assert text.startswith("HPA-axis dysregulation  (ag:HPAAxisDysregulation)")
    assert "increased by:\n  inconsistent caregiving  [ag:InconsistentCaregiving]  (ag:claim-006)" in text
    assert text.rstrip().endswith("for research and teaching.") and NOTE in text
    rows = list(csv.DictReader(io.StringIO(run("describe", "shame", "-f", "csv").stdout)))
    assert rows[0]["field"] == "label" and rows[0]["value"] == "shame"
    found = run("search", "Émotional dysregulation", "-f", "csv").stdout.splitlines()
    assert found[1].startswith("https://w3id.org/attachgraph/EmotionalDysregulation,emotional dysregulation,99,label")
    assert "nothing" not in run("search", "zzzz").stdout
    paths = run("paths", "inconsistent caregiving", "substance use as external regulation", "--via", "HPA-axis dysregulation")
    assert paths.returncode == 0
    assert "  1. [+] inconsistent caregiving -> HPA-axis dysregulation -> reduced self-regulation capacity -> " in paths.stdout
    assert "3 claims: ag:claim-006 ag:claim-033 ag:claim-016" in paths.stdout
    none = run("paths", "shame", "inconsistent caregiving")
    assert none.returncode == 0 and "none; try a larger --max-length" in none.stdout


def test_engines_give_the_same_output() -> None:
    outputs = {engine: run("query", "levels-of-care", "-f", "csv", "--engine", engine).stdout for engine in ("oxigraph", "rdflib")}
    assert outputs["oxigraph"] == outputs["rdflib"] and outputs["oxigraph"].count("\n") == 16


def test_query_and_push_against_endpoints(tmp_path: Path) -> None:
    with serve(port=0) as server:
        remote = run("query", "loops", "--endpoint", server.query_url, "-f", "csv")
        assert remote.returncode == 0 and remote.stdout == run("query", "loops", "-f", "csv").stdout
        described = run("describe", "shame", "--endpoint", server.query_url)
        assert described.returncode == 0 and described.stdout.startswith("shame  (ag:Shame)")
        refused = run("push", server.url + "store")
        assert refused.returncode == 4 and "HTTP 403" in refused.stderr
        mixed = run("query", "loops", "--endpoint", server.query_url, "--extension", "x.ttl")
        assert mixed.returncode == 3 and "--extension cannot be combined with --endpoint" in mixed.stderr


def test_serve_prints_the_url_answers_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "attachgraph", "serve", "--port", "0", "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        lines = [process.stdout.readline()]
        while not lines[-1].startswith("Press Ctrl-C to stop") and lines[-1]:
            lines.append(process.stdout.readline())
        assert lines[0].startswith("attachgraph: serving ") and "read-only" in lines[0]
        assert NOTE in lines[-1]
        url = lines[1].split("SPARQL endpoint:")[1].strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/query")
        query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
        with urllib.request.urlopen(f"{url}?{query}", timeout=10) as answer:
            assert json.load(answer)["boolean"] is True
        # push the graph into it with the CLI: refused, the server is read-only
        assert run("push", url.removesuffix("query") + "store").returncode == 4
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    time.sleep(0.2)
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "?" + query, timeout=2)
