"""Tests for atlas/safepath.py: the one check, shared by the loader and uploads, that a path stays
inside its folder."""

import os

import pytest

from atlas.safepath import ABSOLUTE, CONTROL, PARENT, UnsafePath, inside, relative_parts


@pytest.mark.parametrize(("name", "parts"), [
    ("events.csv", ("events.csv",)),
    ("sources/000.txt", ("sources", "000.txt")),
    ("./geo//routes.geojson", ("geo", "routes.geojson")),
    ("pkg\\data\\events.csv", ("pkg", "data", "events.csv")),
])
def test_relative_parts_splits_a_safe_name(name, parts):
    """Test that a relative name is split on '/' and '\\', without empty and '.' parts."""
    assert relative_parts(name) == parts


@pytest.mark.parametrize(("name", "reason"), [
    ("/etc/passwd", ABSOLUTE),
    ("C:\\Windows\\win.ini", ABSOLUTE),
    ("C:relative.csv", ABSOLUTE),
    ("\\\\server\\share\\x.csv", ABSOLUTE),
    ("../secret.txt", PARENT),
    ("sources/../../secret.txt", PARENT),
    ("sources\\..\\..\\secret.txt", PARENT),
    ("events.csv\x00.txt", CONTROL),
    ("new\nline.csv", CONTROL),
])
def test_relative_parts_refuses_a_name_that_could_leave(name, reason):
    """Test that absolute names, '..' parts and control characters are refused, with the reason."""
    with pytest.raises(UnsafePath) as refused:
        relative_parts(name)
    assert refused.value.reason == reason


def test_inside_follows_links_and_refuses_urls(tmp_path):
    """Test that a file in the folder is inside, and a URL or a link pointing out is not."""
    root = tmp_path / "pkg"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("s", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", root / "sources" / "link.txt")
    assert inside(root, "sources/a.txt")
    assert not inside(root, "sources/link.txt")
    assert not inside(root, "http://example.org/a.txt")
    assert not inside(root, "../secret.txt")
    assert not inside(root, str(tmp_path / "secret.txt"))
