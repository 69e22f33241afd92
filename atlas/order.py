"""Order claims as evidence: "A came after B", in a source's words, checked against the dates.

A package may hold an ``order`` table: one row per claim that event ``event_id`` came after event
``follows_id``, with the source, its verbatim quote, the quote's offsets and a locator, as
attestations have. This module checks those rows (the quote at its offsets; no event after
itself; no cycle) and checks every event's date window against them:

* ``A`` after ``B`` is impossible when ``A``'s window ends before ``B``'s begins;
* ``A``'s window is too wide when it begins before ``B``'s (it allows ``A`` before ``B`` could
  have happened), and ``B``'s is too wide when it ends after ``A``'s.

The checks return problems as plain tuples; :mod:`atlas.package.quotes` files them in its report. Nothing
here knows where the frames came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from atlas import schema
from atlas.dates import jdn_to_iso

ROW = "_row"  # the row number the loader gives each table (as atlas.package.types.ROW)


@dataclass(frozen=True)
class OrderProblem:
    """One problem with an order row: where (row, column, value) and what, in words."""

    row: int | None
    column: str
    value: str
    message: str


def check_order_quotes(order: pd.DataFrame, texts: dict[str, str]) -> tuple[pd.Series,
                                                                             list[OrderProblem]]:
    """Check that each order row's quote stands in its source's text at its offsets.

    Parameters
    ----------
    order : pandas.DataFrame
        The order table (columns ``source_id``, ``quote``, ``start_offset``, ``end_offset``
        and the loader's row numbers).
    texts : dict
        Source id -> the source's text.

    Returns
    -------
    (pandas.Series, list of OrderProblem)
        A boolean mask of the rows to keep, and a problem for each row left out.
    """
    keep, problems = [], []
    rows = zip(order[ROW], order["source_id"], order["quote"], order["start_offset"],
               order["end_offset"], strict=True)
    for row, source_id, quote, start, end in rows:
        text = texts.get(source_id)
        ok = (text is not None and not pd.isna(start) and not pd.isna(end)
              and text[int(start):int(end)] == quote)
        keep.append(ok)
        if ok:
            continue
        if text is None:
            problems.append(OrderProblem(row, "source_id", source_id, "this source has no readable "
                                         "text, so the quote could not be checked; the order "
                                         "relation was left out"))
        elif (found := text.find(quote) if quote else -1) >= 0:
            problems.append(OrderProblem(row, "start_offset", str(start), f"the quote is at "
                                         f"{found}-{found + len(quote)}, not at these offsets; the "
                                         f"order relation was left out — write {found} and "
                                         f"{found + len(quote)}"))
        else:
            problems.append(OrderProblem(row, "quote", quote, "this quote does not occur in the "
                                         "source text; the order relation was left out — copy it "
                                         "exactly from the text"))
    return pd.Series(keep, index=order.index, dtype=bool), problems


def check_order(order: pd.DataFrame, events: pd.DataFrame) -> list[OrderProblem]:
    """Check the order relations against themselves and against the events' date windows.

    Parameters
    ----------
    order : pandas.DataFrame
        Order rows whose events exist (columns ``event_id``, ``follows_id`` and row numbers).
    events : pandas.DataFrame
        The dated events: ``id``, ``title``, and the loader's ``earliest``, ``latest`` (Julian
        Day Numbers) and ``has_date``.

    Returns
    -------
    list of OrderProblem
        An event said to follow itself; each cycle of relations (once, on the row that closes
        it); each relation that a pair of date windows contradicts or that a window is wider
        than. Undated events are not checked against dates.
    """
    problems: list[OrderProblem] = []
    self_loops = order["event_id"] == order["follows_id"]
    for row, event_id in zip(order.loc[self_loops, ROW], order.loc[self_loops, "event_id"],
                             strict=True):
        problems.append(OrderProblem(row, "follows_id", event_id, "an event cannot come after "
                                     "itself — name the event it follows"))
    relations = order[~self_loops]
    problems += _cycles(relations)
    problems += _window_problems(relations, events)
    return problems


def _cycles(order: pd.DataFrame) -> list[OrderProblem]:
    """Report each cycle once: A after B after ... after A cannot all hold."""
    edges: dict[str, list[tuple[str, int]]] = {}
    for row, later, earlier in zip(order[ROW], order["event_id"], order["follows_id"], strict=True):
        edges.setdefault(later, []).append((earlier, row))
    problems, state = [], {}  # state: 1 = on the current path, 2 = done
    for start in sorted(edges):
        if state.get(start):
            continue
        path: list[str] = [start]
        stack = [iter(edges.get(start, []))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            earlier, row = step
            if state.get(earlier) == 1:
                loop = path[path.index(earlier):] + [earlier]
                problems.append(OrderProblem(row, "follows_id", earlier, "these order relations "
                                             "go round in a circle (" + " after ".join(loop) +
                                             "), so they cannot all hold — remove or reverse one"))
            elif not state.get(earlier):
                state[earlier] = 1
                path.append(earlier)
                stack.append(iter(edges.get(earlier, [])))
    return problems


def _window_problems(order: pd.DataFrame, events: pd.DataFrame) -> list[OrderProblem]:
    dated = events[events[schema.HAS_DATE]].set_index("id")
    usable = order["event_id"].isin(dated.index) & order["follows_id"].isin(dated.index)
    problems = []
    for row, later, earlier in zip(order.loc[usable, ROW], order.loc[usable, "event_id"],
                                   order.loc[usable, "follows_id"], strict=True):
        a, b = dated.loc[later], dated.loc[earlier]
        a_first, a_last = int(a[schema.EARLIEST]), int(a[schema.LATEST])
        b_first, b_last = int(b[schema.EARLIEST]), int(b[schema.LATEST])
        if a_last < b_first:
            problems.append(OrderProblem(row, "event_id", later, (
                f"the dates contradict this order: '{a['title']}' ends by {jdn_to_iso(a_last)}, "
                f"before '{b['title']}' can begin ({jdn_to_iso(b_first)}) — correct a date or "
                "the relation")))
            continue
        if a_first < b_first:
            problems.append(OrderProblem(row, "event_id", later, (
                f"the date window of '{a['title']}' begins {jdn_to_iso(a_first)}, before "
                f"'{b['title']}', which it follows, can have happened ({jdn_to_iso(b_first)}) — "
                "start its window no earlier")))
        if b_last > a_last:
            problems.append(OrderProblem(row, "follows_id", earlier, (
                f"the date window of '{b['title']}' runs to {jdn_to_iso(b_last)}, after the last "
                f"date of '{a['title']}', which follows it ({jdn_to_iso(a_last)}) — end its "
                "window no later")))
    return problems


def order_lines(order: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame,
                event_id: str) -> pd.DataFrame:
    """The order claims about ``event_id``, as the card shows them.

    Returns
    -------
    pandas.DataFrame
        One row per claim, with ``source_id``, ``source_label``, ``relation`` ("after" when
        the event follows the other, "before" when the other follows it), ``other_id``,
        ``other_title``, ``quote`` and ``locator``; claims that the event follows another first.
    """
    columns = ["source_id", "source_label", "relation", "other_id", "other_title", "quote",
               "locator"]
    if order.empty:
        return pd.DataFrame(columns=columns)
    after = order[order["event_id"] == event_id].assign(relation="after",
                                                        other_id=lambda f: f["follows_id"])
    before = order[order["follows_id"] == event_id].assign(relation="before",
                                                           other_id=lambda f: f["event_id"])
    lines = pd.concat([after, before], ignore_index=True)
    titles = events.set_index("id")["title"]
    labels = sources.set_index("id")["short"]
    lines["other_title"] = lines["other_id"].map(titles).fillna(lines["other_id"])
    lines["source_label"] = lines["source_id"].map(labels).fillna(lines["source_id"])
    return lines[columns].reset_index(drop=True)
