"""Tests for atlas/filters.py: every filter and mode, alias matching, and the URL round trip."""

import pytest

from atlas.dates import month_index
from atlas.filters import (
    DEFAULT_END,
    DEFAULT_START,
    FilterState,
    Vocabulary,
    apply_filters,
    format_month,
    parse_month,
    visible_routes,
)
from atlas.package import load_package


@pytest.fixture
def package(tiny_package):
    """The tiny package, loaded once per session."""
    return tiny_package


@pytest.fixture
def vocabulary(package):
    """Its vocabulary."""
    return Vocabulary.from_package(package)


def shown(package, **changes):
    """Ids of the events shown for a state with ``changes``, sorted."""
    state = FilterState(start=month_index(650, 1), end=month_index(660, 12)).with_(**changes)
    return sorted(apply_filters(package, state).events["id"])


ALL = ["camp", "defeat", "fall", "invasion", "siege"]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ALL),
        ({"factions": ("rebels",)}, ["camp", "siege"]),
        ({"factions": ("ali",)}, ["defeat", "invasion"]),
        ({"factions": ("ali", "syrians")}, ["defeat", "fall", "invasion"]),
        ({"sources": ("t2",)}, ["fall"]),
        ({"sources": ("t1",)}, ["camp", "defeat", "invasion", "siege"]),
        ({"sources": ("t1", "t2"), "source_mode": "any"}, ALL),
        ({"sources": ("t1", "t2"), "source_mode": "all"}, []),
        ({"sources": ("t1",), "source_mode": "only"}, ["camp", "defeat", "invasion", "siege"]),
        ({"sources": ("t2",), "source_mode": "only"}, ["fall"]),
        ({"kinds": ("siege",)}, ["siege"]),
        ({"kinds": ("battle", "march")}, ["camp", "defeat", "fall", "invasion"]),
        ({"episodes": ("revolt",)}, ["camp", "siege"]),
        ({"people": ("uthman",)}, ["siege"]),
        ({"people": ("gov", "uthman")}, ["invasion", "siege"]),
        ({"places": ("kharbata",)}, ["defeat", "invasion"]),
        ({"focus_place": "fustat"}, ["fall"]),
        ({"places": ("kharbata",), "focus_place": "fustat"}, []),
        ({"text": "Othman"}, ["siege"]),
        ({"text": "othman"}, ["siege"]),
        ({"text": "Yathrib"}, ["camp", "siege"]),
        ({"text": "Kharbita"}, ["defeat", "invasion"]),
        ({"text": "rebels camp"}, ["camp"]),
        ({"text": "nowhere at all"}, []),
        ({"factions": ("rebels",), "kinds": ("siege",)}, ["siege"]),
    ],
)
def test_each_filter_selects_the_right_events(package, changes, expected):
    """Test that a filter (or combination) selects exactly the expected events."""
    assert shown(package, **changes) == expected


def test_source_modes_differ_when_an_event_has_two_sources(tmp_path):
    """Test that any/all/only give different answers when an event is attested twice."""
    from tests.conftest import quote_row, tiny_tables, write_package

    tables = tiny_tables()
    extra = quote_row("q6", "camp", "near Medina", source_id="t2")
    tables["attestations"].loc[len(tables["attestations"])] = extra
    data = write_package(tmp_path, tables)
    package = load_package(data, data.parent / "geo")
    assert shown(package, sources=("t1", "t2"), source_mode="all") == ["camp"]
    assert "camp" not in shown(package, sources=("t1",), source_mode="only")
    assert "camp" in shown(package, sources=("t1",), source_mode="any")


