"""Weekly opening hours of reception points: model, YAML validation and views.

A reception point's ``horaires:`` is written by hand, either in the structured form::

    horaires:
      lundi_a_mercredi: ["09:00-12:00", "13:30-17:00"]
      jeudi:
        - plage: "09:00-17:00"
          mode: telephone              # accueil (default) | telephone | rendez_vous
      vendredi: "9h-12h"
      exceptions:
        - jour: lundi
          semaines_du_mois: [1, 3]     # the 1st and the 3rd Monday of the month
          plages: ["09:00-12:00"]      # replaces that day's hours; « plages: fermé » closes it
      sur_rendez_vous: oui             # the place receives on appointment only
      a_confirmer: oui                 # hours unknown or to be confirmed
      remarque: "…"

or as an OpenStreetMap ``opening_hours`` string. :mod:`siad.osm_hours` holds the exchange
formats (``to_osm``, ``parse_osm``, ``to_schema_org``); :mod:`siad.hours_view` the views
and the « open now » computations.

Day keys are ``lundi`` … ``dimanche`` or a span ``lundi_a_jeudi`` (week order); a day
is given once; a missing day is closed (``fermé`` says so explicitly). Times are
``09:00``, ``9:00``, ``9h``, ``9h30`` or ``9 h 30``; start and end are joined by ``-``,
``–``, ``/`` or ``à``. Hours go from 0 to 23 (no ``24:00``). Slots of one mode may not
overlap within a day; a phone line may run during walk-in hours. An exception replaces all
the slots of its dates (every mode); it may name a day without regular hours.

Walk-in (« accueil ») slots are those of mode ``accueil`` at a place that is not
appointment-only: only they count for :func:`is_open`, :func:`next_opening` and
:func:`to_schema_org`. Phone and appointment slots are shown, never taken as walk-in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import Location, Report
from .schema import INVALID, Boolean, Field, Kind, ListOf, Schema, Text, suggestion
from .yamlsource import Mapping, Node, Scalar, Sequence

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WALK_IN, PHONE, APPOINTMENT = "accueil", "telephone", "rendez_vous"
MODES = (WALK_IN, PHONE, APPOINTMENT)
MODE_LABELS = {WALK_IN: "accueil", PHONE: "permanence téléphonique", APPOINTMENT: "sur rendez-vous"}
RANGE_HINT = "écrivez l'heure de début et l'heure de fin séparées par un tiret, par exemple \"09:00-12:00\" ou \"9h-12h30\""


@dataclass(frozen=True, order=True)
class Slot:
    """A time slot within a day, in minutes since midnight (``end`` excluded)."""

    start: int
    end: int
    mode: str = WALK_IN


@dataclass(frozen=True)
class MonthlyException:
    """On the ``weeks``-th occurrences (1-5) of ``weekday`` (0 = Monday) in a month, ``slots``
    replace the day's regular slots; no slots means closed that day."""

    weekday: int
    weeks: tuple[int, ...]
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class Schedule:
    """A canonical weekly schedule: build it with :func:`build_schedule` so that equal
    schedules compare equal (sorted slots, exceptions grouped by identical slots)."""

    days: tuple[tuple[Slot, ...], ...] = ((),) * 7
    exceptions: tuple[MonthlyException, ...] = ()
    appointment_only: bool = False
    to_be_confirmed: bool = False
    note: str | None = None

    def exception_on(self, day: dt.date) -> MonthlyException | None:
        week = (day.day - 1) // 7 + 1
        for exc in self.exceptions:
            if exc.weekday == day.weekday() and week in exc.weeks:
                return exc
        return None

    def slots_on(self, day: dt.date) -> tuple[Slot, ...]:
        """Every slot of that date, monthly exceptions applied."""
        exc = self.exception_on(day)
        return exc.slots if exc is not None else self.days[day.weekday()]

    def walk_in_on(self, day: dt.date) -> tuple[Slot, ...]:
        return () if self.appointment_only else tuple(s for s in self.slots_on(day) if s.mode == WALK_IN)

    @property
    def has_hours(self) -> bool:
        return any(self.days) or any(e.slots for e in self.exceptions)


