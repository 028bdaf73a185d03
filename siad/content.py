"""Loading ``content/``: Markdown pages with a YAML front matter, and static files.

A page's URL comes from its path: ``content/aide/renouveler.md`` → ``aide/renouveler/``,
``content/aide/index.md`` → ``aide/``. Every other file is copied as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .digests import file_sha256_or_none, files_below
from .errors import Location, Report, relative_name
from .record_cache import remember_each
from .schema import INVALID, SLUG, Date, Field, Integer, Schema, Text
from .yamlsource import parse_yaml, read_text

CONTENT_DIR = "content"

FRONT_MATTER_SCHEMA = Schema(
    "l'en-tête de la page",
    {
        "titre": Field(Text(), required=True, doc="ajoutez « titre: » : le titre affiché en haut de la page"),
        "description": Field(Text(), doc="une phrase qui résume la page"),
        "menu": Field(Integer(1, 99), doc="la position de la page dans le menu principal (1 = en premier)"),
        "menu_titre": Field(Text(), doc="un titre plus court pour le menu"),
        "mis_a_jour_le": Field(Date(), doc="la date où le contenu de la page a changé, par exemple 2026-11-23 (page « Dernières mises à jour » et flux Atom)"),
    },
)


@dataclass(frozen=True)
class SourcePage:
    """A Markdown page as read from disk, before rendering."""

    source: str
    url: str
    title: str
    body: str
    body_line: int
    description: str | None = None
    menu: int | None = None
    menu_title: str | None = None
    updated: dt.date | None = None  # « mis_a_jour_le »
    updated_loc: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class StaticFile:
    source: Path
    url: str


def load_content(root: Path, report: Report) -> tuple[list[SourcePage], list[StaticFile]]:
    """Read every page and list every static file under ``content/``."""
    base = root / CONTENT_DIR
    pages: list[SourcePage] = []
    files: list[StaticFile] = []
    if not base.is_dir():
        report.error(Location(CONTENT_DIR), "le dossier content/ est introuvable", "créez-le avec au moins une page index.md")
        return pages, files
    found: list[tuple[Report, str, str, str | None]] = []  # (its messages so far, full path, rel, page URL or None)
    for parts, full, link in sorted(files_below(base, _not_hidden)):
        rel = relative_name(Path(full), root) if link else CONTENT_DIR + "/" + "/".join(parts)
        own = Report()
        if not _safe_segments(parts, rel, own):
            found.append((own, full, rel, None))
        elif _stem_suffix(parts[-1])[1] == ".md":
            found.append((own, full, rel, page_url(parts)))
        else:
            files.append(StaticFile(Path(full), "/".join(parts)))
            found.append((own, full, rel, None))
    # pages read by other processes too when there are many (a large site's 4,000 pages), and kept
    # for the next build by the digest of their file; messages in the same order as read here
    markdown = [(path, rel, url) for _, path, rel, url in found if url is not None]
    keys = [(rel, url, file_sha256_or_none(path)) for path, rel, url in markdown]
    with remember_each("page", list(zip(keys, markdown)), lambda item, r: _load_page(*item, r)) as batch:
        loaded = iter(batch.results())
    for own, path, rel, url in found:
        report.diagnostics.extend(own.diagnostics)
        if url is not None:
            page, messages = next(loaded)
            report.diagnostics.extend(messages)
            if page is not None:
                pages.append(page)
    if not any(p.url == "" for p in pages) and not report.has_errors:
        report.error(Location(CONTENT_DIR), "il manque la page d'accueil content/index.md", "créez content/index.md avec un en-tête « titre: »")
    return pages, files


def _not_hidden(name: str, _is_folder: bool) -> bool:
    """Hidden files and folders (« .git », « .brouillon.md ») are not the site's."""
    return not name.startswith(".")


def page_url(parts: tuple[str, ...]) -> str:
    """``a/b.md`` → ``a/b/``; ``a/index.md`` → ``a/``; ``index.md`` → ``''`` (``parts``: the path below content/)."""
    names = [*parts[:-1], _stem_suffix(parts[-1])[0]]
    if names[-1] == "index":
        names.pop()
    return "".join(name + "/" for name in names)


def _stem_suffix(name: str) -> tuple[str, str]:
    """A file name's stem and suffix, as pathlib splits them (« a.b.md » → « a.b », « .md »; « a. » has none)."""
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")


# Hosting configuration files kept as they are at the root of the site (Netlify, Cloudflare Pages).
HOSTING_FILES = ("_headers", "_redirects")


def _safe_segments(parts: tuple[str, ...], rel: str, report: Report) -> bool:
    """Folder and file names become URLs: lowercase ASCII, digits and hyphens only."""
    if len(parts) == 1 and parts[0] in HOSTING_FILES:
        return True
    for name in [*parts[:-1], _stem_suffix(parts[-1])[0]]:
        if not SLUG.fullmatch(name):
            report.error(
                Location(rel),
                f"le nom « {name} » ne convient pas pour une adresse de page",
                "renommez-le en lettres minuscules sans accents, chiffres et tirets, par exemple « deposer-une-demande.md »",
            )
            return False
    return True


def _load_page(path: str, rel: str, url: str, report: Report) -> SourcePage | None:
    text = read_text(Path(path), rel, report)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        report.error(
            Location(rel, 1, 1),
            "la page doit commencer par un en-tête entre deux lignes « --- »",
            "ajoutez en haut du fichier : « --- », puis « titre: Le titre de la page », puis « --- »",
        )
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        report.error(
            Location(rel, 1, 1),
            "l'en-tête de la page n'est pas fermé",
            "ajoutez une ligne « --- » après la dernière ligne de l'en-tête",
        )
        return None
    node = parse_yaml("".join(lines[1:end]), rel, report, line_offset=1)
    if node is None:
        return None
    meta = FRONT_MATTER_SCHEMA.convert(node, report)
    if meta is INVALID:
        return None
    if "description" not in meta:
        report.warning(
            meta.loc,
            "la page n'a pas de description",
            "ajoutez « description: » avec une phrase qui résume la page (elle s'affiche dans les résultats de recherche)",
        )
    return SourcePage(
        source=rel,
        url=url,
        title=meta["titre"],
        body="".join(lines[end + 1 :]),
        body_line=end + 2,
        description=meta.get("description"),
        menu=meta.get("menu"),
        menu_title=meta.get("menu_titre"),
        updated=meta.get("mis_a_jour_le"),
        updated_loc=meta.loc_of("mis_a_jour_le") if "mis_a_jour_le" in meta else None,
    )
