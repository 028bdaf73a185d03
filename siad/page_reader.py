"""The one pass over a rendered page that :mod:`siad.page_facts` makes: what each tag means for the
checks (:func:`tag_meaning`, a pure function of the tag's name and attributes), a reader that
follows the page's structure (:class:`PageReader`), and the tokenizers that feed it.

Three tokenizers give the reader the same events: the standard library's
:class:`html.parser.HTMLParser` (:func:`feed_with_html_parser`, the reference), a regular-expression
tokenizer for any HTML (:func:`scan`), and the fast one every build uses (:func:`scan_fast`): the
pieces of the page — text, tag — come from one ``findall``, and a tag met before (the navigation,
the footer, the links to the same places: most tags of a site's pages) is looked up, not read
again. The tests check that all three give the same facts on every built page.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

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


def collapse(text: str) -> str:
    """``text`` with each run of white space as one space, trimmed (``str.split`` and ``\\s`` know the
    same white space: tested over every code point)."""
    return " ".join(text.split())


def foreign(url: str, origin: str | None) -> bool:
    """True when a fetched address is not the site itself: another origin, or a data:/blob: address."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return False
    return origin is None or origin_of(url) != origin


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


# --- what one start tag means -------------------------------------------------------------------

class TagMeaning:
    """What a start tag brings to the page's facts, whatever comes before it: ``ids``, ``link`` (the
    address it points to, or None), ``problems`` (what the strict security policy would block),
    ``description`` (a ``<meta name="description">``'s content, or None), and how it weighs on the
    search text (``search_form``, ``skips``: its content is not searchable, ``heading``, ``inline``)."""

    __slots__ = ("tag", "ids", "link", "problems", "description", "search_form", "skips", "heading", "inline", "void", "inert")

    def __init__(self, tag: str, attrs: dict[str, str | None], origin: str | None) -> None:
        self.tag = tag
        ids = []
        if attrs.get("id"):
            ids.append(attrs["id"])
        if tag == "a" and attrs.get("name"):
            ids.append(attrs["name"])
        self.ids = tuple(ids)
        wanted = _LINK_ATTRIBUTES.get(tag)
        self.link = attrs.get(wanted) if wanted else None
        self.problems = tuple(_problems(tag, attrs, origin)) if attrs or tag in _WATCHED_TAGS else ()
        self.description = collapse(attrs.get("content") or "") if tag == "meta" and attrs.get("name") == "description" else None
        self.search_form = tag == "form" and attrs.get("role") == "search"
        self.skips = tag in _SKIPPED_TAGS or bool(attrs) and (
            "hidden" in attrs or "data-enhancement" in attrs or not _SKIPPED_CLASSES.isdisjoint((attrs.get("class") or "").split()))
        self.heading = tag == "h2" or tag == "h3"
        self.inline = tag in _INLINE
        self.void = tag in _VOID
        # outside <main>, nothing to note (most tags of a page's header and footer)
        self.inert = not (self.ids or self.link is not None or self.problems or self.description is not None or tag == "main")


def _problems(tag: str, attrs: dict[str, str | None], origin: str | None) -> list[str]:
    """What the strict policy of siad.headers would block in this tag."""
    problems = []
    if "style" in attrs:
        problems.append(f"attribut style=\"…\" sur <{tag}> (style-src)")
    handlers = [name for name in attrs if name.startswith("on")]
    if handlers:
        problems.append(f"gestionnaire d'événement {min(handlers)}=\"…\" sur <{tag}> (script-src)")
    if tag in _WATCHED_TAGS:
        if tag == "style":
            problems.append("élément <style> (style-src)")
        if tag == "script" and "src" not in attrs and (attrs.get("type") or "").strip().lower() != "application/ld+json":
            problems.append("script en ligne <script>…</script> (script-src)")
        if tag == "link":
            rels = (attrs.get("rel") or "").lower().split()
            directive = next((_FETCHED_LINKS[rel] for rel in rels if rel in _FETCHED_LINKS), None)
            attribute = "href"
        else:
            attribute = next((a for (t, a) in _FETCHED if t == tag and a in attrs), "")
            directive = _FETCHED.get((tag, attribute))
        url = (attrs.get(attribute) or "") if directive else ""
        if url and foreign(url, origin):
            problems.append(f"« {url[:80]} » sur <{tag}> vient d'un autre site ({directive})")
    for name in _ADDRESSES:
        value = attrs.get(name)
        if value and value.strip().lower().startswith("javascript:"):
            problems.append(f"adresse « javascript: » sur <{tag}> (script-src)")
    return problems


