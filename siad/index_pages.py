"""Index pages that scale: the lists of communes and of reception points, split into parts.

A small list stays on its one page (``communes/``, ``lieux/``). Above a threshold the index page
links to parts, each a real generated page: by department when the list spans several
(``communes/departement-03/``), then, for a part still too long, by first letter
(``communes/departement-62/lettre-a/``) or, for reception points, by level
(``lieux/departement-75/niveau-1/``), and as a last resort in numbered pages (``…/page-2/``). Every
part's address has a prefix (« departement- », « lettre- », « niveau- », « page- ») so that no part
is mistaken for a commune or a point, and the collision check of :mod:`siad.model` sees them like
any other page.

The plan is computed once per build (:func:`plan_indexes`); :mod:`siad.model` makes the pages,
:mod:`siad.shortcodes` shows each one with the part's ``partie=`` argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Generic, Iterable, TypeVar

from . import reference
from .data import Point, SiteData
from .data.communes import Commune
from .indicators import format_int
from .markup import slugify

# Above these counts an index is split. The page budget is 60 KiB (tests/test_site_files.py); on the
# national project of bench/national.py (34,969 communes, 10,000 points) a commune's link is about
# 105 bytes of HTML and a point's entry about 250, the largest part is a department of 285 communes
# (42 KiB, with the navigation among 101 departments) and the largest part of points 33 KiB. The
# largest group of one department and one first letter in France has 160 communes (« S » in
# Dordogne), so the numbered pages are only ever needed for points.
COMMUNES_PER_PAGE = 300
POINTS_PER_PAGE = 100
# Above this many searchable pages the search page's list without JavaScript gives the main pages
# and the indexes, not every page.
SEARCH_LIST_MAX = 300
# Above this many communes the « chiffres-communes » table groups them by department.
FIGURE_ROWS_MAX = 60

# The navigation between parts goes above the list when it is this short (letters, levels), below it otherwise.
COMPACT_NAV = 30

T = TypeVar("T")


@dataclass
class Part(Generic[T]):
    """One page of a split list: the items in it, or the smaller parts it is split into."""

    url: str  # « communes/departement-03/ »
    path: str  # from the index: « departement-03 », the shortcode's ``partie=``
    title: str  # « Communes de l'Allier »
    label: str  # its link in the navigation between parts: « Allier (03) »
    description: str
    items: list[T]
    children: list["Part[T]"] = field(default_factory=list)
    parent: "Part[T] | None" = None
    nav_label: str = ""  # the aria-label of the navigation between it and its siblings
    kind: str = "page"  # how its parent is split: « departement », « lettre », « niveau » or « page »
    by: str = "en plusieurs pages"  # « par département »


@dataclass
class SplitIndex(Generic[T]):
    """An index page (``communes/`` or ``lieux/``) and its parts; no part when the list fits on the page."""

    url: str
    items: list[T]
    parts: list[Part[T]]
    noun: tuple[str, str]  # « commune », « communes »

    def __post_init__(self) -> None:
        self.by_path = {part.path: part for part in self.walk()}

    @property
    def split(self) -> bool:
        return bool(self.parts)

    def walk(self) -> Iterable[Part[T]]:
        stack = list(reversed(self.parts))
        while stack:
            part = stack.pop()
            yield part
            stack.extend(reversed(part.children))

    def count(self, n: int) -> str:
        """« 1 commune », « 34 969 communes »."""
        return f"{format_int(n)} {self.noun[0] if n == 1 else self.noun[1]}"


@dataclass
class Indexes:
    communes: SplitIndex[Commune]
    points: SplitIndex[Point]

    def parts(self) -> Iterable[Part]:
        yield from self.communes.walk()
        yield from self.points.walk()


# A way to split: item → (address segment, link label, title suffix); and what the navigation says.
@dataclass(frozen=True)
class _Splitter(Generic[T]):
    key: Callable[[T], tuple[str, str, str]]
    by: str  # « par département »
    kind: str


def department_of_point(point: Point) -> str | None:
    """The department of a reception point: its commune's, else its postal code's."""
    if point.insee:
        return reference.department_code(point.insee)
    code = point.postal_code
    if not code:
        return None
    if code.startswith("20"):  # Corsica: postal codes 200xx-201xx are Corse-du-Sud
        return "2A" if code < "20200" else "2B"
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def _department_key(code: str | None) -> tuple[str, str, str]:
    if code is None:
        return "departement-inconnu", "Département non indiqué", " sans département indiqué"
    department = reference.department(code)
    return f"departement-{code.lower()}", f"{department.name} ({code})", " " + department.of_name


def _letter_key(commune: Commune) -> tuple[str, str, str]:
    first = (commune.slug or slugify(commune.name))[:1]
    if "a" <= first <= "z":
        return f"lettre-{first}", first.upper(), f" commençant par {first.upper()}"
    return "lettre-autres", "Autres", " commençant par un autre caractère"


def _level_key(point: Point) -> tuple[str, str, str]:
    return f"niveau-{point.level}", f"Niveau {point.level}", f", niveau {point.level}"


def _split(items: list[T], url: str, path: str, title: str, splitters: list[_Splitter[T]], limit: int, describe: Callable[[str, list[T]], str], parent: Part[T] | None = None) -> list[Part[T]]:
    """The parts of ``items`` (already in reading order), or none when they fit on one page."""
    if len(items) <= limit:
        return []
    for index, splitter in enumerate(splitters):
        groups: dict[str, tuple[str, str, list[T]]] = {}
        for item in items:
            segment, label, suffix = splitter.key(item)
            groups.setdefault(segment, (label, suffix, []))[2].append(item)
        if len(groups) < 2:
            continue  # every item in one group: this way does not split them
        parts = []
        for segment in sorted(groups):
            label, suffix, members = groups[segment]
            part_title = title + suffix
            part = Part(f"{url}{segment}/", f"{path}{segment}", part_title, label, describe(part_title, members), members, parent=parent, nav_label=title + " " + splitter.by, kind=splitter.kind, by=splitter.by)
            part.children = _split(members, part.url, part.path + "/", part_title, splitters[index + 1:], limit, describe, part)
            parts.append(part)
        return parts
    # Last resort: numbered pages of about ``limit`` items, in reading order.
    count = -(-len(items) // limit)
    size = -(-len(items) // count)
    parts = []
    for number in range(count):
        members = items[number * size:(number + 1) * size]
        part_title = f"{title} ({number + 1} sur {count})"
        parts.append(Part(f"{url}page-{number + 1}/", f"{path}page-{number + 1}", part_title, f"Page {number + 1}", describe(part_title, members), members, parent=parent, nav_label=f"{title} : pages"))
    return parts


def plan_indexes(data: SiteData, communes_url: str, points_url: str) -> Indexes:
    communes = sorted(data.communes.values(), key=lambda c: slugify(c.name))
    commune_parts = _split(
        communes, communes_url, "", "Communes",
        [_Splitter(lambda c: _department_key(reference.department_code(c.insee)), "par département", "departement"), _Splitter(_letter_key, "par première lettre", "lettre")],
        COMMUNES_PER_PAGE,
        lambda title, members: f"{_lead(title, 'Communes', len(members), 'La commune', 'communes')} : où vous adresser et les chiffres du logement social dans chacune.",
    )
    points = sorted(data.points, key=lambda p: (p.level, p.name.lower(), p.slug))
    point_parts = _split(
        points, points_url, "", "Lieux d'accueil",
        [_Splitter(lambda p: _department_key(department_of_point(p)), "par département", "departement"), _Splitter(_level_key, "par niveau", "niveau")],
        POINTS_PER_PAGE,
        lambda title, members: f"{_lead(title, 'Lieux d', len(members), 'Le lieu d', 'lieux d')}, où s'informer et déposer sa demande de logement social.",
    )
    return Indexes(
        SplitIndex(communes_url, communes, commune_parts, ("commune", "communes")),
        SplitIndex(points_url, points, point_parts, ("lieu d'accueil", "lieux d'accueil")),
    )


def _lead(title: str, prefix: str, n: int, one: str, many: str) -> str:
    """« Communes de l'Ain » → « Les 393 communes de l'Ain », « La commune de … » for one."""
    rest = title[len(prefix):]
    return f"{one}{rest}" if n == 1 else f"Les {format_int(n)} {many}{rest}"


# Views for the templates.

@dataclass(frozen=True)
class PartLink:
    text: str
    href: str
    count: str  # « 393 communes »
    current: bool = False


@dataclass(frozen=True)
class PartsNav:
    label: str  # aria-label
    links: list[PartLink]
    compact: bool  # short (letters, levels): above the list; long (departments): below it


@dataclass(frozen=True)
class PartView:
    """What a shortcode shows of an index or of one of its parts."""

    total: str  # « 393 communes »
    parts: list[PartLink]  # the smaller parts, when this one is split; empty for a list
    parts_intro: str | None  # « Choisissez votre département : »
    nav: PartsNav | None  # between this part and its siblings


_INTROS = {
    "departement": "Choisissez le département :",
    "lettre": "Choisissez la première lettre du nom :",
    "niveau": "Choisissez le niveau d'accueil :",
    "page": "La liste est découpée en plusieurs pages :",
}


def part_view(index: SplitIndex[T], part: Part[T] | None, url: Callable[[str], str]) -> PartView:
    """The index (``part`` None) or a part: links to its children, and the navigation among its siblings."""
    children = part.children if part is not None else index.parts
    items = part.items if part is not None else index.items
    links = [PartLink(child.label, url(child.url), index.count(len(child.items))) for child in children]
    intro = _INTROS[children[0].kind] if children else None
    nav = None
    if part is not None:
        siblings = part.parent.children if part.parent is not None else index.parts
        nav = PartsNav(
            part.nav_label,
            [PartLink(s.label, url(s.url), index.count(len(s.items)), s is part) for s in siblings],
            len(siblings) <= COMPACT_NAV,
        )
    return PartView(index.count(len(items)), links, intro, nav)
