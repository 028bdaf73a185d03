"""``siad publish DEST``: put a built site online on a self-hosted web server, atomically, with rollback.

The web server serves ``DEST``, a symbolic link. Each publication is a complete folder
``DEST.versions/NNNN-AAAAMMJJTHHMMSSZ/``; the link is switched from one version to the next with a
single ``rename`` (a request sees the old site or the new one, never a mix). A new version is made
from the previous one: files whose SHA-256 is the same in both manifests are hard links to the
previous version's (nothing copied), only the others are copied from the build. The last
``keep`` versions stay on disk, so ``siad publish --rollback DEST`` puts the previous one back at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import PublishProblem
from .writer import MANIFEST, _lock

VERSION = re.compile(r"^(\d{4,})-\d{8}T\d{6}Z$")
KEEP = 5


@dataclass(frozen=True)
class Published:
    version: str
    copied: int = 0  # files copied from the build (new or changed)
    linked: int = 0  # files taken from the previous version (same bytes)
    removed: list[str] | None = None  # versions deleted (older than the kept ones)
    unchanged: bool = False  # the site online was already this build: nothing done


def versions_dir(dest: Path) -> Path:
    return dest.parent / f"{dest.name}.versions"


def versions(dest: Path) -> list[str]:
    """The published versions on disk, oldest first."""
    folder = versions_dir(dest)
    if not folder.is_dir():
        return []
    return sorted((p.name for p in folder.iterdir() if p.is_dir() and VERSION.match(p.name)), key=lambda n: int(VERSION.match(n)[1]))


def current(dest: Path) -> str | None:
    """The version ``dest`` points to (None: not published by siad yet)."""
    if not dest.is_symlink():
        return None
    target = Path(os.readlink(dest))
    return target.name if target.parent.name == versions_dir(dest).name and VERSION.match(target.name) else None


def publish(site: Path, dest: Path, keep: int = KEEP, now: float | None = None) -> Published:
    """Publish the built ``site`` (a folder written by ``siad build``, with its manifest) at ``dest``."""
    dest = _absolute(dest)
    manifest = _manifest(site / MANIFEST, f"« {site} » n'est pas un site construit par siad (pas de {MANIFEST}) : lancez d'abord « siad build »")
    with _locked(dest):
        _check_destination(dest)
        folder = versions_dir(dest)
        live = current(dest)
        previous = _manifest(folder / live / MANIFEST, None) if live else {}
        if live and previous == manifest and (folder / live / MANIFEST).read_bytes() == (site / MANIFEST).read_bytes():
            return Published(live, unchanged=True)
        _remove_stale_temporaries(folder)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder))
        os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the site from the web server's user
        copied = linked = 0
        try:
            for path, digest in sorted(manifest.items()):
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                if previous.get(path) == digest and _link(folder / live / path, target):
                    linked += 1
                    continue
                _copy_checked(site / path, target, digest)
                copied += 1
            shutil.copytree(site / ".siad", staging / ".siad", dirs_exist_ok=True)
            numbers = [int(VERSION.match(name)[1]) for name in versions(dest)]
            name = f"{(max(numbers) + 1) if numbers else 1:04d}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(now))}"
            os.rename(staging, folder / name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _switch(dest, name)
        return Published(name, copied, linked, _prune(dest, keep))


def rollback(dest: Path) -> tuple[str, str]:
    """Point ``dest`` back to the version published before the current one: (from, to)."""
    dest = _absolute(dest)
    with _locked(dest):
        live = current(dest)
        if live is None:
            raise PublishProblem(f"« {dest} » n'a pas été publié par « siad publish » : aucune version à restaurer")
        earlier = [name for name in versions(dest) if _number(name) < _number(live)]
        if not earlier:
            raise PublishProblem(
                f"aucune version antérieure à {live} n'est conservée dans {versions_dir(dest)} : « {dest} » reste sur {live}")
        _switch(dest, earlier[-1])
        return live, earlier[-1]


def _number(name: str) -> int:
    return int(VERSION.match(name)[1])


def _absolute(dest: Path) -> Path:
    return Path(os.path.abspath(dest))  # not resolve(): dest itself is the link


def _manifest(path: Path, missing: str | None) -> dict[str, str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return {name: entry["sha256"] for name, entry in document["fichiers"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        if missing is None:
            return {}  # a damaged previous version: everything is copied again
        raise PublishProblem(missing) from None


def _check_destination(dest: Path) -> None:
    if not dest.parent.is_dir():
        raise PublishProblem(f"le dossier « {dest.parent} » n'existe pas : créez-le, ou choisissez une autre destination")
    if dest.is_symlink():
        if current(dest) is None:
            raise PublishProblem(
                f"« {dest} » est un lien symbolique qui ne pointe pas vers {versions_dir(dest).name}/ : "
                "siad ne le remplace pas ; supprimez-le si c'est bien la destination voulue")
    elif dest.is_dir():
        if any(dest.iterdir()):
            raise PublishProblem(
                f"« {dest} » est un dossier ordinaire qui n'est pas vide : siad publish le remplace par un lien symbolique "
                f"vers la version en ligne ; renommez-le (par exemple en {dest.name}.ancien), puis relancez")
        dest.rmdir()
    elif dest.exists():
        raise PublishProblem(f"« {dest} » existe et n'est pas un dossier : choisissez une autre destination")
    versions_dir(dest).mkdir(exist_ok=True)


class _locked:
    """One publication at a time for a destination (an advisory lock on its parent folder)."""

    def __init__(self, dest: Path):
        self.dest = dest

    def __enter__(self):
        self.fd = _lock(self.dest.parent) if self.dest.parent.is_dir() else None

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:  # another file system, or no hard links: copy instead
        return False


def _copy_checked(source: Path, target: Path, digest: str) -> None:
    """Copy a file of the build, refusing one whose bytes are not those of the manifest (edited by hand after the build)."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PublishProblem(f"« {source} » manque dans le site construit ({exc.strerror}) : relancez « siad build »") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise PublishProblem(f"« {source} » a été modifié après la construction (son contenu ne correspond plus au manifeste) : relancez « siad build »")
    target.write_bytes(data)
    shutil.copystat(source, target)


def _switch(dest: Path, name: str) -> None:
    """Make ``dest`` point to ``name`` in one rename (the link is relative: the whole tree can move)."""
    link = dest.parent / f".{dest.name}.lien-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(f"{versions_dir(dest).name}/{name}", link)
    os.replace(link, dest)
    _sync(dest.parent)


def _sync(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _prune(dest: Path, keep: int) -> list[str]:
    """Delete the versions beyond the ``keep`` most recent, never the one online."""
    live = current(dest)
    old = [name for name in versions(dest)[:-keep] if name != live] if keep > 0 else []
    for name in old:
        shutil.rmtree(versions_dir(dest) / name, ignore_errors=True)
    return old


def _remove_stale_temporaries(folder: Path) -> None:
    """Folders of publications that were interrupted (never switched in)."""
    for stale in folder.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
