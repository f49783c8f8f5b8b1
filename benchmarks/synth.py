"""A deterministic synthetic knowledge graph in the attachgraph schema, for benchmarks.

The generated file is an *extension* of the bundled ontology: loaded together with
``attachgraph.ttl`` it gives a graph of about the requested number of triples whose concepts,
causal claims and care statements have the same shape as the real ones (see
``ontology/README.md``): every concept sits below one top category (sometimes below another
generated concept, so ``rdfs:subClassOf*`` has depth), carries a label, a formal and an informal
definition, synonyms, locators and a source; every claim carries cause, effect, polarity,
mechanism, life phase, evidence grade, locator, paraphrase, source and label, plus its direct
``ag:increases`` / ``ag:decreases`` edge; care statements tie levels of care to concepts.

Generated terms live in their own namespace (``https://example.org/attachgraph-synthetic/``) and
cite their own source, so synthetic data can never be mistaken for knowledge. Claims mostly link
concepts created close together (in both directions, so the causal graph has short loops, as the
real one does) plus a few long-range links and links to bundled concepts. The same target, seed
and bundled ontology always give the same bytes.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "syn.ttl"
>>> info = generate(3_500, out)
>>> info.total_triples >= 3_500
True
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["SIZES", "SYN", "Schema", "Synthetic", "ensure", "generate", "read_schema"]

#: Benchmark sizes: name -> total triples (bundled ontology plus generated extension).
SIZES: dict[str, int] = {"3k": 3_000, "30k": 30_000, "300k": 300_000, "3M": 3_000_000}

#: Namespace of generated terms (never the project namespace).
SYN = "https://example.org/attachgraph-synthetic/"
AG = "https://w3id.org/attachgraph/"
GENERATOR_VERSION = 1  # bump when the output changes, so cached files are rebuilt

_WINDOW = 40  # claims link concepts at most this many positions apart (locality -> short loops)
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fe", "gu", "hi", "ba", "co")

_PREFIXES = """\
@prefix ag: <https://w3id.org/attachgraph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix IAO: <http://purl.obolibrary.org/obo/IAO_> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix syn: <https://example.org/attachgraph-synthetic/> .

