"""Reference documentation: every term and question on one offline page, escaped, opened in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib

import attachgraph
from attachgraph.docs import anchor, build_docs
from attachgraph.namespaces import AG, ONTOLOGY_IRI
from attachgraph.queries import list_queries

SSSOM = """\
#curie_map:
#  ag: https://w3id.org/attachgraph/
#  skos: http://www.w3.org/2004/02/skos/core#
#  semapv: https://w3id.org/semapv/vocab/
#  EX: http://example.org/EX_
subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification
ag:Shame\tshame\tskos:exactMatch\tEX:0042\texample shame term\tsemapv:ManualMappingCuration
"""


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            value = values.get(key) or ""
            if tag in ("script", "link", "img", "iframe") and value:
                self.external.append(value)


def _typed_terms(kg: attachgraph.KnowledgeGraph) -> set[str]:
    return {str(s) for s in kg.graph.subjects(rdflib.RDF.type, None) if isinstance(s, rdflib.URIRef)} - {ONTOLOGY_IRI}


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory, kg: attachgraph.KnowledgeGraph):
    folder = tmp_path_factory.mktemp("docs")
    sssom = folder / "m.sssom.tsv"
    sssom.write_text(SSSOM, encoding="utf-8")
    result = build_docs(kg, folder / "site", mappings=sssom)
    return result, result.index.read_text(encoding="utf-8")


def test_every_term_has_exactly_one_entry(docs, kg: attachgraph.KnowledgeGraph) -> None:
    result, text = docs
    parser = _Ids()
    parser.feed(text)
    terms = _typed_terms(kg)
    assert result.terms == len(terms) > 250
    for iri in terms:
        assert parser.ids.count(anchor(iri)) == 1, iri
    assert len(parser.ids) == len(set(parser.ids))  # ids are unique on the page


def test_concept_entries_carry_definitions_synonyms_locators_and_links(docs, kg: attachgraph.KnowledgeGraph) -> None:
    _, text = docs
    concept = kg.concept("HPA-axis dysregulation")
    entry = _entry(text, anchor(concept.iri))
    assert _html(concept.definition) in entry and _html(concept.informal_definition) in entry
    for synonym in kg.graph.objects(rdflib.URIRef(concept.iri), rdflib.URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")):
        assert _html(str(synonym)) in entry
    claims = kg.claims()
    out = [c for c in claims if c.cause == concept.iri]
    into = [c for c in claims if c.effect == concept.iri]
    assert out and into
    for claim in out + into:
        assert f'href="#{anchor(claim.iri)}"' in entry
    for locator in {loc for c in out for loc in c.locators}:
        assert locator in text
    assert "causal links out" in entry and "causal links in" in entry


def test_claim_entries_name_cause_effect_sign_and_paraphrase(docs, kg: attachgraph.KnowledgeGraph) -> None:
    _, text = docs
    for claim in kg.claims():
        entry = _entry(text, anchor(claim.iri))
        assert f'href="#{anchor(claim.cause)}"' in entry and f'href="#{anchor(claim.effect)}"' in entry
        assert ("increases (+)" if claim.sign == 1 else "decreases (&minus;)") in entry
        assert _html(claim.paraphrase) in entry


def test_mappings_and_metadata_and_citation_are_shown(docs) -> None:
    _, text = docs
    assert "EX:0042" in _entry(text, "Shame") and "example shame term" in _entry(text, "Shame")
    assert "How to cite" in text and "@misc{attachgraph" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Not medical advice" in text


def test_every_competency_question_is_on_the_page_with_its_answer(docs, kg: attachgraph.KnowledgeGraph) -> None:
    result, text = docs
    questions = [q for q in list_queries() if not q.name.startswith("qc/")]
    assert result.questions == len(questions) >= 15
    for query in questions:
        entry = _entry(text, f"q-{anchor(query.name)}", tag="article")
        assert _html(query.question) in entry and "<pre>" in entry
        if not any(p.required for p in query.params):
            rows = len(kg.query(query.name))
            assert f"<p>{rows} row{'s' if rows != 1 else ''}.</p>" in entry, query.name
    assert result.answered == sum(1 for q in questions if not any(p.required for p in q.params))
    assert not [w for w in result.warnings if "could not run" in w]


def test_text_from_the_graph_is_escaped(tmp_path: Path) -> None:
    extension = tmp_path / "evil.ttl"
    extension.write_text(
        '<https://w3id.org/attachgraph/Evil> a <http://www.w3.org/2002/07/owl#Class> ; '
        '<http://www.w3.org/2000/01/rdf-schema#label> "<script>alert(1)</script> & co" ; '
        '<http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://w3id.org/attachgraph/Behaviour> .\n',
        encoding="utf-8",
    )
    result = build_docs(attachgraph.load([extension]), tmp_path / "site", mappings=tmp_path / "none.tsv")
    text = result.index.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    parser = _Ids()
    parser.feed(text)
    assert parser.scripts == 1 and parser.external == []
    assert any("no mapping file" in w for w in result.warnings)


def test_two_builds_are_identical(kg: attachgraph.KnowledgeGraph, tmp_path: Path) -> None:
    first = build_docs(kg, tmp_path / "a").index.read_bytes()
    second = build_docs(kg, tmp_path / "b").index.read_bytes()
    assert first == second


@pytest.mark.browser
def test_page_opens_offline_in_chromium_with_every_term(docs, kg: attachgraph.KnowledgeGraph, artifacts: Path) -> None:
    from playwright.sync_api import sync_playwright

    result, _ = docs
    anchors = sorted(anchor(iri) for iri in _typed_terms(kg))
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(result.index.as_uri())
        missing = page.evaluate("ids => ids.filter(id => !document.getElementById(id))", anchors)
        assert missing == []
        assert page.locator("article.term").count() == len(anchors)
        assert page.locator("article.question").count() == result.questions
        page.fill("#filter", "cortisol")
        visible = page.locator("article.term:not(.hidden)")
        assert 0 < visible.count() < len(anchors)
        assert all("cortisol" in (visible.nth(i).get_attribute("data-search") or "") for i in range(visible.count()))
        page.goto(result.index.as_uri() + "#HPAAxisDysregulation")
        page.screenshot(path=str(artifacts / "docs-term.png"))
        browser.close()
    assert requests and all(url.startswith(result.index.as_uri()) for url in requests), requests
    assert errors == []


def _html(text: str | None) -> str:
    import html

    return html.escape(text or "", quote=True)


def _entry(text: str, ident: str, tag: str = "article") -> str:
    match = re.search(rf'<{tag}[^>]* id="{re.escape(ident)}".*?</{tag}>', text, flags=re.S)
    assert match, f"no entry {ident}"
    return match.group(0)
