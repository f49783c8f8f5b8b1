"""Reasoning over the graph: HermiT when Java is present, an OWL 2 RL closure when it is not.

``reason(kg)`` returns a :class:`ReasonerReport`: which reasoner ran, whether the ontology is
consistent, its unsatisfiable classes, the subclass relations the reasoner inferred beyond the
asserted ones, and the inferred class hierarchy.

* ``hermit``: owlready2 runs its bundled HermiT (a complete OWL 2 DL reasoner) in Java. owlready2
  cannot read Turtle, so the graph is handed over as N-Triples. owlready2's bundled Pellet is not
  used: it fails on Java 17.
* ``owlrl``: pure Python, the OWL 2 RL rules of ``owlrl`` applied to a copy of the graph. Sound but
  incomplete for OWL 2 DL; :data:`OWLRL_LIMITS` says what it cannot detect and the report repeats it.
* ``auto`` (default): ``hermit`` when a Java runtime is found, else ``owlrl``.

Both work on copies in memory: inferences are never written into the ontology file or into the
knowledge graph.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .errors import MissingDependencyError, ReasonerError

if TYPE_CHECKING:
    import rdflib

    from .graph import KnowledgeGraph

__all__ = ["OWLRL_LIMITS", "REASONERS", "ReasonerReport", "find_java", "reason"]

REASONERS = ("auto", "hermit", "owlrl")

HERMIT_NAME = "HermiT (OWL 2 DL, via owlready2)"
OWLRL_NAME = "OWL 2 RL closure (owlrl, pure Python)"

#: What the pure-Python fallback cannot detect, said in every report it makes.
OWLRL_LIMITS = (
    "OWL 2 RL is a rule-based subset of OWL 2 DL: the closure finds clashes between stated facts "
    "(an individual in two disjoint classes or in owl:Nothing) and the subclass relations the rules "
    "derive, but it cannot prove a class unsatisfiable unless some individual belongs to it, does not "
    "reason by cases (unions, existential restrictions as superclasses, cardinalities above one), and "
    "may therefore miss inconsistencies and subsumptions that a complete OWL 2 DL reasoner finds. "
    "Install a Java runtime (17 or later) and run with --reasoner hermit for a complete check."
)

_THING = "http://www.w3.org/2002/07/owl#Thing"
_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


@dataclass(frozen=True)
class ReasonerReport:
    """What a reasoner found. Classes are ``(iri, label)`` pairs; subsumptions ``(sub, super)`` IRIs.

    ``ok`` is True when the ontology is consistent and no class is unsatisfiable.
    """

    reasoner: str
    name: str
    consistent: bool
    unsatisfiable: tuple[tuple[str, str], ...] = ()
    inferred_subclasses: tuple[tuple[str, str], ...] = ()
    hierarchy: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (class, its direct named superclasses)
    labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    messages: tuple[str, ...] = ()
    limitations: str = ""

    @property
    def ok(self) -> bool:
        """True when consistent and every class is satisfiable."""
        return self.consistent and not self.unsatisfiable

    def label(self, iri: str) -> str:
        """Return ``label (curie)`` for a class IRI, or its CURIE when it has no label."""
        from .namespaces import compact

        name = self.labels.get(iri)
        return f"{name} ({compact(iri)})" if name else compact(iri)

    def to_dict(self) -> dict[str, object]:
        """Return the report as plain JSON-ready data."""
        return {
            "reasoner": self.reasoner,
            "name": self.name,
            "consistent": self.consistent,
            "ok": self.ok,
            "unsatisfiable": [iri for iri, _ in self.unsatisfiable],
            "inferred_subclasses": [list(pair) for pair in self.inferred_subclasses],
            "hierarchy": {cls: list(parents) for cls, parents in self.hierarchy},
            "messages": list(self.messages),
            "limitations": self.limitations,
        }

    def to_text(self, *, hierarchy: bool = False) -> str:
        """Return a readable report; with ``hierarchy=True`` also the inferred class tree."""
        lines = [f"reasoner: {self.name}"]
        lines.append(f"consistent: {'yes' if self.consistent else 'NO'}")
        if self.consistent:
            lines.append(f"unsatisfiable classes: {len(self.unsatisfiable)}")
            lines += [f"  - {self.label(iri)}" for iri, _ in self.unsatisfiable]
            lines.append(f"inferred subclass relations (beyond the asserted ones): {len(self.inferred_subclasses)}")
            lines += [f"  - {self.label(sub)} is a {self.label(sup)}" for sub, sup in self.inferred_subclasses]
            lines.append(f"classes in the inferred hierarchy: {len(self.hierarchy)}")
        lines += [f"message: {m}" for m in self.messages]
        if self.limitations:
            lines.append(f"limits of this reasoner: {self.limitations}")
        if hierarchy and self.consistent:
            lines += ["", "inferred class hierarchy:", *self._tree()]
        return "\n".join(lines)

    def _tree(self) -> list[str]:
        children: dict[str, list[str]] = {}
        for cls, sups in self.hierarchy:
            for sup in sups or (_THING,):
                children.setdefault(sup, []).append(cls)
        out: list[str] = []

        def walk(node: str, depth: int, seen: frozenset[str]) -> None:
            for child in sorted(children.get(node, []), key=lambda c: self.labels.get(c, c).casefold()):
                if child in seen:
                    continue
                out.append("  " * depth + "- " + self.label(child))
                walk(child, depth + 1, seen | {child})

        walk(_THING, 0, frozenset())
        return out


def find_java(java: str | None = None) -> str | None:
    """Return the path of a Java runtime: ``java`` if given, else ``$JAVA_HOME/bin/java``, else ``java`` on PATH."""
    if java:
        return shutil.which(java) or (java if Path(java).is_file() and os.access(java, os.X_OK) else None)
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def reason(
    source: Union[KnowledgeGraph, rdflib.Graph],
    reasoner: str = "auto",
    *,
    java: str | None = None,
    strict: bool = False,
) -> ReasonerReport:
    """Reason over the graph and return a :class:`ReasonerReport`.

    Parameters
    ----------
    source
        A :class:`~attachgraph.graph.KnowledgeGraph` or an ``rdflib.Graph`` (for example a
        downstream ontology merged with the release it imports).
    reasoner
        ``"auto"`` (HermiT when Java is found, else OWL 2 RL), ``"hermit"`` or ``"owlrl"``.
    java
        The Java executable to use (default: ``$JAVA_HOME/bin/java``, else ``java`` on PATH).
    strict
        Raise :class:`~attachgraph.errors.ReasonerError` when the ontology is inconsistent or a
        class is unsatisfiable, instead of returning the report.

    Raises
    ------
    MissingDependencyError
        ``reasoner="hermit"`` without a Java runtime.

    Examples
    --------
    >>> import attachgraph
    >>> report = reason(attachgraph.load(), "owlrl")
    >>> report.reasoner, report.consistent, report.unsatisfiable
    ('owlrl', True, ())
    """
    if reasoner not in REASONERS:
        from difflib import get_close_matches

        close = get_close_matches(reasoner, REASONERS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ReasonerError(f"unknown reasoner {reasoner!r}{hint} (choose one of {', '.join(REASONERS)})")
    graph = source if not hasattr(source, "engine") else source.graph
    java_exe = find_java(java) if reasoner in ("auto", "hermit") else None
    if reasoner == "hermit" and java_exe is None:
        raise MissingDependencyError(
            "HermiT needs a Java runtime and none was found (looked at JAVA_HOME and PATH); install one "
            "(e.g. `apt-get install default-jre-headless`) or use --reasoner owlrl"
        )
    report = _hermit(graph, java_exe) if java_exe is not None else _owlrl(graph)
    if strict and not report.ok:
        problem = "inconsistent" if not report.consistent else f"{len(report.unsatisfiable)} unsatisfiable class(es)"
        raise ReasonerError(f"{report.name} found the ontology {problem}:\n{report.to_text()}")
    return report


# --- shared functions -------------------------------------------------------------------------------


def _labels(graph: rdflib.Graph) -> dict[str, str]:
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    labels: dict[str, str] = {}
    for s, o in graph.subject_objects(RDFS.label):
        if isinstance(s, URIRef) and (str(s) not in labels or getattr(o, "language", None) == "en"):
            labels[str(s)] = str(o)
    return labels


def _asserted_ancestors(graph: rdflib.Graph) -> dict[str, set[str]]:
    """Named class -> its named ancestors by asserted rdfs:subClassOf chains (transitive)."""
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    parents: dict[str, set[str]] = {c: set() for c in classes}
    for s, o in graph.subject_objects(RDFS.subClassOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            parents.setdefault(str(s), set()).add(str(o))
    closure: dict[str, set[str]] = {}

    def ancestors(node: str, trail: frozenset[str]) -> set[str]:
        if node in closure:
            return closure[node]
        found: set[str] = set()
        for parent in parents.get(node, ()):
            if parent not in trail:
                found |= {parent} | ancestors(parent, trail | {parent})
        closure[node] = found
        return found

    return {c: ancestors(c, frozenset({c})) - {c} for c in parents}


def _direct(ancestors: dict[str, set[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Transitive reduction: each class with only the ancestors no other ancestor lies below."""
    out = []
    for cls in sorted(ancestors):
        sups = ancestors[cls] - {_THING, cls}
        direct = {s for s in sups if not any(s in ancestors.get(other, set()) for other in sups if other != s)}
        out.append((cls, tuple(sorted(direct))))
    return tuple(out)


