"""The one bridge from the knowledge graph to networkx: the signed causal graph.

:func:`to_networkx` turns a :class:`~attachgraph.graph.KnowledgeGraph` into a
``networkx.DiGraph`` that :mod:`attachgraph.analysis` and :mod:`attachgraph.viz` work on. No
other module converts between the two, and nothing here needs rdflib: the concepts and claims
come from the knowledge graph's named queries.

Nodes are concept IRIs, with the attributes ``label``, ``category``, ``definition``,
``informal_definition``, ``synonyms`` (a sorted list), ``iri``, ``curie`` and ``stage``
(see :data:`STAGES`). Edges are the causal claims, with ``sign`` (+1 or -1), ``claim`` (the
claim IRI), ``mechanism``, ``phase``, ``grade``, ``grade_rank``, ``locators`` (a list),
``paraphrase``, ``source`` (a readable source name), ``doi`` (the source's DOI as
``https://doi.org/...``, or ``""``), ``claims`` (every claim IRI on the pair), ``contested``,
``extension`` (True when a claim on the pair comes from a user's extension, see below),
``source_keys`` (the citation numbers of those extension sources) and ``evidence`` (one record
per claim on the pair, strongest first: claim, sign, grade, grade_rank, locators, source, doi,
extension).

**Bundled or yours.** A claim belongs to the bundled article when its source is a source
document of attachgraph's own namespace (``ag:source-article``); every other claim, such as each
one ``attachgraph extend`` writes, is an *extension* claim. The graph attribute ``sources`` lists
the extension sources that claims cite, each with a citation number ``key`` (1, 2, ... in order
of their citation text), ``title``, ``short`` (author and year, for legends), ``doi`` and
``iri``; the map and the exports mark extension links with those numbers. The graph attribute
``evidence_scale`` is the ontology's scale of evidence grades (rank, label, definition, IRI),
weakest first.

**Several claims on one pair.** A ``DiGraph`` holds one edge per ordered pair. When several
claims link the same cause to the same effect, the edge carries the attributes of the claim
with the strongest evidence grade (highest ``grade_rank``; then the first claim IRI), its
``locators`` are the union of all the claims' locators, ``claims`` lists every claim IRI, and
``contested`` is True when their signs disagree. The bundled graph has at most one claim per
pair; user extensions may add more.

The graph attribute ``care`` lists the care statements (what a level of care includes, what
indicates it), which are not causal claims and so are not edges.

Not medical advice: the graph records what one narrative article claims, for research and
teaching.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .namespaces import AG

if TYPE_CHECKING:
    import networkx as nx

    from .graph import KnowledgeGraph

__all__ = ["CATEGORY_STAGE", "STAGES", "extension_summary", "stage_of", "summary", "to_networkx"]

#: The stages of the causal story, in left-to-right order on the map.
STAGES: tuple[str, ...] = ("early caregiving", "neurobiology", "psychology", "behaviour", "recovery", "treatment")

#: Where each top category of the ontology sits in the causal story. A category that is not
#: listed (for example one from a user's extension) goes to "psychology", the middle of the map.
CATEGORY_STAGE: dict[str, str] = {
    "early relational experience": "early caregiving",
    "developmental vulnerability": "early caregiving",
    "neurobiological process": "neurobiology",
    "psychological process or capacity": "psychology",
    "cognitive structure": "psychology",
    "affective state": "psychology",
    "relational pattern": "psychology",
    "behaviour": "behaviour",
    "clinical outcome": "behaviour",
    "recovery challenge": "recovery",
    "clinical indicator": "recovery",
    "therapeutic process": "treatment",
    "intervention": "treatment",
    "level of care": "treatment",
}

_DEFAULT_STAGE = "psychology"
_LATE_PHASES = frozenset({"recovery", "treatment"})


def stage_of(category: str, incoming_phases: list[str] | tuple[str, ...] = ()) -> str:
    """Return the stage of a concept from its top category and the phases of its causes.

    The category decides (:data:`CATEGORY_STAGE`), with one refinement from the claims: a
    concept of the psychology or behaviour stage goes to "recovery" when most claims that lead
    to it are recovery-phase claims (reactivated attachment anxiety), and a clinical outcome
    does when most are recovery- or treatment-phase claims (relapse risk, recovery outcome).

    Examples
    --------
    >>> stage_of("neurobiological process")
    'neurobiology'
    >>> stage_of("clinical outcome", ["recovery", "recovery", "treatment", "active use"])
    'recovery'
    >>> stage_of("affective state", ["recovery"])
    'recovery'
    >>> stage_of("affective state", ["treatment"])
    'psychology'
    >>> stage_of("a category of my own")
    'psychology'
    """
    stage = CATEGORY_STAGE.get(category, _DEFAULT_STAGE)
    if stage in ("psychology", "behaviour") and incoming_phases:
        late_phases = _LATE_PHASES if category == "clinical outcome" else {"recovery"}
        late = sum(1 for phase in incoming_phases if phase in late_phases)
        if late * 2 > len(incoming_phases):
            stage = "recovery"
    return stage


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _synonyms(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Concept IRI -> its synonyms (every name that is not its label), sorted."""
    found: dict[str, set[str]] = {}
    for row in kg._named_rows("names"):
        if str(row["kind"]) != "label":
            found.setdefault(str(row["concept"]), set()).add(str(row["name"]))
    return {iri: sorted(names, key=str.casefold) for iri, names in found.items()}


