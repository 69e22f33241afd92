"""Event dates: EDTF parsing, day bounds, Julian and Hijri (AH) calendars.

Over 400 lines for one job: the calendars, the EDTF grammar the atlas reads and the bounds
of each form depend on each other, and splitting them would spread one set of rules over files.

Representation
--------------
An event date is written as an EDTF string (Library of Congress Extended Date/Time Format), in
the subset of levels 0-2 listed below, with four-digit years. EDTF does not name a calendar; the
atlas reads every date in the **Julian calendar**, as historians of the period give them, so
``0656-02-29`` is a real day (656 is a Julian leap year, as is every year divisible by four,
700 included).

Years before 1677 do not fit pandas' nanosecond timestamps, so this module never makes a
pandas ``Timestamp``. Days are **Julian Day Numbers** (JDN, plain integers; 1 May 656 Julian is
JDN 1960783), which compare, subtract and sort like any integer and go into int64 columns.
For drawing, :func:`jdns_to_iso` turns JDNs into ISO-like strings of the Julian date
(``"0656-05-01"``), which Plotly reads as Julian dates when an axis has
``calendar="julian"`` (``xcalendar="julian"`` on a trace). Hijri (AH) equivalents use the
tabular Islamic calendar of ``convertdate.islamic``; 1 Dhu al-Qa'da 35 AH is 1 May 656.

Forms read
----------
========================  ============================================  ==========
EDTF                      meaning                                       kind
========================  ============================================  ==========
``0656-05-01``            a day                                         date
``0656-04``, ``0658``     a month, a year                               date
``0657~`` / ``0657?``     about 657 / perhaps 657                       date
``0657%``                 perhaps about 657                             date
``0656-~05-01``           a qualifier on one part (level 2)             date
``0658-07/0658-08``       from July to August 658                       interval
``[0657,0658]``           one of 657 or 658 (also ``[0655..0657]``)     set
========================  ============================================  ==========

Anything else raises :class:`DateError` with a message for the person who typed it, notably:
two-, three- or five-digit years, open or unknown interval ends (``../0656``, ``0656/..``,
``0656/``: an event needs both ends, so give a best guess with ``~`` instead), unspecified
digits (``065X``: write ``0650/0659``), seasons, times of day, ``{a,b}`` lists (all of several
dates: one event per date), years before 1 CE, and days that the Julian calendar does not have.

Bounds and padding
------------------
:class:`DateBounds` holds the first and last day the date can mean. A plain date covers its
whole day, month or year. An approximate (``~``), uncertain (``?``) or both (``%``) date is
widened by one unit of its precision on each side, to whole units: a year reaches from
1 January of the year before to 31 December of the year after (``0657~`` is 656-658); a month
from the first day of the month before to the last day of the month after (``0658-07~`` is June
to August 658); a day by seven days each way. A level-2 qualifier on one part widens by the unit
of the least precise qualified part (``?0656-05-01``, year uncertain, is 655-657). EDTF's own
"fuzzy" bounds from the ``edtf`` package are not used: they pad a month by more than a year.
Nor are its strict bounds: it ends months by the Gregorian calendar (February 700 has 28 days
there, 29 here), so only its parse tree is read and the days are counted here.
An interval runs from the earliest day of its first end to the latest day of its second; a set
from its earliest to its latest member, and counts as uncertain.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import edtf
import numpy as np
import pandas as pd
from convertdate import islamic, julian

JULIAN_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The short names every label of a month uses: the window slider, the title, the presets.
MONTH_ABBREVIATIONS = tuple(name[:3] for name in JULIAN_MONTH_NAMES)
AH_MONTH_NAMES = (
    "Muharram",
    "Safar",
    "Rabi' I",
    "Rabi' II",
    "Jumada I",
    "Jumada II",
    "Rajab",
    "Sha'ban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qa'da",
    "Dhu al-Hijja",
)

_PRECISIONS = ("year", "month", "day")
_PADDING_DAYS = 7
_FORMS_HINT = (
    "write dates like 0656-05-01, 0656-05, 0656, 0657~ (about), 0657? (perhaps), "
    "[0657,0658] (one of) or 0656-05/0656-06 (from ... to)"
)


class DateError(ValueError):
    """A date that the atlas cannot read, explained in plain words."""


@dataclass(frozen=True)
class DateBounds:
    """The days a date can mean, as Julian Day Numbers.

    Attributes
    ----------
    earliest : int
        JDN of the first possible day, padding included.
    latest : int
        JDN of the last possible day, padding included.
    precision : str
        ``"day"``, ``"month"`` or ``"year"``: that of the least precise part.
    approximate : bool
        True when ``~`` or ``%`` appears anywhere.
    uncertain : bool
        True when ``?`` or ``%`` appears anywhere, or the date is a one-of set.
    kind : str
        ``"date"``, ``"interval"`` or ``"set"``.
    """

    earliest: int
    latest: int
    precision: str
    approximate: bool
    uncertain: bool
    kind: str


@dataclass(frozen=True)
class _Part:
    """One written calendar date inside an EDTF string, with its qualifiers."""

    year: int
    month: int | None
    day: int | None
    approximate: bool = False
    uncertain: bool = False
    padding: str | None = None

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        return "year" if self.month is None else "month"

    @property
    def qualified(self) -> bool:
        return self.approximate or self.uncertain


# A member is one part (a date) or two parts (from ... to, in an interval or a set).
_Member = tuple[_Part, ...]


def _is_leap(year: int) -> bool:
    return year % 4 == 0


def _month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def julian_to_jdn(year: int, month: int, day: int) -> int:
    """Return the Julian Day Number of a Julian-calendar date.

    Parameters
    ----------
    year : int
        Astronomical year (1 is 1 CE, 0 is 1 BCE).
    month : int
        Month, 1-12.
    day : int
        Day of the month.

    Returns
    -------
    int
        The JDN of that day, e.g. 1960783 for 1 May 656.

    Raises
    ------
    DateError
        If the Julian calendar has no such day (e.g. 29 February 655).
    """
    year, month, day = int(year), int(month), int(day)
    if not 1 <= month <= 12:
        raise DateError(f"{year:04d}-{month:02d}-{day:02d} has no month {month}: months are 1-12")
    length = _month_length(year, month)
    if not 1 <= day <= length:
        raise DateError(
            f"{year:04d}-{month:02d}-{day:02d} is not a day of the Julian calendar: "
            f"{JULIAN_MONTH_NAMES[month - 1]} {year} has {length} days"
        )
    # convertdate gives the JD at midnight (x.5); the day's number is the JD at its noon.
    return int(julian.to_jd(year, month, day) + 0.5)


def jdn_to_julian(jdn: int) -> tuple[int, int, int]:
    """Return the Julian-calendar date of a Julian Day Number.

    Parameters
    ----------
    jdn : int
        Julian Day Number.

    Returns
    -------
    tuple of int
        ``(year, month, day)``, the year astronomical.
    """
    year, month, day = julian.from_jd(int(jdn) - 0.5)
    return int(year), int(month), int(day)


def jdn_to_iso(jdn: int) -> str:
    """Return the Julian date of a JDN as an ISO-like string.

    Parameters
    ----------
    jdn : int
        Julian Day Number of a day in years 0000-9999.

    Returns
    -------
    str
        ``"YYYY-MM-DD"`` of the Julian date, e.g. ``"0656-05-01"``.

    Raises
    ------
    ValueError
        If the year falls outside 0000-9999.
    """
    year, month, day = jdn_to_julian(jdn)
    if not 0 <= year <= 9999:
        raise ValueError(f"JDN {jdn} is in year {year}, outside the years 0000-9999")
    return f"{year:04d}-{month:02d}-{day:02d}"


def jdns_to_iso(jdns: np.ndarray | pd.Series) -> np.ndarray:
    """Return the Julian dates of many JDNs as ISO-like strings, without a Python loop.

    Uses Richards' integer algorithm for the Julian calendar and writes the digits directly,
    so 100,000 days take a few milliseconds. Agrees with :func:`jdn_to_iso`.

    Parameters
    ----------
    jdns : numpy.ndarray or pandas.Series
        Integer Julian Day Numbers of days in years 0000-9999.

    Returns
    -------
    numpy.ndarray
        Strings ``"YYYY-MM-DD"`` (dtype ``<U10``), in the shape of the input.

    Raises
    ------
    ValueError
        If a value is missing or not an integer, or a year falls outside 0000-9999.
    """
    values = jdns.to_numpy() if isinstance(jdns, pd.Series) else np.asarray(jdns)
    if values.dtype.kind not in "iu":
        raise ValueError(f"JDNs must be integers, not {values.dtype}")
    shape = values.shape
    jdn = values.astype(np.int64).ravel()

    e = 4 * (jdn + 1401) + 3
    h = 5 * ((e % 1461) // 4) + 2
    day = (h % 153) // 5 + 1
    month = (h // 153 + 2) % 12 + 1
    year = e // 1461 - 4716 + (14 - month) // 12
    if year.size and (year.min() < 0 or year.max() > 9999):
        raise ValueError("JDNs must fall in the years 0000-9999")

    # Code points written straight into a native-order uint32 buffer are a str array's bytes.
    chars = np.empty((jdn.size, 10), dtype=np.uint32)
    zero = ord("0")
    chars[:, 0] = zero + year // 1000
    chars[:, 1] = zero + year // 100 % 10
    chars[:, 2] = zero + year // 10 % 10
    chars[:, 3] = zero + year % 10
    chars[:, 4] = ord("-")
    chars[:, 5] = zero + month // 10
    chars[:, 6] = zero + month % 10
    chars[:, 7] = ord("-")
    chars[:, 8] = zero + day // 10
    chars[:, 9] = zero + day % 10
    return chars.view("U10").reshape(shape)


def iso_to_jdn(text: str) -> int:
    """Return the JDN of an ISO-like Julian date string, the inverse of :func:`jdn_to_iso`.

    Parameters
    ----------
    text : str
        ``"YYYY-MM-DD"`` of a Julian date, e.g. ``"0656-05-01"``.

    Returns
    -------
    int
        Julian Day Number.

    Raises
    ------
    DateError
        If the text is not ``YYYY-MM-DD`` or not a day of the Julian calendar.
    """
    match = (
        re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip()) if isinstance(text, str) else None
    )
    if match is None:
        raise DateError(f"{text!r} is not a day written YYYY-MM-DD, e.g. 0656-05-01")
    year, month, day = (int(group) for group in match.groups())
    try:
        return julian_to_jdn(year, month, day)
    except DateError as err:
        raise DateError(f"{text!r}: {err}") from None


def jdn_to_ah(jdn: int) -> tuple[int, int, int]:
    """Return the tabular Islamic (AH) date of a JDN.

    Parameters
    ----------
    jdn : int
        Julian Day Number.

    Returns
    -------
    tuple of int
        ``(year, month, day)`` AH; 1 May 656 Julian gives ``(35, 11, 1)``.
    """
    # convertdate.islamic counts days from midnight (x.5), like convertdate.julian.
    year, month, day = islamic.from_jd(int(jdn) - 0.5)
    return int(year), int(month), int(day)


def month_index(year: int, month: int) -> int:
    """Return a running month number, for stepping through months.

    Parameters
    ----------
    year : int
        Year.
    month : int
        Month, 1-12.

    Returns
    -------
    int
        ``year * 12 + (month - 1)``.
    """
    return year * 12 + (month - 1)


def month_label(index: int) -> str:
    """Return 'May 656' for a month index (:func:`month_index`)."""
    year, month = divmod(index, 12)
    return f"{MONTH_ABBREVIATIONS[month]} {year}"


def label_month(label: str) -> int:
    """Return the month index of a :func:`month_label` ('May 656')."""
    name, year = label.split(" ")
    return int(year) * 12 + MONTH_ABBREVIATIONS.index(name)


def month_bounds(index: int) -> tuple[int, int]:
    """Return the JDNs of the first and last day of a Julian month.

    Parameters
    ----------
    index : int
        Month number from :func:`month_index`.

    Returns
    -------
    tuple of int
        ``(first, last)`` JDNs of that month.
    """
    year, month0 = divmod(int(index), 12)
    month = month0 + 1
    return julian_to_jdn(year, month, 1), julian_to_jdn(year, month, _month_length(year, month))


def _check_text(text: str) -> None:
    """Raise a specific DateError for the mistakes edtf would only call a syntax error."""
    pieces = re.split(r"(\.\.|[/,\[\]{}])", text)
    fixed = []
    short_years = long_years = False
    for piece in pieces:
        match = re.match(r"(\s*[?~%(]*\s*)(-?)(\d[\dX]*)", piece)
        if match is None:
            fixed.append(piece)
            continue
        prefix, minus, digits = match.groups()
        if minus:
            raise DateError(f"{text!r} has a year before 1 CE; the atlas reads years 0001-9999 CE")
        if len(digits) < 4:
            short_years = True
            piece = prefix + digits.zfill(4) + piece[match.end() :]
        elif len(digits) > 4:
            long_years = True
        fixed.append(piece)
    if short_years or long_years:
        example = "".join(fixed) if not long_years else "0656-05-01"
        raise DateError(f"{text!r} is not an EDTF date: years need four digits, e.g. {example}")

    top = [side.strip() for side in text.split("/")]
    if (len(top) > 1 and any(side in ("", "..") for side in top)) or re.search(
        r"[\[{,]\s*\.\.|\.\.\s*[\]},]", text
    ):
        raise _open_ended(text)

    for match in re.finditer(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)", text):
        year, month = int(match[1]), int(match[2])
        if month == 0 or 12 < month < 21 or month > 41:
            raise DateError(f"{text!r} has no month {month}: months are 01-12")
        if match[3] is not None and month <= 12:
            _check_day(text, year, month, int(match[3]))


def _check_day(text: str, year: int, month: int, day: int) -> None:
    if day < 1:
        raise DateError(f"{text!r} has no day {day}: days start at 01")
    length = _month_length(year, month)
    if day > length:
        raise DateError(
            f"{text!r} is not a day of the Julian calendar: "
            f"{JULIAN_MONTH_NAMES[month - 1]} {year} has {length} days"
        )


def _open_ended(text: str) -> DateError:
    return DateError(
        f"{text!r} is open-ended: the atlas needs both ends of an interval; "
        "give a best guess marked with ~ instead, e.g. 0655~/0656"
    )


def _unsupported(text: str, what: str) -> DateError:
    return DateError(f"{text!r} uses {what}, which the atlas does not read; {_FORMS_HINT}")


def _ymd(date: object, text: str) -> tuple[int, int | None, int | None]:
    if isinstance(date, edtf.Season) or getattr(date, "season", None) is not None:
        raise _unsupported(text, "a season")
    if isinstance(date, edtf.Unspecified):
        raise DateError(
            f"{text!r} has unspecified digits (X), which the atlas does not read; "
            "write the range as an interval instead, e.g. 0650/0659 rather than 065X"
        )
    if getattr(date, "significant_digits", None):
        raise _unsupported(text, "significant digits (S)")
    if not re.fullmatch(r"\d{4}", date.year or ""):
        raise DateError(f"{text!r} is not an EDTF date: years need four digits, e.g. 0656-05-01")
    year = int(date.year)
    if year < 1:
        raise DateError(f"{text!r} has a year before 1 CE; the atlas reads years 0001-9999 CE")
    month = int(date.month) if date.month else None
    day = int(date.day) if month and date.day else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{text!r} has no month {month}: months are 01-12")
    if day is not None:
        _check_day(text, year, month, day)
    return year, month, day


def _flags(*qualifiers: object) -> tuple[bool, bool]:
    present = [q for q in qualifiers if q]
    both = any(q.is_uncertain_and_approximate for q in present)
    approximate = both or any(q.is_approximate for q in present)
    uncertain = both or any(q.is_uncertain for q in present)
    return approximate, uncertain


def _part(obj: object, text: str) -> _Part:
    if isinstance(obj, edtf.UnspecifiedIntervalSection) or obj is None:
        raise _open_ended(text)
    if isinstance(obj, edtf.UncertainOrApproximate):
        year, month, day = _ymd(obj.date, text)
        approximate, uncertain = _flags(obj.ua)
        padding = _Part(year, month, day).precision if approximate or uncertain else None
        return _Part(year, month, day, approximate, uncertain, padding)
    if isinstance(obj, edtf.PartialUncertainOrApproximate):
        year, month, day = _ymd(obj, text)
        by_unit = {
            "year": (obj.year_ua, obj.year_ua_b, obj.year_month_ua),
            "month": (obj.month_ua, obj.month_day_ua),
            "day": (obj.day_ua,),
        }
        plain = _Part(year, month, day)
        if obj.all_ua:
            by_unit[plain.precision] += (obj.all_ua,)
        padding = next((unit for unit in _PRECISIONS if any(by_unit[unit])), None)
        approximate, uncertain = _flags(*(q for qs in by_unit.values() for q in qs))
        return _Part(year, month, day, approximate, uncertain, padding)
    if isinstance(obj, edtf.DateAndTime):
        raise _unsupported(text, "a time of day")
    if isinstance(obj, edtf.Date):
        return _Part(*_ymd(obj, text))
    raise _unsupported(text, "a year of more than four digits or another rare form")


def _parse(text: str) -> tuple[str, tuple[_Member, ...]]:
    """Return the kind and members of an EDTF string, or raise DateError."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not an EDTF date: a date is text, e.g. 0656-05-01")
    text = text.strip()
    if not text:
        raise DateError(f"{text!r} is not an EDTF date: it is empty; {_FORMS_HINT}")
    return _parse_text(text)


