"""The whole site in memory: every page with its URL, output path, menu and breadcrumb."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import cached_property
from dataclasses import dataclass, field

from .config import Config
from .content import SourcePage, StaticFile
from .data import Point, SiteData
from .data.communes import Commune
from .markup import slugify
from .errors import Location, Report
from .french import at, of
from .indicators import format_int
from .glossary import Glossary
from .index_pages import Indexes, plan_indexes

POINTS_URL = "lieux/"
# Pages linked from every footer when the project has them.
ACCESSIBILITY_URL = "accessibilite/"
SITEMAP_URL = "plan-du-site/"
COMMUNES_URL = "communes/"
OPEN_DATA_URL = "donnees-ouvertes/"
SEARCH_URL = "recherche/"
UPDATES_URL = "mises-a-jour/"
FOOTER_URLS = (SITEMAP_URL, UPDATES_URL, "glossaire/", OPEN_DATA_URL, "mentions-legales/", ACCESSIBILITY_URL)
NOT_FOUND_OUTPUT = "404.html"


@dataclass
class Page:
    url: str
    title: str
    template: str
    source: str
    description: str | None = None
    menu: int | None = None
    menu_title: str | None = None
    markdown: SourcePage | None = None
    point: Point | None = None
    commune: Commune | None = None

    @cached_property  # asked a million times by a national build; a page's address never changes
    def output(self) -> str:
        if self.template == "404.html":
            return NOT_FOUND_OUTPUT
        return self.url + "index.html"


@dataclass
class Site:
    config: Config
    data: SiteData
    pages: list[Page]
    static_files: list[StaticFile] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)
    indexes: Indexes | None = None  # the communes' and the points' index pages, split when long

    def __post_init__(self) -> None:
        # Every rendered page looks several pages up (menu, footer, breadcrumb): a dictionary, not a scan.
        self._by_url: dict[str, Page] = {}
        if self.indexes is None:
            self.indexes = plan_indexes(self.data, COMMUNES_URL, POINTS_URL)
        for p in self.pages:
            if p.template != "404.html":
                self._by_url.setdefault(p.url, p)

    def page(self, url: str) -> Page | None:
        """The page at ``url`` (never the 404); the site's pages are planned once and not changed after."""
        return self._by_url.get(url)

    def footer_pages(self) -> list[Page]:
        return [page for page in (self.page(url) for url in FOOTER_URLS) if page is not None]

    @cached_property
    def open_data(self) -> list:
        """The open-data files (:func:`siad.opendata.open_data_files`), made once per build: the
        « Données ouvertes » page shows their sizes and the build writes them."""
        from .opendata import open_data_files

        territory = self.data.territory
        return open_data_files(self.data, self.config.siren, territory.source_date if territory else None)

    @cached_property
    def updates(self) -> list:
        """The dated changes of the « Dernières mises à jour » page and feed (:mod:`siad.updates`), made once per build."""
        from .updates import dated_changes

        return dated_changes(self)

    @cached_property
    def menu(self) -> list[Page]:
        """The menu's pages (computed once: the pages are planned once and not changed after)."""
        entries = [p for p in self.pages if p.menu is not None]
        return sorted(entries, key=lambda p: (p.menu, p.url))

    def breadcrumb(self, page: Page) -> list[Page]:
        """The pages above ``page``, home first; empty for the home page."""
        if page.url == "" or page.template == "404.html":
            return []
        trail = []
        parts = page.url.strip("/").split("/")
        for depth in range(len(parts)):
            ancestor = self.page("".join(part + "/" for part in parts[:depth]))
            if ancestor is not None:
                trail.append(ancestor)
        return trail


