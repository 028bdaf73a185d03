"""The glossary, applied to every content page: the first use of each acronym becomes
``<a href="…/glossaire/#adil"><abbr title="Agence départementale d'information sur le logement">ADIL</abbr></a>``.

The glossary is the content page ``content/glossaire.md``, written by the staff as a Markdown
definition list: the term on its own line, then ``:   **Expansion.** What it changes for you.``
The expansion is the first bold text of the definition (else its first sentence). Each term gets
an anchor on the glossary page so that other pages can link to it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Callable

from markdown.treeprocessors import Treeprocessor

from .content import SourcePage
from .errors import Location, Report
from .markup import slugify

GLOSSARY_URL = "glossaire/"
# Where a term is never marked: links (no link in a link), existing abbreviations, code, headings.
SKIPPED = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
_TERM_LINE = re.compile(r"^(?P<term>[^\s:#>*|].*?)\s*$")
_DEFINITION = re.compile(r"^ {0,3}:\s+(?P<text>.*)$")
_BOLD = re.compile(r"\*\*(?P<bold>.+?)\*\*|__(?P<under>.+?)__")


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str
    anchor: str


@dataclass
class Glossary:
    terms: dict[str, Term] = field(default_factory=dict)

    def pattern(self) -> re.Pattern | None:
        """Any term as a whole word (« APL » not in « APLS » nor « ADIL03 »), the longest first."""
        if not self.terms:
            return None
        words = sorted(self.terms, key=lambda t: (-len(t), t))
        return re.compile(r"(?<![\w\-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w\-])")


def load_glossary(pages: list[SourcePage], report: Report) -> Glossary:
    """The terms of ``content/glossaire.md`` (an empty glossary when the project has no such page)."""
    page = next((p for p in pages if p.url == GLOSSARY_URL), None)
    glossary = Glossary()
    if page is None:
        return glossary
    lines = page.body.splitlines()
    anchors: set[str] = set()
    for index, line in enumerate(lines[:-1]):
        following = next((n for n in lines[index + 1 :] if n.strip()), "")
        term_match, definition = _TERM_LINE.match(line), _DEFINITION.match(following)
        if term_match is None or definition is None:
            continue
        term = term_match.group("term")
        loc = Location(page.source, page.body_line + index, 1)
        if term in glossary.terms:
            report.warning(loc, f"le sigle « {term} » est défini deux fois dans le glossaire", "gardez une seule définition : seule la première est utilisée")
            continue
        bold = _BOLD.search(definition.group("text"))
        expansion = (bold.group("bold") or bold.group("under")) if bold else re.split(r"(?<=[.!?])\s", definition.group("text"))[0]
        expansion = re.sub(r"[*_`]", "", expansion).strip().rstrip(".").strip()
        if not expansion:
            report.warning(loc, f"le sigle « {term} » n'a pas de définition", "écrivez sa signification en gras au début de la définition : **…**")
            continue
        anchor = slugify(term)
        while anchor in anchors:
            anchor += "-2"
        anchors.add(anchor)
        glossary.terms[term] = Term(term, expansion, anchor)
    return glossary


class GlossaryTreeprocessor(Treeprocessor):
    """On the glossary page, gives each term its anchor; on the others, marks each term's first use."""

    def __init__(self, md, glossary: Glossary, page_url: str, url_for: Callable[[str], str]):
        super().__init__(md)
        self.glossary = glossary
        self.is_glossary = page_url == GLOSSARY_URL
        self.href = url_for(GLOSSARY_URL)
        self.pattern = glossary.pattern()
        self.used: set[str] = set()

    def run(self, root: etree.Element) -> None:
        if self.pattern is None:
            return
        if self.is_glossary:
            taken = {e.get("id") for e in root.iter() if e.get("id")}
            for dt in root.iter("dt"):
                term = self.glossary.terms.get("".join(dt.itertext()).strip())
                if term is not None and term.anchor not in taken:
                    dt.set("id", term.anchor)
            return
        self._mark(root)

    def _mark(self, element: etree.Element) -> None:
        if element.tag in SKIPPED:
            return
        if element.text:
            element.text, added = self._split(element.text)
            for position, node in enumerate(added):
                element.insert(position, node)
        for child in list(element):
            if child.tag == "abbr" and child.text in self.glossary.terms and child.text not in self.used:
                child = self._link_abbr(element, child)  # the author's own <abbr>: linked, its title kept
            else:
                self._mark(child)
            if child.tail:
                child.tail, added = self._split(child.tail)
                at = list(element).index(child) + 1
                for offset, node in enumerate(added):
                    element.insert(at + offset, node)

    def _link_abbr(self, parent: etree.Element, abbr: etree.Element) -> etree.Element:
        term = self.glossary.terms[abbr.text]
        self.used.add(term.term)
        link = etree.Element("a", {"href": f"{self.href}#{term.anchor}", "class": "sigle"})
        parent.insert(list(parent).index(abbr), link)
        parent.remove(abbr)
        link.tail, abbr.tail = abbr.tail, None
        link.append(abbr)
        return link

    def _split(self, text: str) -> tuple[str, list[etree.Element]]:
        """``text`` with the first use of each term not yet marked taken out: the text before the
        first of them, and the new links, each carrying the text that follows it as its tail."""
        lead, nodes, position = None, [], 0
        for match in self.pattern.finditer(text):
            if match.group(0) in self.used:
                continue
            term = self.glossary.terms[match.group(0)]
            self.used.add(term.term)
            link = etree.Element("a", {"href": f"{self.href}#{term.anchor}", "class": "sigle"})
            abbr = etree.SubElement(link, "abbr", {"title": term.expansion})
            abbr.text = term.term
            before = text[position : match.start()]
            if nodes:
                nodes[-1].tail = before
            else:
                lead = before
            nodes.append(link)
            position = match.end()
        if not nodes:
            return text, []
        nodes[-1].tail = text[position:]
        return lead, nodes
