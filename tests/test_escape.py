"""Tests of atlas/escape.py against the payloads of the hostile-package corpus."""

import pandas as pd
import pytest

from atlas import escape
from tests.conftest import XSS_IMG, XSS_LINK, XSS_SCRIPT
from tests.hostile import MARKDOWN_ID

MARKUP = set("\\`*_{}[]()#+-.!|<>$~=:&")
PAYLOADS = [XSS_IMG, XSS_SCRIPT, XSS_LINK, MARKDOWN_ID.format(listener="http://127.0.0.1:9"),
            "**bold** _it_ `code` $x^2$ # heading", "a\nb", "&lt;already&gt;"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escapes_every_markup_character(payload):
    """Test that no Markdown or HTML character is left unescaped for Streamlit's Markdown."""
    escaped = escape.markdown(payload).replace("  \n", "\n")
    shown, position = [], 0
    while position < len(escaped):
        char = escaped[position]
        if char == "\\":
            assert escaped[position + 1] in MARKUP, escaped
            shown.append(escaped[position + 1])
            position += 2
            continue
        assert char not in MARKUP, (char, escaped)
        shown.append(char)
        position += 1
    assert "".join(shown) == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_leaves_no_tag_or_quote(payload):
    """Test that text inside HTML or an attribute cannot open a tag or close the attribute."""
    escaped = escape.html(payload)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped


def test_plotly_labels_show_tags_as_typed_and_blank_missing_values():
    """Test that Plotly's HTML subset cannot be used from the data, and missing is empty."""
    labels = escape.plotly(pd.Series([XSS_IMG, "<b>bold</b>", None, float("nan"), pd.NA, 3]))
    assert labels.tolist() == ['&lt;img src=x onerror="window.__xss=1"&gt;',
                               "&lt;b&gt;bold&lt;/b&gt;", "", "", "", "3"]


@pytest.mark.parametrize("value, ok", [
    ("#D55E00", True), ("#abc", True), ("#ABCDEF", True),
    ("red", False), ("#abcd", False), ("#GGGGGG", False), ("#D55E00;", False),
    ('red"></span><img src=x>', False), ("url(http://127.0.0.1:9/c.png)", False),
    ("expression(alert(1))", False), ("#D55E00\n", False), ("", False), (None, False), (5, False),
])
def test_only_hex_colours_are_colours(value, ok):
    """Test that a colour is #rgb or #rrggbb and nothing that could end a style or fetch."""
    assert escape.is_colour(value) is ok
    assert escape.colour(value) == (value if ok else "#999999")


@pytest.mark.parametrize("column, value, url", [
    ("wikidata_id", "Q35484", "https://www.wikidata.org/wiki/Q35484"),
    ("pleiades_id", "727070", "https://pleiades.stoa.org/places/727070"),
    ("thurayya_id", "FUSTAT_312E300N_S", "https://github.com/althurayya/althurayya.github.io/"
                                         "blob/master/places/FUSTAT_312E300N_S.geojson"),
    ("wikidata_id", MARKDOWN_ID.format(listener="http://127.0.0.1:9"), None),
    ("wikidata_id", "Q1) ![x](http://127.0.0.1:9/p.png", None),
    ("wikidata_id", "Q0", None),
    ("pleiades_id", "javascript:alert(1)", None),
    ("pleiades_id", "123/../../evil", None),
    ("thurayya_id", "http://127.0.0.1:9/x", None),
    ("thurayya_id", "FUSTAT_312E300N_S\n", None),
    ("geonames_id", "12345", None),
])
def test_gazetteer_links_are_https_to_the_known_gazetteers_for_ids_of_their_form(column, value, url):
    """Test that a link is made only for an id of the gazetteer's documented form."""
    assert escape.gazetteer_url(column, value) == url
    if url:
        assert url.startswith("https://") and "(" not in url and ")" not in url
