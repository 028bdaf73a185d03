"""Symbolic links in a project: siad reads nothing outside the project folder.

Checked before any file is read, over ``siad.yml``, ``data/``, ``content/`` and ``themes/``:

- a link to a **file inside the project** is followed (read as the file it points to);
- a link that points **outside the project** (file or folder, existing or not) is refused:
  its target is never opened, so its content cannot end up in the site or in a message;
- a link to a **folder** is refused even inside the project: following it could loop, or
  publish the same files at two addresses; siad never silently skips it either;
- a **broken** link (its target does not exist) is refused, instead of being silently ignored.

Hidden names (``.git``, an editor's ``.#page.md`` lock link…) are skipped, as the loaders skip them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Location, Report

SCANNED = ("siad.yml", "data", "content", "themes")


def check_symlinks(root: Path, report: Report) -> None:
    """Report every symbolic link of the project's inputs that siad refuses (see the module doc)."""
    try:
        inside = root.resolve()
    except OSError:
        return
    for name in SCANNED:
        top = root / name
        if top.is_symlink():
            _check(top, root, inside, report)
            continue
        if not top.is_dir():
            continue
        _walk(top, root, inside, report)


def _walk(folder: Path, root: Path, inside: Path, report: Report) -> None:
    """Check the links of ``folder``, its folders first then its files, by name; never through a link."""
    try:
        entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
    except OSError:
        return
    folders = sorted(e.name for e in entries if e.is_dir())  # as os.walk lists them: a link to a folder with the folders
    others = sorted(e.name for e in entries if not e.is_dir())
    links = {e.name for e in entries if e.is_symlink()}
    for name in folders + others:
        if name in links:
            _check(folder / name, root, inside, report)
    for name in folders:
        if name not in links:
            _walk(folder / name, root, inside, report)


def _check(link: Path, root: Path, inside: Path, report: Report) -> None:
    rel = link.relative_to(root).as_posix()  # the link itself, not its target
    written = os.readlink(link)
    loc = Location(rel)
    try:
        target = link.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        report.error(loc, f"lien symbolique en boucle refusé : « {written} »", "remplacez le lien par le fichier lui-même")
        return
    if not target.is_relative_to(inside):
        report.error(
            loc,
            f"lien symbolique vers l'extérieur du projet refusé : « {written} »",
            "siad ne lit aucun fichier hors du dossier du projet : copiez le fichier (ou le dossier) dans le projet au lieu de le lier",
        )
    elif target.is_dir():
        report.error(
            loc,
            f"lien symbolique vers un dossier refusé : « {written} »",
            "remplacez le lien par le dossier lui-même ; seuls les liens vers des fichiers du projet sont suivis",
        )
    elif not target.exists():
        report.error(
            loc,
            f"lien symbolique cassé : « {written} » n'existe pas",
            "corrigez la cible du lien ou supprimez-le",
        )
