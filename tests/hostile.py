"""The hostile-package corpus: packages an attacker might upload to a public Fitna Atlas.

Each case is a function that edits the tiny package (tests/conftest.py) in place. A case may
name ``{listener}``, the address of a local HTTP listener the tests run, so that a server that
tried to fetch anything would be caught; ``{secret}`` is a file outside the package whose
content must never come back. The cases follow what the hostile-package review found (GDAL
virtual datasets, Markdown in gazetteer ids, CSS through a colour, deep JSON, extreme dates) and
the OWASP file-upload and CSV-injection lists (paths out of the package, links, formulas, odd
encodings). Every case must load with located problems, never a crash, never a request, never
the secret.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from tests.conftest import tiny_geo, tiny_tables, write_package

SECRET = "s3cr3t-root:x:0:0:do-not-show"
MARKDOWN_ID = "1) ![x]({listener}/pixel.png) [link](javascript:alert(1)) **bold** ("


def _vrt(source: str, layer: str = "{secret.stem}") -> str:
    # GDAL opens this as a table read from ``source`` (checked by hand: geopandas.read_file on
    # it returns the secret file's lines).
    return (f'<OGRVRTDataSource><OGRVRTLayer name="routes"><SrcDataSource>{source}'
            f'</SrcDataSource><SrcLayer>{layer}</SrcLayer></OGRVRTLayer></OGRVRTDataSource>')


def _write(root: Path, name: str, text: str) -> None:
    (root / "geo" / name).write_text(text, encoding="utf-8")


def _descriptor(root: Path, edit: Callable[[dict], None]) -> None:
    path = root / "data" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def _resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(descriptor: dict, table: str, name: str) -> dict:
    return next(f for f in _resource(descriptor, table)["schema"]["fields"] if f["name"] == name)


def _relax(descriptor: dict, table: str, name: str, kind: str = "string") -> None:
    field = _field(descriptor, table, name)
    field["type"] = kind
    field.pop("constraints", None)


def _table(root: Path, name: str, edit: Callable[[pd.DataFrame], None]) -> None:
    path = root / "data" / f"{name}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    edit(frame)
    frame.to_csv(path, index=False)


def _set(table: str, column: str, value: str, row: int = 0):
    def edit(root: Path, listener: str, secret: Path) -> None:
        text = value.format(listener=listener, secret=secret)
        _table(root, table, lambda f: f.__setitem__(column, [
            text if i == row else v for i, v in enumerate(f[column])]))
    return edit


def _relaxed(table: str, column: str, value: str, kind: str = "string"):
    def edit(root: Path, listener: str, secret: Path) -> None:
        _descriptor(root, lambda d: _relax(d, table, column, kind))
        _set(table, column, value)(root, listener, secret)
    return edit


def _layer(name: str, text: str):
    def edit(root: Path, listener: str, secret: Path) -> None:
        _write(root, name, text.format(listener=listener, secret=secret))
    return edit


def _descriptor_edit(change: Callable[[dict, str, Path], None]):
    def edit(root: Path, listener: str, secret: Path) -> None:
        _descriptor(root, lambda d: change(d, listener, secret))
    return edit


def _raw_descriptor(text: str):
    def edit(root: Path, listener: str, secret: Path) -> None:
        (root / "data" / "datapackage.json").write_text(text, encoding="utf-8")
    return edit


def _point_route(coordinates) -> str:
    layer = tiny_geo()["routes.geojson"]
    layer["features"][0]["geometry"] = {"type": "Point", "coordinates": coordinates}
    return json.dumps(layer).replace("{", "{{").replace("}", "}}")


# name -> how the case edits a written tiny package; reads_files / fetches mark the cases whose
# danger is a file read or a request (the browser test uploads those to a real server).
CASES: dict[str, Callable[[Path, str, Path], None]] = {
    # Geometry a library would open as something else.
    "vrt_reads_a_server_file": _layer("routes.geojson", _vrt("CSV:{secret}")),
    "vrt_fetches_a_url": _layer("routes.geojson", _vrt("/vsicurl/{listener}/routes.csv", "routes")),
    "vrt_in_regions": _layer("regions.geojson", _vrt("{secret}")),
    "vsicurl_text_as_layer": _layer("routes.geojson", "/vsicurl/{listener}/x.geojson"),
    "url_text_as_layer": _layer("routes.geojson", "{listener}/x.geojson"),
    "csv_with_wkt_as_layer": _layer("routes.geojson",
                                    "id,WKT\nr1,\"LINESTRING (30 10, 10 30)\"\n"),
    "gml_as_layer": _layer("routes.geojson",
                           '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">'
                           ']><FeatureCollection>&e;</FeatureCollection>'),
    "deep_geojson": _layer("regions.geojson", "[" * 100_000 + "]" * 100_000),
    "geojson_with_strings_for_coordinates": _layer(
        "routes.geojson", _point_route(["{listener}", "{secret}"])),
    "geojson_with_nan": _layer("routes.geojson", _point_route([31.2, 30.0]).replace(
        "31.2", "NaN")),
    "geojson_crs_url": _layer("routes.geojson", json.dumps(
        {**tiny_geo()["routes.geojson"], "crs": {"type": "link", "properties": {
            "href": "LISTENER/crs", "type": "proj4"}}}).replace("{", "{{").replace("}", "}}")
        .replace("LISTENER", "{listener}")),
    # Paths a descriptor or sources.csv names.
    "descriptor_path_absolute": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "events").update(path=str(secret))),
    "descriptor_path_dotdot": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "events").update(path="../../../../etc/passwd")),
    "descriptor_path_url": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "places").update(path=f"{listener}/places.csv")),
    "descriptor_path_vsicurl": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "places").update(
            path=f"/vsicurl/{listener}/places.csv")),
    "descriptor_path_list": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "places").update(
            path=[f"{listener}/a.csv", "places.csv"])),
    "descriptor_schema_url": _descriptor_edit(
        lambda d, listener, secret: _resource(d, "events").update(schema=f"{listener}/s.json")),
    "text_path_absolute": _set("sources", "text_path", "{secret}"),
    "text_path_dotdot": _set("sources", "text_path", "../../../../../etc/passwd"),
    "text_path_url": _set("sources", "text_path", "{listener}/t1.txt"),
    "text_path_file_url": _set("sources", "text_path", "file://{secret}"),
    # Bounded work on JSON.
    "deep_descriptor": _raw_descriptor('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "huge_descriptor": _raw_descriptor('{"resources": [], "x": "' + "a" * 3_000_000 + '"}'),
    "descriptor_wrong_types": _descriptor_edit(lambda d, listener, secret: d.update(
        title=["a", {"b": 1}], licenses=5, contributors="someone", description={"x": 1},
        version=None, created=12)),
    "descriptor_redos_pattern": _descriptor_edit(
        lambda d, listener, secret: _field(d, "events", "title").setdefault(
            "constraints", {}).update(pattern="(a+)+$")),
    # Values that reach Markdown, HTML, CSS or a URL.
    "gazetteer_id_markdown": _relaxed("places", "wikidata_id", MARKDOWN_ID),
    "gazetteer_id_javascript": _set("places", "pleiades_id", "javascript:alert(1)"),
    "gazetteer_id_url": _set("places", "thurayya_id", "{listener}/x"),
    "colour_breaks_out_of_css": _relaxed(
        "factions", "colour", 'red"></span><img src=x onerror="window.__xss=5"><span x="'),
    "colour_fetches_a_url": _relaxed("factions", "colour", "url({listener}/c.png)"),
    "colour_not_a_colour": _relaxed("factions", "colour", "not a colour"),
    "latitude_not_a_number": _relaxed("places", "lat", "north"),
    "latitude_as_integer_type": _relaxed("places", "lat", "1e999", kind="number"),
    "offsets_not_numbers": _relaxed("attestations", "start_offset", "five"),
    "formula_title": _set("events", "title", '=HYPERLINK("{listener}/x","click")'),
    # Dates at the edges of the calendar.
    "date_year_one": _set("events", "start", "0001-01-01"),
    "date_year_9999": _set("events", "start", "9999-12-31"),
    "date_reversed_range": _set("events", "start", "0658-07/0656-01"),
    "date_end_before_start": _set("events", "end", "0601-01-01", row=1),
    "date_negative_year": _set("events", "start", "-0100-01-01"),
    "date_open_interval": _set("events", "start", "../0656"),
    "date_huge_year": _set("events", "start", "Y-99999999999"),
}

# The cases whose danger is reading a server file or reaching the network.
REACHING_OUT = [name for name in CASES if any(word in name for word in (
    "vrt", "vsicurl", "url", "path", "gml", "crs", "fetches", "gazetteer_id_url"))]


def build(name: str, root: Path, listener: str, secret: Path) -> Path:
    """Write the tiny package under ``root`` with hostile case ``name``; return its data folder."""
    data = write_package(root, tiny_tables())
    CASES[name](root, listener, secret)
    return data


class Listener:
    """A local HTTP server that records every request made to it (and answers 404).

    A hostile case names its address; any request it records means the atlas, or a browser
    showing it, fetched something a package asked for.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_error(404)

            do_GET = do_HEAD = do_POST = do_OPTIONS = _record

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
