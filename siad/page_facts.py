"""What the build's checks need from each rendered page, read in one pass of the HTML parser.

Three readers look at every rendered page: the link check (ids and links, :mod:`siad.linkcheck`),
the security policy check (what the strict ``_headers`` would block, :mod:`siad.headers`) and the
search index (the words of ``<main>``, :mod:`siad.search_index`). Parsing is most of their cost,
so one :class:`html.parser.HTMLParser` feeds all three at once; the result is a small
:class:`PageFacts`, plain data that the incremental cache stores as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    parser = _Tee(list(sinks))
    parser.feed(html)
    parser.close()


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


def read_page(html: str, base_url: str | None = None) -> PageFacts:
    """The facts of one rendered page; ``base_url``: the site's public address (its own absolute URLs are not foreign)."""
    from .headers import PolicySink
    from .linkcheck import LinkSink
    from .search_index import MainTextSink

    links, policy, text = LinkSink(), PolicySink(base_url), MainTextSink()
    feed(html, links, policy, text)
    return PageFacts(frozenset(links.ids), tuple(links.links), tuple(policy.problems), text.entry())
