"""Fingerprints: what each output page depends on, reduced to one SHA-256.

A page's fingerprint covers everything its bytes can depend on, so that the incremental build
(:mod:`siad.render_site`) never serves a stale page:

- what every page shares (:func:`common_key`): siad's own code and reference files, the theme's
  templates and assets, ``siad.yml``, the build date, the plan of the site (every page's address,
  title, menu entry — they appear in menus, breadcrumbs, footers and links), the static files and
  the glossary;
- what the page itself depends on (:class:`Dependencies`): the data files it shows — for a
  reception point, its own file; for a commune, the files of the points it lists — and, for a
  Markdown page, its text, plus every data file when it calls a shortcode (a shortcode may show
  any record).

A reception point's change thus reaches its own page, the pages of the communes that list it and
the pages with shortcodes, and no other; the fingerprints are computed without rendering anything
(no view object is built for a page that is not rendered again).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from .commune_views import PointsByCommune
from .digests import file_sha256, files_under
from .markup import shortcode_names
from .model import Page, Site
from .theme import Theme

PACKAGE_DIR = Path(__file__).resolve().parent


def _files_digest(folders: list[Path], digest) -> None:
    for folder in folders:
        for rel, path in files_under(folder):
            digest.update(rel.encode("utf-8", "surrogateescape") + b"\0" + file_sha256(path).encode() + b"\0")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """siad's own code and packaged reference files: a new version of siad renders everything again."""
    digest = hashlib.sha256()
    _files_digest([PACKAGE_DIR], digest)
    return digest.hexdigest()


PROJECT_INPUTS = ("siad.yml", "data", "content", "themes")


def sources_digest(root: Path) -> str:
    """The project's own files (siad.yml, data/, content/, themes/): the « sources » of the manifest,
    so a published site says which state of the data it was built from."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + file_sha256(path).encode() + b"\0")
        else:
            digest.update(name.encode() + b"/\0")
            _files_digest([path], digest)
    return digest.hexdigest()


def inputs_digest(root: Path, base_url: str | None, strict: bool, today: str, sources: str | None = None) -> str:
    """Everything a build reads (siad's code and default theme, every project file but the output:
    ``sources``, :func:`sources_digest`) and how it is called: when it equals the last build's, the
    site on disk is already the result."""
    from .theme import builtin_theme_dir

    digest = hashlib.sha256()
    digest.update(repr((code_digest(), base_url, strict, today, sources or sources_digest(root))).encode())
    _files_digest([builtin_theme_dir()], digest)
    return digest.hexdigest()


def common_key(site: Site, theme: Theme, today: str, by_name: bool = False) -> str:
    """What every page depends on; ``by_name``: the search index keeps communes and points by name only
    (their cached records then are the short ones, see :func:`siad.search_index.named_outputs`)."""
    digest = hashlib.sha256()
    digest.update(code_digest().encode())
    digest.update(b"by-name" if by_name else b"whole")
    _files_digest(list(theme.dirs), digest)
    digest.update(repr(sorted((name, asset.output) for name, asset in theme.assets.items())).encode())
    digest.update(repr(site.config).encode())
    digest.update(today.encode())
    for page in site.pages:
        digest.update(repr((page.url, page.title, page.template, page.source, page.description, page.menu, page.menu_title,
                            page.markdown.source if page.markdown else None,
                            page.markdown.updated if page.markdown else None)).encode())  # the updates page lists it
    digest.update(repr(sorted(item.url for item in site.static_files)).encode())
    digest.update(repr(site.glossary).encode())
    return digest.hexdigest()


# Shortcodes that show no reception point (figures, the communes' list, the scoring grid): a page that
# only uses these does not depend on the points' files. Any other shortcode may show any record.
POINT_FREE_SHORTCODES = {"communes", "chiffres-cles", "tableau", "chiffres-communes", "grille-cotation",
                         "exemple-cotation", "simulateur-cotation"}
_POINTS_PART = re.compile(r"\{\{< lieux-accueil partie=(\S+) >\}\}\n")  # as model.build_site writes it


class Dependencies:
    """What each page depends on among the data files, as digests: the dependency graph of the site.

    The data files are read once per build (their SHA-256). A reception point's page depends on its
    own file and on the other data files (levels, communes, documents…), never on the other points';
    a commune's page on the files of the points it lists (in its groups: local, sector, whole
    territory — which also change when a point's level moves it between groups) and the other data
    files; a Markdown page on its text and the territory's source line, plus every data file when
    it calls a shortcode (only the files other than the points' when its shortcodes show no point, see
    :data:`POINT_FREE_SHORTCODES`); a part of the split points' index (generated
    ``{{< lieux-accueil partie=… >}}``) on the files of the points it lists and the shape of the
    index (its parts and their counts, shown in its navigation); any other page on every data file.
    """

    def __init__(self, site: Site, points: PointsByCommune) -> None:
        self.points = points
        files = _file_digests(site.config.root / "data", "data/")
        sources = {point.source for point in site.data.points}
        self.point_files = {source: files.get(source, "") for source in sources}
        self.core = _digest(repr(sorted((rel, d) for rel, d in files.items() if rel not in sources)))
        self.everything = _digest(repr(sorted(files.items())))
        territory = site.data.territory
        self.territory = repr((territory.source, territory.source_date)) if territory else ""
        self.point_parts = site.indexes.points.by_path if site.indexes else {}
        self.point_index_shape = repr([(part.path, part.label, len(part.items)) for part in self.point_parts.values()])
        self._common = self._points_key(points.common)  # the whole territory's points, listed on almost every commune's page

    def _points_key(self, points: list) -> str:
        """The listed points' files and digests, in order, as one string (« \x00 » inside an item, « \x02 » between)."""
        files = self.point_files
        return "\x02".join(f"{p.source}\x00{files.get(p.source)}" for p in points)

    def of(self, page: Page) -> str:
        """What the page depends on, as text (:func:`page_fingerprint` digests it with the rest)."""
        if page.point is not None:
            return repr(("lieu", self.core, page.point.source, self.point_files.get(page.point.source)))
        if page.commune is not None:
            local, sector, common = self.points.of_commune(page.commune.insee)
            common_key = self._common if len(common) == len(self.points.common) else self._points_key(common)
            return "\x01".join(("commune", self.core, self._points_key(local), self._points_key(sector), common_key))
        if page.markdown is not None:
            body = page.markdown.body
            part = _POINTS_PART.fullmatch(body) if page.markdown.source == "(siad)" else None
            if part is not None and part[1] in self.point_parts:
                listed = [(p.source, self.point_files.get(p.source)) for p in self.point_parts[part[1]].items]
                return repr(("partie", body, self.core, self.point_index_shape, listed))
            data = self.territory
            if "{{<" in body:
                names = shortcode_names(body)
                data = self.core if names and names <= POINT_FREE_SHORTCODES else self.everything
            # the text last and unquoted (quoting 4,000 pages' texts was most of the fingerprints' time):
            # nothing before it holds a « \x01 » (a checked file name, a number, a digest or a repr)
            return f"page\x01{page.markdown.source}\x01{page.markdown.body_line}\x01{data}\x01{body}"
        return repr(("autre", self.everything))


def page_fingerprint(common: str, dependencies: Dependencies, page: Page) -> str:
    return _digest("\x03".join((common, page.url, page.output, repr(page.template), dependencies.of(page))))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _file_digests(folder: Path, prefix: str) -> dict[str, str]:
    return {prefix + rel: file_sha256(path) for rel, path in files_under(folder)}
