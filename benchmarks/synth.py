"""Synthetic data packages of any size, for the scale benchmark and for tests.

Over 400 lines for one job: every table of a package, written consistently with the others
(ids, quotes at their offsets, routes) so the loader finds no problem.

:func:`write_package` writes a complete package (the tables of ``datapackage.json``, the source
texts, ``routes.geojson`` and ``regions.geojson``) that the loader reads with no problem at all.
Its content is invented: names are built from common parts of Arabic names and place names, and
nothing in it is history. It is shaped like the real package so that what the app does with it
costs what it would cost with real data of that size:

- dates in every EDTF form the atlas reads: days, months, years, approximate (``~``), uncertain
  (``?``), both (``%``), one-of sets (``[0657,0658]``, ``[0656-03..0656-05]``), intervals
  (``0658-07/0658-08``) and separate ends, mostly within 654-658, plus a few undated events;
- one to five attestations an event, each a quote that stands in its source's text at the
  stated offsets; on some events the sources disagree (``differs_field`` / ``differs_value``),
  on the date among other points;
- participants, factions, episodes, places (a few of them landmarks, some of uncertain
  location) with skewed popularity, a route for each march that has a place, and five regions.

The same arguments give the same bytes: every random choice comes from one seeded generator.
The module is pure (no Streamlit); it reads only the real package's ``datapackage.json``, whose
field lists and allowed values it follows.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from atlas import schema
from atlas.dates import jdns_to_iso, julian_to_jdn
from atlas.paths import DATA_DIR

# Factions and episodes are few in any real package; they do not grow with the events.
FACTIONS = (
    ("ali", "Ali's party", "#009E73"),
    ("rebels_656", "Egyptian rebels of 656", "#D55E00"),
    ("uthman", "Uthman and his household", "#56B4E9"),
    ("uthmanids_egypt", "Pro-Uthman party in Egypt", "#0072B2"),
    ("syrians", "Mu'awiya and the Syrians", "#CC79A7"),
    ("camel", "The Camel coalition", "#E69F00"),
    ("kharijites", "Kharijites", "#F0E442"),
    ("other", "Unaligned / other", "#999999"),
)
# Shares of events by acting faction, as in the real package.
_FACTION_WEIGHTS = (0.30, 0.15, 0.07, 0.14, 0.15, 0.05, 0.04, 0.10)
EPISODES = (
    ("revolt", "The revolt against Uthman"),
    ("camel", "The Camel"),
    ("siffin", "Siffin and the arbitration"),
    ("egypt_governorship", "The governorship of Egypt"),
    ("egypt_conquest", "The Umayyad conquest of Egypt"),
    ("life", "Life and legacy"),
)
_EPISODE_WEIGHTS = (0.22, 0.08, 0.15, 0.24, 0.25, 0.06)

# Rough outlines (lon, lat) of the provinces of 656, drawn on the map under everything else.
REGIONS = (
    ("egypt", "Egypt", [(29.6, 31.0), (32.6, 31.1), (32.3, 29.9), (31.4, 28.0), (32.9, 24.1),
                        (32.6, 23.9), (30.6, 27.6), (30.0, 29.9)]),
    ("hejaz", "the Hejaz", [(35.0, 29.4), (37.6, 27.4), (41.2, 22.8), (40.8, 20.2),
                            (39.2, 20.4), (37.2, 24.6), (34.8, 28.0)]),
    ("syria", "Syria (al-Sham)", [(34.3, 31.3), (35.9, 36.9), (38.3, 36.8), (38.9, 35.9),
                                  (37.6, 33.2), (36.4, 30.3), (34.9, 29.6)]),
    ("jazira", "the Jazira", [(38.3, 36.8), (42.4, 37.3), (43.8, 36.0), (43.1, 34.4),
                              (40.6, 34.6), (38.9, 35.9)]),
    ("iraq", "Iraq", [(43.1, 34.4), (45.9, 33.7), (48.4, 30.3), (47.6, 29.6), (46.0, 30.4),
                      (43.6, 31.6), (42.4, 33.4)]),
)
_LON = (29.0, 48.0)
_LAT = (16.0, 37.0)
LANDMARKS = 5

_GIVEN = ("Muhammad", "Ali", "Amr", "Qays", "Malik", "Khalid", "Sa'id", "Hashim", "Ammar",
          "Abd Allah", "Ubayd Allah", "Mu'awiya", "Kinana", "Talha", "Zubayr", "Hujr", "Adi",
          "Habib", "Bishr", "Uqba", "Shurahbil", "Maslama", "Yazid", "Ziyad", "Marwan", "Utba",
          "Hasan", "Husayn", "Jarir", "Ash'ath", "Abu Musa", "Abd al-Rahman", "Sahl", "Ka'b")
# Written forms a source may use for a given name; the search folds them together.
_SPELLINGS = {"Sa'id": "Saʿīd", "Mu'awiya": "Muʿāwiya", "Amr": "ʿAmr", "Ammar": "ʿAmmār",
              "Ubayd Allah": "ʿUbayd Allāh", "Ash'ath": "Ashʿath", "Ka'b": "Kaʿb",
              "Uqba": "ʿUqba", "Utba": "ʿUtba", "Adi": "ʿAdī", "Abd Allah": "ʿAbd Allāh"}
_NISBA = ("al-Kindi", "al-Ansari", "al-Tamimi", "al-Sakuni", "al-Azdi", "al-Hamdani",
          "al-Ash'ari", "al-Qurashi", "al-Makhzumi", "al-Bajali", "al-Asadi", "al-Khath'ami",
          "al-Sulami", "al-Ghifari", "al-Nakha'i", "al-Tujibi")
_ROLES = ("governor", "commander", "envoy", "judge", "secretary", "tribal leader",
          "Companion of the Prophet", "rebel leader", "poet", "jurist of Medina", "client")
_PART_ROLES = ("leader", "commander", "envoy", "witness", "victim", "messenger", "ally",
               "opponent", "host", "prisoner", "negotiator", "governor")

_PLACE_HEAD = ("Dayr", "Qasr", "Tall", "Ayn", "Bir", "Wadi", "Ras", "Kafr", "Jisr", "Suq",
               "Minyat", "Khirbat", "Hisn", "Marj", "Dhat", "Jabal", "Nahr", "Qaryat")
_PLACE_TAIL = ("al-Hamra", "Bani Tamim", "al-Nakhl", "al-Qadim", "Sulayman", "al-Abyad",
               "al-Raml", "Hanifa", "al-Zaytun", "Kalb", "al-Jadid", "al-Sabi'", "Umm Ali",
               "al-Tin", "Abi Hurayra", "al-Hadid", "Shamir", "al-Ma'", "al-Rum", "Ghassan",
               "al-Qarn", "Muzayna", "al-Sharqi", "al-Gharbi")
_PLACE_FOLD = {"al-Sabi'": "al-Sabiʿ", "Qasr": "Qaṣr", "Hisn": "Ḥiṣn", "Suq": "Sūq",
               "al-Ma'": "al-Māʾ", "Ayn": "ʿAyn", "al-Hamra": "al-Ḥamrāʾ"}
_UNCERTAIN_NOTES = {
    "probable": "Identified with the modern site by most modern atlases.",
    "approximate": "The sources place it only roughly; drawn at the centre of the area.",
    "uncertain": "The site is not identified; drawn where the sources' route suggests.",
    "disputed": "Two sites are proposed; drawn at the one most modern atlases prefer.",
}
_CERTAINTY_WEIGHTS = {"certain": 0.60, "probable": 0.15, "approximate": 0.12,
                      "uncertain": 0.08, "disputed": 0.05}

_VERBS = {
    "appointment": "was appointed governor of", "dismissal": "was dismissed from",
    "battle": "fought a battle near", "siege": "besieged", "negotiation": "negotiated at",
    "treaty": "made a treaty at", "march": "marched on", "arrival": "arrived at",
    "death": "died at", "killing": "was killed at", "capture": "was taken prisoner near",
    "order": "sent an order to", "protest": "protested at", "revolt": "rose in revolt at",
    "letter": "wrote a letter from", "speech": "spoke to the people of",
    "arbitration": "met the arbiters at", "birth": "was born at", "marriage": "married at",
    "upbringing": "was raised at", "plan": "planned an attack on", "desertion": "deserted at",
    "request": "asked for help at", "escape": "escaped from", "other": "was at",
}
# Shares of events by kind, roughly as in the real package ("other" is the largest).
_KIND_WEIGHTS = {"other": 17, "march": 6, "battle": 5, "speech": 4, "request": 4, "arrival": 3,
                 "killing": 3, "order": 3, "death": 2, "marriage": 2, "revolt": 2, "letter": 2,
                 "treaty": 2, "arbitration": 2, "plan": 2, "capture": 2, "birth": 1,
                 "upbringing": 1, "negotiation": 1, "siege": 1, "dismissal": 1,
                 "appointment": 1, "protest": 1, "desertion": 1, "escape": 1}
_ROUTE_KINDS = ("march",)

_AUTHORITIES = ("Madelung", "Kennedy", "al-Tabari", "Sayf ibn Umar", "Abu Mikhnaf",
                "al-Waqidi", "one account", "Ibn Abd al-Hakam")
_DIFFERS_WEIGHTS = {"date": 7, "agent": 7, "manner": 6, "outcome": 6, "number": 3, "role": 2,
                    "sequence": 2, "place": 1, "age": 1}
_MANNERS = ("by the sword", "by poison", "in his sleep", "after a siege", "by treachery",
            "in single combat", "of thirst", "burnt in a donkey's skin")
_OUTCOMES = ("he was defeated", "he prevailed", "they made peace", "he fled to Syria",
             "the army dispersed", "the city surrendered", "he was pardoned")
_FILLER = ("The narrator then turns to other matters.",
           "God knows best what happened.",
           "The reports differ on some of this, as will be seen.",
           "These were troubled times for the people of the garrison cities.",
           "The chain of transmitters of this report is given elsewhere.",
           "Of this the historians have said much, and not all of it agrees.")
RELATIONS = "relations"
_KIN = ("father", "son", "brother", "half-brother", "uncle", "nephew", "cousin", "client",
        "ally by marriage", "stepfather")
_SOURCE_KINDS = ("narrative history", "encyclopedia article", "primary source", "monograph",
                 "other")
_DAY = julian_to_jdn(654, 1, 1)
_LAST_DAY = julian_to_jdn(658, 12, 31)


def write_package(root: Path, n_events: int, *, n_places: int | None = None,
                  n_sources: int | None = None, n_people: int | None = None,
                  seed: int = 0) -> tuple[Path, Path]:
    """Write a valid synthetic data package of ``n_events`` events under ``root``.

    Parameters
    ----------
    root : pathlib.Path
        Folder to write into; ``root/data`` and ``root/geo`` are replaced if they exist.
    n_events : int
        Number of events (at least 1).
    n_places : int, optional
        Number of places; by default one per 50 events, between 15 and 2,000.
    n_sources : int, optional
        Number of source documents; by default one per 2,000 events, between 3 and 50.
    n_people : int, optional
        Number of people; by default one per 40 events, between 30 and 3,000.
    seed : int
        Seed of the random generator: the same arguments write the same bytes.

    Returns
    -------
    tuple of pathlib.Path
        ``(data_dir, geo_dir)``, to pass to :func:`atlas.package.load_package` or to the app
        through ``FITNA_ATLAS_DATA`` and ``FITNA_ATLAS_GEO``.
    """
    if n_events < 1:
        raise ValueError("a package needs at least one event")
    n_places = n_places if n_places is not None else int(np.clip(n_events // 50, 15, 2000))
    n_sources = n_sources if n_sources is not None else int(np.clip(n_events // 2000, 3, 50))
    n_people = n_people if n_people is not None else int(np.clip(n_events // 40, 30, 3000))
    if min(n_places, n_sources, n_people) < 1:
        raise ValueError("a package needs at least one place, source and person")

    rng = np.random.default_rng(seed)
    root = Path(root)
    data_dir, geo_dir = root / "data", root / "geo"
    for folder in (data_dir, geo_dir):
        if folder.exists():
            shutil.rmtree(folder)
    (data_dir / "sources").mkdir(parents=True)
    geo_dir.mkdir(parents=True)

    descriptor = json.loads((DATA_DIR / schema.DESCRIPTOR).read_text(encoding="utf-8"))
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in descriptor["resources"]}
    enums = {(r["name"], f["name"]): f["constraints"]["enum"] for r in descriptor["resources"]
             for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}

    places = _places(rng, n_places, enums)
    people = _people(rng, n_people)
    sources = _sources(rng, n_sources, enums)
    events = _events(rng, n_events, places, enums)
    participants = _participants(rng, events, people)
    relations, appendix = _relations(rng, people, sources)
    attestations, texts = _attestations(rng, events, sources, people, places, appendix)

    tables = {
        schema.SOURCES: sources,
        schema.FACTIONS: [{"id": i, "name": name, "description": f"{name} (synthetic).",
                           "colour": colour} for i, name, colour in FACTIONS],
        schema.EPISODES: [{"id": i, "name": name, "order": str(order),
                           "description": f"{name} (synthetic)."}
                          for order, (i, name) in enumerate(EPISODES, start=1)],
        schema.PLACES: places,
        schema.PEOPLE: people,
        schema.EVENTS: events,
        schema.ATTESTATIONS: attestations,
        schema.PARTICIPANTS: participants,
        RELATIONS: relations,
    }
    # A table this module does not know yet is written empty, which every table may be.
    for resource in descriptor["resources"]:
        _write_csv(data_dir / resource["path"], fields[resource["name"]],
                   tables.get(resource["name"], []))
    for source in sources:
        (data_dir / source["text_path"]).write_text(texts[source["id"]], encoding="utf-8")

    descriptor.update(
        name="fitna-atlas-synthetic", version="0.0.0",
        title=f"Synthetic package: {n_events} events (seed {seed})",
        description="Invented events, places, people and source texts in the shape of the Fitna "
                    "Atlas package, written by benchmarks.synth for tests and benchmarks. Not history.",
    )
    (data_dir / schema.DESCRIPTOR).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False)
                                              + "\n", encoding="utf-8")
    (data_dir / "README.md").write_text(
        f"# Synthetic package\n\nWritten by `benchmarks.synth.write_package` with {n_events} events, "
        f"{n_places} places, {n_sources} sources, {n_people} people and seed {seed}. Everything "
        "in it is invented; it exists to test and measure the atlas at scale.\n", encoding="utf-8")

    _write_geojson(geo_dir / schema.ROUTES_FILE, _routes(rng, events, places))
    _write_geojson(geo_dir / schema.REGIONS_FILE, _regions())
    return data_dir, geo_dir


# --- tables ---------------------------------------------------------------------------------


def _pick(rng, options: Sequence[str], size: int, weights=None) -> list[str]:
    """``size`` choices from ``options`` (weighted), as plain Python strings."""
    p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    return [options[i] for i in rng.choice(len(options), size=size, p=p)]


def _unique_names(rng, heads, tails, size: int) -> list[str]:
    """``size`` distinct names 'head tail', numbered once every pair is used."""
    pairs = [f"{h} {t}" for h in heads for t in tails]
    order = rng.permutation(len(pairs))
    return [pairs[order[i % len(pairs)]] + (f" {i // len(pairs) + 1}" if i >= len(pairs) else "")
            for i in range(size)]


def _respell(name: str, spellings: dict[str, str]) -> str:
    for plain, marked in spellings.items():
        name = name.replace(plain, marked)
    return name


def _places(rng, n: int, enums) -> list[dict[str, str]]:
    certainties = list(_CERTAINTY_WEIGHTS)
    names = _unique_names(rng, _PLACE_HEAD, _PLACE_TAIL, n)
    lon = rng.uniform(*_LON, size=n)
    lat = rng.uniform(*_LAT, size=n)
    certainty = _pick(rng, certainties, n, list(_CERTAINTY_WEIGHTS.values()))
    kinds = _pick(rng, enums[(schema.PLACES, "kind")], n)
    wikidata = rng.integers(1000, 9_999_999, size=n)
    rows = []
    for i in range(n):
        name = names[i]
        marked = _respell(name, _PLACE_FOLD)
        aliases = [marked] if marked != name else []
        aliases.append(name.replace("al-", "el-") if "al-" in name else f"{name}a")
        rows.append({
            "id": f"place_{i:05d}", "name": name, "aliases": schema.ALIAS_SEPARATOR.join(aliases),
            "arabic": "", "lat": f"{lat[i]:.4f}", "lon": f"{lon[i]:.4f}",
            "location_certainty": certainty[i],
            "certainty_note": _UNCERTAIN_NOTES.get(certainty[i], ""),
            "kind": kinds[i], "coord_source": "synthetic (random within the map)",
            "landmark": "true" if i < LANDMARKS else "false", "thurayya_id": "",
            "pleiades_id": "", "wikidata_id": f"Q{wikidata[i]}" if i % 3 == 0 else "",
        })
    return rows


def _people(rng, n: int) -> list[dict[str, str]]:
    given = _pick(rng, _GIVEN, n)
    fathers = _pick(rng, _GIVEN, n)
    nisbas = _pick(rng, _NISBA, n)
    factions = _pick(rng, [f[0] for f in FACTIONS] + [""], n, [*_FACTION_WEIGHTS, 0.1])
    roles = _pick(rng, _ROLES, n)
    rows, seen = [], {}
    for i in range(n):
        name = f"{given[i]} ibn {fathers[i]} {nisbas[i]}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} ({seen[name]})"
        short = f"{given[i]} b {fathers[i]}"
        marked = _respell(f"{given[i]} b. {fathers[i]}", _SPELLINGS)
        rows.append({"id": f"person_{i:05d}", "name": name,
                     "aliases": schema.ALIAS_SEPARATOR.join(dict.fromkeys([short, marked])),
                     "arabic": "", "faction_id": factions[i], "role": roles[i], "note": ""})
    return rows


def _sources(rng, n: int, enums) -> list[dict[str, str]]:
    kinds = [k for k in enums[(schema.SOURCES, "kind")] if k in _SOURCE_KINDS] or ["other"]
    chosen = _pick(rng, kinds, n)
    rows = []
    for i in range(n):
        work = i // 2  # two chapters per work, as with the real narrative history
        ident = f"{i:03d}"
        rows.append({
            "id": ident, "work_id": f"work_{work:03d}",
            "title": f"Synthetic {chosen[i]} {work + 1}, part {i % 2 + 1}",
            "work_title": f"Synthetic {chosen[i]} {work + 1}", "author": "unknown",
            "publisher": "", "year": "", "kind": chosen[i], "licence": "CC0-1.0",
            "text_path": f"sources/{ident}.txt", "short": f"Src {work + 1}.{i % 2 + 1}",
            "note": "Invented text for tests and benchmarks.",
        })
    return rows


def _relations(rng, people, sources) -> tuple[list[dict[str, str]], list[list[str]]]:
    """Relations between people (one per two people), and the sentences that state them.

    Each statement is a sentence of its own in a closing section of its source's text.
    """
    n = max(len(people) // 2, 1) if len(people) > 1 else 0
    first = rng.integers(0, len(people), size=n)
    # A different second person: shift by 1..len-1 so it never lands on the first.
    second = (first + rng.integers(1, max(len(people), 2), size=n)) % max(len(people), 1)
    kin = _pick(rng, _KIN, n)
    where = rng.integers(0, len(sources), size=n)
    rows, appendix = [], [[] for _ in sources]
    for i in range(n):
        a, b = people[first[i]], people[second[i]]
        quote = f"{a['name']} was the {kin[i]} of {b['name']} (genealogy {i + 1})."
        appendix[where[i]].append(quote)
        rows.append({"id": f"rel_{i:05d}", "person_id": a["id"], "relation": kin[i],
                     "other_id": b["id"], "source_id": sources[where[i]]["id"], "quote": quote,
                     "note": ""})
    return rows, appendix


def _dates(rng, n: int, context: np.ndarray) -> tuple[list[str], list[str], list[str]]:
    """EDTF ``start`` and ``end`` strings and a ``date_basis`` for ``n`` events."""
    day = rng.integers(_DAY, _LAST_DAY + 1, size=n)
    # Context events (birth, upbringing, legacy) lie outside 654-658.
    early = rng.integers(julian_to_jdn(632, 1, 1), _DAY, size=n)
    late = rng.integers(_LAST_DAY + 1, julian_to_jdn(680, 12, 31), size=n)
    day = np.where(context, np.where(rng.random(n) < 0.7, early, late), day)
    iso = jdns_to_iso(day)
    later = jdns_to_iso(day + rng.integers(32, 120, size=n))  # a later month, at most 4 on
    next_day = jdns_to_iso(day + rng.integers(1, 60, size=n))
    forms = ("day", "day?", "day~", "month", "month~", "year", "year~", "year?", "year%",
             "years", "months", "month_range", "interval", "ends", "undated")
    weights = (25, 3, 3, 12, 12, 4, 6, 2, 1, 10, 6, 4, 6, 4, 2)
    chosen = _pick(rng, forms, n, weights)
    starts, ends = [], []
    for i, form in enumerate(chosen):
        d, m, y = iso[i], iso[i][:7], iso[i][:4]
        end = ""
        if form == "day":
            start = d
        elif form in ("day?", "day~"):
            start = d + form[-1]
        elif form == "month":
            start = m
        elif form == "month~":
            start = m + "~"
        elif form == "year":
            start = y
        elif form in ("year~", "year?", "year%"):
            start = y + form[-1]
        elif form == "years":
            start = f"[{y},{int(y) + 1:04d}]"
        elif form == "months":
            start = f"[{m},{later[i][:7]}]"
        elif form == "month_range":
            start = f"[{m}..{later[i][:7]}]"
        elif form == "interval":
            start = f"{m}/{later[i][:7]}"
        elif form == "ends":
            start, end = d, next_day[i]
        else:
            start = ""
        starts.append(start)
        ends.append(end)
    basis = _pick(rng, ("stated", "inferred", "external"), n, (5, 49, 14))
    basis = ["unknown" if not s else b for s, b in zip(starts, basis, strict=True)]
    return starts, ends, basis


def _events(rng, n: int, places, enums) -> list[dict[str, str]]:
    kinds_allowed = enums[(schema.EVENTS, "kind")]
    kind_names = [k for k in _KIND_WEIGHTS if k in kinds_allowed]
    kinds = _pick(rng, kind_names, n, [_KIND_WEIGHTS[k] for k in kind_names])
    factions = _pick(rng, [f[0] for f in FACTIONS], n, _FACTION_WEIGHTS)
    episodes = _pick(rng, [e[0] for e in EPISODES], n, _EPISODE_WEIGHTS)
    context = np.array([e == "life" for e in episodes]) & (rng.random(n) < 0.8)
    starts, ends, basis = _dates(rng, n, context)
    # A few places see most events, as Medina, Fustat and Siffin do.
    place_index = np.minimum(rng.zipf(1.3, size=n) - 1, len(places) - 1)
    place_index = rng.permutation(len(places))[place_index]
    has_place = rng.random(n) < 0.66
    faction_names = {ident: name for ident, name, _ in FACTIONS}
    references = _pick(rng, ("after the preceding report in the narrative",
                             "Madelung 1997", "Kennedy 2004", "the Islamic year the source gives"),
                       n)
    rows = []
    for i in range(n):
        place = places[place_index[i]] if has_place[i] else None
        where = place["name"] if place else "an unnamed place"
        kind = kinds[i]
        rows.append({
            "id": f"ev_{i:06d}",
            "title": f"{kind.capitalize()} at {where}",
            "summary": f"Synthetic event {i}: a {kind} by {faction_names[factions[i]]} "
                       f"at {where}.",
            "start": starts[i], "end": ends[i], "date_basis": basis[i],
            "date_reference": references[i] if basis[i] in ("inferred", "external") else "",
            "kind": kind, "place_id": place["id"] if place else "",
            "faction_id": factions[i], "episode": episodes[i],
            "context": "true" if context[i] else "false",
        })
    return rows


def _participants(rng, events, people) -> list[dict[str, str]]:
    counts = rng.choice([0, 1, 2, 3, 4], size=len(events), p=[0.08, 0.30, 0.38, 0.18, 0.06])
    owners = np.repeat(np.arange(len(events)), counts)
    chosen = rng.integers(0, len(people), size=len(owners))
    roles = _pick(rng, _PART_ROLES, len(owners))
    rows, seen = [], set()
    for event_index, person_index, role in zip(owners, chosen, roles, strict=True):
        key = (int(event_index), int(person_index))
        if key in seen:  # one row per event and person (the table's primary key)
            continue
        seen.add(key)
        rows.append({"event_id": events[event_index]["id"],
                     "person_id": people[person_index]["id"], "role": role})
    return rows


def _differing_values(rng, field: str, k: int, event, people, places) -> list[str]:
    """``k`` distinct values of ``field`` that ``k`` sources give for one event."""
    if field == "date":
        year = int((event["start"] or "0656").lstrip("[")[:4])
        options = [f"{year + j:04d}" for j in range(k)]
        if k >= 2:
            options[1] = f"[{year:04d},{year + 1:04d}]" if k > 2 else f"{year + 1:04d}~"
        return options
    if field == "number":
        return [f"{n:,}" for n in rng.choice(np.arange(1, 40) * 500, size=k, replace=False)]
    if field == "age":
        return [str(a) for a in rng.choice(np.arange(18, 70), size=k, replace=False)]
    if field in ("agent", "role"):
        picked = rng.choice(len(people), size=k, replace=len(people) < k)
        return [f"{people[p]['name']}" + ("" if field == "agent" else " as commander")
                for p in picked] if len(set(picked)) == k else [f"account {j + 1}" for j in range(k)]
    if field == "place":
        picked = rng.choice(len(places), size=min(k, len(places)), replace=False)
        names = [places[p]["name"] for p in picked]
        return names + [f"another place ({j})" for j in range(k - len(names))]
    if field == "manner":
        return [_MANNERS[j] for j in rng.choice(len(_MANNERS), size=k, replace=False)]
    if field == "outcome":
        return [_OUTCOMES[j] for j in rng.choice(len(_OUTCOMES), size=k, replace=False)]
    return [f"{'before' if j % 2 == 0 else 'after'} the battle (account {j + 1})" for j in range(k)]


def _attestations(rng, events, sources, people, places, appendix):
    """Attestation rows and the texts of the sources their quotes stand in.

    ``appendix`` holds, per source, sentences for a closing section of its text.
    """
    n, n_sources = len(events), len(sources)
    counts = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.43, 0.30, 0.19, 0.05, 0.03])
    counts = np.minimum(counts, n_sources)
    # Distinct sources for one event: the first `count` of a random order of the sources.
    order = np.argsort(rng.random((n, n_sources)), axis=1)
    disputed = (counts >= 2) & (rng.random(n) < 0.35)
    fields = list(_DIFFERS_WEIGHTS)
    differ_fields = _pick(rng, fields, n, list(_DIFFERS_WEIGHTS.values()))
    total = int(counts.sum())
    speakers = rng.integers(0, len(people), size=total)
    spellings = rng.random(total) < 0.4
    authorities = _pick(rng, _AUTHORITIES, total)
    has_authority = rng.random(total) < 0.12
    fillers = rng.integers(0, len(_FILLER), size=total)
    filler_before = rng.random(total) < 0.3
    place_names = {p["id"]: p["name"] for p in places}

    per_source: list[list[tuple[int, str]]] = [[] for _ in range(n_sources)]
    rows: list[dict[str, str]] = []
    serial = 0
    for i, event in enumerate(events):
        k = int(counts[i])
        field = differ_fields[i] if disputed[i] else ""
        values = _differing_values(rng, field, k, event, people, places) if field else [""] * k
        where = place_names.get(event["place_id"], "a place the report does not name")
        for j in range(k):
            source = int(order[i, j])
            person = people[speakers[serial]]
            who = person["aliases"].split(schema.ALIAS_SEPARATOR)[-1] if spellings[serial] \
                else person["name"]
            quote = f"{who} {_VERBS.get(event['kind'], 'was at')} {where}"
            if values[j]:
                quote += f", and it is said that the {field} was {values[j]}"
            quote += f" (report {serial + 1})."
            row = {"id": f"att_{serial:07d}", "event_id": event["id"],
                   "source_id": sources[source]["id"], "quote": quote,
                   "start_offset": "", "end_offset": "", "locator": "",
                   "authority": authorities[serial] if has_authority[serial] else "",
                   "differs_field": field, "differs_value": values[j],
                   "note": "Synthetic." if serial % 17 == 0 else ""}
            rows.append(row)
            filler = _FILLER[fillers[serial]] if filler_before[serial] else ""
            per_source[source].append((len(rows) - 1, filler))
            serial += 1

    texts = {}
    for s, entries in enumerate(per_source):
        parts: list[str] = [f"{sources[s]['title']}\n\n"]
        length = len(parts[0])
        for position, (row_index, filler) in enumerate(entries):
            paragraph, sentence = divmod(position, 8)
            section, paragraph = divmod(paragraph, 10)
            if sentence == 0 and position:
                parts.append("\n\n")
                length += 2
            elif position:
                parts.append(" ")
                length += 1
            if filler:
                parts.append(filler + " ")
                length += len(filler) + 1
            row = rows[row_index]
            quote = row["quote"]
            row["start_offset"] = str(length)
            row["end_offset"] = str(length + len(quote))
            row["locator"] = f"§ {section + 1}, ¶{paragraph + 1}"
            parts.append(quote)
            length += len(quote)
        if appendix[s]:
            parts.append("\n\nFamilies and households.\n\n" + " ".join(appendix[s]))
        parts.append("\n")
        texts[sources[s]["id"]] = "".join(parts)
    return rows, texts


# --- geometry -------------------------------------------------------------------------------


def _routes(rng, events, places) -> list[dict]:
    """A schematic route for each march with a place: from another place to it."""
    by_id = {p["id"]: p for p in places}
    features = []
    for event in events:
        if event["kind"] not in _ROUTE_KINDS or not event["place_id"]:
            continue
        end = by_id[event["place_id"]]
        start = places[int(rng.integers(0, len(places)))]
        steps = int(rng.integers(3, 9))
        t = np.linspace(0.0, 1.0, steps + 1)
        lon = float(start["lon"]) + t * (float(end["lon"]) - float(start["lon"]))
        lat = float(start["lat"]) + t * (float(end["lat"]) - float(start["lat"]))
        wobble = rng.normal(0.0, 0.25, size=(2, steps + 1))
        wobble[:, [0, -1]] = 0.0
        coords = [[round(float(x), 4), round(float(y), 4)]
                  for x, y in zip(np.clip(lon + wobble[0], -180, 180),
                                  np.clip(lat + wobble[1], -90, 90), strict=True)]
        features.append({
            "type": "Feature",
            "properties": {
                "id": f"route_{event['id']}", "event_id": event["id"],
                "name": f"{event['title']}: the way from {start['name']}",
                "faction_id": event["faction_id"], "certainty": "schematic",
                "note": "Synthetic route.", "reference": "schematic: straight segments",
            },
            "geometry": {"type": "LineString", "coordinates": coords},
        })
    return features


def _regions() -> list[dict]:
    return [{
        "type": "Feature",
        "properties": {"id": ident, "name": name, "certainty": "approximate",
                       "note": "Synthetic outline."},
        "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring + [ring[0]]]]},
    } for ident, name, ring in REGIONS]


# --- writing --------------------------------------------------------------------------------


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n",
                                extrasaction="raise", restval="")
        writer.writeheader()
        writer.writerows(rows)


def _write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False) + "\n", encoding="utf-8")
