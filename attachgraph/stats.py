"""Summary figures of a knowledge graph, for `attachgraph info` and the docs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["graph_info"]


def graph_info(kg: KnowledgeGraph) -> dict[str, object]:
    """Return version, engine, sources and counts of ``kg`` as an ordered dict of plain values."""
    row = kg._named_rows("counts")[0]
    counts = {key: int(str(value)) for key, value in row.items() if value is not None}
    locators = kg._named_rows("cited-paragraphs")
    return {
        "version": __version__,
        "engine": kg.engine_name,
        "sources": ", ".join(str(s) for s in kg.sources),
        "triples": counts["triples"],
        "concepts": counts["concepts"],
        "causal_claims": counts["claims"],
        "interventions": counts["interventions"],
        "levels_of_care": counts["levelsOfCare"],
        "care_statements": counts["careStatements"],
        "paragraphs_cited": len({str(r["locator"]) for r in locators}),
    }
