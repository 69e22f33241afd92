"""Tests for atlas.dates: EDTF bounds, Julian Day Numbers, AH dates and words."""

import re

import numpy as np
import pandas as pd
import pytest
from convertdate import islamic, julian

from atlas.dates import (
    DateBounds,
    DateError,
    describe_ah,
    describe_edtf,
    event_bounds,
    iso_to_jdn,
    jdn_to_ah,
    jdn_to_iso,
    jdn_to_julian,
    jdns_to_iso,
    julian_to_jdn,
    month_bounds,
    month_index,
    parse_edtf,
)

FIRST_DAY_600 = julian_to_jdn(600, 1, 1)
LAST_DAY_700 = julian_to_jdn(700, 12, 31)


def ah(year: int, month: int, day: int) -> int:
    """Return the JDN of a tabular Islamic date, straight from convertdate."""
    return int(islamic.to_jd(year, month, day) + 0.5)


def julian_days(first_year: int, last_year: int) -> list[tuple[int, int, int]]:
    """Return every Julian-calendar day of the years, counted out by hand."""
    lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    days = []
    for year in range(first_year, last_year + 1):
        for month, length in enumerate(lengths, start=1):
            length += month == 2 and year % 4 == 0
            days.extend((year, month, day) for day in range(1, length + 1))
    return days


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "approximate", "uncertain", "kind"),
    [
        ("0656-05-01", (656, 5, 1), (656, 5, 1), "day", False, False, "date"),
        ("0656-04", (656, 4, 1), (656, 4, 30), "month", False, False, "date"),
        ("0658", (658, 1, 1), (658, 12, 31), "year", False, False, "date"),
        (" 0658 ", (658, 1, 1), (658, 12, 31), "year", False, False, "date"),
        ("0656-02-29", (656, 2, 29), (656, 2, 29), "day", False, False, "date"),
        ("0700-02-29", (700, 2, 29), (700, 2, 29), "day", False, False, "date"),
        ("0700-02", (700, 2, 1), (700, 2, 29), "month", False, False, "date"),
        ("0657-02", (657, 2, 1), (657, 2, 28), "month", False, False, "date"),
        ("0657~", (656, 1, 1), (658, 12, 31), "year", True, False, "date"),
        ("0657?", (656, 1, 1), (658, 12, 31), "year", False, True, "date"),
        ("0657%", (656, 1, 1), (658, 12, 31), "year", True, True, "date"),
        ("0658-07~", (658, 6, 1), (658, 8, 31), "month", True, False, "date"),
        ("0658-02?", (658, 1, 1), (658, 3, 31), "month", False, True, "date"),
        ("0656-01~", (655, 12, 1), (656, 2, 29), "month", True, False, "date"),
        ("0656-05-01~", (656, 4, 24), (656, 5, 8), "day", True, False, "date"),
        ("0656-05-01?", (656, 4, 24), (656, 5, 8), "day", False, True, "date"),
        ("?0656-05-01", (655, 1, 1), (657, 12, 31), "day", False, True, "date"),
        ("0656-~05-01", (656, 4, 1), (656, 6, 30), "day", True, False, "date"),
        ("0656-05-~01", (656, 4, 24), (656, 5, 8), "day", True, False, "date"),
        ("[0657,0658]", (657, 1, 1), (658, 12, 31), "year", False, True, "set"),
        ("[0658-07,0658-08]", (658, 7, 1), (658, 8, 31), "month", False, True, "set"),
        ("[0657..0658]", (657, 1, 1), (658, 12, 31), "year", False, True, "set"),
        ("[0655, 0657..0658]", (655, 1, 1), (658, 12, 31), "year", False, True, "set"),
        ("[0656-05-01,0656-06]", (656, 5, 1), (656, 6, 30), "month", False, True, "set"),
        ("0658-07/0658-08", (658, 7, 1), (658, 8, 31), "month", False, False, "interval"),
        ("0656-11-07/0656-12-04", (656, 11, 7), (656, 12, 4), "day", False, False, "interval"),
        ("0656-05/0656-06", (656, 5, 1), (656, 6, 30), "month", False, False, "interval"),
        ("0655/0656", (655, 1, 1), (656, 12, 31), "year", False, False, "interval"),
        ("0656/0656-07", (656, 1, 1), (656, 7, 31), "year", False, False, "interval"),
        ("0658-07~/0658-08?", (658, 6, 1), (658, 9, 30), "month", True, True, "interval"),
        ("0001-01-01", (1, 1, 1), (1, 1, 1), "day", False, False, "date"),
    ],
)
def test_parse_edtf_bounds(text, earliest, latest, precision, approximate, uncertain, kind):
    """Test that each EDTF form gives its Julian bounds, padding, precision, flags and kind."""
    assert parse_edtf(text) == DateBounds(
        earliest=julian_to_jdn(*earliest),
        latest=julian_to_jdn(*latest),
        precision=precision,
        approximate=approximate,
        uncertain=uncertain,
        kind=kind,
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("around 656", "not an EDTF date"),
        ("656-05-01", "years need four digits, e.g. 0656-05-01"),
        ("[657,0658]", "years need four digits, e.g. [0657,0658]"),
        ("65600", "years need four digits"),
        ("-0656", "before 1 CE"),
        ("0000", "before 1 CE"),
        ("0656-13-01", "no month 13"),
        ("0656-00", "no month 0"),
        ("0656-05-00", "no day 0"),
        ("0656-02-30", "February 656 has 29 days"),
        ("0655-02-29", "February 655 has 28 days"),
        ("0657-04-31", "April 657 has 30 days"),
        ("../0656", "open-ended"),
        ("0656-05-01/..", "open-ended"),
        ("0656/", "open-ended"),
        ("/0656", "open-ended"),
        ("[..0656]", "open-ended"),
        ("[0656..]", "open-ended"),
        ("065X", "unspecified digits"),
        ("0656-05-XX", "unspecified digits"),
        ("0656-21", "season"),
        ("0656-05-01T10:00:00", "time of day"),
        ("0656S2", "significant digits"),
        ("Y17000", "does not read"),
        ("{0657,0658}", "all apply"),
        ("0657-07/0657-03", "ends before it starts"),
        ("[0658-08..0658-07]", "ends before it starts"),
    ],
)
def test_parse_edtf_rejects(text, words):
    """Test that unreadable dates raise DateError naming the value and saying what is wrong."""
    with pytest.raises(DateError) as caught:
        parse_edtf(text)
    message = str(caught.value)
    assert repr(text.strip()) in message
    assert words in message


