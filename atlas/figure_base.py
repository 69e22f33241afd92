"""What the atlas's Plotly figures share: built in one step, data text escaped, no fading.

Every builder makes a list of traces (dicts with their ``type``) and one layout dict, then one
figure with :func:`one_figure`. No Streamlit here.
"""

from __future__ import annotations

import plotly.graph_objects as go

from atlas import escape

NEUTRAL = "#999999"
# A click selects a point; the ring drawn by the app marks it, so nothing is faded.
NO_DIMMING = dict(selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))

# Data text for Plotly's labels goes through the one escaping module.
escape_text = escape.plotly


def one_figure(traces: list[dict], layout: dict) -> go.Figure:
    """One figure of ``traces`` (dicts with their ``type``) and ``layout``, validated once.

    Plotly validates a figure given whole in one pass; each ``add_trace`` or ``update_layout``
    call validates and copies again, which made up most of a figure's build time.
    """
    return go.Figure({"data": traces, "layout": layout})
