"""Static and exchange exports: each parses in its own tool's terms, keeps signs, is reproducible."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

import attachgraph
from attachgraph.errors import MapError, MissingDependencyError
from attachgraph.network import to_networkx
import attachgraph.viz.export as export_module
from attachgraph.viz.export import EXPORT_FORMATS, export
from attachgraph.viz.views import select

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<img src=x onerror=alert(1)> "quoted" # &'


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


@pytest.fixture(scope="module")
def evil() -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_node("https://example.org/x", label=EVIL, stage="psychology", category="affective state")
    G.add_node("https://example.org/y", label="plain", stage="behaviour", category="behaviour")
    G.add_edge("https://example.org/x", "https://example.org/y", sign=-1, grade_rank=1)
    return G


def test_svg_has_signs_legend_and_disclaimer(G: nx.DiGraph) -> None:
    """The SVG parses as XML and carries a glyph per link, loop badges, the legend and the line."""
    svg = export(G, "svg", view="cycle")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    glyphs = [t for t in texts if t in ("+", "\N{MINUS SIGN}")]
    assert len(glyphs) == 9 + 2  # nine links plus the two legend samples
    assert "\N{MINUS SIGN}" in glyphs and {"R1", "R2", "R3", "B1"} <= set(texts)
    assert "+ increases" in texts and "\N{MINUS SIGN} decreases" in texts
    assert any(t and t.startswith("Not medical advice") for t in texts)
    colours = {p.get("stroke") for p in root.iter(f"{SVG}path") if p.get("marker-end")}
    assert colours == {"#0072B2", "#D55E00"}


def test_svg_escapes_labels(evil: nx.DiGraph) -> None:
    """Markup in a label is text in the SVG, never an element."""
    root = ET.fromstring(export(evil, "svg"))
    assert not list(root.iter(f"{SVG}img")) and not list(root.iter("img"))
    assert any(EVIL in (t.text or "") for t in root.iter(f"{SVG}title"))


def test_text_exports_escape_labels(evil: nx.DiGraph) -> None:
    """Mermaid and DOT quote labels so that markup and quotes cannot break out."""
    mermaid = export(evil, "mermaid")
    assert "<img" not in mermaid and "#60;img src=x onerror=alert(1)#62; #quot;quoted#quot; #35; #38;" in mermaid
    dot = export(evil, "dot")
    assert '\\"quoted\\"' in dot and dot.count("{") == dot.count("}")


def test_mermaid_and_dot_structure(G: nx.DiGraph) -> None:
    """Mermaid is a left-to-right flowchart with stage subgraphs; DOT a digraph with coloured edges."""
    links = len(select(G, view="core").edges)
    mermaid = export(G, "mermaid", view="core")
    assert "flowchart LR" in mermaid and 'subgraph stage0["early caregiving"]' in mermaid
    assert mermaid.count('-->|"+"|') + mermaid.count('-.->|"+"|') + mermaid.count('|"\N{MINUS SIGN}"|') == links > 15
    dot = export(G, "dot", view="core")
    assert dot.startswith("digraph attachgraph {") and "rankdir=LR" in dot
    assert dot.count(" -> ") == links and 'color="#D55E00"' in dot


def test_graphml_and_gexf_round_trip(G: nx.DiGraph, tmp_path: Path) -> None:
    """networkx reads the files back with the same nodes, edges, signs and labels."""
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        path = tmp_path / f"map.{fmt}"
        export(G, fmt, path, interventions=True)
        back = reader(path)
        assert set(back.nodes()) >= {n for n in G if G.degree(n)}
        assert back.number_of_edges() == G.number_of_edges()
        u, v = "https://w3id.org/attachgraph/TemporaryRelief", "https://w3id.org/attachgraph/EmotionalDistress"
        assert int(back.edges[u, v]["sign"]) == -1
        assert back.nodes[u]["label"] == "temporary relief"
    assert "lastmodifieddate" not in (tmp_path / "map.gexf").read_text(encoding="utf-8")


def test_cytoscape_json(G: nx.DiGraph) -> None:
    """Cytoscape JSON has elements with positions; networkx's reader accepts it."""
    doc = json.loads(export(G, "cytoscape", view="cycle"))
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    assert len(nodes) == 6 and len(edges) == 9
    assert all("x" in n["position"] and n["data"]["name"] for n in nodes)
    assert {e["data"]["interaction"] for e in edges} == {"increases", "decreases"}
    assert nx.cytoscape_graph(doc).number_of_edges() == 9


@pytest.mark.parametrize("fmt", [f for f in EXPORT_FORMATS if f != "png"])
def test_exports_are_reproducible(G: nx.DiGraph, fmt: str) -> None:
    """The same graph exports to the same bytes."""
    assert export(G, fmt, view="core") == export(G, fmt, view="core")


