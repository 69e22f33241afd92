"""The hostile-package corpus (tests/hostile.py) against the loader and every page.

Each case must give a located problem (file and, where there is one, column), keep the valid
rows, make no request (a local listener counts them), never show the content of a server file,
and never crash a page.
"""

import re

import pytest
from streamlit.testing.v1 import AppTest

from atlas import escape
from atlas.package import load_package
from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from tests.conftest import crash_guards
from tests.hostile import CASES, SECRET, Listener, build

APP = str(ROOT / "app.py")
# Where a Markdown link on a page may lead: the app itself, or a known gazetteer over https.
SAFE_TARGETS = ("./", *(url.split("{}")[0] for _, url, _ in escape.GAZETTEERS.values()))

# The problem each case must be reported as: (file, column); None where the case is harmless
# text or an ignored member that only must not be acted on.
EXPECTED = {
    "vrt_reads_a_server_file": ("routes.geojson", None),
    "vrt_fetches_a_url": ("routes.geojson", None),
    "vrt_in_regions": ("regions.geojson", None),
    "vsicurl_text_as_layer": ("routes.geojson", None),
    "url_text_as_layer": ("routes.geojson", None),
    "csv_with_wkt_as_layer": ("routes.geojson", None),
    "gml_as_layer": ("routes.geojson", None),
    "deep_geojson": ("regions.geojson", None),
    "geojson_with_strings_for_coordinates": ("routes.geojson", "geometry"),
    "geojson_with_nan": ("routes.geojson", "geometry"),
    "geojson_crs_url": None,
    "descriptor_path_absolute": ("datapackage.json", "path"),
    "descriptor_path_dotdot": ("datapackage.json", "path"),
    "descriptor_path_url": ("datapackage.json", "path"),
    "descriptor_path_vsicurl": ("datapackage.json", "path"),
    "descriptor_path_list": ("datapackage.json", "path"),
    "descriptor_schema_url": None,
    "text_path_absolute": ("sources.csv", "text_path"),
    "text_path_dotdot": ("sources.csv", "text_path"),
    "text_path_url": ("sources.csv", "text_path"),
    "text_path_file_url": ("sources.csv", "text_path"),
    "deep_descriptor": ("datapackage.json", None),
    "huge_descriptor": ("datapackage.json", None),
    "descriptor_wrong_types": None,
    "descriptor_redos_pattern": ("datapackage.json", None),
    "gazetteer_id_markdown": ("places.csv", "wikidata_id"),
    "gazetteer_id_javascript": ("places.csv", "pleiades_id"),
    "gazetteer_id_url": ("places.csv", "thurayya_id"),
    "colour_breaks_out_of_css": ("factions.csv", "colour"),
    "colour_fetches_a_url": ("factions.csv", "colour"),
    "colour_not_a_colour": ("factions.csv", "colour"),
    "latitude_not_a_number": ("places.csv", "lat"),
    "latitude_as_integer_type": ("places.csv", "lat"),
    "offsets_not_numbers": ("attestations.csv", "start_offset"),
    "formula_title": None,
    "date_year_one": None,
    "date_year_9999": None,
    "date_reversed_range": ("events.csv", "start"),
    "date_end_before_start": ("events.csv", "end"),
    "date_negative_year": ("events.csv", "start"),
    "date_open_interval": ("events.csv", "start"),
    "date_huge_year": ("events.csv", "start"),
}
# Cases whose values reach the Places and About pages too (the others only the loader's report,
# which the Atlas page lists): these run on all three pages, the rest on the Atlas page.
EVERY_PAGE = {case for case in CASES if case.startswith(
    ("descriptor", "gazetteer", "colour", "date", "latitude", "vrt_reads", "text_path_absolute"))}
# Cases that leave the package with no events table to read (the path of it is refused).
NO_EVENTS = {"descriptor_path_absolute", "descriptor_path_dotdot", "deep_descriptor",
             "huge_descriptor"}


def test_every_case_has_an_expectation():
    """Test that the corpus and this table name the same cases."""
    assert set(EXPECTED) == set(CASES)


@pytest.fixture(scope="module")
def listener():
    with Listener() as running:
        yield running


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "server-secret.txt"
    path.write_text(f"id\n{SECRET}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_the_loader_reports_each_case_where_it_is(case, tmp_path, listener, secret):
    """Test that a hostile package loads with a located problem, no request and no secret."""
    before = len(listener.requests)
    data = build(case, tmp_path / "package", listener.url, secret)
    package = load_package(data, tmp_path / "package" / "geo")
    assert listener.requests[before:] == []
    assert not crash_guards(package.problems), case
    assert all(SECRET not in str(p) for p in package.problems)
    expected = EXPECTED[case]
    if expected:
        assert expected in {(p.file, p.column) for p in package.problems}, package.problems
    assert len(package.events) == (0 if case in NO_EVENTS else 5)
    assert all(count.adds_up for count in package.counts.values())


def _shown_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader", "info",
                                  "warning", "error", "code") for e in getattr(at, kind)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("case", list(CASES))
def test_every_page_shows_each_case_without_a_crash(case, tmp_path, monkeypatch, listener, secret):
    """Test the Atlas page (and Places and About where the case reaches them) on each hostile
    package: no error box, no request, no server file's content, no live markup."""
    before = len(listener.requests)
    data = build(case, tmp_path / "package", listener.url, secret)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "package" / "geo"))
    pages = [("pages/atlas.py", {"event": "camp"})]
    if case in EVERY_PAGE:
        pages += [("pages/places.py", {"gaz": "medina"}), ("pages/about.py", {})]
    for page, query in pages:
        at = AppTest.from_file(APP, default_timeout=60)
        for name, value in query.items():
            at.query_params[name] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, (case, page, [e.value for e in at.exception])
        shown = _shown_text(at)
        assert SECRET not in shown
        for element in at.markdown:
            value = element.value
            if value.startswith("<style>") or "line-height:1.9" in value:
                continue
            assert not re.search(r"(?<!\\)(<(img|script)|!\[)", value), (case, page, value)
            for target in re.findall(r"(?<!\\)\]\(([^)\s]*)", value):
                assert target.startswith(SAFE_TARGETS), (case, page, target)
    assert listener.requests[before:] == []
