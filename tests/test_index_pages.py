"""Index pages that scale (siad/index_pages.py): above a threshold the lists of communes and of
reception points are split into parts, by department, then by first letter or level, then in
numbered pages; every page stays under the page budget and every commune and point is reached from
its index through the parts.

The projects come from bench/national.py: the communes of two whole departments (Pas-de-Calais
and Nord, 1,534 communes, 600 points) at the real thresholds, and a small national sample with the
thresholds lowered, so that every way of splitting shows up in a few seconds.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXED_BUILD_EPOCH, REPO_ROOT, run
from test_site_files import PAGE_BUDGET

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import national  # noqa: E402
from siad import index_pages, reference, search_index  # noqa: E402
from siad.search_index import fold  # noqa: E402

BASE_URL = "https://logement.exemple.fr/"


class _Links(HTMLParser):
    """The links of a page's <main>, and its parts navigation (current link, label)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main = False
        self.links: list[str] = []
        self.navs: list[tuple[str, list[str]]] = []  # (aria-label, hrefs marked aria-current)
        self.in_nav = False
        self.breadcrumb: list[str] = []
        self.in_breadcrumb = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.main = True
        if tag == "nav" and "breadcrumb" in (a.get("class") or ""):
            self.in_breadcrumb = True
        if tag == "nav" and "parts-nav" in (a.get("class") or ""):
            self.in_nav = True
            self.navs.append((a.get("aria-label") or "", []))
        if tag == "a" and a.get("href"):
            if self.main:
                self.links.append(a["href"])
            if self.in_nav and a.get("aria-current") == "page":
                self.navs[-1][1].append(a["href"])
            if self.in_breadcrumb:
                self.breadcrumb.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "main":
            self.main = False
        if tag == "nav":
            self.in_nav = self.in_breadcrumb = False


def _parse(site: Path, url: str) -> _Links:
    parser = _Links()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser


def _resolve(url: str, href: str) -> str | None:
    """A link of the page at ``url`` as a page URL from the site root (« communes/ain/ »), or None."""
    if href.startswith(("http:", "https:", "mailto:", "tel:", "#")):
        return None
    target = posixpath.normpath(posixpath.join(url, href.split("#")[0]))
    return "" if target == "." else target.strip("/") + "/"


def _reached(site: Path, start: str, within: str) -> set[str]:
    """Every page under ``within`` reached from ``start`` by following links."""
    seen, todo = {start}, [start]
    while todo:
        url = todo.pop()
        if not (site / url / "index.html").is_file():
            continue
        for href in _parse(site, url).links:
            target = _resolve(url, href)
            if target is not None and target.startswith(within) and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _pages(site: Path, folder: str) -> set[str]:
    """The pages one level under ``folder``, as URLs (« communes/ain/ »)."""
    return {p.parent.relative_to(site).as_posix() + "/" for p in (site / folder).glob("*/index.html")}


def _generate(root: Path, communes: list[reference.OfficialCommune], points: int, monkeypatch) -> Path:
    monkeypatch.setattr(national, "official_communes", lambda count=None, unique_urls=False: communes)
    national.generate(root, communes=len(communes), points=points, pages=8)
    return root


