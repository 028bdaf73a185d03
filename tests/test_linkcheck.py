"""Internal links and anchors of the built site: checked by siad build, an error under --strict."""

from __future__ import annotations

from pathlib import Path

from conftest import run, tree_hashes

from siad.errors import Report
from siad.linkcheck import check_links


def _check(files: dict[str, str], base: str = "/") -> list[str]:
    report = Report()
    check_links({k: v.encode() for k, v in files.items()}, {}, base, report)
    return [d.message for d in report.diagnostics]


def test_resolving_links_pass_and_each_kind_of_break_is_reported():
    page = '<h2 id="haut">Haut</h2><a href="#haut">a</a><a href="../">b</a><a href="../autre/#bas">c</a><img src="../img.png" alt="">'
    ok = {"index.html": '<a href="a/">a</a><a href="a/index.html#haut">a</a>', "a/index.html": page, "autre/index.html": '<p id="bas"></p>', "img.png": ""}
    assert _check(ok) == []
    broken = {
        "index.html": '<a href="absente/">x</a><a href="a/#nulle-part">y</a><a href="https://exemple.fr/x">externe</a><a href="mailto:a@b.fr">m</a>',
        "a/index.html": '<img src="../../hors-site.png" alt=""><link rel="stylesheet" href="../style.css"><a href="#">haut</a>',
    }
    messages = _check(broken)
    assert len(messages) == 4, messages
    assert any("« absente/ » ne mène à aucun fichier du site" in m for m in messages)
    assert any("« a/#nulle-part » : la page a/index.html n'a pas d'élément id=\"nulle-part\"" in m for m in messages)
    assert any("« ../../hors-site.png »" in m for m in messages) and any("« ../style.css »" in m for m in messages)


def test_the_same_link_resolves_from_each_page_s_own_folder():
    # « ../../x/ » from two folders deep is the same file from every such page (resolved once);
    # « ../x/ » is not, and neither is a link that climbs above the site
    shared = '<a href="../../lieux/a/">a</a><a href="../voisin/">v</a><a href="../../../dehors/">d</a>'
    files = {"communes/un/index.html": shared, "communes/voisin/index.html": "", "lieux/a/index.html": "",
             "points/deux/index.html": shared, "index.html": ""}
    messages = _check(files)
    assert sorted(m.split(" (ligne")[0] + m.split(")")[1] for m in messages) == [
        "lien cassé dans la page communes/un/index.html : « ../../../dehors/ » ne mène à aucun fichier du site",
        "lien cassé dans la page points/deux/index.html : « ../../../dehors/ » ne mène à aucun fichier du site",
        "lien cassé dans la page points/deux/index.html : « ../voisin/ » ne mène à aucun fichier du site",
    ]


def test_root_relative_links_of_the_404_page_use_the_base_path():
    files = {"404.html": '<a href="/siad/">accueil</a><a href="/siad/lieux/">lieux</a><a href="/siad/perdu/">x</a>', "index.html": "", "lieux/index.html": ""}
    messages = _check(files, "/siad/")
    assert len(messages) == 1 and "« /siad/perdu/ »" in messages[0]


