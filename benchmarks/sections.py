"""The benchmark sections: each runs its measurements and returns plain data for the report."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.measure import ROOT, Proc, median, run_process
from benchmarks.synth import SIZES, Synthetic, ensure

__all__ = ["Context", "analysis", "cli_startup", "endpoint", "import_cost", "load_and_queries", "maps", "persistent_store"]

PY = sys.executable
HEAVY = ("rdflib", "networkx", "pyvis", "owlready2", "pyshacl", "pyoxigraph", "oxrdflib", "owlrl")
QUERY_BUDGET_S = 60.0  # the time limit of one query (rdflib's can be interrupted; Oxigraph's run to the end)
REPEAT_BELOW_S = 5.0  # a query slower than this is run once per size and engine, not once per repetition
SKIP_ABOVE_S = 30.0  # a query whose estimated time at the next size exceeds this is skipped, with the reason
RDFLIB_BUDGET_S = 20.0  # rdflib's own store is minutes per size otherwise: it is the reference, not the subject
RDFLIB_MAX_TRIPLES = 400_000  # rdflib's own store above this takes minutes per query (see the report)


@dataclass
class Context:
    """Settings and shared helpers of one benchmark run."""

    cache: Path
    env: dict[str, str]
    sizes: list[str]
    reps: int
    startup_reps: int
    quick: bool = False
    _synthetic: dict[str, Synthetic] = field(default_factory=dict)
    #: size -> query -> median seconds on the default engine in memory, or why it has none
    query_times: dict[str, dict[str, Any]] = field(default_factory=dict)

    def synthetic(self, size: str) -> Synthetic:
        """The synthetic extension for ``size`` (generated once, then cached on disk)."""
        if size not in self._synthetic:
            self._synthetic[size] = ensure(size, self.cache / "graphs")
        return self._synthetic[size]

    def reps_for(self, size: str) -> int:
        """Repetitions at ``size``: one above a million triples (each run takes minutes), else ``reps``."""
        return 1 if SIZES[size] > 1_000_000 else self.reps

    def files(self, size: str) -> list[str]:
        """The bundled ontology and the synthetic extension of ``size``."""
        from attachgraph.resources import ontology_path

        return [str(ontology_path()), self.synthetic(size).path]

    def worker(self, task: str, spec: dict[str, Any], timeout: float) -> tuple[list[dict], Proc]:
        """Run ``benchmarks.workers TASK`` on ``spec`` in a fresh process."""
        digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]
        spec_path = self.cache / "specs" / f"{task}-{digest}.json"
        spec_path.parent.mkdir(parents=True, exist_ok=True)
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        proc = run_process([PY, "-m", "benchmarks.workers", task, str(spec_path)], env=self.env, timeout=timeout, cwd=ROOT)
        # keep what the worker said, to find out later which step took the time
        spec_path.with_suffix(".out.jsonl").write_text(proc.stdout + ("\n# stderr\n" + proc.stderr if proc.stderr else ""), encoding="utf-8")
        return proc.json_lines(), proc

    def attachgraph_cli(self) -> str:
        """The installed ``attachgraph`` console script next to this interpreter."""
        script = Path(PY).with_name("attachgraph")
        return str(script) if script.exists() else "attachgraph"


# --------------------------------------------------------------------------- helpers
def _alternate(variants: list[Any], rep: int) -> list[Any]:
    """Rotate the order each repetition, so no variant always runs first (or right after another)."""
    k = rep % len(variants) if variants else 0
    return variants[k:] + variants[:k]


def _whole_process(ctx: Context, variants: dict[str, list[str]], reps: int) -> dict[str, dict[str, Any]]:
    """Time each command ``reps`` times, alternated, after one warm-up each; medians in ms."""
    names = list(variants)
    samples: dict[str, list[float]] = {n: [] for n in names}
    rss: dict[str, list[float]] = {n: [] for n in names}
    failures: dict[str, str] = {}
    for name in names:  # warm-up: bytecode caches and the OS page cache
        proc = run_process(variants[name], env=ctx.env, timeout=120, cwd=ROOT)
        if proc.returncode != 0:
            failures[name] = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1][:300]
    for rep in range(reps):
        for name in _alternate(names, rep):
            if name in failures:
                continue
            proc = run_process(variants[name], env=ctx.env, timeout=120, cwd=ROOT)
            if proc.returncode != 0:
                failures[name] = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1][:300]
                continue
            samples[name].append(proc.seconds * 1000)
            rss[name].append(proc.max_rss_mb)
    out = {}
    for name in names:
        out[name] = {
            "cmd": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(variants[name])),
            "median_ms": median(samples[name]),
            "min_ms": min(samples[name]) if samples[name] else float("nan"),
            "n": len(samples[name]),
            "max_rss_mb": median(rss[name]),
            "error": failures.get(name),
        }
    return out


# --------------------------------------------------------------------------- goal 2
def import_cost(ctx: Context) -> dict[str, Any]:
    """``import X`` in a fresh interpreter, over bare Python; and which heavy modules ``import attachgraph`` pulls in."""
    libs = ["attachgraph", "pyoxigraph", "rdflib", "owlready2", "networkx", "pyvis"]
    variants = {"python (nothing imported)": [PY, "-c", "pass"]}
    variants.update({f"import {lib}": [PY, "-c", f"import {lib}"] for lib in libs})
    timings = _whole_process(ctx, variants, ctx.startup_reps)
    probe = "import sys, json, attachgraph; print(json.dumps(sorted(m for m in %r if m in sys.modules)))" % (HEAVY,)
    proc = run_process([PY, "-c", probe], env=ctx.env, timeout=60, cwd=ROOT)
    heavy = json.loads(proc.stdout.strip() or "[]") if proc.returncode == 0 else ["(probe failed)"]
    return {"timings": timings, "heavy_modules_after_import": heavy}


# --------------------------------------------------------------------------- goal 1
def _bound_query_file(ctx: Context, name: str) -> Path | None:
    """The named query with its default parameters written in as VALUES, for the bare script."""
    from attachgraph.queries import get_query

    query = get_query(name)
    if any(p.required for p in query.params):
        return None
    text = query.text
    if query.params:
        try:
            from attachgraph.queries import bind_params, inject_values
        except ImportError:
            return None
        bindings = bind_params(query, {})
        if bindings:
            names = list(bindings)
            text = inject_values(text, names, [[bindings[n] for n in names]], source=query.source)
    out = ctx.cache / "bound" / f"{name.replace('/', '__')}.rq"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def _cli_queries() -> list[str]:
    """The library queries a user runs without arguments (quality checks aside)."""
    from attachgraph.queries import list_queries

    return [q.name for q in list_queries() if not q.name.startswith("qc/") and not any(p.required for p in q.params)]


def cli_startup(ctx: Context) -> dict[str, Any]:
    """``attachgraph info`` and ``attachgraph query NAME``, whole process, beside a bare pyoxigraph script."""
    from attachgraph.resources import ontology_path, queries_dir

    cli = ctx.attachgraph_cli()
    ttl = str(ontology_path())
    bare = [PY, str(ROOT / "benchmarks" / "bare.py"), ttl, "--"]
    variants: dict[str, list[str]] = {
        "python -c pass": [PY, "-c", "pass"],
        "attachgraph --version": [cli, "--version"],
        "attachgraph --help": [cli, "--help"],
        "attachgraph info": [cli, "info"],
        "bare: info": bare + [str(queries_dir() / "counts.rq"), str(queries_dir() / "cited-paragraphs.rq")],
    }
    pairs = [("attachgraph info", "bare: info")]
    has_query = run_process([cli, "query", "--help"], env=ctx.env, timeout=60, cwd=ROOT).returncode == 0
    names = _cli_queries() if has_query else []
    if ctx.quick:
        names = names[:2]
    for name in names:
        bound = _bound_query_file(ctx, name)
        if bound is None:
            continue
        variants[f"attachgraph query {name}"] = [cli, "query", name]
        variants[f"bare: {name}"] = bare + [str(bound)]
        pairs.append((f"attachgraph query {name}", f"bare: {name}"))
    timings = _whole_process(ctx, variants, ctx.startup_reps)
    return {"timings": timings, "pairs": pairs, "query_command": has_query}


# --------------------------------------------------------------------------- goal 3
_CONCEPT_HINTS = {
    "source": "ag:InconsistentCaregiving",
    "target": "ag:SubstanceUseAsExternalRegulation",
    "cause": "ag:HPAAxisDysregulation",
    "effect": "ag:HeightenedCortisolResponse",
    "intervention": "ag:AttachmentBasedTherapy",
}


def _param_value(param: Any, kg: Any) -> object:
    """A value a user could pass for a required parameter of a library query."""
    if param.type in ("concept", "iri"):
        for candidate in (_CONCEPT_HINTS.get(param.name), "ag:AttachmentTrauma"):
            if candidate:
                try:
                    return kg.resolve(candidate) if param.type == "concept" else candidate
                except LookupError:
                    continue
        return kg.concepts()[0].iri
    if param.type == "integer":
        return int(param.default) if param.default else (param.minimum or 1)
    if param.type == "boolean":
        return True
    return {"text": "trauma", "locator": "para 7"}.get(param.name, "trauma")


def query_plan(ctx: Context) -> list[dict[str, Any]]:
    """Every library query with the parameters and bound terms it runs with."""
    import attachgraph
    from attachgraph.queries import list_queries

    try:
        from attachgraph.queries import bind_params
    except ImportError:  # an older library without parameters
        bind_params = None
    kg = attachgraph.load()
    plan = []
    for query in list_queries():
        params = {p.name: _param_value(p, kg) for p in query.params if p.required}
        bindings = bind_params(query, params, kg.resolve) if bind_params else {}
        text = query.text
        if bindings:  # the same bound SPARQL attachgraph sends to Oxigraph: one VALUES block
            from attachgraph.queries import inject_values

            text = inject_values(text, list(bindings), [list(bindings.values())], source=query.source)
        plan.append({"name": query.name, "text": text, "params": params})
    return plan[:3] if ctx.quick else plan


def _engines_for(size: str) -> list[dict[str, Any]]:
    engines = [
        {"key": "pyoxigraph", "engine": "pyoxigraph", "label": "pyoxigraph (raw)"},
        {"key": "attachgraph", "engine": "attachgraph", "ag_engine": "oxigraph", "label": "attachgraph, oxigraph (default)"},
        {"key": "attachgraph-select", "engine": "attachgraph-select", "ag_engine": "oxigraph", "label": "attachgraph kg.select, oxigraph"},
        {"key": "oxrdflib", "engine": "attachgraph", "ag_engine": "oxrdflib", "label": "attachgraph, oxrdflib"},
    ]
    if SIZES[size] > 1_000_000:  # minutes per run: keep the comparison the goal needs, and the rdflib API
        engines = [e for e in engines if e["key"] != "attachgraph-select"]
    if SIZES[size] <= RDFLIB_MAX_TRIPLES:
        engines.append({"key": "rdflib", "engine": "attachgraph", "ag_engine": "rdflib", "label": "attachgraph, rdflib store"})
    return engines


def _skip_reason(history: list[dict[str, Any]], name: str, budget: float) -> str | None:
    """Skip a query that did not finish at the previous size, or whose estimated time here exceeds ``budget``.

    Sizes grow tenfold. The estimate multiplies the time at the previous size by the growth seen
    between the two sizes before (at least 10x, at most 100x: quadratic), or by 10 at first.
    """
    previous = history[-1].get(name) if history else None
    before = history[-2].get(name) if len(history) > 1 else None
    if isinstance(previous, str):
        return "not run (not run at a smaller size)" if previous.startswith("not run") else f"not run ({previous} at the previous size)"
    if previous is None:
        return None
    growth = min(max(previous / before, 10.0), 100.0) if isinstance(before, float) and before > 0 else 10.0
    if previous * growth > budget:
        return f"not run ({previous:.1f} s at the previous size, est. {previous * growth:.0f} s here)"
    return None


def load_and_queries(ctx: Context) -> dict[str, Any]:
    """Load plus every named query, per size and engine, in fresh processes; medians of ``reps``."""
    plan = query_plan(ctx)
    out: dict[str, Any] = {"queries": [q["name"] for q in plan], "sizes": {}, "skipped_engines": {}}
    history: dict[str, list[dict[str, Any]]] = {}  # engine -> per size so far: query -> median seconds, or why none
    budget = 5.0 if ctx.quick else QUERY_BUDGET_S
    for size in ctx.sizes:
        engines = _engines_for(size)
        if SIZES[size] > RDFLIB_MAX_TRIPLES:
            out["skipped_engines"][size] = {"rdflib": _rdflib_skip_reason(out)}
        reps = {e["key"]: (1 if e["key"] == "rdflib" and SIZES[size] > 10_000 else ctx.reps_for(size)) for e in engines}
        samples: dict[str, dict[str, Any]] = {e["key"]: {"label": e["label"], "load": [], "kept_mb": [], "max_rss_mb": [], "queries": {}} for e in engines}
        for rep in range(max(reps.values())):
            for engine in _alternate(engines, rep):
                key = engine["key"]
                if rep >= reps[key]:
                    continue
                queries, skipped = [], {}
                limit = min(budget, RDFLIB_BUDGET_S) if key == "rdflib" else budget
                for q in plan:
                    reason = _skip_reason(history.get(key, []), q["name"], min(limit, SKIP_ABOVE_S))
                    done = samples[key]["queries"].get(q["name"], {}).get("seconds") or [0.0]
                    if reason:
                        skipped[q["name"]] = reason
                    elif max(done) <= REPEAT_BELOW_S:  # slow ones keep their one sample
                        queries.append(q)
                spec = {**engine, "files": ctx.files(size), "queries": queries, "timeout": limit}
                events, proc = ctx.worker("load-query", spec, timeout=600 + limit * len(queries))
                _collect(samples[key], events, proc, skipped)
        summary = {key: _summarise(s) for key, s in samples.items()}
        for key, s in summary.items():
            # a query's time at this size, or why it has none (then it is not run at larger sizes either)
            history.setdefault(key, []).append({
                name: q["median_s"] if q.get("median_s") is not None else q["status"]
                for name, q in s["queries"].items()
            })
        out["sizes"][size] = summary
        if "attachgraph" in summary:
            ctx.query_times[size] = history["attachgraph"][-1]
    return out


def _rdflib_skip_reason(out: dict[str, Any]) -> str:
    for size in reversed(list(out["sizes"])):
        rd = out["sizes"][size].get("rdflib")
        if rd and rd.get("load_s"):
            return f"not run: rdflib's own store took {rd['load_s']:.1f} s to load {size} and minutes for some queries; 10x larger would take longer than the whole benchmark"
    return "not run: rdflib's own store is too slow at this size (see the smaller sizes)"


def _collect(sample: dict[str, Any], events: list[dict], proc: Proc, skipped: dict[str, str]) -> None:
    sample["max_rss_mb"].append(proc.max_rss_mb)
    for event in events:
        if event["event"] == "load":
            sample["load"].append(event["seconds"])
            sample["kept_mb"].append(event.get("kept_mb"))
            sample["triples"] = event.get("triples")
        elif event["event"] == "query":
            q = sample["queries"].setdefault(event["name"], {"seconds": [], "rows": event["rows"], "status": "ok"})
            if event["status"] == "ok":
                q["seconds"].append(event["seconds"])
                q["rows"] = event["rows"]
            else:
                q["status"] = event["status"]
    for name, reason in skipped.items():
        sample["queries"].setdefault(name, {"seconds": [], "rows": None, "status": reason})
    if proc.returncode != 0 and not proc.timed_out:
        sample["error"] = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1][:300]
    if proc.timed_out:
        sample["error"] = "the process hit the time limit"


def _summarise(sample: dict[str, Any]) -> dict[str, Any]:
    queries = {}
    for name, q in sample["queries"].items():
        queries[name] = {
            "median_s": median(q["seconds"]) if q["seconds"] else None,
            "rows": q["rows"],
            "status": q["status"] if not q["seconds"] or q["status"] == "ok" else q["status"],
            "n": len(q["seconds"]),
        }
    return {
        "label": sample["label"],
        "load_s": median(sample["load"]) if sample["load"] else None,
        "kept_mb": median([k for k in sample["kept_mb"] if k is not None]) if sample["kept_mb"] else None,
        "max_rss_mb": median(sample["max_rss_mb"]) if sample["max_rss_mb"] else None,
        "triples": sample.get("triples"),
        "queries": queries,
        "n": len(sample["load"]),
        "error": sample.get("error"),
    }


# --------------------------------------------------------------------------- store
def persistent_store(ctx: Context) -> dict[str, Any]:
    """Build a persistent store per size once; then open it and run the named queries (medians)."""
    from attachgraph.store import build_store

    plan = query_plan(ctx)
    out: dict[str, Any] = {"sizes": {}}
    for size in ctx.sizes:
        directory = ctx.cache / "stores" / size
        if directory.exists():
            shutil.rmtree(directory)
        info = build_store(directory, [ctx.synthetic(size).path])
        disk = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
        # the queries the in-memory engine finished at this size, fast enough to repeat (the others
        # would only measure the same slow query again, on disk)
        known = ctx.query_times.get(size)
        queries, skipped = [], {}
        for q in plan:
            t = (known or {}).get(q["name"])
            if known is not None and (not isinstance(t, float) or t > REPEAT_BELOW_S):
                skipped[q["name"]] = f"not run ({_fmt_s(t) if isinstance(t, float) else t} in memory)"
            else:
                queries.append(q)
        spec = {"engine": "attachgraph-store", "store": str(directory), "files": ctx.files(size), "queries": queries, "timeout": 5.0 if ctx.quick else QUERY_BUDGET_S}
        sample: dict[str, Any] = {"label": "attachgraph store (read-only)", "load": [], "kept_mb": [], "max_rss_mb": [], "queries": {}}
        for _ in range(ctx.reps_for(size)):
            events, proc = ctx.worker("load-query", spec, timeout=600 + QUERY_BUDGET_S * len(queries))
            _collect(sample, events, proc, skipped)
        out["sizes"][size] = {"build_s": info.build_seconds, "disk_mb": disk / 2**20, "triples": info.triples, **_summarise(sample)}
    return out


# --------------------------------------------------------------------------- goal 4
def _steps_summary(samples: dict[str, list[dict]]) -> dict[str, dict[str, Any]]:
    out = {}
    for name, events in samples.items():
        ok = [e for e in events if e["status"] == "ok"]
        out[name] = {
            "median_s": median([e["seconds"] for e in ok]) if ok else None,
            "rows": ok[-1]["rows"] if ok else None,
            "status": "ok" if ok else (events[-1]["status"] if events else "not run"),
            "bytes": (ok[-1].get("extra") or {}).get("bytes") if ok else None,
            "n": len(ok),
        }
    return out


def _run_steps(ctx: Context, files: list[str], steps: list[dict[str, Any]], reps: int, timeout: float) -> tuple[dict[str, Any], float | None, str | None]:
    """Run ``steps`` in ``reps`` fresh processes over ``files``; medians per step, median load, last error."""
    samples: dict[str, list[dict]] = {s["name"]: [] for s in steps}
    loads, error = [], None
    for _ in range(reps):
        events, proc = ctx.worker("call", {"files": files, "steps": steps, "timeout": timeout}, timeout=600 + timeout * len(steps))
        for event in events:
            if event["event"] == "call":
                samples[event["name"]].append(event)
            elif event["event"] == "load":
                loads.append(event["seconds"])
        if proc.returncode != 0:
            error = "the process hit the time limit" if proc.timed_out else (proc.stderr.strip().splitlines() or ["?"])[-1][:300]
    return _steps_summary(samples), (median(loads) if loads else None), error


ANALYSIS_STEPS: list[dict[str, Any]] = [
    {"name": "to_networkx (graph bridge)", "module": "attachgraph.network", "function": "to_networkx", "args": ["$kg"], "keep": "G"},
    {"name": "signed_paths(inconsistent caregiving -> substance use as external regulation)", "module": "attachgraph.analysis",
     "function": "signed_paths", "args": ["$G", "inconsistent caregiving", "substance use as external regulation"]},
    {"name": "find_loops()", "module": "attachgraph.analysis", "function": "find_loops", "args": ["$G"]},
    {"name": "what_if(attachment trauma, up)", "module": "attachgraph.analysis", "function": "what_if", "args": ["$G", "attachment trauma", "up"]},
    {"name": "intervention_overlay()", "module": "attachgraph.analysis", "function": "intervention_overlay", "args": ["$G"]},
    {"name": "neighbourhood(attachment trauma, 2)", "module": "attachgraph.analysis", "function": "neighbourhood", "args": ["$G", "attachment trauma", 2]},
]


def _module_available(name: str) -> bool:
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def analysis(ctx: Context) -> dict[str, Any]:
    """Paths, loops, what-if and the intervention overlay on the signed graph, per size (fresh processes)."""
    if not _module_available("attachgraph.analysis") or not _module_available("attachgraph.network"):
        return {"available": False, "reason": "attachgraph.analysis / attachgraph.network are not in this build"}
    per_size: dict[str, Any] = {}
    for size in ctx.sizes:
        reps = ctx.reps_for(size)
        steps, load, error = _run_steps(ctx, ctx.files(size), ANALYSIS_STEPS, reps, timeout=60.0 if ctx.quick else 300.0)
        per_size[size] = {"steps": steps, "load_s": load, "error": error, "n": reps}
    header = ["function"] + [f"{size}" for size in per_size]
    rows = []
    for step in ANALYSIS_STEPS:
        row = [f"`{step['name']}`"]
        for size, data in per_size.items():
            s = data["steps"][step["name"]]
            row.append(f"{_fmt_s(s['median_s'])} ({s['rows']} results)" if s["median_s"] is not None else s["status"])
        rows.append(row)
    rows.append(["load (for reference)"] + [_fmt_s(d["load_s"]) for d in per_size.values()])
    worst, where = 0.0, ""
    for size, data in per_size.items():
        if SIZES[size] > 300_000:
            continue
        for name, s in data["steps"].items():
            if name.startswith("to_networkx"):
                continue
            t = s["median_s"] if s["median_s"] is not None else float("inf")
            if t > worst:
                worst, where = t, f"{name.split('(')[0]} at {size}"
    bridge = {size: d["steps"][ANALYSIS_STEPS[0]["name"]]["median_s"] for size, d in per_size.items()}
    measured = f"slowest {_fmt_s(worst)} ({where})" if where else "not measured"
    if any(v is not None for v in bridge.values()):
        measured += "; building the graph (to_networkx) " + ", ".join(f"{k} {_fmt_s(v)}" for k, v in bridge.items())
    verdict = ("met" if worst < 1.0 else "missed") if where else "not measured"
    notes = [
        "Defaults, as documented in attachgraph.analysis: paths of at most 6 links (at most 10,000 paths); loops of at most",
        "8 links (at most 10,000 loops); what-if along paths of at most 6 links; overlay reach 4 links, paths of at most 8.",
        "Each figure is the function alone, on a graph built once per process; `to_networkx` is the one-off cost of",
        "building that graph from the knowledge graph (it runs the concepts, names and claims queries).",
    ]
    if 300_000 not in [SIZES[s] for s in per_size]:
        verdict += " (300k not in this run)"
    return {
        "available": True,
        "sizes": per_size,
        "tables": [{"header": header, "rows": rows}],
        "notes": [" ".join(notes)] + [f"{size}: {d['error']}" for size, d in per_size.items() if d["error"]],
        "goal": {"measured": measured, "verdict": verdict},
    }


def _fmt_s(seconds: float | None) -> str:
    from benchmarks.report import _t

    return _t(seconds)


# --------------------------------------------------------------------------- goal 5
FOCUS = "attachment trauma"


def _render_times(ctx: Context, page: Path, reps: int) -> dict[str, Any]:
    events, proc = ctx.worker("render", {"page": str(page), "reps": reps}, timeout=300)
    renders = [e for e in events if e["event"] == "render"]
    errors = sorted({err for e in renders for err in e.get("errors", [])})
    if proc.returncode != 0 and not renders:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:300]}
    return {
        "first_render_ms": median([e["first_render_ms"] for e in renders if e["first_render_ms"] is not None]),
        "first_of_browser_ms": renders[0]["first_render_ms"] if renders else None,
        "dom_ms": median([e["dom_ms"] for e in renders]),
        "n": len(renders),
        "page_errors": errors,
    }


def maps(ctx: Context) -> dict[str, Any]:
    """The interactive map: page size, build time, first render in headless Chromium; focused and full maps at 300k."""
    if not _module_available("attachgraph.viz.causal_map"):
        return {"available": False, "reason": "attachgraph.viz is not in this build"}
    from attachgraph.resources import ontology_path

    pages = ctx.cache / "maps"
    pages.mkdir(parents=True, exist_ok=True)
    whole = pages / "whole.html"
    reps = max(ctx.reps, 3) if not ctx.quick else 1
    steps = [
        ANALYSIS_STEPS[0],
        {"name": "draw_causal_map(G) (whole)", "module": "attachgraph.viz.causal_map", "function": "draw_causal_map", "args": ["$G"], "write": str(whole)},
    ]
    bundled, _, error = _run_steps(ctx, [str(ontology_path())], steps, reps, timeout=120.0)
    draw = bundled[steps[1]["name"]]
    cli = ctx.attachgraph_cli()
    process = _whole_process(ctx, {"attachgraph map -o whole.html": [cli, "map", "-o", str(pages / "cli-whole.html")]}, ctx.startup_reps if not ctx.quick else 1)
    cli_ms = process["attachgraph map -o whole.html"]["median_ms"]
    render = _render_times(ctx, whole, 5 if not ctx.quick else 1) if whole.is_file() else {"error": "the page was not written"}
    rows = [
        ["whole bundled map: page size", f"{(draw['bytes'] or 0) / 1024:,.0f} kB" if draw["bytes"] else draw["status"], "<= 1 MB"],
        ["whole bundled map: `draw_causal_map` (graph built)", _fmt_s(draw["median_s"]), "< 0.5 s"],
        ["whole bundled map: `attachgraph map -o FILE`, whole process", _fmt_s(cli_ms / 1000 if cli_ms == cli_ms else None), ""],
        ["whole bundled map: first render in headless Chromium (navigation start to first drawing)",
         f"{render.get('first_render_ms', float('nan')):.0f} ms (first page of a fresh browser: {render.get('first_of_browser_ms') or float('nan'):.0f} ms)" if "error" not in render else render["error"], "< 1 s"],
    ]
    big: dict[str, Any] = {}
    size = "300k" if "300k" in ctx.sizes else None
    if size:
        focused = pages / "focus-300k.html"
        big_steps = [
            ANALYSIS_STEPS[0],
            {"name": "focused", "module": "attachgraph.viz.causal_map", "function": "draw_causal_map", "args": ["$G"], "kwargs": {"focus": FOCUS}, "write": str(focused)},
            {"name": "full", "module": "attachgraph.viz.causal_map", "function": "draw_causal_map", "args": ["$G"]},
        ]
        big, _, big_error = _run_steps(ctx, ctx.files(size), big_steps, 1, timeout=300.0)
        f, full = big["focused"], big["full"]
        rows.append([f"300k: focused map (`focus=\"{FOCUS}\"`, 2 steps)", f"{_fmt_s(f['median_s'])}, {(f['bytes'] or 0) / 1024:,.0f} kB" if f["median_s"] is not None else f["status"], "works"])
        if focused.is_file():
            fr = _render_times(ctx, focused, 3)
            rows.append(["300k: focused map, first render in Chromium", f"{fr.get('first_render_ms', float('nan')):.0f} ms" if "error" not in fr else fr["error"], ""])
        refused = full["median_s"] is None and full["status"].startswith("error: ") and "--focus" in full["status"]
        rows.append(["300k: full map", ("refused: " + full["status"].split(": ", 2)[-1]) if full["median_s"] is None else f"drawn ({full['bytes']} bytes): not refused", "refused, suggesting --focus"])
        cli_full = run_process([cli, "map", "--extension", ctx.synthetic(size).path, "-o", str(pages / "cli-full-300k.html")], env=ctx.env, timeout=600, cwd=ROOT)
        rows.append(["300k: `attachgraph map --extension ... -o FILE` (full), whole process",
                     f"exit {cli_full.returncode} after {cli_full.seconds:.1f} s: {cli_full.stderr.strip().splitlines()[-1][:160] if cli_full.stderr.strip() else ''}", "clear message"])
        big["refused"] = refused
        big["error"] = big_error
    size_ok = draw["bytes"] is not None and draw["bytes"] <= 1024 * 1024
    build_ok = draw["median_s"] is not None and draw["median_s"] < 0.5
    render_ok = "error" not in render and render.get("first_render_ms", 99e9) < 1000
    big_ok = bool(big) and big["focused"]["median_s"] is not None and big.get("refused")
    measured = (f"{(draw['bytes'] or 0) / 1024:,.0f} kB, drawn in {_fmt_s(draw['median_s'])}, first render "
                f"{render.get('first_render_ms', float('nan')):.0f} ms; 300k: " + ("focused map drawn, full map refused" if big_ok else "not measured" if not big else "see table"))
    verdict = "met" if size_ok and build_ok and render_ok and (big_ok or not size) else "missed"
    if not size:
        verdict += " (300k not in this run)"
    return {
        "available": True,
        "tables": [{"header": ["what", "measured", "target"], "rows": rows, "align": "lll"}],
        "notes": [n for n in [error, (big or {}).get("error"), *(render.get("page_errors") or [])] if n],
        "render": render,
        "goal": {"measured": measured, "verdict": verdict},
    }


# --------------------------------------------------------------------------- goal 6
ENDPOINT_QUERIES = ("counts", "concepts", "claims", "describe", "paths", "upstream")


def _bare_oxigraph(ctx: Context, ttl: str) -> tuple[Any, str, Path]:
    """Start the Oxigraph server alone (no attachgraph) over ``ttl``; return process, query URL, folder."""
    import socket
    import subprocess
    import tempfile
    import time
    import urllib.request

    binary = str(Path(PY).with_name("oxigraph"))
    folder = Path(tempfile.mkdtemp(prefix="agbench-oxigraph-", dir=ctx.cache))
    subprocess.run([binary, "load", "--location", str(folder / "store"), "--file", ttl], check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([binary, "serve", "--location", str(folder / "store"), "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return process, url, folder


def endpoint(ctx: Context) -> dict[str, Any]:
    """Requests per second of `attachgraph serve` and of a bare Oxigraph server, same data, same load."""
    if not _module_available("attachgraph.endpoint"):
        return {"available": False, "reason": "attachgraph.endpoint is not in this build"}
    import attachgraph
    from attachgraph.endpoint import serve
    from attachgraph.resources import ontology_path

    plan = {q["name"]: q["text"] for q in query_plan(ctx) if q["name"] in ENDPOINT_QUERIES}
    queries = [plan[n] for n in ENDPOINT_QUERIES if n in plan]
    clients, seconds, warmup = (2, 1.0, 0.3) if ctx.quick else (4, 6.0, 1.0)
    reps = 1 if ctx.quick else ctx.reps
    bare_process, bare_url, folder = _bare_oxigraph(ctx, str(ontology_path()))
    server = serve(attachgraph.load(), port=0)
    variants = {"attachgraph serve (read-only, query time limit)": server.query_url, "oxigraph serve (bare)": bare_url}
    samples: dict[str, list[dict]] = {k: [] for k in variants}
    try:
        for rep in range(reps):
            for name in _alternate(list(variants), rep):
                spec = {"url": variants[name], "queries": queries, "clients": clients, "seconds": seconds, "warmup": warmup}
                events, _ = ctx.worker("loadgen", spec, timeout=120)
                samples[name] += [e for e in events if e["event"] == "load"]
    finally:
        server.stop()
        bare_process.terminate()
        bare_process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    rows, rates = [], {}
    for name, runs in samples.items():
        rate = median([r["requests_per_s"] for r in runs])
        errors = sum(r["errors"] for r in runs)
        rates[name] = rate
        first = next((r["first_error"] for r in runs if r["first_error"]), "")
        rows.append([name, f"{rate:,.0f} requests/s", str(errors) + (f" ({first})" if first else ""), str(len(runs))])
    ours, bare = rates[list(variants)[0]], rates[list(variants)[1]]
    ratio = ours / bare if bare else float("nan")
    total_errors = sum(r["errors"] for runs in samples.values() for r in runs)
    return {
        "available": True,
        "tables": [{"header": ["server", "throughput (median)", "errors", "runs"], "rows": rows, "align": "lrrr"}],
        "notes": [
            f"{clients} client processes on loopback, each with one keep-alive connection, closed loop (next query when the "
            f"answer is read in full), {seconds:.0f} s counted after {warmup:.0f} s warm-up, runs alternated. Query mix, in "
            f"turn: {', '.join(n for n in ENDPOINT_QUERIES if n in plan)} (library queries, default parameters bound as VALUES). "
            "Same bundled graph in both servers; clients and server share the machine's 2 cores.",
            f"attachgraph serve / bare: {ratio:.0%}.",
        ],
        "goal": {"measured": f"{ratio:.0%} of bare ({ours:,.0f} vs {bare:,.0f} requests/s), {total_errors} errors",
                 "verdict": "met" if ratio >= 0.8 and total_errors == 0 else "missed"},
    }
