"""SHA-256 of input files, each read once while it stays the same.

A build asks for the digest of the same file several times (the manifest's sources, the record
cache's keys, the pages' fingerprints), and ``siad serve`` asks again at every rebuild: 10,000
reception-point files in a national project. A digest is reused while the file's inode, size and
times of change are the same — and only for a file last changed more than :data:`SETTLED_NS` before
it was read, so that a second save within the same tick of the file system's clock (same size, same
time) can never be mistaken for the first (what Git calls « racily clean »).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

SETTLED_NS = 2_000_000_000
_KNOWN: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def file_sha256(path: Path | str) -> str:
    """The hex SHA-256 of the file's bytes (raises OSError like reading it would)."""
    name = os.fspath(path)
    stat = os.stat(name)
    key = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    known = _KNOWN.get(name)
    if known is not None and known[0] == key:
        return known[1]
    with open(name, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > SETTLED_NS:
        _KNOWN[name] = (key, digest)
    else:
        _KNOWN.pop(name, None)
    return digest


def file_sha256_or_none(path: Path | str) -> str | None:
    """:func:`file_sha256`, or None for a file that cannot be read (its loader says why)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def files_under(folder: Path) -> list[tuple[str, str]]:
    """(path relative to ``folder`` in POSIX form, full path) of every file below ``folder``, sorted by
    the relative path; ``__pycache__`` folders left out, and links to folders not followed (a project
    refuses them, :mod:`siad.symlinks`; a loop would never end). One ``scandir`` per folder: a
    national project's 10,000 data files are listed without a ``stat`` call each."""
    found: list[tuple[str, str]] = []
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append((prefix + entry.name + "/", entry.path))
            elif entry.is_file():
                found.append((prefix + entry.name, entry.path))
    found.sort()
    return found
