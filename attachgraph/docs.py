"""Reference documentation: one self-contained HTML page of every term and competency question.

``build_docs(kg, out_dir)`` writes ``index.html``: the header metadata and how to cite; every
concept (grouped by top category), schema class, property, causal claim, care statement and
other individual, each with its labels, definitions, synonyms, superclasses and subclasses,
locators, mappings and incoming/outgoing causal links; and every competency question of the
query library with its question, SPARQL text and answer rows.

Why not pyLODE: pyLODE 3.4 (the release the package index offers) fails at import when installed
from a wheel (it reads ``pyproject.toml`` from site-packages, RDFLib/pyLODE#260), and its OntPub
profile documents classes and properties only: no claims, care statements, query answers or
mappings. The page here is plain HTML with inline CSS and a few lines of inline script (a term
filter); a Content-Security-Policy forbids every network request, so it works offline. Every
text from the graph is HTML-escaped. The output has no timestamp: the same graph gives the same
bytes.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write_text
from ._version import __version__
from .namespaces import AG, ONTOLOGY_IRI, PREFIXES, compact

if TYPE_CHECKING:
    import rdflib
    from rdflib.term import Node as RdfNode

    from .graph import KnowledgeGraph

__all__ = ["DocsResult", "anchor", "build_docs"]

NOT_MEDICAL_ADVICE = (
    "Not medical advice: attachgraph records what one narrative article claims, for research and teaching. "
    "It does not diagnose, treat or recommend treatment."
)

_P = {name: base for name, base in PREFIXES.items()}
_IAO_DEF = _P["IAO"] + "0000115"
_IAO_REPLACED = _P["IAO"] + "0100001"
_SYNONYMS = (
    ("exact synonyms", _P["oboInOwl"] + "hasExactSynonym"),
    ("related synonyms", _P["oboInOwl"] + "hasRelatedSynonym"),
    ("narrow synonyms", _P["oboInOwl"] + "hasNarrowSynonym"),
    ("broad synonyms", _P["oboInOwl"] + "hasBroadSynonym"),
)
_NUMBER = re.compile(r"(\d+)")


def anchor(iri: str) -> str:
    """Return the HTML id of a term's entry: its local name in our namespace, else its CURIE, made safe.

    Examples
    --------
    >>> anchor("https://w3id.org/attachgraph/claim-001")
    'claim-001'
    >>> anchor("http://purl.obolibrary.org/obo/IAO_0000115")
    'IAO-0000115'
    """
    text = iri[len(AG) :] if iri.startswith(AG) else compact(iri)
    return re.sub(r"[^A-Za-z0-9_\-]", "-", text).replace("_", "-") if not iri.startswith(AG) else text


def _natural(text: str) -> tuple[object, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in _NUMBER.split(text) if p)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class DocsResult:
    """What :func:`build_docs` wrote."""

    index: Path
    terms: int
    questions: int
    answered: int
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """One line for the command line."""
        return f"{self.terms} terms, {self.questions} competency questions ({self.answered} answered on the page)"


class _Page:
    """Collects what the page needs from the rdflib graph, once."""

    def __init__(self, kg: KnowledgeGraph, mappings: Path | None) -> None:
        from rdflib import URIRef
        from rdflib.namespace import OWL, RDF, RDFS

        self.kg = kg
        self.g: rdflib.Graph = kg.graph
        self.warnings: list[str] = []
        g = self.g
        self.labels: dict[str, str] = {}
        for s, o in g.subject_objects(RDFS.label):
            if isinstance(s, URIRef) and (str(s) not in self.labels or getattr(o, "language", None) == "en"):
                self.labels[str(s)] = str(o)
        typed = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s) != ONTOLOGY_IRI}
        self.entries: set[str] = {str(s) for s in typed}
        domain = URIRef(AG + "DomainConcept")
        self.concepts = {str(c) for c in g.transitive_subjects(RDFS.subClassOf, domain)} - {str(domain)}
        self.tops = sorted((str(c) for c in g.subjects(RDFS.subClassOf, domain)), key=lambda i: self.name(i).casefold())
        self.classes = {str(s) for s in g.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
        props = (OWL.AnnotationProperty, OWL.ObjectProperty, OWL.DatatypeProperty)
        self.properties = {str(s) for p in props for s in g.subjects(RDF.type, p) if isinstance(s, URIRef)}
        self.claims = {str(s) for s in g.subjects(RDF.type, URIRef(AG + "CausalClaim"))}
        self.care = {str(s) for s in g.subjects(RDF.type, URIRef(AG + "CareStatement"))}
        self.mappings: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        self._read_mappings(mappings)
        self.outgoing: dict[str, list[str]] = defaultdict(list)
        self.incoming: dict[str, list[str]] = defaultdict(list)
        for claim in self.claims:
            cause, effect = self.value(claim, AG + "cause"), self.value(claim, AG + "effect")
            if cause and effect:
                self.outgoing[cause].append(claim)
                self.incoming[effect].append(claim)
        self.care_of: dict[str, list[str]] = defaultdict(list)
        for statement in self.care:
            for prop in ("levelOfCare", "careTarget"):
                target = self.value(statement, AG + prop)
                if target:
                    self.care_of[target].append(statement)

    def _read_mappings(self, path: Path | None) -> None:
        from .release import read_sssom
        from .resources import mappings_path

        path = path if path is not None else mappings_path()
        if not path.is_file():
            self.warnings.append(f"no mapping file at {path}: the page shows no mappings")
            return
        for m in read_sssom(path).mappings:
            self.mappings[m.subject_iri].append((m.predicate_id, m.object_id, m.object_label))

    # --- small lookups ------------------------------------------------------------------------
    def name(self, iri: str) -> str:
        return self.labels.get(iri, compact(iri))

    def values(self, subject: str, predicate: str) -> list[RdfNode]:
        from rdflib import URIRef

        return sorted(self.g.objects(URIRef(subject), URIRef(predicate)), key=lambda n: _natural(str(n)))

    def value(self, subject: str, predicate: str) -> str | None:
        found = self.values(subject, predicate)
        return str(found[0]) if found else None

    def link(self, iri: str) -> str:
        label = self.labels.get(iri)
        if iri not in self.entries:  # not documented here: show the whole IRI, never a guessed CURIE
            return f"{_esc(label)} <code>{_esc(iri)}</code>" if label else f"<code>{_esc(iri)}</code>"
        text = f"{_esc(label)} <code>{_esc(compact(iri))}</code>" if label else f"<code>{_esc(compact(iri))}</code>"
        return f'<a href="#{_esc(anchor(iri))}">{text}</a>'

    def node(self, node: RdfNode) -> str:
        from rdflib import Literal, URIRef

        if isinstance(node, URIRef):
            return self.link(str(node))
        if isinstance(node, Literal):
            lang = f' <span class="lang">@{_esc(node.language)}</span>' if node.language else ""
            return f"{_esc(node)}{lang}"
        return "<em>(anonymous class expression)</em>"


def build_docs(kg: KnowledgeGraph, out_dir: Path | str, *, mappings: Path | str | None = None) -> DocsResult:
    """Write the HTML reference documentation of ``kg`` to ``out_dir/index.html``.

    Parameters
    ----------
    kg
        The knowledge graph (bundled ontology plus any extensions).
    out_dir
        Output directory, created if needed.
    mappings
        SSSOM file whose mappings the term entries show (default: the bundled one).

    Examples
    --------
    >>> import attachgraph, tempfile
    >>> result = build_docs(attachgraph.load(), tempfile.mkdtemp())
    >>> result.index.name, result.terms > 200
    ('index.html', True)
    """
    page = _Page(kg, Path(mappings) if mappings is not None else None)
    questions, answered = _questions(page)
    body = [
        f"<h1>{_esc(_ontology_title(page))}</h1>",
        _toc(page),
        _header(page),
        _section("concepts", "Concepts", _concept_sections(page)),
        _section("classes", "Schema classes", _cards(page, sorted(page.classes - page.concepts, key=page.name))),
        _section("properties", "Properties", _cards(page, sorted(page.properties, key=page.name))),
        _section("claims", "Causal claims", _cards(page, sorted(page.claims, key=_natural))),
        _section("care", "Care statements", _cards(page, sorted(page.care, key=_natural))),
        _section("individuals", "Other individuals", _cards(page, sorted(
            page.entries - page.classes - page.properties - page.claims - page.care, key=_natural))),
        _section("questions", "Competency questions", questions[0]),
    ]
    document = _TEMPLATE.format(
        title=_esc(page.name(ONTOLOGY_IRI) if ONTOLOGY_IRI in page.labels else _ontology_title(page)),
        css=_CSS,
        script=_SCRIPT,
        notice=_esc(NOT_MEDICAL_ADVICE),
        body="\n".join(body),
        version=_esc(__version__),
    )
    out = Path(out_dir)
    atomic_write_text(out / "index.html", document)
    return DocsResult(out / "index.html", len(page.entries), questions[1], answered, tuple(page.warnings))


# --- sections -------------------------------------------------------------------------------------


def _ontology_title(page: _Page) -> str:
    return page.value(ONTOLOGY_IRI, _P["dcterms"] + "title") or "attachgraph"


def _section(ident: str, title: str, content: str) -> str:
    return f'<section id="{ident}">\n<h2>{_esc(title)}</h2>\n{content}\n</section>'


def _header(page: _Page) -> str:
    from rdflib import URIRef

    onto = URIRef(ONTOLOGY_IRI)
    rows = []
    for predicate in sorted(set(page.g.predicates(onto)), key=lambda p: compact(str(p))):
        values = page.values(ONTOLOGY_IRI, str(predicate))
        rendered = "<br>".join(page.node(v) for v in values)
        rows.append(f"<tr><th>{_esc(page.name(str(predicate)))} <code>{_esc(compact(str(predicate)))}</code></th><td>{rendered}</td></tr>")
    citation = page.value(ONTOLOGY_IRI, _P["dcterms"] + "bibliographicCitation")
    version_iri = page.value(ONTOLOGY_IRI, _P["owl"] + "versionIRI") or ""
    version = page.value(ONTOLOGY_IRI, _P["owl"] + "versionInfo") or __version__
    created = page.value(ONTOLOGY_IRI, _P["dcterms"] + "created") or ""
    creator = page.value(ONTOLOGY_IRI, _P["dcterms"] + "creator") or "attachgraph developers"
    bibtex = (
        "@misc{attachgraph,\n"
        f"  author  = {{{creator}}},\n"
        f"  title   = {{{_ontology_title(page)}}},\n"
        f"  version = {{{version}}},\n"
        f"  year    = {{{created[:4]}}},\n"
        f"  url     = {{{version_iri}}}\n"
        "}"
    )
    cite = [
        '<h2 id="cite">How to cite</h2>',
        f"<p>{_esc(citation)}</p>" if citation else "",
        "<p>Cite the version IRI of the release you used, so readers get the same terms and claims.</p>",
        f"<pre>{_esc(bibtex)}</pre>",
    ]
    source = page.value(ONTOLOGY_IRI, _P["dcterms"] + "source")
    if source:
        cite.append(
            f"<p>Every concept and claim paraphrases one source: {page.link(source)}. Cite that source for what it says; "
            "cite attachgraph for the model.</p>"
        )
    return (
        '<header>\n<section id="metadata">\n<h2>Ontology metadata</h2>\n<table class="meta">\n' + "\n".join(rows) + "\n</table>\n</section>\n"
        + '<section class="cite">\n' + "\n".join(c for c in cite if c) + "\n</section>\n</header>"
    )


def _toc(page: _Page) -> str:
    items = [
        ("metadata", "Ontology metadata"), ("cite", "How to cite"),
        ("concepts", f"Concepts ({len(page.concepts)})"),
        ("classes", f"Schema classes ({len(page.classes - page.concepts)})"),
        ("properties", f"Properties ({len(page.properties)})"), ("claims", f"Causal claims ({len(page.claims)})"),
        ("care", f"Care statements ({len(page.care)})"), ("individuals", "Other individuals"),
        ("questions", "Competency questions"),
    ]
    links = "".join(f'<li><a href="#{i}">{_esc(t)}</a></li>' for i, t in items)
    return (
        f'<nav><ul>{links}</ul>\n<label>Filter terms: <input id="filter" type="search" '
        'placeholder="label, synonym or CURIE" autocomplete="off"></label></nav>'
    )


def _concept_sections(page: _Page) -> str:
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    parts, placed = [], set()
    for top in page.tops:
        members = {str(c) for c in page.g.transitive_subjects(RDFS.subClassOf, URIRef(top))} - placed
        placed |= members
        parts.append(f'<h3 class="category">{_esc(page.name(top))}</h3>')
        parts.append(_cards(page, sorted(members, key=lambda i: (i != top, page.name(i).casefold()))))
    rest = page.concepts - placed  # a concept outside every top category still gets its entry
    if rest:
        parts.append('<h3 class="category">without a top category</h3>')
        parts.append(_cards(page, sorted(rest, key=lambda i: page.name(i).casefold())))
    return "\n".join(parts)


def _cards(page: _Page, iris: Iterable[str]) -> str:
    return "\n".join(_card(page, iri) for iri in iris)


def _kind(page: _Page, iri: str) -> str:
    if iri in page.claims:
        return "causal claim"
    if iri in page.care:
        return "care statement"
    if iri in page.concepts:
        return "concept"
    if iri in page.classes:
        return "class"
    if iri in page.properties:
        return "property"
    return "individual"


def _card(page: _Page, iri: str) -> str:
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    g = page.g
    shown = {str(RDF.type), str(RDFS.label), _IAO_DEF, AG + "informalDefinition", AG + "locator", str(RDFS.subClassOf)}
    shown |= {p for _, p in _SYNONYMS}
    rows: list[tuple[str, str]] = []
    definition = page.values(iri, _IAO_DEF)
    informal = page.values(iri, AG + "informalDefinition")
    if definition:
        rows.append(("definition", "<br>".join(_esc(d) for d in definition)))
    if informal:
        rows.append(("in plain words", "<br>".join(_esc(d) for d in informal)))
    for title, prop in _SYNONYMS:
        found = page.values(iri, prop)
        if found:
            rows.append((title, ", ".join(_esc(s) for s in found)))
    types = [t for t in page.values(iri, str(RDF.type)) if t != OWL.NamedIndividual]
    if types and iri not in page.classes:
        rows.append(("type", ", ".join(page.node(t) for t in types)))
    parents = [p for p in page.values(iri, str(RDFS.subClassOf)) if isinstance(p, URIRef)]
    if parents:
        rows.append(("superclasses", ", ".join(page.link(str(p)) for p in parents)))
    children = sorted((str(c) for c in g.subjects(RDFS.subClassOf, URIRef(iri))), key=lambda c: page.name(c).casefold())
    if children:
        rows.append(("subclasses", ", ".join(page.link(c) for c in children)))
    if iri in page.claims:
        rows += _claim_rows(page, iri)
        shown |= {AG + p for p in ("cause", "effect", "polarity", "paraphrase")}
    locators = page.values(iri, AG + "locator")
    if locators:
        rows.append(("source locators", ", ".join(_esc(loc) for loc in locators)))
    if page.mappings.get(iri):
        items = [f"<li><code>{_esc(p)}</code> <code>{_esc(o)}</code> {_esc(label)}</li>" for p, o, label in sorted(page.mappings[iri])]
        rows.append(("mappings", f"<ul>{''.join(items)}</ul>"))
    if page.outgoing.get(iri):
        rows.append(("causal links out", _claim_list(page, page.outgoing[iri], "effect")))
        shown |= {AG + "increases", AG + "decreases"}  # the direct edges, already listed with their claims
    if page.incoming.get(iri):
        rows.append(("causal links in", _claim_list(page, page.incoming[iri], "cause")))
    if page.care_of.get(iri):
        rows.append(("care statements", "<ul>" + "".join(f"<li>{page.link(s)}</li>" for s in sorted(page.care_of[iri], key=_natural)) + "</ul>"))
    # everything else the graph says about the term, so no statement is hidden
    for predicate in sorted(set(g.predicates(URIRef(iri))), key=lambda p: compact(str(p))):
        if str(predicate) in shown:
            continue
        rows.append((page.name(str(predicate)), "<br>".join(page.node(v) for v in page.values(iri, str(predicate)))))
    deprecated = any(str(v).lower() == "true" for v in page.values(iri, str(OWL.deprecated)))
    synonyms = " ".join(str(s) for _, p in _SYNONYMS for s in page.values(iri, p))
    search = f"{page.name(iri)} {compact(iri)} {synonyms}".casefold()
    table = "\n".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<article class="term{" deprecated" if deprecated else ""}" id="{_esc(anchor(iri))}" data-search="{_esc(search)}">\n'
        f'<h4>{_esc(page.name(iri))} <span class="kind">{_esc(_kind(page, iri))}</span></h4>\n'
        f'<p class="iri"><code>{_esc(compact(iri))}</code> &middot; <code>{_esc(iri)}</code></p>\n'
        f"<table>\n{table}\n</table>\n</article>"
    )


def _sign(page: _Page, claim: str) -> int | None:
    polarity = page.value(claim, AG + "polarity")
    sign = page.value(polarity, AG + "sign") if polarity else None
    return int(sign) if sign is not None and sign.lstrip("+-").isdigit() else None


def _claim_rows(page: _Page, claim: str) -> list[tuple[str, str]]:
    cause, effect = page.value(claim, AG + "cause"), page.value(claim, AG + "effect")
    sign = _sign(page, claim)
    verb = {1: "increases (+)", -1: "decreases (&minus;)"}.get(sign, "influences") if sign is not None else "influences"
    rows = []
    if cause and effect:
        rows.append(("claim", f"{page.link(cause)} <strong>{verb}</strong> {page.link(effect)}"))
    paraphrase = page.value(claim, AG + "paraphrase")
    if paraphrase:
        rows.append(("paraphrase", _esc(paraphrase)))
    return rows


def _claim_list(page: _Page, claims: list[str], other: str) -> str:
    items = []
    for claim in sorted(claims, key=_natural):
        target = page.value(claim, AG + other)
        sign = _sign(page, claim)
        symbol = {1: "+", -1: "&minus;"}.get(sign or 0, "?")
        locators = ", ".join(str(v) for v in page.values(claim, AG + "locator"))
        items.append(
            f'<li><span class="sign">{symbol}</span> {page.link(target) if target else "?"} '
            f'<a href="#{_esc(anchor(claim))}"><code>{_esc(compact(claim))}</code></a> <span class="loc">{_esc(locators)}</span></li>'
        )
    return "<ul>" + "".join(items) + "</ul>"


# --- competency questions ----------------------------------------------------------------------------


def _questions(page: _Page) -> tuple[tuple[str, int], int]:
    from .queries import list_queries

    parts, answered, count = [], 0, 0
    for query in list_queries():
        if query.name.startswith("qc/"):  # quality checks, not questions
            continue
        count += 1
        params = "".join(f"<li><code>{_esc(p.signature)}</code> {_esc(p.description)}</li>" for p in query.params)
        required = [p.name for p in query.params if p.required]
        if required:
            example = ", ".join(f"{name}=..." for name in required)
            answer = (
                f"<p class=\"note\">This question needs a value for {_esc(', '.join(required))}; run it with "
                f"<code>kg.query(\"{_esc(query.name)}\", {_esc(example)})</code>.</p>"
            )
        else:
            try:
                answer = _answer_table(page, page.kg.query(query.name))
                answered += 1
            except Exception as exc:  # noqa: BLE001 - one broken query must not sink the whole page
                page.warnings.append(f"query {query.name} could not run: {type(exc).__name__}: {exc}")
                answer = f'<p class="note">Could not run: {_esc(exc)}</p>'
        defaults = [f"{p.name} = {p.default}" for p in query.params if p.default is not None]
        run_with = f"<p>Answer with the defaults ({_esc(', '.join(defaults))}):</p>" if defaults and not required else ""
        parts.append(
            f'<article class="question" id="q-{_esc(anchor(query.name))}">\n'
            f"<h3>{_esc(query.title)} <code>{_esc(query.name)}</code></h3>\n"
            f"<p class=\"ask\">{_esc(query.question)}</p>\n"
            + (f"<p>Parameters:</p><ul>{params}</ul>\n" if params else "")
            + f"<details><summary>SPARQL</summary><pre>{_esc(query.text)}</pre></details>\n"
            + run_with + answer + "\n</article>"
        )
    return ("\n".join(parts), count), answered


def _answer_table(page: _Page, result: object) -> str:
    boolean = getattr(result, "boolean", None)
    if boolean is not None:
        return f"<p>Answer: <strong>{'yes' if boolean else 'no'}</strong></p>"
    columns = result.columns  # type: ignore[attr-defined]
    rows = list(result)  # type: ignore[call-overload]
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            node = row.node(column)
            if node is None:
                cells.append("<td></td>")
            elif node.kind == "uri":
                cells.append(f"<td>{page.link(node.value)}</td>")
            else:
                cells.append(f"<td>{_esc(node.value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    summary = f"<p>{len(rows)} row{'s' if len(rows) != 1 else ''}.</p>"
    return summary + f'<div class="scroll"><table class="answer"><thead><tr>{head}</tr></thead><tbody>' + "".join(body) + "</tbody></table></div>"


# --- page template -----------------------------------------------------------------------------------

_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem 4rem; color: #1a1a1a; }
.notice { background: #fff4d6; border: 1px solid #d9a400; padding: .6rem 1rem; margin: 1rem 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; padding: 0; }
nav input { font: inherit; padding: .2rem .4rem; width: 18rem; }
table { border-collapse: collapse; margin: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .2rem .6rem; border-bottom: 1px solid #e3e3e3; }
th { font-weight: 600; white-space: nowrap; }
.term, .question { border: 1px solid #ccc; border-radius: 4px; padding: .2rem 1rem .6rem; margin: .8rem 0; }
.term h4 { margin: .4rem 0; font-size: 1.1rem; }
.kind { font-size: .8rem; font-weight: normal; background: #eef; padding: .05rem .4rem; border-radius: 3px; }
.deprecated h4 { text-decoration: line-through; }
.iri { margin: 0 0 .3rem; color: #555; font-size: .9rem; word-break: break-all; }
.sign { font-weight: bold; display: inline-block; width: 1em; }
.loc, .lang { color: #666; font-size: .85rem; }
pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; }
.scroll { max-height: 28rem; overflow: auto; }
.answer th { position: sticky; top: 0; background: #fff; }
.hidden { display: none; }
a { color: #0050a0; }
"""

_SCRIPT = """
document.getElementById('filter').addEventListener('input', function (event) {
  var text = event.target.value.trim().toLowerCase();
  document.querySelectorAll('article.term').forEach(function (el) {
    el.classList.toggle('hidden', text !== '' && el.dataset.search.indexOf(text) < 0);
  });
});
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="generator" content="attachgraph {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<p class="notice" role="note">{notice}</p>
{body}
<footer><p class="notice">{notice}</p><p>Generated by <code>attachgraph docs</code> {version}.</p></footer>
<script>{script}</script>
</body>
</html>
"""
