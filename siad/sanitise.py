"""The author's HTML, made inert: an allowlist sanitiser over the Markdown of content pages.

Staff paste HTML into their Markdown (a table from a word processor, a link with a title…), and
Python-Markdown passes raw HTML through as it is. :func:`sanitise` runs the rendered HTML of a
page through nh3 (the Python binding of ammonia, a maintained Rust allowlist sanitiser) with
:data:`POLICY`: what content legitimately needs stays; scripts, event handlers, ``style``, frames,
objects, forms and URLs whose scheme is not http, https, mailto or tel are removed.

Only the author's Markdown goes through it. The data blocks (shortcodes) are siad's own theme
templates, with forms, ``data-*``, ``role``/``aria-*`` and SVG: :mod:`siad.markup` keeps them out
of the Markdown behind placeholders, and puts them back after this step.

Whatever the sanitiser removes is reported as a warning (an error under ``--strict``) naming the
tag, attribute or address, at its line in the page's file when it can be found there.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import nh3

from .errors import Location, Report

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
URL_ATTRIBUTES = frozenset({"href", "src"})
ALIGN_CLASSES = frozenset({"align-left", "align-center", "align-right"})  # Markdown's table alignment (see markup)

TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "sub", "sup", "span",
    "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "abbr", "img", "details", "summary",
})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"lang"}),  # a passage in another language (RGAA 8.7)
    "a": frozenset({"href", "title", "class"}),  # class: the glossary's « sigle » links
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title"}),
    **{f"h{n}": frozenset({"id"}) for n in range(1, 7)},  # anchors of the table of contents
    "dt": frozenset({"id"}),  # the glossary's anchors
    "dd": frozenset({"id"}),
    "th": frozenset({"scope", "colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open"}),
}
ALLOWED_CLASSES = {"th": ALIGN_CLASSES, "td": ALIGN_CLASSES}
# Removed with everything inside them (the others lose their tag and keep their text).
CLEAN_CONTENT_TAGS = frozenset({
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed",
    "noframes", "template", "svg", "math", "textarea", "select", "form", "button", "title", "xmp", "plaintext",
})
# What the HTML parser reads as raw text up to their end tag: unclosed, they swallow the rest of the page.
RAW_TEXT_TAGS = frozenset({"script", "style", "iframe", "noscript", "noembed", "noframes", "textarea", "title", "xmp", "plaintext"})

POLICY = {
    "tags": set(TAGS),
    "clean_content_tags": set(CLEAN_CONTENT_TAGS),
    "attributes": {tag: set(names) for tag, names in ATTRIBUTES.items()},
    "allowed_classes": {tag: set(names) for tag, names in ALLOWED_CLASSES.items()},
    "url_schemes": set(URL_SCHEMES),
    "link_rel": None,  # links stay as the author wrote them (no rel added)
    "strip_comments": True,
}

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_NOISE = re.compile(r"[\t\n\r]")  # browsers drop them anywhere in a URL
_URL_EDGES = re.compile(r"^[\x00-\x20\x7f]+|[\x00-\x20\x7f]+$")  # and controls and spaces around it
_SHOWN_URL = 60

_SCRIPT_HINT = "à retirer du fichier : un comportement interactif vient du thème, jamais du texte des pages"
_FORMAT_HINT = "à retirer du fichier ; pour du gras ou de l'italique, écrivez **gras** ou *italique* en Markdown"
_EMBED_HINT = "mettez plutôt un lien vers ce contenu : [texte du lien](https://…)"
_FORM_HINT = "mettez plutôt un lien vers le formulaire en ligne : [texte du lien](https://…)"
_OTHER_HINT = "écrivez ce passage en Markdown (les balises permises sont listées dans docs/security.md de siad)"
_URL_HINT = "écrivez une adresse complète commençant par https://, mailto: ou tel:, ou un lien vers un fichier .md du site"


_CLEANER = nh3.Cleaner(**POLICY)  # the allowlist made once: nh3.clean makes it again on each call (half its time)


def sanitise(html: str, source: str, body: str, first_line: int, report: Report) -> str:
    """``html`` (a page's rendered Markdown) through the allowlist; what it loses is reported."""
    cleaned = _CLEANER.clean(html)
    if cleaned != html:
        _Audit(html, cleaned, _Locator(source, body, first_line), report).run()
    return cleaned


def tag_problem(tag: str) -> tuple[str, str]:
    """Why ``tag`` is not allowed, and what to do instead: (message end, hint)."""
    if tag in ("script", "noscript"):
        return "le contenu des pages ne peut pas exécuter de script", _SCRIPT_HINT
    if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "noembed", "noframes"):
        return "le contenu des pages ne peut pas intégrer un autre site, une image vectorielle ou un objet", _EMBED_HINT
    if tag in ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"):
        return "le contenu des pages ne peut pas contenir de formulaire", _FORM_HINT
    if tag in ("style", "font", "center", "link", "meta"):
        return "la mise en forme vient du thème", _FORMAT_HINT
    return "elle n'est pas permise dans le contenu", _OTHER_HINT


