"""Where the bundled data files live: the one module that knows.

In an installed wheel the ``ontology/`` folder of the repository ships as
``attachgraph/_data/``; in a source checkout or editable install it is read from the
repository itself. Callers get real filesystem paths.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["data_dir", "mappings_path", "ontology_path", "queries_dir", "shapes_path"]


@cache
def data_dir() -> Path:
    """Return the folder holding the ontology, shapes, queries and mappings."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_data", package.parent / "ontology"):
        if (candidate / "attachgraph.ttl").is_file():
            return candidate
    raise FileNotFoundError(
        f"attachgraph's data files are missing (looked in {package / '_data'} and {package.parent / 'ontology'}); "
        "reinstall the package"
    )


def ontology_path() -> Path:
    """Return the path of the bundled ontology, ``attachgraph.ttl``."""
    return data_dir() / "attachgraph.ttl"


def shapes_path() -> Path:
    """Return the path of the SHACL shapes, ``shapes.ttl``."""
    return data_dir() / "shapes.ttl"


def queries_dir() -> Path:
    """Return the folder of the named SPARQL queries."""
    return data_dir() / "queries"


def mappings_path() -> Path:
    """Return the path of the SSSOM mapping set."""
    return data_dir() / "mappings" / "attachgraph.sssom.tsv"
