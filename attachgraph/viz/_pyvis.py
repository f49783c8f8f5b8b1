"""The only module that imports pyvis.

pyvis builds the node and edge records that vis-network draws; the page itself is rendered by
our own template (:mod:`attachgraph.viz.causal_map`), never by pyvis's, because pyvis's
``local`` and ``remote`` modes fetch vis-network from a CDN (a blank map offline) and its
``in_line`` mode still loads Bootstrap from one. The vis-network script shipped inside the
pyvis wheel is read from disk and inlined into the page instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["VIS_VERSION", "build_vis_data", "vis_assets"]

#: The vis-network version bundled in pyvis 0.3.2, which the template is written against.
VIS_VERSION = "9.1.2"


def _pyvis_root() -> Path:
    try:
        import pyvis
    except ImportError as exc:  # pragma: no cover - pyvis is a hard dependency
        raise MissingDependencyError('the causal map needs pyvis; install it with `pip install "pyvis==0.3.2"`') from exc
    return Path(pyvis.__file__).resolve().parent


def build_vis_data(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> tuple[list[dict], list[dict]]:
    """Build vis-network node and edge records with pyvis.

    ``nodes`` are mappings with ``id``, ``label``, ``shape`` and any vis-network node options;
    ``edges`` have ``from``, ``to`` and any edge options. Records keep the given order (callers
    pass them sorted, so the page is byte-for-byte reproducible).
    """
    try:
        from pyvis.network import Network
    except ImportError as exc:  # pragma: no cover - pyvis is a hard dependency
        raise MissingDependencyError('the causal map needs pyvis; install it with `pip install "pyvis==0.3.2"`') from exc

    net = Network(directed=True, cdn_resources="in_line")  # nothing is written: we never call write_html/show
    for node in nodes:
        options = dict(node)
        node_id, label, shape = options.pop("id"), options.pop("label"), options.pop("shape")
        net.add_node(node_id, label=label, shape=shape, **options)
    for edge in edges:
        options = dict(edge)
        net.add_edge(options.pop("from"), options.pop("to"), **options)
    return [dict(n) for n in net.nodes], [dict(e) for e in net.edges]


@cache
def vis_assets() -> tuple[str, str]:
    """Return the vis-network script and the tooltip style from the pyvis wheel, for inlining."""
    lib = _pyvis_root() / "templates" / "lib" / f"vis-{VIS_VERSION}"
    script_path = lib / "vis-network.min.js"
    if not script_path.is_file():
        raise MissingDependencyError(f"vis-network {VIS_VERSION} was not found in the pyvis package ({script_path}); reinstall pyvis==0.3.2")
    script = script_path.read_text(encoding="utf-8")
    # a literal "</script" or "<!--" inside an inline script would end or confuse it
    script = script.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    # a source-map comment would make browser developer tools ask for a file that is not there
    script = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", script)
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # only the tooltip rules are used; the rest styles widgets (configurator, buttons) we do not show
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    style = "".join(f"{sel}{{{body}}}" for sel, body in rules if "vis-tooltip" in sel)
    return script, style
