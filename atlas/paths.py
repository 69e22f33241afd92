"""Project paths, built from this file's location and never from the working directory."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEO_DIR = ROOT / "geo"
STATIC_DIR = ROOT / "static"

# A self-hoster can point the app at another package without editing code.
DATA_ENV = "FITNA_ATLAS_DATA"
GEO_ENV = "FITNA_ATLAS_GEO"


def data_dir() -> Path:
    """The data package to show: $FITNA_ATLAS_DATA if set, else the bundled data/."""
    return Path(os.environ.get(DATA_ENV) or DATA_DIR)


def geo_dir() -> Path:
    """The geometry layers to show: $FITNA_ATLAS_GEO if set, else the bundled geo/."""
    return Path(os.environ.get(GEO_ENV) or GEO_DIR)
