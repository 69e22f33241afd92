"""Tests of the example package under examples/: it validates, and the whole app runs on it."""

import pytest
import streamlit as st
from frictionless import validate

from atlas.package import load_package
from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from atlas.ui.components import plain
from tests.test_app import markdown_text as page_text
from tests.test_app import run_app

EXAMPLE = ROOT / "examples" / "siege_717"
EXAMPLE_GEO = EXAMPLE / "geo"


@pytest.fixture(scope="module")
def package():
    """The siege example, loaded once."""
    return load_package(EXAMPLE, EXAMPLE_GEO)


@pytest.fixture
def example_app(monkeypatch):
    """Point the app at the siege example for one test, with a fresh resource cache."""
    # The newer variable names win over FITNA_ATLAS_*, so a value set outside the test must go.
    for name in ("ATLAS_DATA", "ATLAS_GEO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DATA_ENV, str(EXAMPLE))
    monkeypatch.setenv(GEO_ENV, str(EXAMPLE_GEO))
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_the_example_loads_with_no_problems(package):
    """Test that the loader finds nothing wrong with the example, not even a notice."""
    assert [str(p) for p in package.problems] == []


def test_frictionless_validates_the_example():
    """Test that the independent frictionless validator accepts the example package."""
    report = validate(str(EXAMPLE / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_example_meets_its_floors(package):
    """Test that the example holds a real package's worth of each table, every event attested."""
    assert len(package.events) >= 12
    assert set(package.events["id"]) <= set(package.attestations["event_id"])
    assert len(package.sources) == 3
    assert len(package.places) >= 6
    assert len(package.people) >= 8
    assert 3 <= len(package.factions) <= 4
    assert len(package.episodes) >= 2
    assert package.events["has_date"].all()
    assert len(package.routes) >= 1 and len(package.regions) >= 1
    assert set(package.routes["event_id"]) <= set(package.events["id"])
    assert (package.routes["id"] == package.routes["event_id"]).all()


def test_every_example_quote_stands_at_its_offsets(package):
    """Test that each quote is found character for character at its offsets in its text."""
    for row in package.attestations.itertuples():
        text = package.texts[row.source_id]
        assert text[row.start_offset:row.end_offset] == row.quote, row.id


def test_the_example_is_about_another_period(package):
    """Test that the example's dates lie in 716-718, outside the atlas's own 654-658."""
    years = package.events["best_iso"].str.slice(0, 4).astype(int)
    assert years.between(715, 719).all()


def test_the_example_records_disagreements(package):
    """Test that the sources' different dates for the caliph's death are both kept."""
    dates = package.source_dates
    death = set(dates.loc[dates["event_id"] == "sulayman_dies", "value"])
    assert death == {"0717-09-22", "0717-10-08"}
    fields = set(package.attestations["differs_field"]) - {""}
    assert {"date", "number", "agent", "manner"} <= fields


def test_the_whole_app_runs_on_the_example(example_app, package):
    """Test that the Atlas page renders the example's events and charts without exception."""
    at = run_app()
    assert not at.exception
    assert not at.error
    text = page_text(at)
    assert f"of {len(package.events)} events" in text
    assert f"{len(package.events)} events · {len(package.places)} places" in text
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize("query", [{"axis": "ah"}, {"lane": "place"}, {"lane": "faction"}])
def test_the_example_draws_in_every_view(example_app, package, query):
    """Test that the example renders with the AH axis and with each kind of lane."""
    at = run_app(query)
    assert not at.exception
    assert f"of {len(package.events)} events" in page_text(at)


def test_an_example_event_card_shows_each_sources_date(example_app):
    """Test that the card of the caliph's death shows both sources' dates."""
    at = run_app({"event": "sulayman_dies"})
    assert not at.exception
    text = page_text(at)  # the link opens the card in a dialog over the charts
    assert "> Suleiman, the leader of the Arabs, died on 8 October 717" in text
    assert "> " + plain("Sulayman died at Dabiq on 10 Safar 99, that is 22 September 717.") in text
    # The card may show a source's date as EDTF or in words; either way both dates are there.
    differs = [line for line in text.splitlines() if line.startswith("*Differs on date:*")]
    assert len(differs) == 3
    assert any("0717-10-08" in line or "8 October 717" in line for line in differs)
    assert any("0717-09-22" in line or "22 September 717" in line for line in differs)
    at.run()  # as closing the dialog does: the card stands below the charts
    assert "Death of the caliph Sulayman" in [h.value for h in at.subheader]
    assert page_text(at).count("*Differs on date:*") == 3


@pytest.mark.parametrize("page", sorted(path.name for path in (ROOT / "pages").glob("*.py")))
def test_every_page_runs_on_the_example(example_app, page):
    """Test that each page of the app renders the example without exception or error box."""
    at = run_app(page=f"pages/{page}")
    assert not at.exception
    assert not at.error


def test_the_data_page_says_the_example_validates(example_app):
    """Test that the data page runs on the example and reports no problems."""
    at = run_app(page="pages/about.py")
    assert not at.exception
    assert any("validates" in s.value for s in at.success)
