"""Project paths, built from this file's location and never from the working directory.

Which data package the app shows is chosen, first match wins, by

1. ``--data DIR`` on the command line (``streamlit run app.py -- --data DIR``),
2. the environment variable ``ATLAS_DATA``, then ``FITNA_ATLAS_DATA``,
3. the bundled ``data/``.

Its geometry layers come from ``--geo DIR``, then ``ATLAS_GEO`` / ``FITNA_ATLAS_GEO``, then
:func:`geo_for` the data folder: the bundled ``geo/`` for the bundled data, else the data
folder's own ``geo/`` (when it has none, the map draws no routes or regions).
"""

import argparse
import functools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEO_DIR = ROOT / "geo"
STATIC_DIR = ROOT / "static"

# A self-hoster can point the app at another package without editing code. The first name of
# each pair wins; the second is the name older set-ups use.
DATA_ENVS = ("ATLAS_DATA", "FITNA_ATLAS_DATA")
GEO_ENVS = ("ATLAS_GEO", "FITNA_ATLAS_GEO")
DATA_ENV = DATA_ENVS[1]
GEO_ENV = GEO_ENVS[1]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    """Read ``--data`` and ``--geo`` from ``argv``, ignoring every other argument."""
    return _parsed(tuple(sys.argv[1:] if argv is None else argv))


@functools.lru_cache(maxsize=16)
def _parsed(argv: tuple[str, ...]) -> argparse.Namespace:
    """:func:`_arguments`, parsed once per command line (every run of a page asks)."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    parser.add_argument("--data", default=None)
    parser.add_argument("--geo", default=None)
    try:
        known, _ = parser.parse_known_args(list(argv))
    except (argparse.ArgumentError, SystemExit):
        # e.g. "--data" as the last word, without a folder: the app still starts, as if unset.
        return argparse.Namespace(data=None, geo=None)
    return known


def _from_env(names: tuple[str, ...]) -> Path | None:
    for name in names:
        if os.environ.get(name):
            return Path(os.environ[name]).expanduser()
    return None


def data_dir(argv: list[str] | None = None) -> Path:
    """The data package to show: ``--data``, ``$ATLAS_DATA``, ``$FITNA_ATLAS_DATA`` or data/.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments to look in; defaults to ``sys.argv[1:]``. Unknown ones are ignored.

    Returns
    -------
    pathlib.Path
        The folder holding the tables.
    """
    given = _arguments(argv).data
    if given:
        return Path(given).expanduser().resolve()
    return _from_env(DATA_ENVS) or DATA_DIR


def geo_dir(argv: list[str] | None = None, data: Path | None = None) -> Path:
    """The geometry layers to show: ``--geo``, ``$ATLAS_GEO``, ``$FITNA_ATLAS_GEO``, else :func:`geo_for`.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments to look in; defaults to ``sys.argv[1:]``. Unknown ones are ignored.
    data : pathlib.Path, optional
        The data folder the layers go with; defaults to :func:`data_dir` of ``argv``.

    Returns
    -------
    pathlib.Path
        The folder that holds (or would hold) ``routes.geojson`` and ``regions.geojson``; it may
        not exist, and then no routes or regions are drawn.
    """
    given = _arguments(argv).geo
    if given:
        return Path(given).expanduser().resolve()
    return _from_env(GEO_ENVS) or geo_for(data_dir(argv) if data is None else data)


def geo_for(data: Path) -> Path:
    """The geometry folder that goes with the data folder ``data``.

    Parameters
    ----------
    data : pathlib.Path
        A data package folder.

    Returns
    -------
    pathlib.Path
        The bundled geo/ for the bundled data; otherwise ``data / "geo"``, which need not exist:
        other data never gets the bundled routes, whose events it does not have.
    """
    if is_bundled(data):
        return GEO_DIR
    return Path(data) / "geo"


def is_bundled(data: Path) -> bool:
    """Whether ``data`` is the bundled data package."""
    try:
        return Path(data).resolve() == DATA_DIR.resolve()
    except OSError:
        return False
