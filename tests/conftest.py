"""Shared fixtures: a tiny data package (5 events, 3 places) built in code, never from data/.

The unchanged tiny package is written and loaded once per session (``tiny_package_dir``,
``tiny_package``), read-only; a test that changes files works on ``tiny_package_copy`` or writes
its own with :func:`write_package`. Every test starts with none of the environment variables that
choose the app's package set, whatever the shell running pytest has.
"""

import json
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from atlas.package import load_package
from atlas.paths import DATA_DIR, DATA_ENVS, GEO_ENVS

# The loader's crash guard (an exception it did not expect, reported as a problem): its stable
# problem code, and the words it starts with for problems that carry no code.
GUARD_CODE = "fault"
GUARD_WORDS = "the package could not be read"


@pytest.fixture(autouse=True)
def _no_package_from_the_shell(monkeypatch):
    """Clear ``ATLAS_DATA`` and the other package variables: a test sets the ones it needs."""
    for name in DATA_ENVS + GEO_ENVS:
        monkeypatch.delenv(name, raising=False)


def crash_guards(problems) -> list:
    """The problems that report the loader's crash guard: an exception it did not expect.

    The one place tests recognise the guard (every "never crashes" test asserts this is empty),
    by the problem's code where it has one.
    """
    return [p for p in problems if getattr(p, "code", "") == GUARD_CODE
            or (not getattr(p, "code", "") and p.message.startswith(GUARD_WORDS))]

TINY_TEXT = (
    "In May 656 the rebels camped near Medina. They besieged the house of the caliph.\n"
    "In 658 the governor sent an army against Kharbata, and it was defeated there. "
    "Later an army came from Syria and took Fustat."
)


ORDER_COLUMNS = ["id", "event_id", "follows_id", "source_id", "quote", "start_offset",
                 "end_offset", "locator", "note"]


