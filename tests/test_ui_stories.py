"""Tests of atlas/ui/source.py's stories cache: the server's package once, an upload's in its session."""

from atlas.budget import UploadBudget
from atlas.filters import Vocabulary
from atlas.package import load_package
from atlas.ui import source as ui


def test_an_uploads_stories_are_kept_in_its_session_and_let_go_after(tiny_package_dir, monkeypatch):
    """Test that an upload's stories are read once per session and dropped with the upload."""
    session = {}
    monkeypatch.setattr(ui.st, "session_state", session)
    package = load_package(tiny_package_dir, tiny_package_dir.parent / "geo")
    held = session[ui.UPLOAD] = ui.Held(UploadBudget(0))
    held.upload = ui.Upload("tiny.zip", package, Vocabulary.from_package(package), {})
    first = ui.cached_stories()
    assert list(first) == ["episode-revolt", "episode-egypt"]
    assert ui.cached_stories() is first
    held.drop()
    assert "egypt_658" in ui.cached_stories()
    assert held.stories is None and held.upload is None