# edtf's pyparsing grammar takes about 6-15 ms a string, so each distinct string is parsed once
# per process (errors are not cached and re-raise each time); the common forms (a year, month or
# day with an optional ~ ? %, an interval or a set of them) take a regular expression instead.
@lru_cache(maxsize=65536)
def _parse_text(text: str) -> tuple[str, tuple[_Member, ...]]:
    _check_text(text)
    kind, members = _fast_parse(text) or _edtf_parse(text)
    for member in members:
        if _strict(member[0])[0] > _strict(member[-1])[1]:
            raise DateError(
                f"{text!r} ends before it starts: {_describe_part(member[-1])} is before "
                f"{_describe_part(member[0])}"
            )
    return kind, tuple(members)


_SIMPLE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([~?%])?")


def _simple_part(piece: str, text: str) -> _Part | None:
    """A plain EDTF date ('0656', '0656-05', '0656-05-01', each with ~ ? or %), else None."""
    match = _SIMPLE.fullmatch(piece)
    if match is None:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] else None
    day = int(match[3]) if match[3] else None
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None  # the edtf path explains what is wrong (a season, year 0, ...)
    if day is not None:
        _check_day(text, year, month, day)
    qualifier = match[4]
    padding = _Part(year, month, day).precision if qualifier else None
    return _Part(year, month, day, qualifier in ("~", "%"), qualifier in ("?", "%"), padding)


