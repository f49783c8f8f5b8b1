"""Validation: SHACL shapes, the quality checks in ``queries/qc/``, canonical form and coverage.

``check(kg)`` runs them all and returns a :class:`CheckReport`; ``attachgraph check`` prints it
and exits non-zero on any problem. Each quality check is a SPARQL query that must return no
rows; adding a file to ``ontology/queries/qc/`` adds a check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .namespaces import compact
from .queries import list_queries
from .resources import ontology_path, shapes_path

if TYPE_CHECKING:
    import rdflib

    from .coverage import CoverageReport
    from .graph import KnowledgeGraph

__all__ = ["CheckReport", "Problem", "check", "quality_problems", "shacl_problems"]


@dataclass(frozen=True)
class Problem:
    """One defect: which check found it, on which term, and what to do."""

    check: str
    term: str | None
    message: str

    def __str__(self) -> str:
        where = f"{compact(self.term)}: " if self.term else ""
        return f"[{self.check}] {where}{self.message}"


@dataclass
class CheckReport:
    """The outcome of :func:`check`: the checks that ran and every problem found."""

    checks: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    coverage: CoverageReport | None = None

    @property
    def ok(self) -> bool:
        """True when no check found a problem."""
        return not self.problems


def shacl_problems(kg: KnowledgeGraph, shapes: Path | None = None) -> list[Problem]:
    """Validate ``kg`` against the SHACL shapes (pySHACL, advanced mode) and list the violations."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    shapes_graph = Graph().parse(str(shapes or shapes_path()), format="turtle")
    conforms, results, _ = pyshacl.validate(
        kg.graph, shacl_graph=shapes_graph, advanced=True, inference="none", allow_warnings=False
    )
    if conforms:
        return []
    problems = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        if _is_blank(shape):  # an inline property shape: name the node shape that holds it
            shape = shapes_graph.value(predicate=SH.property, object=shape) or shape
        detail = str(message) if message is not None else "violates a shape"
        if path is not None and not _is_blank(path):
            detail = f"{compact(str(path))}: {detail}"
        problems.append(Problem(f"shacl {compact(str(shape))}" if not _is_blank(shape) else "shacl", str(focus), detail))
    return sorted(problems, key=lambda p: (p.check, p.term or "", p.message))


def _is_blank(node: rdflib.term.Node | None) -> bool:
    from rdflib import BNode

    return isinstance(node, BNode)


def quality_problems(kg: KnowledgeGraph) -> list[Problem]:
    """Run every quality check in ``queries/qc/`` and list the rows they return."""
    problems = []
    for query in list_queries():
        if not query.name.startswith("qc/"):
            continue
        result = kg.select(query.text, source=f"query {query.name!r}")
        for term, message in result.rows:
            problems.append(Problem(query.name, str(term) if term else None, str(message)))
    return problems


def canonical_problems(paths: Sequence[Path]) -> list[Problem]:
    """List the Turtle files among ``paths`` that are not in canonical form."""
    from .canonical import format_file

    return [
        Problem("canonical", None, f"{path} is not in canonical form; run `attachgraph fmt {path}`")
        for path in paths
        if not format_file(path, check=True)
    ]


def check(kg: KnowledgeGraph, *, source: Path | str | None = None) -> CheckReport:
    """Run SHACL, quality, canonical-form and (given the source article) coverage checks.

    Parameters
    ----------
    kg
        The graph to check, with any extensions it was loaded with.
    source
        Path of the source article text; without it, coverage is not measured.
    """
    report = CheckReport()
    report.checks.append("canonical form of the ontology and shapes")
    report.problems += canonical_problems([ontology_path(), shapes_path()])
    report.checks.append("SHACL shapes")
    report.problems += shacl_problems(kg)
    report.checks.append("quality checks (" + ", ".join(q.name.removeprefix("qc/") for q in list_queries() if q.name.startswith("qc/")) + ")")
    report.problems += quality_problems(kg)
    if source is not None:
        from .coverage import coverage

        report.checks.append("coverage of the source article")
        report.coverage = coverage(kg, source)
        for number in report.coverage.uncited:
            report.problems.append(Problem("coverage", None, f"para {number} is substantive but nothing cites it"))
        for term, locator, reason in report.coverage.bad_locators:
            report.problems.append(Problem("coverage", term, f"{locator}: {reason}"))
    return report
