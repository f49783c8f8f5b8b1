"""The benchmark code runs: generator, process measurement and one quick run of every section.

No timing is asserted here; speed is what ``make bench`` measures and reports.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import synth  # noqa: E402
from benchmarks.measure import run_process  # noqa: E402


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_is_deterministic_and_counts_its_triples(tmp_path: Path) -> None:
    import pyoxigraph

    first = synth.generate(6_000, tmp_path / "a.ttl", seed=3)
    second = synth.generate(6_000, tmp_path / "b.ttl", seed=3)
    other = synth.generate(6_000, tmp_path / "c.ttl", seed=4)
    assert _digest(tmp_path / "a.ttl") == _digest(tmp_path / "b.ttl")
    assert _digest(tmp_path / "a.ttl") != _digest(tmp_path / "c.ttl")
    store = pyoxigraph.Store()
    store.load(path=str(tmp_path / "a.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == first.generated_triples  # the count it reports is the count it wrote
    assert 6_000 <= first.total_triples < 6_100
    assert (first.concepts, first.claims, first.care_statements) == (second.concepts, second.claims, second.care_statements)


def test_generated_graph_has_the_schema_of_the_bundled_one(tmp_path: Path, kg) -> None:  # noqa: ANN001
    import attachgraph

    info = synth.generate(8_000, tmp_path / "syn.ttl")
    merged = attachgraph.load([tmp_path / "syn.ttl"])
    assert len(merged) == info.total_triples
    claims = merged.claims()  # every generated claim carries everything the claims query needs
    assert len(claims) == len(kg.claims()) + info.claims
    generated = [c for c in claims if c.iri.startswith(synth.SYN)]
    assert {c.sign for c in generated} == {1, -1}
    concepts = merged.concepts()  # every generated concept sits under a top category
    assert len(concepts) == len(kg.concepts()) + info.concepts
    assert all(c.category for c in concepts)
    # generated terms never enter the project namespace
    assert not any(c.iri.startswith("https://w3id.org/attachgraph/") for c in generated)
    rows = merged._named_rows("counts")[0]
    assert int(str(rows["claims"])) == len(claims)


def test_generated_claims_close_loops(tmp_path: Path) -> None:
    import networkx as nx

    import attachgraph

    synth.generate(10_000, tmp_path / "syn.ttl")
    graph = nx.DiGraph()
    for claim in attachgraph.load([tmp_path / "syn.ttl"]).claims():
        if claim.cause.startswith(synth.SYN) and claim.effect.startswith(synth.SYN):
            graph.add_edge(claim.cause, claim.effect)
    # claims link concepts created close together in both directions, so short loops exist
    # among generated concepts alone, as they do in the bundled graph
    short = list(nx.simple_cycles(graph, length_bound=4))
    assert short, "no loop of at most 4 claims among generated concepts"


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown size"):
        synth.ensure("2k", tmp_path)


def test_run_process_reports_exit_output_memory_and_timeout() -> None:
    done = run_process([sys.executable, "-c", "import sys; print('hi'); sys.exit(3)"])
    assert (done.returncode, done.stdout.strip(), done.timed_out) == (3, "hi", False)
    assert done.max_rss_mb > 1 and done.seconds > 0
    big = run_process([sys.executable, "-c", "x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096])"])
    assert big.max_rss_mb > 150  # the child's own peak, not the benchmark process's
    slow = run_process([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert slow.timed_out and slow.returncode != 0
    missing = run_process(["attachgraph-no-such-program"])
    assert missing.returncode == 127


@pytest.mark.slow
def test_quick_run_writes_a_report_with_every_section(tmp_path: Path) -> None:
    from benchmarks import run

    out = tmp_path / "benchmarks.md"
    assert run.main(["--quick", "--out", str(out), "--cache", str(tmp_path / "cache")]) == 0
    text = out.read_text(encoding="utf-8")
    for heading in ("## Machine and versions", "## Goals", "## Whole-process start-up", "## Import cost",
                    "## Load and every named query", "### 3k", "## Persistent store", "## Engine choice"):
        assert heading in text, heading
    assert "| 2. `import attachgraph`" in text
    assert "pyoxigraph (raw)" in text and "attachgraph, rdflib store" in text
    assert (tmp_path / "cache" / "results.json").is_file()