def _fast_parse(text: str) -> tuple[str, list[_Member]] | None:
    """The common forms without edtf's grammar; None for anything else (edtf then decides)."""
    if "/" in text:
        sides = text.split("/")
        parts = [_simple_part(side, text) for side in sides]
        if len(parts) == 2 and all(parts):
            return "interval", [(parts[0], parts[1])]
        return None
    if text.startswith("[") and text.endswith("]"):
        members = []
        for item in text[1:-1].split(","):
            ends = item.split("..")
            parts = tuple(_simple_part(end, text) for end in ends)
            if len(parts) > 2 or not all(parts):
                return None
            members.append(parts)
        is_set = len(members) > 1 or len(members[0]) == 2
        return ("set", members) if is_set else None
    part = _simple_part(text, text)
    return ("date", [(part,)]) if part else None


# edtf's pyparsing grammar is not thread-safe: two sessions loading packages at once (each in its
# script thread) made it reject good dates now and then ("[0656-03..0656-05]"), so one at a time.
_EDTF_LOCK = threading.Lock()


def _edtf_parse(text: str) -> tuple[str, list[_Member]]:
    """Every form the atlas reads, through the edtf package's grammar."""
    try:
        with _EDTF_LOCK:
            parsed = edtf.parse_edtf(text)
    # edtf raises EDTFParseException for bad syntax but TypeError and others on some inputs.
    except Exception as err:
        raise DateError(f"{text!r} is not an EDTF date: {_FORMS_HINT}") from err

    if isinstance(parsed, edtf.OneOfASet):
        members = []
        for obj in parsed.objects:
            if isinstance(obj, edtf.Consecutives):
                members.append((_part(obj.lower, text), _part(obj.upper, text)))
            else:
                members.append((_part(obj, text),))
        return "set", members
    if isinstance(parsed, edtf.MultipleDates):
        raise DateError(
            f"{text!r} lists several dates that all apply ({{...}}); give one event per date, "
            "or write [a,b] if the event happened on one of them"
        )
    if isinstance(parsed, (edtf.EarlierConsecutives, edtf.LaterConsecutives)):
        raise _open_ended(text)
    if isinstance(parsed, edtf.Interval):
        return "interval", [(_part(parsed.lower, text), _part(parsed.upper, text))]
    return "date", [(_part(parsed, text),)]