def test_the_window_keeps_events_that_overlap_it(package):
    """Test that the month window keeps events whose span overlaps it."""
    assert shown(package, start=month_index(656, 5), end=month_index(656, 5)) == ["camp", "siege"]
    assert shown(package, start=month_index(656, 6), end=month_index(656, 6)) == ["siege"]
    # "[0657,0658]" overlaps 657; "0658~" (656-658 with padding) does too.
    assert shown(package, start=month_index(657, 1), end=month_index(657, 1)) == [
        "defeat", "invasion"]
    assert shown(package, start=month_index(650, 1), end=month_index(650, 12)) == []


def test_undated_events_are_listed_separately_not_hidden(tmp_path):
    """Test that an event without a usable date is counted as undated when it matches."""
    from tests.conftest import tiny_tables, write_package

    tables = tiny_tables()
    tables["events"].loc[4, ["start", "date_basis"]] = ["", "unknown"]
    data = write_package(tmp_path, tables)
    selection = apply_filters(load_package(data, tmp_path / "geo"), FilterState())
    assert list(selection.undated["id"]) == ["fall"]
    assert "fall" not in set(selection.events["id"])
    assert selection.summary.startswith(f"Showing {len(selection.events)} of 5 events")
    assert "1 matching event(s) have no usable date" in selection.summary


def test_default_state_shows_654_to_658(package):
    """Test that a package without dates falls back to January 654 to December 658."""
    state = FilterState()
    assert (format_month(state.start), format_month(state.end)) == ("654-01", "658-12")
    assert len(apply_filters(package, state).events) == 5


def test_the_default_window_comes_from_the_data(package, vocabulary):
    """Test that the window spans the main events' years and the slider reaches further."""
    years = package.events["best_iso"].str[:4].astype(int)
    state = vocabulary.default_state()
    assert format_month(state.start) == f"{years.min()}-01"
    assert format_month(state.end) == f"{years.max()}-12"
    assert vocabulary.window_min == state.start - 48
    assert vocabulary.window_max == state.end + 24
    assert len(apply_filters(package, state).events) == 5


def test_the_real_data_opens_on_654_to_658_and_reaches_650_to_660():
    """Test that the real package's default window is 654-658 and 650-660 is reachable."""
    vocabulary = Vocabulary.from_package(load_package())
    state = vocabulary.default_state()
    assert (format_month(state.start), format_month(state.end)) == ("654-01", "658-12")
    assert vocabulary.window_min <= month_index(650, 1)
    assert vocabulary.window_max >= month_index(660, 12)


def test_shifted_data_moves_the_window(tmp_path):
    """Test that events of 717-718 open on 717-718, not on 654-658."""
    from tests.conftest import tiny_tables, write_package

    tables = tiny_tables()
    tables["events"]["start"] = tables["events"]["start"].str.replace("065", "071")
    tables["events"]["end"] = tables["events"]["end"].str.replace("065", "071")
    vocabulary = Vocabulary.from_package(load_package(write_package(tmp_path, tables),
                                                      tmp_path / "geo"))
    state = vocabulary.default_state()
    assert format_month(state.start).startswith("71") and format_month(state.end).startswith("71")


@pytest.mark.parametrize(
    "state",
    [
        FilterState(),
        FilterState(factions=("ali", "rebels"), sources=("t1",), source_mode="only"),
        FilterState(authorities=("Madelung",)),
        FilterState(kinds=("battle",), episodes=("egypt",), people=("gov",),
                    places=("kharbata", "medina")),
        FilterState(start=month_index(653, 1), end=month_index(660, 12), text="Othman b. ʿAffan"),
        FilterState(focus_place="fustat", event="fall", lane="faction", axis="ah"),
        FilterState(start=month_index(656, 5), end=month_index(656, 5), text="a,b & c=d"),
        FilterState(lane="source", projector=True),
        FilterState(lane="authority"),
    ],
)
def test_url_round_trip_restores_the_state(vocabulary, state):
    """Test that from_query(to_query(state)) gives the same state and no notices."""
    again = FilterState.from_query(state.to_query(vocabulary.default_state()), vocabulary)
    assert again == state
    assert again.notices == ()


