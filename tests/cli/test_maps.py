"""The educators' commands as a user runs them: map, export, loops, whatif, interventions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attachgraph.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_map_writes_one_offline_file(tmp_path: Path) -> None:
    """`attachgraph map -o FILE.html` (a real process) writes the page and says how big it is."""
    out = tmp_path / "map.html"
    result = subprocess.run([sys.executable, "-m", "attachgraph", "map", "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.is_file() and f"wrote {out}" in result.stdout and "KB" in result.stdout
    assert "no internet" in result.stdout and "Not medical advice" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'src="http' not in page


def test_map_options(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--view, --story, --interventions, --title, --focus, --path and --phase each give a map."""
    for args in (
        ["--view", "core", "--story", "--interventions", "--title", "Week 3"],
        ["--view", "cycle"],
        ["--view", "recovery"],
        ["--view", "treatment"],
        ["--focus", "self-medication", "--steps", "1"],
        ["--path", "inconsistent caregiving", "relapse risk", "--story"],
        ["--phase", "recovery"],
    ):
        out = tmp_path / "m.html"
        code, stdout, _ = run(capsys, "map", "-o", str(out), *args)
        assert code == 0 and out.is_file(), args
    assert "Week 3" in run(capsys, "map", "-o", str(out), "--title", "Week 3")[1] or "Week 3" in out.read_text(encoding="utf-8")


def test_map_refuses_what_it_cannot_draw(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Too many concepts, unknown concepts and impossible stories fail with exit 3 and a hint."""
    code, _, err = run(capsys, "map", "-o", str(tmp_path / "x.html"), "--max-nodes", "10")
    assert code == 3 and "--focus" in err and "Traceback" not in err
    code, _, err = run(capsys, "map", "-o", str(tmp_path / "x.html"), "--focus", "relief tempory")
    assert code == 3 and "temporary relief" in err
    code, _, err = run(capsys, "map", "-o", str(tmp_path / "x.html"), "--view", "treatment", "--story")
    assert code == 3 and "--path" in err
    assert not (tmp_path / "x.html").exists()


def test_export_formats(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Text formats print to standard output or write -o FILE; PNG insists on a file."""
    code, out, _ = run(capsys, "export", "--format", "mermaid", "--view", "cycle")
    assert code == 0 and "flowchart LR" in out
    for fmt in ("svg", "dot", "graphml", "gexf", "cytoscape"):
        path = tmp_path / f"map.{fmt}"
        code, out, _ = run(capsys, "export", "-f", fmt, "-o", str(path), "--view", "core")
        assert code == 0 and path.stat().st_size > 1000 and f"wrote {path}" in out
    code, _, err = run(capsys, "export", "-f", "png")
    assert code == 3 and "-o FILE.png" in err


def test_loops_lists_r_and_b(capsys: pytest.CaptureFixture[str]) -> None:
    """`loops` prints R/B ids with signed chains; --json gives members and signs."""
    code, out, _ = run(capsys, "loops")
    assert code == 0 and "R1  reinforcing  substance use as external regulation -(+)-> temporary relief" in out
    assert "B1  balancing" in out and "Not medical advice" in out
    rows = json.loads(run(capsys, "loops", "--json")[1])
    assert {r["id"] for r in rows} >= {"R1", "B1"} and all(len(r["members"]) == len(r["signs"]) for r in rows)
    assert run(capsys, "loops", "--max-length", "1")[1].startswith("no feedback loop")


def test_whatif(capsys: pytest.CaptureFixture[str]) -> None:
    """`whatif CONCEPT up|down` reports directions, ambiguity and feedback."""
    code, out, _ = run(capsys, "whatif", "self-medication", "up")
    assert code == 0 and out.startswith("If substance use as external regulation goes up")
    assert "temporary relief" in out and "ambiguous" in out and "feedback" in out
    data = json.loads(run(capsys, "whatif", "temporary relief", "down", "--json")[1])
    directions = {e["concept"]: e["direction"] for e in data["effects"]}
    # less relief: distress rises directly (relief lowers it) but falls through less use: ambiguous
    assert directions["emotional distress"] == "ambiguous" and data["nudge"] == "down"
    assert set(directions.values()) <= {"up", "down", "ambiguous"}
    code, _, err = run(capsys, "whatif", "nothing like it", "up")
    assert code == 3 and "unknown concept" in err


def test_interventions_ranking(capsys: pytest.CaptureFixture[str]) -> None:
    """`interventions` ranks them and says which loops each weakens."""
    code, out, _ = run(capsys, "interventions")
    assert code == 0 and " 1. " in out and "weakens R1" in out and "Not medical advice" in out
    rows = json.loads(run(capsys, "interventions", "--json")[1])
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert any(r["lowers_relapse_risk"] for r in rows)


def test_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The top-level help lists the educators' commands."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("map", "export", "loops", "whatif", "interventions"):
        assert command in out


EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "extension" / "extension.ttl")


def test_map_of_an_extended_graph_says_what_is_yours(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`map --extension` counts the user's links and works, and the disclaimer counts the user's claims."""
    out = tmp_path / "mine.html"
    code, stdout, stderr = run(capsys, "map", "-o", str(out), "--extension", EXAMPLE)
    assert code == 0 and "7 links rest on your extension (7 claims citing 5 works)" in stdout
    assert "plus 7 claims from your extension(s)" in stderr
    assert "https://doi.org/10.5555/attachgraph.example.0003" in out.read_text(encoding="utf-8")
    code, stdout, stderr = run(capsys, "map", "-o", str(out))
    assert code == 0 and "rest on your extension" not in stdout and "what one narrative article claims" in stderr


def test_min_grade_option(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--min-grade takes a rank or a name, narrows map and export, and refuses what it cannot draw (exit 3)."""
    out = tmp_path / "strong.html"
    code, stdout, _ = run(capsys, "map", "-o", str(out), "--extension", EXAMPLE, "--min-grade", "cohort study", "--interventions")
    assert code == 0 and "(evidence of at least cohort or case-control study); 5 concepts, 4 links" in stdout
    code, stdout, _ = run(capsys, "map", "-o", str(out), "--extension", EXAMPLE, "--min-grade", "5", "--interventions")
    assert code == 0 and "5 concepts, 4 links" in stdout
    code, stdout, stderr = run(capsys, "export", "-f", "mermaid", "--extension", EXAMPLE, "--min-grade", "RCT", "--interventions")
    assert code == 0 and stdout.count("[3]") == 3  # two links and the works comment
    code, _, err = run(capsys, "map", "-o", str(tmp_path / "none.html"), "--min-grade", "5")
    assert code == 3 and "lower --min-grade" in err and "Traceback" not in err
    code, _, err = run(capsys, "map", "-o", str(tmp_path / "none.html"), "--min-grade", "very strong")
    assert code == 3 and "unknown evidence grade" in err and "5 cohort or case-control study" in err
    assert not (tmp_path / "none.html").exists()
    with pytest.raises(SystemExit):
        main(["map", "--help"])
    assert "--min-grade N|NAME" in capsys.readouterr().out


def test_analysis_commands_count_the_users_claims(capsys: pytest.CaptureFixture[str]) -> None:
    """loops, whatif and interventions on an extended graph say that it holds the user's claims too."""
    for args in (("loops",), ("whatif", "sleep disruption", "up"), ("interventions",)):
        code, out, _ = run(capsys, *args, "--extension", EXAMPLE)
        assert code == 0 and "plus 7 claims from your extension(s)" in out, args
        assert "plus" not in run(capsys, *args if args[0] != "whatif" else ("whatif", "shame", "up"))[1]
