"""Tests for atlas/figures.py, read through fig.data and fig.layout."""

from dataclasses import replace

import pandas as pd
import pytest

from atlas.dates import month_index
from atlas.figures import (
    DENSE_THRESHOLD,
    DENSITY_THRESHOLD,
    density_month,
    escape_text,
    timeline_figure,
)
from atlas.timeline import NORMAL


@pytest.fixture
def package(tiny_package):
    """The tiny package, loaded once per session."""
    return tiny_package


def marker_traces(fig):
    """The event marker traces (one per faction)."""
    return [t for t in fig.data if t.mode == "markers+text" and t.customdata is not None]


def timeline(package, **kwargs):
    """The timeline of every event in the tiny package."""
    return timeline_figure(package.events, package.factions, **kwargs)


def test_one_marker_trace_per_faction_coloured_by_faction(package):
    """Test that each faction present gets one marker trace in its colour, with its events."""
    fig = timeline(package)
    traces = {t.name: t for t in marker_traces(fig)}
    assert set(traces) == {"Ali's party", "Rebels", "Syrians"}
    assert traces["Rebels"].marker.color == "#D55E00"
    assert traces["Ali's party"].marker.color == "#009E73"
    assert sorted(row[0] for row in traces["Rebels"].customdata) == ["camp", "siege"]
    assert sum(len(t.x) for t in traces.values()) == len(package.events)


def test_markers_sit_at_the_best_estimate_in_julian_iso(package):
    """Test that x values are Julian ISO strings read with xcalendar='julian'."""
    fig = timeline(package)
    rebels = next(t for t in marker_traces(fig) if t.name == "Rebels")
    assert rebels.xcalendar == "julian"
    assert "0656-05-01" in list(rebels.x)
    xs = [x for t in fig.data if t.x is not None for x in list(t.x) if x is not None]
    assert xs and not any(str(x).startswith("1970") for x in xs)


def test_uncertain_events_show_their_whole_span_faintly(package):
    """Test that '[0657,0658]' draws a faint segment from 0657-01-01 to 0658-12-31."""
    fig = timeline(package)
    spans = [t for t in fig.data if t.mode == "lines" and t.name == "Ali's party: possible span"]
    assert len(spans) == 1
    xs = list(spans[0].x)
    assert ("0657-01-01", "0658-12-31") in list(zip(xs[0::3], xs[1::3], strict=True))
    assert spans[0].opacity < 0.5
    # A single exact day has no span: of the rebels' two events only the siege has one.
    rebels = next(t for t in fig.data if t.mode == "lines" and t.name.startswith("Rebels"))
    assert list(rebels.x) == ["0656-05-01", "0656-06-30", None]


def test_imprecise_dates_get_an_open_marker(package):
    """Test that exact days are filled circles and imprecise ones open circles."""
    rebels = next(t for t in marker_traces(timeline(package)) if t.name == "Rebels")
    symbols = dict(zip((row[0] for row in rebels.customdata), rebels.marker.symbol, strict=True))
    assert symbols == {"camp": "circle", "siege": "circle-open-dot"}


def test_hover_gives_title_date_words_ah_place_and_sources(package):
    """Test that the hover data carries the words a person reads."""
    rebels = next(t for t in marker_traces(timeline(package)) if t.name == "Rebels")
    camp = next(row for row in rebels.customdata if row[0] == "camp")
    assert list(camp[1:6]) == ["Rebels camp", "1 May 656", "1 Dhu al-Qa'da 35 AH", "Medina",
                               "Tiny"]
    assert "%{customdata[1]}" in rebels.hovertemplate


def test_each_sources_own_date_is_a_diamond_on_its_events_row(package):
    """Test that an attestation's differing date is a diamond on its event's row, named on hover."""
    fig = timeline(package, source_dates=package.source_dates)
    own = next(t for t in fig.data if t.name == "A source's own date")
    assert own.text is None
    assert list(own.x) == ["0658-07-02"]
    assert own.customdata[0][0] == "invasion" and own.customdata[0][2] == "Tiny"
    ali = next(t for t in marker_traces(fig) if t.name == "Ali's party")
    rows = dict(zip((row[0] for row in ali.customdata), ali.y, strict=True))
    assert list(own.y) == [pytest.approx(rows["invasion"] + 0.32)]


