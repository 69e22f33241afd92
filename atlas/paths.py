"""Project paths, built from this file's location and never from the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEO_DIR = ROOT / "geo"
STATIC_DIR = ROOT / "static"
