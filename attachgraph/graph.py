"""The knowledge graph object: load the bundled ontology (plus extensions) and look things up."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .engines import DEFAULT_ENGINE, Engine, Node, SelectResult, open_engine
from .errors import QuerySyntaxError, UnknownConceptError
from .namespaces import AG, expand
from .queries import NamedQuery, bind_params, get_query, inject_values, resolve_query
from .resources import ontology_path

if TYPE_CHECKING:
    import owlready2
    import rdflib

    from .reason import ReasonerReport
    from .results import Result

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

    def __init__(
        self,
        sources: Sequence[Path],
        engine: str = DEFAULT_ENGINE,
        *,
        endpoint: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.sources: tuple[Path, ...] = tuple(Path(s) for s in sources)
        self.engine_name = "endpoint" if endpoint else engine
        self.endpoint = endpoint
        self.timeout = timeout
        self._engine: Engine | None = None

    def __repr__(self) -> str:
        if self.endpoint:
            return f"<KnowledgeGraph endpoint={self.endpoint!r}>"
        extra = f", {len(self.sources) - 1} extension(s)" if len(self.sources) > 1 else ""
        return f"<KnowledgeGraph engine={self.engine_name!r}{extra}>"

    # --- engines -----------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The loaded SPARQL engine (created on first use), or the remote endpoint's client."""
        if self._engine is None:
            if self.endpoint:
                from .endpoint import EndpointEngine

                options = {"timeout": self.timeout} if self.timeout else {}
                self._engine = EndpointEngine(self.endpoint, **options)
            else:
                self._engine = open_engine(self.engine_name, self.sources)
        return self._engine

    @cached_property
    def graph(self) -> rdflib.Graph:
        """The graph as an ``rdflib.Graph`` (shared with the engine when it is rdflib-based)."""
        from .engines import RdflibEngine

        if isinstance(self.engine, RdflibEngine):
            return self.engine.graph
        if self.endpoint:
            from .endpoint import EndpointEngine

            assert isinstance(self.engine, EndpointEngine)
            return self.engine.fetch_graph()
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
            if str(row["concept"]) in self._concepts:  # top categories are named but are not concepts
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
        # names containing the text first (a fragment such as "HPA" or "cortisol"), shortest
        # first; then names that are spelt alike
        close = sorted((k for k in self._names if target and target in k), key=lambda k: (len(k), k))
        close += get_close_matches(target, list(self._names), n=n * 3, cutoff=0.45)
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


    # --- queries -----------------------------------------------------------
    def query(self, query: str | Path | NamedQuery, /, **params: object) -> Result:
        """Run a named query, a ``.rq`` file or SPARQL text, with its parameters bound safely.

        Parameters
        ----------
        query
            A library name (see ``attachgraph queries``), a path to a ``.rq`` file, or SPARQL text.
        **params
            Values for the parameters the query's header declares. Concept parameters accept a
            label, synonym, CURIE or IRI; defaults fill in what is not given.

        Returns
        -------
        Result
            The rows, with a label column next to each IRI column the query does not label.

        Raises
        ------
        UnknownQueryError
            For an unknown name (the closest names are suggested) or a missing file.
        QueryParameterError
            For a missing, unknown or ill-typed parameter.
        QuerySyntaxError
            For malformed SPARQL, with the query's name, line and column.
        UnknownConceptError
            When a concept parameter names no concept (the closest labels are suggested).

        Examples
        --------
        >>> kg = load()
        >>> result = kg.query("evidence", cause="HPA axis dysregulation", effect="heightened cortisol response")
        >>> [(row["claim"], row["locator"], row["gradeLabel"]) for row in result]
        [('https://w3id.org/attachgraph/claim-032', 'para 19', 'claim of a narrative source')]
        """
        from .results import Result

        named = resolve_query(query)
        bindings = bind_params(named, params, self.resolve)
        raw = self._run(named, bindings)
        return Result(raw.variables, raw.rows, self._labels(raw), named.name, raw.boolean)

    def _run(self, named: NamedQuery, bindings: Mapping[str, Node]) -> SelectResult:
        # rdflib pre-binds (initBindings), 3-10x faster there than a VALUES join. Oxigraph only
        # substitutes projected variables, and endpoints take text, so they get a VALUES block.
        text = named.text
        if bindings and not self.engine.prebinds:
            text = inject_values(named.text, list(bindings), [list(bindings.values())], source=named.source)
            bindings = {}
        try:
            return self.select(text, bindings, source=named.source)
        except QuerySyntaxError as exc:
            raise _located(exc, named.text, text) from None

    def _labels(self, raw: SelectResult) -> dict[str, str]:
        """Fetch the labels of the IRIs a result mentions, in chunks (query ``labels``)."""
        iris = sorted({n.value for row in raw.rows for n in row if n is not None and n.kind == "uri"})
        best: dict[str, tuple[bool, str]] = {}
        named = get_query("labels")
        for start in range(0, len(iris), 200):
            chunk = [[Node.iri(i)] for i in iris[start : start + 200]]
            text = inject_values(named.text, ["iri"], chunk, source=named.source)
            for iri, label in self.select(text, source=named.source).rows:
                if iri is None or label is None:
                    continue
                # one label per IRI, English first, then the smallest, so every engine agrees
                rank = (label.lang not in (None, "en"), label.value)
                if iri.value not in best or rank < best[iri.value]:
                    best[iri.value] = rank
        return {iri: rank[1] for iri, rank in best.items()}

    # --- helpers for the questions researchers ask most -----------------------
    def paths(self, source: str, target: str, *, max_length: int = 4, via: str | None = None) -> Result:
        """Return the causal paths from ``source`` to ``target`` (query ``paths``).

        Each row is one simple path of at most ``max_length`` claims (1-6), with its length, net
        sign (the product of the claims' signs) and the claims it runs through.

        Examples
        --------
        >>> kg = load()
        >>> hpa = kg.paths("inconsistent caregiving", "substance use as external regulation", via="HPA axis dysregulation")
        >>> [(row["length"], row["sign"]) for row in hpa]
        [(3, 1), (4, 1)]
        """
        return self.query("paths", source=source, target=target, maxLength=max_length, via=via)

    def mediators(self, source: str, target: str, *, max_length: int = 6) -> Result:
        """Return the concepts on causal paths from ``source`` to ``target`` (query ``mediators``)."""
        return self.query("mediators", source=source, target=target, maxLength=max_length)

    def upstream(self, concept: str, *, max_steps: int = 3) -> Result:
        """Return the concepts that influence ``concept`` within ``max_steps`` claims (query ``upstream``)."""
        return self.query("upstream", concept=concept, maxSteps=max_steps)

    def downstream(self, concept: str, *, max_steps: int = 3) -> Result:
        """Return the concepts ``concept`` influences within ``max_steps`` claims (query ``downstream``)."""
        return self.query("downstream", concept=concept, maxSteps=max_steps)

    def interventions_on(self, concept: str, *, max_length: int = 1) -> Result:
        """Return the interventions and levels of care acting on ``concept`` (query ``interventions-on``).

        ``max_length`` 1 keeps direct claims; higher values follow chains of claims.
        """
        return self.query("interventions-on", concept=concept, maxLength=max_length)

    def acts_on(self, intervention: str | None = None) -> Result:
        """Return what an intervention (or every intervention and level of care) acts on, with sign."""
        return self.query("acts-on", intervention=intervention)

    def loops(self, concept: str | None = None, *, max_length: int = 6) -> Result:
        """Return the feedback loops (through ``concept``, if given) and their polarity (query ``loops``)."""
        return self.query("loops", concept=concept, maxLength=max_length)

    def evidence(self, cause: str | None = None, effect: str | None = None) -> Result:
        """Return the claims behind the link ``cause`` -> ``effect`` with locator, paraphrase and grade."""
        return self.query("evidence", cause=cause, effect=effect)

    def describe(self, concept: str) -> Result:
        """Return what the graph says about ``concept``, one fact per row (query ``describe``)."""
        return self.query("describe", concept=concept)

    def search(self, text: str) -> Result:
        """Search labels, synonyms and definitions, ranked; case- and accent-insensitive (query ``search``).

        Examples
        --------
        >>> [row["conceptLabel"] for row in load().search("cortisol")][:1]
        ['heightened cortisol response']
        """
        return self.query("search", text=text)

    # --- OWL ---------------------------------------------------------------
    def reason(self, reasoner: str = "auto", *, java: str | None = None, strict: bool = False) -> ReasonerReport:
        """Reason over the graph: HermiT when Java is present, else an OWL 2 RL closure.

        Nothing is written back into the graph or the ontology file; see :func:`attachgraph.reason.reason`.
        """
        from .reason import reason

        return reason(self, reasoner, java=java, strict=strict)

    def to_owlready(self, *, world: owlready2.World | None = None) -> owlready2.Ontology:
        """Return the graph as an owlready2 ontology in its own World (see :func:`attachgraph.owl.to_owlready`)."""
        from .owl import to_owlready

        return to_owlready(self, world=world)


