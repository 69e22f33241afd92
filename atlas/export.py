"""Export what the atlas shows: tables, JSON, GeoJSON, Linked Places and citations.

Over 400 lines for one job: one short function per export format, which share the rows
they are built from and the formula-safe cell rule.

Everything here is pure and returns strings or plain dicts; a page offers them for download.
Dates are Julian-calendar ISO strings (``"0656-05-01"``), as the package holds them: the
sources count days in the Julian calendar, and converting to the proleptic Gregorian calendar
would move every day by three.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import shapely

from atlas import geojson, schema
from atlas.dates import jdns_to_iso
from atlas.package.types import ROW, Package
from atlas.paths import DATA_DIR
from atlas.registry import place_links

# The event columns of an export, in order; then the attestation columns.
EVENT_COLUMNS = (
    "id", "title", "summary", "start", "end", schema.DATE_WORDS, schema.AH_WORDS,
    schema.EARLIEST_ISO, schema.LATEST_ISO, "date_basis", "date_reference", "kind",
    "place_id", schema.PLACE_NAME, "faction_id", schema.FACTION_NAME, "episode",
    schema.EPISODE_NAME, "context",
)
ATTESTATION_COLUMNS = (
    "attestation_id", "source_id", "source_label", "quote", "locator", "authority",
    "differs_field", "differs_value", "note",
)

# A spreadsheet reads a cell that starts with one of these as a formula (or, for tab and
# carriage return, may strip them and then read one); a leading apostrophe makes it text.
# A cell that already starts with an apostrophe gets one more, so that reading strips exactly one.
_FORMULA_START = r"[=+\-@\t\r']"
_TEXT_MARK = "'"

# Only named, never fetched.
LPF_CONTEXT = ("https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
               "linkedplaces-context-v1.1.jsonld")
# The @id of an exported place is this plus its id, unless the caller gives its own base.
PLACE_BASE_URI = "urn:x-fitna-atlas:place:"

# Our location_certainty -> the three values Linked Places allows on a geometry.
_LPF_CERTAINTY = {
    "certain": "certain",
    "probable": "less-certain",
    "approximate": "less-certain",
    "uncertain": "uncertain",
    "disputed": "uncertain",
}
# Our place kinds -> Getty AAT concepts (the World Historical Gazetteer's place types).
# A camp or "other" has no close concept, so it is exported with its label only.
_AAT_TYPES = {
    "city": ("aat:300008389", "city"),
    "town": ("aat:300008375", "town"),
    "oasis": ("aat:300008686", "oasis"),
    "battlefield": ("aat:300000835", "battlefield"),
    "river": ("aat:300008707", "river"),
    "region": ("aat:300182722", "region (geographic)"),
    "port": ("aat:300120599", "port"),
    "ruin": ("aat:300008057", "ruin"),
}

DEFAULT_TITLE = "Fitna Atlas"
DEFAULT_AUTHOR = "Fitna Atlas contributors"

# BibTeX counts every brace, escaped or not, so braces become commands with balanced braces.
_BIBTEX_ESCAPES = str.maketrans({
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
})


# --- tables ---------------------------------------------------------------------------------


def _attestations(package: Package) -> pd.DataFrame:
    """The attestations with their source labels, in the detail card's order, columns renamed."""
    labels = package.sources.set_index("id")["short"]
    attestations = package.attestations.sort_values(["event_id", "source_id", "start_offset"],
                                                    kind="stable")
    attestations = attestations.assign(source_label=attestations["source_id"].map(labels))
    attestations = attestations.rename(columns={"id": "attestation_id"})
    return attestations[["event_id", *ATTESTATION_COLUMNS]]


