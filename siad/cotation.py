"""Scoring of social-housing requests (« cotation de la demande »): grid model and score.

The grid is data (see :mod:`siad.cotation_schema`, which loads it from YAML); this module
holds the typed model and :func:`score`, a pure function meant as the reference for the
JavaScript simulator: no I/O, deterministic, integers except for the resource-quartile
multiplier, which is computed exactly with :class:`~decimal.Decimal`.

Order of computation (Vichy Communauté PPGDID 2024-2029, part 3.2, « Le système local
de cotation »):

1. each family's selected criteria, counted by its rule (the N best, only the best one,
   or all); criteria the source leaves without points (« non coté ») add 0;
2. seniority: ``points_per_month`` for each month since registration, or since the
   month of the last resetting unjustified refusal (every ``reset_every``-th refusal:
   the 2nd, 4th, 6th… — not the 3rd); optional cap;
3. bonus per CALEOL examination without an offer (optional cap);
4. optional bonus once the request reaches the prefect's « délai anormalement long »;
5. the subtotal of 1-4 is multiplied by the first-quartile coefficient (« Le total de
   points obtenu est multiplié par 1,1 »: the whole total, seniority included, since the
   sentence before lists « ceux liés à la vie de la demande » among the points counted).

Conventions (the source does not state them):

- rounding: the source only ever shows whole points (steps of 10, 1 point a month), so
  the multiplied total is rounded to the nearest whole point, halves up (148.5 → 149; not
  Python's round-half-even). The product is exact (Decimal); a JavaScript port should
  compute in integers, e.g. ``Math.floor((subtotal * 11 + 5) / 10)`` for 1.1, because
  ``145 * 1.1`` is 159.50000000000003 in floating point. The multiplier line adds
  ``total - subtotal`` so that the lines always sum to the total.
- months are whole months since registration; ``n`` months give ``n × points_per_month``
  (« dès le 1er mois »). A resetting refusal during month ``r`` leaves ``months - r``
  months counted: 0 during that month, 1 the month after (« à partir du mois suivant »).
- the « délai anormalement long » bonus applies when ``months >= mois``, counted from
  registration (refusals reset seniority points, not the age of the request).
- counting ties (same points) are broken by grid order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from .errors import Location
from .schema import suggestion

# Counting modes of a family.
ALL = "all"  # every selected criterion adds up (« tous »)
BEST = "best"  # only the ``n`` best ones count (« meilleurs: n »)
SINGLE = "single"  # only the best one counts (« un_seul »)

# Line kinds and statuses of a score breakdown.
CRITERION = "criterion"
SENIORITY = "seniority"
CALEOL = "caleol"
LONG_DELAY = "long_delay"
FIRST_QUARTILE = "first_quartile"
COUNTED = "counted"
IGNORED = "ignored"
NOT_SCORED = "not_scored"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    points: int | None  # None: the source gives no points (« non coté »)
    family: str
    priority: bool = False  # starred: a priority situation under the CCH
    manual: bool = False  # set by the registration services, not from the Cerfa form


@dataclass(frozen=True)
class Counting:
    mode: str  # ALL, BEST or SINGLE
    n: int | None = None  # for BEST

    def describe(self) -> str:
        """The rule in French, for explanations."""
        if self.mode == ALL:
            return "tous les critères se cumulent"
        if self.mode == BEST and self.n != 1:
            return f"les {self.n} critères qui rapportent le plus de points comptent"
        if self.mode == BEST:
            return "seul compte le critère qui rapporte le plus de points"
        return "un seul critère est retenu"


@dataclass(frozen=True)
class Family:
    key: str
    name: str
    counting: Counting
    criteria: tuple[Criterion, ...]
    criteria_noun: str = "critères"  # plural noun for explanations: « motifs », « situations »…


@dataclass(frozen=True)
class Rules:
    """Global rules; None means the grid does not use the rule."""

    seniority_per_month: int | None = None
    seniority_cap: int | None = None
    caleol_points: int | None = None
    caleol_cap: int | None = None
    first_quartile_coefficient: Decimal | None = None
    refusal_reset_every: int | None = None
    long_delay_points: int | None = None
    long_delay_months: int | None = None


@dataclass(frozen=True)
class Grid:
    source: str
    families: tuple[Family, ...]
    rules: Rules = field(default_factory=Rules)
    updated: dt.date | None = None  # « mis_a_jour_le »
    updated_loc: Location | None = field(default=None, compare=False)

    def criteria(self) -> dict[str, Criterion]:
        """Every criterion by key, in grid order."""
        return {c.key: c for f in self.families for c in f.criteria}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy (for the JavaScript simulator)."""
        rules = asdict(self.rules)
        if self.rules.first_quartile_coefficient is not None:
            rules["first_quartile_coefficient"] = float(self.rules.first_quartile_coefficient)
        return {"source": self.source, "families": [asdict(f) for f in self.families], "rules": rules}