def _check_split_site(site: Path, project: Path, points: int) -> None:
    # Every page under the budget.
    heavy = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html") if p.stat().st_size > PAGE_BUDGET}
    assert not heavy, f"pages de plus de 60 Ko : {heavy}"

    # Every commune and every point is reached from its index, through the parts.
    commune_pages = {u for u in _pages(site, "communes") if not re.match(r"communes/(departement|lettre|page)-", u)}
    assert commune_pages and commune_pages <= _reached(site, "communes/", "communes/")
    point_pages = {u for u in _pages(site, "lieux") if not re.match(r"lieux/(departement|niveau|page)-", u)}
    assert len(point_pages) == points
    assert point_pages <= _reached(site, "lieux/", "lieux/")

    # Each part: its navigation marks it, once, as the current part; its breadcrumb goes through its index.
    parts = [p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
             if re.fullmatch(r"(communes|lieux)/(.+/)?(departement|lettre|niveau|page)-[^/]+/index\.html", p.relative_to(site).as_posix())]
    assert parts
    for url in parts:
        page = _parse(site, url)
        assert len(page.navs) == 1, url
        label, current = page.navs[0]
        assert label and [_resolve(url, h) for h in current] == [url], (url, current)
        crumbs = [_resolve(url, h) for h in page.breadcrumb]
        parent = url.rsplit("/", 2)[0] + "/"
        assert crumbs[-1] == parent and crumbs[1] in ("communes/", "lieux/"), (url, crumbs)

    # The site map links to the parts, not to every commune; it and the search page stay small.
    sitemap = _parse(site, "plan-du-site/")
    linked = {_resolve("plan-du-site/", h) for h in sitemap.links}
    assert not (linked & commune_pages) and not (linked & point_pages)
    assert {"communes/departement-62/", "lieux/departement-59/"} <= linked
    search = (site / "recherche" / "index.html").read_text(encoding="utf-8")
    assert "data-racine=" in search and "Les pages principales du site" in search
    listed = re.findall(r'<li data-page="([^"]*)"><a href="[^"]*">([^<]*)</a>', search)
    assert {"", "communes/", "lieux/", "plan-du-site/"} <= {u for u, _ in listed} and len(listed) < 30  # the main pages only
    assert listed == sorted(listed, key=lambda item: (fold(html.unescape(item[1])), item[0]))  # in alphabetical order
    # sitemap.xml has every page, parts included.
    locs = set(re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))
    assert {BASE_URL + u for u in parts} <= locs


@pytest.fixture(scope="module")
def two_departments(tmp_path_factory) -> Path:
    """Pas-de-Calais (887 communes) and Nord (647), 600 reception points, built under --strict."""
    root = tmp_path_factory.mktemp("deux-departements")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)
        communes = [c for c in national.official_communes() if c.insee[:2] in ("59", "62")]
        project = _generate(root / "projet", communes, 600, patch)
        result = run("build", "--source", project, "--out", root / "site", "--strict", "--base-url", BASE_URL)
    assert result.exit_code == 0, result.output + result.stderr
    return root / "site"


def test_two_whole_departments_at_the_real_thresholds(two_departments: Path):
    """Split by department, then by letter; the reception points by department, then level, then in pages."""
    out = two_departments
    _check_split_site(out, out.parent / "projet", 600)
    index = (out / "communes" / "index.html").read_text(encoding="utf-8")
    assert "1\u202f534 communes. Choisissez le département :" in index
    assert 'href="departement-59/">Nord (59)</a> <span class="part-count">647 communes</span>' in index
    letters = _parse(out, "communes/departement-62/lettre-a/")
    assert letters.navs[0][0] == "Communes du Pas-de-Calais par première lettre"
    page = (out / "communes" / "departement-62" / "lettre-a" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Communes du Pas-de-Calais commençant par A</h1>" in page
    assert re.search(r'<p class="lead">Les \d+ communes du Pas-de-Calais commençant par A : ', page)
    assert 'href="../../ablain-saint-nazaire/">Ablain-Saint-Nazaire</a>' in page
    # The figures table of the 1,534 communes: by department, each linked to its communes.
    figures = (out / "chiffres" / "index.html").read_text(encoding="utf-8")
    assert "<caption>Les départements du territoire" in figures
    assert '<a href="../communes/departement-62/">Pas-de-Calais (62)</a>' in figures
    assert 'href="../donnees/communes.csv"' in figures


def test_every_way_of_splitting_with_lowered_thresholds(tmp_path, monkeypatch):
    """A small sample with the thresholds lowered: letters, levels and numbered pages all appear."""
    monkeypatch.setattr(index_pages, "COMMUNES_PER_PAGE", 12)
    monkeypatch.setattr(index_pages, "POINTS_PER_PAGE", 6)
    monkeypatch.setattr(index_pages, "SEARCH_LIST_MAX", 50)
    monkeypatch.setattr(index_pages, "FIGURE_ROWS_MAX", 20)
    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 20_000)  # and the search index abridged
    communes = [c for c in national.official_communes() if c.insee[:2] in ("59", "62")][::12]
    project = _generate(tmp_path / "projet", communes, 60, monkeypatch)
    out = tmp_path / "site"

    result = run("build", "--source", project, "--out", out, "--strict", "--base-url", BASE_URL)

    assert result.exit_code == 0, result.output + result.stderr
    _check_split_site(out, project, 60)
    urls = {p.parent.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert any(re.fullmatch(r"communes/departement-62/lettre-[a-z]", u) for u in urls)
    assert any(re.fullmatch(r"lieux/departement-\d\d/niveau-\d", u) for u in urls)
    assert any(re.search(r"/page-2$", u) for u in urls)
    # The abridged search index: communes, points and the parts of their lists by title; the other pages whole.
    index = json.loads((out / "recherche" / "index.json").read_text(encoding="utf-8"))
    assert index["abrege"] is True
    by_url = {p["url"]: p for p in index["pages"]}
    parts = [u + "/" for u in urls if re.fullmatch(r"(communes|lieux)/(departement|lettre|niveau|page)-.*", u.split("/", 1)[0] + "/" + u.split("/")[-1])]
    assert parts and all(set(by_url[u]) == {"title", "url"} for u in parts)
    assert by_url["communes/departement-62/"]["title"] == "Communes du Pas-de-Calais"
    assert "text" in by_url["cotation/"] and set(by_url["communes/"]) > {"title", "url"}  # the index itself stays whole


def test_a_single_department_is_split_by_letter_and_its_figures_show_the_largest_communes(tmp_path, monkeypatch):
    monkeypatch.setattr(index_pages, "COMMUNES_PER_PAGE", 40)
    monkeypatch.setattr(index_pages, "FIGURE_ROWS_MAX", 25)
    communes = [c for c in national.official_communes() if c.insee[:2] == "03"][:90]
    project = _generate(tmp_path / "projet", communes, 12, monkeypatch)
    out = tmp_path / "site"

    result = run("build", "--source", project, "--out", out, "--strict")

    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "communes" / "lettre-b" / "index.html").is_file()
    assert not (out / "communes" / "departement-03").exists()
    assert _parse(out, "communes/lettre-b/").navs[0][0] == "Communes par première lettre"
    figures = (out / "chiffres" / "index.html").read_text(encoding="utf-8")
    assert "<caption>Les 25 communes qui ont le plus de logements sociaux" in figures
    assert figures.count('<tr><th scope="row"><a href=') == 25


