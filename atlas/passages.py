"""A source's full text cut into passages: the words events quote, and the words none does.

:func:`text_passages` partitions a text at every quote's start and end, so each passage knows
which attestations (and so which events) cite it; :func:`passages_html` writes it as escaped
HTML with every cited passage highlighted and linked to its events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from atlas import escape

# Uncited stretches shorter than this (spaces, a heading's punctuation) are not listed as gaps.
GAP_MIN_CHARS = 40


@dataclass(frozen=True)
class Passage:
    """Characters ``start``..``end`` of a text and the events whose quotes cover them."""

    start: int
    end: int
    attestation_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()

    @property
    def cited(self) -> bool:
        """Whether any event quotes this passage."""
        return bool(self.event_ids)


def text_passages(text: str, attestations: pd.DataFrame) -> list[Passage]:
    """Cut ``text`` into consecutive passages at every quote boundary.

    Parameters
    ----------
    text : str
        The source's full text.
    attestations : pandas.DataFrame
        This source's attestations with ``id``, ``event_id``, ``start_offset``, ``end_offset``
        (character offsets into ``text``, end exclusive).

    Returns
    -------
    list of Passage
        Passages covering the whole text in order; neighbours with the same citations are
        merged, so an uncited stretch is one passage.
    """
    spans = attestations[["id", "event_id", "start_offset", "end_offset"]].dropna()
    spans = spans[(spans["start_offset"] < spans["end_offset"]) & (spans["start_offset"] >= 0)]
    cuts = sorted({0, len(text), *spans["start_offset"].clip(upper=len(text)).astype(int),
                   *spans["end_offset"].clip(upper=len(text)).astype(int)})
    opening: dict[int, list[tuple[str, str]]] = {}
    closing: dict[int, list[tuple[str, str]]] = {}
    for att_id, event_id, start, end in spans.itertuples(index=False):
        opening.setdefault(int(start), []).append((att_id, event_id))
        closing.setdefault(min(int(end), len(text)), []).append((att_id, event_id))

    passages: list[Passage] = []
    active: dict[str, str] = {}
    for start, end in zip(cuts, cuts[1:], strict=False):
        for att_id, _ in closing.get(start, ()):
            active.pop(att_id, None)
        for att_id, event_id in opening.get(start, ()):
            active[att_id] = event_id
        att_ids = tuple(sorted(active))
        event_ids = tuple(dict.fromkeys(active[a] for a in att_ids))
        if passages and passages[-1].attestation_ids == att_ids:
            passages[-1] = Passage(passages[-1].start, end, att_ids, event_ids)
        else:
            passages.append(Passage(start, end, att_ids, event_ids))
    return passages


def cited_share(passages: list[Passage]) -> float:
    """The share of the text's characters that some event quotes (0 for an empty text)."""
    total = sum(p.end - p.start for p in passages)
    cited = sum(p.end - p.start for p in passages if p.cited)
    return cited / total if total else 0.0


def uncited_gaps(text: str, passages: list[Passage], min_chars: int = GAP_MIN_CHARS) -> list[Passage]:
    """Uncited passages with at least ``min_chars`` non-space characters: gaps in our extraction."""
    return [p for p in passages
            if not p.cited and len("".join(text[p.start:p.end].split())) >= min_chars]


def passages_html(text: str, passages: list[Passage], titles: dict[str, str],
                  link: Callable[[str], str], in_view=None) -> str:
    """Write ``text`` as HTML with each cited passage highlighted and linked to its events.

    Every piece of text is escaped; nothing from the data becomes markup. A passage quoted for
    one event is a link to it; a passage quoted for several carries one numbered link per event.
    Line breaks become ``<br>`` so that the result is a single line (Markdown then leaves it
    alone as one HTML block).

    Parameters
    ----------
    text : str
        The full text.
    passages : list of Passage
        From :func:`text_passages`.
    titles : dict
        Event id to title, for the links' titles.
    link : callable
        Event id to the URL of that event.
    in_view : set of str, optional
        The events the current filters show; a passage quoted only for other events is marked
        more faintly (class ``out``). All are in view when None.
    """
    parts = ['<div class="source-text">']
    for passage in passages:
        words = _escape_lines(text[passage.start:passage.end])
        if not passage.cited:
            parts.append(f'<span class="uncited">{words}</span>')
            continue
        names = "; ".join(titles.get(e, e) for e in passage.event_ids)
        label = escape.html(f"Quoted for: {names}")
        shown = in_view is None or any(e in in_view for e in passage.event_ids)
        mark = "<mark>" if shown else '<mark class="out">'
        if len(passage.event_ids) == 1:
            href = escape.html(link(passage.event_ids[0]))
            parts.append(f'<a class="cited" href="{href}" target="_self" title="{label}">'
                         f"{mark}{words}</mark></a>")
            continue
        parts.append(f'{mark[:-1]} title="{label}">{words}</mark><sup>')
        for number, event_id in enumerate(passage.event_ids, start=1):
            href = escape.html(link(event_id))
            title = escape.html(titles.get(event_id, event_id))
            parts.append(f'<a class="cited" href="{href}" target="_self" title="{title}">'
                         f"[{number}]</a>")
        parts.append("</sup>")
    parts.append("</div>")
    return "".join(parts)


def _escape_lines(text: str) -> str:
    return escape.html(text).replace("\r\n", "\n").replace("\n", "<br>")
