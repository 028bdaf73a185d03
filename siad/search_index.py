"""The site search's static index: ``recherche/index.json``, built from the rendered pages.

Each page's entry comes from its rendered HTML (the ``<main>`` element only, read with
:mod:`html.parser`), so content pages, generated pages, reception points and communes are indexed
alike, with exactly the words a reader sees. The browser script (``recherche.js``) fetches this file
and searches it; nothing is sent anywhere. The 404 page and the search page itself are left out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from .model import NOT_FOUND_OUTPUT, SEARCH_URL, Page
from .page_facts import PageFacts, Sink, feed

SEARCH_INDEX = SEARCH_URL + "index.json"

# Elements whose text is not part of the page's searchable words: code and data, the h1 (kept apart,
# as the title), the table of contents (the headings are indexed once, as headings), controls, what
# only exists with JavaScript, and the « Informations à jour au … » line every page ends with.
_SKIPPED_TAGS = {"script", "style", "template", "noscript", "nav", "h1", "svg", "button", "select"}
_SKIPPED_CLASSES = {"updated"}
# Inline elements: no word boundary around them (« <abbr>PPGDID</abbr>, »). Not <span>: templates
# put spans side by side as separate items (a place and a phone number).
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
           "s", "small", "strong", "sub", "sup", "time", "u", "var", "wbr"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SPACES = re.compile(r"\s+")


class MainTextSink(Sink):
    """Collects a page's meta description, and the h1, h2/h3 and text of its ``<main>``."""

    def __init__(self) -> None:
        self.description = ""
        self.title: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self.search_form = False
        self._main = 0  # depth of <main> elements we are in
        self._skip: list[str] = []  # the skipped element we are in, and how many times it is open
        self._skip_depth = 0
        self._h1 = False
        self._heading: list[str] | None = None
        self._heading_tag = ""

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name") == "description":
            self.description = _collapse(attributes.get("content") or "")
        if tag == "main":
            self._main += 1
            return
        if not self._main:
            return
        if tag == "form" and attributes.get("role") == "search":
            self.search_form = True
        if self._skip:
            if tag == self._skip[0]:
                self._skip_depth += 1
            return
        if tag == "h1":
            self._h1 = True
        classes = set((attributes.get("class") or "").split())
        if tag in _SKIPPED_TAGS or classes & _SKIPPED_CLASSES or "hidden" in attributes or "data-enhancement" in attributes:
            if tag not in _VOID:
                self._skip = [tag]
                self._skip_depth = 1
            return
        if tag in ("h2", "h3"):
            self._heading, self._heading_tag = [], tag
        if tag not in _INLINE:
            self.text.append(" ")

    def startend(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs)
        if tag not in _VOID:
            self.end(tag)

    def end(self, tag: str) -> None:
        if tag == "main":
            self._main = max(0, self._main - 1)
            return
        if not self._main:
            return
        if self._skip:
            if tag == self._skip[0]:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip = []
                    self._h1 = False
            return
        if self._heading is not None and tag == self._heading_tag:
            heading = _collapse("".join(self._heading))
            if heading:
                self.headings.append(heading)
            self._heading = None
        if tag not in _INLINE:
            self.text.append(" ")

    def data(self, data: str) -> None:
        if not self._main:
            return
        if self._skip:
            if self._h1:
                self.title.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        self.text.append(data)

    def entry(self) -> dict:
        """What the index keeps of the page (``search_form``: the page is itself a search page)."""
        text = _collapse("".join(self.text))
        if self.description and text.startswith(self.description):  # the lead paragraph repeats it
            text = text[len(self.description):].lstrip()
        return {"title": _collapse("".join(self.title)), "description": self.description,
                "headings": self.headings, "text": text, "search_form": self.search_form}


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case without accents, as the browser script compares words (« Déposer » → « deposer »)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def page_entry(html: str) -> dict:
    """What the index keeps of one rendered page."""
    sink = MainTextSink()
    feed(html, sink)
    return sink.entry()


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
