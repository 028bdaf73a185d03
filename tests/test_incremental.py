"""Incremental builds never serve a stale page: after any kind of change, an incremental build gives
exactly, byte for byte, what a cold build (``--clean``, into another folder) gives.

Each case edits one kind of input of a built project — a data record, a figure, a content page's
text or title, a new or removed file, a template, a theme asset, the configuration, a static file —
then rebuilds incrementally over the previous site and compares it with a cold build of the same
project. It also checks that the change was not vacuous (the site did change) and, for local edits,
that only a few pages were rendered again (the CLI's summary line says how many).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run, tree_hashes


def _build(project: Path, out: Path, *extra: object) -> tuple[int, int]:
    """Build; (pages rendered, pages reused) from the summary line."""
    result = run("build", "--source", project, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    found = re.search(r"\((\d+) pages? rendues?(?:, (\d+) inchangées?)?", summary)
    assert found, summary
    return int(found[1]), int(found[2] or 0)


def _cold(project: Path, tmp_path: Path) -> dict[str, str]:
    reference = tmp_path / "froid"
    if reference.exists():
        shutil.rmtree(reference)
    _build(project, reference, "--clean")
    return tree_hashes(reference)


def _theme(project: Path) -> Path:
    theme = project / "themes" / "default"
    if not theme.exists():
        shutil.copytree(REPO_ROOT / "themes" / "default", theme)
    return theme


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# (name, edit, most pages that may be rendered again: None when the change concerns every page)
CHANGES = [
    ("horaires d'un lieu", lambda p: _replace(p / "data" / "lieux" / "adil03.yml", '"13:30-17:00"', '"13:30-16:30"'), 20),
    ("téléphone d'un lieu", lambda p: _replace(p / "data" / "lieux" / "adil03.yml", '"04 70 98 18 45"', '"04 70 98 18 46"'), 60),
    ("secteur d'un lieu", lambda p: _replace(p / "data" / "lieux" / "maison-solidarites-vichy.yml", '  - "03093"  # Creuzier-le-Neuf (« Creuzier le Neuf »)\n', ""), 20),
    ("niveau d'un lieu", lambda p: _replace(p / "data" / "lieux" / "maison-de-l-habitat.yml", "niveau: 3", "niveau: 2"), None),
    ("lieu supprimé", lambda p: (p / "data" / "lieux" / "evolea.yml").unlink(), None),
    ("chiffres de deux communes", lambda p: (_replace(p / "data" / "chiffres" / "communes.csv", "Vichy;1867;", "Vichy;1866;"),
                                             _replace(p / "data" / "chiffres" / "communes.csv", "Abrest;71;", "Abrest;72;")), None),  # every commune page shows its share of the total
    ("texte d'une page", lambda p: (p / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n"), 1),
    ("titre d'une page", lambda p: _replace(p / "content" / "mutation.md", 'titre: "', 'titre: "Nouveau : '), None),
    ("date de mise à jour d'une page", lambda p: _replace(p / "content" / "mutation.md", 'titre: "', 'mis_a_jour_le: 2026-11-22\ntitre: "'), None),  # the updates page and feed list it
    ("date de mise à jour d'un lieu", lambda p: _replace(p / "data" / "lieux" / "evolea.yml", "  fiche: 2026-11-23", "  fiche: 2026-11-23\n  horaires: 2026-11-22"), 20),
    ("nouvelle page", lambda p: (p / "content" / "nouvelle.md").write_text("---\ntitre: Une nouvelle page\ndescription: Pour tester.\n---\n\nDu texte.\n", encoding="utf-8"), None),
    ("gabarit", lambda p: _replace(_theme(p) / "templates" / "lieu.html", "{% block content %}", "{% block content %}\n<p>Gabarit modifié.</p>"), None),
    ("feuille de style", lambda p: (_theme(p) / "assets" / "css" / "site.css").open("a", encoding="utf-8").write("\n.nouveau { color: #000; }\n"), None),
    ("configuration", lambda p: _replace(p / "siad.yml", 'titre: "Logement social à Vichy Communauté"', 'titre: "Logement social en Vichy Communauté"'), None),
    ("fichier statique", lambda p: (p / "content" / "fiche.txt").write_text("Une fiche.\n", encoding="utf-8"), None),
]


@pytest.mark.parametrize("name, edit, most", CHANGES, ids=[c[0] for c in CHANGES])
def test_incremental_build_equals_a_cold_build(project: Path, tmp_path: Path, name: str, edit, most: int | None) -> None:
    out = tmp_path / "sortie"
    _build(project, out)
    _build(project, out)  # a second build: the previous version is now kept for the next switch
    before = tree_hashes(out)
    edit(project)
    rendered, reused = _build(project, out)
    after = tree_hashes(out)
    assert after != before, f"{name} : le site n'a pas changé"
    assert after == _cold(project, tmp_path), f"{name} : la construction incrémentale diffère de la construction complète"
    if most is not None:
        assert rendered <= most and reused > 0, (name, rendered, reused)
    # and again, from the state this build left (the previous version has lagged behind by one build)
    assert _build(project, out) == (0, rendered + reused)
    assert tree_hashes(out) == after


def test_a_change_undone_gives_the_first_site_back(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    _build(project, out)
    first = tree_hashes(out)
    point = project / "data" / "lieux" / "adil03.yml"
    original = point.read_text(encoding="utf-8")
    _replace(point, '"13:30-17:00"', '"13:30-16:30"')
    _build(project, out)
    assert tree_hashes(out) != first
    point.write_text(original, encoding="utf-8")
    _build(project, out)
    assert tree_hashes(out) == first


def test_nothing_changed_renders_and_writes_nothing(project: Path, tmp_path: Path, monkeypatch) -> None:
    """With every input unchanged, the build only replays the last one's messages; a new day is a change."""
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0
    assert f"(0 page rendue, {pages} inchangées ; aucun fichier modifié)" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    assert result.stderr == run("build", "--source", project, "--out", out).stderr  # the same known gaps
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) + 86400 * 40))  # a build 40 days later
    later = run("build", "--source", project, "--out", out)
    assert later.exit_code == 0 and f"({pages} pages rendues" in later.stdout


