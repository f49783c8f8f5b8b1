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
    """Run the OWL API check on ``files`` in one JVM; return the exit code and a report per file path."""
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
            reports[value] = current
        elif key in ("violation", "unparsed"):
            current[key].append(value)  # type: ignore[union-attr]
        else:
            current[key] = value
    assert reports, f"the OWL API check printed nothing:\n{proc.stdout}\n{proc.stderr}"
    return proc.returncode, reports


BAD = (
    "@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "<https://example.org/bad> a owl:Ontology .\n"
    "<https://example.org/A> a owl:Class ; rdfs:subClassOf <https://example.org/Undeclared> .\n"
)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One OWL API run (one JVM start) over the source, a release, the downstream example and a bad file."""
    import rdflib

    release = tmp_path_factory.mktemp("release")
    # the release the downstream example pins, so its import resolves to this build
    pinned = str(next(rdflib.Graph().parse(DOWNSTREAM, format="turtle").objects(None, rdflib.OWL.imports)))
    build_release(attachgraph.load(), release, version=pinned.removeprefix(version_iri("")))
    bad = tmp_path_factory.mktemp("bad") / "bad.ttl"
    bad.write_text(BAD, encoding="utf-8")
    files = sorted(p for p in release.iterdir() if p.suffix in (".ttl", ".owl", ".nt", ".jsonld"))
    code, reports = owlapi_check([ontology_path(), *files, DOWNSTREAM, bad], {pinned: release / "attachgraph.owl"})
    return {"code": code, "reports": reports, "release": files, "pinned": pinned, "bad": bad}


def test_source_ontology_is_owl2_dl_per_the_owl_api(checked: dict) -> None:
    report = checked["reports"][str(ontology_path())]
    assert report["violations"] == "0", report["violation"]
    assert report["unparsedTriples"] == "0", report["unparsed"]
    assert int(report["classes"]) >= 60 and int(report["logicalAxioms"]) > 100


def test_source_ontology_is_consistent_under_hermit(kg: attachgraph.KnowledgeGraph) -> None:
    from attachgraph.reason import reason

    report = reason(kg, "hermit")
    assert report.reasoner == "hermit"
    assert report.consistent and report.unsatisfiable == ()


def test_every_release_file_parses_in_the_owl_api_with_no_dl_violation(checked: dict) -> None:
    files = checked["release"]
    assert len(files) == 6
    reports = {Path(path).name: report for path, report in checked["reports"].items() if Path(path) in files}
    assert len(reports) == 6
    for name, report in reports.items():
        assert "error" not in report, f"{name}: {report.get('error')}"
        assert report["violations"] == "0", f"{name}: {report['violation']}"
        assert report["unparsedTriples"] == "0", f"{name}: {report['unparsed']}"
    full = [reports[n] for n in ("attachgraph.ttl", "attachgraph.owl", "attachgraph.nt", "attachgraph.jsonld")]
    assert len({r["axioms"] for r in full}) == 1  # the four serializations give the same axioms
    assert {r["format"] for r in full} == {"Turtle Syntax", "RDF/XML Syntax", "N-Triples", "JSON-LD"}
    assert all(r["versionIRI"] == checked["pinned"] for r in full)
    assert reports["attachgraph-simple.ttl"]["versionIRI"] == checked["pinned"] + "/simple"
    assert reports["attachgraph-mappings.ttl"]["versionIRI"] == checked["pinned"] + "/mappings"


def test_the_check_reports_a_real_violation(checked: dict) -> None:
    # negative control: a class used but never declared is outside OWL 2 DL; the run's exit code shows it
    report = checked["reports"][str(checked["bad"])]
    assert any("UseOfUndeclaredClass" in v for v in report["violation"])
    assert checked["code"] == 1


def test_downstream_example_imports_the_release_by_version_iri(checked: dict) -> None:
    report = checked["reports"][str(DOWNSTREAM)]
    released = next(r for p, r in checked["reports"].items() if p.endswith("attachgraph.owl"))
    assert report["imports"] == "1"
    assert report["violations"] == "0", report["violation"]
    # the import closure holds the release's classes plus the one downstream term
    assert int(report["classes"]) == int(released["classes"]) + 1


def test_only_the_bad_file_fails(checked: dict) -> None:
    failing = [p for p, r in checked["reports"].items() if r.get("error") or r["violations"] != "0" or r["unparsedTriples"] != "0"]
    assert failing == [str(checked["bad"])]
