"""SPARQL endpoints: a real Oxigraph server on loopback, push, the same rows as the embedded engine,
a read-only `serve`, and clear errors when an endpoint cannot be used."""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import attachgraph
from attachgraph.endpoint import EndpointEngine, Server, _oxigraph_binary, push, serve
from attachgraph.engines import Node
from attachgraph.errors import EndpointError, QueryParameterError, QuerySyntaxError
from attachgraph.queries import list_queries

SAMPLE_PARAMS = {"describe": {"concept": "attachment trauma"}, "search": {"text": "trust"}}
EXTENSION = """\
@prefix ag: <https://w3id.org/attachgraph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ag:Shame rdfs:comment "an extension triple"@en .
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _http(method: str, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _count(query_url: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = EndpointEngine(query_url).select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(result.rows[0][0].value)


def _normalised(text: str, variables: tuple[str, ...], rows: tuple) -> list[tuple]:
    """GROUP_CONCAT parts compare as sorted lists: SPARQL leaves their order open."""
    concat = {
        m.group(2): m.group(1)
        for m in re.finditer(r'GROUP_CONCAT\([^;]*;\s*SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', text, re.I)
    }
    out = []
    for row in rows:
        out.append(tuple(
            Node(n.kind, concat[v].join(sorted(n.value.split(concat[v]))), n.datatype, n.lang) if n is not None and v in concat else n
            for v, n in zip(variables, row)
        ))
    return out


@pytest.fixture(scope="module")
def store() -> Iterator[str]:
    """A separately started, writable, in-memory Oxigraph server; yields its base URL."""
    port = _free_port()
    process = subprocess.Popen(
        [_oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if _http("GET", base + "query?query=ASK%7B%7D")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the Oxigraph server did not start"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def pushed(store: str) -> str:
    """The bundled graph pushed into the store's default graph; yields the query URL."""
    report = push(store + "store")
    assert report.triples == len(attachgraph.load()) and report.graph is None and report.mode == "replace"
    return store + "query"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(port=0, timeout=5) as running:
        yield running


# --- the same queries on another store ---------------------------------------------------------------


def test_every_named_query_gives_the_same_rows_on_a_pushed_store(pushed: str) -> None:
    remote = attachgraph.load(endpoint=pushed)
    local = attachgraph.load(engine="oxigraph")
    for query in list_queries():
        params = SAMPLE_PARAMS.get(query.name, {})
        there, here = remote.query(query.name, **params), local.query(query.name, **params)
        assert there.variables == here.variables, query.name
        assert _normalised(query.text, there.variables, there.rows) == _normalised(query.text, here.variables, here.rows), query.name
        assert there.labels == here.labels, query.name


def test_helpers_run_on_an_endpoint(pushed: str) -> None:
    remote = attachgraph.load(endpoint=pushed)
    local = attachgraph.load()
    assert remote.paths("inconsistent caregiving", "substance use as external regulation", via="HPA-axis dysregulation").rows == (
        local.paths("inconsistent caregiving", "substance use as external regulation", via="HPA-axis dysregulation").rows
    )
    assert remote.concept("shame").label == "shame"
    assert len(remote) == len(local)
    assert len(remote.graph) == len(local)
    assert "endpoint=" in repr(remote)


def test_push_merge_and_named_graphs(store: str, pushed: str, tmp_path: Path) -> None:
    base = len(attachgraph.load())
    assert push(store + "store", mode="merge").mode == "merge"
    assert _count(pushed) == base, "merging the same triples adds nothing"
    graph = "https://example.org/graphs/attachgraph"
    report = push(store + "store", graph=graph)
    assert report.graph == graph and _count(pushed, graph) == base and _count(pushed) == base
    extension = tmp_path / "ext.ttl"
    extension.write_text(EXTENSION, encoding="utf-8")
    push(store + "store", attachgraph.load([extension]), graph=graph)
    assert _count(pushed, graph) == base + 1, "replace puts exactly the new content in the named graph"
    assert _count(pushed) == base


def test_push_failures_are_clear(server: Server, store: str) -> None:
    with pytest.raises(EndpointError, match=r"refused the upload with HTTP 403: The server is read-only"):
        push(server.url + "store")
    with pytest.raises(EndpointError, match="connection refused"):
        push(f"http://127.0.0.1:{_free_port()}/store")
    with pytest.raises(EndpointError, match="unknown push mode"):
        push(store + "store", mode="append")
    with pytest.raises(EndpointError, match="not an absolute IRI"):
        push(store + "store", graph="my graph")


# --- serve: read-only, time limit ----------------------------------------------------------------------