def _new_subsumptions(before: dict[str, set[str]], after: dict[str, set[str]]) -> tuple[tuple[str, str], ...]:
    pairs = set()
    for cls, sups in after.items():
        for sup in sups - before.get(cls, set()) - {_THING, _NOTHING, cls}:
            pairs.add((cls, sup))
    return tuple(sorted(pairs))


# --- HermiT through owlready2 ---------------------------------------------------------------------------


def _hermit(graph: rdflib.Graph, java_exe: str) -> ReasonerReport:
    import owlready2

    from .owl import to_owlready

    labels = _labels(graph)
    before = _asserted_ancestors(graph)
    world = owlready2.World()
    to_owlready(graph, world=world)
    saved_java = owlready2.JAVA_EXE
    owlready2.JAVA_EXE = java_exe  # owlready2 reads this module global when it starts HermiT
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return ReasonerReport("hermit", HERMIT_NAME, consistent=False, labels=labels,
                              messages=("HermiT: the ontology is inconsistent (it has no model)",))
    except owlready2.OwlReadyJavaError as exc:
        raise ReasonerError(f"HermiT could not run with {java_exe}: {str(exc).strip()[:500]}") from None
    except OSError as exc:
        raise ReasonerError(f"HermiT could not start {java_exe}: {exc}") from None
    finally:
        owlready2.JAVA_EXE = saved_java
    unsatisfiable = sorted({c.iri for c in world.inconsistent_classes()} - {_NOTHING})
    after: dict[str, set[str]] = {}
    for cls in world.classes():
        if cls.iri in (_THING, _NOTHING):
            continue
        after[cls.iri] = {a.iri for a in cls.ancestors(include_self=False) if isinstance(a, owlready2.ThingClass)}
    return ReasonerReport(
        reasoner="hermit",
        name=HERMIT_NAME,
        consistent=True,
        unsatisfiable=tuple((iri, labels.get(iri, "")) for iri in unsatisfiable),
        inferred_subclasses=_new_subsumptions(before, after),
        hierarchy=_direct(after),
        labels=labels,
    )