def build_schedule(
    days: dict[int, list[Slot]], exceptions: dict[int, dict[int, list[Slot]]] | None = None,
    appointment_only: bool = False, to_be_confirmed: bool = False, note: str | None = None,
) -> Schedule:
    """The canonical :class:`Schedule` for slots per weekday and per (weekday, week of month)."""
    grouped: list[MonthlyException] = []
    for weekday, by_week in sorted((exceptions or {}).items()):
        same: dict[tuple[Slot, ...], list[int]] = {}
        for week, slots in sorted(by_week.items()):
            same.setdefault(tuple(sorted(set(slots))), []).append(week)
        grouped += [MonthlyException(weekday, tuple(w), s) for s, w in same.items()]
    grouped.sort(key=lambda e: (e.weekday, e.weeks))
    week = tuple(tuple(sorted(set(days.get(d, ())))) for d in range(7))
    return Schedule(week, tuple(grouped), appointment_only, to_be_confirmed, note or None)


def find_overlap(slots: list[Slot]) -> tuple[int, int] | None:
    """Indices (earlier, later) of the first two slots of the same mode that overlap."""
    for i, b in enumerate(slots):
        for j, a in enumerate(slots[:i]):
            if a.mode == b.mode and a.start < b.end and b.start < a.end:
                return j, i
    return None


class HoursError(ValueError):
    """A French message (and hint) about hours written by hand."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def clock(hour: str, minute: str | None) -> int:
    """Minutes since midnight for a written hour and minute, checked."""
    h, m = int(hour), int(minute or 0)
    if h > 23:
        raise HoursError(f"l'heure « {hour} » n'existe pas : les heures vont de 0 à 23", "écrivez par exemple 18:00 pour six heures du soir")
    if m > 59:
        raise HoursError(f"« {minute} » minutes n'existe pas : les minutes vont de 00 à 59", "écrivez par exemple 9:30 ou 9h30")
    return h * 60 + m


def checked_range(start: int, end: int, written: str) -> tuple[int, int]:
    if start >= end:
        what = "dure zéro minute" if start == end else "se termine avant de commencer"
        hint = "l'heure de début vient en premier" + (f" : « {hhmm(end)}-{hhmm(start)} »" if start > end else "")
        raise HoursError(f"la plage « {written} » {what}", hint)
    return start, end


_CLOCK = r"(\d{1,2})\s*(?::\s*(\d{2})|[hH]\s*(\d{2})?)"
_RANGE = re.compile(rf"{_CLOCK}\s*(?:-|–|/|à)\s*{_CLOCK}")


def parse_range(text: str) -> tuple[int, int]:
    """``"9h-12h30"`` → ``(540, 750)``; raises :class:`HoursError`."""
    m = _RANGE.fullmatch(text.strip())
    if not m:
        raise HoursError(f"« {text} » n'est pas une plage horaire", RANGE_HINT)
    start = clock(m.group(1), m.group(2) or m.group(3))
    end = clock(m.group(4), m.group(5) or m.group(6))
    return checked_range(start, end, text.strip())


# --- Structured YAML form -----------------------------------------------------------

def _text(node: Node) -> str | None:
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
        return node.text.strip()
    return None


class _Choice(Kind):
    def __init__(self, expected: str, choices: tuple[str, ...], what: str):
        self.expected, self.choices, self.what = expected, choices, what

    def convert(self, node: Node, report: Report):
        text = _text(node)
        if text is None:
            return self.wrong_type(node, report, "possibles : " + ", ".join(self.choices))
        if text in self.choices:
            return text
        hint = suggestion(text, list(self.choices)) or "possibles : " + ", ".join(self.choices)
        report.error(node.loc, f"{self.what} inconnu « {text} »", hint)
        return INVALID


class _Range(Kind):
    expected = "une plage horaire (« 09:00-12:00 »)"

    def convert(self, node: Node, report: Report):
        text = _text(node)
        if text is None:
            return self.wrong_type(node, report, RANGE_HINT)
        try:
            return parse_range(text)
        except HoursError as exc:
            report.error(node.loc, exc.message, exc.hint)
            return INVALID


class _Week(Kind):
    expected = "un rang dans le mois (1 à 5)"

    def convert(self, node: Node, report: Report):
        text = _text(node)
        if text is None or not re.fullmatch(r"[0-9]+", text):  # not isdigit(): « ² » is a digit int() refuses
            return self.wrong_type(node, report, "écrivez par exemple [1, 3] pour le 1er et le 3e du mois")
        number = text.lstrip("0") or "0"  # compared as text: int() refuses numbers of 4 300 digits
        if len(number) > 1 or not 1 <= int(number) <= 5:
            report.error(
                node.loc,
                f"la semaine {number} du mois n'existe pas : un jour revient au plus 5 fois dans un mois",
                "écrivez un nombre de 1 à 5 : 1 pour le premier du mois, 2 pour le deuxième…",
            )
            return INVALID
        return int(text)


_CLOSED = ("fermé", "ferme", "Fermé", "Ferme")
_SLOT = Schema(
    "une plage horaire détaillée",
    {
        "plage": Field(_Range(), required=True, doc="ajoutez « plage: \"09:00-12:00\" »"),
        "mode": Field(_Choice("un mode", MODES, "mode"), default=WALK_IN),
    },
)


class _Slots(Kind):
    """A day's slots: a list (or a single item) of ranges or {plage, mode}, or « fermé »."""

    expected = "une liste de plages horaires"

    def convert(self, node: Node, report: Report):
        if isinstance(node, Scalar) and _text(node) in _CLOSED:
            return ()
        items = node.items if isinstance(node, Sequence) else [node]
        values = []
        for item in items:
            if isinstance(item, Mapping):
                record = _SLOT.convert(item, report)
                values.append(INVALID if record is INVALID else (*record["plage"], record["mode"]))
            elif isinstance(item, Scalar):
                values.append(_Range().convert(item, report))
            else:
                values.append(self.wrong_type(item, report, "écrivez une plage par élément : [\"09:00-12:00\", \"14:00-17:00\"]"))
        if any(v is INVALID for v in values):
            return INVALID
        slots = [Slot(*value) for value in values]
        clash = find_overlap(slots)
        if clash:
            a, b = slots[clash[0]], slots[clash[1]]
            report.error(
                items[clash[1]].loc,
                f"la plage {hhmm(b.start)}-{hhmm(b.end)} chevauche la plage {hhmm(a.start)}-{hhmm(a.end)}"
                f" (ligne {items[clash[0]].loc.line})",
                f"corrigez l'une des deux, ou réunissez-les en une seule plage : "
                f"« {hhmm(min(a.start, b.start))}-{hhmm(max(a.end, b.end))} »",
            )
            return INVALID
        return tuple(sorted(slots))


