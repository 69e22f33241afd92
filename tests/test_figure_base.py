"""Tests for atlas/figure_base.py: a figure built in one step is still validated."""

import plotly.graph_objects as go
import pytest

from atlas.figure_base import one_figure


def test_one_figure_holds_the_traces_and_layout_given():
    """Test that the traces keep their order and type and the layout is the one given."""
    fig = one_figure([dict(type="scatter", x=[1], y=[2], name="a"),
                      dict(type="scattergeo", lon=[30], lat=[31], name="b")],
                     dict(height=200, margin=dict(l=1)))
    assert isinstance(fig, go.Figure)
    assert [(t.type, t.name) for t in fig.data] == [("scatter", "a"), ("scattergeo", "b")]
    assert fig.layout.height == 200 and fig.layout.margin.l == 1


@pytest.mark.parametrize(("traces", "layout"), [
    ([dict(type="scatter", colour="red")], {}),
    ([dict(type="scatter", mode="markers", marker=dict(symbol="no-such-symbol"))], {}),
    ([], dict(height="tall")),
])
def test_one_figure_rejects_what_plotly_would_not_draw(traces, layout):
    """Test that a misspelt property or a bad value fails when the figure is made."""
    with pytest.raises(ValueError):
        one_figure(traces, layout)