def _is_bundled(iri: str) -> bool:
    return iri.startswith(AG)


def _provenance(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Claim IRI -> grade rank, readable source names, source IRIs, DOIs and whether it is bundled."""
    out: dict[str, dict[str, Any]] = {}
    for row in kg._named_rows("graph/claim-provenance"):
        claim = str(row["claim"])
        rank = row["gradeRank"]
        source = row["citation"] or row["sourceTitle"] or row["sourceLabel"] or row["source"]
        entry = out.setdefault(
            claim, {"grade_rank": int(str(rank)) if rank is not None else 0, "sources": [], "source_iris": [], "dois": [], "titles": {}}
        )
        if source is not None and str(source) not in entry["sources"]:
            entry["sources"].append(str(source))
        doi = _doi_text(row["doi"])
        if row["source"] is not None and str(row["source"]) not in entry["source_iris"]:
            entry["source_iris"].append(str(row["source"]))
            entry["titles"][str(row["source"])] = (str(source), doi)
        if doi and doi not in entry["dois"]:
            entry["dois"].append(doi)
    for claim, entry in out.items():
        # a claim with no source is judged by its own IRI
        entry["extension"] = not any(_is_bundled(s) for s in entry["source_iris"] or [claim])
    return out


def _doi_text(value: object) -> str:
    """A DOI as the https://doi.org/... text readers can copy ("" for none)."""
    if value is None:
        return ""
    text = str(value).strip()
    lowered = text.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if lowered.startswith(prefix):
            return "https://doi.org/" + text[len(prefix) :].strip()
    return "https://doi.org/" + text if text.startswith("10.") else text


def _short_citation(text: str) -> str:
    """Author and year of a citation ("Example A. (2024)"), or its start, for legends."""
    close = text.find(")")
    if 0 < close <= 60 and "(" in text[:close]:
        return text[: close + 1]
    return text if len(text) <= 48 else text[:47].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _extension_sources(provenance: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sources of extension claims, numbered 1, 2, ... in the order of their citation text."""
    found: dict[str, dict[str, Any]] = {}
    for entry in provenance.values():
        if not entry["extension"]:
            continue
        for iri in entry["source_iris"]:
            title, doi = entry["titles"][iri]
            found.setdefault(iri, {"iri": iri, "title": title, "doi": doi})
    ordered = sorted(found.values(), key=lambda r: (r["title"].casefold(), r["iri"]))
    return [{**r, "key": i, "short": _short_citation(r["title"])} for i, r in enumerate(ordered, start=1)]


def _evidence_scale(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    scale: dict[int, dict[str, Any]] = {}
    for row in kg._named_rows("graph/evidence-scale"):
        rank = int(str(row["rank"]))
        label = _text(row["label"]) or str(row["grade"]).rsplit("/", 1)[-1]
        scale.setdefault(rank, {"rank": rank, "label": label, "definition": _text(row["definition"]) or "", "iri": str(row["grade"])})
    return [scale[r] for r in sorted(scale)]


def _care(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    rows = []
    for row in kg._named_rows("graph/care-statements"):
        rows.append(
            {
                "statement": str(row["statement"]),
                "level": str(row["level"]),
                "level_label": str(row["levelLabel"]),
                "relation": str(row["relation"]).rsplit("/", 1)[-1],
                "relation_label": _text(row["relationLabel"]) or str(row["relation"]).rsplit("/", 1)[-1],
                "target": str(row["target"]),
                "target_label": str(row["targetLabel"]),
                "locators": [loc for loc in str(row["locators"] or "").split(", ") if loc],
                "paraphrase": _text(row["paraphrase"]) or "",
                "grade_rank": int(str(row["gradeRank"])) if row["gradeRank"] is not None else 0,
            }
        )
    return rows


def _edge_attrs(claims: list[Any], provenance: dict[str, dict[str, Any]], keys: dict[str, int]) -> dict[str, Any]:
    """Merge the claims on one (cause, effect) pair into the attributes of one edge."""
    unknown: dict[str, Any] = {"grade_rank": 0, "sources": [], "source_iris": [], "dois": [], "extension": False}

    def strength(claim: Any) -> tuple[int, str]:
        return (-provenance.get(claim.iri, unknown)["grade_rank"], claim.iri)

    ordered = sorted(claims, key=strength)
    best = ordered[0]
    locators: list[str] = []
    for claim in ordered:
        locators.extend(loc for loc in claim.locators if loc not in locators)
    prov = provenance.get(best.iri, unknown)
    evidence = []
    for claim in ordered:
        p = provenance.get(claim.iri, unknown)
        evidence.append(
            {
                "claim": claim.iri,
                "sign": int(claim.sign),
                "grade": claim.grade,
                "grade_rank": p["grade_rank"],
                "locators": list(claim.locators),
                "source": "; ".join(p["sources"]),
                "doi": "; ".join(p["dois"]),
                "extension": bool(p["extension"]),
                "keys": sorted(keys[s] for s in p["source_iris"] if s in keys),
            }
        )
    return {
        "sign": int(best.sign),
        "claim": best.iri,
        "mechanism": best.mechanism,
        "phase": best.phase,
        "grade": best.grade,
        "grade_rank": prov["grade_rank"],
        "locators": locators,
        "paraphrase": best.paraphrase,
        "source": "; ".join(prov["sources"]),
        "doi": "; ".join(prov["dois"]),
        "claims": sorted(c.iri for c in claims),
        "contested": len({c.sign for c in claims}) > 1,
        "extension": any(e["extension"] for e in evidence),
        "source_keys": sorted({k for e in evidence for k in e["keys"]}),
        "evidence": evidence,
    }


def to_networkx(kg: KnowledgeGraph, *, include_isolated: bool = True) -> nx.DiGraph:
    """Return the signed causal graph of ``kg`` as a ``networkx.DiGraph``.

    Parameters
    ----------
    kg
        A knowledge graph from :func:`attachgraph.load` (with any extensions).
    include_isolated
        Keep concepts that take part in no causal claim (for example clinical indicators that
        only care statements mention). Default True.

    Returns
    -------
    networkx.DiGraph
        Nodes are concept IRIs, edges are causal claims; see the module docstring for the
        attributes. Nodes and edges are inserted in IRI order, so the result is the same on
        every run and every engine.

    Examples
    --------
    >>> import attachgraph
    >>> G = to_networkx(attachgraph.load())
    >>> relief = "https://w3id.org/attachgraph/TemporaryRelief"
    >>> distress = "https://w3id.org/attachgraph/EmotionalDistress"
    >>> G.edges[relief, distress]["sign"]
    -1
    >>> G.nodes[relief]["stage"]
    'psychology'
    """
    import networkx as nx

    concepts = {c.iri: c for c in kg.concepts()}
    claims = kg.claims()
    synonyms = _synonyms(kg)
    provenance = _provenance(kg)
    sources = _extension_sources(provenance)
    keys = {s["iri"]: s["key"] for s in sources}

    by_pair: dict[tuple[str, str], list[Any]] = {}
    incoming: dict[str, list[str]] = {}
    for claim in claims:
        by_pair.setdefault((claim.cause, claim.effect), []).append(claim)
        incoming.setdefault(claim.effect, []).append(claim.phase)

    G = nx.DiGraph(
        name="attachgraph causal graph", version=__version__, care=_care(kg), sources=sources, evidence_scale=_evidence_scale(kg)
    )
    linked = {iri for pair in by_pair for iri in pair}
    labels = {c.cause: c.cause_label for c in claims} | {c.effect: c.effect_label for c in claims}
    for iri in sorted(set(concepts) | linked):
        if not include_isolated and iri not in linked:
            continue
        concept = concepts.get(iri)
        category = concept.category if concept else "unclassified"
        G.add_node(
            iri,
            iri=iri,
            curie=concept.curie if concept else iri,
            label=concept.label if concept else labels.get(iri, iri),
            category=category,
            definition=concept.definition if concept else None,
            informal_definition=concept.informal_definition if concept else None,
            synonyms=synonyms.get(iri, []),
            stage=stage_of(category, incoming.get(iri, [])),
            extension=not _is_bundled(iri),
        )
    for (cause, effect), pair_claims in sorted(by_pair.items()):
        G.add_edge(cause, effect, **_edge_attrs(pair_claims, provenance, keys))
    return G


def summary(G: nx.DiGraph) -> dict[str, int]:
    """Return node, edge and sign counts of a causal graph (used by the CLI's messages).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", sign=1); G.add_edge("b", "a", sign=-1)
    >>> summary(G)
    {'nodes': 2, 'edges': 2, 'increases': 1, 'decreases': 1}
    """
    signs = Counter(data.get("sign", 1) for _, _, data in G.edges(data=True))
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "increases": signs[1], "decreases": signs[-1]}


def extension_summary(G: nx.DiGraph) -> dict[str, int]:
    """Count what users' extensions add to a causal graph: claims, links and cited sources.

    ``claims`` counts extension claims, ``links`` the edges that carry at least one, and
    ``sources`` the works they cite (all zero for the bundled graph alone).

    Examples
    --------
    >>> import attachgraph
    >>> extension_summary(to_networkx(attachgraph.load()))
    {'claims': 0, 'links': 0, 'sources': 0}
    """
    claims = sum(1 for _, _, d in G.edges(data=True) for e in d.get("evidence", ()) if e.get("extension"))
    links = sum(1 for _, _, d in G.edges(data=True) if d.get("extension"))
    keys = {k for _, _, d in G.edges(data=True) for k in d.get("source_keys", ())}
    return {"claims": claims, "links": links, "sources": len(keys)}
