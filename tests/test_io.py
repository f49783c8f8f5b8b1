"""Atomic writes: all or nothing, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from attachgraph._io import atomic_write_bytes, atomic_write_text


def test_written_file_has_umask_permissions(tmp_path: Path) -> None:
    """A file written atomically is readable by others, as with open(), not 0600."""
    old = os.umask(0o022)
    try:
        path = tmp_path / "out.txt"
        atomic_write_text(path, "hello\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "hello\n"


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """If writing fails half way, the previous content stays and no temporary file is left."""
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(TypeError):
        atomic_write_bytes(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
