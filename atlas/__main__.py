"""Command line: ``python -m atlas validate [DIR] [--geo DIR]`` prints the report of a data package.

Without DIR it validates the package the app would show ($ATLAS_DATA, $FITNA_ATLAS_DATA or the
bundled data); without --geo, the layers that go with it ($ATLAS_GEO, $FITNA_ATLAS_GEO, else
DIR/geo, or the bundled geo/ for the bundled data). Each problem ends with its code in
brackets (``[fk-rejected]``); the codes are listed in :data:`atlas.package.types.CODES`.
"""

import argparse
import sys
from pathlib import Path

from atlas.package import load_package
from atlas.paths import data_dir, geo_dir


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (1 when the package has errors).

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when the package has no errors, 1 otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m atlas", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a data package and print its problems")
    validate.add_argument("data_dir", nargs="?", type=Path, default=None,
                          help="folder with the CSV tables and, usually, datapackage.json "
                               "(default: the package the app would show)")
    validate.add_argument("--geo", type=Path, default=None,
                          help="folder with routes.geojson and regions.geojson "
                               "(default: DIR/geo, or the bundled geo/ for the bundled data)")
    args = parser.parse_args(argv)

    data = args.data_dir if args.data_dir is not None else data_dir([])
    geo = args.geo if args.geo is not None else geo_dir([], data)
    package = load_package(data, geo)
    for problem in package.problems:
        # The code (see atlas.package.types.CODES) is for grep and scripts; the words for people.
        print(f"{problem} [{problem.code}]" if problem.code else problem)
    errors = len(package.errors)
    notices = len(package.problems) - errors
    print(f"{len(package.events)} events, {len(package.attestations)} attestations, "
          f"{len(package.places)} places, {len(package.people)} people, "
          f"{len(package.sources)} sources: {errors} problems, {notices} notices")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
