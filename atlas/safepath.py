"""Whether a path written in a package or an upload stays inside its folder.

The loader reads only files inside the package folder (a table's ``path`` in
``datapackage.json``, a source's ``text_path``, a geometry layer), and an upload writes only
inside its fresh temporary folder. Both ask the same two questions here: is the name, as
written, relative and free of ``..`` (on POSIX and on Windows), and does it still land inside
the folder once links are followed.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

CONTROL = "control"  # a control character (a NUL ends a C string early)
ABSOLUTE = "absolute"  # /etc/passwd, C:\\..., \\\\server\\share
PARENT = "parent"  # a '..' part climbs out


class UnsafePath(ValueError):
    """A name that could lead out of its folder; ``reason`` is CONTROL, ABSOLUTE or PARENT."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name!r}: {reason}")
        self.name, self.reason = name, reason


def relative_parts(name: str) -> tuple[str, ...]:
    """The parts of a relative name ('/' or '\\' between them), without empty and '.' parts.

    Raises
    ------
    UnsafePath
        When the name has a control character, is absolute (POSIX or Windows, a drive or a
        share) or has a '..' part.
    """
    if any(ord(ch) < 32 for ch in name):
        raise UnsafePath(name, CONTROL)
    windows = PureWindowsPath(name)
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise UnsafePath(name, ABSOLUTE)
    parts = tuple(p for p in posix.parts if p not in ("", "."))
    if ".." in parts:
        raise UnsafePath(name, PARENT)
    return parts


def resolves_inside(root: Path, path: Path) -> bool:
    """Whether ``path``, with every link followed, is ``root`` or under it."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def inside(root: Path, relative: str) -> bool:
    """Whether ``relative`` names a file under ``root``: no URL, absolute path, '..' or link out."""
    if "://" in relative:
        return False
    try:
        relative_parts(relative)
    except UnsafePath:
        return False
    return resolves_inside(root, root / relative)
