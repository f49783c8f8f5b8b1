"""Run every attachgraph benchmark and write the report: ``python benchmarks/run.py --out docs/benchmarks.md``.

Each figure is the median of several fresh processes; the variants compared in one table are
alternated within each repetition, so a busy moment of the machine hits them alike. Sizes are
the bundled ontology plus a deterministic synthetic extension (``benchmarks/synth.py``).

Options: ``--sizes 3k,30k,300k,3M`` (default all), ``--reps N`` (repetitions of in-process
runs), ``--quick`` (smallest size, one repetition: the smoke test), ``--only SECTION,...``,
``--merge results.json`` (re-run the ``--only`` sections on top of an earlier run), ``--render
results.json`` (write the report again without measuring). The full run takes about 35 min on
2 cores; ``--sizes 3k,30k,300k`` about 12.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import report, sections  # noqa: E402
from benchmarks.measure import ROOT, bench_env, machine, versions  # noqa: E402
from benchmarks.synth import SIZES  # noqa: E402

SECTIONS: dict[str, Callable[[sections.Context], dict[str, Any]]] = {
    "import": sections.import_cost,
    "cli": sections.cli_startup,
    "queries": sections.load_and_queries,
    "store": sections.persistent_store,
    "analysis": sections.analysis,
    "maps": sections.maps,
    "endpoint": sections.endpoint,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Run the attachgraph benchmarks and write a markdown report.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the markdown report to write")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures as JSON (default: next to the cache)")
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated sizes (default: {','.join(SIZES)})")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each in-process run (default 3)")
    parser.add_argument("--startup-reps", type=int, default=15, help="repetitions of each whole-process start-up run (default 15)")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "bench", help="where generated graphs and stores go")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--quick", action="store_true", help="smallest size, one repetition, short runs (the smoke test)")
    parser.add_argument("--render", type=Path, help="only write the report from this results.json (no measurement)")
    parser.add_argument("--merge", type=Path, help="keep the other sections of this earlier results.json (re-run some sections only)")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        parser.error(f"unknown section(s) {', '.join(bad)}; choose from {', '.join(SECTIONS)}")
    if args.quick:
        sizes, args.reps, args.startup_reps = [next(iter(SIZES))], 1, 1
    args.size_list, args.section_list = sizes, only
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and write the report; return 0 when the run completed."""
    args = parse_args(argv)
    if args.render:
        from attachgraph._io import atomic_write_text

        atomic_write_text(args.out, report.render(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.time()
    ctx = sections.Context(
        cache=args.cache,
        env=bench_env(args.cache),
        sizes=args.size_list,
        reps=args.reps,
        startup_reps=args.startup_reps,
        quick=args.quick,
    )
    results: dict[str, Any] = {"machine": machine(), "versions": versions(), "sizes": {}, "sections": {}}
    if args.merge:
        earlier = json.loads(args.merge.read_text(encoding="utf-8"))
        results["sections"] = {k: v for k, v in earlier["sections"].items() if k not in args.section_list}
        results["sizes"] = earlier.get("sizes", {})
        for size, engines in earlier["sections"].get("queries", {}).get("sizes", {}).items():
            default = engines.get("attachgraph") or {}
            ctx.query_times[size] = {
                name: q["median_s"] if q.get("median_s") is not None else q.get("status", "not run")
                for name, q in default.get("queries", {}).items()
            }
    for size in ctx.sizes:
        info = ctx.synthetic(size)
        results["sizes"][size] = {"triples": info.total_triples, "concepts": info.concepts, "claims": info.claims, "file_mb": Path(info.path).stat().st_size / 2**20}
    for name in [n for n in SECTIONS if n in args.section_list]:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results["sections"][name] = SECTIONS[name](ctx)
        print(f"[bench] {name} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    results["elapsed_s"] = time.time() - started
    results["started"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    if args.merge:  # the full run's duration stays; the re-runs are listed beside it
        results["reruns"] = [*earlier.get("reruns", []), {"sections": args.section_list, "minutes": results["elapsed_s"] / 60}]
        results["elapsed_s"] = float(earlier.get("elapsed_s", 0))
        results["started"] = earlier.get("started", results["started"])
    raw = args.json or args.cache / "results.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    from attachgraph._io import atomic_write_text

    atomic_write_text(args.out, report.render(results))
    print(f"[bench] wrote {args.out} (raw figures: {raw}) in {results['elapsed_s'] / 60:.1f} min", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
