"""Exchange formats for schedules: OpenStreetMap ``opening_hours`` (as used by
data·inclusion) in both directions, and schema.org ``OpeningHoursSpecification``.

Supported OSM subset: weekday lists and spans (``Mo-Fr``, ``Mo,We``, ``Sa-Mo``), the nth
weekday of the month (``Mo[1,3]``, ``Mo[1-2]``, ranks 1 to 5), time ranges ``HH:MM-HH:MM``
separated by commas, ``off`` (or ``closed``), a time list without days (every day), rule
comments, ``;`` rules (a later rule replaces the days it names, OSM semantics), ``, ``
additional rules (they add to the days they name) and a final ``|| "…"`` fallback comment.

Comment convention (written by :func:`to_osm`, read by :func:`parse_osm`):

- after hours, ``"permanence téléphonique"`` marks phone slots and ``"sur rendez-vous"``
  appointment slots (no comment: walk-in); a day mixing modes uses additional rules:
  ``Th 09:00-12:00, Th 14:00-17:00 "permanence téléphonique"``;
- schedule-wide flags go into one comment, as the fallback rule ``|| "…"``, or alone when
  there are no hours: parts ``sur rendez-vous``, ``horaires à confirmer`` and
  ``remarque : <text>``, in this order, joined by `` ; ``. Any other text there is read as
  the note;
- a schedule with no hours, only "to be confirmed", is the empty string, and the empty
  string reads as such a schedule.

``parse_osm(to_osm(s)) == s`` for every schedule the structured YAML form can express.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .hours import APPOINTMENT, MODES, PHONE, WALK_IN, HoursError, Schedule, Slot, build_schedule, checked_range, clock, find_overlap, hhmm

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_COMMENT_OF = {PHONE: "permanence téléphonique", APPOINTMENT: "sur rendez-vous"}
_MODE_WORDS = {
    "permanence téléphonique": PHONE, "téléphone": PHONE, "par téléphone": PHONE, "accueil téléphonique": PHONE,
    "sur rendez-vous": APPOINTMENT, "sur rdv": APPOINTMENT, "rendez-vous": APPOINTMENT, "by appointment": APPOINTMENT,
}
_APPOINTMENT_WORDS = ("sur rendez-vous", "sur rdv", "sur rendez-vous uniquement", "by appointment")
_TBC_WORDS = ("horaires à confirmer", "à confirmer", "a confirmer")
_DAY = re.compile(r"(Mo|Tu|We|Th|Fr|Sa|Su)(?![A-Za-z])")
_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?![\d:+])")
_HOLIDAYS = re.compile(r"(PH|SH)(?![A-Za-z])")
_SEASONS = re.compile(r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|week|easter)(?![a-z])|\d{4}|\d", re.I)
_STRUCTURED = "utilisez plutôt la forme détaillée (une clé par jour : lundi: [\"09:00-12:00\", \"14:00-17:00\"])"


class OsmHoursError(ValueError):
    """A problem in an OSM string: ``offset`` is the position of the part at fault."""

    def __init__(self, offset: int, message: str, hint: str | None = None):
        super().__init__(f"{message} (position {offset + 1})")
        self.offset, self.message, self.hint = offset, message, hint


@dataclass
class _Rule:
    offset: int
    sep: str  # "" for the first rule, ";", "," or "||"
    days: list[tuple[int, tuple[int, ...] | None]]  # (weekday, ranks in the month or None)
    slots: list[tuple[Slot, int]] | None  # None: no hours given; []: off
    comment: str | None
    comment_offset: int


def _fold(comment: str) -> str:
    return " ".join(comment.casefold().split())


class _Parser:
    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def fail(self, message: str, hint: str | None = None, offset: int | None = None):
        raise OsmHoursError(self.pos if offset is None else offset, message, hint)

    def unsupported(self):
        rest = self.text[self.pos :]
        part = re.match(r'[^\s;,"]+', rest)
        part = part.group(0) if part else rest[:1]
        if _HOLIDAYS.match(rest):
            hint = "les jours fériés et les vacances ne sont pas gérés : retirez cette règle et précisez-le dans « remarque: »"
        elif rest.startswith(("24/7", "open", "unknown", "sunrise", "sunset", "dawn", "dusk")):
            hint = "indiquez des heures précises, par exemple Mo-Fr 09:00-12:00"
        elif part[:2].capitalize() in OSM_DAYS and not _DAY.match(part):
            hint = "les jours s'écrivent Mo, Tu, We, Th, Fr, Sa, Su (deux lettres, la première en majuscule)"
        elif _SEASONS.match(rest):
            hint = "les périodes de l'année ne sont pas gérées : indiquez les horaires habituels et les fermetures dans « remarque: »"
        else:
            hint = "seuls sont compris les jours (Mo-Fr, Mo,We), les rangs dans le mois (Mo[1,3]), les plages 09:00-12:00, « off » et les commentaires ; " + _STRUCTURED
        self.fail(f"« {part} » n'est pas pris en charge dans des horaires au format OpenStreetMap", hint)

    def rules(self) -> list[_Rule]:
        rules: list[_Rule] = []
        sep = ""
        self.ws()
        while self.pos < len(self.text):
            rules.append(self.rule(sep))
            self.ws()
            for token in ("||", ";", ","):
                if self.at(token):
                    sep, self.pos = token, self.pos + len(token)
                    break
            else:
                if self.pos < len(self.text):
                    self.unsupported()
            self.ws()
        return rules

    def rule(self, sep: str) -> _Rule:
        start = self.pos
        days = self.selectors()
        if days and self.at(","):
            self.pos += 1
            self.ws()
            self.unsupported()
        self.ws()
        slots = None
        if re.match(r"(off|closed)(?![A-Za-z])", self.text[self.pos :]):
            slots = []
            self.pos += 3 if self.at("off") else 6
        elif _TIME.match(self.text, self.pos):
            slots = self.times()
        self.ws()
        comment, comment_offset = None, self.pos
        if self.at('"'):
            end = self.text.find('"', self.pos + 1)
            if end < 0:
                self.fail("guillemet non fermé", 'fermez le commentaire par un guillemet droit ("")')
            comment, self.pos = self.text[self.pos + 1 : end].strip(), end + 1
        self.ws()
        if self.pos < len(self.text) and not (self.at(";") or self.at(",") or self.at("||")):
            self.unsupported()
        if not days and slots is None and comment is None:
            self.unsupported()
        if days and slots is None:
            self.fail("des jours sans heures", "ajoutez les plages, par exemple Mo-Fr 09:00-12:00, ou « off » si le lieu est fermé", start)
        return _Rule(start, sep, days, slots, comment, comment_offset)

    def selectors(self) -> list[tuple[int, tuple[int, ...] | None]]:
        items: list[tuple[int, tuple[int, ...] | None]] = []
        while m := _DAY.match(self.text, self.pos):
            first = OSM_DAYS.index(m.group(1))
            self.pos = m.end()
            span = re.compile(r"\s*-\s*(Mo|Tu|We|Th|Fr|Sa|Su)(?![A-Za-z])").match(self.text, self.pos)
            if self.at("["):
                items.append((first, self.ranks()))
            elif span:
                last = OSM_DAYS.index(span.group(1))
                items += [((first + i) % 7, None) for i in range((last - first) % 7 + 1)]
                self.pos = span.end()
            else:
                items.append((first, None))
            if not re.compile(r",\s*(Mo|Tu|We|Th|Fr|Sa|Su)(?![A-Za-z])").match(self.text, self.pos):
                break
            self.pos += 1
            self.ws()
        return items

    def ranks(self) -> tuple[int, ...]:
        end = self.text.find("]", self.pos)
        inside = self.text[self.pos + 1 : end] if end > 0 else ""
        if end < 0 or not re.fullmatch(r"\s*[0-9]{1,2}(\s*-\s*[0-9]{1,2})?(\s*,\s*[0-9]{1,2}(\s*-\s*[0-9]{1,2})?)*\s*", inside):
            self.fail(
                f"« {self.text[self.pos : end + 1 if end > 0 else None]} » n'est pas pris en charge",
                "seuls les rangs de 1 à 5 sont compris, par exemple Mo[1,3] pour le 1er et le 3e lundi ; " + _STRUCTURED,
            )
        weeks: set[int] = set()
        for part in inside.split(","):
            low, _, high = part.partition("-")
            if int(high or low) < int(low):
                self.fail(f"le rang « {part.strip()} » va à l'envers", "écrivez le plus petit rang d'abord, par exemple Mo[1-3]")
            weeks.update(range(int(low), int(high or low) + 1))
        if not weeks <= {1, 2, 3, 4, 5}:
            self.fail(f"le rang {max(weeks)} n'existe pas : un jour revient au plus 5 fois dans un mois", "écrivez un rang de 1 à 5")
        self.pos = end + 1
        return tuple(sorted(weeks))

    def times(self) -> list[tuple[Slot, int]]:
        slots = []
        while m := _TIME.match(self.text, self.pos):
            try:
                start = clock(m.group(1), m.group(2))
                end = clock(m.group(3), m.group(4))
                checked_range(start, end, m.group(0))
            except HoursError as exc:
                self.fail(exc.message, exc.hint)
            slots.append((Slot(start, end), self.pos))
            self.pos = m.end()
            comma = re.compile(r"\s*,\s*(?=\d)").match(self.text, self.pos)
            if not comma:
                break
            self.pos = comma.end()
        return slots


def parse_osm(text: str) -> Schedule:
    """The :class:`~siad.hours.Schedule` of an OSM ``opening_hours`` string (supported subset).

    Raises :class:`OsmHoursError` (French message and hint, with the offset of the part).
    """
    rules = _Parser(text).rules()
    base: list[list[tuple[Slot, int]]] = [[] for _ in range(7)]
    nth: list[dict[int, list[tuple[Slot, int]]]] = [{} for _ in range(7)]
    flags = {"appointment_only": False, "to_be_confirmed": not rules, "note": None}
    for index, rule in enumerate(rules):
        if rule.sep == "||" or (not rule.days and rule.slots is None):
            if rule.days or rule.slots is not None or rule.comment is None:
                raise OsmHoursError(rule.offset, "après « || », seul un commentaire entre guillemets est compris", _STRUCTURED)
            if index != len(rules) - 1 or (rule.sep != "||" and index > 0):
                raise OsmHoursError(
                    rule.offset,
                    "un commentaire seul n'est compris qu'en dernier, après « || »",
                    'écrivez par exemple Mo-Fr 09:00-12:00 || "sur rendez-vous"',
                )
            flags.update(_flags(rule.comment))
            continue
        mode = WALK_IN
        if rule.comment is not None:
            if rule.slots == [] or _fold(rule.comment) not in _MODE_WORDS:
                raise OsmHoursError(
                    rule.comment_offset,
                    f"le commentaire « {rule.comment} » n'est pas compris ici",
                    'après des heures, seuls "permanence téléphonique" et "sur rendez-vous" sont compris ; une autre précision va dans « remarque: »',
                )
            mode = _MODE_WORDS[_fold(rule.comment)]
        if rule.slots == [] and rule.sep == ",":
            raise OsmHoursError(rule.offset, "« off » n'est pas compris dans une règle additionnelle (après « , »)", "séparez les règles par « ; »")
        slots = [(Slot(s.start, s.end, mode), at) for s, at in rule.slots]
        for weekday, weeks in rule.days or [(d, None) for d in range(7)]:
            if weeks is None and rule.sep == ",":
                base[weekday] += slots
                for week in nth[weekday]:
                    nth[weekday][week] = nth[weekday][week] + slots
            elif weeks is None:
                base[weekday], nth[weekday] = list(slots), {}
            for week in weeks or ():
                nth[weekday][week] = (nth[weekday].get(week, base[weekday]) if rule.sep == "," else []) + slots
    for located in base + [slots for by_week in nth for slots in by_week.values()]:
        clash = find_overlap([s for s, _ in located])
        if clash:
            a, b = located[clash[0]][0], located[clash[1]][0]
            raise OsmHoursError(
                located[clash[1]][1],
                f"la plage {hhmm(b.start)}-{hhmm(b.end)} chevauche la plage {hhmm(a.start)}-{hhmm(a.end)}",
                "corrigez les heures ou réunissez les deux plages en une seule",
            )
    return build_schedule(
        {d: [s for s, _ in located] for d, located in enumerate(base)},
        {d: {w: [s for s, _ in located] for w, located in by_week.items()} for d, by_week in enumerate(nth) if by_week},
        **flags,
    )


def _flags(comment: str) -> dict:
    flags: dict = {}
    parts = comment.split(" ; ")
    for index, part in enumerate(parts):
        if _fold(part) in _APPOINTMENT_WORDS:
            flags["appointment_only"] = True
        elif _fold(part) in _TBC_WORDS:
            flags["to_be_confirmed"] = True
        else:
            rest = " ; ".join(parts[index:])
            label = re.match(r"remarque\s*:\s*", rest, re.I)
            flags["note"] = " ".join(rest[label.end() if label else 0 :].split()) or None
            break
    return flags


def _days(days: list[int]) -> str:
    """Canonical weekday selector: spans of three days or more, commas otherwise."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(
        f"{OSM_DAYS[r[0]]}-{OSM_DAYS[r[-1]]}" if len(r) >= 3 else ",".join(OSM_DAYS[d] for d in r) for r in runs
    )


