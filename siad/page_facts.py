"""What the build's checks need from each rendered page, read in one pass of the HTML parser.

Three readers look at every rendered page: the link check (ids and links, :mod:`siad.linkcheck`),
the security policy check (what the strict ``_headers`` would block, :mod:`siad.headers`) and the
search index (the words of ``<main>``, :mod:`siad.search_index`). Parsing is most of their cost,
so one :class:`html.parser.HTMLParser` feeds all three at once; the result is a small
:class:`PageFacts`, plain data that the incremental cache stores as JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser


class Sink:
    """A reader of parser events; ``line`` is the current line of the page, set before each event."""

    line = 1

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def startend(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start(tag, attrs)
        self.end(tag)

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass


class _Tee(HTMLParser):
    def __init__(self, sinks: list[Sink]) -> None:
        super().__init__(convert_charrefs=True)
        self.sinks = sinks

    def _at_line(self) -> None:
        line = self.getpos()[0]
        for sink in self.sinks:
            sink.line = line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._at_line()
        for sink in self.sinks:
            sink.start(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._at_line()
        for sink in self.sinks:
            sink.startend(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for sink in self.sinks:
            sink.end(tag)

    def handle_data(self, data: str) -> None:
        for sink in self.sinks:
            sink.data(data)


def feed(html: str, *sinks: Sink) -> None:
    """Parse ``html`` once, sending every event to each of ``sinks``."""
    _scan(html, list(sinks))


def feed_with_html_parser(html: str, *sinks: Sink) -> None:
    """The same events from the standard library's :class:`html.parser.HTMLParser` (the reference
    :func:`feed` is tested against; several times slower)."""
    parser = _Tee(list(sinks))
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
_ATTRIBUTE = re.compile(r"([^\s/>\"'=][^\s/>\"'=]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_RAW_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found = []
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = double if double is not None else single if single is not None else bare
        found.append((name.lower(), unescape(value) if value is not None else None))
    return found


def _scan(html: str, sinks: list[Sink]) -> None:
    # Bound methods, and only the sinks that do something with each kind of event: this loop runs
    # for every tag of every page of the site.
    starts = [sink.start for sink in sinks]
    startends = [sink.startend for sink in sinks]
    ends = [sink.end for sink in sinks if type(sink).end is not Sink.end]
    datas = [sink.data for sink in sinks if type(sink).data is not Sink.data]
    position, line, counted = 0, 1, 0
    search, count = _TOKEN.search, html.count
    while True:
        match = search(html, position)
        start = match.start() if match else len(html)
        if start > position and datas:
            text = unescape(html[position:start])
            for data in datas:
                data(text)
        if match is None:
            return
        position = match.end()
        closing, name, attributes, slash = match.groups()
        if name is None:  # a comment or a declaration
            continue
        tag = name.lower()
        if closing:
            for end in ends:
                end(tag)
            continue
        line += count("\n", counted, start)
        counted = start
        attrs = _attributes(attributes) if attributes else []
        for sink in sinks:
            sink.line = line
        if slash:
            for startend in startends:
                startend(tag, attrs)
            continue
        for begin in starts:
            begin(tag, attrs)
        raw_end = _RAW_END.get(tag)
        if raw_end is not None:
            end_match = raw_end.search(html, position)
            stop = end_match.start() if end_match else len(html)
            if stop > position:
                for data in datas:
                    data(html[position:stop])
            if end_match is None:
                return
            position = end_match.end()
            for end in ends:
                end(tag)


@dataclass(frozen=True)
class PageFacts:
    ids: frozenset[str]
    links: tuple[tuple[str, int], ...]  # (url, line in the built file)
    policy: tuple[tuple[int, str], ...]  # (line, what the strict policy would block)
    entry: dict  # the page's search-index entry (see search_index.page_entry)

    def to_json(self) -> dict:
        return {"ids": sorted(self.ids), "links": [list(link) for link in self.links],
                "policy": [list(problem) for problem in self.policy], "entry": self.entry}

    @classmethod
    def from_json(cls, data: dict) -> "PageFacts":
        return cls(frozenset(data["ids"]), tuple((url, line) for url, line in data["links"]),
                   tuple((line, text) for line, text in data["policy"]), data["entry"])


def read_page(html: str, base_url: str | None = None, reader=feed) -> PageFacts:
    """The facts of one rendered page; ``base_url``: the site's public address (its own absolute URLs are not foreign)."""
    from .headers import PolicySink
    from .linkcheck import LinkSink
    from .search_index import MainTextSink

    links, policy, text = LinkSink(), PolicySink(base_url), MainTextSink()
    reader(html, links, policy, text)
    return PageFacts(frozenset(links.ids), tuple(links.links), tuple(policy.problems), text.entry())
