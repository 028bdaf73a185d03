"""Ready-made views of the housing figures, for the « chiffres-cles », « tableau » and « chiffres-communes » shortcodes.

Every figure is shown with its source and vintage; derived figures (pressure, theoretical waiting
time, shares) come from :mod:`siad.indicators`, never from the data files.
"""

from __future__ import annotations

from dataclasses import dataclass

from typing import Callable

from .charts import BarChart, bar_chart
from .data.communes import Commune
from .data.figures import Figures
from .data.tables import FigureSet, FigureTable
from .french import of
from .indicators import NOT_PUBLISHED_TEXT, OK, Indicator, commune_indicators, count, format_decimal, format_int, pressure, share, territory_indicators, waiting_time
from .model import commune_url
from .views import Link, french_date


@dataclass(frozen=True)
class KeyFigure:
    label: str
    text: str
    derived: bool  # computed by siad from published figures
    source: str


@dataclass(frozen=True)
class TableRowView:
    label: str
    cells: tuple[str, ...]  # detail columns, then count, then share
    total: bool = False
    href: str | None = None  # the row label links there
    values: tuple[str, ...] = ()  # sortable tables: each cell's value for sorting (« » when not published)


@dataclass(frozen=True)
class TableView:
    caption: str
    headers: tuple[str, ...]  # after the row-label column
    rows: tuple[TableRowView, ...]
    source: str
    note: str | None
    row_header: str = "Catégorie"
    chart: BarChart | None = None
    sortable: bool = False  # the script lets readers sort the rows by any column
    sorted_by: int | None = None  # index in headers of the column the rows are sorted by, largest first
    more_text: str = ""  # « Le détail de chaque commune : », before ``more``
    more: tuple[Link, ...] = ()  # where the rows left out of a long table are

    @property
    def body(self) -> tuple[TableRowView, ...]:
        return tuple(row for row in self.rows if not row.total)

    @property
    def totals(self) -> tuple[TableRowView, ...]:
        return tuple(row for row in self.rows if row.total)


def share_text(part: int | None, total: int | None) -> str:
    """A share for a table cell; below 0,05 % it reads « moins de 0,1 % » rather than « 0,0 % »."""
    indicator = share(part, total)
    if indicator.value is not None and 0 < indicator.value < 0.05:
        return "moins de 0,1\u202f%"
    return indicator.text


def source_text(figure_set: FigureSet | None) -> str:
    """« SDES, RPLS 2022, chiffres au 1er janvier 2022 »."""
    if figure_set is None:
        return NOT_PUBLISHED_TEXT
    when = f"chiffres au {french_date(figure_set.date)}" if figure_set.date else f"millésime {figure_set.vintage}"
    return f"{figure_set.source}, {when}"


def key_figures(figures: Figures) -> list[KeyFigure]:
    """The territory's headline figures, then the indicators siad derives from them."""
    area = figures.territory
    if area is None:
        return []
    stock, demand = source_text(area.stock_set), source_text(area.demand_set)
    requests, attributions = area.get("demandes"), area.get("attributions")
    rows = [
        KeyFigure("Logements sociaux", count(figures.stock_total()).text, False, stock),
        KeyFigure("Demandes en attente, tous choix de commune", count(area.get("demandes_tous_voeux")).text, False, demand),
        KeyFigure("Demandes en attente dont le premier choix est dans le territoire", count(requests).text, False, demand),
        KeyFigure("Logements attribués dans l'année", count(attributions).text, False, demand),
        KeyFigure("Pression de la demande", pressure(requests, attributions).text, True, demand),
        KeyFigure("Délai d'attente théorique", waiting_time(requests, attributions).text, True, demand),
    ]
    return rows


def table_view(table: FigureTable, with_chart: bool = True) -> TableView:
    """A published table with a computed share column, a total row and, unless told not to, a bar chart of the counts."""
    total = table.total if table.total is not None else sum(row.count for row in table.rows)
    rows = [
        TableRowView(row.label, (*(format_int(v) for v in row.detail), format_int(row.count), share_text(row.count, total)))
        for row in table.rows
    ]
    chart = bar_chart(table.title, [(row.label, row.count, f"{format_int(row.count)} ({share_text(row.count, total)})") for row in table.rows]) if with_chart else None
    column_totals = tuple(format_int(v) for v in table.column_totals)
    rows.append(TableRowView("Total", (*column_totals, format_int(total), "100\u202f%" if total else NOT_PUBLISHED_TEXT), True))
    headers = (*table.columns, "Nombre", "Part")
    return TableView(table.title, headers, tuple(rows), source_text(table.figure_set), table.note, chart=chart)