def attribute_problem(tag: str, name: str) -> tuple[str, str]:
    if name.startswith("on"):
        return "le contenu des pages ne peut pas exécuter de script", _SCRIPT_HINT
    if name in ("style", "class", "align", "width", "height", "color", "bgcolor", "face", "size", "border"):
        return "la mise en forme vient du thème", _FORMAT_HINT
    return f"il n'est pas permis sur <{tag}> dans le contenu", _OTHER_HINT


def url_allowed(value: str) -> bool:
    """What the sanitiser keeps in ``href``/``src``: a relative URL, or one of :data:`URL_SCHEMES`."""
    match = _SCHEME.match(_URL_EDGES.sub("", _URL_NOISE.sub("", value)))
    return match is None or match.group(1).lower() in URL_SCHEMES


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= _SHOWN_URL else value[: _SHOWN_URL - 1] + "…"


class _Locator:
    """Finds what the sanitiser removed in the page's Markdown: the nth removal of the same thing
    is looked for after the previous one, so that two scripts are reported at their two lines."""

    def __init__(self, source: str, body: str, first_line: int):
        self.source = source
        self.lines = body.splitlines()
        self.first_line = first_line
        self.after: dict[str, tuple[int, int]] = {}

    def find(self, *patterns: str) -> Location:
        for pattern in patterns:
            regex = re.compile(pattern, re.IGNORECASE)
            start_line, start_col = self.after.get(pattern, (0, 0))
            for found in (self._search(regex, start_line, start_col), self._search(regex, 0, 0)):
                if found is not None:
                    line, col = found
                    self.after[pattern] = (line, col + 1)
                    return Location(self.source, self.first_line + line, col + 1)
        return Location(self.source)

    def _search(self, regex: re.Pattern, start_line: int, start_col: int) -> tuple[int, int] | None:
        for index in range(start_line, len(self.lines)):
            line, start = self.lines[index], start_col if index == start_line else 0
            # as written, or with its character references decoded (« &#106;avascript: »)
            match = regex.search(line, start) or regex.search(unescape(line), start)
            if match is not None:
                return index, match.start()
        return None


