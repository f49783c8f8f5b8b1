"""OWL 2 DL and consistency, checked by tools independent of attachgraph's own code.

* The OWL API (the library behind Protégé and ROBOT; Debian's libowlapi-java) parses the
  ontology and every release file and reports OWL 2 DL profile violations and unparsed triples,
  through the small program tests/java/OwlProfileCheck.java.
* HermiT (through owlready2) finds the ontology consistent with no unsatisfiable class.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import attachgraph
from attachgraph.namespaces import version_iri
from attachgraph.release import build_release
from attachgraph.resources import ontology_path

pytestmark = pytest.mark.java

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "tests" / "java" / "OwlProfileCheck.java"
DOWNSTREAM = ROOT / "examples" / "downstream" / "downstream.ttl"
JAVA_DIR = Path("/usr/share/java")
#: libowlapi-java 5.1 and what its parsers need at run time (RDF/XML, Turtle, N-Triples via Rio,
#: JSON-LD via Rio + jsonld-java). Found by loading each release file until no class was missing;
#: all come with `apt-get install libowlapi-java` (its dependencies and theirs).
OWLAPI_JARS = (
    "owlapi-distribution", "guava", "caffeine", "slf4j-api", "slf4j-nop", "commons-io",
    "commons-rdf-api", "atinject-jsr330-api", "jsr305", "hppcrt", "xz", "jsonld-java", "jackson-core",
    "jackson-databind", "jackson-annotations", "httpclient", "httpclient-cache", "httpcore", "commons-codec",
    "rdf4j-model", "rdf4j-model-api", "rdf4j-model-vocabulary", "rdf4j-rio-api", "rdf4j-rio-datatypes",
    "rdf4j-rio-languages", "rdf4j-rio-jsonld", "rdf4j-rio-ntriples", "rdf4j-util",
)


def _classpath() -> str:
    jars = [JAVA_DIR / f"{name}.jar" for name in OWLAPI_JARS]
    missing = [j.name for j in jars if not j.is_file()]
    if missing or shutil.which("java") is None:
        pytest.fail(
            f"the OWL API check needs Java and Debian's libowlapi-java; missing: {missing or ['java']} "
            "(apt-get install default-jdk-headless libowlapi-java)"
        )
    return ":".join(str(j) for j in jars)


def owlapi_check(files: list[Path], mappings: dict[str, Path] | None = None) -> tuple[int, dict[str, dict[str, object]]]:
    """Run the OWL API check on ``files``; return the exit code and a report per file."""
    args = [str(f) for f in files] + [f"{iri}={path}" for iri, path in (mappings or {}).items()]
    proc = subprocess.run(
        ["java", "-cp", _classpath(), str(CHECKER), *args], capture_output=True, text=True, timeout=300
    )
    reports: dict[str, dict[str, object]] = {}
    current: dict[str, object] = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(": ")
        if key == "file":
            current = {"violation": [], "unparsed": []}
            reports[Path(value).name] = current
        elif key in ("violation", "unparsed"):
            current[key].append(value)  # type: ignore[union-attr]
        else:
            current[key] = value
    assert reports, f"the OWL API check printed nothing:\n{proc.stdout}\n{proc.stderr}"
    return proc.returncode, reports


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    build_release(attachgraph.load(), out)
    return out


def test_source_ontology_is_owl2_dl_per_the_owl_api() -> None:
    code, reports = owlapi_check([ontology_path()])
    report = reports["attachgraph.ttl"]
    assert report["violations"] == "0", report["violation"]
    assert report["unparsedTriples"] == "0", report["unparsed"]
    assert int(report["classes"]) >= 60 and int(report["logicalAxioms"]) > 100
    assert code == 0


def test_source_ontology_is_consistent_under_hermit(kg: attachgraph.KnowledgeGraph) -> None:
    from attachgraph.reason import reason

    report = reason(kg, "hermit")
    assert report.reasoner == "hermit"
    assert report.consistent and report.unsatisfiable == ()


def test_every_release_file_parses_in_the_owl_api_with_no_dl_violation(release_dir: Path) -> None:
    files = sorted(p for p in release_dir.iterdir() if p.suffix in (".ttl", ".owl", ".nt", ".jsonld"))
    assert len(files) == 6
    code, reports = owlapi_check(files)
    for name, report in reports.items():
        assert "error" not in report, f"{name}: {report.get('error')}"
        assert report["violations"] == "0", f"{name}: {report['violation']}"
        assert report["unparsedTriples"] == "0", f"{name}: {report['unparsed']}"
    assert code == 0
    full = [reports[n] for n in ("attachgraph.ttl", "attachgraph.owl", "attachgraph.nt", "attachgraph.jsonld")]
    assert len({r["axioms"] for r in full}) == 1  # the four serializations give the same axioms
    assert {r["format"] for r in full} == {"Turtle Syntax", "RDF/XML Syntax", "N-Triples", "JSON-LD"}
    assert all(r["versionIRI"] == version_iri(attachgraph.__version__) for r in full)
    assert reports["attachgraph-simple.ttl"]["versionIRI"] == version_iri(attachgraph.__version__) + "/simple"


def test_the_check_reports_a_real_violation(tmp_path: Path) -> None:
    # negative control: a class used but never declared is outside OWL 2 DL
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://example.org/bad> a owl:Ontology .\n"
        "<https://example.org/A> a owl:Class ; rdfs:subClassOf <https://example.org/Undeclared> .\n",
        encoding="utf-8",
    )
    code, reports = owlapi_check([bad])
    assert code == 1
    assert any("UseOfUndeclaredClass" in v for v in reports["bad.ttl"]["violation"])


def test_downstream_example_imports_the_release_by_version_iri(tmp_path: Path) -> None:
    import rdflib

    pinned = str(next(rdflib.Graph().parse(DOWNSTREAM, format="turtle").objects(None, rdflib.OWL.imports)))
    build_release(attachgraph.load(), tmp_path, version=pinned.removeprefix(version_iri("")))
    released = tmp_path / "attachgraph.owl"
    code, reports = owlapi_check([released, DOWNSTREAM], {pinned: released})
    report = reports["downstream.ttl"]
    assert report["imports"] == "1"
    assert report["violations"] == "0", report["violation"]
    # the import closure holds the release's classes plus the one downstream term
    assert int(report["classes"]) == int(reports["attachgraph.owl"]["classes"]) + 1
    assert code == 0
