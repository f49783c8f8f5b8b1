"""`import attachgraph` and CLI start-up stay cheap: heavy libraries load only when a feature needs them.

These tests look at which modules are loaded, never at the clock (speed is measured in
benchmarks/, see docs/benchmarks.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("rdflib", "networkx", "pyvis", "owlready2", "pyshacl", "pyoxigraph", "oxrdflib", "owlrl")


def _loaded_after(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter and return which heavy and attachgraph modules it loaded."""
    probe = (
        f"{code}\n"
        "import sys, json\n"
        f"print(json.dumps({{'heavy': sorted(m for m in {HEAVY!r} if m in sys.modules),"
        " 'attachgraph': sorted(m for m in sys.modules if m.startswith('attachgraph'))}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_attachgraph_loads_no_heavy_library() -> None:
    loaded = _loaded_after("import attachgraph")
    assert loaded["heavy"] == []
    # only the package and its version: everything else resolves on first use
    assert loaded["attachgraph"] == ["attachgraph", "attachgraph._version"]


def test_version_and_error_classes_need_no_heavy_library() -> None:
    loaded = _loaded_after("import attachgraph; attachgraph.__version__; attachgraph.UnknownConceptError")
    assert loaded["heavy"] == []


@pytest.mark.parametrize("heavy", HEAVY)
def test_a_heavy_library_is_really_absent_until_used(heavy: str) -> None:
    # guards the probe itself: importing the library does show up
    assert heavy in _loaded_after(f"import attachgraph, {heavy}")["heavy"]


def test_building_the_command_line_loads_no_heavy_library() -> None:
    # every command group's module is imported to build the full parser (`attachgraph --help`)
    loaded = _loaded_after("from attachgraph.cli import build_parser; build_parser()")
    assert loaded["heavy"] == []


def test_one_command_imports_only_the_groups_up_to_its_own() -> None:
    loaded = _loaded_after("from attachgraph.cli import build_parser; build_parser('info')")
    groups = [m for m in loaded["attachgraph"] if m.startswith("attachgraph.cli.")]
    assert groups == ["attachgraph.cli.core"]


def test_loading_the_graph_on_the_default_engine_needs_no_rdflib() -> None:
    loaded = _loaded_after("import attachgraph; kg = attachgraph.load(); len(kg)")
    assert "rdflib" not in loaded["heavy"]
    assert "pyoxigraph" in loaded["heavy"]
