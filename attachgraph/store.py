"""A persistent on-disk store for large merged graphs: build once, open in milliseconds.

Parsing Turtle is the cost that grows with a graph: about 0.7 s for 300k triples and 9 s for
3M with Oxigraph (rdflib's own store: 10 s and over 2 minutes). A store directory holds the
bundled ontology plus a researcher's extension files already indexed by Oxigraph (RocksDB), so
later commands open it read-only in tens of milliseconds at any size and answer the same
queries, with the same rows, as a graph loaded from the files.

A store is a snapshot. Its manifest (``attachgraph-store.json``) records each source file with
its size, modification time and SHA-256; :func:`open_store` refuses a store whose files have changed since, and says
how to rebuild it.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> info = build_store(folder)
>>> info.triples > 1000
True
>>> kg = open_store(folder)
>>> kg.concept("attachment trauma").label
'attachment trauma'
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write_text
from ._version import __version__
from .errors import OntologyFileError
from .resources import ontology_path

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["MANIFEST", "SourceFile", "StoreInfo", "build_store", "open_store", "read_store_info"]

#: Name of the manifest file inside a store directory.
MANIFEST = "attachgraph-store.json"
_DATA = "oxigraph"  # sub-folder holding the RocksDB files
_FORMAT = 1  # manifest format version
_SUFFIXES = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".owl": "RDF_XML", ".rdf": "RDF_XML", ".jsonld": "JSON_LD", ".trig": "TRIG"}


@dataclass(frozen=True)
class SourceFile:
    """One file a store was built from."""

    path: str
    size: int
    sha256: str
    mtime_ns: int = 0


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds, as recorded when it was built."""

    directory: Path
    triples: int
    sources: tuple[SourceFile, ...]
    attachgraph_version: str
    pyoxigraph_version: str
    built: str  # ISO 8601, UTC
    build_seconds: float

    def to_dict(self) -> dict[str, object]:
        """Return the manifest as plain JSON-ready values."""
        return {
            "format": _FORMAT,
            "triples": self.triples,
            "sources": [vars(s) for s in self.sources],
            "attachgraph_version": self.attachgraph_version,
            "pyoxigraph_version": self.pyoxigraph_version,
            "built": self.built,
            "build_seconds": round(self.build_seconds, 3),
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _rdf_format(path: Path):  # noqa: ANN202 - a pyoxigraph.RdfFormat, imported lazily
    import pyoxigraph

    name = _SUFFIXES.get(path.suffix.lower())
    if name is None:
        raise OntologyFileError(f"{path}: unknown RDF file type {path.suffix!r}; use one of {', '.join(sorted(_SUFFIXES))}")
    return getattr(pyoxigraph.RdfFormat, name)


def _sources(extensions: Iterable[str | Path]) -> list[Path]:
    sources = [ontology_path(), *(Path(e) for e in extensions)]
    for source in sources:
        if not source.is_file():
            raise OntologyFileError(f"{source}: no such file; check the path of the extension")
        _rdf_format(source)
    return sources


def build_store(directory: str | Path, extensions: Iterable[str | Path] = (), *, replace: bool = False) -> StoreInfo:
    """Build a persistent store in ``directory`` from the bundled ontology plus ``extensions``.

    The store is built in a temporary folder beside ``directory`` and moved into place when
    complete, so a failed or interrupted build never leaves a half-written store behind.

    Parameters
    ----------
    directory
        Where the store goes. It must not exist yet, unless ``replace`` is true and it holds a
        store (a folder with a manifest) that may be overwritten.
    extensions
        RDF files to merge with the bundled ontology (Turtle, N-Triples, N-Quads, RDF/XML, JSON-LD).
    replace
        Replace an existing store in ``directory``.

    Returns
    -------
    StoreInfo
        The manifest of the new store.

    Raises
    ------
    OntologyFileError
        When a file is missing or does not parse, or ``directory`` is not free to use.
    """
    import pyoxigraph

    directory = Path(directory)
    sources = _sources(extensions)
    if directory.exists():
        if not replace:
            raise OntologyFileError(f"{directory}: already exists; pass --replace to rebuild the store, or choose a new folder")
        if not (directory / MANIFEST).is_file():
            raise OntologyFileError(f"{directory}: exists but is not an attachgraph store (no {MANIFEST}); choose a new folder")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".building", dir=directory.parent))
    try:
        started = time.perf_counter()
        store = pyoxigraph.Store(str(staging / _DATA))
        for source in sources:
            try:
                store.bulk_load(path=str(source), format=_rdf_format(source))
            except (SyntaxError, ValueError) as exc:
                raise OntologyFileError(f"{source}: {exc}") from None
        store.flush()
        store.optimize()
        triples = len(store)
        del store  # closes RocksDB before the folder moves
        info = StoreInfo(
            directory=directory,
            triples=triples,
            sources=tuple(SourceFile(str(s.resolve()), s.stat().st_size, _sha256(s), s.stat().st_mtime_ns) for s in sources),
            attachgraph_version=__version__,
            pyoxigraph_version=pyoxigraph.__version__,
            built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            build_seconds=time.perf_counter() - started,
        )
        atomic_write_text(staging / MANIFEST, json.dumps(info.to_dict(), indent=2) + "\n")
        _publishable(staging)
        _swap_into_place(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return info


def _publishable(folder: Path) -> None:
    """Give the staged store the permissions of a normal folder (temporary files are private)."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    (folder / MANIFEST).chmod(0o666 & ~umask)


def _swap_into_place(staging: Path, directory: Path) -> None:
    """Move the finished store to ``directory``, replacing an old store only once the new one is complete."""
    if not directory.exists():
        os.replace(staging, directory)
        return
    retired = directory.with_name(f".{directory.name}.{os.getpid()}.old")
    os.replace(directory, retired)
    os.replace(staging, directory)
    shutil.rmtree(retired, ignore_errors=True)


def read_store_info(directory: str | Path) -> StoreInfo:
    """Return the manifest of the store in ``directory``.

    Raises
    ------
    OntologyFileError
        When ``directory`` holds no attachgraph store.
    """
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file() or not (directory / _DATA).is_dir():
        raise OntologyFileError(
            f"{directory}: not an attachgraph store (no {MANIFEST}); build one with `attachgraph store build {directory}`"
        )
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return StoreInfo(
            directory=directory,
            triples=int(data["triples"]),
            sources=tuple(SourceFile(s["path"], int(s["size"]), s["sha256"], int(s.get("mtime_ns", 0))) for s in data["sources"]),
            attachgraph_version=str(data["attachgraph_version"]),
            pyoxigraph_version=str(data["pyoxigraph_version"]),
            built=str(data["built"]),
            build_seconds=float(data.get("build_seconds", 0.0)),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise OntologyFileError(f"{manifest}: unreadable store manifest ({exc}); rebuild the store with --replace") from None


def _stale(info: StoreInfo) -> list[str]:
    """Return why the store no longer matches its source files (empty when it does).

    The bundled ontology is compared too: a store built by another attachgraph release holds
    another version of the knowledge. A file whose size and modification time are as recorded
    is taken as unchanged without reading it (hashing 130 MB would cost more than opening the
    store); otherwise its SHA-256 decides, so a touched but identical file still passes.
    """
    problems = []
    recorded = list(info.sources)
    bundled = ontology_path().resolve()
    if recorded and Path(recorded[0].path) != bundled:  # the package moved: compare with the bundled file here
        recorded[0] = SourceFile(str(bundled), recorded[0].size, recorded[0].sha256)
    for source in recorded:
        path = Path(source.path)
        if not path.is_file():
            problems.append(f"{path} is gone")
            continue
        stat = path.stat()
        if stat.st_size != source.size:
            problems.append(f"{path} has changed")
        elif stat.st_mtime_ns != source.mtime_ns and _sha256(path) != source.sha256:
            problems.append(f"{path} has changed")
    return problems


def open_store(directory: str | Path, *, check: bool = True) -> KnowledgeGraph:
    """Open the store in ``directory`` read-only and return it as a knowledge graph.

    Queries run on Oxigraph straight from disk; nothing is parsed. Several processes may open
    the same store at once.

    Parameters
    ----------
    directory
        A folder written by :func:`build_store` (``attachgraph store build``).
    check
        Refuse a store whose source files changed since it was built (default). With false, the
        snapshot is used as it is.

    Raises
    ------
    OntologyFileError
        When ``directory`` holds no store, the store cannot be opened, or (with ``check``) it is stale.
    """
    import pyoxigraph

    from .engines import OxigraphEngine
    from .graph import KnowledgeGraph

    info = read_store_info(directory)
    if check:
        problems = _stale(info)
        if problems:
            extensions = " ".join(f"--extension {s.path}" for s in info.sources[1:])
            raise OntologyFileError(
                f"{info.directory}: the store is out of date ({'; '.join(problems)}); "
                f"rebuild it with `attachgraph store build {info.directory} --replace {extensions}`".rstrip()
            )
    try:
        store = pyoxigraph.Store.read_only(str(Path(directory) / _DATA))
    except OSError as exc:
        raise OntologyFileError(f"{directory}: cannot open the store ({exc}); rebuild it with --replace") from None
    kg = KnowledgeGraph([Path(s.path) for s in info.sources], engine="oxigraph")
    kg._engine = OxigraphEngine(store)  # the graph's engine, already loaded: nothing to parse
    return kg
