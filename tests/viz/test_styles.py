"""The visual encoding: colour-blind-safe signs, never colour alone, contrast that projects."""

from __future__ import annotations

from attachgraph.viz import styles


def test_polarity_uses_okabe_ito_and_a_glyph() -> None:
    """+ is Okabe-Ito blue with "+", - is vermillion with a true minus sign."""
    plus, minus = styles.edge_style(1), styles.edge_style(-1)
    assert (plus.colour, minus.colour) == ("#0072B2", "#D55E00")
    assert (plus.glyph, minus.glyph) == ("+", "\N{MINUS SIGN}")
    assert (plus.word, minus.word) == ("increases", "decreases")


def test_evidence_changes_dash_and_width_not_colour() -> None:
    """Curator inferences are dashed; stronger grades draw thicker; colour stays the sign's."""
    inferred, narrative, trial = styles.edge_style(1, 0), styles.edge_style(1, 1), styles.edge_style(1, 6)
    assert inferred.dashed and not narrative.dashed and not trial.dashed
    assert trial.width > narrative.width
    assert inferred.colour == narrative.colour == trial.colour
    assert styles.edge_style(-1, 99).width == styles.EDGE_WIDTH[7]  # out-of-scale ranks are clamped


def test_contrast_for_a_projector() -> None:
    """Lines and borders reach 3:1 on white; label text reaches 4.5:1 on every fill (WCAG 2.1)."""
    assert styles.contrast(styles.POSITIVE) >= 4.5 and styles.contrast(styles.NEGATIVE) >= 3
    for stage in styles.STAGE_STYLES.values():
        assert styles.contrast(styles.TEXT, stage.fill) >= 4.5, stage
        assert styles.contrast(stage.border) >= 3, stage
    assert round(styles.contrast("#000000"), 1) == 21.0


def test_shapes_and_borders_by_kind() -> None:
    """Events are square boxes, states rounded pills, interventions heavy-bordered boxes."""
    event = styles.node_style("early caregiving", "early relational experience")
    state = styles.node_style("psychology", "affective state")
    action = styles.node_style("treatment", "level of care")
    assert (event.kind, state.kind, action.kind) == ("event", "state", "intervention")
    assert event.radius == 0 < state.radius and action.border_width > event.border_width
    assert styles.node_style("nowhere", "made up").fill == styles.STAGE_STYLES["psychology"].fill


def test_every_stage_has_a_distinct_fill() -> None:
    """Six stages, six fills, and a name for each hue."""
    fills = [s.fill for s in styles.STAGE_STYLES.values()]
    assert len(set(fills)) == len(fills) == 6


def test_texts_and_marks_for_extensions() -> None:
    """The disclaimer counts extension claims; citation marks list their works; widths legend only when they vary."""
    assert styles.not_medical_advice(0) == styles.NOT_MEDICAL_ADVICE
    assert "plus 1 claim from your extension(s)" in styles.not_medical_advice(1)
    assert "plus 7 claims from your extension(s)" in styles.not_medical_advice(7)
    assert styles.not_medical_advice(7).startswith("Not medical advice")
    assert styles.source_mark([3]) == "[3]" and styles.source_mark([1, 4]) == "[1, 4]" and styles.source_mark([]) == ""
    assert not styles.widths_vary({0, 1}) and styles.widths_vary({1, 2}) and styles.widths_vary([1, 7])
    assert styles.contrast(styles.MARK_TEXT, styles.MARK_FILL) >= 7
