"""`siad publish DEST`: a built site put online by switching a symbolic link between complete
versions; only changed files are copied; `--rollback` puts the previous version back."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import run, tree_hashes


def _publish(project: Path, dest: Path, *extra: object):
    result = run("publish", dest, "--source", project, *extra)
    return result


def _online(dest: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_hashes(dest.resolve()).items() if not path.startswith(".siad/")}


def _built(project: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_hashes(project / "site").items() if not path.startswith(".siad/")}


def _edit_hours(project: Path, old: str = '"13:30-17:00"', new: str = '"13:30-16:30"') -> None:
    point = project / "data" / "lieux" / "adil03.yml"
    text = point.read_text(encoding="utf-8")
    assert old in text
    point.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def www(tmp_path: Path) -> Path:
    folder = tmp_path / "www"
    folder.mkdir()
    return folder


def test_publish_puts_the_build_online_behind_a_link(project: Path, www: Path) -> None:
    dest = www / "logement"
    result = _publish(project, dest)
    assert result.exit_code == 0, result.output
    assert dest.is_symlink()
    assert os.readlink(dest).startswith("logement.versions/0001-")
    assert _online(dest) == _built(project)
    assert (dest / "index.html").is_file()
    assert (dest / ".siad" / "manifest.json").read_bytes() == (project / "site" / ".siad" / "manifest.json").read_bytes()
    assert oct(dest.resolve().stat().st_mode & 0o777) == "0o755"  # the web server's user can read it
    assert "version 0001-" in result.stdout and "104 fichiers copiés, 0 repris" in result.stdout

    again = _publish(project, dest)
    assert again.exit_code == 0
    assert "rien de nouveau : la version 0001-" in again.stdout
    assert len(list((www / "logement.versions").iterdir())) == 1


def test_only_changed_files_are_copied(project: Path, www: Path) -> None:
    dest = www / "logement"
    assert _publish(project, dest).exit_code == 0
    first = dest.resolve()
    _edit_hours(project)
    result = _publish(project, dest)
    assert result.exit_code == 0, result.output
    second = dest.resolve()
    assert second != first and second.name.startswith("0002-")
    assert _online(dest) == _built(project)
    changed = {p for p in _built(project) if (first / p).is_file() and tree_hashes(first).get(p) != _built(project)[p]}
    assert "lieux/adil03/index.html" in changed
    assert f"{len(changed)} fichiers copiés, {104 - len(changed)} repris de la version précédente" in result.stdout
    for path in _built(project):  # unchanged files are the previous version's, hard-linked; changed ones are new
        same_file = (first / path).stat().st_ino == (second / path).stat().st_ino
        assert same_file == (path not in changed), path
    assert tree_hashes(first)["lieux/adil03/index.html"] != tree_hashes(second)["lieux/adil03/index.html"]  # the old version is intact


def test_rollback_puts_the_previous_version_back(project: Path, www: Path) -> None:
    dest = www / "logement"
    assert _publish(project, dest).exit_code == 0
    first = _online(dest)
    _edit_hours(project)
    assert _publish(project, dest).exit_code == 0
    assert _online(dest) != first

    back = run("publish", dest, "--rollback")
    assert back.exit_code == 0, back.output
    assert "revient à la version 0001-" in back.stdout
    assert _online(dest) == first

    nothing_before = run("publish", dest, "--rollback")
    assert nothing_before.exit_code == 1
    assert "aucune version antérieure à 0001-" in nothing_before.stderr
    assert _online(dest) == first

    _edit_hours(project, '"13:30-16:30"', '"13:30-16:00"')
    later = _publish(project, dest)
    assert later.exit_code == 0
    assert dest.resolve().name.startswith("0003-")  # numbers never go back: 0002 is still there


def test_only_the_last_versions_are_kept(project: Path, www: Path) -> None:
    dest = www / "logement"
    hours = ['"13:30-17:00"', '"13:30-16:30"', '"13:30-16:00"', '"13:30-15:30"']
    assert _publish(project, dest, "--garder", "2").exit_code == 0
    for old, new in zip(hours, hours[1:]):
        _edit_hours(project, old, new)
        result = _publish(project, dest, "--garder", "2")
        assert result.exit_code == 0, result.output
    kept = sorted(p.name[:4] for p in (www / "logement.versions").iterdir())
    assert kept == ["0003", "0004"]
    assert "1 ancienne version supprimée" in result.stdout
    assert run("publish", dest, "--rollback").exit_code == 0
    assert dest.resolve().name.startswith("0003-")


def test_the_switch_is_atomic_for_readers(project: Path, www: Path) -> None:
    """A reader fetching the home page while versions are published and rolled back never misses it."""
    dest = www / "logement"
    assert _publish(project, dest).exit_code == 0
    misses: list[str] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                (dest / "index.html").read_bytes()
                (dest / "lieux" / "adil03" / "index.html").read_bytes()
                reads += 1
            except OSError as exc:
                misses.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        hours = ['"13:30-17:00"', '"13:30-16:30"', '"13:30-16:00"']
        for old, new in zip(hours, hours[1:]):
            _edit_hours(project, old, new)
            assert _publish(project, dest).exit_code == 0
            assert run("publish", dest, "--rollback").exit_code == 0
    finally:
        stop.set()
        thread.join()
    assert reads > 10
    assert misses == []


def test_a_failed_build_publishes_nothing(project: Path, www: Path) -> None:
    dest = www / "logement"
    assert _publish(project, dest).exit_code == 0
    online = _online(dest)
    (project / "data" / "niveaux.yml").write_text("niveaux: [\n", encoding="utf-8")
    result = _publish(project, dest)
    assert result.exit_code == 1
    assert "data/niveaux.yml:" in result.stderr
    assert _online(dest) == online
    assert len(list((www / "logement.versions").iterdir())) == 1


def test_strict_publishes_nothing_with_a_warning(project: Path, www: Path) -> None:
    dest = www / "logement"
    page = project / "content" / "renouveler-sa-demande.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[2]  # its description: a warning
    page.write_text("".join(lines), encoding="utf-8")
    result = _publish(project, dest, "--strict")
    assert result.exit_code == 1
    assert not dest.exists() and not dest.is_symlink()


def test_a_folder_already_online_is_not_overwritten(project: Path, www: Path) -> None:
    dest = www / "logement"
    dest.mkdir()
    (dest / "index.html").write_text("<p>Ancien site</p>", encoding="utf-8")
    result = _publish(project, dest)
    assert result.exit_code == 1
    assert "est un dossier ordinaire qui n'est pas vide" in result.stderr and "renommez-le" in result.stderr
    assert (dest / "index.html").read_text(encoding="utf-8") == "<p>Ancien site</p>"

    (dest / "index.html").unlink()  # an empty folder is replaced by the link
    assert _publish(project, dest).exit_code == 0
    assert dest.is_symlink()


def test_a_site_edited_after_its_build_is_refused(project: Path, www: Path) -> None:
    dest = www / "logement"
    assert run("build", "--source", project).exit_code == 0
    assert _publish(project, dest).exit_code == 0
    online = _online(dest)
    _edit_hours(project)
    assert run("build", "--source", project).exit_code == 0
    (project / "site" / "lieux" / "adil03" / "index.html").write_text("modifié à la main", encoding="utf-8")
    from siad.publish import publish
    from siad.errors import PublishProblem
    with pytest.raises(PublishProblem, match="a été modifié après la construction"):
        publish(project / "site", dest)
    assert _online(dest) == online
    assert not any(p.name.startswith(".tmp-") for p in (www / "logement.versions").iterdir())  # the unfinished version is gone
