"""Source coverage: which paragraphs of the source article the graph cites, and which it misses.

The source article is not shipped with attachgraph; pass its path. Paragraph N is the N-th
non-empty line of the file. A paragraph is *substantive* when it reads as prose: it ends with
a full stop, question or exclamation mark and has at least eight words. Headings and page
furniture ("table of contents") do not, and need no citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OntologyFileError

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["CoverageReport", "coverage", "read_paragraphs", "is_substantive"]

_LOCATOR = re.compile(r"^para ([1-9][0-9]*)$")


def read_paragraphs(path: Path | str) -> list[str]:
    """Return the paragraphs of a text file: its non-empty lines, stripped (index 0 is para 1)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OntologyFileError(f"cannot read the source article at {path}: {exc}") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_substantive(paragraph: str) -> bool:
    """Say whether a paragraph is prose that must be cited (not a heading or page furniture).

    Examples
    --------
    >>> is_substantive("Psychological Mechanisms Behind the Concept")
    False
    >>> is_substantive("A short made-up sentence that has more than eight words in it.")
    True
    """
    return paragraph.rstrip().endswith((".", "?", "!")) and len(paragraph.split()) >= 8


@dataclass
class CoverageReport:
    """Which substantive paragraphs are cited, by which terms; and which locators are wrong."""

    paragraph_count: int
    substantive: list[int]
    cited_by: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    bad_locators: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def uncited(self) -> list[int]:
        """Substantive paragraphs that nothing cites."""
        return [n for n in self.substantive if not self.cited_by.get(n)]

    @property
    def ok(self) -> bool:
        """True when every substantive paragraph is cited and every locator is valid."""
        return not self.uncited and not self.bad_locators

    def summary(self) -> str:
        """One line: ``40 of 40 substantive paragraphs cited``."""
        cited = len(self.substantive) - len(self.uncited)
        return f"{cited} of {len(self.substantive)} substantive paragraphs cited"


def coverage(kg: KnowledgeGraph, source: Path | str) -> CoverageReport:
    """Compare the locators in ``kg`` with the paragraphs of the source article at ``source``."""
    paragraphs = read_paragraphs(source)
    substantive = [n for n, text in enumerate(paragraphs, 1) if is_substantive(text)]
    report = CoverageReport(len(paragraphs), substantive)
    for row in kg._named_rows("cited-paragraphs"):
        locator, term = str(row["locator"]), str(row["term"])
        entry = (term, str(row["termLabel"]), str(row["kind"]))
        match = _LOCATOR.match(locator)
        if not match:
            report.bad_locators.append((term, locator, "write locators as 'para N'"))
            continue
        number = int(match.group(1))
        if number > len(paragraphs):
            report.bad_locators.append((term, locator, f"the source has only {len(paragraphs)} paragraphs"))
        elif number not in substantive:
            report.bad_locators.append((term, locator, "that paragraph is a heading or page furniture, not a claim"))
        else:
            report.cited_by.setdefault(number, []).append(entry)
    return report
