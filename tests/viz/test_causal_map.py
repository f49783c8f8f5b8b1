"""The HTML map as a file: self-contained, reproducible, escaped, complete."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest

import attachgraph
from attachgraph.namespaces import AG
from attachgraph.network import to_networkx
from attachgraph.viz.causal_map import CausalMap, draw_causal_map, render_causal_map

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


@pytest.fixture(scope="module")
def whole(G: nx.DiGraph) -> CausalMap:
    return draw_causal_map(G)


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="ag-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


def test_self_contained_no_external_host(whole: CausalMap) -> None:
    """No src/href attribute and no stylesheet or font leaves the file; the policy forbids it too."""
    page = whole.html
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "@import" not in page and "url(http" not in page
    assert "cdn" not in page.lower().replace("cdnjs", "")  # no CDN reference of any kind
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp
    for script in scripts(page):  # every inline script is allowed by its hash, nothing else is
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "vis-network" in page and len(scripts(page)) == 2


def test_same_graph_same_bytes(G: nx.DiGraph, whole: CausalMap) -> None:
    """Two builds of the same map are byte-for-byte identical."""
    assert draw_causal_map(G).html == whole.html


def test_data_matches_the_graph(G: nx.DiGraph, whole: CausalMap) -> None:
    """Nodes, links, details, loops and search names reach the page."""
    data = page_data(whole.html)
    assert {n["id"] for n in data["nodes"]} == set(whole.selection.nodes)
    causal = [e for e in data["edges"] if e["id"].startswith("e")]
    assert {(e["from"], e["to"]) for e in causal} == set(G.edges())
    signs = {e["label"] for e in causal}
    assert signs == {"<b>+</b>", "<b>\N{MINUS SIGN}</b>"}
    assert all(e["color"]["color"] in ("#0072B2", "#D55E00") for e in causal)
    relief = "https://w3id.org/attachgraph/TemporaryRelief"
    assert data["info"][relief]["label"] == "temporary relief" and data["info"][relief]["definition"]
    assert {lp["id"] for lp in data["loops"]} == {"R1", "R2", "R3", "B1"}
    assert ["self-medication", "https://w3id.org/attachgraph/SubstanceUseAsExternalRegulation"] in data["search"]
    assert all(n["x"] == int(n["x"]) for n in data["nodes"])  # fixed positions, physics off
    assert data["options"]["physics"]["enabled"] is False


def test_page_has_every_part(whole: CausalMap) -> None:
    """Legend, details panel, loops, overlay, story, search, keys, text version, print style, disclaimer."""
    page = whole.html
    for part in ('id="ag-legend"', 'id="ag-details"', 'id="ag-loops"', 'id="ag-overlay"', 'id="ag-story"', 'id="ag-search"', 'id="ag-text"', "@media print"):
        assert part in page, part
    assert page.count("Not medical advice") >= 2
    text = page[page.index('<section class="ag-text"') : page.index("</section>")]
    assert "<table>" in text and "temporary relief" in text and "para 20" in text
    assert 'role="application"' in page and 'aria-live="polite"' in page


def test_every_text_is_escaped() -> None:
    """A label with markup shows as text: no tag reaches the page, the JSON keeps the string."""
    G = nx.DiGraph()
    G.add_node("https://example.org/x", label=EVIL, stage="psychology", category="affective state", synonyms=['"quoted" & <b>bold</b>'], definition="</script><script>alert(2)</script>")
    G.add_node("https://example.org/y", label="plain", stage="behaviour", category="behaviour")
    G.add_edge("https://example.org/x", "https://example.org/y", sign=-1, paraphrase="<svg onload=alert(3)>", locators=["p. 1"], grade="expert opinion")
    m = draw_causal_map(G, title=EVIL)
    page = m.html
    for raw in (EVIL, "<svg onload", "<b>bold</b>", "<script>alert(2)"):
        assert raw not in page
    assert html.escape(EVIL) in page  # as text in the title and the text version
    data = page_data(page)
    assert data["info"]["https://example.org/x"]["label"] == EVIL
    assert data["edgeInfo"]["e0"]["paraphrase"] == "<svg onload=alert(3)>"


def test_options_change_the_page(G: nx.DiGraph) -> None:
    """--story, --interventions, --focus and --title are carried into the page."""
    data = page_data(draw_causal_map(G, view="core", story=True, interventions=True, title="My class").html)
    assert data["storyStart"] is True and data["overlay"]["on"] is True and data["title"] == "My class"
    assert len(data["story"]) >= 5 and all(s["caption"] for s in data["story"])
    focus = page_data(draw_causal_map(G, focus="HPA axis dysregulation", steps=1).html)
    assert focus["initialFocus"] == "https://w3id.org/attachgraph/HPAAxisDysregulation"
    assert page_data(draw_causal_map(G, view="treatment").html)["overlay"]["on"] is True
    assert page_data(draw_causal_map(G).html)["overlay"]["on"] is False


def test_what_if_marks_match_the_analysis(G: nx.DiGraph, whole: CausalMap) -> None:
    """The what-if table in the page is attachgraph.analysis.what_if, bound 5."""
    from attachgraph.analysis import what_if

    use = "https://w3id.org/attachgraph/SubstanceUseAsExternalRegulation"
    data = page_data(whole.html)
    expected = what_if(G, use, "up", max_length=data["whatifLength"])
    assert dict(map(tuple, data["whatif"][use])) == {n: e.direction for n, e in expected.effects.items()}
    assert data["whatifFeedback"][use] == expected.feedback.direction


def test_notebook_display_and_writing(tmp_path: Path, G: nx.DiGraph) -> None:
    """_repr_html_ is an iframe with the page in srcdoc; write() and render_causal_map save it."""
    m = draw_causal_map(G, view="cycle")
    frame = m._repr_html_()
    assert frame.startswith("<iframe") and 'sandbox="allow-scripts' in frame
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1)) == m.html
    out = m.write(tmp_path / "sub" / "map.html")
    assert out.read_text(encoding="utf-8") == m.html
    page = render_causal_map(G, tmp_path / "again.html", view="cycle")
    assert page == m.html == (tmp_path / "again.html").read_text(encoding="utf-8")
    assert "6 concepts" in repr(m)


def test_size_budget(whole: CausalMap) -> None:
    """The whole map stays under 1 MB (vis-network itself is about 470 KB of it)."""
    assert len(whole.html.encode("utf-8")) < 1_000_000


def test_overlay_starts_on_when_asked_for(G: nx.DiGraph) -> None:
    """Focusing on an intervention (or a concept only treatment touches) switches the layer on."""
    assert page_data(draw_causal_map(G, focus="psychoeducation", steps=1).html)["overlay"]["on"] is True
    assert page_data(draw_causal_map(G, focus="shame", steps=1).html)["overlay"]["on"] is True
    assert page_data(draw_causal_map(G, focus="temporary relief", steps=1).html)["overlay"]["on"] is False
    assert page_data(draw_causal_map(G, focus="psychoeducation", interventions=False).html)["overlay"]["on"] is False


# --- graphs extended with users' own claims ------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extension" / "extension.ttl"
USER = "urn:attachgraph:user:"


@pytest.fixture(scope="module")
def extended() -> nx.DiGraph:
    return to_networkx(attachgraph.load([EXAMPLE]))


def _edge_id(data: dict, u: str, v: str) -> str:
    return next(e["id"] for e in data["edges"] if (e["from"], e["to"]) == (u, v))


def test_extension_links_are_marked_and_cited(extended: nx.DiGraph) -> None:
    """A user's link carries its citation mark, grade, source and DOI; the article's links carry none."""
    m = draw_causal_map(extended, interventions=True)
    data = page_data(m.html)
    trial = data["edgeInfo"][_edge_id(data, USER + "PeerSupportParticipation", AG + "RelapseRisk")]
    assert trial["extension"] is True and trial["mark"] == "[3]" and trial["rank"] == 6
    assert trial["doi"] == "https://doi.org/10.5555/attachgraph.example.0003" and trial["source"].startswith("Example D. (2022)")
    bundled = data["edgeInfo"][_edge_id(data, AG + "TemporaryRelief", AG + "EmotionalDistress")]
    assert bundled["extension"] is False and bundled["mark"] == "" and bundled["doi"] is None
    marked = {eid for eid, info in data["edgeInfo"].items() if info["mark"]}
    assert len(marked) == 7 == sum(1 for *_, d in extended.edges(data=True) if d["extension"])
    page = m.html
    legend = page[page.index('id="ag-legend"') : page.index("</div>", page.index('id="ag-legend"'))]
    assert "from your extension:" in legend and "[3]</span> Example D. (2022)" in legend
    assert "thicker line: stronger evidence" in legend
    text = page[page.index('<section class="ag-text"') : page.index("</section>")]
    assert "Works cited by your extension" in text and "https://doi.org/10.5555/attachgraph.example.0001" in text
    assert "<th scope=\"col\">Source</th>" in text and "the source article" in text


def test_texts_stay_true_with_extensions(extended: nx.DiGraph, whole: CausalMap) -> None:
    """Disclaimer, how-to-read and footer count the user's claims; the bundled map keeps its own words."""
    page = draw_causal_map(extended).html
    assert "what one narrative article claims, plus 7 claims from your extension(s)" in page
    assert "Each arrow is a claim of the source:" not in page and "of a work cited in your extension (7 claims)" in page
    assert "(7 from your extension)" in page and "a work cited by your extension" in page
    bundled = whole.html
    assert "Each arrow is a claim of the source: the concept at its tail changes the concept at its head." in bundled
    assert "from your extension" not in bundled and "thicker line" not in bundled and "Works cited" not in bundled
    assert "Every link cites the paragraphs of the source it comes from." in bundled


