"""Input files' digests are read once while the file stays the same (siad/digests.py), and a file
saved again within the same tick of the clock is never taken for its previous version."""

from __future__ import annotations

import builtins
import hashlib
import os
import time
from pathlib import Path

from siad import digests


def _counting_open(monkeypatch) -> list[str]:
    opened: list[str] = []

    def counting(name, *args, **kwargs):
        opened.append(name)
        return builtins.open(name, *args, **kwargs)

    monkeypatch.setattr(digests, "open", counting, raising=False)
    return opened


def test_a_settled_file_is_read_once_until_it_changes(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lieu.yml"
    path.write_text("nom: Mairie\n", encoding="utf-8")
    opened = _counting_open(monkeypatch)
    later = time.time_ns() + 10 * digests.SETTLED_NS
    monkeypatch.setattr(digests.time, "time_ns", lambda: later)
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: Mairie\n").hexdigest()
    assert digests.file_sha256(path) == digests.file_sha256(str(path))
    assert len(opened) == 1
    path.write_text("nom: Mairie annexe\n", encoding="utf-8")
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: Mairie annexe\n").hexdigest()
    assert len(opened) == 2


def test_a_file_saved_twice_in_the_same_tick_is_read_again(tmp_path: Path) -> None:
    """Same inode, same size, same modification time: only the content differs."""
    path = tmp_path / "lieu.yml"
    path.write_text("nom: A\n", encoding="utf-8")
    stat = path.stat()
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: A\n").hexdigest()
    path.write_text("nom: B\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: B\n").hexdigest()
