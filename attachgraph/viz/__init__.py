"""Causal maps and static exports of the signed causal graph.

Heavy libraries (networkx, pyvis, jinja2) load only when a function runs.

* :func:`draw_causal_map` / :func:`render_causal_map` -- the interactive, offline HTML map;
* :func:`export_map` -- SVG, PNG, Mermaid, DOT, GraphML, GEXF or Cytoscape JSON (the
  function ``export`` of :mod:`attachgraph.viz.export`).

Examples
--------
>>> import attachgraph
>>> from attachgraph.network import to_networkx
>>> from attachgraph.viz import draw_causal_map
>>> draw_causal_map(to_networkx(attachgraph.load()), view="cycle")
<CausalMap 'The reinforcing cycle around substance use': 6 concepts, 9 links, 4 loops>
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["EXPORT_FORMATS", "CausalMap", "draw_causal_map", "export_map", "render_causal_map"]

_LAZY = {
    "CausalMap": "causal_map",
    "draw_causal_map": "causal_map",
    "render_causal_map": "causal_map",
    "EXPORT_FORMATS": "export",
    "export_map": "export",
}
_RENAMED = {"export_map": "export"}  # the package attribute "export" is the submodule


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), _RENAMED.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'attachgraph.viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
