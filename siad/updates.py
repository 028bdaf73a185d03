"""« Dernières mises à jour »: what changed on the site and when, from the dates written in the data.

No hand-written changelog: each dated record gives one entry — a reception point's ``mises_a_jour``
(its record, hours, contacts, address, sector, accessibility), a figure set's or the grid's
``mis_a_jour_le``, the territory's rules, a content page's ``mis_a_jour_le``. The same entries give
the page ``mises-a-jour/`` and the Atom feed ``mises-a-jour/atom.xml`` (RFC 4287), newest first;
nothing depends on the clock, so two builds of the same data give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from .errors import Location, Report
from .french import of
from .model import COMMUNES_URL, UPDATES_URL, Site, relative_url
from .views import french_date
from .xmltext import escape, quoteattr

FEED = UPDATES_URL + "atom.xml"
PAGE_ENTRIES = 200  # the page lists the most recent ones; the data keeps every date
FEED_ENTRIES = 50
_FEED_NAMESPACE = uuid.UUID("6f1c1c1e-3b7e-5d8a-9a51-7a3f2f6e5d21")  # siad's: entry ids are uuid5 in it

# A point's sections: (the French title pattern, its agreement): « Horaires de X mis à jour ».
_POINT_SECTIONS = {
    "fiche": ("Fiche {of}", "mise à jour"),
    "horaires": ("Horaires {of}", "mis à jour"),
    "coordonnees": ("Coordonnées {of}", "mises à jour"),
    "adresse": ("Adresse {of}", "mise à jour"),
    "secteur": ("Communes desservies par {name}", "mises à jour"),
    "accessibilite": ("Accessibilité {of}", "mise à jour"),
}
_FIGURE_PAGES = ("tableau", "chiffres-cles", "chiffres-communes")


@dataclass(frozen=True, order=True)
class Update:
    date: dt.date
    title: str  # « Horaires de l'ADIL de l'Allier mis à jour »
    url: str  # the page that shows what changed, relative to the site's root
    key: str  # stable: the entry's Atom id comes from it
    loc: Location = field(compare=False)


def dated_changes(site: Site) -> list[Update]:
    """Every dated change, newest first (then by title, for a stable order): made once per build, as
    :attr:`Site.updates`."""
    data, found = site.data, []
    for point in data.points:
        for section, day, loc in point.updates:
            pattern, agreement = _POINT_SECTIONS[section]
            title = pattern.format(of=of(point.name), name=point.name) + " " + agreement
            found.append(Update(day, title, f"lieux/{point.slug}/", f"lieu:{point.slug}:{section}:{day}", loc))
    figures_page = _page_with(site, _FIGURE_PAGES)
    territory = data.figures.territory
    sets = [(s, figures_page) for s in ((territory.stock_set, territory.demand_set) if territory else ())]
    sets += [(table.figure_set, figures_page) for table in data.figures.tables.values()]
    sets += [(s, COMMUNES_URL) for area in data.figures.communes.values() for s in (area.stock_set, area.demand_set)]
    seen_sets = set()
    for figure_set, url in sets:
        if figure_set is None or figure_set.updated is None or (figure_set.source, figure_set.updated) in seen_sets:
            continue
        seen_sets.add((figure_set.source, figure_set.updated))
        found.append(Update(figure_set.updated, f"Chiffres « {figure_set.source} » mis à jour", url if site.page(url) else "",
                            f"chiffres:{figure_set.source}:{figure_set.updated}", figure_set.updated_loc))
    if data.grid is not None and data.grid.updated is not None:
        found.append(Update(data.grid.updated, "Grille de cotation mise à jour", _page_with(site, ("grille-cotation",)),
                            f"cotation:{data.grid.updated}", data.grid.updated_loc))
    if data.territory is not None and data.territory.updated is not None:
        found.append(Update(data.territory.updated, "Règles de la demande (délais, renouvellement) mises à jour", "",
                            f"territoire:{data.territory.updated}", data.territory.updated_loc))
    for page in site.pages:
        source = page.markdown
        if source is not None and source.updated is not None:
            found.append(Update(source.updated, f"Page « {page.title} » mise à jour", page.url, f"page:{page.url}:{source.updated}", source.updated_loc))
    return sorted(found, key=lambda u: (-u.date.toordinal(), u.title, u.key))


def check_dates(updates: list[Update], today: dt.date, report: Report) -> None:
    """A change cannot be dated after the build: an error at the date."""
    for update in updates:
        if update.date > today:
            report.error(update.loc, f"date de mise à jour dans le futur ({french_date(update.date)})",
                         "écrivez la date où l'information a changé, au plus tard aujourd'hui (AAAA-MM-JJ)")


def _page_with(site: Site, shortcodes: tuple[str, ...]) -> str:
    """The first page that shows one of ``shortcodes`` (the home page when none does)."""
    calls = tuple("{{< " + name for name in shortcodes)
    for page in site.pages:
        source = page.markdown
        if source is not None and source.source != "(siad)" and "{{< " in source.body and any(call in source.body for call in calls):
            return page.url
    return ""


@dataclass(frozen=True)
class UpdateView:
    iso: str
    date: str  # « 23 novembre 2026 »
    title: str
    href: str


def page_context(site: Site, url) -> dict:
    """What the « mises-a-jour » shortcode shows."""
    updates = site.updates
    return {
        "updates": [UpdateView(u.date.isoformat(), french_date(u.date), u.title, url(u.url)) for u in updates[:PAGE_ENTRIES]],
        "total": len(updates),
        "shown": min(len(updates), PAGE_ENTRIES),
        "feed_href": url(FEED),
    }


def atom_feed(site: Site) -> bytes:
    """The Atom feed: ids are stable (uuid5 of the territory and the change), links absolute when the
    site's address is known, relative to the feed otherwise (RFC 4287 allows both)."""
    config = site.config
    updates = site.updates[:FEED_ENTRIES]
    base = config.base_url

    def href(url: str) -> str:
        return base + url if base else relative_url(UPDATES_URL, url)

    territory = config.siren or config.territory
    newest = updates[0].date if updates else (site.data.territory.source_date if site.data.territory else dt.date(1970, 1, 1))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        f"  <title>{escape(config.title)} : dernières mises à jour</title>",
        f"  <subtitle>{escape('Ce qui a changé sur le site, d’après les dates inscrites dans ses données.')}</subtitle>",
        f"  <id>urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, f'{territory}:flux')}</id>",
        f"  <updated>{_stamp(newest)}</updated>",
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(href(FEED))}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(href(UPDATES_URL))}/>",
        f"  <author><name>{escape(config.contact.name if config.contact else config.territory)}</name></author>",
        "  <generator>siad</generator>",
    ]
    for update in updates:
        lines += [
            "  <entry>",
            f"    <title>{escape(update.title)}</title>",
            f"    <id>urn:uuid:{uuid.uuid5(_FEED_NAMESPACE, f'{territory}:{update.key}')}</id>",
            f"    <updated>{_stamp(update.date)}</updated>",
            f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(href(update.url))}/>",
            f"    <summary>{escape(update.title)} le {escape(french_date(update.date))}.</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
