"""Writing the output: a complete new version of the site is prepared beside it, then switched in atomically.

Until the switch, the live site is untouched; after it, the new site is complete. The first time,
the new version is written into a fresh hidden folder (``.site.tmp-…`` next to ``site/``); the
version it replaces is then kept in siad's private folder (``.siad-cache/site/precedent/``), and
the next build only rewrites in it the files whose bytes changed (the manifest ``.siad/manifest.json``
of each version says which) before switching again: a warm build writes a handful of files, not
the whole site, and a build that changes nothing touches nothing. A build killed half-way leaves
only a temporary folder, or a previous version without its manifest, never published: the next
build removes the first and rewrites the second in full. While it writes, a build holds a lock on the folder
that contains ``site/``: a second build waits instead of removing the first one's temporary folder
as a leftover, and the operating system releases the lock of a killed build.
"""

from __future__ import annotations

import ctypes
import hashlib
import ctypes.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent builds into one folder are not guarded
    fcntl = None

from . import __version__
from .errors import UsageProblem

MARKER = ".siad/build.json"
MANIFEST = ".siad/manifest.json"
STATE_DIR = ".siad-cache"  # next to the output folder: <parent>/.siad-cache/<output name>/
PREVIOUS = "precedent"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_dir(out: Path, source: Path) -> None:
    """Refuse outputs that would overwrite the project or a folder siad did not build."""
    out_r, src_r = out.resolve(), source.resolve()
    if out_r == src_r or src_r.is_relative_to(out_r):
        raise UsageProblem(f"le dossier de sortie {out} contient le projet lui-même : choisissez un autre dossier (par défaut site/)")
    for part in ("data", "content", "themes"):
        if out_r == (src_r / part) or out_r.is_relative_to(src_r / part):
            raise UsageProblem(f"le dossier de sortie {out} est dans {part}/ du projet : choisissez un autre dossier (par défaut site/)")
    if out_r.exists():
        if not out_r.is_dir():
            raise UsageProblem(f"{out} existe et n'est pas un dossier : choisissez un autre dossier de sortie")
        if any(out_r.iterdir()) and not (out_r / MARKER).is_file():
            raise UsageProblem(
                f"le dossier {out} existe et n'a pas été produit par siad : il ne sera pas remplacé. "
                "Videz-le vous-même ou choisissez un autre dossier de sortie."
            )


def safe_relative(path: str) -> PurePosixPath:
    """An output path guaranteed to stay inside the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"chemin de sortie refusé : {path!r}")
    return pure


@dataclass
class WriteStats:
    """What a write did: files written (new or changed bytes), copied from the live site, removed."""

    written: int = 0
    copied: int = 0
    removed: int = 0
    unchanged: bool = False  # the site on disk already was exactly this one: nothing touched


def state_dir(out: Path) -> Path:
    """siad's private folder for the output ``out``: the incremental cache and the previous version of the site."""
    return out.resolve().parent / STATE_DIR / out.resolve().name


def read_manifest(folder: Path) -> dict[str, str] | None:
    """Output path → SHA-256 of every file of a site siad wrote in ``folder``; None if it has no valid manifest."""
    entries = _manifest_entries(folder)
    return {path: entry[0] for path, entry in entries.items()} if entries is not None else None


# The last manifests read or written, by the identity of their file (device, inode, time, size),
# not by folder: the previous version and the live site exchange their folders at each switch.
_READ: dict[tuple[int, int, int, int], dict[str, tuple[str, int]] | None] = {}
_READ_KEPT = 3  # the live site, its previous version, the one just written: a national manifest is large


def _manifest_entries(folder: Path) -> dict[str, tuple[str, int]] | None:
    """Output path → (SHA-256, size) of every file of the manifest in ``folder`` (do not modify the
    result: a manifest is read once while its file stays the same — a build asks several times, and
    ``siad serve`` reads again at each rebuild the manifests it wrote)."""
    try:
        stat = (folder / MANIFEST).stat()
    except OSError:
        return None
    key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
    if key in _READ:
        return _READ[key]
    entries = _parse_manifest(folder)
    _remember(key, entries)
    return entries


def _remember(key: tuple[int, int, int, int], entries: dict[str, tuple[str, int]] | None) -> None:
    _READ.pop(key, None)
    _READ[key] = entries
    while len(_READ) > _READ_KEPT:
        del _READ[next(iter(_READ))]