def test_short_year_message():
    """Test that a three-digit year gets the exact plain-words message with a fixed example."""
    with pytest.raises(DateError) as caught:
        parse_edtf("656-05-01")
    assert str(caught.value) == (
        "'656-05-01' is not an EDTF date: years need four digits, e.g. 0656-05-01"
    )


@pytest.mark.parametrize("value", [None, 656, 656.0])
def test_parse_edtf_rejects_non_text(value):
    """Test that a value that is not text raises DateError, a ValueError, naming the value."""
    with pytest.raises(ValueError, match=re.escape(repr(value))) as caught:
        parse_edtf(value)
    assert isinstance(caught.value, DateError)


def test_equal_dates_give_equal_hashable_bounds():
    """Test that the same date parsed twice gives equal bounds that can key a dict or a cache."""
    first, again, other = parse_edtf("0656"), parse_edtf("0656"), parse_edtf("0657")
    assert first == again and first is not again and first != other
    assert {first: "a", other: "b"}[again] == "a"


def test_known_pair_1_may_656_is_1_dhu_al_qada_35():
    """Test that 1 May 656 Julian and 1 Dhu al-Qa'da 35 AH are the same day, JDN 1960783."""
    jdn = julian_to_jdn(656, 5, 1)
    assert jdn == 1960783
    assert jdn == ah(35, 11, 1)
    assert jdn_to_ah(jdn) == (35, 11, 1)
    assert describe_ah(parse_edtf("0656-05-01")) == "1 Dhu al-Qa'da 35 AH"


def test_jdn_to_ah_inverts_convertdate_every_day():
    """Test that jdn_to_ah gives back, for every day of 600-700, the AH date of that JDN."""
    for jdn in range(FIRST_DAY_600, LAST_DAY_700 + 1):
        assert ah(*jdn_to_ah(jdn)) == jdn


