"""The package's description: which file holds each table and the fields to check it by.

A package's own ``datapackage.json`` is read with care (a path out of the package, a pattern of
its own, a type the atlas does not read are refused or overruled); a folder without one is
described from its file names and the atlas's own description.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from atlas import geojson, schema
from atlas.package.types import (
    ALL_TABLES,
    NOTICE,
    OPTIONAL_TABLES,
    Report,
)
from atlas.paths import DATA_DIR
from atlas.safepath import inside


@cache
def bundled_resources() -> dict[str, dict]:
    """The atlas's own description of every table, used where a package gives none."""
    descriptor = json.loads((DATA_DIR / schema.DESCRIPTOR).read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor["resources"]}


@dataclass
class Resource:
    """One table as the loader will read it."""

    name: str
    fields: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict]
    path: Path | None  # the file, or None when there is none
    file: str  # the name problems give
    described: bool  # whether the package's own datapackage.json describes the table
    declared: set[str]  # fields the package declares; the others are read leniently

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)

    def lenient(self, name: str) -> bool:
        """Whether a column was not declared by the package, so that a default may fill it."""
        return name not in self.declared


def read_description(data_dir: Path, report: Report) -> tuple[dict[str, Resource] | None, bool]:
    """Find every table's file and fields; return None when the description cannot be read."""
    bundled = bundled_resources()
    descriptor_path = data_dir / schema.DESCRIPTOR
    if not descriptor_path.is_file():
        if not data_dir.is_dir():
            report.add(str(data_dir.name or data_dir), None, None, None,
                       "this data folder does not exist — check the path given with --data or "
                       "ATLAS_DATA", code="file-missing")
            return None, False
        return _infer_resources(data_dir, bundled, report), False
    try:
        descriptor = geojson.read_json(descriptor_path, geojson.MAX_DESCRIPTOR_BYTES)
    except geojson.Refused as exc:
        report.add(schema.DESCRIPTOR, None, None, None, f"cannot read the package description: "
                   f"{exc} — check that it is valid JSON with a list of 'resources'", code="descriptor")
        return None, True
    resources_list = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources_list, list):
        report.add(schema.DESCRIPTOR, None, "resources", None, "cannot read the package "
                   "description: it has no list of 'resources' — give one entry per table",
                   code="descriptor")
        return None, True
    own = {r["name"]: r for r in resources_list
           if isinstance(r, dict) and isinstance(r.get("name"), str)}

    resources = {}
    for name in ALL_TABLES:
        resource = own.get(name)
        if not isinstance(resource, dict):
            path = _find_file(data_dir, f"{name}.csv")
            if path is not None:
                report.add(schema.DESCRIPTOR, None, None, name, f"the package does not describe "
                           f"this table; {path.name} was read with the atlas's own description",
                           NOTICE, code="undescribed")
            elif name in schema.TABLES and name != schema.EVENTS:
                report.add(schema.DESCRIPTOR, None, None, name, "the package does not describe "
                           "this table, so it is empty", NOTICE, code="undescribed")
            elif name == schema.EVENTS:
                report.add(schema.DESCRIPTOR, None, None, name, "the package does not describe "
                           "an events table, so there is nothing to show — add a resource named "
                           "'events'", code="descriptor")
            resources[name] = make_resource(name, bundled.get(name), path, set(), False)
            continue
        path, file = _resource_path(data_dir, resource, report)
        fields, declared = _checked_fields(name, _fields_of(resource), bundled, file, report)
        merged = {**resource, "schema": {**_schema_of(resource), "fields": fields}}
        if path is None and file and name not in OPTIONAL_TABLES:
            report.add(file, None, None, None, "the file is missing — add it, or remove the "
                       "table from datapackage.json", code="file-missing")
        resources[name] = make_resource(name, merged, path, declared, True, file)
    return resources, True


def _checked_fields(name, own, bundled, file, report) -> tuple[list[dict], set[str]]:
    """The fields to check a described table by, and the names the package declares.

    A package may widen a column's vocabulary (its ``enum``) or make it optional, but a column
    the atlas reads keeps the atlas's type, pattern and bounds: the app relies on them, so a
    package cannot relax them into values it would choke on. No pattern of the package's own
    is ever run, since a pattern can make the server backtrack for ever.
    """
    atlas_fields = {f["name"]: f for f in (bundled.get(name) or {}).get("schema", {})
                    .get("fields", [])}
    declared = {f["name"] for f in own}
    fields = [_checked_field(f, atlas_fields.get(f["name"])) for f in own]
    overruled = [f["name"] for f, checked in zip(own, fields, strict=True)
                 if _overruled(f, checked)]
    if overruled:
        report.add(schema.DESCRIPTOR, None, None, ", ".join(overruled), f"the package declares "
                   f"{file or name} column(s) with a type or pattern the atlas does not use; "
                   "they were checked as the atlas's own description says", NOTICE, code="overruled")
    fields += [f for n, f in atlas_fields.items() if n not in declared]
    return fields, declared


def _checked_field(own: dict, atlas: dict | None) -> dict:
    given = own.get("constraints") or {}
    constraints = {k: v for k, v in given.items() if _plain_constraint(k, v)}
    if atlas is None:
        kind = own.get("type") if own.get("type") in _PLAIN_TYPES else "string"
        return {**own, "type": kind, "constraints": constraints}
    ours = atlas.get("constraints") or {}
    for key in ("pattern", "minimum", "maximum"):
        constraints.pop(key, None)
        if key in ours:
            constraints[key] = ours[key]
    return {**own, "type": atlas.get("type", "string"), "constraints": constraints}