def _sort_value(indicator: Indicator) -> str:
    return "" if indicator.value is None else f"{indicator.value:.4f}".rstrip("0").rstrip(".")


def _short(indicator: Indicator) -> str:
    """A ratio for a table cell whose header gives the unit: « 3,2 »; otherwise the indicator's own text."""
    return format_decimal(indicator.value) if indicator.value is not None and indicator.status == OK else indicator.text


def communes_table(figures: Figures, communes: list[Commune], territory: str, url: Callable[[str], str], limit: int | None = None, more: tuple[Link, ...] = ()) -> TableView | None:
    """Every member commune with its stock, share and, where published, its demand and the indicators
    siad derives from it; sortable by any column. Columns the source publishes for no commune are left
    out and the note says so, with the territory's figures instead. ``limit``: only that many communes,
    those with the most social housing (``more`` says where the others are)."""
    if not communes or not figures.communes:
        return None
    total = figures.stock_total()
    stocks = {c.insee: figures.commune_stock(c.insee) for c in communes}
    demand = {c.insee: commune_indicators(figures, c.insee) for c in communes}
    with_qpv = any(figures.communes.get(c.insee) and figures.communes[c.insee].get("qpv") is not None for c in communes)
    with_demand = any(d.requests.value is not None or d.attributions.value is not None for d in demand.values())
    ordered = sorted(communes, key=lambda c: (-(stocks[c.insee] or 0), stocks[c.insee] is None, c.name))
    rows = []
    for commune in ordered[:limit]:
        stock = stocks[commune.insee]
        stock_share = share(stock, total)
        cells = [count(stock).text, share_text(stock, total) if stock else ("0\u202f%" if stock == 0 and total else stock_share.text)]
        values = [_sort_value(count(stock)), _sort_value(stock_share) if stock else ("0" if stock == 0 else "")]
        if with_qpv:
            area = figures.communes.get(commune.insee)
            qpv = count(area.get("qpv") if area else (0 if stock == 0 else None))
            cells.append(qpv.text)
            values.append(_sort_value(qpv))
        if with_demand:
            d = demand[commune.insee]
            cells += [count(d.requests.value).text, count(d.attributions.value).text, _short(d.pressure), d.waiting_time.text]
            values += [_sort_value(d.requests), _sort_value(d.attributions), _sort_value(d.pressure), _sort_value(d.waiting_time)]
        rows.append(TableRowView(commune.name, tuple(cells), href=url(commune_url(commune)), values=tuple(values)))
    headers = ["Logements sociaux", "Part du territoire"]
    if with_qpv:
        headers.append("Dont en quartier prioritaire (QPV)")
    if with_demand:
        headers += ["Demandes en attente", "Attributions dans l'année", "Pression (demandes pour 1 attribution)", "Délai d'attente théorique"]
    total_cells = [count(total).text, "100\u202f%" if total else NOT_PUBLISHED_TEXT]
    if with_qpv:
        total_cells.append(format_int(sum(figures.communes[c.insee].get("qpv") or 0 for c in communes if c.insee in figures.communes)))
    whole = territory_indicators(figures)
    if with_demand:
        total_cells += [count(whole.requests.value).text, count(whole.attributions.value).text, _short(whole.pressure), whole.waiting_time.text]
    rows.append(TableRowView(f"Ensemble {of(territory)}", tuple(total_cells), True))
    sources = _table_sources(figures, demand, with_demand)
    notes = []
    if not with_demand:
        whole_text = (
            f" Pour l'ensemble {of(territory)} : {whole.pressure.text}, soit un délai d'attente théorique de {whole.waiting_time.text} ({source_text(whole.figure_set)})."
            if whole.pressure.value is not None else ""
        )
        notes.append(f"La source ne publie par commune ni les demandes en attente, ni les attributions : la pression et le délai d'attente théorique ne peuvent pas être calculés par commune.{whole_text}")
    else:
        notes.append("La pression et le délai d'attente théorique sont calculés par ce site à partir des demandes et des attributions publiées.")
    qpv_given = sorted(c.name for c in communes if figures.communes.get(c.insee) and figures.communes[c.insee].get("qpv") is not None)
    if with_qpv and len(qpv_given) < sum(1 for c in communes if stocks[c.insee]):
        given = ", ".join(qpv_given) if len(qpv_given) <= 20 else f"{format_int(len(qpv_given))} communes"
        notes.append(f"La source ne donne le nombre de logements en quartier prioritaire que pour : {given}.")
    shown = ordered[:limit]
    if len(shown) < len(ordered):
        notes.append(f"Le territoire compte {format_int(len(ordered))} communes : le tableau donne les {format_int(len(shown))} qui ont le plus de logements sociaux.")
    unknown = [c.name for c in ordered if stocks[c.insee] is None]
    if unknown:
        notes.append(f"Le nombre de logements sociaux n'est pas publié pour {len(unknown)} commune{'s' if len(unknown) > 1 else ''}.")
    chart = bar_chart("Logements sociaux par commune", [(c.name, stocks[c.insee], f"{count(stocks[c.insee]).text} ({share_text(stocks[c.insee], total)})") for c in shown if stocks[c.insee]])
    caption = "Les communes du territoire" if len(shown) == len(ordered) else f"Les {format_int(len(shown))} communes qui ont le plus de logements sociaux"
    return TableView(caption, tuple(headers), tuple(rows), " ; ".join(sources), " ".join(notes), "Commune", chart=chart, sortable=True, sorted_by=0,
                     more_text="Le détail de chaque commune : " if more else "", more=more)


