"""Fingerprints: what each output page depends on, reduced to one SHA-256.

A page's fingerprint covers everything its bytes can depend on, so that the incremental build
(:mod:`siad.render_site`) never serves a stale page:

- what every page shares (:func:`common_key`): siad's own code and reference files, the theme's
  templates and assets, ``siad.yml``, the build date, the plan of the site (every page's address,
  title, menu entry — they appear in menus, breadcrumbs, footers and links), the static files and
  the glossary;
- what the page itself receives (:func:`page_fingerprint`): the view objects given to its template
  — for a reception point or a commune, exactly the records it shows — and, for a Markdown page,
  its text, plus every data file when it calls a shortcode (a shortcode may show any record).

The dependency graph is thus explicit in the view objects: a reception point's change reaches the
pages whose views contain it (its own page, the pages of the communes it serves, the lists), and
no other.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .model import Page, Site
from .theme import Theme

_PACKAGE = Path(__file__).resolve().parent


def _files_digest(folders: list[Path], digest) -> None:
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """siad's own code and packaged reference files: a new version of siad renders everything again."""
    digest = hashlib.sha256()
    _files_digest([_PACKAGE], digest)
    return digest.hexdigest()


def data_digest(root: Path) -> str:
    """Every file under ``data/``: what a shortcode may show."""
    digest = hashlib.sha256()
    _files_digest([root / "data"], digest)
    return digest.hexdigest()


def inputs_digest(root: Path, base_url: str | None, strict: bool, today: str) -> str:
    """Everything a build reads (siad's code and default theme, every project file but the output) and how
    it is called: when it equals the last build's, the site on disk is already the result."""
    from .theme import builtin_theme_dir

    digest = hashlib.sha256()
    digest.update(repr((code_digest(), base_url, strict, today)).encode())
    _files_digest([builtin_theme_dir()], digest)
    for name in ("siad.yml", "data", "content", "themes"):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        else:
            digest.update(name.encode() + b"/\0")
            _files_digest([path], digest)
    return digest.hexdigest()


def common_key(site: Site, theme: Theme, today: str) -> str:
    digest = hashlib.sha256()
    digest.update(code_digest().encode())
    _files_digest(list(theme.dirs), digest)
    digest.update(repr(sorted((name, asset.output) for name, asset in theme.assets.items())).encode())
    digest.update(repr(site.config).encode())
    digest.update(today.encode())
    for page in site.pages:
        digest.update(repr((page.url, page.title, page.template, page.source, page.description, page.menu, page.menu_title,
                            page.markdown.source if page.markdown else None)).encode())
    digest.update(repr(sorted(item.url for item in site.static_files)).encode())
    digest.update(repr(site.glossary).encode())
    return digest.hexdigest()


def page_fingerprint(common: str, data: str, page: Page, context: dict) -> str:
    digest = hashlib.sha256()
    digest.update(common.encode())
    digest.update(repr((page.url, page.output, page.template)).encode())
    for key in sorted(context):
        value = context[key]
        if not callable(value):
            digest.update(key.encode() + b"=" + repr(value).encode() + b"\0")
    if page.markdown is not None:
        digest.update(repr((page.markdown.source, page.markdown.body_line, page.markdown.body)).encode())
        if "{{<" in page.markdown.body:
            digest.update(data.encode())
    return digest.hexdigest()