def test_julian_leap_day_656():
    """Test that 29 February 656 exists and falls between 28 February and 1 March."""
    leap_day = julian_to_jdn(656, 2, 29)
    assert leap_day - julian_to_jdn(656, 2, 28) == 1
    assert julian_to_jdn(656, 3, 1) - leap_day == 1
    assert jdn_to_iso(leap_day) == "0656-02-29"
    assert iso_to_jdn("0656-02-29") == leap_day


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(655, 2, 29), (700, 2, 30), (656, 4, 31), (656, 13, 1), (656, 0, 1), (656, 5, 0)],
)
def test_julian_to_jdn_rejects_missing_days(year, month, day):
    """Test that julian_to_jdn refuses days the Julian calendar does not have."""
    with pytest.raises(DateError, match=f"{year:04d}-{month:02d}-{day:02d}"):
        julian_to_jdn(year, month, day)


def test_every_day_600_to_700_round_trips():
    """Test that every day of 600-700 converts to the hand-counted date and back, scalar and
    vectorised alike."""
    jdns = np.arange(FIRST_DAY_600, LAST_DAY_700 + 1, dtype=np.int64)
    counted = [f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in julian_days(600, 700)]
    vectorised = jdns_to_iso(jdns)
    scalar = [jdn_to_iso(jdn) for jdn in jdns]
    assert len(counted) == len(jdns)
    assert vectorised.tolist() == counted
    assert scalar == counted
    assert [iso_to_jdn(text) for text in counted] == jdns.tolist()
    assert [jdn_to_julian(jdn) for jdn in jdns] == julian_days(600, 700)


def test_jdns_to_iso_takes_a_series():
    """Test that an int64 Series gives an array of the same strings as the scalar function."""
    jdns = pd.Series([1960783, FIRST_DAY_600, LAST_DAY_700, 1960783 + 365], index=[9, 3, 7, 1])
    result = jdns_to_iso(jdns)
    assert isinstance(result, np.ndarray)
    assert result.tolist() == [jdn_to_iso(jdn) for jdn in jdns]
    assert result.tolist()[:3] == ["0656-05-01", "0600-01-01", "0700-12-31"]


def test_jdns_to_iso_keeps_shape_and_handles_empty():
    """Test that a 2-D array keeps its shape and an empty array gives an empty array."""
    jdns = np.arange(1960783, 1960783 + 6).reshape(2, 3)
    result = jdns_to_iso(jdns)
    assert result.shape == (2, 3)
    assert result[1, 2] == "0656-05-06"
    assert jdns_to_iso(np.array([], dtype=np.int64)).shape == (0,)


@pytest.mark.parametrize(
    "jdns",
    [
        np.array([1960783.0]),
        pd.Series([1960783, None], dtype="Int64"),
        np.array([julian_to_jdn(1, 1, 1) - 400]),
        np.array([julian_to_jdn(9999, 12, 31) + 1]),
    ],
)
def test_jdns_to_iso_rejects_bad_values(jdns):
    """Test that non-integers, missing values and years outside 0000-9999 raise ValueError."""
    with pytest.raises(ValueError):
        jdns_to_iso(jdns)


@pytest.mark.parametrize(
    ("text", "jdn"),
    [
        ("0000-01-01", None),
        ("0001-01-01", 1721424),
        ("0656-05-01", 1960783),
        ("0658-06-09", ah(38, 1, 1)),
        ("1676-12-31", None),
        ("1677-01-01", None),
        ("1700-02-29", None),
        ("1700-03-01", None),
        ("2000-02-29", None),
        ("2000-03-01", 2451618),
        ("9999-12-31", None),
    ],
)
def test_edges_agree_with_convertdate(text, jdn):
    """Test that edge days agree with convertdate.julian, known JDNs and the vectorised path."""
    year, month, day = (int(part) for part in text.split("-"))
    expected = int(julian.to_jd(year, month, day) + 0.5)
    if jdn is not None:
        assert expected == jdn
    assert julian_to_jdn(year, month, day) == expected
    assert jdn_to_julian(expected) == (year, month, day)
    assert jdn_to_iso(expected) == text
    assert jdns_to_iso(np.array([expected], dtype=np.int64)).tolist() == [text]
    assert iso_to_jdn(text) == expected


@pytest.mark.parametrize("text", ["656-05-01", "0656-5-1", "0656-02-30", "0655-02-29", "", "x"])
def test_iso_to_jdn_rejects(text):
    """Test that iso_to_jdn refuses text that is not a Julian YYYY-MM-DD day, naming it."""
    with pytest.raises(DateError, match=re.escape(repr(text))):
        iso_to_jdn(text)