def _hours(slots: tuple[Slot, ...], mode: str) -> str:
    return ",".join(f"{hhmm(s.start)}-{hhmm(s.end)}" for s in slots) + (f' "{_COMMENT_OF[mode]}"' if mode != WALK_IN else "")


def to_osm(schedule: Schedule) -> str:
    """The canonical OSM ``opening_hours`` string of a schedule (see the module docstring)."""
    rules: list[tuple[str, str]] = []  # (separator before, rule)
    first_mode = next((m for m in MODES if any(s.mode == m for day in schedule.days for s in day)), None)
    for mode in MODES:
        groups: dict[tuple[Slot, ...], list[int]] = {}
        for weekday, day in enumerate(schedule.days):
            slots = tuple(s for s in day if s.mode == mode)
            if slots:
                groups.setdefault(slots, []).append(weekday)
        for slots, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
            rules.append(("; " if mode == first_mode else ", ", f"{_days(days)} {_hours(slots, mode)}"))
    for exc in schedule.exceptions:
        selector = f"{OSM_DAYS[exc.weekday]}[{','.join(map(str, exc.weeks))}]"
        modes = [m for m in MODES if any(s.mode == m for s in exc.slots)]
        if not modes:
            rules.append(("; ", f"{selector} off"))
        for mode in modes:
            slots = tuple(s for s in exc.slots if s.mode == mode)
            rules.append(("; " if mode == modes[0] else ", ", f"{selector} {_hours(slots, mode)}"))
    text = "".join(sep + rule for sep, rule in rules)[2:]
    if schedule.note and '"' in schedule.note:
        raise ValueError("a note with a straight double quote cannot be written in an OSM comment")
    parts = ["sur rendez-vous"] * schedule.appointment_only + ["horaires à confirmer"] * schedule.to_be_confirmed
    parts += [f"remarque : {schedule.note}"] if schedule.note else []
    if not rules and parts == ["horaires à confirmer"]:
        return ""
    if parts:
        text += (" || " if rules else "") + '"' + " ; ".join(parts) + '"'
    return text


