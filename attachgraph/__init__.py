"""attachgraph: an open knowledge graph and OWL ontology of attachment trauma in addiction.

The public API is what ``__all__`` lists; everything else is private. Heavy libraries
(rdflib, pyoxigraph, networkx, pyvis, owlready2, pyshacl) load only when a feature needs them.

Not medical advice: the graph records what one narrative article claims, for research and
teaching.

Examples
--------
>>> import attachgraph
>>> kg = attachgraph.load()
>>> kg.concept("HPA axis dysregulation").label
'HPA-axis dysregulation'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .errors import (
        AttachgraphError,
        EndpointError,
        ExtensionError,
        MapError,
        MissingDependencyError,
        OntologyFileError,
        QueryParameterError,
        QuerySyntaxError,
        ReasonerError,
        UnknownConceptError,
        UnknownQueryError,
        ValidationError,
    )
    from .graph import Claim, Concept, KnowledgeGraph, load
    from .results import Result

# name -> module that defines it; resolved on first access so `import attachgraph` stays cheap
_LAZY = {
    "AttachgraphError": "errors",
    "Claim": "graph",
    "Concept": "graph",
    "EndpointError": "errors",
    "ExtensionError": "errors",
    "KnowledgeGraph": "graph",
    "MapError": "errors",
    "MissingDependencyError": "errors",
    "OntologyFileError": "errors",
    "QueryParameterError": "errors",
    "QuerySyntaxError": "errors",
    "ReasonerError": "errors",
    "Result": "results",
    "UnknownConceptError": "errors",
    "UnknownQueryError": "errors",
    "ValidationError": "errors",
    "load": "graph",
}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'attachgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
