"""Unpack an uploaded data package, safely, into a fresh temporary folder for the loader.

An upload is either one ``.zip`` of a package (``datapackage.json`` and the CSV tables at its
root or inside one top folder, with ``sources/`` texts and an optional ``geo/``), or loose
files (CSV tables, ``.txt`` source texts, ``.geojson`` layers, ``datapackage.json``). Nothing is
ever written outside a new temporary folder, and an upload is refused whole, with a message
saying why, when it is too large, has too many files, would decompress to too much (a zip bomb),
or holds an entry that is a link or whose name would land outside the folder (an absolute
path, a ``..`` part: a "zip slip"). Files of other kinds are skipped with a notice.

The caller owns the folder it gets back and deletes it when done (``shutil.rmtree``).
"""

from __future__ import annotations

import io
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from atlas.package.types import ERROR, NOTICE, Problem
from atlas.safepath import ABSOLUTE, CONTROL, UnsafePath, relative_parts, resolves_inside

ALLOWED_SUFFIXES = (".csv", ".json", ".geojson", ".txt", ".md")
UPLOAD = "upload"  # the file name problems about the upload as a whole give
# Left behind by archivers and file managers; skipped without a word.
_JUNK = ("__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini")
_CHUNK = 1 << 16
# Below this size an entry cannot be a dangerous bomb, whatever its ratio (a column of one
# repeated value compresses very well); the total size limit covers many small ones.
_RATIO_FROM = 1 << 20


@dataclass(frozen=True)
class UploadLimits:
    """How much an upload may hold.

    Attributes
    ----------
    max_upload_bytes : int
        All uploaded files together, as sent (compressed, for a zip).
    max_files : int
        Files in the zip, or loose files.
    max_total_bytes : int
        All files together once unpacked.
    max_ratio : float
        Largest unpacked/packed size ratio of one zip entry; text compresses about 3-10 times,
        a zip bomb thousands of times.
    """

    max_upload_bytes: int = 50 * 2**20
    max_files: int = 500
    max_total_bytes: int = 200 * 2**20
    max_ratio: float = 200.0


class _Refused(Exception):
    """The upload is refused whole; the message says why."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file


def unpack_upload(files: list[tuple[str, bytes]], limits: UploadLimits | None = None,
                  parent: Path | None = None) -> tuple[Path | None, list[Problem]]:
    """Unpack uploaded files into a new temporary folder and return the package folder.

    Parameters
    ----------
    files : list of (str, bytes)
        Each uploaded file's name and content: one zip, or loose package files.
    limits : UploadLimits, optional
        Size and count limits; the defaults suit a small research package.
    parent : pathlib.Path, optional
        Where to make the temporary folder; defaults to the system's temporary directory.
        Never the app's own data folder.

    Returns
    -------
    (pathlib.Path or None, list of Problem)
        The folder to pass to :func:`atlas.package.load_package` (its ``geo/``, if any, inside
        it), or None when the upload was refused; and the problems: errors for a refusal,
        notices for skipped files.
    """
    limits = limits or UploadLimits()
    problems: list[Problem] = []
    target = Path(tempfile.mkdtemp(prefix="atlas-upload-", dir=parent))
    try:
        if not files:
            raise _Refused(UPLOAD, "nothing was uploaded — choose a .zip of a data package, or "
                                   "its CSV files")
        size = sum(len(data) for _, data in files)
        if size > limits.max_upload_bytes:
            raise _Refused(UPLOAD, f"the upload is {_mb(size)}, more than the "
                                   f"{_mb(limits.max_upload_bytes)} allowed — upload the tables "
                                   "and texts only")
        zips = [name for name, _ in files if name.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise _Refused(zips[0], "upload either one .zip or loose files, not both")
        if zips:
            _unpack_zip(files[0][0], files[0][1], target, limits, problems)
        else:
            _place_loose(files, target, limits, problems)
    except _Refused as refusal:
        shutil.rmtree(target, ignore_errors=True)
        problems.append(Problem(refusal.file, None, None, None, str(refusal), ERROR,
                                "upload-refused"))
        return None, problems
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError,
            RuntimeError) as exc:
        # A damaged or exotic zip (bad checksum, unknown compression, password): refused too.
        shutil.rmtree(target, ignore_errors=True)
        problems.append(Problem(UPLOAD, None, None, None, f"the upload cannot be unpacked ({exc}) "
                                "— make the zip again with an ordinary zip tool", ERROR,
                                "upload-refused"))
        return None, problems
    return target, problems


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _parts(name: str, file: str) -> tuple[str, ...]:
    """The parts of an entry's name, refusing any name that could leave the target folder."""
    try:
        if not name:
            raise UnsafePath(name, CONTROL)
        return relative_parts(name)
    except UnsafePath as unsafe:
        if unsafe.reason == CONTROL:
            raise _Refused(file, f"the name {name!r} has control characters; the upload was "
                                 "refused") from unsafe
        if unsafe.reason == ABSOLUTE:
            raise _Refused(name, "this entry has an absolute path, which could write anywhere on "
                                 "the server; the upload was refused — zip the package folder "
                                 "with relative paths") from unsafe
        raise _Refused(name, "this entry's path climbs out of the package with '..', which could "
                             "overwrite files on the server; the upload was refused") from unsafe


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(p in _JUNK for p in parts) or parts[-1].startswith("._")


def _check_kind(name: str, problems: list[Problem]) -> bool:
    """Whether a file's kind may be unpacked; a notice says what was skipped."""
    if PurePosixPath(name).suffix.lower() in ALLOWED_SUFFIXES:
        return True
    problems.append(Problem(name, None, None, None, "skipped: only "
                            + ", ".join(ALLOWED_SUFFIXES) + " files are read", NOTICE, "upload-skipped"))
    return False