@pytest.mark.parametrize(
    ("lane", "labels"),
    [("episode", ["Revolt", "Egypt"]), ("faction", ["Rebels", "Ali's party", "Syrians"]),
     ("place", ["Medina", "Kharbata", "Fustat"])],
)
def test_lanes_follow_the_switch(package, lane, labels):
    """Test that events sit on episode, faction or place lanes as asked."""
    fig = timeline(package, lane=lane, lane_order=["Revolt", "Egypt"])
    assert [a.text for a in fig.layout.annotations] == [f"<b>{label}</b>" for label in labels]


def test_every_event_is_titled_on_the_chart_at_12_px_or_more(package):
    """Test that each of a few events carries its title beside its marker, at least 12 px."""
    fig = timeline(package, window=(month_index(656, 1), month_index(658, 12)))
    traces = marker_traces(fig)
    titles = {row[0]: text for t in traces for row, text in zip(t.customdata, t.text, strict=True)}
    assert titles == {"camp": "Rebels camp", "siege": "Siege", "invasion": "Invasion",
                      "defeat": "Defeat", "fall": "Fall of Fustat"}
    assert all(t.textfont.size >= 12 for t in traces)
    assert fig.layout.xaxis.tickfont.size >= 12


def test_lanes_by_source_put_each_version_at_its_own_date_joined_by_a_line(package):
    """Test that a source's own date places that source's version, and a line joins versions."""
    fig = timeline(package, lane="source", source_dates=package.source_dates,
                   attestations=package.attestations, sources=package.sources)
    assert [a.text for a in fig.layout.annotations] == ["<b>Tiny (t1)</b>", "<b>Other (t2)</b>"]
    dates = {row[0]: x for t in marker_traces(fig) for row, x in zip(t.customdata, t.x,
                                                                      strict=True)}
    assert dates["invasion"] == "0658-07-02"
    assert not any(t.name == "Same event in another version" for t in fig.data)


@pytest.mark.parametrize(
    ("axis", "calendar", "range_"),
    [("ce", "julian", ["0654-01-01", "0659-01-01"]),
     # 1 Jan 654 and 1 Jan 659 (Julian) in the tabular Islamic calendar: the axis reads AH.
     ("ah", "islamic", ["0033-06-05", "0038-07-30"])],
)
def test_axis_switch_sets_the_calendar_and_year_ticks_without_zeros(package, axis, calendar,
                                                                     range_):
    """Test that the axis uses the Julian or Islamic calendar and '%-Y' year ticks."""
    fig = timeline(package, axis=axis, window=(month_index(654, 1), month_index(658, 12)))
    assert fig.layout.xaxis.calendar == calendar
    assert fig.layout.xaxis.type == "date"
    formats = [stop.value for stop in fig.layout.xaxis.tickformatstops]
    assert all("%Y" not in value for value in formats)
    assert any("%-Y" in value for value in formats)
    assert list(fig.layout.xaxis.range) == range_


def test_selected_event_is_drawn_as_plotly_selects_a_clicked_point(package):
    """Test that the selected event is the one selected point (larger), every other marker faded."""
    fig = timeline(package, selected="camp")
    chosen = [(t.name, [t.customdata[i][0] for i in t.selectedpoints]) for t in fig.data
              if t.selectedpoints]
    assert [ids for _, ids in chosen if "camp" in ids] and all(
        set(ids) == {"camp"} for _, ids in chosen)
    for trace in marker_traces(fig):
        assert trace.selectedpoints is not None  # [] where the event is not: faded
        assert trace.unselected.marker.opacity < 0.5
        assert trace.selected.marker.size > trace.marker.size