def _strict(part: _Part) -> tuple[int, int]:
    if part.day is not None:
        jdn = julian_to_jdn(part.year, part.month, part.day)
        return jdn, jdn
    if part.month is not None:
        return month_bounds(month_index(part.year, part.month))
    return julian_to_jdn(part.year, 1, 1), julian_to_jdn(part.year, 12, 31)


def _padded(part: _Part) -> tuple[int, int]:
    earliest, latest = _strict(part)
    if part.padding == "day":
        return earliest - _PADDING_DAYS, latest + _PADDING_DAYS
    if part.padding == "month":
        first = jdn_to_julian(earliest)
        last = jdn_to_julian(latest)
        return (
            month_bounds(month_index(first[0], first[1]) - 1)[0],
            month_bounds(month_index(last[0], last[1]) + 1)[1],
        )
    if part.padding == "year":
        return (
            julian_to_jdn(jdn_to_julian(earliest)[0] - 1, 1, 1),
            julian_to_jdn(jdn_to_julian(latest)[0] + 1, 12, 31),
        )
    return earliest, latest


def _least_precise(precisions: list[str]) -> str:
    return min(precisions, key=_PRECISIONS.index)


def parse_edtf(text: str) -> DateBounds:
    """Read an EDTF date (Julian calendar) into the days it can mean.

    Parameters
    ----------
    text : str
        An EDTF string in the subset described in this module, e.g. ``"0656-05-01"``,
        ``"0658-07~"``, ``"[0657,0658]"`` or ``"0656-11-07/0656-12-04"``.

    Returns
    -------
    DateBounds
        First and last possible day (padded for ``~``, ``?`` and ``%``), precision, flags and
        kind.

    Raises
    ------
    DateError
        If the text is empty, not EDTF, outside the subset the atlas reads, open-ended, not a
        day of the Julian calendar, or ends before it starts.
    """
    kind, members = _parse(text)
    parts = [part for member in members for part in member]
    earliest = min(_padded(member[0])[0] for member in members)
    latest = max(_padded(member[-1])[1] for member in members)
    return DateBounds(
        earliest=earliest,
        latest=latest,
        precision=_least_precise([part.precision for part in parts]),
        approximate=any(part.approximate for part in parts),
        uncertain=kind == "set" or any(part.uncertain for part in parts),
        kind=kind,
    )