def _parse_manifest(folder: Path) -> dict[str, tuple[str, int]] | None:
    try:
        document = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = document["fichiers"]
        if document.get("version_siad") != __version__ or not isinstance(files, dict):
            return None
        entries = {path: (entry["sha256"], entry["octets"]) for path, entry in files.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all(_is_sha256(digest) and type(size) is int and size >= 0 for digest, size in entries.values()):
        return None  # edited by hand or damaged: not a site siad wrote
    return entries


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_sha256(digest: object) -> bool:
    return isinstance(digest, str) and _SHA256.fullmatch(digest) is not None


def manifest_bytes(files: dict[str, bytes | None], digests: dict[str, str], sizes: dict[str, int], sources: str | None = None) -> bytes:
    """The manifest: JSON with one line per file (readable in a diff, and written by the C encoder:
    a national site has 60 000 files); ``sources``: the SHA-256 of the project's files it was built from."""
    lines = [f'{_json_string(path)}: {{"octets": {int(sizes[path])}, "sha256": {_json_string(digests[path])}}}'
             for path in sorted(files)]
    head = json.dumps({"generateur": "siad", "sources_sha256": sources, "version_siad": __version__}, ensure_ascii=False, sort_keys=True)[:-1]
    return (head + ', "fichiers": {\n' + ",\n".join(lines) + "\n}}\n").encode("utf-8")


_PLAIN_JSON = re.compile(r'[^"\\\x00-\x1f]*')  # nothing JSON escapes (with ensure_ascii=False)


def _json_string(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, without the encoder for the usual paths and digests."""
    return f'"{text}"' if _PLAIN_JSON.fullmatch(text) else json.dumps(text, ensure_ascii=False)


@contextmanager
def output_lock(out: Path):
    """Hold the lock of the folder that contains ``out`` for the whole build (see the module's docstring)."""
    out.resolve().parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(out.resolve().parent)
    try:
        yield
    finally:
        if lock is not None:
            os.close(lock)


def new_staging(out: Path) -> Path:
    """A fresh hidden folder next to ``out`` where a build writes its pages as they are rendered
    (a cold build, or most pages rendered again); :func:`write_site` completes it and switches it in, or
    removes it when no page was written there. Call under
    :func:`output_lock`."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(out)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))


_NONE: Mapping[str, int] = MappingProxyType({})


def write_site(files: dict[str, bytes | None], out: Path, digests: dict[str, str] | None = None,
               staging: Path | None = None, staged: Mapping[str, int] = _NONE, sources: str | None = None) -> WriteStats:
    """Make ``files`` (relative path → bytes) the new content of ``out``, in one atomic switch.

    A ``None`` value means « the same bytes as in the live site »: ``digests`` (path → SHA-256) then
    gives the expected content, and the live site's manifest must agree — except for the paths in
    ``staged``, already written into ``staging`` (:func:`new_staging`) with the bytes ``digests``
    gives. Call under :func:`output_lock`.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if staging is not None and not staged:  # nothing was written there: update the live site's previous version instead
        shutil.rmtree(staging, ignore_errors=True)
        staging = None
    digests = dict(digests or {})
    entries = _manifest_entries(out) if (out / MARKER).is_file() else None
    live = {path: entry[0] for path, entry in entries.items()} if entries is not None else None
    sizes = {}
    for path, data in files.items():
        if data is not None:
            safe_relative(path)
            sizes[path] = len(data)
            if path not in digests:
                digests[path] = hashlib.sha256(data).hexdigest()
        elif path not in staged and entries is not None and path in entries and entries[path][0] == digests.get(path):
            sizes[path] = entries[path][1]  # the live file, already checked when it was written
        elif path in staged:
            sizes[path] = staged[path]  # written by the worker that rendered it
        else:
            safe_relative(path)
            sizes[path] = (out / path).stat().st_size
    manifest = manifest_bytes(files, digests, sizes, sources)
    if staging is None:
        _remove_stale_temporaries(out)
    if live is not None and live == {path: digests[path] for path in files} and (out / MANIFEST).read_bytes() == manifest:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        return WriteStats(unchanged=True)
    written = {path: (digests[path], sizes[path]) for path in files}  # what the new manifest says, remembered
    previous = state_dir(out) / PREVIOUS
    if live is not None and read_manifest(previous) is not None and _can_exchange():
        stats = _update_previous_and_switch(files, digests, manifest, out, previous, staging, staged, written)
        if stats is not None:
            return stats
    return _write_and_swap(files, digests, manifest, out, previous if live is not None else None, staging, staged, written)


def keep_previous_version(out: Path) -> bool:
    """Give the site in ``out`` a previous version, as a switch leaves one: the same files, hard linked
    into siad's private folder. The first build after a cold one then rewrites in it only the files
    that changed, instead of linking the whole site into a new folder (46,000 folders nationally: 4 s
    and more). For ``siad serve``, whose preview starts with a cold build. True if it made one."""
    out = out.resolve()
    previous = state_dir(out) / PREVIOUS
    with output_lock(out):
        entries = _manifest_entries(out) if (out / MARKER).is_file() else None
        if entries is None or read_manifest(previous) is not None:
            return False
        previous.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{PREVIOUS}.tmp-", dir=previous.parent))
        try:
            made: set[Path] = set()
            for rel in sorted(entries) + [MARKER, MANIFEST]:  # the manifest last: it makes the version usable
                target = tmp.joinpath(*safe_relative(rel).parts)
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                _link(out, rel, target)
            os.chmod(tmp, 0o755)
            shutil.rmtree(previous, ignore_errors=True)  # a version left without its manifest by a killed build
            os.rename(tmp, previous)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return True


def _update_previous_and_switch(files, digests, manifest: bytes, out: Path, previous: Path,
                                staging: Path | None = None, staged: Mapping[str, int] = _NONE, entries=None) -> WriteStats | None:
    """Bring the previous version (kept from the last switch) up to date, file by file, then switch it
    in. The ``staged`` pages are linked from ``staging``, which stays whole (the caller removes it)."""
    stale = read_manifest(previous) or {}
    (previous / MANIFEST).unlink()  # from here on, a killed build leaves it unusable, never half-trusted
    stats = WriteStats()
    for rel in sorted(set(stale) - set(files), reverse=True):
        target = previous.joinpath(*safe_relative(rel).parts)
        if target.is_file() or target.is_symlink():
            target.unlink()
            stats.removed += 1
        _prune_empty_parents(target.parent, previous)
    for rel in sorted(files):
        if stale.get(rel) == digests[rel]:
            continue
        target = previous.joinpath(*safe_relative(rel).parts)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in staged:  # written by the worker that rendered it
            _link(staging, rel, target)
            stats.written += 1
        else:
            _put(files[rel], out, rel, target, stats)
    _finish(previous, manifest, entries)
    if not _exchange(previous, out):  # e.g. another file system: the caller writes a fresh folder instead
        return None
    return stats


def _write_and_swap(files, digests, manifest: bytes, out: Path, keep_old_at: Path | None,
                    tmp: Path | None = None, staged: Mapping[str, int] = _NONE, entries=None) -> WriteStats:
    tmp = tmp if tmp is not None else Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    stats = WriteStats()
    try:
        for rel in sorted(files):
            if rel in staged:
                stats.written += 1
                continue
            target = tmp.joinpath(*safe_relative(rel).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            _put(files[rel], out, rel, target, stats)
        _finish(tmp, manifest, entries)
        os.chmod(tmp, 0o755)
        exchanged = _swap(tmp, out)
        if exchanged and keep_old_at is not None and read_manifest(tmp) is not None:
            shutil.rmtree(keep_old_at, ignore_errors=True)
            keep_old_at.parent.mkdir(parents=True, exist_ok=True)
            os.rename(tmp, keep_old_at)  # the old site: the next build only updates what changed in it
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return stats


def _put(data: bytes | None, out: Path, rel: str, target: Path, stats: WriteStats) -> None:
    if target.is_symlink() or target.exists():
        target.unlink()
    if data is None:  # unchanged since the live site: the same file, not a copy
        _link(out, rel, target)
        stats.copied += 1
    else:
        target.write_bytes(data)
        stats.written += 1


def _link(folder: Path, rel: str, target: Path) -> None:
    """``target`` becomes the file ``rel`` of ``folder``: the same file (a hard link), or a copy."""
    source = folder.joinpath(*safe_relative(rel).parts)
    try:
        os.link(source, target)  # safe: siad never writes into a file, it replaces it (see _finish)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _finish(folder: Path, manifest: bytes, entries: dict[str, tuple[str, int]] | None = None) -> None:
    """Write the marker and the manifest; ``entries``: what the manifest says (output path → (SHA-256,
    size)), remembered so that the next build in this process does not read it again."""
    marker = folder / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    for written in (marker, folder / MANIFEST):  # new files: never write into one that may be linked
        written.unlink(missing_ok=True)
    marker.write_text(json.dumps({"generateur": "siad", "version": __version__}, sort_keys=True) + "\n", encoding="utf-8")
    (folder / MANIFEST).write_bytes(manifest)
    if entries is not None:
        stat = (folder / MANIFEST).stat()
        _remember((stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size), entries)


def _prune_empty_parents(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _swap(new: Path, out: Path) -> bool:
    """Put ``new`` at ``out``; True when the old content ended up at ``new`` (else it is gone)."""
    if not out.exists():
        os.rename(new, out)
        return False
    if _exchange(new, out):
        return True
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.rename(out, old)
    os.rename(new, out)
    new.mkdir()
    shutil.rmtree(old, ignore_errors=True)
    return False


def _can_exchange() -> bool:
    libc_name = ctypes.util.find_library("c")
    return bool(libc_name) and getattr(ctypes.CDLL(libc_name), "renameat2", None) is not None


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two directories in one atomic step."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_stale_temporaries(out: Path) -> None:
    """Remove what killed builds left next to ``out`` (called under the lock: no live build owns them)."""
    for pattern in (f".{out.name}.tmp-*", f".{out.name}.old-*"):
        for stale in sorted(out.parent.glob(pattern)):
            shutil.rmtree(stale, ignore_errors=True)


def _lock(folder: Path) -> int | None:
    """Wait for an exclusive advisory lock on ``folder``; its descriptor, or None where locks are unavailable."""
    if fcntl is None:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        return None
    return fd
