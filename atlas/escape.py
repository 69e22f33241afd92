"""Every data value that reaches Markdown, HTML, CSS, Plotly or a URL passes through here.

A package is written by whoever uploaded it, so any text in it may carry markup meant to run in
a visitor's browser or to fetch from another host. Each function makes a value safe for one
context, and is tested against the payloads of the hostile-package corpus
(``tests/test_escape.py``):

- :func:`markdown`: Streamlit Markdown shows the text literally (no links, images, emphasis,
  HTML or math);
- :func:`html`: text inside HTML the app builds;
- :func:`plotly`: Plotly's labels, hovers and legends (which read a small HTML subset);
- :func:`colour`: a CSS colour, only ``#rgb`` or ``#rrggbb``, whatever the package declares;
- :func:`gazetteer_url`: an ``https`` link to a known gazetteer, only for an id of its form.
"""

from __future__ import annotations

import html as _html
import re

import numpy as np
import pandas as pd

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~=:&])")
_PLOTLY_SPECIALS = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")

# External gazetteers: id column -> (label, URL of a record, the documented form of an id).
GAZETTEERS = {
    "thurayya_id": ("al-Thurayya",
                    "https://github.com/althurayya/althurayya.github.io/blob/master/places/{}.geojson",
                    re.compile(r"[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*")),
    "pleiades_id": ("Pleiades", "https://pleiades.stoa.org/places/{}", re.compile(r"[0-9]{1,12}")),
    "wikidata_id": ("Wikidata", "https://www.wikidata.org/wiki/{}", re.compile(r"Q[1-9][0-9]{0,11}")),
}


def markdown(text) -> str:
    """Text escaped so that Streamlit's Markdown shows it literally, line breaks kept."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text)).replace("\n", "  \n")


def html(text) -> str:
    """Text escaped for HTML content or a quoted attribute value."""
    return _html.escape(str(text), quote=True)


def plotly(values) -> np.ndarray:
    """Text made safe for Plotly's labels: its tags (``<b>``, ``<a href>``) shown, never obeyed.

    Plotly reads a small HTML subset in hover labels, tick labels, legends and text; escaping
    ``&``, ``<`` and ``>`` makes a title such as ``<a href=...>`` appear as typed. Missing
    values become empty strings.
    """
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    return np.array(["" if v is None or v is pd.NA or (isinstance(v, float) and v != v)
                     else str(v).translate(_PLOTLY_SPECIALS) for v in items], dtype=object)


def is_colour(value) -> bool:
    """Whether ``value`` is a colour the app will put into CSS or a figure: ``#rgb``/``#rrggbb``."""
    return isinstance(value, str) and _COLOUR.fullmatch(value) is not None


def colour(value, fallback: str = "#999999") -> str:
    """``value`` if :func:`is_colour`, else ``fallback`` (never anything that could end a style)."""
    return value if is_colour(value) else fallback


def is_gazetteer_id(column: str, value) -> bool:
    """Whether ``value`` has the documented form of an id in gazetteer ``column``."""
    entry = GAZETTEERS.get(column)
    return entry is not None and isinstance(value, str) and entry[2].fullmatch(value) is not None


def gazetteer_url(column: str, value) -> str | None:
    """The ``https`` address of a gazetteer record, or None for an id not of the right form."""
    if not is_gazetteer_id(column, value):
        return None
    return GAZETTEERS[column][1].format(value)


def id_forms() -> dict[str, str]:
    """Per gazetteer column, its documented id form as a pattern, for messages and the docs."""
    return {column: entry[2].pattern for column, entry in GAZETTEERS.items()}