@dataclass(frozen=True)
class Situation:
    """What an applicant declares, as the simulator asks it.

    ``refusals``: for each unjustified refusal, the number of whole months since
    registration when it happened (0 = during the first month); order does not matter.
    """

    criteria: tuple[str, ...] = ()
    months: int = 0  # whole months since registration
    refusals: tuple[int, ...] = ()
    caleol_without_offer: int = 0  # CALEOL examinations that ended without an offer
    first_quartile: bool = False  # resources in the first quartile (threshold set by the State)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "criteria": list(self.criteria), "refusals": list(self.refusals)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Situation:
        return cls(
            criteria=tuple(data.get("criteria", ())),
            months=data.get("months", 0),
            refusals=tuple(data.get("refusals", ())),
            caleol_without_offer=data.get("caleol_without_offer", 0),
            first_quartile=data.get("first_quartile", False),
        )


@dataclass(frozen=True)
class Line:
    """One line of a breakdown. ``points`` is what the line adds to the total."""

    kind: str
    label: str
    points: int
    status: str = COUNTED
    detail: str = ""
    key: str | None = None  # criterion key
    family: str | None = None  # family key
    grid_points: int | None = None  # the criterion's points in the grid


@dataclass(frozen=True)
class ScoreResult:
    """The score; the ``points`` of the lines always add up to ``total``."""

    total: int
    subtotal: int  # before the first-quartile multiplier
    exact_total: Decimal  # subtotal × coefficient, before rounding
    lines: tuple[Line, ...]
    priority_criteria: tuple[str, ...] = ()  # selected starred criteria (CCH priority)
    manual_criteria: tuple[str, ...] = ()  # selected criteria set by registration services

    def to_dict(self) -> dict[str, Any]:
        exact = self.exact_total
        return {
            "total": self.total,
            "subtotal": self.subtotal,
            "exact_total": int(exact) if exact == exact.to_integral() else float(exact),
            "lines": [asdict(line) for line in self.lines],
            "priority_criteria": list(self.priority_criteria),
            "manual_criteria": list(self.manual_criteria),
        }


def score(grid: Grid, situation: Situation) -> ScoreResult:
    """Score ``situation`` with ``grid``; a situation that does not fit raises ValueError (French)."""
    known = grid.criteria()
    _check(situation, known)
    selected = set(situation.criteria)
    lines: list[Line] = []
    for family in grid.families:
        lines.extend(_family_lines(family, [c for c in family.criteria if c.key in selected]))
    rules = grid.rules
    if rules.seniority_per_month is not None:
        lines.append(_seniority(rules, situation))
    if rules.caleol_points is not None:
        lines.append(_caleol(rules, situation.caleol_without_offer))
    if rules.long_delay_points is not None and rules.long_delay_months is not None:
        lines.append(_long_delay(rules.long_delay_points, rules.long_delay_months, situation.months))
    subtotal = sum(line.points for line in lines)
    exact = Decimal(subtotal)
    total = subtotal
    coefficient = rules.first_quartile_coefficient
    if coefficient is not None and situation.first_quartile:
        with localcontext() as ctx:  # exact: Decimal's default 28 digits would round a long product, and fail to quantize it
            _, digits, exponent = coefficient.as_tuple()
            ctx.prec = max(ctx.prec, len(str(abs(subtotal))) + len(digits) + max(exponent, 0) + 2)
            exact = Decimal(subtotal) * coefficient
            total = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            detail = f"total de {_pts(subtotal)} multiplié par {_num(coefficient)} (1er quartile de ressources) = {_num(exact)}"
        if exact != total:
            detail += f", arrondi à {total} (au point le plus proche ; 0,5 est arrondi au-dessus)"
        lines.append(Line(FIRST_QUARTILE, "Premier quartile de ressources", total - subtotal, detail=detail))
    chosen = [c for c in known.values() if c.key in selected]
    return ScoreResult(
        total=total,
        subtotal=subtotal,
        exact_total=exact,
        lines=tuple(lines),
        priority_criteria=tuple(c.key for c in chosen if c.priority),
        manual_criteria=tuple(c.key for c in chosen if c.manual),
    )


