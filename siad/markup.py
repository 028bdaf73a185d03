"""Markdown to HTML for content pages: extensions, shortcodes, links between pages, heading checks.

Content never runs template code: the only way for a page to show data is a shortcode,
``{{< lieux-accueil niveau=2 >}}`` alone on its line, rendered by a theme template that
siad chooses (see :mod:`siad.shortcodes`).

The author's Markdown may hold raw HTML: its rendering goes through the allowlist sanitiser of
:mod:`siad.sanitise`. The shortcodes' HTML (siad's own templates, with forms, ``data-*`` and
SVG) must not: each shortcode becomes a placeholder paragraph, the Markdown is rendered and
sanitised, then the placeholders are replaced by the shortcodes' HTML.
"""

from __future__ import annotations

import posixpath
import re
import secrets
import unicodedata
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import markdown_needs
from .errors import Location, Report
from .sanitise import sanitise
from .schema import suggestion

SHORTCODE_LINE = re.compile(r"^\s*\{\{<\s*(?P<name>[a-z0-9-]+)(?P<args>(?:\s+[a-z_][a-z0-9_]*=(?:\"[^\"]*\"|[^\s\"]+))*)\s*>\}\}\s*$")
SHORTCODE_ARG = re.compile(r"([a-z_][a-z0-9_]*)=(?:\"([^\"]*)\"|([^\s\"]+))")
_SHORTCODE_NAME = re.compile(r"\{\{<\s*([\w-]+)")


def shortcode_names(body: str) -> set[str]:
    """The names of the shortcodes a Markdown body calls (a superset: written ones that are not valid
    shortcodes count too), for what depends on them (fingerprints, the open data's page)."""
    return set(_SHORTCODE_NAME.findall(body))

# (name, arguments, location) -> HTML
ShortcodeRenderer = Callable[[str, dict[str, str], Location], str]


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 17)  # 35,000 communes' names sorted by slug several times a build, and again by siad serve
def slugify(text: str, separator: str = "-") -> str:
    """ASCII anchor ids for French headings: « Où déposer ? » → « ou-deposer »."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG.sub(separator, text).strip(separator) or "section"


@dataclass
class RenderedMarkdown:
    html: str
    toc: list[dict] = field(default_factory=list)


@dataclass
class LinkContext:
    """What link rewriting needs to know about the site."""

    page_url: str
    source_dir: str  # folder of the page's .md file, relative to content/
    pages_by_source: dict[str, str]  # "aide/index.md" -> "aide/"
    static_files: set[str]
    url_for: Callable[[str], str]


class _ShortcodePreprocessor(Preprocessor):
    """Each shortcode line becomes a paragraph of its own holding a placeholder token (letters and
    digits only, with a random part the author cannot guess), its HTML kept in ``blocks``."""

    def __init__(self, md, source: str, first_line: int, render: ShortcodeRenderer, report: Report):
        super().__init__(md)
        self.source = source
        self.first_line = first_line
        self.render = render
        self.report = report
        self.nonce = secrets.token_hex(8)
        self.blocks: dict[str, str] = {}  # placeholder token -> the shortcode's HTML

    def restore(self, html: str) -> str:
        """``html`` with each placeholder paragraph replaced by its shortcode's HTML."""
        if not self.blocks:
            return html
        token = re.compile(rf"<p>(siadbloc{self.nonce}n\d+)</p>|(siadbloc{self.nonce}n\d+)")
        return token.sub(lambda m: self.blocks.get(m.group(1) or m.group(2), ""), html)

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for index, line in enumerate(lines):
            if "{{<" not in line:
                out.append(line)
                continue
            loc = Location(self.source, self.first_line + index, line.index("{{<") + 1)
            match = SHORTCODE_LINE.match(line)
            if match is None:
                self.report.error(
                    loc,
                    "bloc de données « {{< … >}} » mal écrit",
                    "il doit être seul sur sa ligne, sous la forme {{< lieux-accueil >}} ou {{< lieux-accueil niveau=2 >}}",
                )
                out.append("")
                continue
            args = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in SHORTCODE_ARG.finditer(match.group("args"))}
            token = f"siadbloc{self.nonce}n{len(self.blocks)}"
            self.blocks[token] = self.render(match.group("name"), args, loc)
            out.extend(["", token, ""])
        return out


