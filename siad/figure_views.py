"""Ready-made views of the housing figures, for the « chiffres-cles », « tableau » and « parc-communes » shortcodes.

Every figure is shown with its source and vintage; derived figures (pressure, theoretical waiting
time, shares) come from :mod:`siad.indicators`, never from the data files.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data.figures import Figures
from .data.tables import FigureSet, FigureTable
from .indicators import NOT_PUBLISHED_TEXT, count, format_int, pressure, share, waiting_time
from .views import french_date


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


@dataclass(frozen=True)
class TableView:
    caption: str
    headers: tuple[str, ...]  # after the row-label column
    rows: tuple[TableRowView, ...]
    source: str
    note: str | None
    row_header: str = "Catégorie"


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


def table_view(table: FigureTable) -> TableView:
    """A published table with a computed share column and a total row."""
    total = table.total if table.total is not None else sum(row.count for row in table.rows)
    rows = [
        TableRowView(row.label, (*(format_int(v) for v in row.detail), format_int(row.count), share_text(row.count, total)))
        for row in table.rows
    ]
    column_totals = tuple(format_int(v) for v in table.column_totals)
    rows.append(TableRowView("Total", (*column_totals, format_int(total), "100\u202f%" if total else NOT_PUBLISHED_TEXT), True))
    headers = (*table.columns, "Nombre", "Part")
    return TableView(table.title, headers, tuple(rows), source_text(table.figure_set), table.note)


def commune_stock_table(figures: Figures, members: int) -> TableView | None:
    """Social housing per member commune (those with stock), with their share and QPV part; ``members``: how many communes the territory has."""
    communes = [area for area in figures.communes.values() if area.get("parc_total")]
    if not communes:
        return None
    total = figures.stock_total()
    with_qpv = any(area.get("qpv") is not None for area in communes)
    communes.sort(key=lambda a: (-(a.get("parc_total") or 0), a.name or ""))
    rows = []
    for area in communes:
        cells = [format_int(area.get("parc_total")), share_text(area.get("parc_total"), total)]
        if with_qpv:
            qpv = area.get("qpv")
            cells.append(format_int(qpv) if qpv is not None else "non publié")
        rows.append(TableRowView(area.name or area.insee or "", tuple(cells)))
    total_cells = [format_int(total) if total is not None else NOT_PUBLISHED_TEXT, "100\u202f%"]
    qpv_given = [a for a in communes if a.get("qpv") is not None]
    if with_qpv:
        total_cells.append(format_int(sum(a.get("qpv") for a in qpv_given)))
    rows.append(TableRowView("Total", tuple(total_cells), True))
    headers = ("Logements sociaux", "Part du territoire") + (("Dont en quartier prioritaire (QPV)",) if with_qpv else ())
    first = communes[0].stock_set
    others = members - len(communes)
    note = None
    if others > 0 and first is not None and first.exhaustive:
        note = f"Les {others} autres communes du territoire n'ont aucun logement social recensé par la source."
    elif others > 0:
        note = f"Pour les {others} autres communes du territoire, le nombre de logements sociaux n'est pas publié."
    if with_qpv and len(qpv_given) < len(communes):
        names = ", ".join(sorted(a.name or a.insee or "" for a in qpv_given))
        qpv_note = f"La source ne donne le nombre de logements en quartier prioritaire que pour : {names}."
        note = f"{note} {qpv_note}" if note else qpv_note
    return TableView("Logements sociaux par commune", headers, tuple(rows), source_text(first), note, "Commune")