def _overruled(own: dict, checked: dict) -> bool:
    pattern = (own.get("constraints") or {}).get("pattern")
    return (own.get("type", "string") != checked["type"]
            or (pattern is not None and pattern != checked["constraints"].get("pattern")))


def _plain_constraint(name: str, value) -> bool:
    """Whether a package's constraint is one the atlas checks safely (never a pattern)."""
    if name == "required":
        return isinstance(value, bool)
    if name == "enum":
        return isinstance(value, list) and all(isinstance(v, str | int | float) for v in value)
    if name in ("minimum", "maximum"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return False


# Types a column the atlas does not read may declare; anything else is read as text.
_PLAIN_TYPES = ("string", "integer", "number", "boolean")


def _schema_of(resource: dict) -> dict:
    """A resource's table schema (one given as a path to another file counts as none)."""
    table_schema = resource.get("schema")
    return table_schema if isinstance(table_schema, dict) else {}


def _fields_of(resource: dict) -> list[dict]:
    fields = _schema_of(resource).get("fields")
    fields = fields if isinstance(fields, list) else []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
            and isinstance(f.get("constraints") or {}, dict)]


def make_resource(name, resource, path, declared, described, file=None) -> Resource:
    """One table as the loader will read it, from a resource entry (or none)."""
    resource = resource or {}
    table_schema = _schema_of(resource)
    fields = _fields_of(resource)
    names = {f["name"] for f in fields}
    primary_key = table_schema.get("primaryKey") or []
    primary_key = [primary_key] if isinstance(primary_key, str) else list(primary_key)
    foreign_keys = table_schema.get("foreignKeys") or []
    return Resource(
        name=name, fields=fields, primary_key=[k for k in primary_key if k in names],
        foreign_keys=[fk for fk in foreign_keys if isinstance(fk, dict)], path=path,
        file=file or (path.name if path else f"{name}.csv"), described=described,
        declared=declared)


def _resource_path(data_dir: Path, resource: dict, report: Report) -> tuple[Path | None, str]:
    """The file of a described table, refusing paths that would leave the package."""
    raw = resource.get("path")
    if not isinstance(raw, str) or not raw:
        report.add(schema.DESCRIPTOR, None, "path", str(raw), "a table needs one CSV file "
                   "given as a path inside the package, e.g. events.csv", code="path")
        return None, ""
    if not inside(data_dir, raw):
        report.add(schema.DESCRIPTOR, None, "path", raw, "the atlas reads only files inside the "
                   "package folder — give a relative path such as events.csv", code="path")
        return None, ""
    path = data_dir / raw
    return (path if path.is_file() else None), raw


def _find_file(data_dir: Path, name: str) -> Path | None:
    """The file ``name`` in ``data_dir``, matched ignoring case."""
    exact = data_dir / name
    if exact.is_file():
        return exact
    try:
        return next((p for p in data_dir.iterdir() if p.is_file() and p.name.lower() == name), None)
    except OSError:
        return None


def _infer_resources(data_dir: Path, bundled: dict, report: Report) -> dict[str, Resource]:
    """Describe a folder of CSV files by their names, with the atlas's own fields."""
    csvs = sorted(p for p in data_dir.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    known = {f"{name}.csv": name for name in ALL_TABLES}
    found = {known[p.name.lower()]: p for p in csvs if p.name.lower() in known}
    others = [p for p in csvs if p.name.lower() not in known]
    if schema.EVENTS not in found and len(others) == 1:
        found[schema.EVENTS] = others.pop()
        report.add(found[schema.EVENTS].name, None, None, None, "read as the events table (the "
                   "only CSV file; name it events.csv to say so)", NOTICE, code="undescribed")
    for path in others:
        report.add(path.name, None, None, None, "not a table the atlas knows, so it was ignored — "
                   "the tables are " + ", ".join(known), NOTICE, code="ignored-file")
    report.add(schema.DESCRIPTOR, None, None, None, "there is no datapackage.json, so the tables "
               "were found by file name and read with the atlas's own description", NOTICE,
               code="undescribed")
    resources = {}
    for name in ALL_TABLES:
        path = found.get(name)
        resources[name] = make_resource(name, bundled.get(name), path, set(), False)
        if path is None and name == schema.EVENTS:
            report.add("events.csv", None, None, None, "there is no events table, so there is "
                       "nothing to show — add events.csv with columns id, title and date",
                       code="file-missing")
        elif path is None and name in schema.TABLES and name not in (
                schema.PLACES, schema.FACTIONS, schema.EPISODES):
            report.add(f"{name}.csv", None, None, None, _ABSENT[name], NOTICE, code="file-missing")
    return resources


_ABSENT = {
    schema.SOURCES: "there is no sources.csv, so no source texts are shown",
    schema.PEOPLE: "there is no people.csv, so no people are listed",
    schema.ATTESTATIONS: "there is no attestations.csv, so the events are shown without quotes "
                         "from the sources",
    schema.PARTICIPANTS: "there is no participants.csv, so no one is linked to the events",
}