def test_a_part_address_taken_by_a_reception_point_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(index_pages, "POINTS_PER_PAGE", 5)
    communes = [c for c in national.official_communes() if c.insee[:2] in ("59", "62")][::40]
    project = _generate(tmp_path / "projet", communes, 20, monkeypatch)
    first = sorted((project / "data" / "lieux").glob("*.yml"))[0]
    first.rename(first.with_name("departement-59.yml"))

    result = run("check", "--source", project)

    assert result.exit_code == 1
    assert "aurait la même adresse « /lieux/departement-59/ »" in result.stderr


def test_an_unknown_part_is_an_error(project: Path):
    (project / "content" / "liste.md").write_text("---\ntitre: Liste\ndescription: Une liste.\n---\n\n{{< communes partie=departement-03 >}}\n", encoding="utf-8")

    result = run("check", "--source", project)

    assert result.exit_code == 1
    assert "partie « departement-03 » inconnue pour le bloc « communes »" in result.stderr
    assert "cette liste tient sur une page" in result.stderr


def test_the_default_site_is_not_split(tmp_path: Path):
    out = tmp_path / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    assert not list(out.glob("communes/departement-*")) and not list(out.glob("lieux/departement-*"))
    for page in ("communes", "lieux", "plan-du-site", "recherche", "chiffres"):
        html = (out / page / "index.html").read_text(encoding="utf-8")
        assert "parts-nav" not in html and "data-racine" not in html and "index-total" not in html, page
    assert "data-communes-list=" in (out / "lieux" / "index.html").read_text(encoding="utf-8")


def test_department_names_take_their_article():
    assert reference.department("59").of_name == "du Nord"
    assert reference.department("01").of_name == "de l'Ain"
    assert reference.department("40").of_name == "des Landes"
    assert reference.department("2A").of_name == "de la Corse-du-Sud"
    assert reference.department_code("97411") == "974" and reference.department_code("2B033") == "2B"
    assert reference.department("99").name == "Département 99"


SPLIT_PAGES = [
    "communes/", "communes/departement-62/", "communes/departement-62/lettre-a/", "lieux/", "lieux/departement-59/",
    "lieux/departement-59/niveau-1/", "lieux/departement-59/niveau-1/page-1/", "plan-du-site/", "recherche/", "chiffres/",
]