SCHEMA_DAYS = tuple(f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))


def to_schema_org(schedule: Schedule, start: dt.date, weeks: int = 8) -> list[dict]:
    """schema.org ``OpeningHoursSpecification`` objects for the walk-in slots.

    Regular specs group the weekdays sharing a slot (``dayOfWeek`` is a list). Each date of
    [start, start + weeks) whose walk-in slots differ from its weekday's (a monthly
    exception) gets dated specs, validFrom = validThrough = that date, which override the
    regular ones that day; a closed date gets opens = closes = "00:00". Phone and
    appointment slots, and all slots of an appointment-only place, are not walk-in hours
    and are left out. Hours "to be confirmed" are exported as they are.
    """
    regular = [() if schedule.appointment_only else tuple(s for s in day if s.mode == WALK_IN) for day in schedule.days]
    groups: dict[tuple[int, int], list[int]] = {}
    for weekday, slots in enumerate(regular):
        for s in slots:
            groups.setdefault((s.start, s.end), []).append(weekday)
    kind = "OpeningHoursSpecification"
    result = [
        {"@type": kind, "dayOfWeek": [SCHEMA_DAYS[d] for d in days], "opens": hhmm(a), "closes": hhmm(b)}
        for (a, b), days in sorted(groups.items(), key=lambda kv: (kv[1][0], kv[0]))
    ]
    changed = {exc.weekday for exc in schedule.exceptions}  # only these weekdays can differ from the regular week
    for offset in range(weeks * 7 if changed else 0):
        day = start + dt.timedelta(days=offset)
        if day.weekday() not in changed:
            continue
        slots = schedule.walk_in_on(day)
        if slots == regular[day.weekday()]:
            continue
        for a, b in [(s.start, s.end) for s in slots] or [(0, 0)]:
            result.append({
                "@type": kind, "dayOfWeek": SCHEMA_DAYS[day.weekday()], "opens": hhmm(a), "closes": hhmm(b),
                "validFrom": day.isoformat(), "validThrough": day.isoformat(),
            })
    return result