def quote_row(ident, event_id, quote, source_id="t1", **extra):
    """Return an attestation row whose offsets are where ``quote`` stands in TINY_TEXT."""
    start = TINY_TEXT.index(quote)
    row = {"id": ident, "event_id": event_id, "source_id": source_id, "quote": quote,
           "start_offset": str(start), "end_offset": str(start + len(quote)), "locator": "¶1",
           "authority": "", "differs_field": "", "differs_value": "", "note": ""}
    row.update(extra)
    return row


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Return the tiny package's tables as string frames that a test may change before writing."""
    tables = {
        "sources": [
            {"id": "t1", "work_id": "tiny", "title": "Tiny chronicle", "work_title": "Tiny",
             "author": "unknown", "publisher": "", "year": "", "kind": "narrative history",
             "licence": "CC0", "text_path": "sources/t1.txt", "short": "Tiny", "note": ""},
            {"id": "t2", "work_id": "tiny", "title": "Tiny article", "work_title": "Tiny",
             "author": "unknown", "publisher": "", "year": "", "kind": "encyclopedia article",
             "licence": "CC0", "text_path": "sources/t1.txt", "short": "Other", "note": ""},
        ],
        "factions": [
            {"id": "ali", "name": "Ali's party", "description": "d", "colour": "#009E73"},
            {"id": "rebels", "name": "Rebels", "description": "d", "colour": "#D55E00"},
            {"id": "syrians", "name": "Syrians", "description": "d", "colour": "#CC79A7"},
        ],
        "episodes": [
            {"id": "revolt", "name": "Revolt", "order": "1", "description": "d"},
            {"id": "egypt", "name": "Egypt", "order": "2", "description": "d"},
        ],
        "places": [
            {"id": "medina", "name": "Medina", "aliases": "Madina|Yathrib", "arabic": "المدينة",
             "lat": "24.467", "lon": "39.611", "location_certainty": "certain",
             "certainty_note": "", "kind": "city", "coord_source": "test", "landmark": "true",
             "thurayya_id": "", "pleiades_id": "", "wikidata_id": "Q35484"},
            {"id": "kharbata", "name": "Kharbata", "aliases": "Kharbita", "arabic": "",
             "lat": "30.9", "lon": "30.6", "location_certainty": "disputed",
             "certainty_note": "two candidates", "kind": "town", "coord_source": "test",
             "landmark": "true", "thurayya_id": "", "pleiades_id": "", "wikidata_id": ""},
            {"id": "fustat", "name": "Fustat", "aliases": "", "arabic": "",
             "lat": "30.006", "lon": "31.231", "location_certainty": "certain",
             "certainty_note": "", "kind": "city", "coord_source": "test", "landmark": "false",
             "thurayya_id": "", "pleiades_id": "", "wikidata_id": ""},
        ],
        "people": [
            {"id": "uthman", "name": "Uthman", "aliases": "Othman", "arabic": "",
             "faction_id": "", "role": "caliph", "note": ""},
            {"id": "gov", "name": "The governor", "aliases": "", "arabic": "",
             "faction_id": "ali", "role": "governor", "note": ""},
        ],
        "events": [
            {"id": "camp", "title": "Rebels camp", "summary": "They camp.", "start": "0656-05-01",
             "end": "", "date_basis": "stated", "date_reference": "", "kind": "march",
             "place_id": "medina", "faction_id": "rebels", "episode": "revolt", "context": "false"},
            {"id": "siege", "title": "Siege", "summary": "A siege.", "start": "0656-05",
             "end": "0656-06", "date_basis": "inferred", "date_reference": "after camp",
             "kind": "siege", "place_id": "medina", "faction_id": "rebels", "episode": "revolt",
             "context": "false"},
            {"id": "invasion", "title": "Invasion", "summary": "An attack.", "start": "0658~",
             "end": "", "date_basis": "stated", "date_reference": "", "kind": "battle",
             "place_id": "kharbata", "faction_id": "ali", "episode": "egypt", "context": "false"},
            {"id": "defeat", "title": "Defeat", "summary": "A defeat.", "start": "[0657,0658]",
             "end": "", "date_basis": "inferred", "date_reference": "after invasion",
             "kind": "battle", "place_id": "kharbata", "faction_id": "ali", "episode": "egypt",
             "context": "false"},
            {"id": "fall", "title": "Fall of Fustat", "summary": "Taken.", "start": "0658-07",
             "end": "", "date_basis": "external", "date_reference": "Test 2000",
             "kind": "battle", "place_id": "fustat", "faction_id": "syrians",
             "episode": "egypt", "context": "false"},
        ],
        "attestations": [
            quote_row("q1", "camp", "In May 656 the rebels camped near Medina"),
            quote_row("q2", "siege", "They besieged the house of the caliph"),
            quote_row("q3", "invasion", "the governor sent an army against Kharbata",
                      differs_field="date", differs_value="0658", authority="Madelung"),
            quote_row("q4", "defeat", "it was defeated there"),
            quote_row("q5", "fall", "an army came from Syria and took Fustat", source_id="t2"),
        ],
        "participants": [
            {"event_id": "siege", "person_id": "uthman", "role": "besieged"},
            {"event_id": "invasion", "person_id": "gov", "role": "commander"},
        ],
        "relations": [
            {"id": "r1", "person_id": "gov", "relation": "opponent", "other_id": "uthman",
             "source_id": "t1", "quote": "the governor", "note": ""},
        ],
    }
    frames = {name: pd.DataFrame(rows, dtype=str) for name, rows in tables.items()}
    frames["order"] = pd.DataFrame(columns=ORDER_COLUMNS, dtype=str)  # no order claims
    return frames


def tiny_geo() -> dict[str, dict]:
    """Return the tiny package's route and region layers as GeoJSON dicts."""
    route = {"type": "Feature", "properties": {
        "id": "r1", "event_id": "fall", "faction_id": "syrians", "name": "To Fustat",
        "certainty": "schematic", "note": "", "reference": "test"},
        "geometry": {"type": "LineString", "coordinates": [[36.3, 33.5], [31.23, 30.0]]}}
    region = {"type": "Feature", "properties": {"id": "egypt", "name": "Egypt",
                                                "certainty": "approximate", "note": ""},
              "geometry": {"type": "Polygon", "coordinates": [[[29, 25], [33, 25], [33, 31.5],
                                                               [29, 31.5], [29, 25]]]}}
    return {"routes.geojson": {"type": "FeatureCollection", "features": [route]},
            "regions.geojson": {"type": "FeatureCollection", "features": [region]}}


