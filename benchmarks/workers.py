"""What each measured process runs: ``python -m benchmarks.workers TASK SPEC.json``.

A worker does one job in a fresh interpreter and prints one JSON object per line as it goes
(so a run cut short by a time limit still reports what it finished):

``load-query``
    load the files with one engine, then run each query once, timing each step;
    ``{"event": "load", ...}``, ``{"event": "query", ...}`` per query, ``{"event": "done", ...}``.
``call``
    import a module, call a function with keyword arguments over a loaded graph, time it.

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

        kg = open_store(spec["store"])
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
        if step.get("keep") and status == "ok":
            prepared[step["keep"]] = holder["value"]
        _emit(event="call", name=step["name"], seconds=seconds, rows=rows, status=status, extra=_describe(holder.get("value")))


def _describe(value: Any) -> dict:
    """Small facts about a returned value worth reporting (size of a text, for maps)."""
    if isinstance(value, (str, bytes)):
        return {"bytes": len(value.encode("utf-8") if isinstance(value, str) else value)}
    if isinstance(value, Path) and value.is_file():
        return {"bytes": value.stat().st_size}
    return {}


def main(argv: list[str]) -> int:
    """Run the task ``argv[0]`` with the JSON spec file ``argv[1]``."""
    task, spec_path = argv[0], argv[1]
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    if task == "load-query":
        (_raw_pyoxigraph if spec["engine"] == "pyoxigraph" else _attachgraph)(spec)
    elif task == "call":
        _call(spec)
    else:
        print(f"unknown task {task!r}", file=sys.stderr)
        return 2
    _emit(event="done", max_rss_mb=_peak_mb())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
