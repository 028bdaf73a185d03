"""What the build's checks need from each rendered page, read in one pass.

Three checks look at every rendered page: the link check (ids and links, :mod:`siad.linkcheck`),
the security policy check (what the strict ``_headers`` would block, :mod:`siad.headers`) and the
search index (the words of ``<main>``, :mod:`siad.search_index`). Reading is most of their cost, so
one reader, :class:`_PageReader`, collects what the three need in a single pass over the tags; the
result is a small :class:`PageFacts`, plain data that the incremental cache stores as JSON.

The pass is a regular-expression tokenizer (:func:`_scan`) for the HTML siad writes; the standard
library's :class:`html.parser.HTMLParser` can drive the same reader (:func:`feed_with_html_parser`),
and the tests check that both give the same facts on every built page.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Callable
from urllib.parse import urlsplit

# --- what each check looks for ----------------------------------------------------------------

# Links: the attribute of each tag that points to another file.
_LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "source": "src",
                    "iframe": "src", "audio": "src", "video": "src"}

# Security policy: what the policy of siad.headers blocks, as found in a rendered page:
# (tag, attribute) → the directive.
_FETCHED = {("script", "src"): "script-src", ("img", "src"): "img-src", ("source", "src"): "img-src",
            ("iframe", "src"): "default-src", ("audio", "src"): "default-src", ("video", "src"): "default-src",
            ("object", "data"): "object-src", ("embed", "src"): "object-src", ("form", "action"): "form-action"}
_FETCHED_LINKS = {"stylesheet": "style-src", "icon": "img-src", "preload": "default-src", "manifest": "default-src"}
_WATCHED_TAGS = {"style", "script", "link"} | {tag for tag, _ in _FETCHED}
_ADDRESSES = ("href", "src", "action")

# Search: elements whose text is not part of the page's searchable words: code and data, the h1
# (kept apart, as the title), the table of contents (the headings are indexed once, as headings),
# controls, what only exists with JavaScript, the « Informations à jour au … » line every page ends
# with, and what a template marks « hors-recherche »: what many pages repeat (the whole territory's
# reception points on every commune's page: searching for one of them must find its own page, not
# 35,000 communes' pages).
_SKIPPED_TAGS = {"script", "style", "template", "noscript", "nav", "h1", "svg", "button", "select"}
_SKIPPED_CLASSES = {"updated", "hors-recherche"}
# Inline elements: no word boundary around them (« <abbr>PPGDID</abbr>, »). Not <span>: templates
# put spans side by side as separate items (a place and a phone number).
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q",
           "s", "small", "strong", "sub", "sup", "time", "u", "var", "wbr"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SPACES = re.compile(r"\s+")


def collapse(text: str) -> str:
    """``text`` with each run of white space as one space, trimmed."""
    return _SPACES.sub(" ", text).strip()


def foreign(url: str, origin: str | None) -> bool:
    """True when a fetched address is not the site itself: another origin, or a data:/blob: address."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return False
    return origin is None or origin_of(url) != origin


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class PageFacts:
    """The facts of one rendered page: ``ids``, ``links`` ((url, line in the built file)…),
    ``policy`` ((line, what the strict policy would block)…) and ``entry``, its search-index entry
    (see :meth:`_PageReader.entry`; None once the entry was made into the index's record).

    From the cache (:meth:`from_json`) and from the workers that render pages (:meth:`compact`),
    ``links`` are JSON text, decoded when asked for: an incremental build checks the links of the
    pages it rendered again, not those of the 46,000 others, and a cold build holds 46,000 strings
    instead of 2.3 million tuples (300 MB at national scale)."""

    __slots__ = ("_ids", "_policy", "entry", "_links", "_stored", "_stored_links")

    def __init__(self, ids: frozenset[str], links: tuple[tuple[str, int], ...] | str, policy: tuple[tuple[int, str], ...],
                 entry: dict | None = None) -> None:
        self._ids, self._links, self._policy, self.entry, self._stored, self._stored_links = ids, links, policy, entry, None, None

    @property
    def ids(self) -> frozenset[str]:
        if self._ids is None:
            self._decode()
        return self._ids

    @property
    def policy(self) -> tuple[tuple[int, str], ...]:
        if self._policy is None:
            if self._stored.endswith(_NO_POLICY):  # nearly every page: nothing to decode
                self._policy = ()
            else:
                self._decode()
        return self._policy

    def _decode(self) -> None:
        try:
            data = json.loads(self._stored)
            self._ids, self._policy = frozenset(data["ids"]), tuple(map(tuple, data["policy"]))
        except (ValueError, KeyError, TypeError):  # a damaged cache row (siad writes them): nothing known
            self._ids, self._policy = frozenset(), ()

    @property
    def links(self) -> tuple[tuple[str, int], ...]:
        links = self._links if self._links is not None else self._read_links()  # decoded each time, never kept:
        return tuple(map(tuple, json.loads(links))) if type(links) is str else links  # 2.3 million tuples nationally

    def _read_links(self) -> str:
        """The links' text kept in the cache, read now (see from_json)."""
        self._links = self._stored_links()
        return self._links

    @property
    def links_known(self) -> bool:
        return self._links is not None

    def set_links_text(self, links: str) -> None:
        self._links = links

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PageFacts):
            return NotImplemented
        return (self.ids, self.links, self.policy, self.entry) == (other.ids, other.links, other.policy, other.entry)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PageFacts(ids={self.ids!r}, links={self.links!r}, policy={self.policy!r}, entry={self.entry!r})"

    def _links_text(self) -> str:
        links = self._links if self._links is not None else self._read_links()
        return links if type(links) is str else json.dumps(links, ensure_ascii=False)

    def compact(self) -> "PageFacts":
        """The same facts without the search entry (the index keeps its record), links as JSON text."""
        return PageFacts(self.ids, self._links_text(), self.policy)

    def to_json(self) -> tuple[str, str]:
        """(ids and policy, links) as two JSON texts; the entry is not kept (the index keeps its record)."""
        return json.dumps({"ids": sorted(self.ids), "policy": self.policy}, ensure_ascii=False), self._links_text()

    @classmethod
    def from_json(cls, facts: str, links: str | Callable[[], str]) -> "PageFacts":
        """Decoded when asked for: a one-point build reuses 46,000 pages and reads the ids of a few.
        ``links``: their JSON text, or a function that reads it (the cache: 76 MB of links for a
        national site, which a one-point build checks for the pages it rendered again only)."""
        made = cls(None, links if type(links) is str else None, None)  # type: ignore[arg-type]
        made._stored = facts
        if made._links is None:
            made._stored_links = links
        return made