class _LinkRewriter(Treeprocessor):
    """Rewrites links to other pages' .md files and checks heading levels."""

    def __init__(self, md, source: str, body: str, first_line: int, links: LinkContext, report: Report):
        super().__init__(md)
        self.source = source
        self.body_lines = body.splitlines()
        self.first_line = first_line
        self.links = links
        self.report = report

    def locate(self, needle: str) -> Location:
        for index, line in enumerate(self.body_lines):
            if needle in line:
                return Location(self.source, self.first_line + index, line.index(needle) + 1)
        return Location(self.source, self.first_line)

    def run(self, root: etree.Element) -> None:
        previous = 1
        for element in root.iter():
            if element.tag in ("a", "img"):
                attr = "href" if element.tag == "a" else "src"
                value = element.get(attr)
                if value:
                    element.set(attr, self.rewrite(value))
            elif re.fullmatch(r"h[1-6]", element.tag):
                level = int(element.tag[1])
                text = "".join(element.itertext()).strip()
                if level == 1:
                    self.report.warning(
                        self.locate(text),
                        f"titre de niveau 1 « {text} » dans le texte de la page",
                        "le titre de la page vient de « titre: » ; commencez les intertitres par « ## »",
                    )
                elif level > previous + 1:
                    self.report.warning(
                        self.locate(text),
                        f"niveau de titre sauté : « {text} » est de niveau {level} après un niveau {previous}",
                        f"utilisez {'#' * (previous + 1)} pour ce titre",
                    )
                previous = level

    def rewrite(self, href: str) -> str:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href) or href.startswith(("#", "/")):
            return href
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(self.links.source_dir, path))
        suffix = "#" + fragment if fragment else ""
        if path.endswith(".md"):
            url = self.links.pages_by_source.get(target)
            if url is None:
                hint = suggestion(target, sorted(self.links.pages_by_source)) or "vérifiez le nom du fichier .md visé"
                self.report.error(self.locate(href), f"lien vers une page inexistante : « {href} »", hint)
                return href
            return self.links.url_for(url) + suffix
        if target in self.links.static_files:
            return self.links.url_for(target) + suffix
        if target.rstrip("/") + "/" in self.links.pages_by_source.values() or target in ("", "."):
            return self.links.url_for(target.rstrip("/") + "/" if target not in ("", ".") else "") + suffix
        self.report.error(
            self.locate(href),
            f"lien vers un fichier inexistant : « {href} »",
            "pour lier une page, visez son fichier .md, par exemple (deposer-une-demande.md)",
        )
        return href


class _TableAlignment(Treeprocessor):
    """Markdown's column alignment (``|---:|``) is a ``style`` attribute, which the sanitiser
    removes from content: it becomes a class of the theme instead (``align-right``…)."""

    STYLE = re.compile(r"text-align:\s*(left|center|right);?")

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in ("th", "td") and (match := self.STYLE.fullmatch((element.get("style") or "").strip())):
                del element.attrib["style"]
                element.set("class", " ".join(filter(None, (element.get("class"), f"align-{match.group(1)}"))))


class _FrenchSpacing(Treeprocessor):
    """French typography: the space before « ? ! ; : » and inside guillemets becomes a narrow
    no-break space, so that a « ? » never starts a line on a narrow screen. Code is left alone."""

    SPACE = re.compile(r"[ \u00a0](?=[?!;:»])|(?<=«)[ \u00a0]")  # before the sign, or inside the guillemet
    SIGN = re.compile(r"[?!;:»«]")  # a text without any (most) is left as it is

    def run(self, root: etree.Element) -> None:
        self._fix(root)

    def _fix(self, element: etree.Element) -> None:
        if element.tag in ("code", "pre", "script", "style"):
            return
        element.text = self._spaces(element.text)
        for child in element:
            self._fix(child)
            child.tail = self._spaces(child.tail)

    @classmethod
    def _spaces(cls, text: str | None) -> str | None:
        if not text or cls.SIGN.search(text) is None:
            return text
        return cls.SPACE.sub("\u202f", text)


