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


def test_a_file_saved_twice_in_the_same_tick_is_read_again(tmp_path: Path, monkeypatch) -> None:
    """A coarse clock: the second save has the same inode, size and times as the first (which a real
    file system gives two saves within one tick of its clock); only the content differs."""
    path = tmp_path / "lieu.yml"
    path.write_text("nom: A\n", encoding="utf-8")
    real = os.stat(path)
    now = time.time_ns()
    same = os.stat_result((real.st_mode, real.st_ino, real.st_dev, real.st_nlink, real.st_uid, real.st_gid, real.st_size,
                           now // 10**9, now // 10**9, now // 10**9, now / 1e9, now / 1e9, now / 1e9, now, now, now))
    assert same.st_mtime_ns == same.st_ctime_ns
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda name, *args, **kwargs: same if os.fspath(name) == str(path) else real_stat(name, *args, **kwargs))
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: A\n").hexdigest()
    path.write_text("nom: B\n", encoding="utf-8")
    assert digests.file_sha256(path) == hashlib.sha256(b"nom: B\n").hexdigest()


def test_files_under_lists_every_file_by_relative_path_and_never_follows_a_link_to_a_folder(tmp_path: Path) -> None:
    from siad.digests import files_under

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "c.txt").write_text("c", encoding="utf-8")
    (tmp_path / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "a" / "__pycache__").mkdir()
    (tmp_path / "a" / "__pycache__" / "x.pyc").write_bytes(b"")
    (tmp_path / "lien.txt").symlink_to(tmp_path / "z.txt")  # a link to a file: listed, as the build follows it
    (tmp_path / "a" / "boucle").symlink_to(tmp_path)  # a loop: once followed, never ended
    assert files_under(tmp_path) == [("a/b/c.txt", str(tmp_path / "a" / "b" / "c.txt")), ("lien.txt", str(tmp_path / "lien.txt")),
                                     ("z.txt", str(tmp_path / "z.txt"))]


def test_a_relative_name_through_a_link_is_the_file_the_link_leads_to(tmp_path: Path, monkeypatch) -> None:
    """« lien/../projet/f.txt » names the file next to where the link leads: its digest is that file's,
    never the one of a « projet/f.txt » beside the link (what collapsing « lien/.. » by text would read)."""
    (tmp_path / "reel" / "dedans").mkdir(parents=True)
    (tmp_path / "reel" / "projet").mkdir()
    (tmp_path / "reel" / "projet" / "f.txt").write_text("le bon fichier", encoding="utf-8")
    (tmp_path / "ici" / "projet").mkdir(parents=True)
    (tmp_path / "ici" / "projet" / "f.txt").write_text("un autre fichier", encoding="utf-8")
    (tmp_path / "ici" / "lien").symlink_to(tmp_path / "reel" / "dedans")
    monkeypatch.chdir(tmp_path / "ici")
    name = os.path.join("lien", "..", "projet", "f.txt")
    assert open(name, encoding="utf-8").read() == "le bon fichier"
    assert digests.file_sha256(name) == hashlib.sha256(b"le bon fichier").hexdigest()
    assert digests.file_sha256_or_none(Path(name)) == hashlib.sha256(b"le bon fichier").hexdigest()
