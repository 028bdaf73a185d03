"""Indicators computed by siad from the published figures, never typed in data.

Pure functions returning :class:`Indicator`: the raw value and a French text (decimal comma,
narrow no-break space U+202F between thousands: « 4 717 », and before « % »).

Definitions follow the PPGDID of Vichy Communauté (« avec 30 demandes en cours et 10 attributions
réalisées l'année N-1, la pression locative est de 3 (30/10). Il faut 3 ans […] Le délai moyen
d'attente théorique est donc de 3 ans »):

- **pressure** = pending requests at 31 December N-1 / attributions in year N-1. For the
  territory, the requests are those whose first wish is in the territory (figure ``demandes``),
  as the plan does in §2.1: 1 694 / 527 = « 3,2 demandes pour 1 attribution » — not the 1 895
  active requests that mention the territory in any wish (``demandes_tous_voeux``);
- **theoretical waiting time** = the same ratio, read as years. From one year up it is written in
  years with one decimal (« 3,2 ans »; « 1,5 an »: French keeps the singular below 2); below one
  year, in whole months (« 8 mois », « moins d'un mois »), which says more than « 0,7 an »;
- no attribution in the year: no ratio (never a division by zero nor an infinity) and a text that
  says so, status ``aucune_attribution``; no pending request: a waiting time of zero;
- a figure not published: value None, text « non publié », status ``non_publie``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data.figures import TYPOLOGIES, TYPOLOGY_LABELS, AreaFigures, Figures, FigureSet

OK = "ok"
NO_ATTRIBUTION = "aucune_attribution"
NOT_PUBLISHED = "non_publie"
NOT_PUBLISHED_TEXT = "non publié"
THIN = "\u202f"


@dataclass(frozen=True)
class Indicator:
    value: float | None
    text: str
    status: str = OK


@dataclass(frozen=True)
class DemandIndicators:
    """Requests, attributions, pressure and waiting time of one area, or of one typology in it."""

    label: str | None
    requests: Indicator
    attributions: Indicator
    pressure: Indicator
    waiting_time: Indicator
    figure_set: FigureSet | None = None


def format_int(value: int) -> str:
    """« 4 717 »: thousands separated by a narrow no-break space."""
    return f"{value:,}".replace(",", THIN)


def format_decimal(value: float, decimals: int = 1) -> str:
    """« 3,2 »: rounded, with a decimal comma and narrow spaces between thousands."""
    return f"{value:,.{decimals}f}".replace(",", THIN).replace(".", ",")


def _plural(word: str, value: float) -> str:
    return word if abs(value) < 2 else word + "s"


def _absent() -> Indicator:
    return Indicator(None, NOT_PUBLISHED_TEXT, NOT_PUBLISHED)


def count(value: int | float | None, unit: str = "") -> Indicator:
    """A published figure as an indicator: « 1 694 », or « non publié »."""
    if value is None:
        return _absent()
    text = format_int(round(value))
    return Indicator(value, f"{text} {_plural(unit, value)}" if unit else text)


def pressure(requests: int | None, attributions: int | None) -> Indicator:
    """Pending requests per attribution: « 3,2 demandes pour 1 attribution »."""
    if requests is None or attributions is None:
        return _absent()
    if attributions == 0:
        text = "ni demande ni attribution" if requests == 0 else f"{format_int(requests)} {_plural('demande', requests)} et aucune attribution dans l'année"
        return Indicator(None, text, NO_ATTRIBUTION)
    ratio = requests / attributions
    return Indicator(ratio, f"{format_decimal(ratio)} {_plural('demande', round(ratio, 1))} pour 1 attribution")


def waiting_time(requests: int | None, attributions: int | None) -> Indicator:
    """Theoretical waiting time in years (value), in years or months (text)."""
    if requests is None or attributions is None:
        return _absent()
    if requests == 0:
        return Indicator(0.0, "aucune demande en attente")
    if attributions == 0:
        return Indicator(None, "non calculable : aucune attribution dans l'année", NO_ATTRIBUTION)
    years = requests / attributions
    if years < 1:
        months = round(years * 12)
        return Indicator(years, "moins d'un mois" if months == 0 else f"{months} mois")
    return Indicator(years, f"{format_decimal(years)} {_plural('an', round(years, 1))}")


def share(part: int | None, total: int | None) -> Indicator:
    """``part`` as a percentage of ``total`` (value in percent): « 39,6 % »."""
    if part is None or not total:
        return _absent()
    percent = 100 * part / total
    return Indicator(percent, f"{format_decimal(percent)}{THIN}%")


def attribution_delay(days: float | None) -> Indicator:
    """The published average attribution delay: « 245 jours »."""
    return count(days, "jour")


def demand_indicators(area: AreaFigures | None, label: str | None = None, typology: str | None = None) -> DemandIndicators:
    """The demand indicators of an area (territory or commune), or of one typology in it."""
    suffix = f"_{typology}" if typology else ""
    requests = area.get("demandes" + suffix) if area else None
    attributions = area.get("attributions" + suffix) if area else None
    return DemandIndicators(
        label if label is not None else (area.name if area else None),
        count(requests, "demande"),
        count(attributions, "attribution"),
        pressure(requests, attributions),
        waiting_time(requests, attributions),
        area.demand_set if area else None,
    )


def typology_indicators(area: AreaFigures | None) -> tuple[DemandIndicators, ...]:
    """One entry per typology for which requests or attributions are published; () if none."""
    if area is None:
        return ()
    return tuple(
        demand_indicators(area, TYPOLOGY_LABELS[t], t)
        for t in TYPOLOGIES
        if area.get(f"demandes_{t}") is not None or area.get(f"attributions_{t}") is not None
    )


def territory_indicators(figures: Figures) -> DemandIndicators:
    return demand_indicators(figures.territory)


def commune_indicators(figures: Figures, insee: str) -> DemandIndicators:
    """A commune's indicators; every figure « non publié » when the commune has none."""
    return demand_indicators(figures.communes.get(insee))


def stock_shares(figures: Figures) -> dict[str, Indicator]:
    """Each commune's share of the territory's social housing stock, by INSEE code."""
    total = figures.stock_total()
    return {code: share(area.get("parc_total"), total) for code, area in figures.communes.items()}