def _check(situation: Situation, known: dict[str, Criterion]) -> None:
    seen: set[str] = set()
    for key in situation.criteria:
        if not isinstance(key, str):
            raise ValueError(f"critère invalide ({key!r}) : donnez la clé du critère, par exemple « logement_indigne »")
        if key not in known:
            hint = suggestion(key, list(known)) or "les critères possibles sont ceux de la grille"
            raise ValueError(f"critère inconnu « {key} » : il n'existe pas dans la grille de cotation ; {hint}")
        if key in seen:
            raise ValueError(f"le critère « {key} » est sélectionné deux fois : ne le donnez qu'une fois")
        seen.add(key)
    if not _whole(situation.months) or situation.months < 0:
        raise ValueError(f"ancienneté invalide ({situation.months!r}) : donnez un nombre entier de mois, 0 ou plus")
    if not _whole(situation.caleol_without_offer) or situation.caleol_without_offer < 0:
        raise ValueError(
            f"nombre de passages en CALEOL invalide ({situation.caleol_without_offer!r}) : donnez un nombre entier, 0 ou plus"
        )
    for month in situation.refusals:
        if not _whole(month) or not 0 <= month <= situation.months:
            raise ValueError(
                f"refus injustifié au mois {month!r} invalide : donnez le nombre de mois écoulés depuis "
                f"l'enregistrement de la demande, entre 0 et {situation.months}"
            )


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _family_lines(family: Family, chosen: list[Criterion]) -> list[Line]:
    """Counted criteria first (most points first, then grid order), then ignored, then not scored."""
    scored = sorted((c for c in chosen if c.points is not None), key=lambda c: -c.points)  # stable: grid order
    unscored = [c for c in chosen if c.points is None]
    keep = len(scored)
    if family.counting.mode == BEST:
        keep = family.counting.n or 0
    elif family.counting.mode == SINGLE:
        keep = 1
    if family.counting.mode == SINGLE:
        why = f"dans « {family.name} », un seul critère est retenu (ici, celui qui rapporte le plus de points)"
    elif keep == 1:
        why = f"dans « {family.name} », seul compte le critère qui rapporte le plus de points"
    else:
        why = f"au-delà des {keep} {family.criteria_noun} qui rapportent le plus de points"
    lines = []
    for rank, c in enumerate(scored):
        if rank < keep:
            lines.append(_criterion_line(c, c.points, COUNTED, f"retenu ; « {family.name} » : {family.counting.describe()}"))
        else:
            lines.append(_criterion_line(c, 0, IGNORED, f"non compté : {why}"))
    for c in unscored:
        lines.append(_criterion_line(c, 0, NOT_SCORED, "non coté : la grille publiée ne donne pas de points pour ce critère"))
    return lines


def _criterion_line(c: Criterion, points: int, status: str, detail: str) -> Line:
    return Line(CRITERION, c.label, points, status, detail, key=c.key, family=c.family, grid_points=c.points)


def _seniority(rules: Rules, situation: Situation) -> Line:
    per_month = rules.seniority_per_month or 0
    months = situation.months
    refusals = sorted(situation.refusals)
    every = rules.refusal_reset_every
    parts = []
    counted = months
    if refusals and every is None:
        parts.append("les refus n'ont pas d'effet sur l'ancienneté dans cette grille")
    elif refusals and every is not None:
        resets = len(refusals) // every
        pending = len(refusals) % every
        if resets:
            last = refusals[resets * every - 1]
            counted = months - last
            parts.append(
                f"remise à zéro au mois {last} ({_ordinal(resets * every)} refus injustifié), "
                f"l'ancienneté est recomptée à partir du mois suivant"
            )
        if pending:
            nth = resets * every + every
            parts.append(
                f"{pending} refus injustifié{'s' if pending > 1 else ''} sans remise à zéro "
                f"(elle n'intervient qu'au {_ordinal(nth)})"
            )
    raw = counted * per_month
    points = raw if rules.seniority_cap is None else min(raw, rules.seniority_cap)
    parts.append(f"{counted} mois × {_pts(per_month)} = {_pts(raw)}")
    if points != raw:
        parts.append(f"plafonné à {_pts(points)}")
    return Line(SENIORITY, "Ancienneté de la demande", points, detail=" ; ".join(parts))


def _caleol(rules: Rules, count: int) -> Line:
    each = rules.caleol_points or 0
    raw = count * each
    points = raw if rules.caleol_cap is None else min(raw, rules.caleol_cap)
    detail = f"{count} examen{'s' if count > 1 else ''} sans proposition × {_pts(each)} = {_pts(raw)}"
    if points != raw:
        detail += f" ; plafonné à {_pts(points)}"
    return Line(CALEOL, "Examens en CALEOL sans proposition de logement", points, detail=detail)


def _long_delay(bonus: int, threshold: int, months: int) -> Line:
    if months >= threshold:
        detail = f"demande de {months} mois : le délai anormalement long ({threshold} mois) est atteint"
        return Line(LONG_DELAY, "Délai anormalement long", bonus, detail=detail)
    detail = f"demande de {months} mois : le délai anormalement long ({threshold} mois) n'est pas atteint"
    return Line(LONG_DELAY, "Délai anormalement long", 0, detail=detail)


def _pts(n: int) -> str:
    """« 0 point », « 1 point », « 2 points » (French agreement)."""
    return f"{n} point{'s' if abs(n) >= 2 else ''}"


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def _num(value: Decimal) -> str:
    """A decimal written the French way: « 163,9 », « 1,1 », « 149 »."""
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    return text.replace(".", ",")
