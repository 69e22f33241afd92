"""Source texts and the quotes checked against them: attestations, relations, order claims, and
one attestation per event.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from atlas.frames import isin
from atlas.order import check_order, check_order_quotes
from atlas.package.columns import Raw
from atlas.package.types import (
    ERROR,
    NOTICE,
    ROW,
)
from atlas.safepath import inside
from atlas.text import squash_whitespace


def read_texts(data_dir, sources, raw: Raw, report) -> dict[str, str]:
    """Read each source's text, refusing paths out of the package; source id -> text."""
    texts = {}
    defaulted = "text_path" in raw.defaulted
    label = raw.labels.get("text_path", "text_path")
    for source_id, path, row in zip(sources["id"], sources["text_path"], sources[ROW], strict=True):
        if not inside(data_dir, path):
            report.add(raw.file, row, label, path, "the text must be a file inside the data "
                       "package, e.g. sources/000.txt, so its quotes cannot be checked", code="path")
            continue
        try:
            texts[source_id] = (data_dir / path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            if isinstance(exc, FileNotFoundError):
                reason = "is missing — add it, or correct the path"
            elif isinstance(exc, UnicodeDecodeError):
                reason = "is not UTF-8 text — save it as UTF-8"
            else:
                reason = f"cannot be read ({exc})"
            report.add(raw.file, row, label, path, f"the source text {reason}, so its quotes "
                       "cannot be checked", NOTICE if defaulted else ERROR, code="source-text")
    return texts


def check_quotes(attestations, texts, file, locate, report) -> pd.DataFrame:
    """Keep the attestations whose quote stands in its source; find missing offsets if allowed."""
    keep = np.ones(len(attestations), dtype=bool)
    starts = attestations["start_offset"].astype("Int64").copy()
    ends = attestations["end_offset"].astype("Int64").copy()
    columns = [attestations[c].tolist() for c in (ROW, "source_id", "quote")]
    start_list = [None if pd.isna(v) else int(v) for v in starts]
    end_list = [None if pd.isna(v) else int(v) for v in ends]
    for index, (row, source_id, quote, start, end) in enumerate(
            zip(*columns, start_list, end_list, strict=True)):
        text = texts.get(source_id)
        if text is not None and start is not None and end is not None \
                and text[start:end] == quote:
            continue  # the usual case: the quote stands at its offsets
        if text is None:
            report.add(file, row, "quote", quote, f"source {source_id} has no readable text, so the "
                       "quote could not be checked; the attestation was left out — fix the source's "
                       "text_path first", code="quote-unchecked")
            keep[index] = False
            continue
        if locate and (start is None or end is None):
            found = _find_quote(text, quote)
            if found is not None:
                starts.iloc[index], ends.iloc[index] = found
                continue
        severity, column, message = _quote_verdict(text, quote, start, end)
        if message:
            value = {"quote": quote, "start_offset": start, "end_offset": end}[column]
            code = "quote-whitespace" if severity == NOTICE else "quote-mismatch"
            report.add(file, row, column, value, message, severity, code=code)
        keep[index] = severity != ERROR
    located = attestations.assign(start_offset=starts, end_offset=ends)
    return located[keep].reset_index(drop=True)


def _find_quote(text: str, quote: str) -> tuple[int, int] | None:
    exact = text.find(quote) if quote.strip() else -1
    if exact >= 0:  # the usual case, found without building a pattern
        return exact, exact + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text) if pattern else None
    return None if match is None else (match.start(), match.end())


def _quote_verdict(text, quote, start, end) -> tuple[str | None, str, str]:
    """Decide whether ``quote`` stands at ``text[start:end]``; whitespace may differ."""
    have_offsets = not (start is None or end is None or pd.isna(start) or pd.isna(end))
    if have_offsets and text[int(start):int(end)] == quote:
        return None, "quote", ""
    if have_offsets and squash_whitespace(text[int(start):int(end)]) == squash_whitespace(quote):
        return NOTICE, "quote", ("the quote matches the text at its offsets apart from whitespace "
                                 "(accepted)")
    found = _find_quote(text, quote)
    if found is None:
        return ERROR, "quote", ("this quote does not occur in the source text (checked word for "
                                "word, tolerating only whitespace differences); the attestation "
                                "was left out — copy it exactly from the text")
    where = f"it is at {found[0]}-{found[1]}"
    if not have_offsets:
        return ERROR, "start_offset", (f"the offsets are missing; {where}; the attestation was "
                                       f"left out — write {found[0]} and {found[1]}")
    column = "start_offset" if int(start) != found[0] else "end_offset"
    return ERROR, column, (f"the quote is not at offsets {int(start)}-{int(end)}: {where}; "
                           f"the attestation was left out — write {found[0]} and {found[1]}")


def check_relation_quotes(relations, texts, raw: Raw, report) -> pd.DataFrame:
    """Keep the relations whose quote stands word for word in their source's text."""
    if relations.empty or "quote" not in relations:
        return relations
    keep = []
    for row, source_id, quote in zip(relations[ROW], relations["source_id"], relations["quote"],
                                     strict=True):
        text = texts.get(source_id)
        found = None if text is None else _find_quote(text, quote)
        if found is None:
            reason = ("its source has no readable text" if text is None else
                      "this quote does not occur in the source text")
            report.add(raw.file, row, "quote", quote, f"{reason}, so the relation was left out — "
                       "copy the quote exactly from the text", code="quote-mismatch")
        keep.append(found is not None)
    raw.rejected += len(keep) - sum(keep)
    return relations[np.array(keep, dtype=bool)].reset_index(drop=True)


def check_order_claims(order, texts, events, raw: Raw, report) -> pd.DataFrame:
    """Keep the order relations whose quote stands at its offsets; check the dates against them."""
    if order.empty:
        return order
    keep, problems = check_order_quotes(order, texts)
    problems += check_order(order[keep], events)
    for problem in problems:
        report.add(raw.file, problem.row, raw.labels.get(problem.column, problem.column),
                   problem.value, problem.message, code="order")
    raw.rejected += int((~keep).sum())
    return order[keep].reset_index(drop=True)


def check_attested(events, attestations, events_file, report) -> None:
    """Report each event with no valid attestation (the event is still shown)."""
    unattested = events[~isin(events["id"], attestations["event_id"])]
    report.add_rows(events_file, unattested, "id", "this event has no valid attestation: every "
                    "event needs at least one quote from a source (it is still shown) — add a "
                    "row for it to attestations.csv", code="unattested")
