"""Views of opening hours for templates, and the « open now / opens at » computations."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from .hours import MODE_LABELS, WALK_IN, WEEKDAYS, MonthlyException, Schedule, Slot

@dataclass(frozen=True)
class SlotView:
    hours: str  # "13 h 30 – 17 h"
    mode: str
    mode_label: str | None  # None for walk-in
    text: str  # "9 h – 17 h (permanence téléphonique)"


@dataclass(frozen=True)
class DayRow:
    day: str  # "lundi"
    label: str  # "Lundi"
    slots: tuple[SlotView, ...]
    text: str  # "9 h – 12 h et 13 h 30 – 17 h" or "Fermé"
    exceptions: tuple[str, ...]  # "Le 1er et le 3e lundi du mois : 9 h – 12 h uniquement"

    @property
    def closed(self) -> bool:
        return not self.slots

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """``text`` cut into (time range, what follows it), so that a range never breaks across lines."""
        out = []
        for index, view in enumerate(self.slots):
            left = len(self.slots) - index - 1
            separator = ", " if left > 1 else " et " if left == 1 else ""
            out.append((view.hours, (f" ({view.mode_label})" if view.mode_label else "") + separator))
        return out


def french_time(minutes: int) -> str:
    return f"{minutes // 60} h" + (f" {minutes % 60:02d}" if minutes % 60 else "")


def slot_view(slot: Slot) -> SlotView:
    hours = f"{french_time(slot.start)} – {french_time(slot.end)}"
    label = None if slot.mode == WALK_IN else MODE_LABELS[slot.mode]
    return SlotView(hours, slot.mode, label, hours + (f" ({label})" if label else ""))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def exception_sentence(exc: MonthlyException) -> str:
    ranks = _and([f"le {w}{'er' if w == 1 else 'e'}" for w in exc.weeks])
    hours = _and([slot_view(s).text for s in exc.slots]) + " uniquement" if exc.slots else "fermé"
    return f"{ranks[0].upper()}{ranks[1:]} {WEEKDAYS[exc.weekday]} du mois : {hours}"


def week_table(schedule: Schedule) -> list[DayRow]:
    """One row per weekday, Monday first, ready for templates."""
    rows = []
    for index, name in enumerate(WEEKDAYS):
        views = tuple(slot_view(s) for s in schedule.days[index])
        text = _and([v.text for v in views]) if views else "Fermé"
        sentences = tuple(exception_sentence(e) for e in schedule.exceptions if e.weekday == index)
        rows.append(DayRow(name, name.capitalize(), views, text, sentences))
    return rows


def notices(schedule: Schedule) -> list[str]:
    """Schedule-wide French notices, to show above or instead of the table."""
    result = ["Accueil sur rendez-vous uniquement"] if schedule.appointment_only else []
    if schedule.to_be_confirmed:
        result.append("Horaires à confirmer" if schedule.has_hours else "Horaires pas encore connus")
    return result


def is_open(schedule: Schedule, when: dt.datetime) -> bool:
    """Whether a walk-in slot is under way at ``when`` (its wall-clock time is used)."""
    minute = when.hour * 60 + when.minute
    return any(s.start <= minute < s.end for s in schedule.walk_in_on(when.date()))


def next_opening(schedule: Schedule, when: dt.datetime, horizon_days: int = 400) -> dt.datetime | None:
    """The start of the first walk-in slot at or after ``when``, or None within the horizon."""
    for offset in range(horizon_days):
        day = when.date() + dt.timedelta(days=offset)
        for s in schedule.walk_in_on(day):
            candidate = dt.datetime.combine(day, dt.time(s.start // 60, s.start % 60), tzinfo=when.tzinfo)
            if candidate >= when:
                return candidate
    return None


def schedule_json(schedule: Schedule) -> str | None:
    """The schedule for the « open now » script (``site.js``), compact; None when there is nothing to compute.

    ``d``: 7 lists of [start, end, mode] in minutes, Monday first; ``x``: monthly exceptions as
    [weekday, [weeks], [[start, end, mode]…]]. The script follows :func:`is_open` and :func:`next_opening`."""
    if schedule.appointment_only or schedule.to_be_confirmed or not schedule.has_hours:
        return None
    slot = lambda s: [s.start, s.end, s.mode]
    data = {
        "d": [[slot(s) for s in day] for day in schedule.days],
        "x": [[e.weekday, list(e.weeks), [slot(s) for s in e.slots]] for e in schedule.exceptions],
    }
    return json.dumps(data, separators=(",", ":"))
