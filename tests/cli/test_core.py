"""The core commands as a user runs them: info, check, coverage, fmt, --version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attachgraph._version import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "attachgraph", *args], capture_output=True, text=True, cwd=cwd)


def test_version() -> None:
    """`python -m attachgraph --version` prints the single-sourced version."""
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"attachgraph {__version__}"


def test_info_reports_counts_and_the_disclaimer() -> None:
    """`info` prints the counts and the not-medical-advice line; --json is machine-readable."""
    text = run("info")
    assert text.returncode == 0
    assert "causal claims" in text.stdout and "Not medical advice" in text.stdout
    data = json.loads(run("info", "--json").stdout)
    assert data["concepts"] >= 60 and data["causal_claims"] >= 50 and data["paragraphs_cited"] == 40


def test_help_carries_the_disclaimer() -> None:
    """The top-level help tells users the content is not medical advice."""
    assert "Not medical advice" in run("--help").stdout


def test_check_passes_with_coverage(source_path: Path) -> None:
    """`check --source` exits 0 and reports 40 of 40."""
    result = run("check", "--source", str(source_path))
    assert result.returncode == 0, result.stderr
    assert "40 of 40 substantive paragraphs cited" in result.stdout


def test_check_fails_on_a_broken_extension(tmp_path: Path) -> None:
    """A defect in an extension makes `check` exit 1 and name the problem, without a traceback."""
    ext = tmp_path / "bad.ttl"
    ext.write_text('@prefix ag: <https://w3id.org/attachgraph/> .\n'
                   '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                   'ag:Shame rdfs:label "fear of abandonment"@en .\n')
    result = run("check", "--extension", str(ext))
    assert result.returncode == 1
    assert "qc/duplicate-label" in result.stderr and "Traceback" not in result.stderr


def test_coverage_lists_every_substantive_paragraph(source_path: Path) -> None:
    """`coverage --json` maps all 40 substantive paragraphs to citing terms."""
    result = run("coverage", "--source", str(source_path), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert len(data["substantive"]) == 40 and data["uncited"] == []
    assert "ag:HPAAxisDysregulation" in data["cited_by"]["19"]


def test_unreadable_source_is_a_clear_error(tmp_path: Path) -> None:
    """A wrong --source path gives exit 3 and a one-line message."""
    result = run("coverage", "--source", str(tmp_path / "missing.txt"))
    assert result.returncode == 3
    assert "cannot read the source article" in result.stderr and "Traceback" not in result.stderr


def test_fmt_check(tmp_path: Path) -> None:
    """`fmt --check` exits 1 on a non-canonical file and leaves it alone; `fmt` fixes it."""
    path = tmp_path / "x.ttl"
    path.write_text('<https://w3id.org/attachgraph/B> <http://www.w3.org/2000/01/rdf-schema#label> "b" .\n')
    assert run("fmt", "--check", str(path)).returncode == 1
    assert run("fmt", str(path)).returncode == 0
    assert run("fmt", "--check", str(path)).returncode == 0


@pytest.mark.parametrize("args", [["nonsense-command"], ["info", "--no-such-flag"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    """argparse usage errors exit 2."""
    assert run(*args).returncode == 2


def test_demo_checks_answers_and_writes_the_map(tmp_path: Path, source_path: Path) -> None:
    """`demo` (what `make demo` runs) passes the checks, answers its questions and writes an offline map."""
    result = run("demo", "-o", str(tmp_path), "--source", str(source_path))
    assert result.returncode == 0, result.stderr
    assert "0 problem(s); coverage: 40 of 40" in result.stdout
    assert "inconsistent caregiving → HPA-axis dysregulation" in result.stdout
    assert "emotional regulation training" in result.stdout
    assert "balancing" in result.stdout and "reinforcing" in result.stdout
    page = (tmp_path / "attachgraph-map.html").read_text(encoding="utf-8")
    assert "Not medical advice" in page and "<script src=\"http" not in page
