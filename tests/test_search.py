"""Site search: the static index recherche/index.json, the search page and its header link, as built.

The browser side (typing, ranking, ?q= in the address) is in tests/test_behaviour_scripts.py,
which owns the module-scoped Playwright.
"""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import REPO_ROOT, main_text, run
from siad.search_index import fold


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("recherche") / "site"
    result = run("build", "--source", REPO_ROOT, "--out", out, "--strict")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def index(built: Path) -> dict:
    return json.loads((built / "recherche" / "index.json").read_text(encoding="utf-8"))


def _pages(site: Path) -> list[str]:
    """Every built page's URL from the site root (``""`` for the home page), 404.html aside."""
    return sorted("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))


def _h1(site: Path, url: str) -> str:
    page = (site / url / "index.html").read_text(encoding="utf-8")
    return unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)).strip()


def _entry(index: dict, url: str) -> dict:
    return next(p for p in index["pages"] if p["url"] == url)


def test_every_page_but_404_and_search_is_indexed_once_with_its_title(built: Path, index: dict):
    urls = [p["url"] for p in index["pages"]]
    expected = [u for u in _pages(built) if u != "recherche/"]
    assert urls == expected  # sorted, each page exactly once
    assert len(urls) > 70 and "recherche/" not in urls
    assert any(u.startswith("lieux/") and u != "lieux/" for u in urls) and any(u.startswith("communes/") and u != "communes/" for u in urls)
    for page in index["pages"]:
        assert page["title"] == _h1(built, page["url"]), page["url"]
        assert set(page) == {"url", "title", "description", "headings", "text"}
        assert page["description"], page["url"]
        assert "  " not in page["text"] and page["text"] == page["text"].strip()