# --- the reader ---------------------------------------------------------------------------------

class PageReader:
    """Receives the tags and text of one page, in order (:meth:`start` with the tag's meaning and its
    line, :meth:`end`, :meth:`data`). The text outside ``<main>`` is not needed (``in_main``), nor
    any when ``text`` is False."""

    def __init__(self, base_url: str | None, text: bool = True) -> None:
        self.origin = origin_of(base_url) if base_url else None
        self.main_tag = "main" if text else None  # None: no element starts the searchable text
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

    def start(self, meaning: TagMeaning, line: int) -> None:
        if meaning.ids:
            self.ids.update(meaning.ids)
        if meaning.link is not None:
            self.links.append((meaning.link, line))
        if meaning.problems:
            self.problems.extend((line, problem) for problem in meaning.problems)
        if meaning.description is not None:
            self.description = meaning.description
        if meaning.tag == self.main_tag:
            self.in_main += 1
        elif self.in_main:
            self._text_start(meaning)

    def startend(self, meaning: TagMeaning, line: int) -> None:
        self.start(meaning, line)
        if not meaning.void:
            self.end(meaning.tag)

    def _text_start(self, meaning: TagMeaning) -> None:
        if meaning.search_form:
            self.search_form = True
        tag = meaning.tag
        if self._skip:
            if tag == self._skip:
                self._skip_depth += 1
            return
        if tag == "h1":
            self._h1 = True
        if meaning.skips:
            if not meaning.void:
                self._skip, self._skip_depth = tag, 1
            return
        if meaning.heading:
            self._heading, self._heading_tag = [], tag
        if not meaning.inline:
            self.text.append(" ")

    def end(self, tag: str) -> None:
        if tag == self.main_tag:
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


# --- the reference: HTMLParser ------------------------------------------------------------------

class _Tee(HTMLParser):
    def __init__(self, page: PageReader) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.start(TagMeaning(tag, dict(attrs), self.page.origin), self.getpos()[0])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.startend(TagMeaning(tag, dict(attrs), self.page.origin), self.getpos()[0])

    def handle_endtag(self, tag: str) -> None:
        self.page.end(tag)

    def handle_data(self, data: str) -> None:
        self.page.data(data)


def feed_with_html_parser(html: str, page: PageReader) -> None:
    """The same events from the standard library's :class:`html.parser.HTMLParser` (the reference
    the two others are tested against; several times slower)."""
    parser = _Tee(page)
    parser.feed(html)
    parser.close()


# --- a tokenizer for any HTML -------------------------------------------------------------------