def write_package(root: Path, tables=None, geo=None, text: str = TINY_TEXT) -> Path:
    """Write a package (the real descriptor, given tables and layers) under ``root``.

    Returns the data folder; the layers are in ``root / "geo"``.
    """
    tables = tiny_tables() if tables is None else tables
    geo = tiny_geo() if geo is None else geo
    data, geo_dir = root / "data", root / "geo"
    (data / "sources").mkdir(parents=True, exist_ok=True)
    geo_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA_DIR / "datapackage.json", data / "datapackage.json")
    (data / "sources" / "t1.txt").write_text(text, encoding="utf-8")
    for name, frame in tables.items():
        frame.to_csv(data / f"{name}.csv", index=False)
    for name, layer in geo.items():
        (geo_dir / name).write_text(json.dumps(layer), encoding="utf-8")
    return data


def _read_only(root: Path) -> dict[str, bytes]:
    """Make the files under ``root`` read-only; return their contents by relative path."""
    contents = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            contents[str(path.relative_to(root))] = path.read_bytes()
    return contents


@pytest.fixture(scope="session")
def tiny_package_dir(tmp_path_factory) -> Iterator[Path]:
    """The unchanged tiny package, written once per session (read-only); its data folder.

    Its layers are in ``tiny_package_dir.parent / "geo"``. The session fails if a test changed
    it (file modes do not stop a test run as root).
    """
    data = write_package(tmp_path_factory.mktemp("tiny"))
    written = _read_only(data.parent)
    yield data
    now = {str(p.relative_to(data.parent)): p.read_bytes()
           for p in sorted(data.parent.rglob("*")) if p.is_file()}
    assert now == written, "a test changed the shared tiny package; use tiny_package_copy"


@pytest.fixture(scope="session")
def tiny_package(tiny_package_dir):
    """The unchanged tiny package, loaded once per session; a test must not change its frames."""
    return load_package(tiny_package_dir, tiny_package_dir.parent / "geo")


@pytest.fixture(scope="session")
def real_package():
    """The bundled package, loaded once per session; a test must not change its frames."""
    return load_package()


@pytest.fixture
def tiny_package_copy(tiny_package_dir, tmp_path) -> Path:
    """A writable copy of the tiny package for a test that changes its files; its data folder."""
    shutil.copytree(tiny_package_dir.parent, tmp_path / "tiny", copy_function=shutil.copyfile)
    return tmp_path / "tiny" / "data"


# Text a hostile package puts in every text field; none of it may run or become markup.
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"
XSS_LINK = "[click](javascript:window.__xss=3)"
XSS_TEXT = TINY_TEXT + f" Afterwards {XSS_IMG} and {XSS_SCRIPT} were written on the walls."


def hostile_tables() -> dict[str, pd.DataFrame]:
    """The tiny tables with an XSS payload in every free-text field and one quote of it."""
    tables = tiny_tables()
    payload = f" {XSS_IMG} {XSS_SCRIPT} {XSS_LINK}"
    free_text = {
        "sources": ["title", "work_title", "author", "short", "note"],
        "factions": ["name", "description"],
        "episodes": ["name", "description"],
        "places": ["name", "certainty_note"],
        "people": ["name", "role", "note"],
        "events": ["title", "summary", "date_reference"],
        "participants": ["role"],
        "attestations": ["locator", "note"],
    }
    for table, columns in free_text.items():
        for column in columns:
            tables[table][column] = tables[table][column] + payload
    quote = f"{XSS_IMG} and {XSS_SCRIPT}"
    start = XSS_TEXT.index(quote)
    extra = quote_row("q9", "siege", "They besieged the house of the caliph") | {
        "id": "q9", "quote": quote, "start_offset": str(start),
        "end_offset": str(start + len(quote))}
    tables["attestations"] = pd.concat([tables["attestations"], pd.DataFrame([extra])],
                                       ignore_index=True)
    return tables
