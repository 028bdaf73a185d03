"""One page per member commune: where to go, and what the figures say — the commune's when published,
otherwise the territory's, labelled as such. Never an empty table: what is missing is said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .data import Point, SiteData
from .data.communes import Commune
from .figure_views import source_text
from .french import at, of
from .data.figures import TYPOLOGIES, TYPOLOGY_LABELS
from .indicators import DemandIndicators, commune_indicators, count, format_int, share, territory_indicators, typology_indicators
from .markup import slugify
from .model import POINTS_URL, commune_url
from .views import Contact, PointSummary, phone_contacts, place_of


@dataclass(frozen=True)
class Fig:
    label: str
    text: str


@dataclass(frozen=True)
class FigureBlock:
    title: str
    figures: list[Fig]
    source: str
    territory_wide: bool = False  # the territory's figures, shown because the commune's are not published


@dataclass(frozen=True)
class CommuneView:
    name: str
    of_name: str  # « du Vernet »
    at_name: str  # « au Vernet »
    postal_code: str | None
    territory: str
    territory_of: str  # « de Vichy Communauté »
    local_points: list[PointSummary]
    sector_points: list[PointSummary]
    common_points: list[PointSummary]
    directory_href: str
    portal_url: str | None
    national_portal_url: str | None
    stock: FigureBlock | None
    stock_note: str | None
    demand: FigureBlock | None
    demand_note: str
    bailleurs: list[Fig] = field(default_factory=list)
    sizes: list[Fig] = field(default_factory=list)  # the stock by typology and dwelling type, when published
    size_demand: tuple[DemandIndicators, ...] = ()  # the demand by typology, when published
    size_demand_source: str = ""


@dataclass(frozen=True)
class CommuneLink:
    name: str
    href: str
    stock: str  # « 1 867 logements sociaux », « aucun logement social recensé », « non publié »


def _summary(point: Point, url: Callable[[str], str], index: "PointsByCommune") -> PointSummary:
    return PointSummary(point.name, url(f"{POINTS_URL}{point.slug}/"), *index.place_and_phone(point))


def top_level(points: list[Point]) -> int:
    return max((p.level for p in points), default=0)


def communes_received(point: Point, top: int) -> set[str] | None:
    """The communes whose inhabitants a point receives: its own and its sector's; None for every commune
    (the top level, the territory's common point). The commune pages and the directory filter both use it."""
    if point.level == top:
        return None
    return {code for code in (point.insee, *point.served_communes) if code}


def commune_links(data: SiteData, url: Callable[[str], str], communes: list[Commune] | None = None) -> list[CommuneLink]:
    """Every member commune (or those of ``communes``, one part of a split index), alphabetically, with its stock in a few words."""
    links = []
    for commune in sorted(data.communes.values() if communes is None else communes, key=lambda c: slugify(c.name)):
        stock = data.figures.commune_stock(commune.insee)
        if stock is None:
            text = "nombre de logements sociaux non publié"
        elif stock == 0:
            text = "aucun logement social recensé"
        else:
            text = f"{format_int(stock)} logement social" if stock == 1 else f"{format_int(stock)} logements sociaux"
        links.append(CommuneLink(commune.name, url(commune_url(commune)), text))
    return links


@dataclass(frozen=True)
class PointsByCommune:
    """For every commune at once: the points in it, those whose sector covers it, and the common ones
    (computed once per build: a national site has 35 000 communes and 10 000 points)."""

    local: dict[str, list[Point]]
    sector: dict[str, list[Point]]
    common: list[Point]
    _places: dict[int, tuple] = field(default_factory=dict, compare=False, repr=False)  # see place_and_phone

    @classmethod
    def of(cls, points: list[Point]) -> "PointsByCommune":
        ordered = sorted(points, key=lambda p: (p.level, p.name.lower()))
        top = top_level(ordered)
        local: dict[str, list[Point]] = {}
        sector: dict[str, list[Point]] = {}
        common = []
        for point in ordered:
            if point.insee:
                local.setdefault(point.insee, []).append(point)
            received = communes_received(point, top)
            if received is None:
                common.append(point)
                continue
            for code in sorted(received):
                if code != point.insee:
                    sector.setdefault(code, []).append(point)
        return cls(local, sector, common)

    def place_and_phone(self, point: Point) -> tuple[str | None, Contact | None]:
        """A point's place and first phone as its summary shows them, made once per point: the whole
        territory's points are summed up on every commune's page (35,000 of them nationally)."""
        known = self._places.get(id(point))
        if known is None or known[0] is not point:
            known = self._places[id(point)] = (point, place_of(point), (phone_contacts(point) or [None])[0])
        return known[1], known[2]

    def of_commune(self, insee: str) -> tuple[list[Point], list[Point], list[Point]]:
        """(in the commune, covering it by their sector, for the whole territory), each in level then name order."""
        return self.local.get(insee, []), self.sector.get(insee, []), [p for p in self.common if p.insee != insee]


def commune_view(data: SiteData, commune: Commune, territory: str, portal: str | None, national: str | None, url: Callable[[str], str], index: PointsByCommune | None = None) -> CommuneView:
    index = index or PointsByCommune.of(data.points)
    local, sector, common = index.of_commune(commune.insee)
    figures = data.figures
    area = figures.communes.get(commune.insee)
    stock = figures.commune_stock(commune.insee)
    stock_block, stock_note = None, None
    if stock:
        rows = [Fig("Logements sociaux", count(stock).text), Fig(f"Part des logements sociaux {of(territory)}", share(stock, figures.stock_total()).text)]
        if area is not None and area.get("qpv") is not None:
            rows.append(Fig("Dont en quartier prioritaire de la politique de la ville (QPV)", count(area.get("qpv")).text))
        stock_block = FigureBlock(f"Le logement social {at(commune.name)}", rows, source_text(area.stock_set if area else None))
    elif stock == 0:
        first = next((a.stock_set for a in figures.communes.values() if a.stock_set), None)
        stock_note = f"La source ne recense aucun logement social {at(commune.name)} ({source_text(first)})."
    else:
        stock_note = f"Le nombre de logements sociaux {at(commune.name)} n'est pas publié."
    names = {key: b.name for key, b in figures.bailleurs.items()}
    bailleurs = [Fig(names.get(b.bailleur, b.bailleur), count(b.stock).text) for b in (area.bailleurs if area else ()) if b.stock is not None]
    sizes = [Fig(f"Logements {TYPOLOGY_LABELS[t]}", count(area.get(t)).text) for t in TYPOLOGIES if area is not None and area.get(t) is not None]
    sizes += [Fig(label, count(area.get(key)).text) for key, label in (("individuel", "Maisons (logements individuels)"), ("collectif", "Appartements (logements collectifs)")) if area is not None and area.get(key) is not None]
    own = commune_indicators(figures, commune.insee)
    if own.requests.value is not None or own.attributions.value is not None:
        demand = FigureBlock(
            f"La demande {at(commune.name)}",
            [Fig("Demandes en attente", own.requests.text), Fig("Attributions dans l'année", own.attributions.text), Fig("Pression de la demande", own.pressure.text), Fig("Délai d'attente théorique", own.waiting_time.text)],
            source_text(own.figure_set),
        )
        demand_note = "La pression et le délai d'attente théorique sont calculés par ce site à partir des demandes et des attributions."
    else:
        whole = territory_indicators(figures)
        demand = None
        if whole.requests.value is not None:
            demand = FigureBlock(
                f"La demande dans l'ensemble {of(territory)}",
                [Fig("Demandes en attente", whole.requests.text), Fig("Attributions dans l'année", whole.attributions.text), Fig("Pression de la demande", whole.pressure.text), Fig("Délai d'attente théorique", whole.waiting_time.text)],
                source_text(whole.figure_set),
                territory_wide=True,
            )
        demand_note = (
            f"Le nombre de demandes, d'attributions et le délai d'attente ne sont pas publiés pour {commune.name}. "
            + (f"Les chiffres ci-dessous sont ceux de l'ensemble {of(territory)}." if demand else "")
        ).strip()
    return CommuneView(
        commune.name, of(commune.name), at(commune.name), commune.postal_code, territory, of(territory),
        [_summary(p, url, index) for p in local], [_summary(p, url, index) for p in sector], [_summary(p, url, index) for p in common],
        url(POINTS_URL), portal, national, stock_block, stock_note, demand, demand_note, bailleurs,
        sizes, typology_indicators(area), source_text(area.demand_set if area else None),
    )
