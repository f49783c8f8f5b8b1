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
QUERY_BUDGET_S = 60.0  # a query whose run would take longer than this is skipped, with the reason
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

    def synthetic(self, size: str) -> Synthetic:
        """The synthetic extension for ``size`` (generated once, then cached on disk)."""
        if size not in self._synthetic:
            self._synthetic[size] = ensure(size, self.cache / "graphs")
        return self._synthetic[size]

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
    if SIZES[size] <= RDFLIB_MAX_TRIPLES:
        engines.append({"key": "rdflib", "engine": "attachgraph", "ag_engine": "rdflib", "label": "attachgraph, rdflib store"})
    return engines


def _skip_reason(history: dict[str, float], name: str, budget: float) -> str | None:
    """Skip a query whose time at the previous size, times the tenfold growth, exceeds ``budget``."""
    previous = history.get(name)
    if previous is not None and previous * 10 > budget:
        return f"{previous:.1f} s at the previous size; est. > {budget:.0f} s here"
    return None


def load_and_queries(ctx: Context) -> dict[str, Any]:
    """Load plus every named query, per size and engine, in fresh processes; medians of ``reps``."""
    plan = query_plan(ctx)
    out: dict[str, Any] = {"queries": [q["name"] for q in plan], "sizes": {}, "skipped_engines": {}}
    history: dict[str, dict[str, float]] = {}  # engine -> query -> median seconds at the previous size
    budget = 5.0 if ctx.quick else QUERY_BUDGET_S
    for size in ctx.sizes:
        engines = _engines_for(size)
        if SIZES[size] > RDFLIB_MAX_TRIPLES:
            out["skipped_engines"][size] = {"rdflib": _rdflib_skip_reason(out)}
        reps = {e["key"]: (1 if e["key"] == "rdflib" and SIZES[size] > 100_000 else ctx.reps) for e in engines}
        samples: dict[str, dict[str, Any]] = {e["key"]: {"label": e["label"], "load": [], "kept_mb": [], "max_rss_mb": [], "queries": {}} for e in engines}
        for rep in range(max(reps.values())):
            for engine in _alternate(engines, rep):
                key = engine["key"]
                if rep >= reps[key]:
                    continue
                queries, skipped = [], {}
                for q in plan:
                    reason = _skip_reason(history.get(key, {}), q["name"], budget)
                    if reason:
                        skipped[q["name"]] = reason
                    else:
                        queries.append(q)
                spec = {**engine, "files": ctx.files(size), "queries": queries, "timeout": budget}
                events, proc = ctx.worker("load-query", spec, timeout=600 + budget * len(queries))
                _collect(samples[key], events, proc, skipped)
        summary = {key: _summarise(s) for key, s in samples.items()}
        for key, s in summary.items():
            history[key] = {name: q["median_s"] for name, q in s["queries"].items() if q.get("median_s") is not None}
        out["sizes"][size] = summary
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
        sample["queries"].setdefault(name, {"seconds": [], "rows": None, "status": f"skipped: {reason}"})
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
        spec = {"engine": "attachgraph-store", "store": str(directory), "files": ctx.files(size), "queries": plan, "timeout": 5.0 if ctx.quick else QUERY_BUDGET_S}
        sample: dict[str, Any] = {"label": "attachgraph store (read-only)", "load": [], "kept_mb": [], "max_rss_mb": [], "queries": {}}
        for _ in range(ctx.reps):
            events, proc = ctx.worker("load-query", spec, timeout=600 + QUERY_BUDGET_S * len(plan))
            _collect(sample, events, proc, {})
        out["sizes"][size] = {"build_s": info.build_seconds, "disk_mb": disk / 2**20, "triples": info.triples, **_summarise(sample)}
    return out


# --------------------------------------------------------------------------- goals 4-6
def analysis(ctx: Context) -> dict[str, Any]:
    """Analysis functions (paths, loops, what-if, overlay): filled in when attachgraph.analysis exists."""
    return {"available": False, "reason": "attachgraph.analysis is not available yet"}


def maps(ctx: Context) -> dict[str, Any]:
    """The interactive map: size, build time, first render; filled in when attachgraph.viz exists."""
    return {"available": False, "reason": "attachgraph.viz is not available yet"}


def endpoint(ctx: Context) -> dict[str, Any]:
    """Local endpoint throughput beside a bare Oxigraph server; filled in when attachgraph.endpoint exists."""
    return {"available": False, "reason": "attachgraph.endpoint is not available yet"}
