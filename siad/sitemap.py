"""``sitemap.xml`` and ``robots.txt``: for search engines, derived from the pages of the site.

A sitemap needs absolute addresses, so it is written only when the site's public ``url`` is known
(``url:`` in siad.yml or ``--base-url``); ``robots.txt`` is always written and points to it.
"""

from __future__ import annotations

from .model import Site
from .xmltext import escape


def sitemap_files(site: Site) -> dict[str, bytes]:
    base = site.config.base_url
    files: dict[str, bytes] = {}
    robots = ["User-agent: *", "Allow: /"]
    if base:
        urls = sorted(page.url for page in site.pages if page.template != "404.html")
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        lines += [f"  <url><loc>{escape(base + url)}</loc></url>" for url in urls]
        lines.append("</urlset>")
        files["sitemap.xml"] = ("\n".join(lines) + "\n").encode("utf-8")
        robots.append(f"Sitemap: {base}sitemap.xml")
    files["robots.txt"] = ("\n".join(robots) + "\n").encode("utf-8")
    return files
