"""Read and validate a data package: typed frames plus a report of problems.

The package's ``datapackage.json`` declares every table's fields, types, constraints, primary
and foreign keys; this module enforces them with vectorised pandas, then checks what a schema
cannot say: EDTF dates, quotes against the source texts, one attestation per event, and the
geometry layers. Nothing raises: every problem becomes a :class:`Problem` naming the file, row,
column and value, with a hint on how to fix it, and valid rows are kept.

What happens to a row with a problem is said in the problem's message:

- a missing or malformed *required* value, a duplicate id (the first row is kept) or a
  reference to nothing in a required column leaves the row out (the rest of the package cannot
  trust it);
- a malformed *optional* value is set aside (treated as empty) and the row is kept;
- an event whose date cannot be read is kept and listed as undated;
- an attestation whose quote is not in its source is left out.

Rows are numbered as in a spreadsheet: the header is row 1, the first data row is row 2, and
blank lines keep their numbers (they are skipped, not counted). For every table
:attr:`Package.counts` says how many rows were read, shown and rejected; read = shown + rejected.

Bring your own data
-------------------
A folder with no ``datapackage.json`` is read too (:attr:`Package.described` is then False).
Its tables are found by file name (``events.csv``, ``places.csv``, ...; a lone CSV of another
name is taken for the events) and read with the atlas's own description, leniently, each
leniency reported as a notice:

- only ``events.csv`` is needed, with ``id``, ``title`` and a date (``start``, or ``date``);
  headers are matched ignoring case and spaces, and a few common names are understood
  (``date``, ``place``, ``latitude``/``longitude``, ``faction``, ...);
- a missing column gets a default (faction and episode ``unknown``, kind ``other``, ...);
- without ``places.csv``, places are made from the events' place name and lat/lon columns;
  without ``factions.csv`` or ``episodes.csv``, from the events' values;
- without ``attestations.csv`` events are shown unattested, with one notice, not one error each;
- dates with short years, as spreadsheets leave them (``656``, ``656-6-17``), are read as
  ``0656`` and ``0656-06-17``.

A package *with* a ``datapackage.json`` has declared its dates EDTF and its columns, so it is
read strictly: a short year is an error (with the EDTF to write instead), and only a missing
*optional* column is a notice. Slashed spreadsheet dates (``06/17/0656``) are never guessed:
day/month and month/day orders differ between spreadsheets, so they are errors in both modes,
and the message gives the EDTF reading(s) to write.

Every CSV may be UTF-8 with or without a byte-order mark (or UTF-16 with one), with ``,``,
``;`` or tab between cells (sniffed from the header) and any line ends. Cells and headers are
trimmed of surrounding whitespace and are otherwise kept exactly as written: no text is ever
interpreted as markup. Rows with bytes that are not UTF-8, or with more cells than the header,
are reported and left out.

Where each step lives
---------------------
``types`` (Package, TableCount, Problem and its codes), ``descriptor`` (datapackage.json or the
file names), ``csvread`` (bytes to cells), ``columns`` (headers, aliases, defaults),
``spreadsheet`` (tables made for a bare spreadsheet), ``checks`` (types, keys, colours,
gazetteer ids), ``quotes`` (source texts and quotes), ``eventdates`` (EDTF dates),
``layers`` (GeoJSON), ``assemble`` (derived tables) and ``load`` (:func:`load_package`, the
steps in order).
"""

from atlas.package.load import load_package
from atlas.package.types import (
    ERROR,
    LAYERS,
    NOTICE,
    ORDER,
    RELATIONS,
    ROW,
    UNKNOWN,
    Package,
    Problem,
    TableCount,
)

__all__ = ["ERROR", "LAYERS", "NOTICE", "ORDER", "RELATIONS", "ROW", "UNKNOWN", "Package",
           "Problem", "TableCount", "load_package"]
