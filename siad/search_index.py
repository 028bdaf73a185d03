"""The site search's static index: ``recherche/index.json``, built from the rendered pages.

Each page's entry comes from its rendered HTML (the ``<main>`` element only, read by
:mod:`siad.page_facts`, which says which elements are left out), so content pages, generated pages, reception points and communes are indexed
alike, with exactly the words a reader sees. The browser script (``recherche.js``) fetches this file
and searches it; nothing is sent anywhere. The 404 page and the search page itself are left out.

A phone cannot fetch the text of tens of thousands of pages (89 MB for a national project): when the
whole index would exceed :data:`FULL_INDEX_MAX`, the pages of communes and reception points — the
bulk of a large site, each found by its name — and the parts of their split lists keep only their
title and address, the other pages their whole record, and the index says so (``"abrege": true``;
the script tells the reader). A site with more than :data:`BY_NAME_PAGES` such pages is abridged
whatever its size, which is known before rendering: the text of those pages is then not even read.
"""

from __future__ import annotations

import json
import re
import unicodedata

from . import reference
from .model import NOT_FOUND_OUTPUT, SEARCH_URL, Page
from .page_facts import read_page

SEARCH_INDEX = SEARCH_URL + "index.json"
FULL_INDEX_MAX = 4 * 1024 * 1024  # bytes: a department's site stays whole (Pas-de-Calais, 887 communes and 300 points: 2.4 MB)
BY_NAME_PAGES = 2_000  # pages of communes, points and parts of their lists: about 2 KB each in a whole index, 4 MiB in all

# compact, keys sorted; made once (json.dumps with options makes an encoder per call: 4,000 records)
_RECORD = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


# The combining marks of Latin script (U+0300–U+036F, but the grapheme joiner, which is not one).
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]")


def fold(text: str) -> str:
    """Lower case without accents, as the browser script compares words (« Déposer » → « deposer »)."""
    decomposed = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    if decomposed.isascii():  # French text: no other mark can be left
        return decomposed.casefold()
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def page_entry(html: str) -> dict:
    """What the index keeps of one rendered page."""
    return read_page(html).entry


def indexed(page: Page) -> bool:
    """Every page is searchable but the 404 page and the search page itself."""
    return page.output != NOT_FOUND_OUTPUT and page.url != SEARCH_URL


def search_record(page: Page, entry: dict) -> bytes | None:
    """The page's record in the index, as UTF-8 JSON (the cache keeps it so: a rebuild joins the
    records of unchanged pages without reading or encoding them again — 89 MB for a national site);
    None for a page left out of the index."""
    if not indexed(page) or entry["search_form"]:  # search_form: a search page from content/, elsewhere than recherche/
        return None
    record = {"url": page.url, "title": entry["title"] or page.title, "description": entry["description"],
              "headings": entry["headings"], "text": entry["text"]}
    return _RECORD(record).encode("utf-8")


def found_by_name(page: Page, listings: set[str] | frozenset) -> bool:
    """A page an abridged index keeps by its title: a commune's, a reception point's, a part of their lists."""
    return page.commune is not None or page.point is not None or page.url in listings


def named_outputs(pages: list[Page], listings: set[str] | frozenset) -> set[str]:
    """The output paths of the pages found by their name only, known before rendering: those of
    :func:`found_by_name` when there are more than :data:`BY_NAME_PAGES` of them; else none."""
    named = {page.output for page in pages if indexed(page) and found_by_name(page, listings)}
    return named if len(named) > BY_NAME_PAGES else set()


def search_index(pages: list[Page], files: dict[str, bytes | None], records: dict[str, bytes | None] | None = None,
                 listings: set[str] | frozenset = frozenset(), named: set[str] | frozenset = frozenset()) -> bytes:
    """``recherche/index.json``: one entry per rendered page, sorted by URL (relative to the site root):
    ``{"pages":[…]}``, compact, keys sorted; ``{"abrege":true,"pages":[…]}`` when abridged.

    ``records``: the pages' :func:`search_record`, by output path; the other pages are read here.
    ``listings``: the URLs of the parts of split indexes (their text is their communes' or points'
    names), found by their title too in an abridged index. ``named``: :func:`named_outputs`, whose
    records already are :func:`by_name_record`'s (the index is then abridged)."""
    records = records or {}
    found: list[tuple[Page, bytes]] = []
    by_url = sorted((page.url, page) for page in pages if page.output in files and indexed(page))  # URLs are unique
    for _, page in by_url:
        record = records.get(page.output, _UNREAD)
        if record is _UNREAD:
            record = by_name_record(page) if page.output in named else search_record(page, page_entry(files[page.output].decode("utf-8")))
        if record is not None:
            found.append((page, record))
    if named:
        return b'{"abrege":true,"pages":[' + b",".join(record for _, record in found) + b"]}\n"
    if sum(len(record) for _, record in found) <= FULL_INDEX_MAX:
        return b'{"pages":[' + b",".join(record for _, record in found) + b"]}\n"
    shortened = [by_name_record(page) if found_by_name(page, listings) else record for page, record in found]
    return b'{"abrege":true,"pages":[' + b",".join(shortened) + b"]}\n"


def by_name_record(page: Page) -> bytes:
    """The record of a page found by its name only (a large site's commune or reception point); a
    commune that shares its name with another (« Saint-Martin », 3 times) gets its department as
    description, shown under its name and searched: « saint-martin gers »."""
    record = {"title": page.title, "url": page.url}
    commune = page.commune
    if commune is not None and commune.slug.endswith("-" + commune.insee.lower()):  # a homonym's page folder
        department = reference.department(reference.department_code(commune.insee))
        record["description"] = f"{department.name} ({department.code})"
    return _RECORD(record).encode("utf-8")


_UNREAD = object()