def test_split_pages_pass_axe_and_the_search_finds_pages_it_does_not_list(two_departments: Path, chromium):
    """The accessibility gate (axe-core, WCAG A and AA) on each kind of split page; on the search page
    of a large site, which lists only the main pages, the script adds the results it finds."""
    import browser

    with browser.serve(two_departments) as origin:
        context = chromium.new_context(locale="fr-FR")
        try:
            page = context.new_page()
            problems = {}
            for url in SPLIT_PAGES:
                page.goto(f"{origin}/{url}")
                found = browser.axe_problems(page)
                if found:
                    problems[url] = found
            assert not problems, problems
            page.goto(f"{origin}/recherche/?q=Ablain-Saint-Nazaire")
            page.wait_for_function("() => document.querySelector('.search-status').textContent.includes('résultat')")
            link = page.locator(".search-list li:not([hidden]) a", has_text="Ablain-Saint-Nazaire").first
            assert link.get_attribute("href") == "../communes/ablain-saint-nazaire/"
        finally:
            context.close()


def test_a_point_edit_renders_only_the_parts_that_list_it(tmp_path, monkeypatch):
    """The parts of the split points' index depend on the files of the points they list and on the
    index's shape: an edit renders one part again, a level change the shape; both equal a cold build."""
    from conftest import tree_hashes

    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)
    monkeypatch.setattr(index_pages, "COMMUNES_PER_PAGE", 12)
    monkeypatch.setattr(index_pages, "POINTS_PER_PAGE", 6)
    communes = [c for c in national.official_communes() if c.insee[:2] in ("59", "62")][::12]
    project = _generate(tmp_path / "projet", communes, 60, monkeypatch)
    out = tmp_path / "site"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    parts = sum(1 for p in (out / "lieux").rglob("index.html") if re.search(r"/(departement|niveau|page)-", p.as_posix()))
    assert parts > 10

    def rendered_after(edit) -> int:
        edit()
        result = run("build", "--source", project, "--out", out)
        assert result.exit_code == 0, result.output
        cold = tmp_path / "froid"
        assert run("build", "--source", project, "--out", cold, "--clean").exit_code == 0
        assert tree_hashes(out) == tree_hashes(cold)
        return int(re.search(r"\((\d+) pages? rendues?", result.stdout)[1])

    point = next(p for p in sorted((project / "data" / "lieux").glob("*.yml")) if re.search(r'^telephone: "', p.read_text(encoding="utf-8"), re.M))
    text = point.read_text(encoding="utf-8")
    phone = re.search(r'^telephone: "([^"]+)"', text, re.M)
    changed = phone[1][:-1] + ("1" if phone[1][-1] != "1" else "2")
    # Fewer pages than there are parts: before, every part was rendered again (32 pages here).
    assert rendered_after(lambda: point.write_text(text.replace(phone[1], changed), encoding="utf-8")) < parts

    level = re.search(r"^niveau: (\d)$", point.read_text(encoding="utf-8"), re.M)
    other = "1" if level[1] != "1" else "2"
    rendered_after(lambda: point.write_text(point.read_text(encoding="utf-8").replace(f"niveau: {level[1]}", f"niveau: {other}"), encoding="utf-8"))


def test_homonym_communes_are_told_apart_by_their_department_in_an_abridged_search_index(tmp_path, monkeypatch):
    """Three « Saint-Martin »: found by name, each with its department under it (and searchable by it)."""
    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 10_000)
    everyone = national.official_communes()
    homonyms = [c for c in everyone if c.name == "Saint-Martin"][:3]
    assert len(homonyms) == 3
    communes = homonyms + [c for c in everyone if c.insee[:2] == "03"][:30]
    project = _generate(tmp_path / "projet", communes, 12, monkeypatch)
    out = tmp_path / "site"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output + result.stderr
    index = json.loads((out / "recherche" / "index.json").read_text(encoding="utf-8"))
    assert index["abrege"] is True
    found = {p["url"]: p for p in index["pages"] if p["title"] == "Saint-Martin"}
    expected = {f"communes/saint-martin-{c.insee.lower()}/":
                f"{reference.department(reference.department_code(c.insee)).name} ({reference.department_code(c.insee)})" for c in homonyms}
    assert {url: page.get("description") for url, page in found.items()} == expected
    assert len(set(expected.values())) == 3
    others = [p for p in index["pages"] if re.fullmatch(r"communes/[a-z0-9-]+/", p["url"]) and p["title"] != "Saint-Martin"]
    assert len(others) == 30 and all(set(p) == {"title", "url"} for p in others)  # a name of its own: nothing added