def test_a_broken_anchor_in_a_page_fails_strict_and_leaves_the_site_untouched(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    before = tree_hashes(out)
    page = project / "content" / "glossaire.md"
    page.write_text(page.read_text(encoding="utf-8") + '\nVoir [la cotation](cotation.md#rubrique-absente) et <a href="../nulle-part/">ceci</a>.\n', encoding="utf-8")
    strict = run("build", "--strict", "--source", project, "--out", out)
    assert strict.exit_code == 1
    assert "content/glossaire.md: erreur : ancre inconnue dans la page glossaire/index.html" in strict.stderr
    assert "« ../cotation/#rubrique-absente » : la page cotation/index.html n'a pas d'élément id=\"rubrique-absente\"" in strict.stderr
    assert "« ../nulle-part/ » ne mène à aucun fichier du site" in strict.stderr
    assert tree_hashes(out) == before
    plain = run("build", "--source", project, "--out", out)
    assert plain.exit_code == 0 and "2 avertissements" in plain.stdout


_SHARED = """
import json, sys
from siad import linkcheck
from siad.errors import Report
from siad.page_facts import read_page

files = {"index.html": b'<p id="haut"></p>'}
for n in range(8001):
    links = f'<a href="../p{n + 1}/">suivante</a><a href="../../index.html#haut">haut</a>'
    if n % 1000 == 7:
        links += f'<a href="../absente{n}/">x</a><a href="../../index.html#bas{n}">y</a>'
    files[f"p/p{n}/index.html"] = links.encode()
facts = {name: read_page(data.decode()) for name, data in files.items()}
sizes = []
original = linkcheck._check_pages
def spy(pages):
    sizes.append(len(pages))
    return original(pages)
linkcheck._check_pages = spy
seen = []
for jobs, only in ((1, None), (2, None), (2, {f"p/p{n}/index.html" for n in range(4000, 8001)})):
    report = Report()
    checked = linkcheck.check_links(files, {}, "/", report, facts, only, None if only is None else {n: () for n in files}, jobs)
    seen.append(([d.message for d in report.diagnostics], sorted(checked)))
print(json.dumps({"sizes": sizes, "same": seen[0] == seen[1], "messages": seen[0][0], "checked": [len(s[1]) for s in seen]}))
"""


def test_many_pages_are_shared_between_processes_with_the_same_messages_in_the_same_order():
    # in a new process: the test run's own threads (a finished server's) would rightly forbid forking
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _SHARED], capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["sizes"] == [8002, 4001, 4001]  # alone; then the last half here (the first in a forked process); only the pages asked
    assert result["same"]
    messages = result["messages"]
    assert len(messages) == 2 * 8 + 1  # a broken link and an unknown anchor on 8 pages, the last page's link to p8001/
    assert [m.split(" (ligne")[0] for m in messages[:2]] == ["lien cassé dans la page p/p1007/index.html", "ancre inconnue dans la page p/p1007/index.html"]
    assert "p/p8000/index.html" in messages[-1]
    assert result["checked"] == [8002, 8002, 4001]


def test_links_resolved_once_per_folder_give_the_messages_of_links_resolved_page_by_page(monkeypatch):
    """Targets are shared between pages by the folder a link's « ../ » climb to (siad.linkcheck):
    every kind of link, from pages at several depths and in sibling folders, gets exactly the messages
    it gets when each link is resolved from its own page."""
    import itertools

    import siad.linkcheck as linkcheck

    prefixes = ["", "./", "../", "../../", "../../../", "/", "//ailleurs/", "https://ailleurs/", "1abc:", "a?b:", " https://x/", "x/../"]
    rests = ["", "voisin/", "voisin/index.html", "a/", "a/#haut", "a/#bas", "img.png", "#haut", "?q=1#haut", "b/c/", "%61/"]
    links = "".join(f'<a href="{p}{r}">l</a>' for p, r in itertools.product(prefixes, rests))
    folders = ["", "a/", "b/", "a/voisin/", "b/voisin/", "b/c/", "a/b/c/", "b/c/d/", "a/x/y/z/"]
    files = {f"{folder}index.html": f'<h2 id="haut">h</h2>{links}' for folder in folders}
    files.update({"voisin/index.html": "", "img.png": "", "a/img.png": "", "b/c/voisin/index.html": "",
                  "a/a/index.html": "", "a/1abc:voisin/index.html": ""})
    files.update({f"{folder}autre.html": links for folder in ("", "a/")})  # beside a page with id="haut", without one  # « a?b: » is the path « a », « 1abc: » no scheme

    shared = _check(files)
    monkeypatch.setattr(linkcheck, "_shared_key", lambda url, depth, folders: None)
    alone = _check(files)
    assert shared == alone
    assert len(alone) > 100 and any("ancre inconnue" in m for m in alone)  # the links do break, in both ways
