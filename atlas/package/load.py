"""The loader's steps in order: describe, read, make what a bare spreadsheet lacks, check, then
assemble. Nothing raises: a fault in the atlas itself becomes one problem.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from atlas import schema
from atlas.frames import isin
from atlas.package.assemble import assemble_package, empty_frame
from atlas.package.checks import check_colours, check_gazetteer_ids, validate_table
from atlas.package.columns import Raw, read_raw
from atlas.package.descriptor import read_description
from atlas.package.eventdates import add_dates, read_source_dates
from atlas.package.layers import empty_layer, read_layer
from atlas.package.memory import give_back_freed
from atlas.package.quotes import (
    check_attested,
    check_order_claims,
    check_quotes,
    check_relation_quotes,
    read_texts,
)
from atlas.package.spreadsheet import derive_ids, derive_places
from atlas.package.types import (
    ALL_TABLES,
    LAYERS,
    NOTICE,
    ORDER,
    RELATIONS,
    Package,
    Report,
    TableCount,
)
from atlas.paths import DATA_DIR, geo_for

_GUARD = "the package could not be read"


def load_package(data_dir: Path = DATA_DIR, geo_dir: Path | None = None) -> Package:
    """Load and validate the data package in ``data_dir`` and the layers in ``geo_dir``.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding the CSV tables, the source texts and, usually, ``datapackage.json``.
    geo_dir : pathlib.Path, optional
        Folder holding ``routes.geojson`` and ``regions.geojson``; defaults to
        :func:`atlas.paths.geo_for` the data folder. A folder that does not exist gives no
        routes and no regions, with a notice.

    Returns
    -------
    Package
        Typed frames of the valid rows, the row counts and every problem found. Never raises
        for bad input.
    """
    data_dir = Path(data_dir)
    geo_dir = geo_for(data_dir) if geo_dir is None else Path(geo_dir)
    report = Report()
    try:
        return _load(data_dir, geo_dir, report)
    except Exception as exc:  # noqa: BLE001 - the last guard: no traceback reaches a user
        report.add(schema.DESCRIPTOR, None, None, None, f"{_GUARD} ({exc}) — this is a fault in the "
                   "atlas, not in your data: please report it with the file", code="fault")
        return _empty_package(report)
    finally:
        # The load's intermediate frames are garbage now; a server keeps only the package.
        give_back_freed()


def _load(data_dir: Path, geo_dir: Path, report: Report) -> Package:
    resources, described = read_description(data_dir, report)
    if resources is None:
        return _empty_package(report, described)
    lenient = not described
    raws = {name: read_raw(resources[name], lenient, report) for name in ALL_TABLES}
    derive_places(raws, resources, report)
    derive_ids(raws, resources, schema.FACTIONS,
                [(schema.EVENTS, "faction_id"), (schema.PEOPLE, "faction_id")], report)
    derive_ids(raws, resources, schema.EPISODES, [(schema.EVENTS, "episode")], report)
    check_colours(raws[schema.FACTIONS], report)
    files = {name: raws[name].file for name in ALL_TABLES}

    tables: dict[str, pd.DataFrame] = {}
    for name in ALL_TABLES:
        tables[name] = validate_table(raws[name], resources[name], tables, files, lenient, report)
        if name == schema.PLACES and raws[name].file == raws[schema.EVENTS].file:
            # Places made from the events: a place left out was reported on its event's row.
            ids = raws[schema.EVENTS].frame["place_id"]
            raws[schema.EVENTS].frame["place_id"] = ids.where(isin(ids, tables[name]["id"]), "")

    check_gazetteer_ids(tables[schema.PLACES], raws[schema.PLACES], report)
    att_file, events_file = files[schema.ATTESTATIONS], files[schema.EVENTS]
    texts = read_texts(data_dir, tables[schema.SOURCES], raws[schema.SOURCES], report)
    locate = lenient or resources[schema.ATTESTATIONS].lenient("start_offset")
    attestations = check_quotes(tables[schema.ATTESTATIONS], texts, att_file, locate, report)
    raws[schema.ATTESTATIONS].rejected += len(tables[schema.ATTESTATIONS]) - len(attestations)
    relations = check_relation_quotes(tables[RELATIONS], texts, raws[RELATIONS], report)
    events = add_dates(tables[schema.EVENTS], raws[schema.EVENTS], lenient, report)
    source_dates = read_source_dates(attestations, tables[schema.SOURCES], att_file, lenient, report)
    if raws[schema.ATTESTATIONS].present:
        check_attested(events, attestations, events_file, report)
    tables[ORDER] = check_order_claims(tables[ORDER], texts, events, raws[ORDER], report)
    if not geo_dir.is_dir():
        report.add(geo_dir.name or "geo", None, None, None, "there is no geometry folder, so the "
                   "map shows the places but no routes or regions", NOTICE, code="layer-missing")
    valid_events = set(events["id"])
    routes, routes_count = read_layer(geo_dir, schema.ROUTES_FILE, report, valid_events, tables,
                                        files)
    regions, regions_count = read_layer(geo_dir, schema.REGIONS_FILE, report, None, tables, files)
    tables[RELATIONS] = relations
    tables[schema.ATTESTATIONS] = attestations
    tables[schema.EVENTS] = events
    package = assemble_package(tables, texts, routes, regions, source_dates, report, described)
    counts = {name: TableCount(raws[name].read, len(getattr(package, name)), raws[name].rejected,
                               raws[name].added) for name in ALL_TABLES}
    counts["routes"], counts["regions"] = routes_count, regions_count
    return _replace_counts(package, counts)


def _replace_counts(package: Package, counts: dict[str, TableCount]) -> Package:
    return replace(package, counts=counts)


def _empty_package(report: Report, described: bool = True) -> Package:
    """A package with no rows but every column, for a package that cannot be read at all."""
    try:
        tables = {name: empty_frame(name) for name in ALL_TABLES}
        no_events = Raw(file="events.csv", frame=tables[schema.EVENTS], labels={})
        tables[schema.EVENTS] = add_dates(tables[schema.EVENTS], no_events, False, Report())
        source_dates = read_source_dates(tables[schema.ATTESTATIONS], tables[schema.SOURCES], "",
                                     False, Report())
        package = assemble_package(tables, {}, empty_layer(schema.ROUTES_FILE),
                           empty_layer(schema.REGIONS_FILE), source_dates, report, described)
        return _replace_counts(package, {name: TableCount(0, 0, 0) for name in
                                         (*ALL_TABLES, *LAYERS)})
    except Exception:  # noqa: BLE001 - a bare package is better than a traceback
        empty_geo = gpd.GeoDataFrame({"id": pd.Series(dtype="str")}, geometry=[], crs="EPSG:4326")
        frame = pd.DataFrame
        return Package(
            sources=frame(), factions=frame(), episodes=frame(), places=empty_geo,
            people=frame(), events=frame(), attestations=frame(), participants=frame(),
            routes=empty_geo, regions=empty_geo, event_sources=frame(), event_factions=frame(),
            source_dates=frame(), problems=tuple(report.problems), described=described,
        )
