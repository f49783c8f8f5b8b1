"""Tests against the source article: coverage of its paragraphs, and that none of its sentences were copied."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from attachgraph.coverage import coverage, is_substantive, read_paragraphs

ROOT = Path(__file__).resolve().parents[1]

# The substantive paragraphs as the source's README lists them.
SUBSTANTIVE = [3, 4, *range(6, 11), 12, *range(14, 17), *range(18, 21), *range(22, 25), *range(26, 29),
               *range(30, 33), *range(34, 39), *range(40, 44), *range(45, 48), *range(49, 52), 53, 54]


def test_substantive_paragraphs_are_recognised(source_path: Path) -> None:
    """Headings and page furniture are told apart from the 40 substantive paragraphs."""
    paragraphs = read_paragraphs(source_path)
    assert len(SUBSTANTIVE) == 40
    assert [n for n, p in enumerate(paragraphs, 1) if is_substantive(p)] == SUBSTANTIVE


def test_every_substantive_paragraph_is_cited(kg, source_path: Path) -> None:
    """Coverage is 40 of 40 and no locator points at a heading or past the end."""
    report = coverage(kg, source_path)
    assert report.uncited == []
    assert report.bad_locators == []
    assert report.summary() == "40 of 40 substantive paragraphs cited"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_no_eight_word_run_of_the_article_appears_in_any_project_file(source_path: Path) -> None:
    """Paraphrase, never copy: no run of 8 consecutive words of the article is in a tracked or new file."""
    words = _words(source_path.read_text(encoding="utf-8"))
    grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    offenders = []
    for name in filter(None, listed):
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".jpg", ".whl", ".gz"}:
            continue
        text = _words(path.read_text(encoding="utf-8", errors="ignore"))
        hits = {" ".join(text[i : i + 8]) for i in range(len(text) - 7) if tuple(text[i : i + 8]) in grams}
        if hits:
            offenders.append(f"{name}: {sorted(hits)[0]!r}")
    assert not offenders, offenders