def test_the_same_project_named_another_way_reuses_every_page(project: Path, tmp_path: Path, monkeypatch) -> None:
    """`siad build` from the project's folder and `siad build --source DIR` from elsewhere: one cache."""
    out = tmp_path / "sortie"
    _build(project, out)
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    monkeypatch.chdir(project)
    assert _build(Path("."), out)[0] == 1
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nEncore une.\n")
    monkeypatch.chdir(tmp_path)
    assert _build(Path("projet"), out)[0] == 1


def test_clean_renders_everything(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    assert _build(project, out, "--clean") == (pages, 0)


def test_warnings_of_reused_pages_are_still_reported(project: Path, tmp_path: Path) -> None:
    """A page taken from the cache keeps its warnings: --strict fails the same way warm as cold."""
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nVoir [la page perdue](#perdue).\n")
    out = tmp_path / "sortie"
    first = run("build", "--source", project, "--out", out)
    second = run("build", "--source", project, "--out", out)
    assert first.exit_code == second.exit_code == 0
    assert "perdue" in first.stderr and first.stderr == second.stderr
    assert "(0 page rendue" in second.stdout
    strict = run("build", "--source", project, "--out", out, "--strict")
    assert strict.exit_code == 1 and "perdue" in strict.stderr


def test_a_damaged_cache_is_rebuilt_not_trusted(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    cache = tmp_path / ".siad-cache" / "sortie" / "pages.sqlite3"
    assert cache.is_file()
    cache.write_bytes(b"pas une base SQLite" * 100)
    assert _build(project, out) == (pages, 0)
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_a_cache_that_lies_is_not_believed(project: Path, tmp_path: Path) -> None:
    """Pages are reused only when the live site holds the very bytes the cache remembers."""
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    cache = tmp_path / ".siad-cache" / "sortie" / "pages.sqlite3"
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE pages SET digest = 'faux' WHERE output = 'lieux/adil03/index.html'")
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    assert _build(project, out) == (2, pages - 2)
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_a_manifest_edited_by_hand_is_not_trusted(project: Path, tmp_path: Path) -> None:
    """A live manifest whose digests or sizes are not what siad writes: the site is rebuilt whole, no traceback."""
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    manifest = out / ".siad" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    first = re.search(r'"octets": (\d+), "sha256": "([0-9a-f]{64})"', text)
    manifest.write_text(text.replace(first.group(0), f'"octets": "beaucoup", "sha256": "{first.group(2)}"', 1), encoding="utf-8")
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_any_number_of_workers_gives_the_same_site_and_messages(project: Path, tmp_path: Path) -> None:
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nVoir [la page perdue](#perdue) et [l'autre](#autre).\n")
    (project / "content" / "cotation.md").open("a", encoding="utf-8").write("\nVoir [une ancre](#nulle-part).\n")
    outputs = {}
    for jobs in (1, 3):
        out = tmp_path / f"sortie-{jobs}"
        result = run("build", "--source", project, "--out", out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
        outputs[jobs] = (tree_hashes(out), result.stderr)
    assert outputs[1] == outputs[3]
    assert outputs[1][1].count("avertissement :") == 3


def test_the_cache_lives_beside_the_output_never_in_it(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    _build(project, out)
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    _build(project, out)
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert not [n for n in names if "sqlite" in n or "precedent" in n]
    previous = tmp_path / ".siad-cache" / "sortie" / "precedent"
    assert (previous / ".siad" / "manifest.json").is_file()
    # unchanged files are the same file in both versions (hard links): no copy, no doubled disk use
    assert (out / "index.html").stat().st_ino == (previous / "index.html").stat().st_ino
    assert (out / "mutation" / "index.html").stat().st_ino != (previous / "mutation" / "index.html").stat().st_ino
    assert (out / "mutation" / "index.html").read_bytes() != (previous / "mutation" / "index.html").read_bytes()


def test_relative_paths_match_the_standard_library() -> None:
    """model._relpath (no file-system calls) agrees with posixpath.relpath on site paths."""
    import posixpath
    import random

    from siad.model import _relpath

    rng = random.Random(8)
    parts = ["a", "b", "communes", "lieux", "x", "."]
    for _ in range(5000):
        target = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4))) + rng.choice(["", "/"])
        start = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4)))
        target, start = target or ".", start or "."
        assert _relpath(target, start) == posixpath.relpath(target, start), (target, start)