def test_serve_answers_sparql_protocol_requests(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:") and server.query_url == server.url + "query"
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    status, body = _http("GET", f"{server.query_url}?{query}", headers={"Accept": "text/csv"})
    assert status == 200 and body.split() == ["n", str(len(attachgraph.load()))]
    status, page = _http("GET", server.url)
    assert status == 200 and "<html" in page.lower(), "the query page is served"


@pytest.mark.parametrize(
    "update",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <https://w3id.org/attachgraph/releases/0.1.0>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_serve_refuses_updates_and_loads(server: Server, update: str) -> None:
    before = _count(server.query_url)
    status, body = _http("POST", server.url + "update", urllib.parse.urlencode({"update": update}).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"})
    assert (status, body.strip()) == (403, "The server is read-only")
    status, _ = _http("POST", server.url + "update", update.encode(), {"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _ = _http("POST", server.query_url, urllib.parse.urlencode({"query": update}).encode(),
                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400, "an update sent as a query is not run"
    assert _count(server.query_url) == before
    ask = EndpointEngine(server.query_url).select("ASK { <urn:a> <urn:b> <urn:c> }")
    assert ask.boolean is False
    still = EndpointEngine(server.query_url).select(
        "ASK { <https://w3id.org/attachgraph/claim-006> <https://w3id.org/attachgraph/cause> "
        "<https://w3id.org/attachgraph/InconsistentCaregiving> }"
    )
    assert still.boolean is True


def test_serve_refuses_graph_store_writes(server: Server) -> None:
    before = _count(server.query_url)
    for method in ("PUT", "POST", "DELETE"):
        status, _ = _http(method, server.url + "store?default", b"<urn:a> <urn:b> <urn:c> .", {"Content-Type": "application/n-triples"})
        assert status == 403, method
    assert _count(server.query_url) == before


def test_serve_stops_long_queries() -> None:
    with serve(port=0, timeout=1) as limited:
        endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(EndpointError, match="time limit"):
            EndpointEngine(limited.query_url).select(endless, source="endless")
        assert limited.running(), "the server keeps serving after a cancelled query"
        assert EndpointEngine(limited.query_url).select("ASK { ?s ?p ?o }").boolean is True
    assert not limited.running() and limited.workdir is None, "stopping removes the temporary store"


def test_serve_includes_extensions_and_refuses_a_busy_port(server: Server, tmp_path: Path) -> None:
    extension = tmp_path / "ext.ttl"
    extension.write_text(EXTENSION, encoding="utf-8")
    with serve(attachgraph.load([extension]), port=0) as extended:
        assert extended.triples == server.triples + 1
    with pytest.raises(EndpointError, match="choose another port"):
        serve(port=server.port)


# --- errors from endpoints -----------------------------------------------------------------------------


def test_malformed_sparql_on_an_endpoint_names_line_and_column(server: Server, tmp_path: Path) -> None:
    file = tmp_path / "broken.rq"
    file.write_text("# param: x (iri, optional) a thing\nSELECT ?x\nWHERE { ?x ?p ?o . FILTER (?x = ) }\n")
    remote = attachgraph.load(endpoint=server.query_url)
    with pytest.raises(QuerySyntaxError) as plain:
        remote.query(file)
    with pytest.raises(QuerySyntaxError) as bound:
        remote.query(file, x="ag:Shame")
    assert plain.value.source == str(file.resolve()) and plain.value.line == 3
    assert (bound.value.line, bound.value.column) == (plain.value.line, plain.value.column)


def test_refused_connection_names_url_and_reason() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    with pytest.raises(EndpointError) as info:
        attachgraph.load(endpoint=url).query("counts")
    assert str(info.value).startswith(f"cannot reach {url}: connection refused")


def test_connect_timeout_applies() -> None:
    # a listening socket whose accept queue is full never completes new connections
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    try:
        with pytest.raises(EndpointError, match=r"no connection within 0\.3 s \(connect timeout\)"):
            EndpointEngine(f"http://127.0.0.1:{port}/query", connect_timeout=0.3).select("ASK {}")
    finally:
        for sock in [*fillers, listener]:
            sock.close()


def test_answer_timeout_applies() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    try:
        with pytest.raises(EndpointError, match=r"gave no answer within 0\.5 s"):
            EndpointEngine(f"http://127.0.0.1:{port}/query", timeout=0.5).select("ASK {}")
    finally:
        thread.join(timeout=5)
        for sock in [*accepted, listener]:
            sock.close()


def test_other_endpoint_problems(server: Server) -> None:
    with pytest.raises(EndpointError, match="not an http"):
        EndpointEngine("ftp://example.org/sparql").select("ASK {}")
    with pytest.raises(EndpointError, match="HTTP 404"):
        EndpointEngine(server.url + "no-such-path").select("ASK {}")
    with pytest.raises(QueryParameterError, match="extensions cannot be added to a remote endpoint"):
        attachgraph.load(["x.ttl"], endpoint=server.query_url)
    with pytest.raises(EndpointError, match="use `attachgraph push`"):
        EndpointEngine(server.query_url).load(Path("x.ttl"))


def test_credentials_in_the_url_stay_out_of_messages() -> None:
    url = f"http://someone:secret@127.0.0.1:{_free_port()}/query"
    with pytest.raises(EndpointError) as info:
        EndpointEngine(url).select("ASK {}")
    assert "secret" not in str(info.value) and "someone" not in str(info.value)