def build_site(config: Config, data: SiteData, sources: list[SourcePage], static: list[StaticFile], report: Report, glossary: Glossary | None = None) -> Site:
    """Plan every page; two sources claiming one URL is an error."""
    pages: list[Page] = []
    for src in sources:
        pages.append(
            Page(
                url=src.url,
                title=src.title,
                template="page.html",
                source=src.source,
                description=src.description,
                menu=src.menu,
                menu_title=src.menu_title,
                markdown=src,
            )
        )
    if not any(p.url == POINTS_URL for p in pages):
        pages.append(_default_points_index())
    for point in data.points:
        pages.append(
            Page(
                url=f"{POINTS_URL}{point.slug}/",
                title=point.name,
                template="lieu.html",
                source=point.source,
                description=(
                    f"Adresse, contacts et horaires {of(point.name)}, lieu d'accueil des demandeurs de logement social."
                    if point.address or point.phones or point.email or point.website
                    else f"{point.name}, lieu d'accueil des demandeurs de logement social : ce que le plan partenarial en publie."
                ),
                point=point,
            )
        )
    if data.communes and not any(p.url == COMMUNES_URL for p in pages):
        pages.append(_generated_page(COMMUNES_URL, "Votre commune", f"Les {format_int(len(data.communes))} communes {of(config.territory)} : où vous adresser et les chiffres du logement social dans chacune.", "{{< communes >}}\n"))
    for commune in sorted(data.communes.values(), key=lambda c: slugify(c.name)):
        pages.append(
            Page(
                url=commune_url(commune),
                title=commune.name,
                template="commune.html",
                source="data/communes.yml",
                description=f"Demander un logement social {at(commune.name)} : où vous adresser, le nombre de logements sociaux et l'attente.",
                commune=commune,
            )
        )
    if not any(p.url == OPEN_DATA_URL for p in pages):
        pages.append(_generated_page(OPEN_DATA_URL, "Données ouvertes", "Les lieux d'accueil, les communes et la grille de cotation en fichiers JSON et CSV, réutilisables.", "{{< donnees-ouvertes >}}\n"))
    if not any(p.url == SEARCH_URL for p in pages):
        pages.append(_generated_page(SEARCH_URL, "Rechercher sur le site", "Trouver les pages du site qui parlent de ce que vous cherchez.", "{{< recherche >}}\n"))
    if not any(p.url == UPDATES_URL for p in pages):
        pages.append(_generated_page(UPDATES_URL, "Dernières mises à jour", "Ce qui a changé sur le site et quand : horaires, coordonnées, chiffres, règles ; aussi en flux Atom.", "{{< mises-a-jour >}}\n"))
    if not any(p.url == SITEMAP_URL for p in pages):
        pages.append(_generated_page(SITEMAP_URL, "Plan du site", "Toutes les pages du site, pour trouver rapidement une information.", "{{< plan-du-site >}}\n"))
    indexes = plan_indexes(data, COMMUNES_URL, POINTS_URL)
    for part in indexes.communes.walk():
        pages.append(_generated_page(part.url, part.title, part.description, f"{{{{< communes partie={part.path} >}}}}\n"))
    for part in indexes.points.walk():
        pages.append(_generated_page(part.url, part.title, part.description, f"{{{{< lieux-accueil partie={part.path} >}}}}\n"))
    pages.append(Page(url="", title="Page introuvable", template="404.html", source="(siad)"))
    _check_collisions(pages, static, report)
    return Site(config, data, pages, static, glossary or Glossary(), indexes)


def _default_points_index() -> Page:
    return _generated_page(POINTS_URL, "Les lieux d'accueil", "Où s'informer et déposer sa demande de logement social.", "{{< lieux-accueil >}}\n")


def commune_url(commune: Commune) -> str:
    return f"{COMMUNES_URL}{commune.slug or slugify(commune.name)}/"


def _generated_page(url: str, title: str, description: str, body: str) -> Page:
    src = SourcePage(source="(siad)", url=url, title=title, body=body, body_line=1)
    return Page(url=url, title=title, template="page.html", source=src.source, description=description, markdown=src)


def _check_collisions(pages: list[Page], static: list[StaticFile], report: Report) -> None:
    seen: dict[str, str] = {}
    for page in pages:
        other = seen.get(page.output)
        if other is not None:
            report.error(
                Location(page.source),
                f"cette page aurait la même adresse « /{page.url} » que {other}",
                "renommez l'un des deux fichiers",
            )
        seen[page.output] = page.source
    for item in static:
        if item.url in seen or item.url.startswith("assets/"):
            report.error(
                Location(f"content/{item.url}"),
                f"ce fichier écraserait « /{item.url} », déjà produit par siad",
                "renommez-le ou déplacez-le",
            )


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url`` (both relative to the site root)."""
    if to_url.startswith(_NOT_RELATIVE):
        return to_url
    target, _, fragment = to_url.partition("#")
    start = from_url.rstrip("/") or "."
    return _link_text(_relpath(target or ".", start), target, fragment)


def _link_text(rel: str, target: str, fragment: str) -> str:
    """The link from its relative path: « ./ » for the page's own folder, a folder's final « / »
    kept, the fragment put back."""
    if rel == ".":
        rel = "./"
    elif (target.endswith("/") or target == "") and not rel.endswith("/"):
        rel += "/"
    return rel + ("#" + fragment if fragment else "")


_NOT_RELATIVE = ("http://", "https://", "mailto:", "tel:", "#")


def links_from(from_url: str) -> Callable[[str], str]:
    """:func:`relative_url` from one page, for the hundreds of links it renders: its folders are
    split once, and an ordinary address (no « .. », « ./ », « // ») is made by comparing prefixes."""
    here = [part for part in (from_url.rstrip("/") or ".").split("/") if part and part != "."]
    if ".." in here or from_url.startswith("/"):
        return lambda to_url: relative_url(from_url, to_url)
    # from the deepest common folder up: (its path with a final « / », how many « .. » lead there)
    folders = [("/".join(here[:k]) + "/" if k else "", len(here) - k) for k in range(len(here), -1, -1)]

    def link(to_url: str) -> str:
        if to_url.startswith(_NOT_RELATIVE):
            return to_url
        target, _, fragment = to_url.partition("#")
        if target.startswith("/") or "//" in target or "/." in "/" + target:
            return relative_url(from_url, to_url)
        slashed = target + "/"
        for folder, ups in folders:
            if slashed.startswith(folder):
                rest = target[len(folder):].rstrip("/")
                break
        return _link_text("/".join([".."] * ups + [rest] if rest else [".."] * ups) or ".", target, fragment)

    return link


def _relpath(target: str, start: str) -> str:
    """``posixpath.relpath`` for paths relative to the site root, without its calls to the file system
    (it makes both paths absolute from the current folder): called hundreds of thousands of times."""
    if ".." in target or ".." in start or target.startswith("/") or start.startswith("/"):
        return posixpath.relpath(target, start)
    to = [part for part in target.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, here):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."