def events_rows(package: Package, events: pd.DataFrame) -> pd.DataFrame:
    """Join events with their attestations: one row per event and attestation.

    Parameters
    ----------
    package : Package
        The loaded data, for the attestations and source labels.
    events : pandas.DataFrame
        The events to export (a selection of ``package.events``), in the order to keep.

    Returns
    -------
    pandas.DataFrame
        The event columns (:data:`EVENT_COLUMNS`, dates as Julian ISO strings, empty when
        undated) then the attestation columns (:data:`ATTESTATION_COLUMNS`). An event's
        attestations are ordered by source and position in its text; an event without any
        keeps one row whose attestation columns are empty strings.
    """
    chosen = events[list(EVENT_COLUMNS)].reset_index(drop=True)
    chosen = chosen.assign(_order=range(len(chosen)))
    rows = chosen.merge(_attestations(package), how="left", left_on="id", right_on="event_id")
    rows = rows.sort_values("_order", kind="stable")
    rows[list(ATTESTATION_COLUMNS)] = rows[list(ATTESTATION_COLUMNS)].fillna("")
    return rows[[*EVENT_COLUMNS, *ATTESTATION_COLUMNS]].reset_index(drop=True)


def _guard_cells(values: pd.Series) -> pd.Series:
    """Put an apostrophe before each string that a spreadsheet could run as a formula."""
    try:
        risky = values.str.match(_FORMULA_START)
    except AttributeError:  # not a column of strings: numbers and booleans are safe
        return values
    risky = risky.fillna(False).astype(bool)
    if not risky.any():
        return values
    guarded = values.astype(object)
    guarded[risky] = _TEXT_MARK + values[risky]
    return guarded


def _guard_text(text: str) -> str:
    return _TEXT_MARK + text if re.match(_FORMULA_START, text) else text


def to_csv(frame: pd.DataFrame) -> str:
    """Write ``frame`` as CSV text that spreadsheets cannot mistake for formulas.

    A string cell (or column name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading apostrophe, so a spreadsheet shows it as text. One that
    already starts with an apostrophe gets another, so :func:`read_csv_export` can strip
    exactly one and give back the original. Numbers and booleans are written as they are.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.

    Returns
    -------
    str
        RFC 4180 CSV (comma, double quotes, CRLF between records). Encode it as
        ``utf-8-sig`` for spreadsheets, which need the byte-order mark to read UTF-8.
    """
    guarded = pd.DataFrame({i: _guard_cells(frame.iloc[:, i]) for i in range(frame.shape[1])},
                           index=frame.index)
    guarded.columns = [_guard_text(str(name)) for name in frame.columns]
    return guarded.to_csv(index=False, lineterminator="\r\n")


