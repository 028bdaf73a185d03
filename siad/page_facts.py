"""What the build's checks need from each rendered page, read in one pass.

Three checks look at every rendered page: the link check (ids and links, :mod:`siad.linkcheck`),
the security policy check (what the strict ``_headers`` would block, :mod:`siad.headers`) and the
search index (the words of ``<main>``, :mod:`siad.search_index`). Reading is most of their cost, so
one reader (:mod:`siad.page_reader`) collects what the three need in a single pass over the tags;
the result is a small :class:`PageFacts`, plain data that the incremental cache stores as JSON.
"""

from __future__ import annotations

import json
from typing import Callable

from .page_reader import PageReader, scan_fast


class PageFacts:
    """The facts of one rendered page: ``ids``, ``links`` ((url, line in the built file)…),
    ``policy`` ((line, what the strict policy would block)…) and ``entry``, its search-index entry
    (see :meth:`siad.page_reader.PageReader.entry`; None once the entry was made into the index's record).

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
        return links if type(links) is str else _ENCODE(links)

    def compact(self) -> "PageFacts":
        """The same facts without the search entry (the index keeps its record), links as JSON text,
        and the text the cache stores (:meth:`to_json`) made now: by the worker that rendered the
        page, not by the build's process once every page is rendered (0.2 s nationally)."""
        made = PageFacts(self.ids, self._links_text(), self.policy)
        made._stored = self._facts_text()
        return made

    def to_json(self) -> tuple[str, str]:
        """(ids and policy, links) as two JSON texts; the entry is not kept (the index keeps its record)."""
        return (self._stored if self._stored is not None else self._facts_text()), self._links_text()

    def _facts_text(self) -> str:
        return _ENCODE({"ids": sorted(self.ids), "policy": self.policy})

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


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False) makes an encoder per call
_NO_POLICY = ', "policy": []}'  # the end of to_json's first text when the policy check found nothing


def read_page(html: str, base_url: str | None = None, reader=None, text: bool = True) -> PageFacts:
    """The facts of one rendered page; ``base_url``: the site's public address (its own absolute
    URLs are not foreign); ``reader``: one of :mod:`siad.page_reader`'s other tokenizers (tests);
    ``text``: False when the search index will not keep the page's words (its entry is then empty)."""
    page = PageReader(base_url, text)
    (reader or scan_fast)(html, page)
    return PageFacts(frozenset(page.ids), tuple(page.links), tuple(page.problems), page.entry())
