"""The knowledge graph object: load the bundled ontology (plus extensions) and look things up."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .engines import DEFAULT_ENGINE, Engine, Node, SelectResult, open_engine
from .errors import UnknownConceptError
from .namespaces import AG, expand
from .queries import get_query
from .resources import ontology_path

if TYPE_CHECKING:
    import rdflib

__all__ = ["Claim", "Concept", "KnowledgeGraph", "load", "normalize_name"]


def normalize_name(text: str) -> str:
    """Fold case, accents, hyphens and spacing so that names compare as a reader would.

    Examples
    --------
    >>> normalize_name("  HPA-Axis  Dysregulation ")
    'hpa axis dysregulation'
    >>> normalize_name("Émotional_dysregulation")
    'emotional dysregulation'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    for ch in "-_–—/":
        plain = plain.replace(ch, " ")
    return " ".join(plain.split())


@dataclass(frozen=True)
class Concept:
    """A concept of the graph with what a reader needs to understand it."""

    iri: str
    label: str
    category: str
    definition: str | None
    informal_definition: str | None

    @property
    def curie(self) -> str:
        """The concept's compact name, e.g. ``ag:AttachmentTrauma``."""
        return "ag:" + self.iri.removeprefix(AG) if self.iri.startswith(AG) else self.iri


@dataclass(frozen=True)
class Claim:
    """A signed causal claim: ``cause`` influences ``effect`` with ``sign`` +1 or -1."""

    iri: str
    cause: str
    cause_label: str
    effect: str
    effect_label: str
    sign: int
    mechanism: str
    phase: str
    grade: str
    locators: tuple[str, ...]
    paraphrase: str


