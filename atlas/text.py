"""Folding text for matching: case, diacritics and apostrophes do not matter to a reader."""

import re
import unicodedata

import pandas as pd

# Ayn, hamza, apostrophes and backticks vanish: "Mu'awiya", "Muʿāwiya" and "Muawiya" fold alike.
_APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u02b9"
_ASCII_APOSTROPHES = str.maketrans("", "", "'`")


def _combining_class() -> str:
    """A regex character class of every combining mark (Latin accents, Arabic harakat, ...)."""
    codes = [c for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))]
    ranges, first = [], codes[0]
    for previous, code in zip(codes, codes[1:] + [None], strict=True):
        if code != previous + 1:
            ranges.append(f"{re.escape(chr(first))}-{re.escape(chr(previous))}")
            first = code
    return "".join(ranges)


# After NFKD decomposition, these go: every combining mark and every kind of apostrophe.
_DROP_RE = re.compile(f"[{_combining_class()}{re.escape(_APOSTROPHES)}]")


def fold(text: str) -> str:
    """Fold one string for matching.

    Parameters
    ----------
    text : str
        Any text, e.g. a search query.

    Returns
    -------
    str
        Lower case, without diacritics or apostrophes, whitespace collapsed.
    """
    if text.isascii():  # most text: no accents to strip, so skip the decomposition
        return " ".join(text.translate(_ASCII_APOSTROPHES).lower().split())
    return " ".join(_DROP_RE.sub("", unicodedata.normalize("NFKD", text)).lower().split())


def fold_series(values: pd.Series) -> pd.Series:
    """Fold a column of strings exactly as :func:`fold` folds one (about 1 s per million).

    Parameters
    ----------
    values : pandas.Series
        Strings; missing values become empty strings.

    Returns
    -------
    pandas.Series
        The folded strings.
    """
    strings = values.fillna("").astype(str)
    return pd.Series([fold(text) for text in strings], index=values.index, dtype=strings.dtype)


def squash_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())
