"""Shortcodes: the only way content pages show data. One context builder per shortcode.

A content page writes ``{{< name arg=value >}}`` alone on a line; siad checks the name and the
arguments, builds ready-made views from the site's data, and renders ``shortcodes/<name>.html``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from .commune_views import commune_links, communes_received, top_level
from .cotation import Grid, Situation, score
from .data.documents import Documents
from .errors import Location, Report
from .figure_views import communes_table, departments_table, key_figures, table_view
from .french import of
from .reference import department, department_code
from .indicators import format_int
from .opendata import OPEN_DATA_DIR
from . import index_pages
from .index_pages import Part, SplitIndex, part_view
from .model import COMMUNES_URL, POINTS_URL, SITEMAP_URL, Site
from .schema import suggestion
from .search_index import SEARCH_INDEX, fold, indexed
from .updates import page_context as updates_context
from .views import Link, PointGroup, PointSummary, delay_views, french_date, level_view, phone_contacts, place_of, site_contacts, unknown_level


class ShortcodeError(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class CriterionRow:
    label: str
    points: str  # « 30 » or « non publiés » (the published grid leaves the cell empty)
    priority: bool
    manual: bool


@dataclass(frozen=True)
class FamilyView:
    name: str
    rule: str
    rows: list[CriterionRow]
    has_priority: bool  # the source marks priority criteria (*) in this family


def _part(index: SplitIndex, args: dict[str, str], name: str) -> Part | None:
    """The part of a split index that ``partie=`` names (the generated part pages use it), or None for the whole index."""
    path = args.get("partie")
    if path is None:
        return None
    part = index.by_path.get(path)
    if part is None:
        known = list(index.by_path)
        hint = ("parties de la liste : " + ", ".join(known[:6]) + (" …" if len(known) > 6 else "")) if known else "cette liste tient sur une page : elle n'a pas de partie"
        raise ShortcodeError(f"partie « {path} » inconnue pour le bloc « {name} »", hint)
    return part


def _received(point, top: int) -> str:
    received = communes_received(point, top)
    return "*" if received is None else " ".join(sorted(received))


def _lieux(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    index = site.indexes.points
    part = _part(index, args, "lieux-accueil")
    view = part_view(index, part, url) if index.split else None
    groups = []
    top = top_level(site.data.points) if view is None else 0  # only the filter of an unsplit index needs it
    shown = [] if view and view.parts else (part.items if part else index.items)  # by level, then name
    by_level: dict[int, list] = {}
    for point in shown:
        by_level.setdefault(point.level, []).append(point)
    for number, points in sorted(by_level.items()):
        level = site.data.levels.get(number)
        # The directory filter (site.js) needs every commune: only on an index that is not split.
        summaries = [PointSummary(p.name, url(f"{POINTS_URL}{p.slug}/"), place_of(p), (phone_contacts(p) or [None])[0], None if view else _received(p, top)) for p in points]
        groups.append(PointGroup(level_view(level) if level else unknown_level(number), summaries))
    if "niveau" in args:
        wanted = args["niveau"]
        if not _whole(wanted) or int(wanted) not in site.data.levels:
            levels = ", ".join(str(n) for n in site.data.levels)
            raise ShortcodeError(f"niveau « {wanted} » inconnu", f"niveaux définis dans data/niveaux.yml : {levels}")
        groups = [g for g in groups if g.level.number == int(wanted)]
    choices = None
    if view is None:
        communes = sorted(site.data.communes.values(), key=lambda c: c.name)
        choices = json.dumps([[c.insee, c.name] for c in communes], ensure_ascii=False, separators=(",", ":"))
    communes_href = url(COMMUNES_URL) if site.data.communes else None
    if part is not None and communes_href:  # a department's points: its communes
        same = site.indexes.communes.by_path.get(part.path.split("/")[0])
        communes_href = url(same.url) if same is not None else communes_href
    return {"groups": groups, "single_level": "niveau" in args, "communes_json": choices, "communes_href": communes_href, "index": view}


def _niveaux(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    return {"levels": [level_view(level) for level in site.data.levels.values()]}


def _delais(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    territory = site.data.territory
    if territory is None:
        raise ShortcodeError("le bloc « delais » a besoin du fichier data/territoire.yml", "créez-le (voir docs/donnees.md)")
    return {"delays": delay_views(territory), "source": f"{territory.source}, {french_date(territory.source_date)}"}


def _pieces(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    documents: Documents | None = site.data.documents
    if documents is None:
        raise ShortcodeError("le bloc « pieces » a besoin du fichier data/pieces.yml", "créez-le (voir docs/donnees.md)")
    return {"documents": documents}


@dataclass(frozen=True)
class Fact:
    label: str
    text: str | None  # None: « non renseigné »
    href: str | None = None


def _editeur(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    pub = site.config.publication
    p, h = pub.publisher, pub.host
    return {
        "publisher": [
            Fact("Éditeur", p.name if p else None),
            Fact("Adresse", p.address if p else None),
            *([Fact("Téléphone", p.phone.display, f"tel:{p.phone.uri}")] if p and p.phone else []),
            *([Fact("Courriel", p.email, f"mailto:{p.email}")] if p and p.email else []),
            Fact("Direction de la publication", p.director if p else None),
        ],
        "host": [
            Fact("Hébergeur", h.name if h else None),
            Fact("Adresse", h.address if h else None),
            *([Fact("Téléphone", h.phone.display, f"tel:{h.phone.uri}")] if h and h.phone else []),
        ],
    }


def _declaration(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    config = site.config
    acc = config.publication.accessibility
    publisher = config.publication.publisher.name if config.publication.publisher else config.territory
    return {
        "publisher": publisher,
        "publisher_of": of(publisher),
        "site_title": config.title,
        "site_url": config.base_url,
        "acc": acc,
        "stated_on": french_date(acc.stated_on) if acc.stated_on else None,
        "audit_date": french_date(acc.audit.date) if acc.audit else None,
        "contacts": site_contacts(config),
        "contact_name": config.contact.name if config.contact else None,
    }


def _chiffres_cles(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    figures = key_figures(site.data.figures)
    if not figures:
        raise ShortcodeError("le bloc « chiffres-cles » a besoin du fichier data/chiffres/territoire.yml", "créez-le (voir docs/donnees.md)")
    return {"figures": figures}


def _tableau(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    tables = site.data.figures.tables
    key = args.get("cle", "")
    if key not in tables:
        hint = suggestion(key, sorted(tables)) if key else None
        raise ShortcodeError(f"tableau « {key} » inconnu", hint or "tableaux de data/chiffres/tableaux.yml : " + ", ".join(sorted(tables)))
    chart = args.get("graphique", "oui")
    if chart not in ("oui", "non"):
        raise ShortcodeError(f"« graphique={chart} » : « oui » ou « non » est attendu", "graphique=non retire le graphique en barres")
    return {"table": table_view(tables[key], with_chart=chart == "oui")}


def _chiffres_communes(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    communes = list(site.data.communes.values())
    if len(communes) <= index_pages.FIGURE_ROWS_MAX:
        table = communes_table(site.data.figures, communes, site.config.territory, url)
    else:  # a table of thousands of rows fits no page: by department, or the largest communes
        more = tuple(link for link in (
            Link("la liste des communes" + (" par département" if site.indexes.communes.split else ""), url(COMMUNES_URL)) if site.page(COMMUNES_URL) else None,
            Link("le fichier communes.csv des données ouvertes", url(OPEN_DATA_DIR + "communes.csv")),
        ) if link is not None)
        departments: dict[str, list] = {}
        for commune in sorted(communes, key=lambda c: c.insee):
            departments.setdefault(department_code(commune.insee), []).append(commune)
        if len(departments) > 1:
            parts = site.indexes.communes.by_path
            rows = [
                (f"{department(code).name} ({code})", members, url(parts[f"departement-{code.lower()}"].url) if f"departement-{code.lower()}" in parts else None)
                for code, members in sorted(departments.items())
            ]
            table = departments_table(site.data.figures, rows, site.config.territory, index_pages.FIGURE_ROWS_MAX, more)
        else:
            table = communes_table(site.data.figures, communes, site.config.territory, url, index_pages.FIGURE_ROWS_MAX, more)
    if table is None:
        raise ShortcodeError("le bloc « chiffres-communes » a besoin de data/communes.yml et des chiffres par commune (data/chiffres/communes.yml ou .csv)", "créez-les (voir docs/donnees.md)")
    return {"table": table}


@dataclass(frozen=True)
class SitemapSection:
    title: str
    links: list[Link]


def _index_section(index: SplitIndex, url: Callable[[str], str]) -> SitemapSection:
    """A split index in the site map: the index page, then its parts (departments…), each with its count."""
    links = [Link(f"{part.label}, {index.count(len(part.items))}", url(part.url)) for part in index.parts]
    return SitemapSection(f"Les {index.noun[1]}, {index.parts[0].by}", links)


def _plan(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    """Every page: the menu's, the reception points, then the others by title; the lists split into
    parts (a large territory) by their parts instead of every commune or point."""
    indexes = site.indexes
    parts = {part.url for part in indexes.parts()}
    listed = [p for p in site.pages if p.template != "404.html" and p.url != SITEMAP_URL and p.url not in parts]
    home = site.page("")
    main = ([home] if home else []) + [p for p in site.menu if p.url != ""]
    points = [p for p in listed if p.point is not None]
    communes = [p for p in listed if p.commune is not None]
    if not indexes.points.split:  # else listed by their parts: 10,000 points not sorted for nothing
        points.sort(key=lambda p: (p.point.level, p.title.lower()))
    if not indexes.communes.split:
        communes.sort(key=lambda p: p.url)
    shown = {p.url for p in main}
    others = sorted((p for p in listed if p.point is None and p.commune is None and p.url not in shown), key=lambda p: p.title.lower())
    label = lambda p: "Accueil" if p.url == "" else p.title
    sections = [
        SitemapSection("Les pages principales", [Link(label(p), url(p.url)) for p in main]),
        _index_section(indexes.points, url) if indexes.points.split else SitemapSection("Les lieux d'accueil", [Link(f"{p.title} (niveau {p.point.level})", url(p.url)) for p in points]),
        _index_section(indexes.communes, url) if indexes.communes.split else SitemapSection("Les communes", [Link(p.title, url(p.url)) for p in communes]),
        SitemapSection("Les autres pages", [Link(label(p), url(p.url)) for p in others]),
    ]
    return {"sections": [s for s in sections if s.links]}


@dataclass(frozen=True)
class SearchEntry:
    title: str
    href: str
    description: str | None
    page: str  # the page's URL from the site root, as in recherche/index.json


def _recherche(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    """The search form, and every page the index holds: what is left without JavaScript, and what it filters.
    A large site lists only its main pages and indexes (the script adds the other results itself)."""
    pages = [p for p in site.pages if indexed(p)]
    total = len(pages)
    partial = total > index_pages.SEARCH_LIST_MAX
    if partial:
        main = {p.url for p in site.menu} | {p.url for p in site.footer_pages()} | {"", COMMUNES_URL, POINTS_URL, SITEMAP_URL}
        pages = [p for p in pages if p.url in main]
    pages.sort(key=lambda p: (fold(p.title), p.url))  # those shown only: 46,000 titles folded for a dozen nationally
    return {
        "pages": [SearchEntry(p.title, url(p.url), p.description, p.url) for p in pages],
        "index_href": url(SEARCH_INDEX),
        "sitemap_href": url(SITEMAP_URL) if site.page(SITEMAP_URL) else None,
        "partial": partial,
        "total": format_int(total),
        "root_href": url(""),
    }


def _communes(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    if not site.data.communes:
        raise ShortcodeError("le bloc « communes » a besoin du fichier data/communes.yml", "créez-le (voir docs/donnees.md)")
    index = site.indexes.communes
    part = _part(index, args, "communes")
    if not index.split:
        return {"communes": commune_links(site.data, url), "index": None}
    view = part_view(index, part, url)
    return {"communes": [] if view.parts else commune_links(site.data, url, part.items if part else index.items), "index": view}


@dataclass(frozen=True)
class OpenDataLink:
    title: str
    href: str
    name: str
    media: str
    size: str
    description: str


def _donnees(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    territory = site.data.territory
    files = site.open_data
    links = [
        OpenDataLink(f.title, url(OPEN_DATA_DIR + f.name), f.name, f.media, f"{max(1, round(len(f.content) / 1024))} Ko", f.description)
        for f in files
    ]
    return {"files": links, "licence": site.config.publication.data_licence, "source": territory.source if territory else None}


def _simulateur(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    grid = site.data.grid
    if grid is None:
        raise ShortcodeError("le bloc « simulateur-cotation » a besoin du fichier data/cotation.yml", "créez-le (voir docs/donnees.md)")
    return {"grid_json": json.dumps(grid.to_dict(), ensure_ascii=False, separators=(",", ":"))}


def rule_sentences(grid: Grid) -> list[str]:
    """The grid's global rules in French, as the cotation page states them."""
    rules = grid.rules
    sentences = []
    if rules.seniority_per_month:
        cap = f", dans la limite de {rules.seniority_cap} points" if rules.seniority_cap is not None else ", sans plafond"
        sentences.append(f"Ancienneté de la demande : {rules.seniority_per_month} point(s) par mois{cap}.")
    if rules.caleol_points:
        cap = f", dans la limite de {rules.caleol_cap} points" if rules.caleol_cap is not None else ""
        sentences.append(f"Chaque passage en commission d'attribution (CALEOL) sans proposition de logement : {rules.caleol_points} points{cap}.")
    if rules.refusal_reset_every:
        sentences.append(
            f"Refus injustifiés : les points d'ancienneté repartent de zéro tous les {rules.refusal_reset_every} refus "
            "injustifiés ; ils recommencent à compter le mois suivant."
        )
    if rules.long_delay_points and rules.long_delay_months:
        sentences.append(f"Demande de plus de {rules.long_delay_months} mois (délai anormalement long) : {rules.long_delay_points} points.")
    if rules.first_quartile_coefficient is not None:
        percent = (rules.first_quartile_coefficient - 1) * 100
        sentences.append(
            f"Ressources du premier quartile : le total est multiplié par {str(rules.first_quartile_coefficient).replace('.', ',')} "
            f"(+{percent.normalize():f} %)."
        )
    return sentences