"""

_SCHEMA_QUERIES = {
    "categories": """SELECT ?c (COUNT(?x) AS ?n) WHERE { ?c rdfs:subClassOf ag:DomainConcept .
        OPTIONAL { ?x rdfs:subClassOf+ ?c } } GROUP BY ?c ORDER BY ?c""",
    "mechanisms": "SELECT ?x WHERE { ?x a ag:MechanismKind } ORDER BY ?x",
    "phases": "SELECT ?x WHERE { ?x a ag:LifePhase } ORDER BY ?x",
    "grades": "SELECT ?x WHERE { ?x a ag:EvidenceGrade } ORDER BY ?x",
    "levels": "SELECT DISTINCT ?x WHERE { ?x rdfs:subClassOf+ ag:LevelOfCare } ORDER BY ?x",
    "relations": "SELECT DISTINCT ?x WHERE { ?s ag:careRelation ?x } ORDER BY ?x",
    "concepts": """SELECT DISTINCT ?x ?label WHERE { ?x rdfs:subClassOf+ ag:DomainConcept ; rdfs:label ?label .
        FILTER NOT EXISTS { ?x rdfs:subClassOf ag:DomainConcept } } ORDER BY ?x""",
}


@dataclass(frozen=True)
class Schema:
    """What the generator takes from the bundled ontology (IRIs sorted, so output is stable)."""

    categories: tuple[tuple[str, int], ...]  # top category IRI, number of concepts below it
    mechanisms: tuple[str, ...]
    phases: tuple[str, ...]
    grades: tuple[str, ...]
    levels: tuple[str, ...]
    relations: tuple[str, ...]
    concepts: tuple[tuple[str, str], ...]  # bundled concept IRI, label
    triples: int
    digest: str  # sha256 of the ontology file


@dataclass(frozen=True)
class Synthetic:
    """What :func:`generate` wrote."""

    path: str
    target: int
    seed: int
    bundled_triples: int
    generated_triples: int
    concepts: int
    claims: int
    care_statements: int

    @property
    def total_triples(self) -> int:
        """Triples of the bundled ontology plus the generated extension."""
        return self.bundled_triples + self.generated_triples


def _bundled_ontology() -> Path:
    from attachgraph.resources import ontology_path

    return ontology_path()


def read_schema(ontology: Path | None = None) -> Schema:
    """Read categories, value lists and concepts of ``ontology`` (default: the bundled one)."""
    import pyoxigraph as ox

    path = Path(ontology) if ontology else _bundled_ontology()
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    head = f"PREFIX ag: <{AG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

    def rows(name: str) -> list[list[str]]:
        return [[term.value for term in sol] for sol in store.query(head + _SCHEMA_QUERIES[name])]

    return Schema(
        categories=tuple((c, int(n)) for c, n in rows("categories")),
        mechanisms=tuple(r[0] for r in rows("mechanisms")),
        phases=tuple(r[0] for r in rows("phases")),
        grades=tuple(r[0] for r in rows("grades")),
        levels=tuple(r[0] for r in rows("levels")),
        relations=tuple(r[0] for r in rows("relations")),
        concepts=tuple((r[0], r[1]) for r in rows("concepts")),
        triples=len(store),
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _word(i: int) -> str:
    """A pronounceable, unique pseudo-word for the number ``i`` (bijective base-16 syllables)."""
    parts = []
    i += 1
    while i:
        i, r = divmod(i - 1, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
    return "".join(reversed(parts))


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def _curie(iri: str) -> str:
    if iri.startswith(AG):
        return "ag:" + iri[len(AG):]
    if iri.startswith(SYN):
        return "syn:" + iri[len(SYN):]
    return f"<{iri}>"


class _Writer:
    """Builds the Turtle blocks and counts the triples it emits."""

    def __init__(self, schema: Schema, rng: random.Random) -> None:
        self.s = schema
        self.rng = rng
        self.triples = 0
        self.concepts: list[tuple[str, str, str]] = []  # IRI, label, top category
        self.claims = 0
        self.care = 0
        self.edges: set[tuple[str, str]] = set()  # cause, effect: one claim per pair, so one edge per claim
        weights = [max(n, 1) for _, n in schema.categories]
        self._cats = [c for c, _ in schema.categories]
        self._cat_weights = weights
        self._intervention = AG + "Intervention"
        self._grades = list(schema.grades)
        # mostly narrative claims, like the bundled graph; the other grades appear too
        self._grade_weights = [20 if g.endswith("narrative-claim") else 1 for g in self._grades]

    def _locators(self) -> list[str]:
        return [f"para {n}" for n in sorted(self.rng.sample(range(1, 61), self.rng.choice((1, 1, 2, 3))))]

    def header(self) -> str:
        self.triples += 3
        return (
            "syn:source\n    a ag:SourceDocument ;\n"
            '    rdfs:label "synthetic benchmark data, not knowledge"@en ;\n'
            '    rdfs:comment "Generated by benchmarks/synth.py to measure speed; it states nothing about the world."@en ;\n.\n\n'
        )

    def concept(self) -> str:
        i = len(self.concepts)
        rng = self.rng
        category = rng.choices(self._cats, self._cat_weights)[0]
        # a third of the concepts specialise an earlier generated concept of the same category
        same = [c for c in self.concepts[-_WINDOW:] if c[2] == category]
        parent = rng.choice(same)[0] if same and rng.random() < 0.33 else category
        word = _word(i)
        iri = f"{SYN}C{i:07d}"
        label = f"synthetic {word}"
        self.concepts.append((iri, label, category))
        locators = self._locators()
        lines = [
            f"{_curie(iri)}\n    a owl:Class ;",
            f"    rdfs:label {_lit(label)} ;",
            f"    IAO:0000115 {_lit(f'A generated concept of kind {_curie(category)}, numbered {i} for benchmarks.')} ;",
            f"    ag:informalDefinition {_lit(f'Placeholder concept {word}; it has no meaning.')} ;",
            "    ag:locator " + ", ".join(f'"{loc}"' for loc in locators) + " ;",
            "    dcterms:source syn:source ;",
            f"    oboInOwl:hasExactSynonym {_lit(f'{word} state')} ;",
        ]
        self.triples += 6 + len(locators)
        if rng.random() < 0.3:
            lines.append(f"    oboInOwl:hasRelatedSynonym {_lit(f'{word} pattern')} ;")
            self.triples += 1
        lines.append(f"    rdfs:subClassOf {_curie(parent)} ;\n.\n")
        self.triples += 1
        return "\n".join(lines) + "\n"

    def claim(self, cause: tuple[str, str, str], effect: tuple[str, str, str]) -> str:
        rng = self.rng
        n = self.claims
        self.claims += 1
        is_intervention = cause[2] == self._intervention
        negative = rng.random() < (0.8 if is_intervention else 0.15)
        verb = "decreases" if negative else "increases"
        locators = self._locators()
        grade = rng.choices(self._grades, self._grade_weights)[0]
        iri = f"syn:claim-{n:07d}"
        text = f"{cause[1]} {verb} {effect[1]}"
        block = (
            f"{iri}\n    a ag:CausalClaim, owl:NamedIndividual ;\n"
            f"    rdfs:label {_lit(text)} ;\n"
            f"    ag:cause {_curie(cause[0])} ;\n"
            f"    ag:effect {_curie(effect[0])} ;\n"
            f"    ag:evidenceGrade {_curie(grade)} ;\n"
            "    ag:locator " + ", ".join(f'"{loc}"' for loc in locators) + " ;\n"
            f"    ag:mechanism {_curie(rng.choice(self.s.mechanisms))} ;\n"
            f"    ag:paraphrase {_lit(f'Generated claim {n}: {text}.')} ;\n"
            f"    ag:phase {_curie(rng.choice(self.s.phases))} ;\n"
            f"    ag:polarity ag:polarity-{'negative' if negative else 'positive'} ;\n"
            "    dcterms:source syn:source ;\n.\n"
            f"{_curie(cause[0])} ag:{verb} {_curie(effect[0])} .\n\n"
        )
        self.triples += 12 + len(locators)
        return block

    def care_statement(self, target: tuple[str, str, str]) -> str:
        rng = self.rng
        n = self.care
        self.care += 1
        level = rng.choice(self.s.levels)
        relation = rng.choice(self.s.relations)
        label = f"{_curie(level)} {relation.rsplit('/', 1)[-1]} {target[1]}"
        block = (
            f"syn:care-{n:07d}\n    a ag:CareStatement, owl:NamedIndividual ;\n"
            f"    rdfs:label {_lit(label)} ;\n"
            f"    ag:careRelation {_curie(relation)} ;\n"
            f"    ag:careTarget {_curie(target[0])} ;\n"
            f"    ag:evidenceGrade ag:grade-narrative-claim ;\n"
            f"    ag:levelOfCare {_curie(level)} ;\n"
            f'    ag:locator "para {rng.randint(1, 60)}" ;\n'
            f"    ag:paraphrase {_lit(f'Generated care statement {n}.')} ;\n"
            "    dcterms:source syn:source ;\n.\n"
            f"{_curie(level)} {_curie(relation)} {_curie(target[0])} .\n\n"
        )
        self.triples += 11
        return block

    def blocks(self, budget: int) -> Iterator[str]:
        """Yield Turtle blocks until ``budget`` triples have been written."""
        rng = self.rng
        bundled = [(iri, label, "") for iri, label in self.s.concepts]
        yield self.header()
        while self.triples < budget:
            yield self.concept()
            new = self.concepts[-1]
            previous = self.concepts[-_WINDOW - 1 : -1]
            # about 1.25 claims per concept, as in the bundled graph: half leave the new concept,
            # half enter it, so loops close within the window
            for _ in range(rng.choice((1, 1, 1, 2))):
                if self.triples >= budget:
                    return
                pool = previous if rng.random() < 0.9 else self.concepts[:-1]
                if rng.random() < 0.05 and bundled:
                    pool = bundled
                if pool:
                    other = rng.choice(pool)
                    cause, effect = (new, other) if rng.random() < 0.5 else (other, new)
                    if (cause[0], effect[0]) not in self.edges:
                        self.edges.add((cause[0], effect[0]))
                        yield self.claim(cause, effect)
            if self.s.levels and self.s.relations and rng.random() < 0.03 and self.triples < budget:
                yield self.care_statement(new)


def generate(target: int, out: Path, *, seed: int = 8, ontology: Path | None = None, schema: Schema | None = None) -> Synthetic:
    """Write the extension that brings the bundled ontology to about ``target`` triples.

    Parameters
    ----------
    target
        Total triples wanted (bundled plus generated); the result overshoots by at most one block.
    out
        The Turtle file to write (atomically).
    seed
        Seed of the random choices; the same seed gives the same file.
    ontology, schema
        The ontology to extend (default: the bundled one), or its already-read schema.
    """
    from attachgraph._io import atomic_write_text

    schema = schema or read_schema(ontology)
    writer = _Writer(schema, random.Random(seed))
    budget = max(target - schema.triples, 0)
    text = _PREFIXES + "".join(writer.blocks(budget))
    atomic_write_text(out, text)
    return Synthetic(
        path=str(out),
        target=target,
        seed=seed,
        bundled_triples=schema.triples,
        generated_triples=writer.triples,
        concepts=len(writer.concepts),
        claims=writer.claims,
        care_statements=writer.care,
    )


def ensure(size: str, cache_dir: Path, *, seed: int = 8) -> Synthetic:
    """Return the synthetic extension for ``size`` (a key of :data:`SIZES`), generating it once.

    Files are cached in ``cache_dir`` under a name that changes with the generator version, the
    seed and the bundled ontology, so a stale file is never reused.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    schema = read_schema()
    key = hashlib.sha256(f"{GENERATOR_VERSION}:{seed}:{schema.digest}".encode()).hexdigest()[:10]
    out = Path(cache_dir) / f"synthetic-{size}-{key}.ttl"
    meta = out.with_suffix(".json")
    if out.is_file() and meta.is_file():
        return Synthetic(**json.loads(meta.read_text(encoding="utf-8")))
    info = generate(SIZES[size], out, seed=seed, schema=schema)
    from attachgraph._io import atomic_write_text

    atomic_write_text(meta, json.dumps(asdict(info), indent=2))
    return info
