"""Episode presets (one click sets the date window to an episode) and the window in words."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from atlas import schema
from atlas.dates import MONTH_ABBREVIATIONS, jdn_to_julian, month_index

# A title that already names years ("Fitna Atlas, 654–658") loses them: the window says them.
_TRAILING_YEARS = re.compile(r"[,:]?\s*\d{1,4}\s*[–-]\s*\d{1,4}\s*(CE|AD)?\s*$")


@dataclass(frozen=True)
class Preset:
    """An episode and the window of months that shows its events."""

    episode_id: str
    name: str
    start: int
    end: int


def episode_presets(events: pd.DataFrame, episodes: pd.DataFrame,
                    reach: tuple[int, int] | None = None) -> list[Preset]:
    """One preset per episode with dated events, in the episodes table's order.

    Parameters
    ----------
    events : pandas.DataFrame
        All events (the loader's columns).
    episodes : pandas.DataFrame
        Episodes with ``id`` and ``name``, in the order the data gives.
    reach : (int, int), optional
        The first and last month the window may show; presets are cut to it, and an episode
        wholly outside it gets none.

    Returns
    -------
    list of Preset
        Each window runs from the month of the episode's first best date to the month after
        its last (room for the last titles), so that its events are spread out and titled.
    """
    dated = events[events[schema.HAS_DATE].astype(bool)] if len(events) else events
    if dated.empty:
        return []
    best = dated.groupby("episode")[schema.BEST].agg(["min", "max"])
    presets = []
    for episode_id, name in zip(episodes["id"], episodes["name"], strict=True):
        if episode_id not in best.index:
            continue
        start = month_index(*jdn_to_julian(int(best.at[episode_id, "min"]))[:2])
        end = month_index(*jdn_to_julian(int(best.at[episode_id, "max"]))[:2]) + 1
        if reach is not None:
            start, end = max(start, reach[0]), min(end, reach[1])
            if start > end:
                continue
        presets.append(Preset(str(episode_id), str(name), start, end))
    return presets


def window_words(start: int, end: int) -> str:
    """The window in words: '654–658' for whole years, 'May–Jun 656', 'Dec 656 – Feb 657'."""
    first_year, first_month = divmod(start, 12)
    last_year, last_month = divmod(end, 12)
    first, last = MONTH_ABBREVIATIONS[first_month], MONTH_ABBREVIATIONS[last_month]
    if first_month == 0 and last_month == 11:
        return f"{first_year}" if first_year == last_year else f"{first_year}–{last_year}"
    if first_year == last_year:
        if first_month == last_month:
            return f"{first} {first_year}"
        return f"{first}–{last} {first_year}"
    return f"{first} {first_year} – {last} {last_year}"


def window_title(title: str, start: int, end: int) -> str:
    """A page title naming the window in view: 'Fitna Atlas, May–Jun 656'.

    Years at the end of ``title`` (as in 'Fitna Atlas, 654–658') give way to the window's.
    """
    base = _TRAILING_YEARS.sub("", title.strip()).rstrip(" ,:") or "Atlas"
    return f"{base}, {window_words(start, end)}"