# --- OWL 2 RL closure in pure Python ----------------------------------------------------------------------


def _owlrl(graph: rdflib.Graph) -> ReasonerReport:
    import owlrl
    from owlrl.Namespaces import ERRNS
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDFS

    labels = _labels(graph)
    before = _asserted_ancestors(graph)
    closure = Graph()
    for triple in graph:  # a copy: the closure adds thousands of triples we must not keep
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    errors = sorted(str(m) for m in closure.objects(None, ERRNS.error))
    named = set(before)
    unsatisfiable = sorted(
        str(c) for c in closure.subjects(RDFS.subClassOf, OWL.Nothing) if isinstance(c, URIRef) and str(c) in named
    )
    after: dict[str, set[str]] = {c: set() for c in named}
    for s, o in closure.subject_objects(RDFS.subClassOf):
        if str(s) in named and isinstance(o, URIRef) and str(o) != str(s):
            after[str(s)].add(str(o))
    after = {c: sups - {_NOTHING} for c, sups in after.items()}
    return ReasonerReport(
        reasoner="owlrl",
        name=OWLRL_NAME,
        consistent=not errors,
        unsatisfiable=tuple((iri, labels.get(iri, "")) for iri in unsatisfiable),
        inferred_subclasses=_new_subsumptions(before, after) if not errors else (),
        hierarchy=_direct(after) if not errors else (),
        labels=labels,
        messages=tuple(errors),
        limitations=OWLRL_LIMITS,
    )