_EXCEPTION = Schema(
    "une exception",
    {
        "jour": Field(_Choice("un jour de la semaine", WEEKDAYS, "jour"), required=True, doc="ajoutez « jour: lundi »"),
        "semaines_du_mois": Field(
            ListOf(_Week(), allow_single=True, min_items=1),
            required=True,
            doc="ajoutez « semaines_du_mois: [1, 3] » pour le 1er et le 3e du mois",
        ),
        "plages": Field(_Slots(), required=True, doc="ajoutez « plages: » avec les horaires de ces jours-là, ou « plages: fermé »"),
    },
)


class _Note(Text):
    def check(self, text: str, node: Node, report: Report):
        if '"' in text:
            report.error(node.loc, "la remarque contient un guillemet droit (\")", "utilisez les guillemets français « … »")
            return INVALID
        return " ".join(text.split())


_FLAGS = {"exceptions": ListOf(_EXCEPTION), "sur_rendez_vous": Boolean(), "a_confirmer": Boolean(), "remarque": _Note()}
_SPAN = re.compile(r"([a-z]+)_a_([a-z]+)")
_KEYS = list(WEEKDAYS) + list(_FLAGS) + [f"{a}_a_{b}" for i, a in enumerate(WEEKDAYS) for b in WEEKDAYS[i + 1 :]]


def _span(key: str) -> list[int] | str | None:
    """Weekday indices named by a day key, "reversed" for a backward span, None otherwise."""
    if key in WEEKDAYS:
        return [WEEKDAYS.index(key)]
    m = _SPAN.fullmatch(key)
    if m and m.group(1) in WEEKDAYS and m.group(2) in WEEKDAYS:
        first, last = WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2))
        return list(range(first, last + 1)) if first < last else "reversed"
    return None


