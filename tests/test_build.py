"""``siad build`` and ``siad check`` on the default project (the one at the root of the repository)."""

from __future__ import annotations

import posixpath
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run, tree_hashes

CSS_HREF = re.compile(r"(?:^|/)assets/css/site\.[0-9a-f]{10}\.css$")
POINT_SLUGS = sorted(p.stem for p in (REPO_ROOT / "data" / "lieux").glob("*.yml"))
COMMUNE_COUNT = (REPO_ROOT / "data" / "communes.yml").read_text(encoding="utf-8").count("\n  - code_insee:")
GENERATED = 6  # plan-du-site/, communes/ (the commune index), donnees-ouvertes/, recherche/, mises-a-jour/ and 404.html
def _output_of(md: Path) -> str:
    """content/a/b.md → a/b/index.html; content/a/index.md → a/index.html; content/index.md → index.html."""
    parts = list(md.relative_to(REPO_ROOT / "content").with_suffix("").parts)
    if parts[-1] == "index":
        parts.pop()
    return "/".join(parts + ["index.html"])


CONTENT_PAGES = sorted(_output_of(p) for p in (REPO_ROOT / "content").rglob("*.md"))
EXTERNAL = ("http://", "https://", "mailto:", "tel:", "#")


class _PageParser(HTMLParser):
    """Collects what the tests look at: <html lang>, <h1> count, ids, and every href/src."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.h1 = 0
        self.ids: set[str] = set()
        self.links: list[tuple[str, str, dict[str, str | None]]] = []  # (tag, url, attrs)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "h1":
            self.h1 += 1
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        for name in ("href", "src"):
            value = attributes.get(name)
            if value is not None:
                self.links.append((tag, value, attributes))


def parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if ".siad" not in p.relative_to(out).parts)


def resolve_link(out: Path, page: Path, url: str) -> Path | None:
    """The output file a local link points to, or None when it leaves the site."""
    target = url.split("#", 1)[0].split("?", 1)[0]
    page_dir = page.parent.relative_to(out).as_posix()
    if target.startswith("/"):  # 404.html links from the site root (base path « / » here)
        joined = target.lstrip("/")
    else:
        joined = posixpath.join("" if page_dir == "." else page_dir, target)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return None
    path = out if normal == "." else out.joinpath(*normal.split("/"))
    if target == "" or target.endswith("/") or path.is_dir():
        return path / "index.html"
    return path


@pytest.fixture
def built(project: Path, tmp_path: Path) -> Path:
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_build_default_project(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert "erreur :" not in result.stderr
    assert "Traceback" not in result.output
    assert f"{len(CONTENT_PAGES) + len(POINT_SLUGS) + COMMUNE_COUNT + GENERATED} pages" in result.stdout
    assert (out / ".siad" / "build.json").is_file()
    assert not (project / "site").exists()


def test_expected_pages_exist(built: Path) -> None:
    assert len(POINT_SLUGS) == 15
    for name in CONTENT_PAGES + ["404.html"]:
        assert (built / name).is_file(), name
    for slug in POINT_SLUGS:
        assert (built / "lieux" / slug / "index.html").is_file(), slug
    # nothing but the content pages, the point and commune pages, and the generated ones
    assert COMMUNE_COUNT == 39
    assert len(html_pages(built)) == len(CONTENT_PAGES) + len(POINT_SLUGS) + COMMUNE_COUNT + GENERATED


def test_every_page_is_accessible_html(built: Path) -> None:
    pages = html_pages(built)
    assert pages
    for page in pages:
        name = page.relative_to(built).as_posix()
        parsed = parse(page)
        assert parsed.lang == "fr", name
        assert parsed.h1 == 1, f"{name}: {parsed.h1} <h1>"
        assert any(tag == "a" and url == "#contenu" for tag, url, _ in parsed.links), f"{name}: pas de lien d'évitement"
        assert "contenu" in parsed.ids, f"{name}: pas d'élément id=contenu"
        stylesheets = [url for tag, url, attrs in parsed.links if tag == "link" and attrs.get("rel") == "stylesheet"]
        assert len(stylesheets) == 1, f"{name}: {stylesheets}"
        assert CSS_HREF.search(stylesheets[0]), f"{name}: {stylesheets[0]}"
        css = resolve_link(built, page, stylesheets[0])
        assert css is not None and css.is_file(), f"{name}: {stylesheets[0]} introuvable"


def test_relative_links_resolve(built: Path) -> None:
    broken = []
    checked = 0
    for page in html_pages(built):
        for _tag, url, _attrs in parse(page).links:
            if url.startswith(EXTERNAL):
                continue
            target = resolve_link(built, page, url)
            checked += 1
            if target is None or not target.is_file():
                broken.append(f"{page.relative_to(built).as_posix()}: {url}")
    assert checked > 100
    assert broken == []


def test_point_data_on_its_page(built: Path) -> None:
    html = (built / "lieux" / "maison-solidarites-cusset" / "index.html").read_text(encoding="utf-8")
    assert "Maison des Solidarités départementales de Cusset" in html
    assert "04 70 34 15 72" in html
    assert 'href="tel:+33470341572"' in html
    assert "Saint-Nicolas-des-Biefs" in html  # a served commune, by name, not by INSEE code
    assert "03248" not in html
    assert "14 rue du Président Wilson" in html
    # and not on another point's page
    other = (built / "lieux" / "vichy-habitat" / "index.html").read_text(encoding="utf-8")
    assert "04 70 34 15 72" not in other
    # the list of points links to it
    listing = (built / "lieux" / "index.html").read_text(encoding="utf-8")
    assert 'href="maison-solidarites-cusset/"' in listing


def test_markdown_links_to_pages_are_rewritten(built: Path) -> None:
    home = (built / "index.html").read_text(encoding="utf-8")
    assert 'href="lieux/"' in home
    assert 'href="deposer-une-demande/"' in home
    deposit = (built / "deposer-une-demande" / "index.html").read_text(encoding="utf-8")
    assert 'href="../lieux/"' in deposit
    assert 'href="../renouveler-sa-demande/"' in deposit
    for page in html_pages(built):
        for _tag, url, _attrs in parse(page).links:
            assert not url.split("#")[0].endswith(".md"), f"{page}: {url}"


def test_two_builds_are_identical(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "un", tmp_path / "deux"
    assert run("build", "--source", project, "--out", first).exit_code == 0
    assert run("build", "--source", project, "--out", second).exit_code == 0
    assert tree_hashes(first) == tree_hashes(second)
    # rebuilding in place gives the same tree again
    assert run("build", "--source", project, "--out", first).exit_code == 0
    assert tree_hashes(first) == tree_hashes(second)


def test_default_output_is_site_folder(project: Path) -> None:
    result = run("build", "--source", project)
    assert result.exit_code == 0, result.output
    assert (project / "site" / "index.html").is_file()


def test_rebuild_replaces_previous_output(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    (out / "vieux.html").write_text("ancienne page", encoding="utf-8")
    (project / "data" / "lieux" / "evolea.yml").unlink()
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert not (out / "vieux.html").exists()
    assert not (out / "lieux" / "evolea").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sortie.")]  # no temporary folder left


@pytest.mark.parametrize("base_url", ["logement.exemple.fr", "logement.exemple.fr/siad/", "ftp://exemple.fr/"])
def test_base_url_without_scheme_is_usage_error(project: Path, tmp_path: Path, base_url: str) -> None:
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out, "--base-url", base_url)
    assert result.exit_code == 2, result.output
    assert "--base-url" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_base_url_with_scheme_is_accepted(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out, "--base-url", "https://logement.exemple.fr/siad")
    assert result.exit_code == 0, result.output
    # the 404 page is served at any depth: its links start from the base path
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/siad/lieux/"' in not_found


def test_check_writes_nothing(project: Path) -> None:
    before = tree_hashes(project)
    result = run("check", "--source", project)
    assert result.exit_code == 0, result.output
    assert "projet valide" in result.stdout
    assert not (project / "site").exists()
    assert tree_hashes(project) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["projet"]


def test_missing_description_is_a_warning(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    before = tree_hashes(out)

    page = project / "content" / "renouveler-sa-demande.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("description:")
    del lines[2]
    page.write_text("".join(lines), encoding="utf-8")

    strict = run("build", "--source", project, "--out", out, "--strict")
    assert strict.exit_code == 1, strict.output
    assert "content/renouveler-sa-demande.md:2:1: erreur : la page n'a pas de description" in strict.stderr
    assert "Traceback" not in strict.output
    assert tree_hashes(out) == before

    assert run("check", "--source", project, "--strict").exit_code == 1
    assert run("check", "--source", project).exit_code == 0

    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    warning_lines = [line for line in result.stderr.splitlines() if "avertissement" in line]
    assert any("renouveler-sa-demande.md" in line and "description" in line for line in warning_lines), result.stderr
    assert "content/renouveler-sa-demande.md:2:1: avertissement : la page n'a pas de description" in result.stderr
    # the default project has no warning of its own, only known gaps (hours to be confirmed, 2022 figures)
    baseline = run("check", "--source", REPO_ROOT).stdout
    assert "0 avertissement, 8 lacunes connues" in baseline
    assert "1 avertissement, 8 lacunes connues" in result.stdout
    assert tree_hashes(out) != before


def test_project_template_override(project: Path, tmp_path: Path) -> None:
    templates = project / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% extends "base.html" %}\n'
        "{% block content %}\n"
        '<p class="marqueur">MARQUEUR-GABARIT-PROJET</p>\n'
        "{{ page.content|safe }}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    for name in CONTENT_PAGES:
        html = (out / name).read_text(encoding="utf-8")
        assert "MARQUEUR-GABARIT-PROJET" in html, name
        assert '<html lang="fr">' in html  # base.html still comes from the built-in theme
    for slug in POINT_SLUGS:
        html = (out / "lieux" / slug / "index.html").read_text(encoding="utf-8")
        assert "MARQUEUR-GABARIT-PROJET" not in html, slug
        assert "Adresse et contacts" in html, slug  # built-in lieu.html
    assert "MARQUEUR-GABARIT-PROJET" not in (out / "404.html").read_text(encoding="utf-8")


def _commune_pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted((site / "communes").glob("*/index.html"))}


def test_a_partial_gives_what_the_include_it_replaces_gives(project: Path, tmp_path: Path) -> None:
    """commune.html lists the whole territory's points with partial() (made once, see siad.theme):
    every commune page is the same as with the {% include %} it replaces."""
    reference = tmp_path / "reference"
    assert run("build", "--source", project, "--out", reference).exit_code == 0
    builtin = (REPO_ROOT / "themes" / "default" / "templates" / "commune.html").read_text(encoding="utf-8")
    call = '{{ partial("_point_list.html", points=commune.common_points) }}'
    assert call in builtin
    templates = project / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "commune.html").write_text(
        builtin.replace(call, '{% with points = commune.common_points %}{% include "_point_list.html" %}{% endwith %}'), encoding="utf-8")
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    pages = _commune_pages(reference)
    assert sum("Pour tout le territoire" in html for html in pages.values()) > 30  # but where the common point is
    assert _commune_pages(out) == pages


def test_a_project_template_given_to_partial_that_reads_the_page_is_made_for_each_page(project: Path, tmp_path: Path) -> None:
    templates = project / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    builtin = (REPO_ROOT / "themes" / "default" / "templates" / "_point_list.html").read_text(encoding="utf-8")
    (templates / "_point_list.html").write_text(builtin.replace("</ul>", '<li class="pour">Pour {{ page.title }}</li>\n</ul>'), encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    pages = {name: html for name, html in _commune_pages(out).items() if "Pour tout le territoire" in html}
    assert len(pages) > 30
    for name, html in pages.items():
        title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1].strip()
        common = html[html.index("Pour tout le territoire"):]
        assert f'<li class="pour">Pour {title}</li>' in common[:common.index("</ul>") + 5], name


def test_project_asset_override(project: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    assert run("build", "--source", project, "--out", reference).exit_code == 0
    default_css = sorted((reference / "assets" / "css").glob("site.*.css"))
    assert len(default_css) == 1

    css_dir = project / "themes" / "default" / "assets" / "css"
    css_dir.mkdir(parents=True)
    (css_dir / "site.css").write_text("/* MARQUEUR-CSS-PROJET */\nbody { color: #222; }\n", encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output

    built_css = sorted((out / "assets" / "css").glob("site.*.css"))
    assert len(built_css) == 1
    assert CSS_HREF.search("assets/css/" + built_css[0].name)
    assert "MARQUEUR-CSS-PROJET" in built_css[0].read_text(encoding="utf-8")
    assert built_css[0].name != default_css[0].name
    href = parse(out / "index.html").links
    assert any(url == f"assets/css/{built_css[0].name}" for _t, url, _a in href)
    # the other assets still come from the built-in theme, unchanged
    for logical in ("js", "favicon"):
        assert sorted(p.name for p in (out / "assets").rglob("*") if logical in p.as_posix()) == sorted(
            p.name for p in (reference / "assets").rglob("*") if logical in p.as_posix()
        )


@pytest.mark.parametrize("where", ["projet", "parent", "data"])
def test_output_over_the_project_is_refused(project: Path, where: str) -> None:
    out = {"projet": project, "parent": project.parent, "data": project / "data" / "site"}[where]
    before = tree_hashes(project.parent)
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 2, result.output
    assert "siad :" in result.stderr
    assert "Traceback" not in result.output
    assert tree_hashes(project.parent) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["projet"]
    assert not (project / "data" / "site").exists()


def test_foreign_output_folder_is_refused(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "documents"
    (out / "sous-dossier").mkdir(parents=True)
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    (out / "sous-dossier" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    before = tree_hashes(out)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 2, result.output
    assert "n'a pas été produit par siad" in result.stderr
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_empty_existing_output_folder_is_accepted(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "vide"
    out.mkdir()
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()


def test_output_is_independent_of_project_location(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ailleurs" / "autre-nom"
    elsewhere.parent.mkdir()

    shutil.copytree(project, elsewhere)
    first, second = tmp_path / "un", tmp_path / "deux"
    assert run("build", "--source", project, "--out", first).exit_code == 0
    assert run("build", "--source", elsewhere, "--out", second).exit_code == 0
    assert tree_hashes(first) == tree_hashes(second)
    for page in html_pages(first):
        assert str(tmp_path) not in page.read_text(encoding="utf-8"), page


def test_output_path_that_is_a_file_is_refused(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie.html"
    out.write_text("à garder", encoding="utf-8")
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 2, result.output
    assert out.read_text(encoding="utf-8") == "à garder"


def test_missing_project_is_usage_error(tmp_path: Path) -> None:
    result = run("build", "--source", tmp_path, "--out", tmp_path / "sortie")
    assert result.exit_code == 2, result.output
    assert "siad.yml" in result.stderr
    assert not (tmp_path / "sortie").exists()


def test_data_is_escaped_in_html(project: Path, tmp_path: Path) -> None:
    point = project / "data" / "lieux" / "evolea.yml"
    text = point.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^nom: .*$", 'nom: "Évoléa <script>alert(1)</script> & Cie"', text, count=1)
    point.write_text(text, encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("lieux/evolea/index.html", "lieux/index.html"):
        html = (out / name).read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie" in html, name


def test_static_file_in_content_is_copied_and_linked(project: Path, tmp_path: Path) -> None:
    documents = project / "content" / "documents"
    documents.mkdir()
    (documents / "guide.pdf").write_bytes(b"%PDF-1.4 guide\n")
    page = project / "content" / "deposer-une-demande.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nLisez le [guide du demandeur](documents/guide.pdf).\n", encoding="utf-8"
    )
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "documents" / "guide.pdf").read_bytes() == b"%PDF-1.4 guide\n"
    html = (out / "deposer-une-demande" / "index.html").read_text(encoding="utf-8")
    assert 'href="../documents/guide.pdf"' in html


def test_points_index_is_generated_without_content_page(project: Path, tmp_path: Path) -> None:
    (project / "content" / "lieux" / "index.md").unlink()
    for md in (project / "content").glob("*.md"):
        md.write_text(md.read_text(encoding="utf-8").replace("(lieux/index.md)", "(deposer-une-demande.md)"), encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    listing = (out / "lieux" / "index.html").read_text(encoding="utf-8")
    for slug in POINT_SLUGS:
        assert f'href="{slug}/"' in listing, slug


def test_content_is_listed_folder_by_folder_without_hidden_files(project, tmp_path):
    """Every file of content/ is found, in every folder, hidden files and folders left out, and a
    file's suffix is what follows its last dot, as pathlib says (« fiche.tar.gz » is not a page and
    its stem « fiche.tar » no address)."""
    content = project / "content"
    page = '---\ntitre: "Page"\ndescription: "Une page."\n---\n\nTexte.\n'
    for rel in ("a-b/Deux.md", "a/Un.md", ".brouillons/cachee.md", ".note.md", "aide/point.md"):
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(page, encoding="utf-8")
    (content / "aide" / "fiche.tar.gz").write_bytes(b"\x1f\x8b")
    out = tmp_path / "site"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 1
    refused = re.findall(r"^(content/\S+): erreur : le nom « ([^»]+) »", result.stderr, flags=re.M)
    assert sorted(refused) == [("content/a-b/Deux.md", "Deux"), ("content/a/Un.md", "Un"), ("content/aide/fiche.tar.gz", "fiche.tar")]
    assert "cachee" not in result.stderr and ".note" not in result.stderr

    for rel in ("a-b/Deux.md", "a/Un.md", "aide/fiche.tar.gz"):
        (content / rel).unlink()
    (content / "aide" / "fiche.pdf").write_bytes(b"%PDF-1.4\n")
    assert run("build", "--source", project, "--out", out).exit_code == 0
    assert (out / "aide" / "fiche.pdf").read_bytes() == b"%PDF-1.4\n"
    assert (out / "aide" / "point" / "index.html").is_file()
    assert not (out / ".brouillons").exists() and not (out / ".note").exists() and not (out / "brouillons").exists()
