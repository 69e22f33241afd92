"""Property tests for atlas/package/ (the loader): whatever a file holds, loading returns a Package whose
counts add up, and never needs its last-resort guard."""

import codecs
import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlas import schema
from atlas.package import Package, load_package
from atlas.package.types import CODES
from tests.conftest import write_package

# The same examples on every run (no randomness without a seed), nothing saved to disk, and few
# enough that the suite stays quick.
FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# The events' real columns, names the loader understands, and names it does not.
HEADERS = ["id", "title", "summary", "start", "end", "date_basis", "date_reference", "kind",
           "place_id", "faction_id", "episode", "context", "date", "Place", "lat", "lon",
           "Latitude", " Title ", "ID", "", "notes", "id"]
# Cell text leaning towards what breaks CSV readers, plus any other character.
CELL = st.one_of(
    st.sampled_from(["", " ", "0656", "656", "0656-05-01", "06/17/0656", "[0657,0658]", "0657~",
                     "true", "nope", "unknown", "Medina", "24.5", "24,5", "-200", "a", "a",
                     "المدينة", "Ṣiffīn", '"', '""', ",", ";", "\t", "\r\n", "\n", "\ufeff",
                     "<b>x</b>"]),
    st.text(max_size=12),
)


def check(package: Package) -> None:
    """Assert what must hold for any input: a Package, no crash guard, counts that add up."""
    from tests.conftest import crash_guards

    assert isinstance(package, Package)
    assert not crash_guards(package.problems), package.problems
    assert package.counts
    for name, count in package.counts.items():
        assert count.adds_up, (name, count)
        frame = getattr(package, name)
        assert count.shown == len(frame), (name, count, len(frame))
    for problem in package.problems:
        # Located for a person: the text names the file and ends with the words.
        assert problem.message and str(problem).endswith(f": {problem.message}")
        assert problem.file in str(problem)
        assert problem.message and problem.code in CODES, problem


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_lone_events_table_load(data):
    """Test that arbitrary bytes as events.csv, with no description, never break loading."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "events.csv").write_bytes(data)
        check(load_package(Path(folder)))


@settings(max_examples=30, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([*schema.TABLES, "relations"]), st.binary(max_size=2000), st.booleans())
def test_any_bytes_as_any_table_of_the_tiny_package_load(table, data, described):
    """Test that arbitrary bytes in place of any table, with or without datapackage.json, load."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data_dir = write_package(root)
        (data_dir / f"{table}.csv").write_bytes(data)
        if not described:
            (data_dir / "datapackage.json").unlink()
        shutil.rmtree(root / "geo")
        check(load_package(data_dir, root / "geo"))


@st.composite
def csv_files(draw) -> tuple[bytes, int]:
    """A plausible events CSV: real and odd headers, awkward cells, any separator and encoding."""
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=8))
    if rows and draw(st.booleans()):
        rows[-1] = rows[-1] + draw(st.lists(CELL, min_size=1, max_size=2))  # one row too long
    separator = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    if ending == "\n":
        # The writer quotes only the characters of its own line ending; a bare \r would end a row.
        rows = [[cell.replace("\r", "") for cell in row] for row in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=ending)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    bom = draw(st.booleans())
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8", errors="surrogatepass"), len(rows)


@FAST
@given(csv_files())
def test_plausible_events_tables_load_and_count_every_row(file):
    """Test that odd but well-formed CSVs load, and no more rows are read than were written."""
    data, rows = file
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "events.csv").write_bytes(data)
        package = load_package(Path(folder))
        check(package)
        assert package.counts["events"].read <= rows


@FAST
@given(st.text(max_size=40), st.sampled_from(["title", "summary"]))
def test_text_cells_come_back_exactly_but_trimmed(text, column):
    """Test that any text in a title or summary is kept as written, apart from trimming."""
    row = {"id": "a", "title": "T", "summary": "S", "date": "0656", column: text}
    with tempfile.TemporaryDirectory() as folder:
        with (Path(folder) / "events.csv").open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([list(row), list(row.values())])
        package = load_package(Path(folder))
        check(package)
        expected = text.strip()
        if column == "title" and not expected:
            assert package.events.empty  # a title is required
        else:
            assert package.events[column].tolist() == [expected]


# Any JSON value, leaning towards the members a descriptor and a GeoJSON layer have.
KEYS = st.sampled_from(["resources", "name", "path", "schema", "fields", "type", "constraints",
                        "pattern", "enum", "minimum", "required", "primaryKey", "foreignKeys",
                        "title", "licenses", "features", "geometry", "coordinates",
                        "properties", "id", "event_id", "faction_id", "geometries", "x"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True), st.text(max_size=8),
                    st.sampled_from(["events", "events.csv", "FeatureCollection", "Feature",
                                     "Point", "LineString", "Polygon", "string", "number",
                                     "/etc/passwd", "../x", "(a+)+$", "[a-"]))
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=30)


@FAST
@given(descriptor=JSON, routes=JSON, regions=JSON)
def test_any_descriptor_and_layers_load_without_the_guard(descriptor, routes, regions):
    """Test that random JSON as datapackage.json and as both layers never crashes the loader."""
    import json

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = write_package(root)
        (data / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        (root / "geo" / "routes.geojson").write_text(json.dumps(routes), encoding="utf-8")
        (root / "geo" / "regions.geojson").write_text(json.dumps(regions), encoding="utf-8")
        check(load_package(data, root / "geo"))


@FAST
@given(features=st.lists(st.fixed_dictionaries({"type": st.just("Feature"),
                                                 "properties": JSON, "geometry": JSON}),
                         max_size=5))
def test_any_features_in_a_layer_load_without_the_guard(features):
    """Test that random features inside a real FeatureCollection never crash the loader."""
    import json

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = write_package(root)
        layer = {"type": "FeatureCollection", "features": features}
        (root / "geo" / "routes.geojson").write_text(json.dumps(layer), encoding="utf-8")
        check(load_package(data, root / "geo"))
