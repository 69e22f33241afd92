"""Tests for atlas/presets.py: episode windows and the window in words."""

import pytest

from atlas.dates import month_index
from atlas.package import load_package
from atlas.presets import episode_presets, window_title, window_words


@pytest.fixture
def package(tiny_package):
    """The tiny package, loaded once per session."""
    return tiny_package


def test_each_episode_gets_the_months_of_its_events_in_the_tables_order(package):
    """Test that a preset runs from its first event's month to the month after its last."""
    presets = episode_presets(package.events, package.episodes)
    assert [(p.episode_id, p.name) for p in presets] == [("revolt", "Revolt"), ("egypt", "Egypt")]
    revolt = presets[0]
    assert (revolt.start, revolt.end) == (month_index(656, 5), month_index(656, 6))


def test_presets_are_cut_to_the_sliders_reach(package):
    """Test that a preset outside the reachable months is dropped and others are cut."""
    reach = (month_index(656, 6), month_index(657, 12))
    presets = episode_presets(package.events, package.episodes, reach)
    assert [(p.start, p.end) for p in presets] == [(month_index(656, 6), month_index(656, 6)),
                                                   (month_index(657, 12), month_index(657, 12))]
    assert episode_presets(package.events, package.episodes,
                           (month_index(600, 1), month_index(601, 1))) == []


def test_the_real_episodes_all_have_presets():
    """Test that every episode of the real data with dated events gets a button."""
    package = load_package()
    presets = episode_presets(package.events, package.episodes)
    dated = set(package.events.loc[package.events["has_date"], "episode"])
    assert {p.episode_id for p in presets} == dated
    assert all(p.start <= p.end for p in presets)


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [((654, 1), (658, 12), "654–658"), ((656, 1), (656, 12), "656"),
     ((656, 5), (656, 6), "May–Jun 656"), ((656, 5), (656, 5), "May 656"),
     ((656, 12), (657, 2), "Dec 656 – Feb 657")],
)
def test_window_words(start, end, words):
    """Test that the window reads as whole years, months of a year, or months across years."""
    assert window_words(month_index(*start), month_index(*end)) == words


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Fitna Atlas, 654–658", "Fitna Atlas, May–Jun 656"),
     ("The siege of Constantinople, 716-718 CE", "The siege of Constantinople, May–Jun 656"),
     ("Atlas", "Atlas, May–Jun 656"), ("", "Atlas, May–Jun 656")],
)
def test_window_title_replaces_the_titles_own_years(title, expected):
    """Test that the page title names the window in view, not the years the data title names."""
    assert window_title(title, month_index(656, 5), month_index(656, 6)) == expected
