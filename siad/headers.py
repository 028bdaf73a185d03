"""HTTP security headers for the published site: a ``_headers`` file (Netlify, Cloudflare Pages).

The Content-Security-Policy is strict because the site needs nothing else: every script, style
sheet, icon and image comes from the site itself, no page has an inline script, style element or
style attribute (JSON-LD is a data block, which no policy runs or blocks), and the only request
a script makes is the search page's ``fetch`` of ``recherche/index.json``. A project that needs
something else writes its own ``content/_headers``, which replaces this one.

``docs/security.md`` gives the same headers for nginx and Apache (a test keeps them in sync).
"""

from __future__ import annotations

from .errors import Location, Report
from .page_facts import PageFacts, read_page

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


def policy_problems(html: str, base_url: str | None = None) -> list[tuple[int, str]]:
    """(line, description) of everything in ``html`` that :data:`CONTENT_SECURITY_POLICY` blocks;
    ``base_url``: the site's public address, whose own absolute addresses are allowed."""
    return list(read_page(html, base_url).policy)


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
