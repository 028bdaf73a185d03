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
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .model import NOT_FOUND_OUTPUT, SEARCH_URL, Page

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


@dataclass
class _Entry:
    title: str = ""
    description: str = ""
    headings: list[str] = field(default_factory=list)
    text: str = ""
    has_search_form: bool = False


class _MainParser(HTMLParser):
    """Collects a page's meta description, and the h1, h2/h3 and text of its ``<main>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
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

    def handle_data(self, data: str) -> None:
        if not self._main:
            return
        if self._skip:
            if self._h1:
                self.title.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        self.text.append(data)


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lower case without accents, as the browser script compares words (« Déposer » → « deposer »)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def page_entry(html: str) -> _Entry:
    """What the index keeps of one rendered page."""
    parser = _MainParser()
    parser.feed(html)
    parser.close()
    text = _collapse("".join(parser.text))
    if parser.description and text.startswith(parser.description):  # the lead paragraph repeats it
        text = text[len(parser.description):].lstrip()
    return _Entry(
        title=_collapse("".join(parser.title)),
        description=parser.description,
        headings=parser.headings,
        text=text,
        has_search_form=parser.search_form,
    )


def indexed(page: Page) -> bool:
    """Every page is searchable but the 404 page and the search page itself."""
    return page.output != NOT_FOUND_OUTPUT and page.url != SEARCH_URL


def search_index(pages: list[Page], files: dict[str, bytes]) -> bytes:
    """``recherche/index.json``: one entry per rendered page, sorted by URL (relative to the site root)."""
    entries = []
    for page in sorted((p for p in pages if indexed(p) and p.output in files), key=lambda p: p.url):
        entry = page_entry(files[page.output].decode("utf-8"))
        if entry.has_search_form:  # a search page from content/, elsewhere than recherche/
            continue
        entries.append({
            "url": page.url,
            "title": entry.title or page.title,
            "description": entry.description,
            "headings": entry.headings,
            "text": entry.text,
        })
    document = {"pages": entries}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