@pytest.mark.parametrize(
    ("year", "month", "first", "last"),
    [
        (656, 2, (656, 2, 1), (656, 2, 29)),
        (655, 2, (655, 2, 1), (655, 2, 28)),
        (700, 2, (700, 2, 1), (700, 2, 29)),
        (658, 12, (658, 12, 1), (658, 12, 31)),
        (657, 4, (657, 4, 1), (657, 4, 30)),
    ],
)
def test_month_bounds(year, month, first, last):
    """Test that month_bounds gives the first and last Julian day of the indexed month."""
    assert month_index(year, month) == year * 12 + month - 1
    assert month_bounds(month_index(year, month)) == (julian_to_jdn(*first), julian_to_jdn(*last))


def test_month_index_steps_over_new_year():
    """Test that the month after December is January of the next year."""
    assert month_index(656, 12) + 1 == month_index(657, 1)
    assert month_bounds(month_index(656, 12) + 1)[0] == month_bounds(month_index(656, 12))[1] + 1


@pytest.mark.parametrize(
    ("start", "end", "earliest", "latest", "precision", "approximate", "uncertain", "kind"),
    [
        ("0656-05-01", None, (656, 5, 1), (656, 5, 1), "day", False, False, "date"),
        ("0656-05-01", "", (656, 5, 1), (656, 5, 1), "day", False, False, "date"),
        ("0656-05-01", "  ", (656, 5, 1), (656, 5, 1), "day", False, False, "date"),
        ("[0657,0658]", None, (657, 1, 1), (658, 12, 31), "year", False, True, "set"),
        ("0656-11-07", "0656-12-04", (656, 11, 7), (656, 12, 4), "day", False, False, "interval"),
        ("0657~", "0658-07", (656, 1, 1), (658, 7, 31), "year", True, False, "interval"),
        ("0657-05", "0657-05-28?", (657, 5, 1), (657, 6, 4), "month", False, True, "interval"),
        ("0658", "0657~", (658, 1, 1), (658, 12, 31), "year", True, False, "interval"),
    ],
)
def test_event_bounds(start, end, earliest, latest, precision, approximate, uncertain, kind):
    """Test that an event spans from its start's earliest day to its end's latest day."""
    assert event_bounds(start, end) == DateBounds(
        earliest=julian_to_jdn(*earliest),
        latest=julian_to_jdn(*latest),
        precision=precision,
        approximate=approximate,
        uncertain=uncertain,
        kind=kind,
    )


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        ("0657-07", "0657-03", "ends before it starts"),
        ("0656-05-01", "0656-04-30", "ends before it starts"),
        ("", "0656", "empty"),
        ("0656", "0656-02-30", "February 656 has 29 days"),
    ],
)
def test_event_bounds_rejects(start, end, words):
    """Test that an event ending before it starts, or with a bad date, raises DateError."""
    with pytest.raises(DateError) as caught:
        event_bounds(start, end)
    message = str(caught.value)
    assert words in message
    assert repr(end) in message or repr(start) in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0656-05-01", "1 May 656"),
        ("0656-04", "April 656"),
        ("0658", "658"),
        ("0001", "1"),
        ("0658-07~", "about July 658"),
        ("0657~", "about 657"),
        ("0657?", "perhaps 657"),
        ("0657%", "perhaps about 657"),
        ("[0657,0658]", "657 or 658"),
        ("[0655,0656,0657]", "655, 656 or 657"),
        ("[0658-07,0658-08]", "July or August 658"),
        ("[0656-04-30,0656-05-01]", "30 April or 1 May 656"),
        ("[0657-12,0658-01]", "December 657 or January 658"),
        ("[0655, 0657..0658]", "655 or 657 to 658"),
        ("0658-07/0658-08", "July to August 658"),
        ("0656-11-07/0656-12-04", "7 November to 4 December 656"),
        ("0656-05-01/0656-05-20", "1 to 20 May 656"),
        ("0656-05/0656-06", "May to June 656"),
        ("0656-12/0657-01", "December 656 to January 657"),
        ("0655/0656", "655 to 656"),
        ("0656/0656-07", "656 to July 656"),
        ("0658-07~/0658-08", "about July 658 to August 658"),
        ("0656-02-29", "29 February 656"),
        ("", "undated"),
        ("  ", "undated"),
        (None, "undated"),
    ],
)
def test_describe_edtf(text, words):
    """Test that EDTF dates are put into words, years without leading zeros."""
    assert describe_edtf(text) == words


