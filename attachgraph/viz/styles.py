"""The single source of the visual encoding, shared by the HTML map and every static export.

Polarity is never shown by colour alone: every link carries a large sign ("+" increases,
"\N{MINUS SIGN}" decreases) and a colour from the Okabe-Ito palette, which stays distinct for
the common forms of colour blindness: blue ``#0072B2`` for "+", vermillion ``#D55E00`` for
"\N{MINUS SIGN}". Links the curators inferred (evidence rank 0) are dashed; stronger evidence
draws a thicker line (:data:`EDGE_WIDTH`).

Links that rest on a claim from a user's extension, not on the bundled article, carry a citation
mark: a dark tag with the number of the cited work, "[1]", "[2]", ... (:func:`source_mark`),
which the legend resolves ("from your extension: Example A. (2024)"). So a user claim never looks
like one of the article's, whatever its grade.

Concepts are coloured by stage (the columns of the map, light fills with dark text and a dark
border, all at WCAG contrast) and shaped by kind: square-cornered boxes for experiences, acts
and outcomes, rounded pills for states and processes, boxes with a heavy border for
interventions and levels of care.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BACKGROUND",
    "EDGE_WIDTH",
    "MARK_FILL",
    "MARK_TEXT",
    "FONT_FAMILY",
    "LABEL_WIDTH",
    "NEGATIVE",
    "NOT_MEDICAL_ADVICE",
    "POSITIVE",
    "SHAPE_KINDS",
    "SIGN_GLYPH",
    "SIGN_WORD",
    "STAGE_STYLES",
    "TEXT",
    "NodeStyle",
    "contrast",
    "edge_style",
    "node_style",
    "not_medical_advice",
    "shape_kind",
    "source_mark",
    "widths_vary",
]

#: Colour of "+" links (Okabe-Ito blue).
POSITIVE = "#0072B2"
#: Colour of "-" links (Okabe-Ito vermillion).
NEGATIVE = "#D55E00"
#: Text and outlines.
TEXT = "#1A1A1A"
BACKGROUND = "#FFFFFF"
#: Fonts available offline on classroom machines (no web fonts are loaded).
FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif"
#: The width at which a concept label wraps, in pixels.
LABEL_WIDTH = 150
#: The glyph drawn on each link, by sign (a true minus sign, as wide as the plus).
SIGN_GLYPH = {1: "+", -1: "\N{MINUS SIGN}"}
SIGN_WORD = {1: "increases", -1: "decreases"}
#: Line width of a link by evidence rank 0..7 (curator inference .. systematic review).
EDGE_WIDTH = {0: 2.5, 1: 2.5, 2: 3.0, 3: 3.0, 4: 3.5, 5: 4.0, 6: 4.5, 7: 5.0}

#: Fill and text colour of the citation mark on links from users' extensions (21:1 contrast).
MARK_FILL = "#1A1A1A"
MARK_TEXT = "#FFFFFF"

NOT_MEDICAL_ADVICE = (
    "Not medical advice: this map shows what one narrative article claims, for research and teaching. "
    "It is no guide to diagnosis or treatment."
)


def not_medical_advice(extension_claims: int = 0) -> str:
    """Return the not-medical-advice line, true to what the map holds.

    Examples
    --------
    >>> not_medical_advice() == NOT_MEDICAL_ADVICE
    True
    >>> not_medical_advice(7)[:95]
    'Not medical advice: this map shows what one narrative article claims, plus 7 claims from your e'
    """
    if extension_claims <= 0:
        return NOT_MEDICAL_ADVICE
    claims = "1 claim" if extension_claims == 1 else f"{extension_claims} claims"
    return (
        f"Not medical advice: this map shows what one narrative article claims, plus {claims} from your extension(s), "
        "for research and teaching. It is no guide to diagnosis or treatment."
    )


def source_mark(keys: list[int] | tuple[int, ...]) -> str:
    """Return the citation mark of a link from an extension: "[2]", "[1, 3]" ("" for none).

    Examples
    --------
    >>> source_mark([2]), source_mark([1, 3]), source_mark([])
    ('[2]', '[1, 3]', '')
    """
    return f"[{', '.join(str(k) for k in keys)}]" if keys else ""


def widths_vary(ranks: list[int] | set[int]) -> bool:
    """True when links of these evidence ranks are drawn at more than one width (legend it then).

    Examples
    --------
    >>> widths_vary({0, 1}), widths_vary({1, 5})
    (False, True)
    """
    return len({EDGE_WIDTH[max(0, min(7, int(r)))] for r in ranks}) > 1


@dataclass(frozen=True)
class StageStyle:
    """Fill and border of the concepts of one stage."""

    fill: str
    border: str
    name: str


#: Stage colours: Okabe-Ito hues as light fills (dark text on them) with darkened borders.
STAGE_STYLES: dict[str, StageStyle] = {
    "early caregiving": StageStyle("#FBE3B0", "#8F5F00", "orange"),
    "neurobiology": StageStyle("#D4ECFA", "#1F6E99", "sky blue"),
    "psychology": StageStyle("#F8F1B4", "#7A6F00", "yellow"),
    "behaviour": StageStyle("#F3D7E7", "#9B4A78", "reddish purple"),
    "recovery": StageStyle("#E6E6E6", "#595959", "grey"),
    "treatment": StageStyle("#C9EEE0", "#00775A", "bluish green"),
}
_FALLBACK_STAGE = "psychology"

#: Shape of each kind of concept: (corner radius in pixels, what it stands for). All are
#: boxes with the label inside; states and processes get fully rounded ends (a pill).
SHAPE_KINDS: dict[str, tuple[int, str]] = {
    "event": (0, "experience, act or outcome"),
    "state": (22, "state, capacity or process"),
    "intervention": (0, "intervention or level of care"),
}
_KIND_OF_CATEGORY = {
    "early relational experience": "event",
    "recovery challenge": "event",
    "behaviour": "event",
    "clinical outcome": "event",
    "clinical indicator": "event",
    "intervention": "intervention",
    "level of care": "intervention",
}


def shape_kind(category: str) -> str:
    """Return "event", "state" or "intervention" for a concept category.

    Examples
    --------
    >>> shape_kind("behaviour"), shape_kind("affective state"), shape_kind("level of care")
    ('event', 'state', 'intervention')
    """
    return _KIND_OF_CATEGORY.get(category, "state")


@dataclass(frozen=True)
class NodeStyle:
    """How one concept is drawn."""

    radius: int
    fill: str
    border: str
    border_width: int
    kind: str


def node_style(stage: str, category: str) -> NodeStyle:
    """Return the style of a concept from its stage and category.

    Examples
    --------
    >>> node_style("treatment", "intervention").border_width
    5
    """
    colours = STAGE_STYLES.get(stage, STAGE_STYLES[_FALLBACK_STAGE])
    kind = shape_kind(category)
    return NodeStyle(SHAPE_KINDS[kind][0], colours.fill, colours.border, 5 if kind == "intervention" else 2, kind)


@dataclass(frozen=True)
class EdgeStyle:
    """How one causal link is drawn."""

    colour: str
    glyph: str
    word: str
    width: float
    dashed: bool


def edge_style(sign: int, grade_rank: int = 1) -> EdgeStyle:
    """Return the style of a link from its sign and evidence rank.

    Examples
    --------
    >>> style = edge_style(-1, 0)
    >>> style.colour, style.glyph, style.dashed
    ('#D55E00', '−', True)
    """
    positive = sign > 0
    rank = max(0, min(7, int(grade_rank)))
    return EdgeStyle(
        POSITIVE if positive else NEGATIVE,
        SIGN_GLYPH[1 if positive else -1],
        SIGN_WORD[1 if positive else -1],
        EDGE_WIDTH[rank],
        rank == 0,
    )


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str = BACKGROUND) -> float:
    """Return the WCAG 2 contrast ratio of two ``#RRGGBB`` colours.

    Examples
    --------
    >>> round(contrast("#0072B2"), 1)
    5.2
    """
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