def read_csv_export(text: str) -> pd.DataFrame:
    """Read CSV written by :func:`to_csv` back into a frame of strings.

    Parameters
    ----------
    text : str
        The CSV text; a leading byte-order mark is ignored.

    Returns
    -------
    pandas.DataFrame
        Every cell a string, empty cells as ``""``; the one apostrophe :func:`to_csv` put
        before a cell or column name is removed.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return pd.DataFrame()
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    for column in frame.columns:
        values = frame[column]
        marked = values.str.startswith(_TEXT_MARK)
        if marked.any():
            frame[column] = values.where(~marked, values.str.slice(1))
    frame.columns = [name.removeprefix(_TEXT_MARK) for name in frame.columns]
    return frame


# --- JSON -----------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts of plain Python values, several times faster than ``to_dict``."""
    names = list(frame.columns)
    columns = [frame[name].to_numpy(dtype=object).tolist() for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def events_json(package: Package, events: pd.DataFrame) -> str:
    """Write the events as a JSON list, each with its attestations and participants.

    Parameters
    ----------
    package : Package
        The loaded data, for attestations, sources, participants and people.
    events : pandas.DataFrame
        The events to export (a selection of ``package.events``), in the order to keep.

    Returns
    -------
    str
        A JSON array, one event per line (UTF-8 text, not ASCII-escaped). Each event has
        the keys of :data:`EVENT_COLUMNS` in that order (undated bounds are ``null``), then
        ``"attestations"`` (objects with :data:`ATTESTATION_COLUMNS`) and ``"participants"``
        (objects with ``person_id``, ``name`` and ``role``).
    """
    chosen = events[list(EVENT_COLUMNS)]
    for column in (schema.EARLIEST_ISO, schema.LATEST_ISO):
        chosen = chosen.assign(**{column: chosen[column].astype(object).where(
            chosen[column] != "", None)})
    ids = set(chosen["id"])

    attestations = _attestations(package)
    by_event: dict[str, list[dict]] = {}
    for record in _records(attestations[attestations["event_id"].isin(ids)]):
        by_event.setdefault(record.pop("event_id"), []).append(record)

    participants = package.participants[package.participants["event_id"].isin(ids)]
    names = package.people.set_index("id")["name"]
    participants = participants.assign(name=participants["person_id"].map(names).fillna(""))
    people_by_event: dict[str, list[dict]] = {}
    for record in _records(participants[["event_id", "person_id", "name", "role"]]):
        people_by_event.setdefault(record.pop("event_id"), []).append(record)

    documents = [
        {**record, "attestations": by_event.get(record["id"], []),
         "participants": people_by_event.get(record["id"], [])}
        for record in _records(chosen)
    ]
    # One event per line: readable, and fast (indenting would switch off the C encoder).
    lines = ",\n".join(json.dumps(document, ensure_ascii=False) for document in documents)
    return f"[\n{lines}\n]\n" if documents else "[]\n"


# --- GeoJSON --------------------------------------------------------------------------------


def _aliases(text: str) -> list[str]:
    return [alias for alias in text.split(schema.ALIAS_SEPARATOR) if alias]


def _point(place: dict) -> dict:
    # RFC 7946: longitude first.
    return {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]}