def test_default_state_writes_an_empty_query():
    """Test that the default view's URL has no parameters."""
    assert FilterState().to_query() == {}


@pytest.mark.parametrize(
    ("query", "expected", "notice"),
    [
        ({"faction": "ali,martians"}, dict(factions=("ali",)), "'martians'"),
        ({"faction": ["ali", "rebels"]}, dict(factions=("ali", "rebels")), None),
        ({"faction": "ali,ali"}, dict(factions=("ali",)), None),
        ({"source": "t9"}, {}, "source"),
        ({"smode": "most"}, {}, "smode='most'"),
        ({"lane": "river"}, {}, "lane='river'"),
        ({"axis": "mayan"}, {}, "axis='mayan'"),
        ({"projector": "1"}, dict(projector=True), None),
        ({"projector": "0"}, {}, None),
        ({"projector": "yes"}, {}, "projector='yes'"),
        ({"lane": "source"}, dict(lane="source"), None),
        ({"from": "656-05"}, dict(start=month_index(656, 5)), None),
        ({"from": "0656-05"}, dict(start=month_index(656, 5)), None),
        ({"from": "May 656"}, {}, "from='May 656'"),
        ({"from": "656-13"}, {}, "from='656-13'"),
        ({"to": "700-01"}, {}, "to='700-01'"),
        ({"from": "658-01", "to": "656-01"}, {}, "ended before it started"),
        ({"event": "nothing"}, {}, "no such event"),
        ({"at": "atlantis"}, {}, "no such place"),
        ({"utm_source": "x"}, {}, "'utm_source'"),
        ({"q": "x" * 500}, dict(text="x" * 200), "200 characters"),
        ({"q": "  Othman "}, dict(text="Othman"), None),
        ({"faction": ",,,"}, {}, "faction=',,,'"),
        ({"faction": ["", " , "]}, {}, "names no faction"),
        ({"faction": ""}, {}, None),
        ({"faction": ["<img src=x>", "ali"]}, dict(factions=("ali",)), "'<img src=x>'"),
        ({"event": ["<script>", "camp"]}, dict(event="camp"), "'<script>'"),
        ({"lane": ["river", "place"]}, dict(lane="place"), "lane 2 times"),
        ({"event": ["camp", "nothing"]}, {}, ("event 2 times", "no such event")),
    ],
)
def test_bad_url_values_are_ignored_with_a_polite_notice(vocabulary, query, expected, notice):
    """Test that unknown or malformed values are dropped and, where dropped, explained."""
    state = FilterState.from_query(query, vocabulary)
    assert state == vocabulary.default_state().with_(**expected)
    expected_notices = () if notice is None else (notice,) if isinstance(notice, str) else notice
    assert len(state.notices) == len(expected_notices), state.notices
    for words, text in zip(expected_notices, state.notices, strict=True):
        assert words in text


@pytest.mark.parametrize(
    ("text", "month"),
    [("656-05", month_index(656, 5)), ("0656-05", month_index(656, 5)), ("656-5", 656 * 12 + 4),
     ("656", None), ("656-00", None), ("abc", None), ("", None)],
)
def test_parse_month(text, month):
    """Test that months read as 'YYY-MM' or 'YYYY-MM' and nothing else."""
    assert parse_month(text) == month


def test_format_month_has_no_leading_zero_year():
    """Test that months are written as '656-05', never '0656-05'."""
    assert format_month(month_index(656, 5)) == "656-05"
    assert (DEFAULT_START, DEFAULT_END) == (month_index(654, 1), month_index(658, 12))


def test_visible_routes_follow_the_events_shown(package):
    """Test that a route is drawn only when its event is shown."""
    everything = apply_filters(package, FilterState()).events
    assert list(visible_routes(package.routes, everything)["id"]) == ["r1"]
    revolt = apply_filters(package, FilterState(episodes=("revolt",))).events
    assert visible_routes(package.routes, revolt).empty