class OpeningHours(Kind):
    """``horaires:`` of a reception point, structured or OSM; converts to a :class:`Schedule`."""

    expected = "des horaires"

    def json_schema(self) -> dict:
        slots = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"anyOf": [{"type": "string"}, _SLOT.json_schema()]}}]}
        properties = {key: slots for key in _KEYS if _span(key) is not None}
        properties.update({key: kind.json_schema() for key, kind in _FLAGS.items()})
        properties["exceptions"] = {"type": "array", "items": _EXCEPTION.json_schema()}
        structured = {"type": "object", "properties": properties, "additionalProperties": False}
        return {"anyOf": [{"type": "string", "description": "horaires au format OpenStreetMap opening_hours"}, structured]}

    def convert(self, node: Node, report: Report):
        if isinstance(node, Scalar) and isinstance(node.value, str):
            return self._osm(node, report)
        if not isinstance(node, Mapping):
            return self.wrong_type(node, report, "écrivez un jour par ligne, par exemple « lundi: [\"09:00-12:00\"] »")
        days: dict[int, tuple[Slot, ...]] = {}
        seen: dict[int, Location] = {}
        values: dict[str, object] = {}
        ok = True
        for key, (key_loc, value) in node.entries.items():
            span = _span(key)
            if span == "reversed":
                report.error(key_loc, f"« {key} » : les jours sont dans le désordre", "écrivez le premier jour d'abord, par exemple « lundi_a_jeudi »")
                ok = False
                continue
            if span is None and key not in _FLAGS:
                hint = suggestion(key, _KEYS) or "écrivez un jour (lundi … dimanche), « exceptions », « sur_rendez_vous », « a_confirmer » ou « remarque »"
                report.error(key_loc, f"clé inconnue « {key} » dans les horaires", hint)
                ok = False
                continue
            if isinstance(value, Scalar) and value.value is None and not value.quoted:
                if span is not None:
                    report.error(value.loc, f"« {key} » n'a pas de valeur", "indiquez les plages horaires, ou « fermé »")
                    ok = False
                continue
            converted = (_Slots() if span is not None else _FLAGS[key]).convert(value, report)
            if converted is INVALID:
                ok = False
            elif span is None:
                values[key] = converted
            for weekday in span or ():
                if weekday in seen:
                    report.error(
                        key_loc,
                        f"le {WEEKDAYS[weekday]} est déjà indiqué ligne {seen[weekday].line}",
                        "chaque jour n'est indiqué qu'une fois : retirez-le de l'une des deux lignes",
                    )
                    ok = False
                seen[weekday] = key_loc
                days[weekday] = () if converted is INVALID else converted
        exceptions: dict[int, dict[int, tuple[Slot, ...]]] = {}
        for record in values.get("exceptions", ()):
            weekday = WEEKDAYS.index(record["jour"])
            taken = exceptions.setdefault(weekday, {})
            for week in record["semaines_du_mois"]:
                if week in taken and taken[week] != record["plages"]:
                    report.error(
                        record.loc_of("semaines_du_mois"),
                        f"deux exceptions différentes visent la semaine {week} du {record['jour']}",
                        "gardez une seule exception par jour et par semaine du mois",
                    )
                    ok = False
                taken[week] = record["plages"]
        if not ok:
            return INVALID
        schedule = build_schedule(
            days, exceptions, values.get("sur_rendez_vous", False), values.get("a_confirmer", False), values.get("remarque")
        )
        if not (schedule.has_hours or schedule.appointment_only or schedule.to_be_confirmed):
            report.error(
                node.loc,
                "aucun horaire n'est indiqué",
                "indiquez les plages de chaque jour (lundi: [\"09:00-12:00\"]), "
                "ou écrivez « sur_rendez_vous: oui » ou « a_confirmer: oui »",
            )
            return INVALID
        return schedule

    def _osm(self, node: Scalar, report: Report):
        from .osm_hours import OsmHoursError, parse_osm

        text = node.value
        if not text.strip():
            report.error(node.loc, "les horaires sont vides", "si les horaires ne sont pas connus, écrivez « a_confirmer: oui » sous « horaires: »")
            return INVALID
        try:
            schedule = parse_osm(text)
        except OsmHoursError as exc:
            loc = node.loc
            if "\n" not in text and loc.col is not None:  # a one-line scalar: point at the part
                loc = Location(loc.path, loc.line, loc.col + exc.offset + (1 if node.quoted else 0))
            report.error(loc, exc.message, exc.hint)
            return INVALID
        if not (schedule.has_hours or schedule.appointment_only or schedule.to_be_confirmed):  # « off »: as in the structured form
            report.error(
                node.loc,
                "aucun horaire n'est indiqué : le lieu serait fermé tous les jours",
                "indiquez les heures d'ouverture, par exemple « Mo-Fr 09:00-12:00 », "
                "ou écrivez « horaires: {a_confirmer: oui} » si elles ne sont pas connues",
            )
            return INVALID
        return schedule


def schedule_from_node(node: Node, report: Report) -> Schedule:
    """The :class:`Schedule` of a ``horaires:`` node, or ``INVALID`` (errors in ``report``)."""
    return OpeningHours().convert(node, report)