def test_a_narrative_grade_user_claim_still_looks_like_the_users(tmp_path: Path, G: nx.DiGraph) -> None:
    """A rank-1 claim from an extension is drawn like the article's rank-1 claims, plus its mark."""
    extra = tmp_path / "narrative.ttl"
    extra.write_text(
        """@prefix ag: <https://w3id.org/attachgraph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<urn:attachgraph:user:claim-n> a ag:CausalClaim ;
    ag:cause ag:Shame ; ag:effect ag:Addiction ; ag:polarity ag:polarity-positive ;
    ag:mechanism ag:mechanism-emotion-regulation ; ag:phase ag:phase-active-use ;
    ag:evidenceGrade ag:grade-narrative-claim ; ag:locator "ch. 2" ;
    ag:paraphrase "An illustrative claim of a made-up narrative essay."@en ;
    dcterms:source <urn:attachgraph:user:source-n> .
<urn:attachgraph:user:source-n> a ag:SourceDocument ;
    dcterms:bibliographicCitation "Example N. (2018). A made-up essay. NOT A REAL REFERENCE." ;
    dcterms:identifier "https://doi.org/10.5555/attachgraph.example.0042" .
""",
        encoding="utf-8",
    )
    H = to_networkx(attachgraph.load([extra]))
    data = page_data(draw_causal_map(H).html)
    user = _edge_id(data, AG + "Shame", AG + "Addiction")
    info = data["edgeInfo"][user]
    assert info["rank"] == 1 and info["mark"] == "[1]" and info["doi"].endswith("example.0042")
    record = next(e for e in data["edges"] if e["id"] == user)
    article = next(e for e in data["edges"] if e["id"].startswith("e") and data["edgeInfo"][e["id"]]["rank"] == 1 and e["id"] != user)
    assert (record["width"], record["dashes"]) == (article["width"], article["dashes"])  # the mark is the difference
    assert data["edgeInfo"][article["id"]]["mark"] == ""