class KnowledgeGraph:
    """The attachgraph knowledge graph: the bundled ontology plus any extension files.

    Create it with :func:`load`. Queries run on the chosen engine; :attr:`graph` gives the same
    data as an ``rdflib.Graph`` for anything rdflib can do.
    """

    def __init__(self, sources: Sequence[Path], engine: str = DEFAULT_ENGINE) -> None:
        self.sources: tuple[Path, ...] = tuple(Path(s) for s in sources)
        self.engine_name = engine
        self._engine: Engine | None = None

    def __repr__(self) -> str:
        extra = f", {len(self.sources) - 1} extension(s)" if len(self.sources) > 1 else ""
        return f"<KnowledgeGraph engine={self.engine_name!r}{extra}>"

    # --- engines -----------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The loaded SPARQL engine (created on first use)."""
        if self._engine is None:
            self._engine = open_engine(self.engine_name, self.sources)
        return self._engine

    @cached_property
    def graph(self) -> rdflib.Graph:
        """The graph as an ``rdflib.Graph`` (shared with the engine when it is rdflib-based)."""
        from .engines import RdflibEngine

        if isinstance(self.engine, RdflibEngine):
            return self.engine.graph
        rdf_engine = open_engine("rdflib", self.sources)
        assert isinstance(rdf_engine, RdflibEngine)
        return rdf_engine.graph

    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None, *, source: str = "query") -> SelectResult:
        """Run SPARQL text on the engine and return raw rows (see :meth:`query` for the friendly form)."""
        return self.engine.select(sparql, bindings, source=source)

    def _named_rows(self, name: str, bindings: Mapping[str, Node] | None = None) -> list[dict[str, Node | None]]:
        query = get_query(name)
        result = self.select(query.text, bindings, source=f"query {name!r}")
        return [dict(zip(result.variables, row)) for row in result.rows]

    def __len__(self) -> int:
        """The number of triples."""
        return len(self.engine)

    # --- concepts ----------------------------------------------------------
    @cached_property
    def _concepts(self) -> dict[str, Concept]:
        concepts = {}
        for row in self._named_rows("concepts"):
            iri = str(row["concept"])
            concepts[iri] = Concept(
                iri=iri,
                label=str(row["label"]),
                category=str(row["categoryLabel"]),
                definition=str(row["definition"]) if row["definition"] else None,
                informal_definition=str(row["informalDefinition"]) if row["informalDefinition"] else None,
            )
        return concepts

    @cached_property
    def _names(self) -> dict[str, set[str]]:
        """Normalized label or synonym -> IRIs of the concepts it names."""
        names: dict[str, set[str]] = {}
        for row in self._named_rows("names"):
            names.setdefault(normalize_name(str(row["name"])), set()).add(str(row["concept"]))
        return names

    def concepts(self) -> list[Concept]:
        """Return every concept (not deprecated), sorted by label."""
        return sorted(self._concepts.values(), key=lambda c: c.label)

    def resolve(self, name: str) -> str:
        """Return the IRI of the concept named ``name`` (label, synonym, CURIE or IRI).

        Raises
        ------
        UnknownConceptError
            When nothing matches; the error lists the closest labels.

        Examples
        --------
        >>> kg = load()
        >>> kg.resolve("HPA axis dysregulation")
        'https://w3id.org/attachgraph/HPAAxisDysregulation'
        >>> kg.resolve("ag:AttachmentTrauma")
        'https://w3id.org/attachgraph/AttachmentTrauma'
        """
        iri = expand(name.strip())
        if iri in self._concepts:
            return iri
        if AG + name.strip() in self._concepts:
            return AG + name.strip()
        matches = self._names.get(normalize_name(name), set())
        labelled = [m for m in matches if normalize_name(self._concepts[m].label) == normalize_name(name)]
        if len(labelled) == 1 or len(matches) == 1:
            return (labelled or sorted(matches))[0]
        if matches:
            options = sorted(self._concepts[m].label for m in matches)
            raise UnknownConceptError(name, options)
        raise UnknownConceptError(name, self.suggest(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` labels of concepts whose names are closest to ``name``."""
        from difflib import get_close_matches

        target = normalize_name(name)
        close = get_close_matches(target, list(self._names), n=n * 3, cutoff=0.45)
        if not close:  # fall back to substring matches, useful for short fragments
            close = [k for k in self._names if target and target in k]
        labels: list[str] = []
        for key in close:
            for iri in sorted(self._names[key]):
                label = self._concepts[iri].label
                if label not in labels:
                    labels.append(label)
        return labels[:n]

    def concept(self, name: str) -> Concept:
        """Return the concept named ``name`` (label, synonym, CURIE or IRI)."""
        return self._concepts[self.resolve(name)]

    # --- claims ------------------------------------------------------------
    def claims(self) -> list[Claim]:
        """Return every causal claim, in IRI order."""
        claims = []
        for row in self._named_rows("claims"):
            claims.append(
                Claim(
                    iri=str(row["claim"]),
                    cause=str(row["cause"]),
                    cause_label=str(row["causeLabel"]),
                    effect=str(row["effect"]),
                    effect_label=str(row["effectLabel"]),
                    sign=int(str(row["sign"])),
                    mechanism=str(row["mechanismLabel"]),
                    phase=str(row["phaseLabel"]),
                    grade=str(row["gradeLabel"]),
                    locators=tuple(sorted(str(row["locators"]).split(", "), key=_locator_key)),
                    paraphrase=str(row["paraphrase"]),
                )
            )
        return claims


def _locator_key(locator: str) -> tuple[int, str]:
    number = locator.removeprefix("para ").strip()
    return (int(number), locator) if number.isdigit() else (10**6, locator)


def load(extensions: Iterable[str | Path] = (), *, engine: str = DEFAULT_ENGINE) -> KnowledgeGraph:
    """Load the bundled attachgraph ontology, plus any extension files, into a knowledge graph.

    Parameters
    ----------
    extensions
        Paths of RDF files (Turtle, N-Triples, RDF/XML, JSON-LD) to add to the bundled graph,
        for example files written by ``attachgraph extend``.
    engine
        ``"oxigraph"`` (default, fastest), ``"oxrdflib"`` or ``"rdflib"``.

    Examples
    --------
    >>> kg = load()
    >>> kg.concept("attachment trauma").category
    'developmental vulnerability'
    """
    sources = [ontology_path(), *(Path(e) for e in extensions)]
    for source in sources:
        if not source.is_file():
            from .errors import OntologyFileError

            raise OntologyFileError(f"{source}: no such file; check the path of the extension")
    return KnowledgeGraph(sources, engine=engine)