def test_unknown_format_and_missing_chromium(G: nx.DiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bad format is a usage error; PNG without Chromium says how to get it or to use SVG."""
    with pytest.raises(MapError, match="svg"):
        export(G, "jpeg")
    monkeypatch.setattr(export_module, "find_chromium", lambda: None)
    with pytest.raises(MissingDependencyError, match="--format svg"):
        export(G, "png", view="cycle")


@pytest.mark.browser
def test_png_renders_offline(G: nx.DiGraph, tmp_path: Path, artifacts: Path) -> None:
    """Chromium renders the SVG to a PNG of the drawing's size times the scale."""
    data = export(G, "png", tmp_path / "cycle.png", view="cycle", scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    root = ET.fromstring(export(G, "svg", view="cycle"))
    assert (width, height) == (round(float(root.get("width"))), round(float(root.get("height"))))
    export(G, "png", artifacts / "export-core.png", view="core")


# --- graphs extended with users' own claims ------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extension" / "extension.ttl"


@pytest.fixture(scope="module")
def extended() -> nx.DiGraph:
    return to_networkx(attachgraph.load([EXAMPLE]))


def test_svg_marks_extension_links_and_lists_their_works(extended: nx.DiGraph) -> None:
    """Each extension link gets a [n] mark; the legend explains it and the works are listed with DOIs."""
    root = ET.fromstring(export(extended, "svg", focus="sleep disruption", steps=1))
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert sorted(t for t in texts if t in ("[1]", "[2]")) == ["[1]", "[1]", "[2]", "[2]"]  # 1 + 2 links, 1 legend sample
    assert "from your extension: the work [n] listed below" in texts and "thicker line: stronger evidence" in texts
    cited = " ".join(t for t in texts if t.startswith(("[1] ", "[2] ", "    ")))
    assert "https://doi.org/10.5555/attachgraph.example.0001" in cited and "https://doi.org/10.5555/attachgraph.example.0002" in cited
    assert any("plus 3 claims from your extension(s)" in t for t in texts)
    assert "4 concepts, 4 links (3 from your extension), 0 loops" in texts
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(t and t.startswith("from your extension: Example A. (2024)") for t in titles)


def test_bundled_svg_has_no_extension_marks(G: nx.DiGraph) -> None:
    """Without extensions the drawing says what one article claims and has no marks or works list."""
    svg = export(G, "svg", view="core")
    assert "from your extension" not in svg and "Works cited" not in svg and "thicker line" not in svg
    assert "Not medical advice: this map shows what one narrative article claims, for research and teaching." in svg


def test_text_and_exchange_exports_carry_the_provenance(extended: nx.DiGraph) -> None:
    """Mermaid and DOT put the mark in the label and the works in a comment or the title; GraphML keeps attributes."""
    mermaid = export(extended, "mermaid", min_grade="RCT", interventions=True)
    assert mermaid.count('|"\N{MINUS SIGN} [3]"|') == 2 and "%% [3] from your extension: Example D. (2022)" in mermaid
    assert "https://doi.org/10.5555/attachgraph.example.0003" in mermaid and "plus 2 claims" in mermaid
    dot = export(extended, "dot", focus="sleep disruption", steps=1)
    assert 'label="+ [2]"' in dot and "[1] from your extension: Example A. (2024)" in dot
    graph = nx.parse_graphml(export(extended, "graphml", focus="sleep disruption", steps=1))
    u, v = "urn:attachgraph:user:SleepDisruption", "https://w3id.org/attachgraph/RelapseRisk"
    assert graph.edges[u, v]["extension"] is True and graph.edges[u, v]["doi"].endswith("example.0002")
    assert str(graph.edges[u, v]["source_keys"]) == "2" and "evidence" not in graph.edges[u, v]
    cyjs = json.loads(export(extended, "cytoscape", min_grade=6, interventions=True))
    assert {e["data"]["cited_source"][:17] for e in cyjs["elements"]["edges"]} == {"Example D. (2022)"}


def test_min_grade_exports(G: nx.DiGraph, extended: nx.DiGraph) -> None:
    """min_grade narrows every export; a grade that leaves nothing is an error, not an empty drawing."""
    assert export(G, "dot", min_grade=1).count(" -> ") < export(G, "dot").count(" -> ")
    with pytest.raises(MapError, match="lower --min-grade"):
        export(G, "svg", min_grade="cohort study")
    assert export(extended, "mermaid", min_grade=5).count("-->") == 2  # the cohort's two links; the trial's are treatment


def test_citations_from_extensions_are_escaped_in_exports() -> None:
    """A hostile citation stays text in SVG, one comment line in Mermaid, one quoted string in DOT."""
    G = nx.DiGraph(sources=[{"iri": "urn:x:s", "title": EVIL + "\n%% injected", "short": "x", "doi": "", "key": 1}])
    G.add_node("urn:x:a", label="a", stage="psychology", category="affective state")
    G.add_node("urn:x:b", label="b", stage="behaviour", category="behaviour")
    G.add_edge("urn:x:a", "urn:x:b", sign=1, grade_rank=5, extension=True, source=EVIL, source_keys=[1])
    root = ET.fromstring(export(G, "svg"))
    assert not list(root.iter(f"{SVG}img")) and any(EVIL in (t.text or "") for t in root.iter(f"{SVG}text"))
    mermaid = export(G, "mermaid")
    assert "\n%% injected" not in mermaid and "%% [1] from your extension: <img src=x" in mermaid
    dot = export(G, "dot")
    assert dot.count("{") == dot.count("}") and '\\"quoted\\"' in dot
