"""Writing the output: into a fresh folder next to the target, then swapped in atomically.

Until the swap, the previous site is untouched; after it, the new site is complete. A build
killed half-way leaves only a hidden temporary folder (``.site.tmp-…`` next to ``site/``), never
published, and removed by the next build. While it writes, a build holds a lock on the folder
that contains ``site/``: a second build waits instead of removing the first one's temporary folder
as a leftover, and the operating system releases the lock of a killed build.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent builds into one folder are not guarded
    fcntl = None

from . import __version__
from .errors import UsageProblem

MARKER = ".siad/build.json"
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


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write ``files`` (relative path → bytes) as the new content of ``out``, atomically."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = _lock(out.parent)
    try:
        _remove_stale_temporaries(out)
        _write_and_swap(files, out)
    finally:
        if lock is not None:
            os.close(lock)


def _write_and_swap(files: dict[str, bytes], out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        for rel in sorted(files):
            target = tmp.joinpath(*safe_relative(rel).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
        marker = tmp / MARKER
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"generateur": "siad", "version": __version__}, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        _swap(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` at ``out``; the old content ends up at ``new`` and is removed by the caller."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.rename(out, old)
    os.rename(new, out)
    new.mkdir()
    shutil.rmtree(old, ignore_errors=True)


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
