"""Tests for atlas/upload.py: uploads unpack into a fresh folder, and hostile zips are refused."""

import io
import stat
import zipfile
from pathlib import Path

import pytest

from atlas.package import ERROR, NOTICE, load_package
from atlas.paths import DATA_DIR, GEO_DIR
from atlas.upload import UploadLimits, unpack_upload
from tests.conftest import TINY_TEXT, tiny_tables

FIXTURES = Path(__file__).parent / "data"


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Return the bytes of a zip holding ``entries`` (name -> content)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tiny_entries(prefix: str = "") -> dict[str, bytes]:
    """The tiny package as zip entries: descriptor, tables and source text under ``prefix``."""
    entries = {f"{prefix}datapackage.json": (DATA_DIR / "datapackage.json").read_bytes(),
               f"{prefix}sources/t1.txt": TINY_TEXT.encode("utf-8")}
    for name, frame in tiny_tables().items():
        entries[f"{prefix}{name}.csv"] = frame.to_csv(index=False).encode("utf-8")
    return entries


def refused(result) -> str:
    """Assert that an upload was refused and return its error messages, joined."""
    folder, problems = result
    assert folder is None
    errors = [p for p in problems if p.severity == ERROR]
    assert errors
    return " ".join(f"{p.file}: {p.message}" for p in errors)


def test_a_zip_with_the_package_at_its_root_loads(tmp_path):
    """Test that a zipped package unpacks into a new folder under ``parent`` and validates."""
    folder, problems = unpack_upload([("tiny.zip", make_zip(tiny_entries()))], parent=tmp_path)
    assert problems == []
    assert folder.parent == tmp_path and folder.name.startswith("atlas-upload-")
    package = load_package(folder)
    assert package.errors == [] and len(package.events) == 5


def test_a_zip_with_one_top_folder_is_unwrapped(tmp_path):
    """Test that 'pkg/datapackage.json' ... unpacks as if the zip had no folder."""
    folder, problems = unpack_upload([("pkg.zip", make_zip(tiny_entries("pkg/")))],
                                     parent=tmp_path)
    assert problems == []
    assert (folder / "datapackage.json").is_file() and (folder / "sources" / "t1.txt").is_file()


def test_the_real_package_zipped_as_in_the_repository_round_trips(tmp_path):
    """Test that data/ and geo/ side by side in a zip load like the bundled package."""
    entries = {f"atlas/data/{p.relative_to(DATA_DIR).as_posix()}": p.read_bytes()
               for p in DATA_DIR.rglob("*") if p.is_file()}
    entries.update({f"atlas/geo/{p.name}": p.read_bytes() for p in GEO_DIR.glob("*.geojson")})
    folder, problems = unpack_upload([("atlas.zip", make_zip(entries))], parent=tmp_path)
    assert [p for p in problems if p.severity == ERROR] == []
    package, bundled = load_package(folder), load_package()
    assert package.problems == ()
    assert len(package.events) == len(bundled.events)
    assert len(package.routes) == len(bundled.routes) > 0


def test_loose_files_are_placed_where_the_loader_looks(tmp_path):
    """Test that loose CSVs go to the root, texts to sources/ and layers to geo/."""
    files = [(name.split("/")[-1], data) for name, data in tiny_entries().items()]
    files.append(("routes.geojson", b'{"type": "FeatureCollection", "features": []}'))
    folder, problems = unpack_upload(files, parent=tmp_path)
    assert problems == []
    assert (folder / "sources" / "t1.txt").read_text(encoding="utf-8") == TINY_TEXT
    assert (folder / "geo" / "routes.geojson").is_file()
    assert load_package(folder).errors == []


def test_a_single_loose_csv_is_a_package_too(tmp_path):
    """Test that the minimal events table alone can be uploaded and loads with notices only."""
    data = (FIXTURES / "minimal" / "events.csv").read_bytes()
    folder, problems = unpack_upload([("events.csv", data)], parent=tmp_path)
    assert problems == []
    assert load_package(folder).errors == []


def test_a_zip_bomb_is_refused_and_nothing_is_left_behind(tmp_path):
    """Test that 50 MB of zeros packed into a few kilobytes is refused before it is written."""
    bomb = make_zip({"events.csv": b"0" * (50 * 2**20)})
    assert len(bomb) < 200_000
    message = refused(unpack_upload([("bomb.zip", bomb)], parent=tmp_path))
    assert "zip bomb" in message
    assert list(tmp_path.iterdir()) == []


