"""The integrator commands as a user runs them: release, reason, docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from attachgraph.namespaces import ONTOLOGY_IRI, version_iri


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "attachgraph", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def _no_java_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # the interpreter is called by its full path, so nothing else is needed
    return env


def test_release_writes_every_file_and_says_so(tmp_path: Path) -> None:
    result = run("release", "-o", str(tmp_path / "rel"))
    assert result.returncode == 0, result.stderr
    for name in ("attachgraph.ttl", "attachgraph.owl", "attachgraph.nt", "attachgraph.jsonld",
                 "attachgraph-simple.ttl", "CHANGELOG.md", "SHA256SUMS"):
        assert (tmp_path / "rel" / name).is_file()
        assert name in result.stdout
    assert "releases/" in result.stdout and "Not medical advice" in result.stdout


def test_release_with_previous_reports_changes(tmp_path: Path) -> None:
    assert run("release", "-o", str(tmp_path / "old"), "--release-version", "0.0.1").returncode == 0
    result = run("release", "-o", str(tmp_path / "new"), "--release-version", "0.0.2",
                 "--previous", str(tmp_path / "old" / "attachgraph.ttl"))
    assert result.returncode == 0, result.stderr
    assert "changes since 0.0.1: 0 added, 0 changed, 0 deprecated, 0 removed" in result.stdout
    graph = rdflib.Graph().parse(tmp_path / "new" / "attachgraph.owl", format="xml")
    onto = rdflib.URIRef(ONTOLOGY_IRI)
    assert graph.value(onto, rdflib.OWL.versionIRI) == rdflib.URIRef(version_iri("0.0.2"))
    assert graph.value(onto, rdflib.OWL.priorVersion) == rdflib.URIRef(version_iri("0.0.1"))
    assert "# Changes from 0.0.1 to 0.0.2" in (tmp_path / "new" / "CHANGELOG.md").read_text()


def test_release_errors_are_one_line_with_a_fix(tmp_path: Path) -> None:
    missing = run("release", "-o", str(tmp_path / "x"), "--previous", str(tmp_path / "nope.ttl"))
    assert missing.returncode == 3
    assert "--previous takes the ontology file of an earlier release" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad = run("release", "-o", str(tmp_path / "x"), "--release-version", "v1")
    assert bad.returncode == 3 and "X.Y.Z" in bad.stderr
    usage = run("release")
    assert usage.returncode == 2 and "-o/--output" in usage.stderr


@pytest.mark.java
def test_reason_with_java_runs_hermit() -> None:
    result = run("reason")
    assert result.returncode == 0, result.stderr
    assert "reasoner: HermiT" in result.stdout and "consistent: yes" in result.stdout
    assert "no file was changed" in result.stdout and "Not medical advice" in result.stdout


def test_reason_without_java_falls_back_and_says_what_it_cannot_detect(tmp_path: Path) -> None:
    result = run("reason", env=_no_java_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "reasoner: OWL 2 RL closure (owlrl, pure Python)" in result.stdout
    assert "limits of this reasoner:" in result.stdout and "cannot prove a class unsatisfiable" in result.stdout


def test_reason_hermit_without_java_exits_5(tmp_path: Path) -> None:
    result = run("reason", "--reasoner", "hermit", env=_no_java_env(tmp_path))
    assert result.returncode == 5
    assert "Java runtime" in result.stderr and "--reasoner owlrl" in result.stderr


def test_reason_json_and_hierarchy(tmp_path: Path) -> None:
    data = json.loads(run("reason", "--reasoner", "owlrl", "--json").stdout)
    assert data["reasoner"] == "owlrl" and data["ok"] is True and data["limitations"]
    tree = run("reason", "--reasoner", "owlrl", "--hierarchy").stdout
    assert "inferred class hierarchy:" in tree and "- attachgraph concept (ag:DomainConcept)" in tree


def test_reason_exits_1_on_an_inconsistent_extension(tmp_path: Path) -> None:
    extension = tmp_path / "clash.ttl"
    # a claim individual that is also a care statement: the two classes are disjoint
    extension.write_text(
        "<https://w3id.org/attachgraph/claim-001> a <https://w3id.org/attachgraph/CareStatement> .\n", encoding="utf-8"
    )
    result = run("reason", "--reasoner", "owlrl", "--extension", str(extension))
    assert result.returncode == 1
    assert "consistent: NO" in result.stdout


def test_docs_writes_an_index(tmp_path: Path) -> None:
    result = run("docs", "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    index = tmp_path / "site" / "index.html"
    assert index.is_file() and "terms" in result.stdout and "competency questions" in result.stdout
    assert "works offline" in result.stdout and "Not medical advice" in result.stdout
    assert "Not medical advice" in index.read_text(encoding="utf-8")


def test_help_of_each_command_carries_the_disclaimer() -> None:
    for command in ("release", "reason", "docs"):
        assert "Not medical advice" in run(command, "--help").stdout