class _Elements(HTMLParser):
    """Start tags and attributes of an HTML fragment, with their offsets in it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", html)]
        self.events: list[tuple] = []  # ("start", tag, attrs, offset, end) | ("end", tag, offset)
        self.feed(html)
        self.close()

    def _where(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        offset = self._where()
        self.events.append(("start", tag, attrs, offset, offset + len(self.get_starttag_text() or "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.events.append(("end", tag, self._where()))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, self._where()))


class _Audit:
    """What nh3 removed from a page, told in French: each removed tag, attribute and address.

    The reasons come from :data:`POLICY`; a removal the policy does not explain (a misplaced tag
    the HTML parser dropped, an address that is not a valid URL) is found by comparing what
    should have survived with what did, and reported too."""

    def __init__(self, html: str, cleaned: str, locator: _Locator, report: Report):
        self.html = html
        self.cleaned = cleaned
        self.locator = locator
        self.report = report
        self.expected: Counter = Counter()
        self.seen: set[tuple[Location, str]] = set()

    def warn(self, loc: Location, message: str, hint: str) -> None:
        if (loc, message) not in self.seen:
            self.seen.add((loc, message))
            self.report.warning(loc, message, hint)

    def run(self) -> None:
        skip_until = -1  # inside removed content: nothing more to say about it
        container: tuple[str, int] | None = None  # (tag, depth) of a removed element with content
        for event in _Elements(self.html).events:
            kind, tag, offset = event[0], event[1], event[3] if event[0] == "start" else event[2]
            if offset < skip_until:
                continue
            if container is not None:
                name, depth = container
                if tag == name:
                    depth += 1 if kind == "start" else -1
                container = (name, depth) if depth > 0 else None
                continue
            if kind == "start":
                _, _, attrs, offset, end = event
                container, skip_until = self.start(tag, attrs, end)
        self.unexplained()

    def start(self, tag: str, attrs: list[tuple[str, str | None]], end: int) -> tuple[tuple[str, int] | None, int]:
        """Reports the start tag's removals; returns what to skip after it (removed content)."""
        if tag not in TAGS:
            why, hint = tag_problem(tag)
            loc = self.locator.find(rf"<\s*{re.escape(tag)}\b")
            if tag not in CLEAN_CONTENT_TAGS:
                self.warn(loc, f"balise <{tag}> retirée de la page : {why}", hint)
                return None, -1
            if tag in RAW_TEXT_TAGS:
                close = re.compile(rf"</{re.escape(tag)}[\s/>]", re.IGNORECASE).search(self.html, end)
                closed = close is not None and tag != "plaintext"
                self.warn(loc, f"balise <{tag}> retirée de la page avec son contenu : {why}"
                          + ("" if closed else " ; elle n'est pas fermée, si bien que toute la suite de la page est retirée avec elle"), hint)
                return None, close.end() if closed else len(self.html) + 1
            if not _closed(self.html, tag, end):
                why += " ; elle n'est pas fermée, si bien que la suite de la page a pu disparaître avec elle"
            self.warn(loc, f"balise <{tag}> retirée de la page avec son contenu : {why}", hint)
            return (tag, 1), -1
        self.expected[tag] += 1
        allowed = ATTRIBUTES.get(tag, frozenset()) | ATTRIBUTES["*"]
        for name, value in attrs:
            value = value or ""  # « <details open> »: the sanitiser writes open=""
            if tag in ALLOWED_CLASSES and name == "class":  # filtered class by class
                for extra in sorted(set(value.split()) - ALLOWED_CLASSES[tag]):
                    self.warn(self.locator.find(rf"\b{re.escape(extra)}\b", r"\bclass\s*="),
                              f"classe « {extra} » retirée de <{tag}> : la mise en forme vient du thème", _FORMAT_HINT)
                continue
            if name not in allowed:
                why, hint = attribute_problem(tag, name)
                self.warn(self.locator.find(rf"\b{re.escape(name)}\s*=", rf"\b{re.escape(name)}\b"),
                          f"attribut {name} retiré de <{tag}> : {why}", hint)
            elif name in URL_ATTRIBUTES and not url_allowed(value):
                self.warn(self.locator.find(re.escape(value), re.escape(value[:12]), rf"\b{name}\s*="),
                          f"adresse « {_shown(value)} » retirée de <{tag}> : seules les adresses http, https, mailto et tel, "
                          "et les liens vers les pages et fichiers du site, sont permises", _URL_HINT)
            else:
                self.expected[(tag, name, value)] += 1
        return None, -1

    def unexplained(self) -> None:
        """What should have survived and did not."""
        survived: Counter = Counter()
        for event in _Elements(self.cleaned).events:
            if event[0] == "start":
                survived[event[1]] += 1
                survived.update((event[1], name, value or "") for name, value in event[2] if not (event[1] in ALLOWED_CLASSES and name == "class"))
        for key, count in sorted((self.expected - survived).items(), key=str):
            if isinstance(key, str):
                self.warn(self.locator.find(rf"<\s*{re.escape(key)}\b"),
                          f"balise <{key}> retirée de la page : elle est mal placée (par exemple une cellule hors d'un tableau) "
                          "ou une balise qui la précède n'est pas fermée", _OTHER_HINT)
            else:
                tag, name, value = key
                if name in URL_ATTRIBUTES and value:
                    self.warn(self.locator.find(re.escape(value), rf"\b{name}\s*="),
                              f"adresse « {_shown(value)} » retirée de <{tag}> : ce n'est pas une adresse valide", _URL_HINT)
                elif tag in survived:  # when the tag itself went, its own warning says so
                    self.warn(self.locator.find(rf"\b{re.escape(name)}\s*="),
                              f"attribut {name} retiré de <{tag}>", _OTHER_HINT)


def _closed(html: str, tag: str, end: int) -> bool:
    """Whether the element opened just before ``end`` has its end tag (nesting counted)."""
    depth = 1
    for match in re.finditer(rf"<(/?){re.escape(tag)}[\s/>]", html[end:], re.IGNORECASE):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return True
    return False
