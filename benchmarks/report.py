"""Turn the figures of a benchmark run into ``docs/benchmarks.md``."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["goals", "render"]


def _t(seconds: float | None) -> str:
    """A duration for people: ms below one second, s above."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    if seconds < 0.001:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _ms(ms: float | None) -> str:
    return "-" if ms is None or math.isnan(ms) else _t(ms / 1000)


def _x(ratio: float | None) -> str:
    return "-" if ratio is None or math.isnan(ratio) else f"{ratio:.2f}x"


def _mb(mb: float | None) -> str:
    return "-" if mb is None or (isinstance(mb, float) and math.isnan(mb)) else f"{mb:,.0f} MB"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines + [""]


# --------------------------------------------------------------------------- goals
def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def _cli_ratios(section: dict[str, Any]) -> list[tuple[str, float | None]]:
    timings = section["timings"]
    return [(ag, _ratio(timings[ag]["median_ms"], timings[bare]["median_ms"])) for ag, bare in section["pairs"]]


def _import_overheads(section: dict[str, Any]) -> dict[str, float]:
    timings = section["timings"]
    base = timings["python (nothing imported)"]["median_ms"]
    return {name.removeprefix("import "): t["median_ms"] - base for name, t in timings.items() if name.startswith("import ")}


def _work(engine: dict[str, Any], names: list[str]) -> float | None:
    """Load plus the queries in ``names`` (all measured), in seconds."""
    if engine.get("load_s") is None:
        return None
    total = engine["load_s"]
    for name in names:
        q = engine["queries"].get(name) or {}
        if q.get("median_s") is None:
            return None
        total += q["median_s"]
    return total


