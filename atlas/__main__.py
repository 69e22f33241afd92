"""Command line: ``python -m atlas validate [DIR]`` prints the report of a data package."""

import argparse
import sys
from pathlib import Path

from atlas.load import ERROR, load_package
from atlas.paths import DATA_DIR, GEO_DIR


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
    parser = argparse.ArgumentParser(prog="python -m atlas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a data package and print its problems")
    validate.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR,
                          help="folder with datapackage.json (default: the bundled data)")
    validate.add_argument("--geo", type=Path, default=GEO_DIR,
                          help="folder with routes.geojson and regions.geojson")
    args = parser.parse_args(argv)

    package = load_package(args.data_dir, args.geo)
    for problem in package.problems:
        print(problem)
    errors = sum(p.severity == ERROR for p in package.problems)
    notices = len(package.problems) - errors
    print(f"{len(package.events)} events, {len(package.attestations)} attestations, "
          f"{len(package.places)} places, {len(package.people)} people, "
          f"{len(package.sources)} sources: {errors} problems, {notices} notices")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
