"""The wheel: it carries the ontology, shapes, queries and mappings, and works installed elsewhere.

Builds the wheel with the project's own build backend (no network for the build itself), installs
it into a fresh virtual environment (pip resolves the dependencies from the package index or its
cache), and runs the command line from a directory outside the repository, so nothing can be read
from the source tree by accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from attachgraph._version import __version__

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    install = subprocess.run(
        [str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return root


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("elsewhere")
    assert ROOT not in folder.parents
    return folder


def run(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_wheel_carries_the_data_files(wheel: Path) -> None:
    assert wheel.name == f"attachgraph-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "attachgraph/_data/attachgraph.ttl",
        "attachgraph/_data/shapes.ttl",
        "attachgraph/_data/mappings/attachgraph.sssom.tsv",
        "attachgraph/_data/LICENSE",
        "attachgraph/_version.py",
        "attachgraph/py.typed",
    ):
        assert required in names, required
    queries = {n for n in names if n.startswith("attachgraph/_data/queries/") and n.endswith(".rq")}
    in_repo = {p.relative_to(ROOT / "ontology").as_posix() for p in (ROOT / "ontology" / "queries").rglob("*.rq")}
    assert {q.removeprefix("attachgraph/_data/") for q in queries} == in_repo
    assert not any(n.startswith(("tests/", "ontology/")) for n in names)
    assert (zipfile.ZipFile(wheel).read("attachgraph/_data/attachgraph.ttl") == (ROOT / "ontology" / "attachgraph.ttl").read_bytes())


def test_installed_package_reads_its_own_data(venv: Path, outside: Path) -> None:
    result = run(venv, outside, str(venv / "bin" / "python"), "-c",
                 "import attachgraph.resources as r; print(r.data_dir())")
    assert result.returncode == 0, result.stderr
    data_dir = Path(result.stdout.strip())
    assert venv in data_dir.parents and data_dir.name == "_data"


def test_version_is_single_sourced(venv: Path, outside: Path) -> None:
    result = run(venv, outside, str(venv / "bin" / "python"), "-m", "attachgraph", "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"attachgraph {__version__}"


def test_info_and_check_run_from_outside_the_repository(venv: Path, outside: Path) -> None:
    info = run(venv, outside, "attachgraph", "info")
    assert info.returncode == 0, info.stderr
    assert str(venv) in info.stdout and "causal claims" in info.stdout
    check = run(venv, outside, "attachgraph", "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_query_runs_from_outside_the_repository(venv: Path, outside: Path) -> None:
    api = run(venv, outside, str(venv / "bin" / "python"), "-c",
              "import attachgraph; kg = attachgraph.load(); print(len(kg.query('claims')), len(kg.claims()))")
    assert api.returncode == 0, api.stderr
    rows, claims = api.stdout.split()
    assert rows == claims and int(rows) >= 50
    cli = run(venv, outside, "attachgraph", "query", "claims")
    assert cli.returncode == 0, cli.stderr
    assert "ag:claim-001" in cli.stdout or "claim-001" in cli.stdout


def test_release_runs_from_outside_the_repository(venv: Path, outside: Path) -> None:
    result = run(venv, outside, "attachgraph", "release", "-o", "rel")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in (outside / "rel").iterdir()}
    assert {"attachgraph.ttl", "attachgraph.owl", "attachgraph.nt", "attachgraph.jsonld",
            "attachgraph-simple.ttl", "attachgraph-mappings.ttl", "CHANGELOG.md", "SHA256SUMS"} == names
    assert "warning" not in result.stderr
