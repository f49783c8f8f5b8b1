"""Shared fixtures: the bundled graph (loaded once per session) and the source article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import attachgraph

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(os.environ.get("ATTACHGRAPH_SOURCE", ROOT.parent / "shared" / "source" / "attachment-trauma-in-addiction.txt"))
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def kg() -> attachgraph.KnowledgeGraph:
    """The bundled knowledge graph on the default engine."""
    return attachgraph.load()


@pytest.fixture(scope="session", params=["oxigraph", "rdflib"])
def kg_any(request: pytest.FixtureRequest) -> attachgraph.KnowledgeGraph:
    """The bundled knowledge graph on each engine in turn."""
    return attachgraph.load(engine=request.param)


@pytest.fixture(scope="session")
def source_path() -> Path:
    """The source article; required in CI, skipped with a reason elsewhere when absent."""
    if SOURCE.is_file():
        return SOURCE
    if os.environ.get("CI") == "true":
        pytest.fail(f"the source article is required in CI but missing at {SOURCE}")
    pytest.skip(f"source article not found at {SOURCE}; set ATTACHGRAPH_SOURCE")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """A folder for test artefacts (screenshots, built files) kept after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