def event_bounds(start: str, end: str | None) -> DateBounds:
    """Combine an event's start and optional end dates into one span.

    Parameters
    ----------
    start : str
        EDTF date of the start.
    end : str or None
        EDTF date of the end; None or blank when the event is dated by ``start`` alone.

    Returns
    -------
    DateBounds
        From the earliest day of ``start`` to the latest day of ``end`` (or of ``start``);
        kind ``"interval"`` when there is an end, flags and precision of both.

    Raises
    ------
    DateError
        If either date cannot be read, or the end's latest day is before the start's
        earliest day.
    """
    first = parse_edtf(start)
    if end is None or (isinstance(end, str) and not end.strip()):
        return first
    last = parse_edtf(end)
    if last.latest < first.earliest:
        raise DateError(
            f"the event ends before it starts: end {end!r} ({describe_edtf(end)}) is before "
            f"start {start!r} ({describe_edtf(start)})"
        )
    return DateBounds(
        earliest=first.earliest,
        latest=last.latest,
        precision=_least_precise([first.precision, last.precision]),
        approximate=first.approximate or last.approximate,
        uncertain=first.uncertain or last.uncertain,
        kind="interval",
    )


def _qualifier(part: _Part) -> str:
    if part.approximate and part.uncertain:
        return "perhaps about "
    if part.approximate:
        return "about "
    return "perhaps " if part.uncertain else ""


