"""Names of the tables and of the columns the loader adds.

The stored columns, their types and allowed values are declared once, in the data package's
``datapackage.json``; the loader reads them from there. This module names what code refers to.
"""

DESCRIPTOR = "datapackage.json"

# Tables, in the order they are checked: a table's foreign keys point only to tables before it.
SOURCES = "sources"
FACTIONS = "factions"
EPISODES = "episodes"
PLACES = "places"
PEOPLE = "people"
EVENTS = "events"
ATTESTATIONS = "attestations"
PARTICIPANTS = "participants"
TABLES = (SOURCES, FACTIONS, EPISODES, PLACES, PEOPLE, EVENTS, ATTESTATIONS, PARTICIPANTS)

# Story mode's tables (optional; atlas/story.py reads them): a story, and its steps in order.
STORIES = "stories"
STORY_STEPS = "story_steps"

# Geometry layers under geo/.
ROUTES_FILE = "routes.geojson"
REGIONS_FILE = "regions.geojson"

ALIAS_SEPARATOR = "|"

# Columns the loader adds to events: bounds as Julian Day Numbers (int64), ISO strings of the
# Julian date for Plotly (drawn with xcalendar="julian"), and words for people.
EARLIEST = "earliest"
LATEST = "latest"
BEST = "best"
EARLIEST_ISO = "earliest_iso"
LATEST_ISO = "latest_iso"
BEST_ISO = "best_iso"
HAS_DATE = "has_date"
PRECISION = "precision"
APPROXIMATE = "approximate"
UNCERTAIN = "uncertain"
DATE_WORDS = "date_words"
AH_WORDS = "ah_words"
SEARCH_TEXT = "search_text"
PLACE_NAME = "place_name"
FACTION_NAME = "faction_name"
EPISODE_NAME = "episode_name"
SOURCE_LABELS = "source_labels"
COLOUR = "colour"

# Attestations whose differs_field is this give an EDTF date in differs_value.
DATE_FIELD = "date"

SOURCE_MODES = ("any", "all", "only")
LANES = ("episode", "place", "faction", "source", "authority")
AXES = ("ce", "ah")