def test_the_preview_renders_again_only_what_an_edit_changed(project: Path, tmp_path: Path, capsys) -> None:
    """``siad serve`` keeps its cache between rebuilds: a saved page is rendered again alone, and
    the preview folder then equals a cold build."""
    from siad.serve import PreviewState

    state = PreviewState(root=project, out=tmp_path / "apercu" / "site")
    state.snapshot = state.watched_files()
    state.rebuild()
    first = capsys.readouterr().err
    assert re.search(r"aperçu reconstruit \((\d+) pages, dont \1 rendues à nouveau\)", first), first
    page = project / "content" / "mutation.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée pendant la prévisualisation.\n", encoding="utf-8")
    assert state.poll() is False  # the file was just saved: wait until it stays the same for one poll
    assert state.poll() is True
    second = capsys.readouterr().err
    assert re.search(r"aperçu reconstruit \(\d+ pages, dont 1 rendues à nouveau\)", second), second
    assert "Une phrase ajoutée pendant la prévisualisation." in (state.out / "mutation" / "index.html").read_text(encoding="utf-8")
    assert tree_hashes(state.out) == _cold(project, tmp_path)
    state.cache.close()


def test_links_of_reused_pages_are_checked_against_the_new_pages(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A page taken from the cache keeps its link warnings, and gets new ones when a page it links to
    loses the anchor it points at — although the page itself was not rendered again. Its links are
    read from the cache only then (all at once), not when its last messages stand."""
    from siad.cache import PageCache

    read: list[str] = []
    one, many = PageCache._page_links, PageCache.read_links
    monkeypatch.setattr(PageCache, "_page_links", lambda self, output: read.append(output) or one(self, output))
    monkeypatch.setattr(PageCache, "read_links", lambda self, facts: read.append("tous") or many(self, facts))
    out = tmp_path / "sortie"
    (project / "content" / "cotation.md").open("a", encoding="utf-8").write("\nVoir [une ancre](#nulle-part).\n")
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\n## Un titre visé {#vise}\n\nVoir aussi [la cotation](cotation.md).\n")
    (project / "content" / "attribution.md").open("a", encoding="utf-8").write("\nVoir [le titre visé](mutation.md#vise).\n")
    first = run("build", "--source", project, "--out", out)
    assert first.exit_code == 0, first.output
    assert first.stderr.count("ancre inconnue") == 1
    read.clear()

    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    second = run("build", "--source", project, "--out", out)
    assert "(1 page rendue" in second.stdout
    assert second.stderr == first.stderr  # cotation's warning, replayed from the cache
    assert read == []  # no page appeared nor changed its ids: the reused pages' links were not read

    _replace(project / "content" / "mutation.md", "{#vise}", "{#ailleurs}")
    third = run("build", "--source", project, "--out", out)
    assert "(1 page rendue" in third.stdout
    assert read == ["tous"]
    assert third.stderr.count("ancre inconnue") == 2
    assert "ancre inconnue dans la page attribution/index.html" in third.stderr and "« ../mutation/#vise »" in third.stderr
    cold = run("build", "--source", project, "--out", tmp_path / "froid", "--clean")
    assert cold.stderr == third.stderr


def test_nothing_of_one_page_leaks_into_the_next(project: Path, tmp_path: Path) -> None:
    """Pages are converted by one reused Markdown converter: abbreviations, footnote-like references,
    heading ids and the table of contents of one page never show on another."""
    (project / "content" / "aaa.md").write_text(
        "---\ntitre: Première page\ndescription: Pour tester.\n---\n\n## Un titre propre à cette page\n\n"
        "Le sigle ZQX est défini ici, avec [un lien][ref].\n\n*[ZQX]: Zone de test\n\n[ref]: glossaire.md\n", encoding="utf-8")
    (project / "content" / "aab.md").write_text(
        "---\ntitre: Deuxième page\ndescription: Pour tester.\n---\n\nLe sigle ZQX n'est pas défini ici, ni [ce lien][ref].\n", encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out, "--jobs", 1)
    assert result.exit_code == 0, result.output
    first = (out / "aaa" / "index.html").read_text(encoding="utf-8")
    second = (out / "aab" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Zone de test">ZQX</abbr>' in first and "Zone de test" not in second
    assert "un-titre-propre" in first and "un-titre-propre" not in second
    assert "[ce lien][ref]" in second


def test_a_cache_from_another_version_is_started_again(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    with sqlite3.connect(tmp_path / ".siad-cache" / "sortie" / "pages.sqlite3") as db:
        db.execute("UPDATE meta SET value = 'siad 0.0.1, schéma 0' WHERE key = 'schema'")
    assert _build(project, out) == (pages, 0)
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_a_build_keeps_nothing_of_its_site_in_memory(project: Path, tmp_path: Path) -> None:
    """The Markdown converter outlives a build: it must not keep the last page's processors, which
    hold the renderer and through it the whole site (``siad serve`` held two sites during each
    rebuild, and a national build freed 400,000 objects only when the process ended)."""
    import gc

    from siad.build import build_project
    from siad.model import Site

    def sites() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is Site)

    before = sites()
    build_project(project, tmp_path / "sortie", jobs=1)
    assert sites() == before


def test_when_every_page_is_rendered_again_the_next_edit_is_still_incremental(project: Path, tmp_path: Path) -> None:
    """A template change renders every page again: the workers write them straight into a new folder
    (their bytes do not travel back: a national site is 600 MB), the unchanged files are linked from
    the live site, and the site it replaced is kept for the next build to update file by file."""
    out = tmp_path / "sortie"
    first, _ = _build(project, out)
    _replace(_theme(project) / "templates" / "lieu.html", "{% block content %}", "{% block content %}\n<p>Gabarit modifié.</p>")
    assert _build(project, out) == (first, 0)
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    assert _build(project, out) == (1, first - 1)
    assert tree_hashes(out) == _cold(project, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sortie.")]  # no staging folder left behind


def test_a_build_leaves_the_garbage_collector_as_it_found_it(project: Path, tmp_path: Path) -> None:
    """A build pauses the collector while it loads, then freezes its model: afterwards (success or
    failure) nothing stays frozen, and the collector is on or off, and as often, as the caller had it
    (rendering changes how often it looks for cycles)."""
    import gc

    from siad.build import build_project
    from siad.errors import ProjectError

    import siad.build

    threshold = gc.get_threshold()
    assert gc.isenabled()
    seen = []
    real_write = siad.build.write_site
    siad.build.write_site = lambda *a, **k: seen.append(gc.get_threshold()) or real_write(*a, **k)
    try:
        build_project(project, tmp_path / "a", jobs=1)
    finally:
        siad.build.write_site = real_write
    # the write, too, with rare collections: else the young objects of the whole render were walked
    # at its first allocations (a national one-point build's write 0.36 → 0.75 s)
    assert seen == [siad.build.RENDERING_THRESHOLD]
    assert gc.isenabled() and gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
    (project / "data" / "lieux" / "adil03.yml").write_text("nom: [\n", encoding="utf-8")
    with pytest.raises(ProjectError):
        build_project(project, tmp_path / "b", jobs=1)
    assert gc.isenabled() and gc.get_freeze_count() == 0 and gc.get_threshold() == threshold
    gc.disable()
    try:
        with pytest.raises(ProjectError):
            build_project(project, tmp_path / "c", jobs=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _saved_while_read(monkeypatch, path: Path, old: str, new: str) -> None:
    """The next build reads ``path`` after its digest was taken and just after an editor saved it again."""
    import siad.data
    from siad.data import points

    def point_from(root, point, report):
        if point.name == path.name and old in path.read_text(encoding="utf-8"):
            _replace(path, old, new)
        return points.point_from(root, point, report)

    monkeypatch.setattr(siad.data, "point_from", point_from)


def test_a_file_saved_while_the_build_reads_it_is_never_served_stale(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A save during a build (an editor, while ``siad serve`` rebuilds): the build may show either
    version, but keeps nothing in its cache. Before, the new text was kept under the old text's
    digest, so undoing the edit brought the undone hours back."""
    out = tmp_path / "sortie"
    _build(project, out)
    point = project / "data" / "lieux" / "adil03.yml"
    _replace(point, '"04 70 98 18 45"', '"04 70 98 18 46"')  # an edit: the point is read again
    before = point.read_text(encoding="utf-8")
    with monkeypatch.context() as patch:
        _saved_while_read(patch, point, '"13:30-17:00"', '"13:30-16:30"')
        result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert "siad : attention, des fichiers du projet ont été modifiés pendant la construction" in result.stderr
    assert "16:30" in (out / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")  # read after the save
    point.write_text(before, encoding="utf-8")  # the edit undone
    _build(project, out)
    assert tree_hashes(out) == _cold(project, tmp_path)
    assert "16:30" not in (out / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")


def test_publish_refuses_a_site_whose_files_changed_while_it_was_built(project: Path, tmp_path: Path, monkeypatch) -> None:
    point = project / "data" / "lieux" / "adil03.yml"
    _saved_while_read(monkeypatch, point, '"13:30-17:00"', '"13:30-16:30"')
    result = run("publish", tmp_path / "en-ligne", "--source", project, "--out", tmp_path / "sortie")
    assert result.exit_code == 1, result.output
    assert "publication impossible : des fichiers du projet ont été modifiés pendant la construction" in result.stderr
    assert not (tmp_path / "en-ligne").exists()


def test_the_preview_does_not_read_again_the_manifests_it_wrote(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A national manifest lists 56,000 files: ``siad serve`` remembers those it wrote, across the
    switch that exchanges the live site and its previous version."""
    from siad import writer
    from siad.build import build_project
    from siad.cache import PageCache

    out = tmp_path / "apercu" / "site"
    cache = PageCache(writer.state_dir(out))
    try:
        build_project(project, out, cache=cache, jobs=1)
        build_project(project, out, cache=cache, jobs=1, clean=False)
        page = project / "content" / "mutation.md"
        parsed: list[Path] = []
        real = writer._parse_manifest
        monkeypatch.setattr(writer, "_parse_manifest", lambda folder: parsed.append(folder) or real(folder))
        for sentence in ("Une phrase.", "Une autre phrase."):
            page.write_text(page.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
            build_project(project, out, cache=cache, jobs=1)
    finally:
        cache.close()
    assert parsed == []
    assert writer.read_manifest(out) == {path: hashlib.sha256((out / path).read_bytes()).hexdigest() for path in tree_hashes(out)
                                         if not path.startswith(".siad/")}
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_a_file_vanishing_while_the_project_is_hashed_again_gives_a_warning_not_a_traceback(project: Path, tmp_path: Path, monkeypatch) -> None:
    """An editor replaces a file (delete, then write) just as the build takes the project's digest again."""
    import siad.build

    calls: list[int] = []
    real = siad.build.sources_digest

    def sources_digest(root):
        calls.append(1)
        if len(calls) == 2:
            raise FileNotFoundError(2, "No such file or directory")
        return real(root)

    monkeypatch.setattr(siad.build, "sources_digest", sources_digest)
    result = run("build", "--source", project, "--out", tmp_path / "sortie")
    assert result.exit_code == 0, result.output
    assert "modifiés pendant la construction" in result.stderr and "Traceback" not in result.output
    monkeypatch.setattr(siad.build, "sources_digest", real)
    assert _build(project, tmp_path / "sortie")[1] == 0  # nothing of that build was kept: everything rendered again


def test_a_template_edited_between_two_builds_of_one_process_is_compiled_again(project: Path, tmp_path: Path) -> None:
    """Templates compiled by a build are kept for the next builds of the process (siad serve): the
    same file with another text is compiled again."""
    template = _theme(project) / "templates" / "lieu.html"
    out = tmp_path / "sortie"
    _build(project, out, "--jobs", "1")  # rendered in this process, as siad serve's rebuilds of a few pages
    points = sorted(out.glob("lieux/*/index.html"))
    assert points and not any("Gabarit modifié" in p.read_text(encoding="utf-8") for p in points)
    _replace(template, "{% block content %}", "{% block content %}\n<p>Gabarit modifié.</p>")
    _build(project, out, "--jobs", "1")
    assert all("Gabarit modifié" in p.read_text(encoding="utf-8") for p in sorted(out.glob("lieux/*/index.html")))
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_after_a_cold_build_a_kept_previous_version_makes_the_first_edit_write_only_what_changed(project: Path, tmp_path: Path, monkeypatch) -> None:
    """siad serve starts with a cold build, which leaves no previous version: without one, its first
    edit would link the whole site into a new folder. It keeps one after building; the edit then
    rewrites only the files that changed, and the site equals a cold build."""
    import siad.build as build_module
    from siad.serve import PreviewState
    from siad.writer import PREVIOUS, keep_previous_version, read_manifest, state_dir

    results = []
    real = build_module.build_project
    monkeypatch.setattr("siad.serve.build_project", lambda *a, **k: results.append(real(*a, **k)) or results[-1])
    state = PreviewState(root=project, out=tmp_path / "apercu" / "site")
    state.snapshot = state.watched_files()
    state.rebuild()
    previous = state_dir(state.out) / PREVIOUS
    assert read_manifest(previous) == read_manifest(state.out)  # the same files …
    some = next(p for p in sorted(state.out.rglob("*.html")))
    assert some.stat().st_ino == (previous / some.relative_to(state.out)).stat().st_ino  # … linked, not copied
    assert not keep_previous_version(state.out)  # already there: nothing done
    page = project / "content" / "mutation.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase ajoutée.\n", encoding="utf-8")
    state.poll()
    assert state.poll() is True
    written = results[-1].written
    assert written.copied == 0 and 0 < written.written <= 5, written  # not the whole site linked again
    assert tree_hashes(state.out) == _cold(project, tmp_path)
    state.cache.close()


def test_a_preview_that_cannot_keep_its_copy_still_serves_its_site(project: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """The kept copy only saves time: a disk that refuses it (full, read-only state folder) gives a
    French line, not a traceback, and the preview goes on."""
    from siad.serve import PreviewState

    def refuse(out):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("siad.serve.keep_previous_version", refuse)
    state = PreviewState(root=project, out=tmp_path / "apercu" / "site")
    state.rebuild()
    err = capsys.readouterr().err
    assert state.errors == [] and (state.out / "index.html").is_file()
    assert "copie de l'aperçu non conservée" in err and "aperçu reconstruit" in err, err
    state.cache.close()


def _digests_of_a_new_process(monkeypatch) -> list[str]:
    """Forget the digests this process took, as a new process knows none but those the cache kept;
    the list that each file siad then opens to hash it is added to."""
    import builtins
    import os

    from siad import digests

    monkeypatch.setattr(digests, "_KNOWN", {})
    opened: list[str] = []

    def counting(name, *args, **kwargs):
        opened.append(os.fspath(name))
        return builtins.open(name, *args, **kwargs)

    monkeypatch.setattr(digests, "open", counting, raising=False)
    return opened


def test_a_build_starts_from_the_digests_the_last_one_kept_and_only_for_unchanged_files(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A new process does not read the project's files again to know which changed: the last build
    kept their digests with each file's identity (device, inode, size, times of modification and
    change). A file rewritten with the same size and its old modification time is still read again
    (its time of change moved), and the site equals a cold build."""
    import os

    from siad import digests

    later = time.time_ns() + 10 * digests.SETTLED_NS  # every file saved long before it is read
    monkeypatch.setattr(digests.time, "time_ns", lambda: later)
    out = tmp_path / "sortie"
    _build(project, out)
    page = project / "content" / "mutation.md"
    before = page.stat()
    text = page.read_text(encoding="utf-8")
    assert "mutation" in text
    page.write_text(text.replace("mutation", "Mutation", 1), encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    opened = _digests_of_a_new_process(monkeypatch)
    rendered, _ = _build(project, out)
    assert opened == [str(page)]
    assert rendered >= 1
    assert tree_hashes(out) == _cold(project, tmp_path)


def test_a_build_asks_for_each_input_file_twice_at_most(project: Path, tmp_path: Path, monkeypatch) -> None:
    """Each input file's digest is taken once when the build starts and used by every loader and
    fingerprint after; only the check that nothing changed during the build asks again. Before, a
    content page was looked at three times and a reception point's file four (its loader, the
    fingerprints of the pages that list it)."""
    import os
    import types
    from collections import Counter

    from siad import digests

    out = tmp_path / "sortie"
    _build(project, out)
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase de plus.\n")
    asked: Counter[str] = Counter()
    real_stat = os.stat

    def counting(name, *args, **kwargs):
        text = os.fspath(name)
        if text.startswith(str(project)) and text.endswith((".md", ".yml", ".csv")):
            asked[os.path.relpath(text, project)] += 1
        return real_stat(name, *args, **kwargs)

    monkeypatch.setattr(digests, "os", types.SimpleNamespace(**{**vars(os), "stat": counting}))  # the digests' questions only
    rendered, _ = _build(project, out)
    assert rendered >= 1
    unchanged = {name: n for name, n in asked.items() if name != "content/mutation.md"}
    assert "content/index.md" in unchanged and "data/lieux/adil03.yml" in unchanged
    assert max(unchanged.values()) == 2, sorted(unchanged.items(), key=lambda item: -item[1])[:5]


def test_the_cache_is_one_file_after_a_build_and_read_through_a_memory_map(project: Path, tmp_path: Path) -> None:
    """The cache is not synced to disk at each change (a cache: 24 syncs a build cost milliseconds
    each on a busy disk), and its journal is gone once a build is done: what a CI step saves of
    ``.siad-cache/`` is whole with the database file alone. SQLite reads it through a memory map,
    not 4 KiB at a time."""
    from siad.cache import PageCache

    out = tmp_path / "sortie"
    pages, _ = _build(project, out)
    folder = tmp_path / ".siad-cache" / "sortie"
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["pages.sqlite3"]
    with sqlite3.connect(folder / "pages.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT count(*) FROM pages").fetchone()[0] >= pages
    cache = PageCache(folder)
    try:
        assert cache._db.execute("PRAGMA mmap_size").fetchone()[0] > 0
        assert cache._db.execute("PRAGMA synchronous").fetchone()[0] == 0
    finally:
        cache.close()
    assert _build(project, out)[1] >= pages  # still a cache: every page reused


def test_many_cached_rows_read_by_range_or_by_join_are_the_same(project: Path, tmp_path: Path, monkeypatch) -> None:
    """Above a thousand keys the cache reads every row whose key starts as all the wanted ones do and
    leaves the others out, instead of joining a temporary table of the keys: the same rows either way,
    for pages and for kept records of one kind or of several."""
    from siad import cache as cache_module
    from siad.cache import PageCache

    out = tmp_path / "sortie"
    _build(project, out)
    folder = tmp_path / ".siad-cache" / "sortie"
    with sqlite3.connect(folder / "pages.sqlite3") as db:
        outputs = sorted(o for (o,) in db.execute("SELECT output FROM pages"))
        keys = sorted(k for (k,) in db.execute("SELECT key FROM yaml"))
    kinds = sorted({k.split(":")[0] for k in keys if ":" in k})
    assert len(outputs) > 50 and len(kinds) >= 2
    one_kind = [k for k in keys if k.startswith(kinds[0] + ":")][1:]  # not all of them
    mixed = keys[::2]

    def read(limit: int):
        monkeypatch.setattr(cache_module, "JOINED_KEYS", limit)
        cache = PageCache(folder)
        try:
            pages = cache.pages(outputs[1:])
            return ({o: (p.fingerprint, p.digest, p.facts.to_json(), p.diagnostics, p.search) for o, p in pages.items()},
                    cache.yaml_get_many(one_kind), cache.yaml_get_many(mixed))
        finally:
            cache.close()

    by_join = read(10_000)
    assert len(by_join[0]) == len(outputs) - 1 and len(by_join[1]) == len(one_kind) and len(by_join[2]) == len(mixed)
    assert read(0) == by_join


def test_digests_are_kept_for_a_project_named_relatively(project: Path, tmp_path: Path, monkeypatch) -> None:
    """« siad build » run in the project's folder (its root « . »): the digests the build keeps are
    found again by the next one, which reads no file to see that nothing changed."""
    from siad import digests

    later = time.time_ns() + 10 * digests.SETTLED_NS
    monkeypatch.setattr(digests.time, "time_ns", lambda: later)
    monkeypatch.chdir(project)
    out = tmp_path / "sortie"
    _build(Path("."), out)
    opened = _digests_of_a_new_process(monkeypatch)
    _build(Path("."), out)
    assert opened == []
