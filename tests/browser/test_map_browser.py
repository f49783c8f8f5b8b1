"""The map in a real browser (headless Chromium) with every network request blocked.

Any request to a non-file URL fails the test, as does any console error. Screenshots are kept
in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import attachgraph
from attachgraph.network import to_networkx
from attachgraph.viz.causal_map import draw_causal_map

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EVIL = "<img src=x onerror=alert(1)>"
USE = "https://w3id.org/attachgraph/SubstanceUseAsExternalRegulation"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "extension" / "extension.ttl"
SLEEP = "urn:attachgraph:user:SleepDisruption"
RELAPSE = "https://w3id.org/attachgraph/RelapseRisk"
SHAME = "https://w3id.org/attachgraph/Shame"
RELIEF = "https://w3id.org/attachgraph/TemporaryRelief"


@pytest.fixture(scope="module")
def G(kg: attachgraph.KnowledgeGraph) -> nx.DiGraph:
    return to_networkx(kg)


@pytest.fixture(scope="module")
def maps(G: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("maps")
    evil = nx.DiGraph()
    evil.add_node("https://example.org/x", label=EVIL, stage="psychology", category="affective state", synonyms=["<b>bold</b>"], definition=EVIL)
    evil.add_node("https://example.org/y", label="plain", stage="behaviour", category="behaviour")
    evil.add_edge("https://example.org/x", "https://example.org/y", sign=-1, paraphrase=EVIL, locators=["p. 1"], grade="expert opinion")
    extended = to_networkx(attachgraph.load([EXAMPLE]))
    built = {
        "extended": draw_causal_map(extended, interventions=True),
        "whole": draw_causal_map(G),
        "core": draw_causal_map(G, view="core"),
        "overlay": draw_causal_map(G, interventions=True),
        "evil": draw_causal_map(evil, title=EVIL),
    }
    paths = {}
    for name, m in built.items():
        paths[name] = m.write(folder / f"{name}.html")
    return paths


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    """A page with the network cut off, recording refused requests, console errors and dialogs."""

    def __init__(self, browser: Any, width: int = 1600, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.refused: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort()

    def open(self, path: Path) -> float:
        start = time.perf_counter()
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        return time.perf_counter() - start

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def click_node(self, node: str) -> None:
        box = self.page.locator("#ag-map canvas").bounding_box()
        point = self.js(
            "id => { const m = window.attachgraphMap; return m.network.canvasToDOM(m.network.getPositions([id])[id]); }", node
        )
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])

    def clean(self) -> None:
        assert self.refused == [], f"requests to other hosts: {self.refused}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == []


@pytest.fixture()
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.page.close()


def test_whole_map_renders_offline(page: Page, maps: dict[str, Path], G: nx.DiGraph, artifacts: Path) -> None:
    """No request leaves the file, no console error; the canvas holds the expected nodes and edges."""
    seconds = page.open(maps["whole"])
    visible = page.js("() => attachgraphMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    linked = {n for n in G if G.degree(n)}
    overlay = set(page.js("() => attachgraphMap.data.overlay.nodes"))
    assert set(visible) == linked - overlay  # the treatment layer starts switched off
    edges = page.js("() => attachgraphMap.edges.get().filter(e => e.id.startsWith('e')).map(e => [e.from, e.to, e.label])")
    assert {(u, v) for u, v, _ in edges} == set(G.edges())
    assert {label for _, _, label in edges} == {"<b>+</b>", "<b>\N{MINUS SIGN}</b>"}
    painted = page.js(
        """() => { const c = document.querySelector('#ag-map canvas'); const ctx = c.getContext('2d');
        const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 16) { if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++; } return n; }"""
    )
    assert painted > 2000  # the canvas is drawn, not blank
    page.page.screenshot(path=str(artifacts / "map-whole.png"))
    (artifacts / "map-first-render-seconds.txt").write_text(f"{seconds:.3f}\n", encoding="utf-8")
    page.clean()


def test_click_opens_the_definition(page: Page, maps: dict[str, Path], G: nx.DiGraph, artifacts: Path) -> None:
    """Clicking a concept shows its label, plain-words and formal definitions, synonyms and IRI."""
    page.open(maps["core"])
    page.click_node(RELIEF)
    panel = page.page.locator("#ag-details-body")
    assert panel.locator("h3").inner_text() == "temporary relief"
    text = panel.inner_text()
    assert G.nodes[RELIEF]["definition"] in text and G.nodes[RELIEF]["informal_definition"] in text
    assert RELIEF in text and "it affects" in text.lower()
    page.page.locator("#ag-details-body .link-list button").first.click()  # follow a link to its evidence
    assert "where in the source" in panel.inner_text().lower() and "para" in panel.inner_text()
    page.page.screenshot(path=str(artifacts / "map-core-details.png"))
    page.clean()


def test_search_finds_a_concept_by_synonym(page: Page, maps: dict[str, Path]) -> None:
    """Typing a synonym lists the concept; Enter selects it and opens its details."""
    page.open(maps["whole"])
    page.page.fill("#ag-search", "self-medic")
    first = page.page.locator("#ag-results li").first
    assert "substance use as external regulation" in first.inner_text() and "self-medication" in first.inner_text()
    page.page.press("#ag-search", "Enter")
    assert page.page.locator("#ag-details-body h3").inner_text() == "substance use as external regulation"
    assert page.js("() => attachgraphMap.network.getSelectedNodes()") == [USE]
    page.clean()


def test_a_loop_highlights(page: Page, maps: dict[str, Path], artifacts: Path) -> None:
    """Choosing R1 fades everything outside the loop and explains it in the details panel."""
    page.open(maps["core"])
    page.page.locator('#ag-loops button[data-loop="R1"]').click()
    members = set(page.js("() => attachgraphMap.data.loops.find(l => l.id === 'R1').nodes"))
    assert members == {USE, RELIEF}
    opacity = page.js("() => Object.fromEntries(attachgraphMap.nodes.get().map(n => [n.id, n.opacity]))")
    assert all(opacity[n] == 1 for n in members) and all(v < 0.5 for n, v in opacity.items() if n not in members)
    assert page.page.locator('#ag-loops button[data-loop="R1"]').get_attribute("aria-pressed") == "true"
    assert "reinforcing" in page.page.locator("#ag-details-body").inner_text()
    page.page.wait_for_timeout(700)
    page.page.screenshot(path=str(artifacts / "map-loop-R1.png"))
    page.page.keyboard.press("Escape")
    assert page.js("() => attachgraphMap.state.highlight") is None
    page.clean()


def test_story_advances_and_goes_back(page: Page, maps: dict[str, Path], artifacts: Path) -> None:
    """Start story shows step 1 with a caption; N (or Next) advances, B goes back."""
    page.open(maps["core"])
    steps = page.js("() => attachgraphMap.data.story.length")
    page.page.click("#ag-story")
    caption = page.page.locator("#ag-caption")
    assert caption.is_visible() and page.page.locator("#ag-step-count").inner_text() == f"Step 1 of {steps}"
    first = page.page.locator("#ag-step-text").inner_text()
    page.page.keyboard.press("n")
    assert page.page.locator("#ag-step-count").inner_text() == f"Step 2 of {steps}"
    assert page.page.locator("#ag-step-text").inner_text() != first
    page.page.click("#ag-next")
    assert page.page.locator("#ag-step-count").inner_text() == f"Step 3 of {steps}"
    page.page.keyboard.press("b")
    assert page.page.locator("#ag-step-count").inner_text() == f"Step 2 of {steps}"
    for _ in range(steps):
        page.page.keyboard.press("PageDown")
    assert page.page.locator("#ag-step-count").inner_text() == f"Step {steps} of {steps}"
    page.page.wait_for_timeout(800)
    page.page.screenshot(path=str(artifacts / "map-story-last-step.png"))
    page.page.keyboard.press("Escape")
    assert not caption.is_visible()
    page.clean()


def test_keyboard_navigation(page: Page, maps: dict[str, Path]) -> None:
    """Tab into the map, arrows move between concepts, O steps along links, Enter follows one."""
    page.open(maps["core"])
    page.page.focus("#ag-map")
    start = page.js("() => attachgraphMap.state.selected && attachgraphMap.state.selected.id")
    assert start  # focusing the map selects a first concept
    page.page.keyboard.press("ArrowRight")
    moved = page.js("() => attachgraphMap.state.selected.id")
    assert moved != start
    page.page.keyboard.press("o")
    selected = page.js("() => attachgraphMap.state.selected")
    assert selected["kind"] == "edge"
    target = page.js("id => attachgraphMap.edges.get(id).to", selected["id"])
    page.page.keyboard.press("Enter")
    assert page.js("() => attachgraphMap.state.selected.id") == target
    assert page.page.locator("#ag-details-body h3").inner_text() == page.js("id => attachgraphMap.data.info[id].label", target)
    page.clean()


def test_overlay_focus_and_what_if(page: Page, maps: dict[str, Path], artifacts: Path) -> None:
    """The overlay shows interventions and the ranking; focus narrows; what-if marks concepts."""
    page.open(maps["whole"])
    hidden = "() => attachgraphMap.nodes.get('https://w3id.org/attachgraph/MotivationalInterviewing').hidden"
    assert page.js(hidden) is True
    page.page.click("#ag-overlay")
    assert page.js(hidden) is False and page.page.locator("#ag-ranking").is_visible()
    assert "attachment-informed addiction treatment" in page.page.locator("#ag-ranking").inner_text()
    page.page.wait_for_timeout(600)
    page.page.screenshot(path=str(artifacts / "map-whole-overlay.png"))
    page.js("id => attachgraphMap.selectNode(id, false)", USE)
    page.page.select_option("#ag-steps", "1")
    page.page.click("#ag-focus")
    shown = set(page.js("() => attachgraphMap.nodes.get({filter: n => !n.hidden}).map(n => n.id)"))
    neighbours = set(page.js("id => attachgraphMap.network.getConnectedNodes(id)", USE))
    assert shown == neighbours | {USE}
    page.page.get_by_role("button", name="It goes up").click()
    effects = page.js("() => attachgraphMap.state.whatif.effects")
    assert effects[RELIEF] == "up" and effects["https://w3id.org/attachgraph/EmotionalDistress"] == "ambiguous"
    assert "paths disagree" in page.page.locator("#ag-details-body").inner_text()
    page.page.wait_for_timeout(600)
    page.page.screenshot(path=str(artifacts / "map-focus-whatif.png"))
    page.page.click("#ag-all")
    assert len(page.js("() => attachgraphMap.nodes.get({filter: n => !n.hidden})")) > len(shown)
    page.clean()


def test_labels_with_markup_stay_text(page: Page, maps: dict[str, Path]) -> None:
    """A label like <img src=x onerror=alert(1)> runs nothing and shows as text everywhere."""
    page.open(maps["evil"])
    assert page.js("() => document.querySelectorAll('img, [onerror], [onload]').length") == 0
    assert page.page.locator("#ag-title").inner_text() == EVIL
    page.click_node("https://example.org/x")
    assert page.page.locator("#ag-details-body h3").inner_text() == EVIL
    page.page.fill("#ag-search", "bold")
    assert "<b>bold</b>" in page.page.locator("#ag-results").inner_text()
    assert EVIL in page.page.locator("#ag-text").inner_text()
    page.page.wait_for_timeout(300)
    page.clean()  # no dialog: alert() never ran


def test_print_style_and_notebook_frame(browser: Any, maps: dict[str, Path], G: nx.DiGraph, artifacts: Path) -> None:
    """Print hides the controls and keeps legend and text; the notebook iframe renders the map."""
    p = Page(browser)
    p.open(maps["core"])
    p.page.emulate_media(media="print")
    assert p.js("() => getComputedStyle(document.querySelector('.ag-side')).display") == "none"
    assert p.page.locator("#ag-legend").is_visible() and p.page.locator("#ag-text").is_visible()
    p.page.pdf(path=str(artifacts / "map-core-print.pdf"))
    p.clean()
    p.page.close()
    frame_page = Page(browser)
    frame = draw_causal_map(G, view="cycle")._repr_html_()
    frame_page.page.set_content(f"<!DOCTYPE html><html><body><h1>notebook</h1>{frame}</body></html>")
    inner = frame_page.page.frame_locator("iframe")
    inner.locator("body[data-ready=true]").wait_for(timeout=15_000)
    assert inner.locator("#ag-title").inner_text() == "The reinforcing cycle around substance use"
    frame_page.page.screenshot(path=str(artifacts / "map-notebook-frame.png"))
    frame_page.clean()
    frame_page.page.close()


# --- a graph extended with the worked example's claims -------------------------------------------


def edge_id(page: Page, u: str, v: str) -> str:
    return page.js("([u, v]) => attachgraphMap.data.edges.find(e => e.from === u && e.to === v).id", [u, v])


def pixel(page: Page, x: float, y: float) -> list[int]:
    """The colour drawn at canvas coordinates (x, y)."""
    return page.js(
        """([x, y]) => { const m = attachgraphMap, c = document.querySelector('#ag-map canvas');
        const p = m.network.canvasToDOM({x, y}), k = c.width / c.clientWidth;
        return Array.from(c.getContext('2d').getImageData(Math.round(p.x * k), Math.round(p.y * k), 1, 1).data); }""",
        [x, y],
    )


def test_extension_link_is_marked_and_its_details_give_the_doi(page: Page, maps: dict[str, Path], artifacts: Path) -> None:
    """A user's link carries a dark [n] tag on the canvas (the article's links none); its details cite the work and DOI."""
    page.open(maps["extended"])
    user, bundled = edge_id(page, SLEEP, RELAPSE), edge_id(page, "https://w3id.org/attachgraph/TemporaryRelief", "https://w3id.org/attachgraph/EmotionalDistress")
    page.click_node(SLEEP)
    page.page.wait_for_timeout(100)
    assert page.page.locator("#ag-details-body h3").inner_text() == "sleep disruption"
    assert "added by your extension" in page.page.locator("#ag-details-body").inner_text()
    page.page.locator("#ag-details-body .link-list li", has_text="relapse risk").locator("button").click()
    panel = page.page.locator("#ag-details-body")
    assert panel.locator("h3").inner_text() == "sleep disruption \N{RIGHTWARDS ARROW} relapse risk"
    text = panel.inner_text()
    assert "From your extension" in text and "[2]" in text and "cohort or case-control study (rank 5)" in text
    assert "https://doi.org/10.5555/attachgraph.example.0002" in text and "Example B. and Example C. (2023)" in text and "p. 7" in text
    page.page.wait_for_timeout(700)  # the view has flown to the link
    spots = page.js("() => attachgraphMap.markSpots")
    assert user in spots and bundled not in spots and len(spots) == 7
    spot = spots[user]
    assert max(pixel(page, spot["x"] - spot["w"] / 2 + 3, spot["y"])[:3]) < 60  # the tag's dark fill
    page.page.screenshot(path=str(artifacts / "map-extension-details.png"))
    legend = page.page.locator("#ag-legend").inner_text()
    assert "from your extension:" in legend and "[2] Example B. and Example C. (2023)" in legend and "thicker line" in legend
    page.clean()


def test_evidence_filter_hides_and_shows_links_live(page: Page, maps: dict[str, Path], artifacts: Path) -> None:
    """Choosing a grade hides weaker links (and concepts left without one), in the map and the text version."""
    page.open(maps["extended"])
    trial, cohort, opinion = edge_id(page, "urn:attachgraph:user:PeerSupportParticipation", RELAPSE), edge_id(page, SLEEP, RELAPSE), edge_id(page, SHAME, RELAPSE)
    hidden = "id => attachgraphMap.edges.get(id).hidden"
    assert not any(page.js(hidden, e) for e in (trial, cohort, opinion))
    total = page.js("() => Object.keys(attachgraphMap.data.edgeInfo).length")
    page.page.select_option("#ag-grade", "5")
    assert page.js(hidden, opinion) is True and page.js(hidden, cohort) is False and page.js(hidden, trial) is False
    shown = page.js("() => attachgraphMap.edges.get({filter: e => !e.hidden && e.id.startsWith('e')}).map(e => e.id)")
    ranks = page.js("ids => ids.map(id => attachgraphMap.data.edgeInfo[id].rank)", shown)
    assert len(shown) == 4 and min(ranks) >= 5
    assert page.js("id => attachgraphMap.nodes.get(id).hidden", SHAME) is True  # all its links are weaker
    assert page.page.locator("#ag-grade-status").inner_text().startswith(f"Showing 4 of {total} links: evidence of at least cohort")
    assert page.page.locator(f'#ag-text tr[data-edge="{opinion}"]').is_hidden()
    assert page.page.locator(f'#ag-text tr[data-edge="{cohort}"]').is_visible()
    page.page.wait_for_timeout(700)
    page.page.screenshot(path=str(artifacts / "map-extension-min-grade-5.png"))
    page.page.select_option("#ag-grade", "2")
    assert page.js(hidden, opinion) is False and page.js(hidden, cohort) is False
    page.page.select_option("#ag-grade", "6")
    assert page.js(hidden, cohort) is True and page.js(hidden, trial) is False
    # asking for something the filter hides brings it back: search for shame
    page.page.fill("#ag-search", "shame")
    page.page.press("#ag-search", "Enter")
    assert page.js("id => attachgraphMap.nodes.get(id).hidden", SHAME) is False
    assert int(page.page.locator("#ag-grade").input_value()) <= 2
    page.page.click("#ag-all")  # Show all: every link again
    assert page.page.locator("#ag-grade").input_value() == "0" and page.page.locator("#ag-grade-status").inner_text() == ""
    assert len(page.js("() => attachgraphMap.edges.get({filter: e => !e.hidden && e.id.startsWith('e')})")) == total
    page.clean()


def test_bundled_map_has_no_marks_and_filters_only_inferred_links(page: Page, maps: dict[str, Path], G: nx.DiGraph) -> None:
    """Without extensions nothing is marked; the filter's only step hides the curators' inferences."""
    page.open(maps["whole"])
    assert page.js("() => Object.keys(attachgraphMap.markSpots).length") == 0
    assert "from your extension" not in page.page.locator("body").inner_text()
    options = page.page.locator("#ag-grade option").all_inner_texts()
    assert len(options) == 2 and options[0].startswith("any: all") and options[1] == "1 claim of a narrative source"
    before = page.js("() => attachgraphMap.edges.get({filter: e => !e.hidden}).length")
    page.page.select_option("#ag-grade", "1")
    after = page.js("() => attachgraphMap.edges.get({filter: e => !e.hidden}).map(e => attachgraphMap.data.edgeInfo[e.id])")
    assert 0 < len(after) < before and all(info["rank"] == 1 for info in after if info)
    page.page.select_option("#ag-grade", "0")
    assert page.js("() => attachgraphMap.edges.get({filter: e => !e.hidden}).length") == before
    page.clean()


def test_a_level_of_care_lists_what_it_includes(page: Page, maps: dict[str, Path]) -> None:
    """A level of care's details list its "includes" links (no sign, no evidence) and follow them to the concept."""
    page.open(maps["overlay"])
    page.click_node("https://w3id.org/attachgraph/SelfManagement")
    panel = page.page.locator("#ag-details-body")
    assert panel.locator("h3").inner_text() == "self-management"
    panel.get_by_role("button", name="includes psychoeducation").click()
    assert panel.locator("h3").inner_text() == "psychoeducation"
    page.clean()