def test_min_grade_in_the_page(extended: nx.DiGraph, whole: CausalMap) -> None:
    """min_grade leaves weaker links out of the file; the page's control offers the ranks that are present."""
    strong = draw_causal_map(extended, min_grade="cohort study", interventions=True)
    data = page_data(strong.html)
    assert {info["rank"] for info in data["edgeInfo"].values()} == {5, 6}
    assert [g["rank"] for g in data["grades"]] == [5, 6] and data["minGrade"] == 5
    assert "(evidence of at least cohort or case-control study)" in strong.title
    full = page_data(draw_causal_map(extended).html)
    assert [g["rank"] for g in full["grades"]] == list(range(0, 7)) and full["minGrade"] == 0
    assert [g["count"] for g in full["grades"]][0] == len(full["edgeInfo"])
    assert 'id="ag-grade"' in whole.html and ">any: all " in whole.html  # the bundled map filters too (rank 0 or 1)
    rows = re.findall(r'<tr data-edge="(e\d+)">', whole.html)
    assert sorted(rows) == sorted(k for k in page_data(whole.html)["edgeInfo"])


def test_citations_from_extensions_are_escaped() -> None:
    """A citation or DOI with markup reaches the page only as text (legend, table, works list, data)."""
    G = nx.DiGraph(sources=[{"iri": "urn:x:s", "title": EVIL, "short": EVIL, "doi": "</script><b>doi</b>", "key": 1}])
    G.add_node("urn:x:a", label="a", stage="psychology", category="affective state")
    G.add_node("urn:x:b", label="b", stage="behaviour", category="behaviour")
    G.add_edge("urn:x:a", "urn:x:b", sign=1, grade_rank=5, grade="cohort", extension=True, source=EVIL, doi="</script><b>doi</b>", source_keys=[1])
    page = draw_causal_map(G).html
    for raw in (EVIL, "<b>doi</b>", "</script><b>"):
        assert raw not in page
    assert page.count(html.escape(EVIL)) >= 3  # legend (title and text), link table, works cited
    info = page_data(page)["edgeInfo"]["e0"]
    assert info["source"] == EVIL and info["doi"] == "</script><b>doi</b>" and info["mark"] == "[1]"
