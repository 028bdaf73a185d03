"""HTTP security headers for the published site: a ``_headers`` file (Netlify, Cloudflare Pages).

The Content-Security-Policy is strict because the site needs nothing else: every script, style
sheet, icon and image comes from the site itself, no page has an inline script, style element or
style attribute (JSON-LD is a data block, which no policy runs or blocks), and the only request
a script makes is the search page's ``fetch`` of ``recherche/index.json``. A project that needs
something else writes its own ``content/_headers``, which replaces this one.

``docs/security.md`` gives the same headers for nginx and Apache (a test keeps them in sync).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import Location, Report
from .page_facts import PageFacts, Sink, feed

HEADERS_FILE = "_headers"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "geolocation=(), camera=(), microphone=()"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
]

# Theme assets are named after a hash of their content (theme.py): a new version has a new name.
ASSETS_CACHE = ("Cache-Control", "public, max-age=31536000, immutable")


def headers_file() -> bytes:
    """The ``_headers`` file: security headers on every path, a long cache on hashed assets."""
    lines = ["# En-têtes HTTP du site (Netlify, Cloudflare Pages), écrits par siad.", "# Remplacez-les par un fichier content/_headers.", "/*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    lines += ["/assets/*", f"  {ASSETS_CACHE[0]}: {ASSETS_CACHE[1]}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


# What the policy above blocks, as found in a rendered page: (tag, attribute) → the directive.
_FETCHED = {("script", "src"): "script-src", ("img", "src"): "img-src", ("source", "src"): "img-src",
            ("iframe", "src"): "default-src", ("audio", "src"): "default-src", ("video", "src"): "default-src",
            ("object", "data"): "object-src", ("embed", "src"): "object-src", ("form", "action"): "form-action"}
_FETCHED_LINKS = {"stylesheet": "style-src", "icon": "img-src", "preload": "default-src", "manifest": "default-src"}


_WATCHED_TAGS = {"style", "script", "link"} | {tag for tag, _ in _FETCHED}
_WATCHED_ATTRIBUTES = {"style", "href", "src", "action"}


class PolicySink(Sink):
    """Everything of one page that the strict policy would block, with its line."""

    def __init__(self, base_url: str | None = None) -> None:
        self.origin = _origin(base_url) if base_url else None
        self.problems: list[tuple[int, str]] = []

    def start(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _WATCHED_TAGS:  # most tags: nothing the policy could block
            for name, _ in attrs:
                if name in _WATCHED_ATTRIBUTES or name.startswith("on"):
                    break
            else:
                return
        line = self.line
        values = {name: value or "" for name, value in attrs}
        if "style" in values:
            self.problems.append((line, f"attribut style=\"…\" sur <{tag}> (style-src)"))
        handlers = sorted(name for name in values if name.startswith("on"))
        if handlers:
            self.problems.append((line, f"gestionnaire d'événement {handlers[0]}=\"…\" sur <{tag}> (script-src)"))
        if tag == "style":
            self.problems.append((line, "élément <style> (style-src)"))
        if tag == "script" and "src" not in values and values.get("type", "").strip().lower() != "application/ld+json":
            self.problems.append((line, "script en ligne <script>…</script> (script-src)"))
        directive = None
        if tag == "link":
            rels = values.get("rel", "").lower().split()
            directive = next((_FETCHED_LINKS[rel] for rel in rels if rel in _FETCHED_LINKS), None)
            attribute = "href"
        else:
            attribute = next((a for (t, a) in _FETCHED if t == tag and a in values), "")
            directive = _FETCHED.get((tag, attribute))
        url = values.get(attribute, "") if directive else ""
        if url and _foreign(url, self.origin):
            self.problems.append((line, f"« {url[:80]} » sur <{tag}> vient d'un autre site ({directive})"))
        for name in ("href", "src", "action"):
            if values.get(name, "").strip().lower().startswith("javascript:"):
                self.problems.append((line, f"adresse « javascript: » sur <{tag}> (script-src)"))


def _foreign(url: str, origin: str | None) -> bool:
    """True when a fetched address is not the site itself: another origin, or a data:/blob: address."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:
        return False
    return origin is None or _origin(url) != origin


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def policy_problems(html: str, base_url: str | None = None) -> list[tuple[int, str]]:
    """(line, description) of everything in ``html`` that :data:`CONTENT_SECURITY_POLICY` blocks;
    ``base_url``: the site's public address, whose own absolute addresses are allowed."""
    sink = PolicySink(base_url)
    feed(html, sink)
    return sink.problems


def check_policy(files: dict[str, bytes | None], sources: dict[str, str], report: Report, base_url: str | None = None,
                 facts: dict[str, PageFacts] | None = None) -> None:
    """Warn about what the generated policy would block (not when the project writes its own ``_headers``).

    ``facts``: the pages already read (:func:`siad.page_facts.read_page`); others are parsed here."""
    if files.get(HEADERS_FILE) != headers_file():
        return
    facts = facts or {}
    for page, data in sorted(files.items()):
        if not page.endswith(".html"):
            continue
        problems = facts[page].policy if page in facts else policy_problems(data.decode("utf-8", errors="replace"), base_url)
        for line, problem in problems:
            report.warning(
                Location(sources.get(page, page)),
                f"dans la page {page} (ligne {line}), le navigateur bloquera : {problem}",
                "le site n'utilise que ses propres fichiers (politique de sécurité du fichier _headers) : "
                "copiez l'image ou le fichier dans content/, retirez le style ou le script en ligne, "
                "ou écrivez votre propre content/_headers",
            )
