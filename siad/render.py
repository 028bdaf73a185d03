"""Rendering: each planned page → view objects → theme template → HTML bytes."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Callable

from .errors import Location, Report
from .glossary import GlossaryTreeprocessor
from .markup import LinkContext, render_markdown
from .model import ACCESSIBILITY_URL, SEARCH_URL, UPDATES_URL, Page, Site, links_from
from .updates import FEED
from .shortcodes import shortcode_context
from .theme import Theme
from .commune_views import PointsByCommune, commune_view
from .clock import build_date
from .jsonld import point_jsonld
from .views import Contact, Link, french_date, point_view, site_contacts

@dataclass(frozen=True)
class SiteView:
    title: str
    territory: str
    description: str | None
    language: str
    portal_url: str | None
    national_portal_url: str | None
    contact_name: str | None
    contacts: list[Contact]
    home: str
    footer_links: list[Link]
    accessibility: Link  # « Accessibilité : non conforme », to the statement when the page exists
    search: Link | None = None  # « Rechercher » in the header, when the site has its search page
    feed: Link | None = None  # the Atom feed of the « Dernières mises à jour » page, when the site has it


@dataclass(frozen=True)
class PageView:
    title: str
    description: str | None
    kind: str
    content: str
    toc: list[Link]
    updated: str | None = None  # « Informations à jour au … » under the page




class Renderer:
    def __init__(self, site: Site, theme: Theme, report: Report):
        self.site = site
        self.theme = theme
        self.report = report
        # Generated pages (lieux/, communes/, plan-du-site/…) answer to the file that would replace them.
        generated = {f"{p.url}index.md": p.url for p in site.pages if p.source == "(siad)" and p.template == "page.html" and p.url}
        self.pages_by_source = generated | {
            p.markdown.source.removeprefix("content/"): p.url for p in site.pages if p.markdown and p.source.startswith("content/")
        }
        self.static_files = {f.url for f in site.static_files}
        self.points_by_commune = PointsByCommune.of(site.data.points)
        self._chromes: dict[str, tuple[tuple[SiteView, list[Link]], tuple[str, ...]]] = {}  # see _chrome

    def url_function(self, page: Page) -> Callable[[str], str]:
        if page.template == "404.html":  # served at any depth: links from the site root
            base = self.site.config.base_path
            return lambda target: target if target.startswith(("http", "mailto:", "tel:", "#")) else base + target
        return links_from(page.url)

    def context(self, page: Page) -> dict:
        """What the page's template receives, but the Markdown body (rendered by :meth:`render_page`)."""
        url = self.url_function(page)
        site, menu = self._chrome(url, page)
        return {
            "site": site,
            "page": PageView(page.title, page.description, self.kind(page), "", [], self.updated(page)),
            "menu": menu,
            "breadcrumb": [Link("Accueil" if p.url == "" else p.title, url(p.url)) for p in self.site.breadcrumb(page)],
            "point": point_view(page.point, self.site.data) if page.point else None,
            "jsonld": point_jsonld(page.point, self.site.config.base_url + page.url if self.site.config.base_url else None, build_date()) if page.point else None,
            "commune": commune_view(self.site.data, page.commune, self.site.config.territory, self.site.config.portal_url, self.site.config.national_portal_url, url, self.points_by_commune) if page.commune else None,
            "url": url,
            "asset": lambda logical: url(self.theme.asset_output(logical)),
            "has_asset": lambda logical: logical in self.theme.assets,
        }

    def _chrome(self, url: Callable[[str], str], page: Page) -> tuple[SiteView, list[Link]]:
        """The site's view and the menu, as seen from ``page``. A page's links to addresses outside
        its own folder are the same from every page of its parent folder (« ../../guide/ » from any
        commune): they are made once per parent folder and reused while none of the addresses they
        were made for leads into the page's own folder (nor is the page itself: the menu marks it)."""
        key = page.url[:-1].rpartition("/")[0] if page.url.endswith("/") and page.template != "404.html" else None
        known = self._chromes.get(key) if key is not None else None
        if known is not None and not _leads_into(known[1], page.url):
            return known[0]
        asked: list[str] = []

        def link(target: str) -> str:
            asked.append(target)
            return url(target)

        made = self.site_view(link, page), [Link(p.menu_title or p.title, link(p.url), p.url == page.url) for p in self.site.menu]
        if key is not None and not _leads_into(asked, page.url):
            self._chromes[key] = (made, tuple(asked))
        return made

    def render_page(self, page: Page, context: dict | None = None) -> str:
        context = dict(context if context is not None else self.context(page))
        if page.markdown is not None:
            url = context["url"]
            source_dir = posixpath.dirname(page.markdown.source.removeprefix("content/")) if page.source.startswith("content/") else page.url.rstrip("/")
            links = LinkContext(page.url, source_dir, self.pages_by_source, self.static_files, url)
            rendered = render_markdown(
                page.markdown.body,
                page.markdown.source,
                page.markdown.body_line,
                lambda name, args, loc: self.shortcode(name, args, loc, url),
                links,
                self.report,
                GlossaryTreeprocessor(None, self.site.glossary, page.url, url) if page.source.startswith("content/") else None,
            )
            context["page"] = replace(context["page"], content=rendered.html, toc=[Link(t["name"], "#" + t["id"]) for t in rendered.toc])
        return self.theme.render(page.template, context)

    @staticmethod
    def kind(page: Page) -> str:
        """« home », « page », « lieu » or « 404 »: lets templates and styles tell pages apart."""
        if page.url == "" and page.template == "page.html":
            return "home"
        return page.template.removesuffix(".html")

    def updated(self, page: Page) -> str | None:
        """When the page's information was last updated: a point's own check, else the source's date."""
        territory = self.site.data.territory
        if page.template == "404.html":
            return None
        point = page.point
        if point is not None and point.updates:
            changed = max(day for _, day, _ in point.updates)
            checked = f", vérifiées le {french_date(point.checked_on)}" if point.checked_on and point.checked_on != changed else ""
            return f"Informations mises à jour le {french_date(changed)}{checked}."
        if point is not None and point.checked_on:
            return f"Informations vérifiées le {french_date(point.checked_on)}."
        if territory is not None:
            return f"Informations à jour au {french_date(territory.source_date)} ({territory.source})."
        return None

    def site_view(self, url: Callable[[str], str], page: Page | None = None) -> SiteView:
        config = self.site.config
        contacts = site_contacts(config)
        return SiteView(
            title=config.title,
            territory=config.territory,
            description=config.description,
            language=config.language,
            portal_url=config.portal_url,
            national_portal_url=config.national_portal_url,
            contact_name=config.contact.name if config.contact else None,
            contacts=contacts,
            home=url(""),
            footer_links=[Link(page.menu_title or page.title, url(page.url)) for page in self.site.footer_pages() if page.url != ACCESSIBILITY_URL],
            accessibility=Link(
                f"Accessibilité : {config.publication.accessibility.state_label}",
                url(ACCESSIBILITY_URL) if self.site.page(ACCESSIBILITY_URL) else None,
            ),
            search=Link("Rechercher", url(SEARCH_URL), page is not None and page.url == SEARCH_URL)
            if self.site.page(SEARCH_URL) else None,
            feed=Link(f"{config.title} : dernières mises à jour", url(FEED)) if self.site.page(UPDATES_URL) else None,
        )

    def shortcode(self, name: str, args: dict[str, str], loc: Location, url: Callable[[str], str]) -> str:
        found = shortcode_context(self.site, name, args, loc, self.report, url)
        if found is None:
            return ""
        template, context = found
        return self.theme.render(template, {**context, "asset": lambda logical: url(self.theme.asset_output(logical))})


def _leads_into(targets, folder: str) -> bool:
    """Whether one of the addresses ``targets`` is the page ``folder`` or lies inside it."""
    return any((target + "/").startswith(folder) for target in targets)