def test_describe_edtf_rejects_bad_dates():
    """Test that describe_edtf raises DateError for text it cannot read."""
    with pytest.raises(DateError, match="around 656"):
        describe_edtf("around 656")


@pytest.mark.parametrize(
    ("earliest", "latest", "precision", "approximate", "words"),
    [
        (ah(35, 11, 1), ah(35, 11, 1), "day", False, "1 Dhu al-Qa'da 35 AH"),
        (ah(35, 11, 1), ah(35, 11, 20), "day", False, "1 to 20 Dhu al-Qa'da 35 AH"),
        (ah(35, 10, 29), ah(35, 11, 1), "day", False, "29 Shawwal to 1 Dhu al-Qa'da 35 AH"),
        (ah(35, 12, 28), ah(36, 1, 2), "day", False, "28 Dhu al-Hijja 35 to 2 Muharram 36 AH"),
        (ah(35, 11, 1), ah(35, 11, 1), "day", True, "about 1 Dhu al-Qa'da 35 AH"),
        (ah(37, 9, 1), ah(37, 9, 29), "month", False, "Ramadan 37 AH"),
        (ah(37, 9, 1), ah(37, 10, 29), "month", False, "Ramadan to Shawwal 37 AH"),
        (ah(37, 9, 10), ah(37, 10, 3), "month", False, "Ramadan to Shawwal 37 AH"),
        (ah(36, 10, 1), ah(38, 2, 29), "month", False, "Shawwal 36 to Safar 38 AH"),
        (ah(37, 3, 1), ah(37, 4, 29), "month", False, "Rabi' I to Rabi' II 37 AH"),
        (ah(37, 7, 1), ah(37, 8, 29), "month", True, "about Rajab to Sha'ban 37 AH"),
        (ah(36, 1, 1), ah(36, 12, 29), "year", False, "36 AH"),
        (ah(36, 1, 1), ah(37, 12, 29), "year", False, "36 to 37 AH"),
        (ah(36, 1, 1), ah(37, 12, 29), "year", True, "about 36 to 37 AH"),
    ],
)
def test_describe_ah(earliest, latest, precision, approximate, words):
    """Test that bounds are put into AH words: days, covering months or years."""
    bounds = DateBounds(earliest, latest, precision, approximate, False, "interval")
    assert describe_ah(bounds) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0656-05-01", "1 Dhu al-Qa'da 35 AH"),
        ("0657-04/0658-07", "Shawwal 36 to Safar 38 AH"),
        ("0658", "37 to 38 AH"),
        ("0658-07~", "about Dhu al-Hijja 37 to Rabi' I 38 AH"),
    ],
)
def test_describe_ah_of_edtf(text, words):
    """Test that Julian EDTF dates come out as the AH dates they cover."""
    assert describe_ah(parse_edtf(text)) == words


@pytest.mark.parametrize("text", [
    "0656", "0656-05", "0656-05-01", "0658-07~", "0657?", "0656-05-01%", "0656-05?",
    "[0657,0658]", "[0658-07,0658-08]", "[0657~,0658]", "0658-07/0658-08", "0655~/0656",
    "0656-11-07/0656-12-04", "0656-05-01/0656-05-01", "[0656-09..0656-12]",
    "[0657..0659,0661]", "[0656-05-01..0656-05-03]",
])
def test_the_fast_path_reads_as_the_edtf_grammar_does(text):
    """Test that the regular-expression path gives exactly what the edtf grammar gives."""
    from atlas import dates

    assert dates._fast_parse(text) == dates._edtf_parse(text)


@pytest.mark.parametrize("text", ["0656-21", "0000", "[..0659]", "0656-05-01T10:00",
                                  "0656/", "[0657, 0658]", "065X", "0656-13"])
def test_unusual_forms_leave_the_fast_path(text):
    """Test that seasons, year 0, consecutives, times, spaces and X go to the edtf grammar."""
    from atlas import dates

    assert dates._fast_parse(text) is None
