"""SPARQL endpoints: query any SPARQL 1.1 endpoint, serve the graph read-only, push it to a store.

Three things researchers need once the graph leaves their notebook:

* :class:`EndpointEngine` runs the library's queries against any SPARQL 1.1 Protocol endpoint
  (Oxigraph, Fuseki, GraphDB, Virtuoso, QLever...). Use it through
  ``attachgraph.load(endpoint=URL)`` or ``attachgraph query NAME --endpoint URL``.
* :func:`serve` starts the Oxigraph server (the ``oxigraph`` package from PyPI) over the graph,
  read-only, on 127.0.0.1 by default, with a query time limit and Oxigraph's query page.
* :func:`push` uploads the graph to a store with the SPARQL 1.1 Graph Store Protocol, into the
  default graph or a named one, replacing it or merging into it.

Only the standard library speaks HTTP here, with a separate connect timeout, so an unreachable
endpoint fails in seconds with the URL and the reason.
"""

from __future__ import annotations

import atexit
import base64
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from .engines import Engine, Node, SelectResult, _syntax_error
from .errors import EndpointError, MissingDependencyError, OntologyFileError

if TYPE_CHECKING:
    import rdflib

    from .graph import KnowledgeGraph

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "EndpointEngine",
    "PushReport",
    "Server",
    "push",
    "serve",
]

DEFAULT_CONNECT_TIMEOUT = 5.0  # seconds to open a connection: an unreachable host fails fast
DEFAULT_TIMEOUT = 60.0  # seconds to wait for an answer once connected
DEFAULT_PORT = 7878  # Oxigraph's own default
_ACCEPT_RESULTS = "application/sparql-results+json"
_LOAD_FORMATS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".owl": "rdf", ".rdf": "rdf", ".xml": "rdf", ".jsonld": "jsonld", ".trig": "trig"}


# --- HTTP ----------------------------------------------------------------------------------


