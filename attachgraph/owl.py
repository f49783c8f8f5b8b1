"""The knowledge graph as an owlready2 ontology, for Python users who think in OWL classes.

owlready2 cannot read Turtle, so the graph goes through N-Triples written by rdflib. Each call
loads into its own owlready2 ``World``: two calls never share (or clash over) entities, and
nothing is written to disk or to owlready2's default world.

Entities of the ``ag:`` namespace are attributes of the ontology (``onto.AttachmentTrauma``);
names with a hyphen need item access (``onto["claim-001"]``). Annotation values read as lists:
``onto["claim-001"].cause`` is ``[onto.InconsistentCaregiving]``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Union

from .errors import MissingDependencyError, OntologyFileError
from .namespaces import ONTOLOGY_IRI

if TYPE_CHECKING:
    import owlready2
    import rdflib

    from .graph import KnowledgeGraph

__all__ = ["to_owlready"]


def to_owlready(source: Union[KnowledgeGraph, rdflib.Graph], *, world: owlready2.World | None = None) -> owlready2.Ontology:
    """Return the graph as an owlready2 ontology: classes, annotation properties, claims as individuals.

    Parameters
    ----------
    source
        A :class:`~attachgraph.graph.KnowledgeGraph` (its bundled ontology plus extensions) or an
        ``rdflib.Graph``.
    world
        The owlready2 world to load into; by default a new, private one.

    Examples
    --------
    >>> import attachgraph
    >>> onto = to_owlready(attachgraph.load())
    >>> str(onto.HPAAxisDysregulation.label[0])
    'HPA-axis dysregulation'
    >>> onto.NeurobiologicalProcess in onto.HPAAxisDysregulation.ancestors()
    True
    >>> claim = onto["claim-001"]
    >>> [c.name for c in claim.cause], [e.name for e in claim.effect]
    (['InconsistentCaregiving'], ['AttachmentTrauma'])
    """
    try:
        import owlready2
    except ImportError:  # a declared dependency, but a broken install should say what to do
        raise MissingDependencyError("owlready2 is not installed; run `pip install owlready2`") from None
    graph = source if not hasattr(source, "engine") else source.graph  # KnowledgeGraph or rdflib.Graph
    data = graph.serialize(format="nt", encoding="utf-8")
    world = world if world is not None else owlready2.World()
    try:
        return world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(data), format="ntriples")
    except Exception as exc:  # owlready2 raises plain exceptions for unreadable input
        raise OntologyFileError(f"owlready2 could not load the graph: {type(exc).__name__}: {exc}") from None
