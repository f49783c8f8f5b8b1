"""`attachgraph template` and `attachgraph extend` as a user runs them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "extension"
EXAMPLE_FILES = [str(EXAMPLE / n) for n in ("concepts.yaml", "concepts.ttl", "claims.csv")]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "attachgraph", *args], capture_output=True, text=True, cwd=cwd)


def test_extend_writes_the_worked_example_and_other_commands_use_it(tmp_path: Path) -> None:
    out = tmp_path / "ext.ttl"
    result = run("extend", *EXAMPLE_FILES, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}: 3 new concept(s), 7 claim(s), 5 source(s)" in result.stdout
    assert "Not medical advice" in result.stdout
    assert out.read_text(encoding="utf-8") == (EXAMPLE / "extension.ttl").read_text(encoding="utf-8")
    plain = json.loads(run("info", "--json").stdout)
    extended = json.loads(run("info", "--json", "--extension", str(out)).stdout)
    assert extended["causal_claims"] == plain["causal_claims"] + 7
    assert extended["concepts"] == plain["concepts"] + 3
    assert extended["interventions"] == plain["interventions"] + 1


def test_bad_files_list_every_problem_exit_3_and_write_nothing(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "cause,effect,sign,mechanism,phase,grade,citation,doi,locator,note\n"
        "atachment trauma,shame,+,relational,recovery,cohort study,Example. NOT A REAL REFERENCE.,10.5555/t.1,p. 1,\n"
        "shame,relapse risk,sideways,relational,recovery,hearsay,Example. NOT A REAL REFERENCE.,10.55/x,p. 2,\n",
        encoding="utf-8",
    )
    before = hashlib.sha256(claims.read_bytes()).hexdigest()
    out = tmp_path / "ext.ttl"
    result = run("extend", str(claims), "-o", str(out))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "4 problems" in result.stderr and "nothing was written" in result.stderr
    for expected in ("line 2, column cause (A): unknown concept 'atachment trauma'; did you mean 'attachment trauma'",
                     "line 3, column sign (C): unknown sign 'sideways'",
                     "line 3, column grade (F): unknown grade 'hearsay'",
                     "line 3, column doi (H): '10.55/x' is not a well-formed DOI"):  # fmt: skip
        assert expected in result.stderr
    assert not out.exists()
    assert hashlib.sha256(claims.read_bytes()).hexdigest() == before


def test_check_only_validates(tmp_path: Path) -> None:
    result = run("extend", *EXAMPLE_FILES, "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok: 3 new concept(s), 7 claim(s), 5 source(s); nothing written" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_output_is_required_without_check() -> None:
    result = run("extend", *EXAMPLE_FILES)
    assert result.returncode == 3 and "-o OUT.ttl" in result.stderr


def test_extend_checks_against_earlier_extensions(tmp_path: Path) -> None:
    first = tmp_path / "first.ttl"
    assert run("extend", *EXAMPLE_FILES, "-o", str(first)).returncode == 0
    again = run("extend", *EXAMPLE_FILES, "-o", str(tmp_path / "second.ttl"), "--extension", str(first))
    assert again.returncode == 3
    assert "'sleep disruption' already names 'sleep disruption'" in again.stderr
    assert "from the same source" in again.stderr


def test_contradictions_are_refused_unless_allowed(tmp_path: Path) -> None:
    claims = tmp_path / "claims.tsv"
    claims.write_text(
        "cause\teffect\tsign\tmechanism\tphase\tgrade\tdoi\tlocator\n"
        "psychoeducation\tshame\tincreases\ttherapeutic\ttreatment\trct\t10.5555/t.2\tTable 1\n",
        encoding="utf-8",
    )
    out = tmp_path / "ext.ttl"
    refused = run("extend", str(claims), "-o", str(out))
    assert refused.returncode == 3 and "contradicts ag:claim-080" in refused.stderr and not out.exists()
    kept = run("extend", str(claims), "-o", str(out), "--allow-contradictions")
    assert kept.returncode == 0, kept.stderr
    assert "note: " in kept.stderr and "kept as a separate claim" in kept.stderr
    assert out.exists()


def test_namespace_option(tmp_path: Path) -> None:
    out = tmp_path / "ext.ttl"
    result = run("extend", *EXAMPLE_FILES, "-o", str(out), "--namespace", "https://example.org/lab/")
    assert result.returncode == 3, "the Turtle concept names its parent in the default namespace"
    assert "unknown category or concept 'urn:attachgraph:user:SleepDisruption'" in result.stderr
    yaml_and_csv = [EXAMPLE_FILES[0], str(tmp_path / "claims.csv")]
    csv_text = (EXAMPLE / "claims.csv").read_text(encoding="utf-8")
    (tmp_path / "claims.csv").write_text("\n".join(ln for ln in csv_text.splitlines() if "nightmares" not in ln) + "\n", encoding="utf-8")
    result = run("extend", *yaml_and_csv, "-o", str(out), "--namespace", "https://example.org/lab/")
    assert result.returncode == 0, result.stderr
    assert "<https://example.org/lab/SleepDisruption>" in out.read_text(encoding="utf-8")


def test_template_writes_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    result = run("template", "-o", str(tmp_path / "t"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "t" / "claims.csv").is_file() and (tmp_path / "t" / "concepts.yaml").is_file()
    assert "Not medical advice" in result.stdout and "attachgraph extend" in result.stdout
    again = run("template", "-o", str(tmp_path / "t"))
    assert again.returncode == 3 and "already exists; pass --force" in again.stderr
    assert run("template", "-o", str(tmp_path / "t"), "--force").returncode == 0
    other = run("template", "-o", str(tmp_path / "u"), "--tsv", "--turtle")
    assert other.returncode == 0 and sorted(p.name for p in (tmp_path / "u").iterdir()) == ["claims.tsv", "concepts.ttl"]


def test_help_documents_the_columns_and_the_disclaimer() -> None:
    text = run("extend", "--help").stdout
    assert "cause, effect, sign, mechanism, phase, grade, citation, doi, locator, note" in text
    assert "Not medical advice" in text
    assert "--allow-contradictions" in text and "--namespace" in text
    assert "Not medical advice" in run("template", "--help").stdout


def test_no_shacl_skips_only_the_shacl_pass(tmp_path: Path) -> None:
    concepts = tmp_path / "concepts.yaml"
    concepts.write_text(
        "concepts:\n  - label: sleep hygiene coaching\n    parent: intervention\n"
        "    definition: An intervention that teaches habits which protect regular and restful sleep.\n"
        "    informal_definition: Lessons on how to sleep better.\n"
        "    citation: Example C. (2021). NOT A REAL REFERENCE.\n    locator: p. 4\n",
        encoding="utf-8",
    )
    checked = run("extend", str(concepts), "--check")
    assert checked.returncode == 3 and "SHACL: " in checked.stderr and "an intervention must act on something" in checked.stderr
    skipped = run("extend", str(concepts), "--check", "--no-shacl")
    assert skipped.returncode == 0, skipped.stderr
    broken = run("extend", str(concepts), "--check", "--no-shacl", "--namespace", "nope")
    assert broken.returncode == 3 and "--namespace" in broken.stderr


def test_query_on_the_extended_graph_shows_user_claims_with_their_grade() -> None:
    ext = str(EXAMPLE / "extension.ttl")
    result = run("query", "claims", "--extension", ext, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "urn:attachgraph:user:claim-" in line]
    assert len(rows) == 7
    assert any("peer support participation" in r and "randomised controlled trial" in r and "Table 3" in r for r in rows)
    plain = run("query", "claims", "--format", "csv")
    assert "urn:attachgraph:user:" not in plain.stdout
    on = run("query", "interventions-on", "--param", "concept=relapse risk", "--extension", ext)
    assert on.returncode == 0 and "peer support participation" in on.stdout