def _public(url: str) -> str:
    """The URL without user name and password, for messages."""
    parts = urlsplit(url)
    if parts.username is None:
        return url
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[int, str, bytes]:
    """Send one HTTP request; return (status, content type, body). Network failures raise EndpointError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url!r} is not an http(s) URL; give one such as http://127.0.0.1:{DEFAULT_PORT}/query")
    try:
        port = parts.port
    except ValueError:
        raise EndpointError(f"{_public(url)}: invalid port number") from None
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, port, timeout=connect_timeout)
    all_headers = {"User-Agent": "attachgraph", **(headers or {})}
    if parts.username is not None:  # credentials in the URL: send them as HTTP basic auth
        token = base64.b64encode(f"{parts.username}:{parts.password or ''}".encode()).decode()
        all_headers["Authorization"] = f"Basic {token}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    where = _public(url)
    try:
        try:
            connection.connect()
        except TimeoutError:
            raise EndpointError(f"cannot reach {where}: no connection within {connect_timeout:g} s (connect timeout)") from None
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        connection.request(method, target, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, response.getheader("Content-Type", "") or "", data
    except EndpointError:
        raise
    except socket.gaierror as exc:
        raise EndpointError(f"cannot reach {where}: unknown host {parts.hostname!r} ({exc.strerror})") from None
    except ConnectionRefusedError:
        raise EndpointError(f"cannot reach {where}: connection refused (is the server running? `attachgraph serve` starts one)") from None
    except TimeoutError:
        raise EndpointError(f"{where} gave no answer within {timeout:g} s (raise the limit with --timeout)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise EndpointError(f"cannot use {where}: {type(exc).__name__}: {exc}") from None
    finally:
        connection.close()


def _message(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return " ".join(text.split())[:300] or "(no message)"


# --- querying an endpoint --------------------------------------------------------------------


def _node(term: Mapping[str, str]) -> Node:
    kind = term.get("type")
    if kind == "uri":
        return Node("uri", term["value"])
    if kind == "bnode":
        return Node("bnode", term["value"])
    datatype = term.get("datatype")
    if datatype in ("http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"):
        datatype = None
    return Node("literal", term["value"], datatype, term.get("xml:lang"))


class EndpointEngine(Engine):
    """A SPARQL 1.1 Protocol endpoint behind the :class:`~attachgraph.engines.Engine` interface.

    Parameters
    ----------
    url
        The query URL, e.g. ``http://127.0.0.1:7878/query`` (Oxigraph) or
        ``http://localhost:3030/ds/sparql`` (Fuseki). User and password may be given in the URL.
    connect_timeout, timeout
        Seconds to connect, and seconds to wait for an answer.
    """

    name = "endpoint"
    prebinds = False

    def __init__(self, url: str, *, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url
        self.connect_timeout = connect_timeout
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<EndpointEngine {_public(self.url)}>"

    def load(self, path: Path) -> None:
        raise EndpointError(f"cannot load files into {_public(self.url)} through its query URL; use `attachgraph push`")

    def _post(self, sparql: str, accept: str) -> tuple[int, str, bytes]:
        return _request(
            "POST",
            self.url,
            body=urlencode({"query": sparql}).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept},
            connect_timeout=self.connect_timeout,
            timeout=self.timeout,
        )

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, source: str = "query") -> SelectResult:
        if bindings:
            from .queries import inject_values

            sparql = inject_values(sparql, list(bindings), [list(bindings.values())], source=source)
        status, _, data = self._post(sparql, _ACCEPT_RESULTS)
        if status == 400:  # the SPARQL protocol's answer to a malformed query
            raise _syntax_error(source, Exception(_message(data)), sparql)
        if status >= 300:
            raise EndpointError(f"{_public(self.url)} refused {source} with HTTP {status}: {_message(data)}")
        try:
            doc = json.loads(data)
        except ValueError:
            hint = " (the endpoint stopped the query at its time limit)" if b"cancel" in data[-200:].lower() else ""
            raise EndpointError(f"{_public(self.url)} sent a broken answer to {source}{hint}: {_message(data[-200:])}") from None
        if "boolean" in doc:
            return SelectResult((), (), bool(doc["boolean"]))
        try:
            variables = tuple(doc["head"]["vars"])
            rows = tuple(
                tuple(_node(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]
            )
        except (KeyError, TypeError):
            raise EndpointError(f"{_public(self.url)} did not answer {source} with SPARQL JSON results") from None
        return SelectResult(variables, rows)

    def __len__(self) -> int:
        result = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", source="triple count")
        return int(result.rows[0][0].value) if result.rows and result.rows[0][0] is not None else 0

    def fetch_graph(self) -> rdflib.Graph:
        """Return the endpoint's default graph as an ``rdflib.Graph`` (a CONSTRUCT of every triple)."""
        import rdflib

        status, _, data = self._post("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
        if status >= 300:
            raise EndpointError(f"{_public(self.url)} refused to send its triples: HTTP {status}: {_message(data)}")
        graph = rdflib.Graph()
        graph.parse(data=data.decode("utf-8"), format="nt")
        return graph


# --- serving -------------------------------------------------------------------------------


def _oxigraph_binary() -> str:
    """Find the ``oxigraph`` server binary of the PyPI package: next to Python first, then on PATH."""
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.is_file():
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise MissingDependencyError("the Oxigraph server is not installed; install it with `pip install oxigraph`")


@dataclass
class Server:
    """A running, read-only Oxigraph server over the graph. Stop it with :meth:`stop` (or `with`)."""

    host: str
    port: int
    process: subprocess.Popen[bytes]
    triples: int
    timeout: float
    workdir: Path | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """The server's base URL; its query page (a SPARQL editor in the browser) is here."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint, to paste into a SPARQL client."""
        return self.url + "query"

    def running(self) -> bool:
        """True while the server process is alive."""
        return self.process.poll() is None

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server and delete its temporary store (safe to call twice)."""
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise EndpointError(f"cannot serve on {host}:{port}: {exc.strerror or exc}; choose another port with --port") from None


def _load_store(binary: str, location: Path, sources: Sequence[Path]) -> None:
    for source in sources:
        fmt = _LOAD_FORMATS.get(source.suffix.lower(), "ttl")
        done = subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(source), "--format", fmt],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            detail = " ".join(done.stderr.split())[:300]
            raise OntologyFileError(f"{source}: the Oxigraph server could not load it: {detail}")


def _wait_ready(server: Server, log: Path, deadline: float) -> None:
    probe = server.query_url + "?" + urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if not server.running():
            detail = " ".join(log.read_text(errors="replace").split())[:300]
            raise EndpointError(f"the Oxigraph server stopped at start-up: {detail or 'no message'}")
        try:
            status, _, _ = _request("GET", probe, headers={"Accept": _ACCEPT_RESULTS}, connect_timeout=0.5, timeout=2)
            if status == 200:
                return
        except EndpointError:
            pass
        time.sleep(0.1)
    raise EndpointError(f"the Oxigraph server did not answer on {server.url} within its start-up time")


def serve(
    kg: KnowledgeGraph | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    timeout: float = 30.0,
    cors: bool = False,
    startup_timeout: float = 30.0,
) -> Server:
    """Start a read-only SPARQL 1.1 endpoint (the Oxigraph server) over the graph.

    The graph (the bundled ontology plus ``kg``'s extension files) is loaded into a fresh
    temporary store, which :meth:`Server.stop` deletes (also at interpreter exit). On Linux the
    server is stopped when the thread that started it ends, so start it from the main thread. The server refuses SPARQL UPDATE
    (``LOAD`` included) and Graph Store writes with HTTP 403, and stops any query running longer
    than ``timeout`` seconds.

    Parameters
    ----------
    kg
        The graph to serve (default: the bundled ontology alone).
    host, port
        Where to listen; 127.0.0.1 keeps the endpoint on this machine.
    timeout
        Query time limit in seconds.
    cors
        Allow browser pages from other origins to query it.

    Examples
    --------
    >>> from attachgraph.endpoint import serve
    >>> import attachgraph
    >>> with serve(port=0) as server:  # port 0: any free port
    ...     attachgraph.load(endpoint=server.query_url).concept("shame").label
    'shame'
    """
    from .graph import load

    kg = kg if kg is not None else load()
    if kg.endpoint:
        raise EndpointError("this graph already lives on an endpoint; serve a graph loaded from files")
    binary = _oxigraph_binary()
    if port == 0:
        port = _free_port(host)
    _check_port(host, port)
    workdir = Path(tempfile.mkdtemp(prefix="attachgraph-serve-"))
    try:
        _load_store(binary, workdir / "store", kg.sources)
        log = workdir / "server.log"
        command = [binary, "serve-read-only", "--location", str(workdir / "store"), "--bind", f"{host}:{port}", "--timeout-s", f"{max(int(timeout), 1)}"]
        if cors:
            command.append("--cors")
        with log.open("wb") as sink:
            process = subprocess.Popen(
                command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
            )
        server = Server(host, port, process, triples=0, timeout=timeout, workdir=workdir)
        atexit.register(server.stop)  # a script that forgets stop() leaves no server or store behind
        try:
            _wait_ready(server, log, time.monotonic() + startup_timeout)
            server.triples = len(EndpointEngine(server.query_url))
        except BaseException:
            server.stop()
            raise
        return server
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _die_with_parent() -> None:
    """In the server's process, before exec: on Linux, ask for SIGTERM when our process dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:  # no glibc (e.g. musl): the server then outlives a killed parent
            pass


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


# --- pushing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushReport:
    """What :func:`push` sent: where, into which graph, how, and how many triples."""

    url: str
    graph: str | None
    mode: str
    triples: int
    status: int


def _ntriples(sources: Iterable[Path]) -> tuple[bytes, int]:
    import pyoxigraph

    from .engines import OxigraphEngine

    engine = OxigraphEngine()
    for source in sources:
        engine.load(Path(source))
    data = engine.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    return bytes(data or b""), len(engine)


def push(
    url: str,
    kg: KnowledgeGraph | None = None,
    *,
    graph: str | None = None,
    mode: str = "replace",
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    timeout: float = DEFAULT_TIMEOUT,
) -> PushReport:
    """Upload the graph to a store through the SPARQL 1.1 Graph Store Protocol.

    Parameters
    ----------
    url
        The store's Graph Store Protocol URL, e.g. ``http://127.0.0.1:7878/store`` (Oxigraph),
        ``http://localhost:3030/ds/data`` (Fuseki) or
        ``http://localhost:7200/repositories/ID/rdf-graphs/service`` (GraphDB).
    kg
        The graph to send (default: the bundled ontology); its extension files go too.
    graph
        IRI of the named graph to write; None writes the default graph, which the library's
        queries read.
    mode
        ``"replace"`` (HTTP PUT: the graph's old content is dropped) or ``"merge"`` (HTTP POST:
        triples are added to what is there).

    Raises
    ------
    EndpointError
        When the store cannot be reached or refuses the upload; the message gives the HTTP
        status and the store's own words.
    """
    from .graph import load
    from .queries import _IRI_OK

    if mode not in ("replace", "merge"):
        raise EndpointError(f"unknown push mode {mode!r}; choose 'replace' or 'merge'")
    if graph is not None and not _IRI_OK.match(graph):
        raise EndpointError(f"{graph!r} is not an absolute IRI; name the graph like https://example.org/graphs/attachgraph")
    kg = kg if kg is not None else load()
    if kg.endpoint:
        raise EndpointError("this graph lives on an endpoint; push a graph loaded from files")
    data, triples = _ntriples(kg.sources)
    selector = f"graph={quote(graph, safe='')}" if graph else "default"
    target = url + ("&" if "?" in url else "?") + selector
    status, _, answer = _request(
        "PUT" if mode == "replace" else "POST",
        target,
        body=data,
        headers={"Content-Type": "application/n-triples"},
        connect_timeout=connect_timeout,
        timeout=timeout,
    )
    if status >= 300:
        raise EndpointError(f"{_public(url)} refused the upload with HTTP {status}: {_message(answer)}")
    return PushReport(_public(url), graph, mode, triples, status)