def test_a_zip_that_unpacks_to_too_much_is_refused(tmp_path):
    """Test the total unpacked size limit, even when each entry compresses modestly."""
    entries = {f"t{i}.txt": bytes(range(256)) * 400 for i in range(5)}
    limits = UploadLimits(max_total_bytes=300_000)
    message = refused(unpack_upload([("big.zip", make_zip(entries))], limits, parent=tmp_path))
    assert "unpack to" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [
    "../evil.csv", "pkg/../../evil.csv", "/etc/evil.csv", "..\\evil.csv", "C:\\evil.csv",
    "C:evil.csv",
])
def test_names_that_leave_the_folder_are_refused(tmp_path, name):
    """Test that zip slip (.., absolute paths, drive letters, backslashes) refuses the upload."""
    entries = {**tiny_entries(), name: b"id,title\nx,y\n"}
    message = refused(unpack_upload([("slip.zip", make_zip(entries))], parent=tmp_path))
    assert "refused" in message
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / "evil.csv").exists()


def test_a_symbolic_link_entry_is_refused(tmp_path):
    """Test that an entry marked as a symlink (pointing out of the folder) is refused."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("events.csv")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    message = refused(unpack_upload([("link.zip", buffer.getvalue())], parent=tmp_path))
    assert "symbolic link" in message


def test_too_many_files_are_refused(tmp_path):
    """Test the file-count limit, for a zip and for loose files."""
    entries = {f"sources/{i}.txt": b"x" for i in range(30)}
    limits = UploadLimits(max_files=20)
    assert "more than the 20" in refused(
        unpack_upload([("many.zip", make_zip(entries))], limits, parent=tmp_path))
    loose = [(f"{i}.txt", b"x") for i in range(21)]
    assert "more than the 20" in refused(unpack_upload(loose, limits, parent=tmp_path))


def test_an_upload_larger_than_allowed_is_refused(tmp_path):
    """Test the size limit on what is sent."""
    limits = UploadLimits(max_upload_bytes=1000)
    assert "allowed" in refused(unpack_upload([("events.csv", b"x" * 1001)], limits,
                                              parent=tmp_path))


def test_other_kinds_of_file_are_skipped_with_a_notice(tmp_path):
    """Test that only tables, texts, layers and docs are unpacked; junk is skipped silently."""
    entries = {**tiny_entries(), "run.py": b"import os", "tool.exe": b"MZ",
               "__MACOSX/._events.csv": b"\x00\x05", ".DS_Store": b"\x00"}
    folder, problems = unpack_upload([("p.zip", make_zip(entries))], parent=tmp_path)
    assert sorted(p.file for p in problems) == ["run.py", "tool.exe"]
    assert all(p.severity == NOTICE for p in problems)
    assert not (folder / "run.py").exists() and not (folder / "__MACOSX").exists()
    assert load_package(folder).errors == []


@pytest.mark.parametrize("files", [
    [],
    [("broken.zip", b"PK\x03\x04 not really a zip")],
    [("a.zip", make_zip({"events.csv": b"id\n"})), ("events.csv", b"id\n")],
])
def test_empty_broken_or_mixed_uploads_are_refused(tmp_path, files):
    """Test that nothing, a damaged zip, or a zip with loose files is refused in words."""
    refused(unpack_upload(files, parent=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_zip_with_two_packages_is_refused(tmp_path):
    """Test that two datapackage.json files are refused rather than one chosen."""
    entries = {**tiny_entries("a/"), **tiny_entries("b/")}
    assert "more than one" in refused(unpack_upload([("two.zip", make_zip(entries))],
                                                    parent=tmp_path))


def test_the_bundled_data_folder_is_never_written(tmp_path):
    """Test that an upload lands in a temporary folder, leaving data/ untouched."""
    before = {p: p.stat().st_mtime_ns for p in DATA_DIR.rglob("*")}
    folder, _ = unpack_upload([("tiny.zip", make_zip(tiny_entries()))])
    try:
        assert not folder.resolve().is_relative_to(DATA_DIR.resolve())
        assert {p: p.stat().st_mtime_ns for p in DATA_DIR.rglob("*")} == before
    finally:
        import shutil

        shutil.rmtree(folder)