def _common(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    return [n for n, q in a["queries"].items() if q.get("median_s") is not None and (b["queries"].get(n) or {}).get("median_s") is not None]


def goals(results: dict[str, Any]) -> list[list[str]]:
    """One row per goal of the performance issue: what was measured, the target, met or not."""
    rows = []
    sec = results["sections"]
    if "cli" in sec:
        ratios = [(n, r) for n, r in _cli_ratios(sec["cli"]) if r is not None]
        if ratios:
            worst = max(ratios, key=lambda x: x[1])
            info = dict(ratios).get("attachgraph info")
            queries = [r for n, r in ratios if n.startswith("attachgraph query")]
            measured = f"info {_x(info)}; query: median {_x(sorted(queries)[len(queries) // 2]) if queries else '-'}, worst {_x(worst[1])} ({worst[0]})"
            met = "met" if worst[1] <= 2 else "missed"
            if not sec["cli"].get("query_command"):
                measured += "; `attachgraph query` not available in this build"
                met += " (info only)"
            rows.append(["1. `attachgraph query NAME` / `info`, whole process, vs bare pyoxigraph script", measured, "<= 2x", met])
    if "import" in sec:
        over = _import_overheads(sec["import"])
        heavy = sec["import"].get("heavy_modules_after_import") or []
        ok = over.get("attachgraph", math.inf) <= over.get("rdflib", -math.inf) and not heavy
        rows.append([
            "2. `import attachgraph` over bare Python, vs `import rdflib`",
            f"{_ms(over.get('attachgraph'))} vs {_ms(over.get('rdflib'))}; heavy modules imported: {', '.join(heavy) or 'none'}",
            "<= rdflib",
            "met" if ok else "missed",
        ])
    if "queries" in sec:
        worst_total, worst_where = 0.0, ""
        per_size = []
        for size, engines in sec["queries"]["sizes"].items():
            raw, ag = engines.get("pyoxigraph"), engines.get("attachgraph")
            if not raw or not ag:
                continue
            names = _common(ag, raw)
            ratio = _ratio(_work(ag, names), _work(raw, names))
            if ratio is not None:
                each = sorted(_ratio(ag["queries"][n]["median_s"], raw["queries"][n]["median_s"]) or 0 for n in names)
                middle = each[len(each) // 2] if each else None
                per_size.append(f"{size} {_x(ratio)} (median query {_x(middle)})")
                if ratio > worst_total:
                    worst_total, worst_where = ratio, size
        if per_size:
            rows.append([
                "3. load + every named query, attachgraph (default engine) vs raw pyoxigraph",
                "; ".join(per_size),
                "<= 1.5x at each size",
                "met" if worst_total <= 1.5 else f"missed (worst at {worst_where})",
            ])
    for key, title, target in (
        ("analysis", "4. analysis functions up to 300k triples", "< 1 s each"),
        ("maps", "5. whole bundled map: size, build, first render; focused map at 300k; full map at 300k refused", "<= 1 MB, < 0.5 s, < 1 s"),
        ("endpoint", "6. local endpoint throughput vs bare Oxigraph server", ">= 80%"),
    ):
        if key in sec:
            goal = sec[key].get("goal")
            if goal:
                rows.append([title, goal["measured"], target, goal["verdict"]])
            else:
                rows.append([title, sec[key].get("reason", "not measured"), target, "not measured"])
    return rows


# --------------------------------------------------------------------------- sections
def _section_import(section: dict[str, Any]) -> list[str]:
    timings = section["timings"]
    base = timings["python (nothing imported)"]["median_ms"]
    rows = []
    for name, t in timings.items():
        over = t["median_ms"] - base if name.startswith("import") else None
        rows.append([f"`{t['cmd']}`", _ms(t["median_ms"]), _ms(over) if over is not None else "", _mb(t["max_rss_mb"]), str(t["n"]), t.get("error") or ""])
    lines = ["## Import cost (goal 2)", "", "A fresh interpreter importing one library; the cost is the median over bare Python.", ""]
    lines += _table(["command", "median", "cost over bare Python", "peak memory", "runs", "error"], rows, "lrrrrl")
    heavy = section.get("heavy_modules_after_import") or []
    lines += [f"Heavy modules loaded by `import attachgraph`: {', '.join(heavy) or 'none'}.", ""]
    return lines


def _section_cli(section: dict[str, Any]) -> list[str]:
    timings = section["timings"]
    lines = [
        "## Whole-process start-up on the bundled graph (goal 1)",
        "",
        "Wall time from spawn to exit of the installed `attachgraph` command, beside `benchmarks/bare.py`: a script that",
        "loads the same Turtle into pyoxigraph, runs the same query (with the same default parameters) and prints the rows.",
        "",
    ]
    rows = []
    paired = set()
    for ag, bare in section["pairs"]:
        paired |= {ag, bare}
        a, b = timings[ag], timings[bare]
        rows.append([f"`{ag}`", _ms(a["median_ms"]), _ms(b["median_ms"]), _x(_ratio(a["median_ms"], b["median_ms"])), _mb(a["max_rss_mb"]), a.get("error") or b.get("error") or ""])
    lines += _table(["command", "attachgraph", "bare pyoxigraph script", "ratio", "peak memory", "error"], rows, "lrrrrl")
    others = [[f"`{n}`", _ms(t["median_ms"]), _mb(t["max_rss_mb"]), t.get("error") or ""] for n, t in timings.items() if n not in paired]
    lines += ["Reference points:", ""] + _table(["command", "median", "peak memory", "error"], others, "lrrl")
    if not section.get("query_command"):
        lines += ["`attachgraph query` is not available in this build, so only `info` is compared.", ""]
    return lines


def _section_queries(section: dict[str, Any], sizes: dict[str, Any]) -> list[str]:
    lines = [
        "## Load and every named query, by size (goal 3)",
        "",
        "Each column is a fresh process per repetition: load the bundled ontology plus the synthetic extension, then run",
        "every query of the library once (required parameters filled in with bundled concepts). `pyoxigraph (raw)` is the",
        "library alone, turning every row into Python values; `attachgraph` is the public API (`attachgraph.load()` then",
        "`kg.query(name, ...)`, which also fetches labels for the IRIs of the answer); `kg.select` is the engine layer with",
        "the same bound SPARQL (parameters joined in as one VALUES block, as attachgraph does) as raw. Ratios are against raw pyoxigraph over the queries every engine finished.",
        "",
    ]
    for size, engines in section["sizes"].items():
        meta = sizes.get(size, {})
        keys = list(engines)
        raw = engines.get("pyoxigraph")
        lines += [f"### {size}: {meta.get('triples', 0):,} triples ({meta.get('concepts', 0):,} generated concepts, {meta.get('claims', 0):,} generated claims)", ""]
        header = ["step"] + [engines[k]["label"] for k in keys]
        rows = [["load"] + [_t(engines[k]["load_s"]) for k in keys]]
        for name in section["queries"]:
            row = [f"`{name}`"]
            for k in keys:
                q = engines[k]["queries"].get(name) or {}
                if q.get("median_s") is None:
                    row.append(q.get("status", "-") if q else "-")
                else:
                    row.append(f"{_t(q['median_s'])} ({q['rows']} rows)" if k == "pyoxigraph" else _t(q["median_s"]))
            rows.append(row)
        if raw:
            totals = ["**load + queries, ratio to raw**"]
            for k in keys:
                names = _common(engines[k], raw)
                mine, base = _work(engines[k], names), _work(raw, names)
                totals.append(f"{_t(mine)} ({_x(_ratio(mine, base))}, {len(names)} queries)")
            rows.append(totals)
        rows.append(["peak memory (process)"] + [_mb(engines[k]["max_rss_mb"]) for k in keys])
        rows.append(["memory kept by the loaded graph"] + [_mb(engines[k]["kept_mb"]) for k in keys])
        rows.append(["runs"] + [str(engines[k]["n"]) for k in keys])
        lines += _table(header, rows)
        errors = [f"{engines[k]['label']}: {engines[k]['error']}" for k in keys if engines[k].get("error")]
        skipped = section.get("skipped_engines", {}).get(size, {})
        for engine, reason in skipped.items():
            lines.append(f"- {engine}: {reason}")
        for error in errors:
            lines.append(f"- {error}")
        if errors or skipped:
            lines.append("")
    return lines


def _section_store(section: dict[str, Any], queries: dict[str, Any] | None) -> list[str]:
    lines = [
        "## Persistent store",
        "",
        "`attachgraph.store.build_store(DIR, extensions)` parses once into an on-disk Oxigraph store; later processes open",
        "it read-only (`open_store(DIR)`) instead of parsing. Beside it, the same graph parsed into memory by the default",
        "engine (from the table above). Open and parse times include importing attachgraph and pyoxigraph. Queries slower",
        "than 5 s in memory are not repeated on the store; both query columns sum the queries both ran.",
        "",
    ]
    rows = []
    for size, s in section["sizes"].items():
        mem = ((queries or {}).get("sizes", {}).get(size) or {}).get("attachgraph") or {}
        # over the queries both finished, so the two columns compare the same work
        names = [n for n, q in s["queries"].items() if q.get("median_s") is not None and (not mem or ((mem.get("queries") or {}).get(n) or {}).get("median_s") is not None)]
        total = sum(s["queries"][n]["median_s"] for n in names)
        mem_total = sum(mem["queries"][n]["median_s"] for n in names) if mem else None
        rows.append([
            size, f"{s['triples']:,}", _t(s["build_s"]), _mb(s["disk_mb"]),
            _t(s["load_s"]), _t(mem.get("load_s")), _t(total), _t(mem_total), _mb(s["max_rss_mb"]), str(s["n"]),
        ])
    lines += _table(
        ["size", "triples", "build (once)", "on disk", "open read-only", "parse into memory", "same queries, store", "same queries, memory", "peak memory", "runs"],
        rows,
    )
    return lines


def _section_generic(title: str, section: dict[str, Any]) -> list[str]:
    lines = [f"## {title}", ""]
    if not section.get("available", True):
        return lines + [section.get("reason", "not measured"), ""]
    for block in section.get("tables", []):
        if block.get("caption"):
            lines += [block["caption"], ""]
        lines += _table(block["header"], block["rows"], block.get("align", ""))
    for note in section.get("notes", []):
        lines.append(f"- {note}")
    return lines + [""]


def _engine_choice(results: dict[str, Any]) -> list[str]:
    sec = results["sections"].get("queries")
    if not sec:
        return []
    lines = ["## Engine choice", ""]
    rows, fastest, leanest = [], {}, {}
    for size, engines in sec["sizes"].items():
        raw = engines.get("pyoxigraph")
        if not raw:
            continue
        cells = [size]
        # compare the engines over the queries all of them finished at this size
        present = {k: engines[k] for k in ("attachgraph", "oxrdflib", "rdflib") if engines.get(k)}
        names = [n for n in raw["queries"] if all((e["queries"].get(n) or {}).get("median_s") is not None for e in present.values())]
        totals = {k: _work(e, names) for k, e in present.items()}
        for key in ("attachgraph", "oxrdflib", "rdflib"):
            e = present.get(key)
            cells.append(f"{_t(totals[key])} / {_mb(e['max_rss_mb'])}" if e else "not run")
        cells.append(str(len(names)))
        rows.append(cells)
        timed = {k: t for k, t in totals.items() if t is not None}
        if timed:
            fastest[size] = min(timed, key=timed.get)
        mems = {k: e["max_rss_mb"] for k, e in present.items() if e.get("max_rss_mb")}
        if mems:
            leanest[size] = min(mems, key=mems.get)
    lines += _table(["size", "oxigraph (default)", "oxrdflib", "rdflib store", "queries compared"], rows)
    names = {"attachgraph": "oxigraph", "oxrdflib": "oxrdflib", "rdflib": "rdflib"}
    always_fastest = bool(fastest) and set(fastest.values()) == {"attachgraph"}
    always_leanest = bool(leanest) and set(leanest.values()) == {"attachgraph"}
    verdict = (
        "**`oxigraph` stays the default**: "
        + ("it is the fastest engine at every size measured" if always_fastest else
           "fastest at " + ", ".join(f"{s}: {names[k]}" for s, k in fastest.items()))
        + ("" if not leanest else (", needs the least memory at every size" if always_leanest else
           "; least memory at " + ", ".join(f"{s}: {names[k]}" for s, k in leanest.items())))
        + ", and it never imports rdflib (see the import costs above)."
    )
    lines += [
        "Load plus the named queries every engine finished at that size, and the peak memory of the process.",
        "",
        verdict,
        "",
        "How to choose:",
        "",
        "- `oxigraph` (default; `attachgraph.load()`, `--engine oxigraph`): pyoxigraph in memory under attachgraph's engine layer.",
        "- `oxrdflib` (`attachgraph.load(engine=\"oxrdflib\")`, `--engine oxrdflib`): the rdflib API (`kg.graph`) with",
        "  Oxigraph underneath, for code that wants an `rdflib.Graph` and speed.",
        "- `rdflib` (`attachgraph.load(engine=\"rdflib\")`, `--engine rdflib`): rdflib's own store and SPARQL engine; fine",
        "  for the bundled graph, slow from tens of thousands of triples on (see the tables above).",
        "- The environment variable `ATTACHGRAPH_ENGINE` sets the command line's default engine.",
        "- A graph loaded again and again (a large merged graph): build a persistent store once with",
        "  `attachgraph.store.build_store(DIR, extensions)` and open it with `attachgraph.store.open_store(DIR)`: no parsing,",
        "  the same queries, the same rows (see \"Persistent store\"). Opening takes tens of milliseconds at any size, but",
        "  each query reads RocksDB and runs about 3x slower than in memory: a store pays off for many short processes",
        "  (command-line calls, scripts asking a few questions); a long session of many heavy queries is faster in memory.",
        "",
    ]
    return lines


def render(results: dict[str, Any]) -> str:
    """The whole markdown report."""
    m, v = results["machine"], results["versions"]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`python benchmarks/run.py --out docs/benchmarks.md`) on {results.get('started', '?')};"
        + f" the run took {results.get('elapsed_s', 0) / 60:.1f} min"
        + "".join(f"; then `--only {','.join(r['sections'])} --merge` re-ran those sections ({r['minutes']:.1f} min)" for r in results.get("reruns", []))
        + ". Figures are medians of fresh processes, with the variants of",
        "each table alternated within every repetition. Timings on a shared machine vary by 10-20% between runs; the",
        "ratios, measured side by side, are the stable part.",
        "",
        "## Machine and versions",
        "",
    ]
    lines += _table(["", ""], [[k, v_] for k, v_ in {**m, **v}.items()], "ll")
    lines += ["## Graph sizes", "", "The bundled ontology plus a deterministic synthetic extension in the same schema (`benchmarks/synth.py`).", ""]
    lines += _table(
        ["size", "triples", "generated concepts", "generated claims", "extension file"],
        [[s, f"{d['triples']:,}", f"{d['concepts']:,}", f"{d['claims']:,}", f"{d['file_mb']:.1f} MB"] for s, d in results["sizes"].items()],
    )
    lines += ["## Goals", ""] + _table(["goal", "measured", "target", "verdict"], goals(results), "llll")
    sec = results["sections"]
    if "cli" in sec:
        lines += _section_cli(sec["cli"])
    if "import" in sec:
        lines += _section_import(sec["import"])
    if "queries" in sec:
        lines += _section_queries(sec["queries"], results["sizes"])
    if "store" in sec:
        lines += _section_store(sec["store"], sec.get("queries"))
    for key, title in (("analysis", "Analysis functions (goal 4)"), ("maps", "Interactive map (goal 5)"), ("endpoint", "Local SPARQL endpoint (goal 6)")):
        if key in sec:
            lines += _section_generic(title, sec[key])
    lines += _engine_choice(results)
    lines += [
        "## Method",
        "",
        "- `benchmarks/synth.py` writes the synthetic extension (seeded; same bytes every run; its own namespace, so",
        "  synthetic terms are never mistaken for knowledge).",
        "- `benchmarks/measure.py` times each process from spawn to exit and reads its peak memory from the kernel",
        "  (`wait4`); bytecode caching is on, as on a user's machine.",
        "- `benchmarks/workers.py` is what each measured process runs; it prints its own step timings as it goes.",
        "- Sizes grow tenfold. A query whose estimated time at the next size (its time, times the growth it showed",
        "  between the two sizes before, at least 10x, at most 100x) exceeds 30 s (20 s on rdflib's own store), or that",
        "  did not finish, is not run there, and the table says so. rdflib's own store is not run above 400k triples.",
        "- A query slower than 5 s is run once per size and engine instead of once per repetition (its figure is one run).",
        "- Each worker's own output is kept under `build/bench/specs/*.out.jsonl`, to see where a run spent its time.",
        "",
    ]
    return "\n".join(lines).rstrip() + "\n"