def _sum(values: list[int | None]) -> int | None:
    """The sum when every value is published, else None: a partial sum would read as the whole."""
    return None if any(v is None for v in values) else sum(values)


def departments_table(figures: Figures, departments: list[tuple[str, list[Commune], str | None]], territory: str, chart_max: int, more: tuple[Link, ...] = ()) -> TableView | None:
    """A territory of many communes, by department: (label, its communes, the link to its communes);
    each department's figures are the sums of its communes', when every one of them is published."""
    if not departments or not figures.communes:
        return None
    total = figures.stock_total()
    demand = {c.insee: commune_indicators(figures, c.insee) for _, members, _ in departments for c in members}
    with_demand = any(d.requests.value is not None or d.attributions.value is not None for d in demand.values())
    rows, bars = [], []
    for label, members, href in departments:
        stock = _sum([figures.commune_stock(c.insee) for c in members])
        cells = [format_int(len(members)), count(stock).text, share_text(stock, total)]
        values = [str(len(members)), _sort_value(count(stock)), _sort_value(share(stock, total))]
        if with_demand:
            requests = _sum([demand[c.insee].requests.value for c in members])
            attributions = _sum([demand[c.insee].attributions.value for c in members])
            cells += [count(requests).text, count(attributions).text, _short(pressure(requests, attributions)), waiting_time(requests, attributions).text]
            values += [_sort_value(count(requests)), _sort_value(count(attributions)), _sort_value(pressure(requests, attributions)), _sort_value(waiting_time(requests, attributions))]
        rows.append(TableRowView(label, tuple(cells), href=href, values=tuple(values)))
        bars.append((label, stock, f"{count(stock).text} ({share_text(stock, total)})"))
    order = sorted(range(len(rows)), key=lambda i: (-(bars[i][1] or 0), bars[i][1] is None, i))
    rows = [rows[i] for i in order]
    headers = ["Communes", "Logements sociaux", "Part du territoire"]
    if with_demand:
        headers += ["Demandes en attente", "Attributions dans l'année", "Pression (demandes pour 1 attribution)", "Délai d'attente théorique"]
    whole = territory_indicators(figures)
    total_cells = [format_int(sum(len(m) for _, m, _ in departments)), count(total).text, "100\u202f%" if total else NOT_PUBLISHED_TEXT]
    if with_demand:
        total_cells += [count(whole.requests.value).text, count(whole.attributions.value).text, _short(whole.pressure), whole.waiting_time.text]
    rows.append(TableRowView(f"Ensemble {of(territory)}", tuple(total_cells), True))
    sources = _table_sources(figures, demand, with_demand)
    notes = [f"Le territoire compte {format_int(len(demand))} communes dans {format_int(len(departments))} départements : le tableau les regroupe par département. Un chiffre d'un département n'est donné que si toutes ses communes le publient."]
    if with_demand:
        notes.append("La pression et le délai d'attente théorique sont calculés par ce site à partir des demandes et des attributions publiées.")
    chart = bar_chart("Logements sociaux par département", [bars[i] for i in order]) if len(departments) <= chart_max else None
    return TableView("Les départements du territoire", tuple(headers), tuple(rows), " ; ".join(sources), " ".join(notes), "Département", chart=chart, sortable=True, sorted_by=1,
                     more_text="Le détail de chaque commune : " if more else "", more=more)


def _table_sources(figures, demand: dict, with_demand: bool) -> list[str]:
    """The sources under a table of communes: the stock's, then the demand's when shown and different."""
    first = next((a.stock_set for a in figures.communes.values() if a.stock_set), None)
    sources = [source_text(first)]
    demand_set = next((d.figure_set for d in demand.values() if d.figure_set), None)
    if with_demand and demand_set is not None and source_text(demand_set) not in sources:
        sources.append(source_text(demand_set))
    return sources
