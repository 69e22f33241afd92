"""Tests for atlas/passages.py: cutting a text at quotes, shares, gaps and the escaped HTML."""

import pandas as pd

from atlas.passages import Passage, cited_share, passages_html, text_passages, uncited_gaps

TEXT = "Alpha beta gamma. Delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron."


def quotes(*rows):
    """Attestations with id, event id and offsets."""
    return pd.DataFrame(rows, columns=["id", "event_id", "start_offset", "end_offset"])


def test_passages_cover_the_text_and_know_their_events():
    """Test that overlapping quotes cut the text into passages carrying every event."""
    passages = text_passages(TEXT, quotes(("a1", "e1", 0, 16), ("a2", "e2", 6, 10)))
    assert [(p.start, p.end) for p in passages] == [(0, 6), (6, 10), (10, 16), (16, len(TEXT))]
    assert [p.event_ids for p in passages] == [("e1",), ("e1", "e2"), ("e1",), ()]
    assert "".join(TEXT[p.start:p.end] for p in passages) == TEXT


def test_no_quotes_gives_one_uncited_passage():
    """Test that a text nobody quotes is one uncited passage."""
    assert text_passages(TEXT, quotes()) == [Passage(0, len(TEXT))]


def test_cited_share_and_gaps():
    """Test the share of quoted characters and the uncited stretches long enough to list."""
    passages = text_passages(TEXT, quotes(("a1", "e1", 0, 17)))
    assert cited_share(passages) == 17 / len(TEXT)
    gaps = uncited_gaps(TEXT, passages)
    assert [(g.start, g.end) for g in gaps] == [(17, len(TEXT))]
    assert uncited_gaps(TEXT, passages, min_chars=1000) == []


def test_html_links_each_quote_and_escapes_everything():
    """Test that a quote links to its event, several events get numbered links, text is escaped."""
    text = "<b>bold</b> & <script>alert(1)</script> end"
    passages = text_passages(text, quotes(("a1", "e1", 0, 11), ("a2", "e2", 0, 11),
                                          ("a3", "e3", 14, 39)))
    page = passages_html(text, passages, {"e1": "One", "e3": 'Three "<i>"'},
                         lambda e: f"./?event={e}")
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="./?event=e3"' in page and 'title="Quoted for: Three &quot;&lt;i&gt;&quot;"' in page
    assert page.count('class="cited"') == 3
    assert "[1]</a>" in page and "[2]</a>" in page


def test_html_marks_quotes_of_hidden_events_faintly_and_keeps_one_line():
    """Test that passages of filtered-out events get the 'out' mark and newlines become <br>."""
    text = "First line.\nSecond line."
    passages = text_passages(text, quotes(("a1", "e1", 0, 11), ("a2", "e2", 12, 24)))
    page = passages_html(text, passages, {}, lambda e: e, in_view={"e2"})
    assert page.count('<mark class="out">') == 1 and page.count("<mark>") == 1
    assert "\n" not in page and "<br>" in page