def test_text_comes_from_main_only(built: Path, index: dict):
    footer = "site produit avec siad"
    assert footer in (built / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")  # it is on the page…
    for page in index["pages"]:
        text = page["text"]
        assert footer not in text and "Aller au contenu" not in text and "Fil d'Ariane" not in text, page["url"]  # …not in the index
        assert "Informations à jour au" not in text and "Informations vérifiées le" not in text, page["url"]
        assert not text.startswith(page["title"]), page["url"]  # the h1 is the title, not repeated in the text
        assert "<" not in text and "{&#34;" not in text and '"@context"' not in text, page["url"]  # no markup, data or JSON-LD
    # what the reader sees in <main> is what is indexed
    adil = _entry(index, "lieux/adil03/")
    assert adil["text"] in main_text(built, "lieux/adil03/")


def test_a_point_page_and_a_commune_page_are_found_by_their_words(index: dict):
    adil = _entry(index, "lieux/adil03/")
    assert adil["title"] == "ADIL03"
    assert "9 h – 17 h (permanence téléphonique)" in adil["text"]
    assert adil["headings"] == ["Adresse et contacts", "Horaires", "Ce que ce lieu s'engage à faire"]
    assert adil["description"].startswith("Adresse, contacts et horaires d'ADIL03")
    cusset = _entry(index, "communes/cusset/")
    assert "Code postal 03300" in cusset["text"]
    assert "Maison des Solidarités départementales de Cusset Cusset 04 70 34 15 72" in cusset["text"]  # side-by-side items stay apart
    assert "Le logement social à Cusset" in cusset["headings"]
    # the whole territory's point is listed on every commune's page, but found on its own page only
    found = [p["url"] for p in index["pages"] if "Maison de l'Habitat de Vichy Communauté" in p["text"] + p["title"]]
    assert "lieux/maison-de-l-habitat/" in found and [u for u in found if u.startswith("communes/")] == ["communes/vichy/"], found  # where it is
    assert "Pour tout le territoire" not in cusset["headings"]


def test_index_is_compact_sorted_and_the_same_on_every_build(built: Path, tmp_path: Path):
    raw = (built / "recherche" / "index.json").read_bytes()
    assert b'", "' not in raw and b'": ' not in raw  # separators=(",", ":")
    assert "Communauté".encode() in raw  # UTF-8, not \u escapes
    document = json.loads(raw)
    assert raw.decode("utf-8") == json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    again = tmp_path / "encore"
    assert run("build", "--source", REPO_ROOT, "--out", again).exit_code == 0
    assert (again / "recherche" / "index.json").read_bytes() == raw
    print(f"\nindex de recherche : {len(document['pages'])} pages, {len(raw) // 1024} Ko")


def test_search_page_works_without_javascript_and_lists_every_indexed_page(built: Path, index: dict):
    html = (built / "recherche" / "index.html").read_text(encoding="utf-8")
    form = re.search(r'<form class="search-form" role="search" method="get" action="\./">(.*?)</form>', html, re.S)
    assert form, "a real GET form, to the page itself"
    assert '<label for="recherche-mots">Rechercher sur le site</label>' in form.group(1)
    assert '<input type="search" id="recherche-mots" name="q"' in form.group(1)
    assert '<button type="submit">Rechercher</button>' in form.group(1)
    assert re.search(r'<div class="search-status" role="status" aria-live="polite" data-enhancement></div>', html)
    assert '<ul class="search-list" data-index="index.json">' in html
    assert re.search(r'<script src="\.\./assets/js/recherche\.[0-9a-f]+\.js" defer></script>', html)
    text = main_text(built, "recherche/")
    assert "Sans JavaScript, les mots tapés ne sont pas recherchés" in text and "plan du site" in text
    listed = re.findall(r'<li data-page="([^"]*)"><a href="([^"]+)">([^<]+)</a>', html)
    assert sorted(page for page, _, _ in listed) == [p["url"] for p in index["pages"]]
    for page, href, title in listed:
        assert posixpath.normpath(posixpath.join("recherche", href)) == posixpath.normpath(page or "."), (page, href)
        assert unescape(title) == _entry(index, page)["title"]
    titles = [unescape(title).casefold() for _, _, title in listed]
    assert titles[0] == "abrest" and titles.index("adil03") < titles.index("allier habitat")  # alphabetical, accents aside


def test_every_page_links_the_search_page_from_its_header(built: Path):
    sitemap = (built / "plan-du-site" / "index.html").read_text(encoding="utf-8")
    others = sitemap[sitemap.index("Les autres pages"):]
    assert '<a href="../recherche/">Rechercher sur le site</a>' in others
    for page in sorted(built.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        header = html[html.index('<header class="site-header">'):html.index("</header>")]
        link = re.search(r'<p class="header-search"><a href="([^"]+)"( aria-current="page")?>Rechercher</a></p>', header)
        assert link, page
        url = page.relative_to(built).as_posix()
        if url == "404.html":  # served at any depth: from the site root
            assert link.group(1) == "/recherche/"
        else:
            assert posixpath.normpath(posixpath.join(posixpath.dirname(url), link.group(1))) == "recherche", url
        assert bool(link.group(2)) == (url == "recherche/index.html"), url


def test_a_search_page_in_content_replaces_the_generated_one(project: Path, tmp_path: Path):
    (project / "content" / "recherche.md").write_text(
        '---\ntitre: "Chercher une information"\ndescription: "Une recherche dans tout le site."\n---\n\n'
        "Tapez vos mots ci-dessous.\n\n{{< recherche >}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = run("build", "--source", project, "--out", out, "--strict")
    assert result.exit_code == 0, result.output
    html = (out / "recherche" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Chercher une information</h1>" in html and 'role="search"' in html
    urls = [p["url"] for p in json.loads((out / "recherche" / "index.json").read_text(encoding="utf-8"))["pages"]]
    assert "recherche/" not in urls and "lieux/adil03/" in urls


@given(st.text())
def test_fold_removes_every_combining_mark_and_lowers_the_case(text: str) -> None:
    """The fast path for Latin text gives what the plain definition gives, on any text."""
    decomposed = unicodedata.normalize("NFD", text)
    assert fold(text) == "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def test_fold_on_french_words() -> None:
    assert fold("Déposer sa DEMANDE à Saint-Étienne, Œuvre") == "deposer sa demande a saint-etienne, œuvre"


def test_a_very_large_index_keeps_only_the_names_of_communes_and_points(built: Path, index: dict, tmp_path: Path, monkeypatch) -> None:
    """Above FULL_INDEX_MAX (a national project's full index is 89 MB), communes and reception points
    are found by their name; the other pages keep their whole record, and the index says it is abridged."""
    from siad import search_index

    assert "abrege" not in index and len(json.dumps(index).encode()) < search_index.FULL_INDEX_MAX  # the default site: whole
    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 50_000)
    out = tmp_path / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    raw = (out / "recherche" / "index.json").read_bytes()
    small = json.loads(raw)
    assert small["abrege"] is True and len(raw) < 0.6 * len((built / "recherche" / "index.json").read_bytes())
    whole = {p["url"]: p for p in index["pages"]}
    assert [p["url"] for p in small["pages"]] == [p["url"] for p in index["pages"]]  # every page still found, same order
    for page in small["pages"]:
        if page["url"].startswith(("communes/", "lieux/")) and page["url"] not in ("communes/", "lieux/"):
            assert page == {"title": whole[page["url"]]["title"], "url": page["url"]}, page["url"]
        else:
            assert page == whole[page["url"]], page["url"]
    assert small["pages"][[p["url"] for p in small["pages"]].index("communes/cusset/")]["title"] == "Cusset"


def test_a_site_with_many_communes_and_points_is_abridged_without_reading_their_words(project: Path, tmp_path: Path, monkeypatch) -> None:
    """Above BY_NAME_PAGES pages of communes and points, the index is abridged whatever its size: the
    same index as the size rule gives, the same pages; the workers do not read those pages' words.
    Crossing the threshold between two builds renders the pages again (their cached records change)."""
    from siad import page_facts, render_site, search_index

    by_count = tmp_path / "par-nombre"
    assert run("build", "--source", project, "--out", by_count, "--jobs", "1").exit_code == 0
    assert "abrege" not in json.loads((by_count / "recherche" / "index.json").read_bytes())  # below both limits: whole
    with (project / "content" / "mutation.md").open("a", encoding="utf-8") as page:
        page.write("\nUne phrase de plus.\n")  # the next build is not a replay of the last one
    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 50_000)
    by_size = tmp_path / "par-taille"
    assert run("build", "--source", project, "--out", by_size, "--jobs", "1").exit_code == 0
    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 4 * 1024 * 1024)

    monkeypatch.setattr(search_index, "BY_NAME_PAGES", 10)
    read = []
    real = page_facts.read_page
    monkeypatch.setattr(render_site, "read_page", lambda html, base_url=None, reader=None, text=True: read.append(text) or real(html, base_url, reader, text))
    result = run("build", "--source", project, "--out", by_count, "--jobs", "1")
    assert result.exit_code == 0 and "inchangée" not in result.output, result.output  # every page rendered again
    assert read.count(False) > 40 and read.count(True) > 20  # communes and points: not read for their words
    files = sorted(p.relative_to(by_size) for p in by_size.rglob("*") if p.is_file() and ".siad" not in p.parts)
    assert files == sorted(p.relative_to(by_count) for p in by_count.rglob("*") if p.is_file() and ".siad" not in p.parts)
    for name in files:
        assert (by_size / name).read_bytes() == (by_count / name).read_bytes(), name