def _destination(target: Path, parts: tuple[str, ...], name: str) -> Path:
    destination = target.joinpath(*parts)
    if not resolves_inside(target, destination):
        raise _Refused(name, "this entry would be written outside the package folder; the upload "
                             "was refused")
    return destination


def _unpack_zip(zip_name: str, data: bytes, target: Path, limits: UploadLimits,
                problems: list[Problem]) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Refused(zip_name, f"this is not a readable zip file ({exc})") from exc
    with archive:
        entries = []
        for info in archive.infolist():
            parts = _parts(info.filename, zip_name)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _Refused(info.filename, "this entry is a symbolic link, which could point "
                                              "anywhere on the server; the upload was refused")
            if info.is_dir() or not parts or _skipped(parts):
                continue
            if info.flag_bits & 0x1:
                raise _Refused(info.filename, "this entry is encrypted; upload a zip without a "
                                              "password")
            entries.append((parts, info))
        if len(entries) > limits.max_files:
            raise _Refused(zip_name, f"the zip holds {len(entries)} files, more than the "
                                     f"{limits.max_files} allowed")
        declared = sum(info.file_size for _, info in entries)
        if declared > limits.max_total_bytes:
            raise _Refused(zip_name, f"the zip would unpack to {_mb(declared)}, more than the "
                                     f"{_mb(limits.max_total_bytes)} allowed")
        for _, info in entries:
            _check_ratio(info.filename, info.file_size, info.compress_size, limits)

        prefix = _package_root([parts for parts, _ in entries], zip_name)
        written = 0
        seen = set()
        for parts, info in entries:
            inside = _relocate(parts, prefix)
            if inside is None:
                problems.append(Problem(info.filename, None, None, None, "skipped: it is outside "
                                        "the package folder that holds datapackage.json", NOTICE,
                                        "upload-skipped"))
                continue
            if not _check_kind(info.filename, problems):
                continue
            if inside in seen:
                problems.append(Problem(info.filename, None, None, None, "skipped: the zip holds "
                                        "another file of this name", NOTICE, "upload-skipped"))
                continue
            seen.add(inside)
            destination = _destination(target, inside, info.filename)
            destination.parent.mkdir(parents=True, exist_ok=True)
            written += _copy_entry(archive, info, destination, limits, written)


def _check_ratio(name: str, size: int, packed: int, limits: UploadLimits) -> None:
    if size > _RATIO_FROM and size > limits.max_ratio * max(packed, 1):
        raise _Refused(name, f"this entry would unpack {size / max(packed, 1):.0f} times larger "
                             "than it is packed, which only a zip bomb does; the upload was "
                             "refused")


def _copy_entry(archive, info, destination: Path, limits: UploadLimits, written: int) -> int:
    """Copy one entry, counting the bytes really unpacked (a header's sizes may lie)."""
    size = 0
    with archive.open(info) as source, destination.open("xb") as out:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if written + size > limits.max_total_bytes:
                raise _Refused(info.filename, "the zip unpacks to more than the "
                                              f"{_mb(limits.max_total_bytes)} allowed; the upload "
                                              "was refused")
            _check_ratio(info.filename, size, info.compress_size, limits)
            out.write(chunk)
    return size


def _package_root(names: list[tuple[str, ...]], zip_name: str) -> tuple[str, ...]:
    """The folder inside the zip that holds the package: the root, one top folder, or the
    folder of its only datapackage.json."""
    descriptors = [parts[:-1] for parts in names if parts[-1] == "datapackage.json"]
    if len(descriptors) > 1:
        raise _Refused(zip_name, "the zip holds more than one datapackage.json; upload one "
                                 "package at a time")
    if descriptors:
        return descriptors[0]
    tops = {parts[0] for parts in names if len(parts) > 1}
    if len(tops) == 1 and all(len(parts) > 1 for parts in names):
        return (tops.pop(),)
    return ()


def _relocate(parts: tuple[str, ...], prefix: tuple[str, ...]) -> tuple[str, ...] | None:
    """An entry's path inside the package folder; a ``geo/`` beside it moves into it."""
    if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
        return parts[len(prefix):]
    # The repository's own layout: data/ (with datapackage.json) and geo/ side by side.
    parent = prefix[:-1]
    if (prefix and len(parts) > len(parent) + 1 and parts[: len(parent)] == parent
            and parts[len(parent)] == "geo"):
        return parts[len(parent):]
    return None


def _place_loose(files: list[tuple[str, bytes]], target: Path, limits: UploadLimits,
                 problems: list[Problem]) -> None:
    """Put loose files where the loader looks: texts in sources/, layers in geo/."""
    if len(files) > limits.max_files:
        raise _Refused(UPLOAD, f"{len(files)} files were uploaded, more than the "
                               f"{limits.max_files} allowed")
    seen = set()
    for name, data in files:
        parts = _parts(name, name)
        if not parts or _skipped(parts) or not _check_kind(name, problems):
            continue
        base = parts[-1]
        suffix = PurePosixPath(base).suffix.lower()
        folder = {".txt": ("sources",), ".geojson": ("geo",)}.get(suffix, ())
        inside = (*folder, base)
        if inside in seen:
            problems.append(Problem(name, None, None, None, "skipped: a file of this name was "
                                    "already uploaded", NOTICE, "upload-skipped"))
            continue
        seen.add(inside)
        destination = _destination(target, inside, name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)
