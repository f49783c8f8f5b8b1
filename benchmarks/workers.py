"""What each measured process runs: ``python -m benchmarks.workers TASK SPEC.json``.

A worker does one job in a fresh interpreter and prints one JSON object per line as it goes
(so a run cut short by a time limit still reports what it finished):

``load-query``
    load the files with one engine, then run each query once, timing each step;
    ``{"event": "load", ...}``, ``{"event": "query", ...}`` per query, ``{"event": "done", ...}``.
``call``
    load a graph once, then call functions on it (``"$kg"``, or a value a step kept), timing each.
``render``
    open a map page in headless Chromium and time its first drawing.
``loadgen``
    closed-loop HTTP load on a SPARQL endpoint from several client processes.

Engines: ``pyoxigraph`` (raw: the library alone, the baseline), ``attachgraph`` (the public API
on ``ag_engine`` = oxigraph, oxrdflib or rdflib), ``attachgraph-select`` (the engine layer:
``kg.select`` with the same bound SPARQL as raw) and ``attachgraph-store`` (a persistent store).
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _emit(**data: Any) -> None:
    print(json.dumps(data), flush=True)


def _rss_mb() -> float:
    """Current resident memory of this process."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _Timeout


def _timed(fn: Callable[[], int], timeout: float) -> tuple[str, float, int]:
    """Run ``fn`` (returns a row count) under a wall-clock limit; return status, seconds, rows."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        rows = fn()
        status = "ok"
    except _Timeout:
        rows, status = -1, "timeout"
    except RecursionError:
        rows, status = -1, "RecursionError"
    except Exception as exc:  # noqa: BLE001 - report, do not die: other queries still count
        rows, status = -1, f"error: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return status, time.perf_counter() - start, rows


def _raw_pyoxigraph(spec: dict) -> None:
    # "load" counts from before the import: that is what a script pays before its first query
    before = _rss_mb()
    start = time.perf_counter()
    import pyoxigraph as ox

    store = ox.Store()
    for path in spec["files"]:
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    _emit(event="load", seconds=time.perf_counter() - start, triples=len(store), kept_mb=_rss_mb() - before)
    for query in spec["queries"]:

        def run(query: dict = query) -> int:
            result = store.query(query["text"])
            if isinstance(result, ox.QueryBoolean):
                return 1
            # the least a caller does with an answer: every value of every row as Python data
            rows = [[None if term is None else term.value for term in solution] for solution in result]
            return len(rows)

        status, seconds, rows = _timed(run, spec["timeout"])
        _emit(event="query", name=query["name"], seconds=seconds, rows=rows, status=status)


def _attachgraph(spec: dict) -> None:
    before = _rss_mb()
    start = time.perf_counter()
    import attachgraph

    if spec["engine"] == "attachgraph-store":
        from attachgraph.store import open_store

        from attachgraph.store import read_store_info

        kg = open_store(spec["store"])
        kg.engine  # noqa: B018 - opened already; counting 3M triples would take longer than opening
        triples = read_store_info(spec["store"]).triples
    else:
        kg = attachgraph.load(spec["files"][1:], engine=spec.get("ag_engine", "oxigraph"))
        triples = len(kg)  # the engine loads on first use
    _emit(event="load", seconds=time.perf_counter() - start, triples=triples, kept_mb=_rss_mb() - before)
    use_select = spec["engine"] == "attachgraph-select"
    for query in spec["queries"]:

        def run(query: dict = query) -> int:
            if use_select:
                return len(kg.select(query["text"]).rows)
            return len(list(kg.query(query["name"], **query["params"])))

        status, seconds, rows = _timed(run, spec["timeout"])
        _emit(event="query", name=query["name"], seconds=seconds, rows=rows, status=status)


def _call(spec: dict) -> None:
    """Time ``module.function(kg_or_graph, **kwargs)`` calls over a graph loaded once."""
    from importlib import import_module

    import attachgraph

    start = time.perf_counter()
    kg = attachgraph.load(spec["files"][1:])
    len(kg)
    _emit(event="load", seconds=time.perf_counter() - start)
    prepared: dict[str, Any] = {"kg": kg}
    for step in spec["steps"]:
        target = getattr(import_module(step["module"]), step["function"])
        # "$name" refers to the graph ("$kg") or to a value an earlier step kept under that name
        args = [prepared[a[1:]] if isinstance(a, str) and a.startswith("$") else a for a in step.get("args", ["$kg"])]
        kwargs = step.get("kwargs", {})
        holder: dict[str, Any] = {}

        def run(target: Callable = target, args: list = args, kwargs: dict = kwargs, holder: dict = holder) -> int:
            holder["value"] = target(*args, **kwargs)
            value = holder["value"]
            try:
                return len(value)
            except TypeError:
                return 1

        status, seconds, rows = _timed(run, spec["timeout"])
        value = holder.get("value")
        if step.get("keep") and status == "ok":
            prepared[step["keep"]] = value
        if step.get("write") and status == "ok" and hasattr(value, "html"):
            Path(step["write"]).write_text(value.html, encoding="utf-8")
        _emit(event="call", name=step["name"], seconds=seconds, rows=rows, status=status, extra=_describe(value))


def _describe(value: Any) -> dict:
    """Small facts about a returned value worth reporting (the size of a map page)."""
    if hasattr(value, "html"):
        value = value.html
    if isinstance(value, (str, bytes)):
        return {"bytes": len(value.encode("utf-8") if isinstance(value, str) else value)}
    return {}


_READY_PROBE = """
new MutationObserver(function (changes, observer) {
  if (document.body && document.body.getAttribute('data-ready') === 'true') {
    window.__firstRender = performance.now();
    observer.disconnect();
  }
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-ready']});
"""


def _render(spec: dict) -> None:
    """Open a map page in headless Chromium ``reps`` times; time navigation start to first drawing.

    The map sets ``data-ready`` on ``<body>`` after vis-network's first ``afterDrawing``; a
    script injected before the page's own records ``performance.now()`` at that moment.
    """
    from playwright.sync_api import sync_playwright

    url = Path(spec["page"]).resolve().as_uri()
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=spec.get("chromium", "/usr/bin/chromium"), args=args)
        try:
            for _ in range(spec["reps"]):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.add_init_script(_READY_PROBE)
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)[:200]))
                start = time.perf_counter()
                page.goto(url, wait_until="load")
                page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
                wall = time.perf_counter() - start
                first = page.evaluate("window.__firstRender")
                dom = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                _emit(event="render", first_render_ms=first, dom_ms=dom, wall_ms=wall * 1000, errors=errors)
                context.close()
        finally:
            browser.close()


def _loadgen(spec: dict) -> None:
    """Closed-loop load on a SPARQL endpoint from ``clients`` processes for ``seconds``.

    Each client keeps one HTTP/1.1 connection and sends the next query as soon as the previous
    answer is read in full; answers in the first ``warmup`` seconds are not counted. Prints the
    completed requests per second and every error.
    """
    import http.client
    import os
    from urllib.parse import urlsplit

    url = urlsplit(spec["url"])
    # POST, as attachgraph's endpoint client does: long queries exceed servers' 8 kB URL limits
    queries = [q.encode("utf-8") for q in spec["queries"]]
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"}
    start = time.time() + 0.2  # every client starts together
    counting, stop = start + spec["warmup"], start + spec["warmup"] + spec["seconds"]
    readers = []
    for index in range(spec["clients"]):
        read_end, write_end = os.pipe()
        if os.fork() == 0:  # a client
            os.close(read_end)
            done, errors, first_error = 0, 0, ""
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            i = index
            while time.time() < start:
                time.sleep(0.001)
            while (now := time.time()) < stop:
                try:
                    conn.request("POST", url.path, body=queries[i % len(queries)], headers=headers)
                    answer = conn.getresponse()
                    answer.read()
                    ok = answer.status == 200
                    if not ok and not first_error:
                        first_error = f"HTTP {answer.status}"
                except (OSError, http.client.HTTPException) as exc:
                    ok = False
                    first_error = first_error or f"{type(exc).__name__}: {exc}"
                    conn.close()
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                if now >= counting:
                    done, errors = done + ok, errors + (not ok)
                i += 1
            os.write(write_end, json.dumps({"done": done, "errors": errors, "first_error": first_error}).encode())
            os._exit(0)
        os.close(write_end)
        readers.append(read_end)
    totals = {"done": 0, "errors": 0, "first_error": ""}
    for fd in readers:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        os.close(fd)
        part = json.loads(b"".join(chunks) or b'{"done": 0, "errors": 1, "first_error": "client died"}')
        totals["done"] += part["done"]
        totals["errors"] += part["errors"]
        totals["first_error"] = totals["first_error"] or part["first_error"]
    for _ in readers:
        os.wait()
    _emit(event="load", requests_per_s=totals["done"] / spec["seconds"], **totals)


def main(argv: list[str]) -> int:
    """Run the task ``argv[0]`` with the JSON spec file ``argv[1]``."""
    task, spec_path = argv[0], argv[1]
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    if task == "load-query":
        (_raw_pyoxigraph if spec["engine"] == "pyoxigraph" else _attachgraph)(spec)
    elif task == "call":
        _call(spec)
    elif task == "render":
        _render(spec)
    elif task == "loadgen":
        _loadgen(spec)
    else:
        print(f"unknown task {task!r}", file=sys.stderr)
        return 2
    _emit(event="done", max_rss_mb=_peak_mb())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