def test_the_timeline_is_the_same_figure_whatever_is_clicked(package):
    """Test that the timeline's JSON does not depend on a click in it (Plotly shows that), but
    does on the filters, on a selection drawn by the figure and on its revision."""
    plain = timeline(package).to_json()
    assert timeline(package).to_json() == plain
    assert timeline(package, selected="camp").to_json() != plain
    assert timeline(package, selected="camp", revision=1).to_json() != \
        timeline(package, selected="camp").to_json()
    assert timeline(package, selected="no-such-event").to_json() == plain
    assert timeline_figure(package.events.iloc[:3], package.factions).to_json() != plain


def test_many_events_switch_to_webgl(package):
    """Test that above the threshold the timeline uses Scattergl traces."""
    many = pd.concat([package.events] * (DENSE_THRESHOLD // 5 + 1), ignore_index=True)
    fig = timeline_figure(many, package.factions)
    assert {t.type for t in fig.data} == {"scattergl"}
    assert len(fig.data) <= 3 * len(package.factions)


def test_data_text_in_labels_is_escaped_but_ids_are_not(package):
    """Test that a title with tags shows as text in the hover and the click id stays intact."""
    events = package.events.copy()
    events.loc[0, "title"] = '<img src=x onerror=alert(1)> & <a href="javascript:x">y</a>'
    fig = timeline_figure(events[events["has_date"]], package.factions)
    custom = [row for trace in fig.data if trace.customdata is not None for row in trace.customdata]
    titles = [row[1] for row in custom]
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;a href=\"javascript:x\"&gt;y&lt;/a&gt;" in titles
    assert not any("<img" in str(title) for title in titles)
    assert events.loc[0, "id"] in [row[0] for row in custom]
    assert list(escape_text(["a<b", None])) == ["a&lt;b", ""]


def test_many_events_are_drawn_as_monthly_density(package):
    """Test that above the threshold each lane and month is one bubble sized by its count."""
    events = package.events[package.events["has_date"]]
    many = pd.concat([events] * (DENSITY_THRESHOLD // len(events) + 1), ignore_index=True)
    fig = timeline_figure(many, package.factions)
    assert len(fig.data) == 1 and fig.data[0].type == "scattergl"
    ids = list(fig.data[0].customdata[:, 0])
    assert all(i.startswith("month:") for i in ids)
    assert sum(fig.data[0].customdata[:, 2]) == len(many)
    assert len(fig.to_json()) < 20_000
    assert density_month("month:656-05") == 656 * 12 + 4
    assert density_month("camp") is None


def test_untitled_events_are_counted_and_a_count_zooms_to_its_year(package):
    """Test that with no room the less prominent event becomes a counted mark whose click
    names its month (the page zooms to that year), and events outside the window are not
    counted."""
    from atlas.timeline import TimelineStyle

    tight = TimelineStyle(title_all=0, max_rows=1)
    fig = timeline(package, window=(month_index(656, 1), month_index(656, 12)), style=tight)
    titles = {row[0]: text for t in marker_traces(fig)
              for row, text in zip(t.customdata, t.text, strict=True)}
    assert titles["siege"] == "Siege" and titles["camp"] == ""
    counts = next(t for t in fig.data if t.name == "Untitled events")
    assert list(counts.text) == ["+1"]
    assert density_month(counts.customdata[0][0]) == month_index(656, 5)


@pytest.mark.parametrize(("ink", "faded"), [("#1b1b1b", "rgba(27,27,27,0.6)"),
                                            (None, "rgba(127,127,127,0.6)"),
                                            ("white", "rgba(127,127,127,0.6)")])
def test_faded_titles_keep_the_ink_at_a_lower_opacity(package, ink, faded):
    """Test that titles of events not selected fade to the ink at 0.6, a grey for any other ink."""
    fig = timeline(package, style=replace(NORMAL, ink=ink))
    assert {t.unselected.textfont.color for t in marker_traces(fig)} == {faded}