def _describe_part(part: _Part, year: bool = True, month: bool = True) -> str:
    words = []
    if part.day is not None:
        words.append(str(part.day))
    if part.month is not None and (month or part.day is None):
        words.append(JULIAN_MONTH_NAMES[part.month - 1])
    if year or part.month is None:
        words.append(str(part.year))
    return _qualifier(part) + " ".join(words)


def _describe_alike(parts: list[_Part]) -> list[str]:
    """Describe plain parts, writing a shared year (and month) only once, at the end."""
    precisions = {part.precision for part in parts}
    factor = (
        len(precisions) == 1
        and precisions != {"year"}
        and not any(part.qualified for part in parts)
        and len({part.year for part in parts}) == 1
    )
    if not factor:
        return [_describe_part(part) for part in parts]
    same_month = precisions == {"day"} and len({part.month for part in parts}) == 1
    *head, tail = parts
    return [_describe_part(part, year=False, month=not same_month) for part in head] + [
        _describe_part(tail)
    ]


def _join_or(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def describe_edtf(text: str | None) -> str:
    """Put an EDTF date into words for a person.

    Parameters
    ----------
    text : str or None
        EDTF date; empty or None when there is none.

    Returns
    -------
    str
        E.g. ``"1 May 656"``, ``"about July 658"``, ``"657 or 658"``,
        ``"7 November to 4 December 656"``; ``"undated"`` for an empty string or None. Years are
        written without leading zeros.

    Raises
    ------
    DateError
        If the text is not empty and cannot be read.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return "undated"
    kind, members = _parse(text)
    if kind == "set" and all(len(member) == 1 for member in members):
        return _join_or(_describe_alike([member[0] for member in members]))
    words = [" to ".join(_describe_alike(list(member))) for member in members]
    return _join_or(words)


def describe_ah(bounds: DateBounds) -> str:
    """Put the span of a date into words in the Hijri (AH) calendar.

    Parameters
    ----------
    bounds : DateBounds
        Bounds from :func:`parse_edtf` or :func:`event_bounds`.

    Returns
    -------
    str
        Days for day precision (``"1 Dhu al-Qa'da 35 AH"``), the AH months covering the span
        for month precision (``"Ramadan to Shawwal 37 AH"``, ``"Shawwal 36 to Safar 38 AH"``),
        the AH years for year precision (``"36 to 37 AH"``); prefixed ``"about "`` when
        approximate.
    """
    year1, month1, day1 = jdn_to_ah(bounds.earliest)
    year2, month2, day2 = jdn_to_ah(bounds.latest)
    name1, name2 = AH_MONTH_NAMES[month1 - 1], AH_MONTH_NAMES[month2 - 1]
    if bounds.precision == "year":
        words = f"{year1}" if year1 == year2 else f"{year1} to {year2}"
    elif bounds.precision == "month":
        if (year1, month1) == (year2, month2):
            words = f"{name1} {year1}"
        elif year1 == year2:
            words = f"{name1} to {name2} {year1}"
        else:
            words = f"{name1} {year1} to {name2} {year2}"
    elif bounds.earliest == bounds.latest:
        words = f"{day1} {name1} {year1}"
    elif (year1, month1) == (year2, month2):
        words = f"{day1} to {day2} {name1} {year1}"
    elif year1 == year2:
        words = f"{day1} {name1} to {day2} {name2} {year1}"
    else:
        words = f"{day1} {name1} {year1} to {day2} {name2} {year2}"
    return ("about " if bounds.approximate else "") + words + " AH"
