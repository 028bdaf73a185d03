"""The site search's static index: ``recherche/index.json``, built from the rendered pages.

Each page's entry comes from its rendered HTML (the ``<main>`` element only, read by
:mod:`siad.page_facts`, which says which elements are left out), so content pages, generated pages, reception points and communes are indexed
alike, with exactly the words a reader sees. The browser script (``recherche.js``) fetches this file
and searches it; nothing is sent anywhere. The 404 page and the search page itself are left out.
"""

from __future__ import annotations

import json
import unicodedata

from .model import NOT_FOUND_OUTPUT, SEARCH_URL, Page
from .page_facts import PageFacts, read_page

SEARCH_INDEX = SEARCH_URL + "index.json"


def fold(text: str) -> str:
    """Lower case without accents, as the browser script compares words (« Déposer » → « deposer »)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def page_entry(html: str) -> dict:
    """What the index keeps of one rendered page."""
    return read_page(html).entry


def indexed(page: Page) -> bool:
    """Every page is searchable but the 404 page and the search page itself."""
    return page.output != NOT_FOUND_OUTPUT and page.url != SEARCH_URL


def search_index(pages: list[Page], files: dict[str, bytes | None], facts: dict[str, PageFacts] | None = None) -> bytes:
    """``recherche/index.json``: one entry per rendered page, sorted by URL (relative to the site root).

    ``facts``: the pages already read (:func:`siad.page_facts.read_page`); others are parsed here."""
    facts = facts or {}
    entries = []
    for page in sorted((p for p in pages if indexed(p) and p.output in files), key=lambda p: p.url):
        entry = facts[page.output].entry if page.output in facts else page_entry(files[page.output].decode("utf-8"))
        if entry["search_form"]:  # a search page from content/, elsewhere than recherche/
            continue
        entries.append({
            "url": page.url,
            "title": entry["title"] or page.title,
            "description": entry["description"],
            "headings": entry["headings"],
            "text": entry["text"],
        })
    document = {"pages": entries}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