_MARKDOWN: markdown.Markdown | None = None


class _PagePreprocessor(Preprocessor):
    """Where the page's own preprocessor runs: registered once on the converter, given the page's
    processor before each page (registering processors anew at each page made Python-Markdown sort
    its lists again at each use: 5 % of the conversion of 4,000 short pages)."""

    page: Preprocessor | None = None

    def run(self, lines: list[str]) -> list[str]:
        return lines if self.page is None else self.page.run(lines)


class _PageTreeprocessor(Treeprocessor):
    """The same for a tree processor of the page (its links, the glossary)."""

    page: Treeprocessor | None = None

    def run(self, root: etree.Element) -> etree.Element | None:
        return None if self.page is None else self.page.run(root)


def _markdown() -> markdown.Markdown:
    """One Markdown converter per process, reset before each page: building one costs about as much
    as converting a short page. The page's own processors (shortcodes, links, glossary) are given
    to the places registered for them (:class:`_PagePreprocessor`, :class:`_PageTreeprocessor`)."""
    global _MARKDOWN
    if _MARKDOWN is None:
        md = new_converter()
        if markdown_needs.supported():  # the same result, without the tries that cannot match
            md.treeprocessors.register(markdown_needs.InlineByNeeds(md), "inline", 20)
            markdown_needs.narrow_block_processors(md)
            markdown_needs.narrow_toc_marker(md)
        md.preprocessors.register(_PagePreprocessor(md), "siad-shortcodes", 28)
        md.treeprocessors.register(_PageTreeprocessor(md), "siad-links", 1)
        md.treeprocessors.register(_PageTreeprocessor(md), "siad-glossary", 0.5)  # after the links: its own links are final
        md.treeprocessors.register(_TableAlignment(md), "siad-table-alignment", 0.45)
        md.treeprocessors.register(_FrenchSpacing(md), "siad-french-spacing", 0.4)
        _MARKDOWN = md
    return _MARKDOWN.reset()


def new_converter() -> markdown.Markdown:
    """Python-Markdown with siad's extensions. Given as objects, not names: a name makes
    Python-Markdown look for it among the entry points of every installed package first (the
    metadata of each, read at each start of siad)."""
    from markdown.extensions.abbr import AbbrExtension
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.def_list import DefListExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension
    from markdown.extensions.toc import TocExtension

    return markdown.Markdown(
        extensions=[TableExtension(), AttrListExtension(), AbbrExtension(), DefListExtension(), SaneListExtension(),
                    TocExtension(slugify=slugify, toc_depth="2-3")],
        output_format="html",
    )


def render_markdown(
    body: str,
    source: str,
    first_line: int,
    shortcodes: ShortcodeRenderer,
    links: LinkContext,
    report: Report,
    glossary: Treeprocessor | None = None,
) -> RenderedMarkdown:
    md = _markdown()
    blocks = _ShortcodePreprocessor(md, source, first_line, shortcodes, report)
    md.preprocessors["siad-shortcodes"].page = blocks
    md.treeprocessors["siad-links"].page = _LinkRewriter(md, source, body, first_line, links, report)
    if glossary is not None:
        glossary.md = md
    md.treeprocessors["siad-glossary"].page = glossary
    try:
        # The author's HTML through the allowlist; the shortcodes' HTML (siad's own) only after it.
        html = blocks.restore(sanitise(md.convert(body), source, body, first_line, report)).strip()
        toc = [{**token, "name": _FrenchSpacing._spaces(token["name"])} for token in getattr(md, "toc_tokens", [])]
    finally:
        # The converter outlives the build: it must not keep the page's processors, which hold the
        # whole site (the renderer) — siad serve would keep two sites in memory, a build would free
        # none of it before exiting.
        md.preprocessors["siad-shortcodes"].page = None
        md.treeprocessors["siad-links"].page = md.treeprocessors["siad-glossary"].page = None
    return RenderedMarkdown(html=html, toc=toc)