def _located(exc: QuerySyntaxError, original: str, sent: str) -> QuerySyntaxError:
    """Map an error position in the sent text back to ``original`` and show the line with a caret.

    The VALUES block is inserted on one line, so only columns after it on that line move.
    """
    line, column = exc.line, exc.column
    extra = len(sent) - len(original)
    if extra and line is not None and column is not None:
        from .queries import _outer_group_start

        start = _outer_group_start(original) or 0
        start_line = original.count("\n", 0, start) + 1
        start_column = start - (original.rfind("\n", 0, start) + 1) + 1
        if line == start_line and column > start_column:
            column = max(start_column, column - extra)
    lines = original.splitlines()
    detail = exc.detail
    if line is not None and column is not None and 1 <= line <= len(lines) and "\n" not in detail:
        detail += f"\n    {lines[line - 1]}\n    {' ' * max(column - 1, 0)}^"
    return QuerySyntaxError(exc.source, detail, line, column)


def _locator_key(locator: str) -> tuple[int, str]:
    number = locator.removeprefix("para ").strip()
    return (int(number), locator) if number.isdigit() else (10**6, locator)


def load(
    extensions: Iterable[str | Path] = (),
    *,
    engine: str = DEFAULT_ENGINE,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> KnowledgeGraph:
    """Load the bundled attachgraph ontology, plus any extension files, into a knowledge graph.

    Parameters
    ----------
    extensions
        Paths of RDF files (Turtle, N-Triples, RDF/XML, JSON-LD) to add to the bundled graph,
        for example files written by ``attachgraph extend``.
    engine
        ``"oxigraph"`` (default, fastest), ``"oxrdflib"`` or ``"rdflib"``.
    endpoint
        URL of a SPARQL 1.1 endpoint holding the graph (for example one started by
        ``attachgraph serve``, or a store the release was pushed to). Queries then run there;
        nothing is loaded locally, and ``extensions`` must be empty.
    timeout
        Seconds to wait for an endpoint's answer (default 60); connecting gives up after 5.

    Examples
    --------
    >>> kg = load()
    >>> kg.concept("attachment trauma").category
    'developmental vulnerability'
    """
    if endpoint:
        extensions = list(extensions)
        if extensions:
            from .errors import QueryParameterError

            raise QueryParameterError("extensions cannot be added to a remote endpoint; push them to the store instead")
        return KnowledgeGraph((), endpoint=endpoint, timeout=timeout)
    sources = [ontology_path(), *(Path(e) for e in extensions)]
    for source in sources:
        if not source.is_file():
            from .errors import OntologyFileError

            raise OntologyFileError(f"{source}: no such file; check the path of the extension")
    return KnowledgeGraph(sources, engine=engine)
