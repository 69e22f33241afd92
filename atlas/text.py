"""Folding text for matching: case, diacritics and apostrophes do not matter to a reader."""

import re
import unicodedata

import pandas as pd

# Ayn, hamza, apostrophes and backticks vanish: "Mu'awiya", "Muʿāwiya" and "Muawiya" fold alike.
_APOSTROPHES = "'`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u02b9"
_APOSTROPHE_RE = f"[{re.escape(_APOSTROPHES)}]"


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
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(_APOSTROPHE_RE, "", stripped).lower().split())


def fold_series(values: pd.Series) -> pd.Series:
    """Fold a column of strings the way :func:`fold` folds one, without a Python loop.

    Parameters
    ----------
    values : pandas.Series
        Strings; missing values become empty strings.

    Returns
    -------
    pandas.Series
        The folded strings.
    """
    text = values.fillna("").astype(str).str.normalize("NFKD")
    text = text.str.replace(r"[\u0300-\u036f]", "", regex=True)
    text = text.str.replace(_APOSTROPHE_RE, "", regex=True).str.lower()
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def squash_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())
