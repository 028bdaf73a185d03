"""SHA-256 of input files, each read once while it stays the same.

A build asks for the digest of the same file several times (the manifest's sources, the record
cache's keys, the pages' fingerprints), and ``siad serve`` asks again at every rebuild: 10,000
reception-point files in a national project. A digest is reused while the file's inode, size and
times of change are the same — and only for a file last changed more than :data:`SETTLED_NS` before
it was read, so that a second save within the same tick of the file system's clock (same size, same
time) can never be mistaken for the first (what Git calls « racily clean »).

The digests of settled files also outlive the process: a build keeps those of its project's files
and of siad's own in its cache (:meth:`siad.cache.PageCache.keep_file_digests`) and the next build
starts from them (:func:`learn`), so that a 4,000-page site changed by one page does not read its
4,000 files to know which one changed. The identity of a file then includes its device: the same
inode number on another disk is another file.
"""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

SETTLED_NS = 2_000_000_000
Identity = tuple[int, int, int, int, int]  # device, inode, size, times of modification and change (ns)
_KNOWN: dict[str, tuple[Identity, str]] = {}  # absolute path → (identity when read, hex SHA-256)


_AS_READ: dict[str, str] | None = None  # within as_first_read(): name → digest, as first taken


@contextmanager
def as_first_read(taken: dict[str, str] | None):
    """Within: a file's digest is the one ``taken`` holds, as it was first taken (then kept there),
    without asking the file system again — a build takes every input file's digest at its start,
    then its loaders and fingerprints ask again for each. The caller checks, outside, that no file
    changed meanwhile (:func:`siad.build.build_project`: the digests of the sources after the build).
    ``None``: every digest taken afresh."""
    global _AS_READ
    previous, _AS_READ = _AS_READ, taken
    try:
        yield
    finally:
        _AS_READ = previous


def file_sha256(path: Path | str) -> str:
    """The hex SHA-256 of the file's bytes (raises OSError like reading it would)."""
    name = os.fspath(path)
    if not os.path.isabs(name):  # not abspath: « link/../x » is where the link leads, not « x »
        name = os.path.join(os.getcwd(), name)
    taken = _AS_READ
    if taken is not None:
        digest = taken.get(name)
        if digest is None:
            digest = taken[name] = _file_sha256(name)
        return digest
    return _file_sha256(name)


def _file_sha256(name: str) -> str:
    stat = os.stat(name)
    key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
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


def settled_under(folders: list[Path | str]) -> dict[str, tuple[Identity, str]]:
    """The digests known of settled files below ``folders``: what a build keeps for the next one."""
    cwd = os.getcwd()
    named = [os.path.join(cwd, folder) for folder in folders]  # as file_sha256 names the files below them
    tidied = [os.path.normpath(folder) for folder in named]  # « siad build » in the project: its root is « . »
    prefixes = tuple({os.path.join(folder, "") for folder in named + tidied})
    return {name: known for name, known in _KNOWN.items() if name.startswith(prefixes)}


def learn(known: dict[str, tuple[Identity, str]]) -> None:
    """Take the digests an earlier process knew (:func:`settled_under`); one used only while its
    file's identity is still the same, as one read here."""
    for name, entry in known.items():
        _KNOWN.setdefault(name, entry)


def file_sha256_or_none(path: Path | str) -> str | None:
    """:func:`file_sha256`, or None for a file that cannot be read (its loader says why)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def files_under(folder: Path) -> list[tuple[str, str]]:
    """(path relative to ``folder`` in POSIX form, full path) of every file below ``folder``, sorted by
    the relative path; ``__pycache__`` folders left out. A national project's 10,000 data files are
    listed without a ``stat`` call each (:func:`files_below`)."""
    return sorted(("/".join(names), path) for names, path, _ in files_below(folder, lambda name, is_dir: not (is_dir and name == "__pycache__")))


def files_below(folder: Path | str, keep: Callable[[str, bool], bool]) -> list[tuple[tuple[str, ...], str, bool]]:
    """(names of the path below ``folder``, full path, whether it is a symbolic link) of every file
    under ``folder`` whose name and folders' names ``keep`` accepts (``keep(name, is_folder)``), in no
    particular order. One ``scandir`` per folder; links to folders not followed (a project refuses
    them, :mod:`siad.symlinks`; a loop would never end); a file that vanishes while listed is left out."""
    found: list[tuple[tuple[str, ...], str, bool]] = []
    pending: list[tuple[tuple[str, ...], str]] = [((), os.fspath(folder))]
    while pending:
        parents, current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if keep(entry.name, True):
                        pending.append(((*parents, entry.name), entry.path))
                elif entry.is_file() and keep(entry.name, False):
                    found.append(((*parents, entry.name), entry.path, entry.is_symlink()))
            except OSError:
                continue
    return found