# Tags, comments and declarations found by one regular expression, the text between them unescaped,
# the content of <script> and <style> taken as text up to their end tag — the events HTMLParser gives
# (lower-case names, unescaped attribute values, None for an attribute without value), in a fraction
# of its time. Anything else starting with « < » is text, as for HTMLParser.
_NAME = r"[a-zA-Z][^\s/>]*"
_ATTRIBUTES = r"(?:[\s/]*[^\s/>\"'=][^\s/>\"'=]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*"
_OTHER = r"<!--.*?-->|<![^>]*>|<\?[^>]*>"  # comments and declarations
_TOKEN = re.compile(rf"{_OTHER}|<(/?)({_NAME})({_ATTRIBUTES})[\s/]*?(/?)>", re.S)
_ATTRIBUTE = re.compile(r"([^\s/>\"'=][^\s/>\"'=]*)(\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_RAW_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _attributes(text: str) -> dict[str, str | None]:
    found = {}
    for name, equals, double, single, bare in _ATTRIBUTE.findall(text):
        value = (double or single or bare) if equals else None  # None: an attribute without « = »
        found[name.lower()] = unescape(value) if value else value  # the last one wins, as in dict(HTMLParser's list)
    return found


def scan(html: str, page: PageReader) -> None:
    """Feed ``page`` with the events of any HTML (see :func:`scan_fast` for siad's own)."""
    position, line, counted, size = 0, 1, 0, len(html)
    count, origin = html.count, page.origin
    while True:  # once per raw-text element (script, style): the tokens go on after its end tag
        for match in _TOKEN.finditer(html, position):
            start, end = match.span()
            if start > position and page.in_main:
                page.data(unescape(html[position:start]))
            position = end
            closing, name, attributes, slash = match.groups()
            if name is None:  # a comment or a declaration
                continue
            tag = name.lower()
            if closing:
                page.end(tag)
                continue
            line += count("\n", counted, start)
            counted = start
            meaning = TagMeaning(tag, _attributes(attributes) if attributes else {}, origin)
            if slash:
                page.startend(meaning, line)
                continue
            page.start(meaning, line)
            raw_end = _RAW_END.get(tag)
            if raw_end is not None:  # its content is text, up to its end tag
                end_match = raw_end.search(html, position)
                stop = end_match.start() if end_match else size
                if stop > position and page.in_main:
                    page.data(html[position:stop])
                if end_match is None:
                    return
                position = end_match.end()
                page.end(tag)
                break
        else:
            if size > position and page.in_main:
                page.data(unescape(html[position:size]))
            return


# --- the fast tokenizer, for the pages siad writes ----------------------------------------------

# The page as (text, tag) pieces in one findall: the text before each tag (or before a « < » that
# starts no tag: text too), then the tag. The content of a <script> or <style> is text up to its end
# tag: a page where such content holds a « < » (or has no end tag) is read by scan().
_PIECE = re.compile(rf"([^<]*)({_OTHER}|</?{_NAME}{_ATTRIBUTES}[\s/]*?/?>|<|\Z)", re.S)
_RAW_WITHOUT_TAGS = re.compile(r"<(script|style)\b[^>]*>(?![^<]*</\1\s*>)", re.I)
_RAW = ("script", "style")
_KNOWN: dict[str | None, dict[str, tuple]] = {}  # per origin: tag's text → (kind, meaning or name)
_KNOWN_MAX = 50_000  # tags remembered per origin (about 15 MB), then forgotten all at once
_START, _END, _STARTEND, _SKIP, _TEXT = range(5)


def _piece(text: str, origin: str | None) -> tuple:
    """What one tag's text is: (_START or _STARTEND, its meaning), (_END, its name), (_SKIP, None)
    for a comment or a declaration, (_TEXT, None) for a « < » that starts no tag."""
    if text == "<":
        return _TEXT, None
    match = _TOKEN.fullmatch(text)
    closing, name, attributes, slash = match.groups()
    if name is None:
        return _SKIP, None
    tag = name.lower()
    if closing:
        return _END, tag
    return (_STARTEND if slash else _START), TagMeaning(tag, _attributes(attributes) if attributes else {}, origin)


def _known_tags(origin: str | None) -> dict[str, tuple]:
    known = _KNOWN.get(origin)
    if known is None or len(known) > _KNOWN_MAX:
        known = _KNOWN[origin] = {}
    return known


def scan_fast(html: str, page: PageReader) -> None:
    """Feed ``page`` with the same events as :func:`scan`, faster: one findall for the pieces, and a
    tag whose exact text was met before (on this page or another) is not read again. A reader that
    wants no text (``main_tag`` None) only gets the start tags that bring something (ids, links,
    policy findings): the others, the end tags and the text are not even looked at."""
    if _RAW_WITHOUT_TAGS.search(html):
        scan(html, page)
        return
    origin = page.origin
    known = _known_tags(origin)
    if page.main_tag is None:
        _scan_start_tags(html, page, known)
        return
    position, line, counted = 0, 1, 0
    count, data, end = html.count, page.data, page.end
    raw = False  # the text that follows is a <script>'s or <style>'s: not unescaped
    for text, tag_text in _PIECE.findall(html):
        if text:
            if page.in_main:
                data(text if raw else unescape(text))
            position += len(text)
        raw = False
        if not tag_text:
            continue
        kind, value = known.get(tag_text) or known.setdefault(tag_text, _piece(tag_text, origin))
        if kind == _END:
            if page.in_main or value == "main":
                end(value)
        elif kind <= _STARTEND:
            if value.inert and not page.in_main:
                pass
            else:
                if value.link is not None or value.problems:  # only then is its line needed
                    line += count("\n", counted, position)
                    counted = position
                (page.start if kind == _START else page.startend)(value, line)
                raw = kind == _START and value.tag in _RAW
        elif kind == _TEXT and page.in_main:
            data(tag_text)
        position += len(tag_text)


_START_TAG = re.compile(rf"{_OTHER}|<{_NAME}{_ATTRIBUTES}[\s/]*?/?>", re.S)  # and comments, skipped whole


def _scan_start_tags(html: str, page: PageReader, known: dict[str, tuple]) -> None:
    line, counted, count, origin = 1, 0, html.count, page.origin
    for match in _START_TAG.finditer(html):
        tag_text = match.group()
        kind, value = known.get(tag_text) or known.setdefault(tag_text, _piece(tag_text, origin))
        if kind <= _STARTEND and not value.inert:
            start = match.start()
            line += count("\n", counted, start)
            counted = start
            page.start(value, line)  # its end does not matter without text