def places_geojson(package: Package, events: pd.DataFrame | None = None) -> dict:
    """Make a GeoJSON FeatureCollection of the places, one Point each.

    Parameters
    ----------
    package : Package
        The loaded data.
    events : pandas.DataFrame, optional
        When given, each place's ``events`` property counts the events of this frame there.

    Returns
    -------
    dict
        An RFC 7946 FeatureCollection (WGS84, ``[lon, lat]``); each feature's ``id`` is the
        place id and its properties are the place's columns, ``aliases`` as a list.
    """
    counts = None if events is None else events["place_id"].value_counts()
    features = []
    for place in package.places.drop(columns=["geometry", ROW], errors="ignore").to_dict("records"):
        properties = {
            "id": place["id"], "name": place["name"], "arabic": place["arabic"],
            "aliases": _aliases(place["aliases"]), "kind": place["kind"],
            "location_certainty": place["location_certainty"],
            "certainty_note": place["certainty_note"], "coord_source": place["coord_source"],
            "landmark": bool(place["landmark"]), "thurayya_id": place["thurayya_id"],
            "pleiades_id": place["pleiades_id"], "wikidata_id": place["wikidata_id"],
        }
        if counts is not None:
            properties["events"] = int(counts.get(place["id"], 0))
        features.append({"type": "Feature", "id": place["id"], "geometry": _point(place),
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def routes_geojson(package: Package, events: pd.DataFrame | None = None) -> dict:
    """Make a GeoJSON FeatureCollection of the routes, optionally only those of some events.

    Parameters
    ----------
    package : Package
        The loaded data.
    events : pandas.DataFrame, optional
        When given, only routes whose ``event_id`` is one of these events are kept.

    Returns
    -------
    dict
        An RFC 7946 FeatureCollection of the route lines as they are stored (WGS84,
        ``[lon, lat]``), with the layer's properties (``id``, ``event_id``, ``faction_id`` ...).
    """
    routes = package.routes
    if events is not None:
        routes = routes[routes["event_id"].isin(events["id"])]
    geometries = shapely.to_geojson(routes.geometry.to_numpy())
    properties = routes.drop(columns=[routes.geometry.name, ROW], errors="ignore")
    properties = properties.astype(object).where(properties.notna(), None)
    features = [
        {"type": "Feature", "id": record.get("id"), "geometry": json.loads(geometry),
         "properties": record}
        for geometry, record in zip(geometries, properties.to_dict("records"), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


# --- Linked Places --------------------------------------------------------------------------


def _place_bounds(events: pd.DataFrame) -> pd.DataFrame:
    """Per place id: the earliest and latest day of its dated events, as Julian ISO strings."""
    dated = events[events[schema.HAS_DATE] & (events["place_id"] != "")]
    bounds = dated.groupby("place_id").agg(earliest=(schema.EARLIEST, "min"),
                                           latest=(schema.LATEST, "max"))
    for column in ("earliest", "latest"):
        bounds[column] = jdns_to_iso(bounds[column].astype("int64").to_numpy())
    return bounds


def _place_citations(package: Package, events: pd.DataFrame) -> pd.Series:
    """Per place id: labels of the sources that attest an event there, in source order."""
    sources = package.sources.set_index("id")
    located = events.loc[events["place_id"] != "", ["id", "place_id"]]
    pairs = located.merge(package.event_sources, left_on="id", right_on="event_id")
    pairs = pairs[["place_id", "source_id"]].drop_duplicates().sort_values(["place_id", "source_id"])
    labels = sources["short"] + ": " + sources["title"]
    pairs = pairs.assign(citation=pairs["source_id"].map(labels))
    return pairs.groupby("place_id")["citation"].agg(list)


def _lpf_links(place: dict) -> list[dict]:
    # Full URLs rather than wd:/pl: prefixes, which the v1.1 context does not define.
    return [{"type": "closeMatch", "identifier": url} for _, url in place_links(place)]


def _lpf_type(kind: str) -> dict:
    entry = {"label": kind}
    if kind in _AAT_TYPES:
        identifier, label = _AAT_TYPES[kind]
        entry = {"identifier": identifier, "label": label}
    return {**entry, "sourceLabels": [{"label": kind, "lang": "en"}]}


def places_lpf(package: Package, events: pd.DataFrame, base_uri: str = PLACE_BASE_URI) -> dict:
    """Make a Linked Places Format (v1.1) FeatureCollection of the places.

    Parameters
    ----------
    package : Package
        The loaded data.
    events : pandas.DataFrame
        The events that scope the places in time: a place's ``when`` runs from the earliest
        day of its dated events here to the latest; a place with none has no ``when``. The
        name citations are the sources attesting these events.
    base_uri : str, optional
        Prefix of each place's ``@id``, followed by the place id. Pass the address where the
        places are published; the default is a URN that names them without resolving.

    Returns
    -------
    dict
        A Linked Places (GeoJSON-LD) FeatureCollection: ``@context``, and per
        place ``@id``, ``properties`` (``title``, ``ccodes``), ``names`` (the name, each
        alias, the Arabic name tagged ``"lang": "ar"``), ``types`` (Getty AAT where one fits),
        a Point ``geometry`` with ``certainty`` and the coordinates' source as citation,
        ``links`` (closeMatch to Wikidata ``wd:``, Pleiades ``pl:`` and al-Thurayya, only
        for ids that are filled in) and ``when`` (Julian ISO dates, said in its label).
    """
    bounds = _place_bounds(events)
    citations = _place_citations(package, events)
    features = []
    for place in package.places.drop(columns=["geometry", ROW], errors="ignore").to_dict("records"):
        place_id = place["id"]
        cited = citations.get(place_id, [])
        names = [{"toponym": place["name"],
                  "citations": [{"label": label} for label in cited]
                  or [{"label": f"{DEFAULT_TITLE}: places table"}]}]
        names += [{"toponym": alias} for alias in _aliases(place["aliases"])
                  if alias != place["name"]]
        if place["arabic"]:
            names.append({"toponym": place["arabic"], "lang": "ar"})
        geometry = {**_point(place),
                    "certainty": _LPF_CERTAINTY.get(place["location_certainty"], "uncertain")}
        if place["coord_source"]:
            geometry["citations"] = [{"label": place["coord_source"]}]
        feature = {
            "@id": base_uri + place_id,
            "type": "Feature",
            "properties": {"title": place["name"], "ccodes": []},
            "names": names,
            "types": [_lpf_type(place["kind"])],
            "geometry": geometry,
            "links": _lpf_links(place),
        }
        if place_id in bounds.index:
            feature["when"] = {
                "timespans": [{"start": {"earliest": bounds.at[place_id, "earliest"]},
                               "end": {"latest": bounds.at[place_id, "latest"]}}],
                "label": "from the earliest to the latest day of the events here "
                         "(Julian calendar)",
            }
        features.append(feature)
    return {"type": "FeatureCollection", "@context": LPF_CONTEXT, "features": features}


# --- citations ------------------------------------------------------------------------------


def read_descriptor(data_dir: Path = DATA_DIR) -> dict:
    """Read the package's ``datapackage.json``; an empty dict when it cannot be read.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder holding ``datapackage.json``.

    Returns
    -------
    dict
        The descriptor, or ``{}`` if the file is missing or not a JSON object (the loader
        reports that problem; a citation then falls back to defaults).
    """
    try:
        descriptor = geojson.read_json(Path(data_dir) / schema.DESCRIPTOR,
                                       geojson.MAX_DESCRIPTOR_BYTES)
    except geojson.Refused:
        return {}
    return _tidy_descriptor(descriptor) if isinstance(descriptor, dict) else {}


# What the app reads of a descriptor: these as text, and lists of objects of text.
_DESCRIPTOR_TEXT = ("name", "title", "description", "version", "created", "homepage")
_DESCRIPTOR_LISTS = ("licenses", "contributors")


def _tidy_descriptor(descriptor: dict) -> dict:
    """The descriptor's fields the app reads, each of the type it expects (others dropped).

    A package's descriptor may say anything: ``"licenses": 5`` or a title that is a list must
    not reach code that expects text or a list of objects.
    """
    def text(value) -> str | None:
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        return str(value) if scalar else None

    tidy = {key: text(descriptor.get(key)) for key in _DESCRIPTOR_TEXT}
    tidy = {key: value for key, value in tidy.items() if value}
    for key in _DESCRIPTOR_LISTS:
        items = descriptor.get(key)
        items = items if isinstance(items, list) else []
        tidy[key] = [{name: text(value) for name, value in item.items() if text(value)}
                     for item in items if isinstance(item, dict)]
    return tidy


def _day(accessed: date | str) -> str:
    return accessed.isoformat() if isinstance(accessed, date) else str(accessed)


def _authors(descriptor: dict) -> list[str]:
    names = []
    for person in descriptor.get("contributors") or []:
        if not isinstance(person, dict):
            continue
        name = person.get("title") or " ".join(
            part for part in (person.get("givenName"), person.get("familyName")) if part)
        if name:
            names.append(str(name))
    return names or [DEFAULT_AUTHOR]


def _licences(descriptor: dict) -> str:
    names = [item.get("name") or item.get("title") or item.get("path")
             for item in descriptor.get("licenses") or [] if isinstance(item, dict)]
    return ", ".join(str(name) for name in names if name)


def _year(descriptor: dict) -> str:
    created = str(descriptor.get("created") or "")
    return created[:4] if re.match(r"\d{4}", created) else ""


def event_citation(package: Package, event_id: str, app_title: str, version: str, url: str,
                   accessed: date | str) -> str:
    """Cite one event: its title and id, the sources that attest it, and the app.

    Parameters
    ----------
    package : Package
        The loaded data.
    event_id : str
        The event's id.
    app_title : str
        The app's name as it should be cited.
    version : str
        The app's or data's version; left out when empty.
    url : str
        Where the event can be seen (a link to the app, ideally naming the event).
    accessed : datetime.date or str
        The day the reader looked.

    Returns
    -------
    str
        One line of plain text.

    Raises
    ------
    KeyError
        If there is no such event.
    """
    rows = package.events[package.events["id"] == event_id]
    if rows.empty:
        raise KeyError(f"no event has the id {event_id!r}")
    title = rows["title"].iloc[0]
    source_ids = sorted(package.event_sources.loc[package.event_sources["event_id"] == event_id,
                                                  "source_id"])
    labels = package.sources.set_index("id")["short"]
    sources = [f"{labels.get(source_id, source_id)} (source {source_id})"
               for source_id in source_ids]
    attested = ("attested by " + "; ".join(sources)) if sources else "with no attesting source"
    edition = f"{app_title}, version {version}" if version else app_title
    return (f"\u201c{title}\u201d (event {event_id}), {attested}. In {edition}. "
            f"{url} (accessed {_day(accessed)}).")


def app_citation(descriptor: dict, url: str, accessed: date | str) -> str:
    """Cite the atlas and its data as a whole, in plain text.

    Parameters
    ----------
    descriptor : dict
        The data package descriptor (see :func:`read_descriptor`); its ``title``,
        ``version``, ``created``, ``licenses`` and ``contributors`` are used when present.
    url : str
        Where the atlas is published.
    accessed : datetime.date or str
        The day the reader looked.

    Returns
    -------
    str
        One line: authors, year when known, title, version, licence, URL and access date.
    """
    authors = "; ".join(_authors(descriptor))
    year = _year(descriptor)
    title = descriptor.get("title") or DEFAULT_TITLE
    version = descriptor.get("version")
    licences = _licences(descriptor)
    text = f"{authors}{f' ({year})' if year else ''}. {title}"
    text += f", version {version}" if version else ""
    text += " [software and data]."
    text += f" Licence: {licences}." if licences else ""
    return f"{text} {url} (accessed {_day(accessed)})."


def _bibtex_text(text: str) -> str:
    return str(text).translate(_BIBTEX_ESCAPES)


def _bibtex_url(url: str) -> str:
    # The url field is read verbatim, so characters that would unbalance it are percent-encoded.
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", url)


def _bibtex_key(descriptor: dict) -> str:
    base = f"{descriptor.get('name') or DEFAULT_TITLE} {descriptor.get('version') or ''}"
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_") or "fitna_atlas"


def app_bibtex(descriptor: dict, url: str, accessed: date | str) -> str:
    """Cite the atlas and its data as a BibTeX ``@misc`` entry.

    Parameters
    ----------
    descriptor : dict
        The data package descriptor (see :func:`read_descriptor`).
    url : str
        Where the atlas is published.
    accessed : datetime.date or str
        The day the reader looked (the ``urldate`` field).

    Returns
    -------
    str
        The entry. Its key is made from the package name and version, so it stays the same
        between exports; special characters are escaped so that braces always balance;
        ``year`` is present only when the descriptor has a ``created`` date.
    """
    authors = " and ".join("{" + _bibtex_text(name) + "}" for name in _authors(descriptor))
    fields = [("author", "{" + authors + "}"),
              ("title", "{{" + _bibtex_text(descriptor.get("title") or DEFAULT_TITLE) + "}}")]
    if _year(descriptor):
        fields.append(("year", "{" + _year(descriptor) + "}"))
    if descriptor.get("version"):
        fields.append(("version", "{" + _bibtex_text(descriptor["version"]) + "}"))
    note = "Software and data"
    if _licences(descriptor):
        note += f". Licence: {_licences(descriptor)}"
    fields += [("howpublished", "{\\url{" + _bibtex_url(url) + "}}"),
               ("url", "{" + _bibtex_url(url) + "}"),
               ("urldate", "{" + _bibtex_text(_day(accessed)) + "}"),
               ("note", "{" + _bibtex_text(note) + "}")]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{_bibtex_key(descriptor)},\n{body}\n}}\n"