def _grille(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    grid = site.data.grid
    if grid is None:
        raise ShortcodeError("le bloc « grille-cotation » a besoin du fichier data/cotation.yml", "créez-le (voir docs/donnees.md)")
    families = [
        FamilyView(
            family.name,
            family.counting.describe(),
            [CriterionRow(c.label, "non publiés" if c.points is None else str(c.points), c.priority, c.manual) for c in family.criteria],
            any(c.priority for c in family.criteria),
        )
        for family in grid.families
    ]
    return {"families": families, "rules": rule_sentences(grid), "source": grid.source}


def _whole(text: str) -> bool:
    """Digits int() reads: not isdigit() alone, which accepts « ² », nor thousands of digits."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def _number(args: dict[str, str], key: str) -> int:
    value = args.get(key, "0")
    if not _whole(value):
        raise ShortcodeError(f"« {key}={value} » : un nombre entier est attendu", f"écrivez par exemple {key}=12")
    return int(value)


def _exemple(site: Site, args: dict[str, str], url: Callable[[str], str]) -> dict:
    """A worked example, computed by siad's cotation function from the grid in data/cotation.yml."""
    grid = site.data.grid
    if grid is None:
        raise ShortcodeError("le bloc « exemple-cotation » a besoin du fichier data/cotation.yml", "créez-le (voir docs/donnees.md)")
    keys = tuple(k.strip() for k in args.get("criteres", "").split(",") if k.strip())
    unknown = [k for k in keys if k not in grid.criteria()]
    if unknown:
        hint = suggestion(unknown[0], list(grid.criteria())) or "les clés sont celles de data/cotation.yml"
        raise ShortcodeError(f"critère inconnu « {unknown[0]} » dans l'exemple", hint)
    refusals = tuple(int(r) for r in args.get("refus", "").split(",") if _whole(r.strip()))
    quartile = args.get("quartile1", "non")
    if quartile not in ("oui", "non"):
        raise ShortcodeError(f"« quartile1={quartile} » : « oui » ou « non » est attendu")
    try:
        result = score(grid, Situation(keys, _number(args, "mois"), refusals, _number(args, "caleol"), quartile == "oui"))
    except ValueError as exc:
        raise ShortcodeError(f"exemple impossible : {exc}") from exc
    return {"title": args.get("titre", "Exemple"), "result": result}


# name -> (allowed arguments, template, context builder)
SHORTCODES: dict[str, tuple[tuple[str, ...], str, Callable[[Site, dict[str, str], Callable[[str], str]], dict]]] = {
    "lieux-accueil": (("niveau", "partie"), "shortcodes/lieux-accueil.html", _lieux),
    "niveaux": ((), "shortcodes/niveaux.html", _niveaux),
    "delais": ((), "shortcodes/delais.html", _delais),
    "pieces": ((), "shortcodes/pieces.html", _pieces),
    "grille-cotation": ((), "shortcodes/grille-cotation.html", _grille),
    "editeur": ((), "shortcodes/editeur.html", _editeur),
    "plan-du-site": ((), "shortcodes/plan-du-site.html", _plan),
    "recherche": ((), "shortcodes/recherche.html", _recherche),
    "mises-a-jour": ((), "shortcodes/mises-a-jour.html", lambda site, args, url: updates_context(site, url)),
    "communes": (("partie",), "shortcodes/communes.html", _communes),
    "simulateur-cotation": ((), "shortcodes/simulateur-cotation.html", _simulateur),
    "donnees-ouvertes": ((), "shortcodes/donnees-ouvertes.html", _donnees),
    "chiffres-cles": ((), "shortcodes/chiffres-cles.html", _chiffres_cles),
    "tableau": (("cle", "graphique"), "shortcodes/tableau.html", _tableau),
    "chiffres-communes": ((), "shortcodes/tableau.html", _chiffres_communes),
    "declaration-accessibilite": ((), "shortcodes/declaration-accessibilite.html", _declaration),
    "exemple-cotation": (("titre", "criteres", "mois", "refus", "caleol", "quartile1"), "shortcodes/exemple-cotation.html", _exemple),
}


def shortcode_context(site: Site, name: str, args: dict[str, str], loc: Location, report: Report, url: Callable[[str], str]):
    """(template, context) for a shortcode, or None after reporting what is wrong with it."""
    spec = SHORTCODES.get(name)
    if spec is None:
        hint = suggestion(name, sorted(SHORTCODES)) or "blocs disponibles : " + ", ".join(sorted(SHORTCODES))
        report.error(loc, f"bloc de données inconnu « {name} »", hint)
        return None
    allowed, template, builder = spec
    for key in args:
        if key not in allowed:
            hint = ("arguments possibles : " + ", ".join(allowed)) if allowed else "ce bloc ne prend pas d'argument"
            report.error(loc, f"argument inconnu « {key} » pour le bloc « {name} »", hint)
            return None
    try:
        return template, {"url": url, **builder(site, args, url)}
    except ShortcodeError as exc:
        report.error(loc, exc.message, exc.hint)
        return None