_NO_POLICY = ', "policy": []}'  # the end of to_json's first text when the policy check found nothing


def read_page(html: str, base_url: str | None = None, reader=None) -> PageFacts:
    """The facts of one rendered page; ``base_url``: the site's public address (its own absolute
    URLs are not foreign); ``reader``: :func:`feed_with_html_parser` to read it with HTMLParser."""
    page = _PageReader(base_url)
    (reader or _scan)(html, page)
    return PageFacts(frozenset(page.ids), tuple(page.links), tuple(page.problems), page.entry())


# --- the reader ---------------------------------------------------------------------------------

class _PageReader:
    """Receives the tags and text of one page, in order; ``line``: the current line, set before each
    start tag. ``in_main``: the text outside ``<main>`` is not needed (the tokenizer skips it)."""

    def __init__(self, base_url: str | None) -> None:
        self.line = 1
        self.origin = origin_of(base_url) if base_url else None
        self.ids: set[str] = set()
        self.links: list[tuple[str, int]] = []
        self.problems: list[tuple[int, str]] = []
        self.description = ""
        self.title: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self.search_form = False
        self.in_main = 0  # depth of <main> elements we are in
        self._skip = ""  # the skipped element we are in
        self._skip_depth = 0  # and how many times it is open
        self._h1 = False
        self._heading: list[str] | None = None
        self._heading_tag = ""

    def start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if attrs:
            self._links(tag, attrs)
            self._policy(tag, attrs)
        elif tag in _WATCHED_TAGS:
            self._policy(tag, attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.description = collapse(attrs.get("content") or "")
        if tag == "main":
            self.in_main += 1
        elif self.in_main:
            self._text_start(tag, attrs)

    def startend(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.start(tag, attrs)
        if tag not in _VOID:
            self.end(tag)

    def _links(self, tag: str, attrs: dict[str, str | None]) -> None:
        value = attrs.get("id")
        if value:
            self.ids.add(value)
        if tag == "a":
            value = attrs.get("name")
            if value:
                self.ids.add(value)
        wanted = _LINK_ATTRIBUTES.get(tag)
        if wanted:
            value = attrs.get(wanted)
            if value is not None:
                self.links.append((value, self.line))

    def _policy(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag not in _WATCHED_TAGS and "style" not in attrs:  # most tags: only a handler or a javascript: address could matter
            for name, value in attrs.items():
                if name[:2] == "on" or (value and name in _ADDRESSES and value.lstrip()[:11].lower() == "javascript:"):
                    break
            else:
                return
        problems, line = self.problems, self.line
        if "style" in attrs:
            problems.append((line, f"attribut style=\"…\" sur <{tag}> (style-src)"))
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers:
            problems.append((line, f"gestionnaire d'événement {min(handlers)}=\"…\" sur <{tag}> (script-src)"))
        if tag in _WATCHED_TAGS:
            if tag == "style":
                problems.append((line, "élément <style> (style-src)"))
            if tag == "script" and "src" not in attrs and (attrs.get("type") or "").strip().lower() != "application/ld+json":
                problems.append((line, "script en ligne <script>…</script> (script-src)"))
            if tag == "link":
                rels = (attrs.get("rel") or "").lower().split()
                directive = next((_FETCHED_LINKS[rel] for rel in rels if rel in _FETCHED_LINKS), None)
                attribute = "href"
            else:
                attribute = next((a for (t, a) in _FETCHED if t == tag and a in attrs), "")
                directive = _FETCHED.get((tag, attribute))
            url = (attrs.get(attribute) or "") if directive else ""
            if url and foreign(url, self.origin):
                problems.append((line, f"« {url[:80]} » sur <{tag}> vient d'un autre site ({directive})"))
        for name in _ADDRESSES:
            value = attrs.get(name)
            if value and value.strip().lower().startswith("javascript:"):
                problems.append((line, f"adresse « javascript: » sur <{tag}> (script-src)"))

    def _text_start(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "form" and attrs.get("role") == "search":
            self.search_form = True
        if self._skip:
            if tag == self._skip:
                self._skip_depth += 1
            return
        if tag == "h1":
            self._h1 = True
        if tag in _SKIPPED_TAGS or (attrs and ("hidden" in attrs or "data-enhancement" in attrs
                                               or not _SKIPPED_CLASSES.isdisjoint((attrs.get("class") or "").split()))):
            if tag not in _VOID:
                self._skip, self._skip_depth = tag, 1
            return
        if tag == "h2" or tag == "h3":
            self._heading, self._heading_tag = [], tag
        if tag not in _INLINE:
            self.text.append(" ")

    def end(self, tag: str) -> None:
        if tag == "main":
            self.in_main = max(0, self.in_main - 1)
            return
        if not self.in_main:
            return
        if self._skip:
            if tag == self._skip:
                self._skip_depth -= 1
                if self._skip_depth == 0:
                    self._skip = ""
                    self._h1 = False
            return
        if self._heading is not None and tag == self._heading_tag:
            heading = collapse("".join(self._heading))
            if heading:
                self.headings.append(heading)
            self._heading = None
        if tag not in _INLINE:
            self.text.append(" ")

    def data(self, data: str) -> None:
        if not self.in_main:
            return
        if self._skip:
            if self._h1:
                self.title.append(data)
            return
        if self._heading is not None:
            self._heading.append(data)
        self.text.append(data)

    def entry(self) -> dict:
        """What the search index keeps of the page (``search_form``: the page is itself a search page)."""
        text = collapse("".join(self.text))
        if self.description and text.startswith(self.description):  # the lead paragraph repeats it
            text = text[len(self.description):].lstrip()
        return {"title": collapse("".join(self.title)), "description": self.description,
                "headings": self.headings, "text": text, "search_form": self.search_form}


# --- the two ways to read a page ----------------------------------------------------------------

class _Tee(HTMLParser):
    def __init__(self, page: _PageReader) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.line = self.getpos()[0]
        self.page.start(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.line = self.getpos()[0]
        self.page.startend(tag, dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self.page.end(tag)

    def handle_data(self, data: str) -> None:
        self.page.data(data)


def feed_with_html_parser(html: str, page: _PageReader) -> None:
    """The same events from the standard library's :class:`html.parser.HTMLParser` (the reference
    :func:`_scan` is tested against; several times slower)."""
    parser = _Tee(page)
    parser.feed(html)
    parser.close()


# A tokenizer for the HTML siad writes (its templates, and the author's HTML once sanitised): tags,
# comments and declarations found by one regular expression, the text between them unescaped, the
# content of <script> and <style> taken as text up to their end tag — the events HTMLParser gives
# (lower-case names, unescaped attribute values, None for an attribute without value), in a fraction
# of its time. Anything else starting with « < » is text, as for HTMLParser.
_TOKEN = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"|<(/?)([a-zA-Z][^\s/>]*)((?:[\s/]*[^\s/>\"'=][^\s/>\"'=]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)[\s/]*?(/?)>",
    re.S,
)
_ATTRIBUTE = re.compile(r"([^\s/>\"'=][^\s/>\"'=]*)(\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_RAW_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _attributes(text: str) -> dict[str, str | None]:
    found = {}
    for name, equals, double, single, bare in _ATTRIBUTE.findall(text):
        value = (double or single or bare) if equals else None  # None: an attribute without « = »
        found[name.lower()] = unescape(value) if value else value  # the last one wins, as in dict(HTMLParser's list)
    return found


def _scan(html: str, page: _PageReader) -> None:
    position, line, counted, size = 0, 1, 0, len(html)
    count = html.count
    start_tag, end_tag, data = page.start, page.end, page.data
    while True:  # once per raw-text element (script, style): the tokens go on after its end tag
        for match in _TOKEN.finditer(html, position):
            start, end = match.span()
            if start > position and page.in_main:
                data(unescape(html[position:start]))
            position = end
            closing, name, attributes, slash = match.groups()
            if name is None:  # a comment or a declaration
                continue
            tag = name.lower()
            if closing:
                end_tag(tag)
                continue
            line += count("\n", counted, start)
            counted = start
            page.line = line
            attrs = _attributes(attributes) if attributes else {}
            if slash:
                page.startend(tag, attrs)
                continue
            start_tag(tag, attrs)
            raw_end = _RAW_END.get(tag)
            if raw_end is not None:  # its content is text, up to its end tag
                end_match = raw_end.search(html, position)
                stop = end_match.start() if end_match else size
                if stop > position and page.in_main:
                    data(html[position:stop])
                if end_match is None:
                    return
                position = end_match.end()
                end_tag(tag)
                break
        else:
            if size > position and page.in_main:
                data(unescape(html[position:size]))
            return
