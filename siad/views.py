"""Ready-made view objects for templates: everything a template shows, already computed and formatted."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from .data import Level, Point, SiteData
from .data.points import ACCESS_MODE_LABELS
from .french import of
from .vcard import has_contacts, vcard_name
from .hours_view import DayRow, notices, schedule_json, week_table


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None  # None: text only
    current: bool = False


@dataclass(frozen=True)
class Contact:
    """One way to reach someone, with its link when it has one."""

    label: str
    text: str
    href: str | None = None


@dataclass(frozen=True)
class LevelView:
    number: int
    name: str
    description: str | None
    commitments: tuple[str, ...]


@dataclass(frozen=True)
class PointSummary:
    name: str
    href: str
    place: str | None
    phone: Contact | None
    communes: str | None = ""  # INSEE codes it receives (its own and its sector's), « * » for every commune: the directory filter (None: no filter)

@dataclass(frozen=True)
class PointGroup:
    level: LevelView
    points: list[PointSummary]


@dataclass(frozen=True)
class PointView:
    name: str
    of_name: str  # « d'Evoléa », « de Vichy Habitat »
    organisation: str | None
    level: LevelView | None
    address_lines: list[str]
    contacts: list[Contact]
    served_communes: list[str]
    notes: str | None
    missing: list[str] = field(default_factory=list)
    hours: list[DayRow] = field(default_factory=list)
    hours_notices: list[str] = field(default_factory=list)
    hours_note: str | None = None
    access_modes: list[str] = field(default_factory=list)
    accessibility: list[Contact] = field(default_factory=list)
    checked_on: str | None = None
    hours_json: str | None = None  # for the « open now » script
    map_href: str | None = None  # the address on OpenStreetMap
    vcard_href: str | None = None


def level_view(level: Level) -> LevelView:
    return LevelView(level.number, level.name, level.description, level.commitments)


def unknown_level(number: int) -> LevelView:
    return LevelView(number, f"Niveau {number}", None, ())


def place_of(point: Point) -> str | None:
    if point.commune:
        return point.commune
    return None


def site_contacts(config) -> list[Contact]:
    """The ways to reach the service named in siad.yml « contact »."""
    contacts: list[Contact] = []
    c = config.contact
    if c:
        if c.address:
            contacts.append(Contact("Adresse", c.address))
        if c.phone:
            contacts.append(Contact("Téléphone", c.phone.display, f"tel:{c.phone.uri}"))
        if c.email:
            contacts.append(Contact("Courriel", c.email, f"mailto:{c.email}"))
        if c.website:
            contacts.append(Contact("Site web", c.website, c.website))
    return contacts


def phone_contacts(point: Point) -> list[Contact]:
    return [Contact("Téléphone", phone.display, f"tel:{phone.uri}") for phone in point.phones]


def point_view(point: Point, data: SiteData) -> PointView:
    lines = [line for line in (point.address_extra, point.address) if line]
    town = " ".join(part for part in (point.postal_code, point.commune) if part)
    if town:
        lines.append(town)
    contacts = phone_contacts(point)
    if point.email:
        contacts.append(Contact("Courriel", point.email, f"mailto:{point.email}"))
    if point.website:
        contacts.append(Contact("Site web", point.website, point.website))
    missing = [
        label
        for label, present in (("adresse", bool(lines)), ("téléphone", bool(point.phones)), ("courriel", bool(point.email)), ("site web", bool(point.website)))
        if not present
    ]
    served = [data.communes[c].name if c in data.communes else c for c in point.served_communes]
    accessibility = []
    if point.step_free is not None:
        accessibility.append(Contact("Entrée", "de plain-pied ou par une rampe" if point.step_free else "avec des marches"))
    if point.accessibility_note:
        accessibility.append(Contact("Précision", point.accessibility_note))
    if point.acceslibre:
        accessibility.append(Contact("Fiche acceslibre", "accessibilité détaillée du lieu", point.acceslibre))
    hours = point.hours
    level = data.levels.get(point.level)
    return PointView(
        name=point.name,
        of_name=of(point.name),
        organisation=point.organisation if point.organisation and point.organisation != point.name else None,
        level=level_view(level) if level else unknown_level(point.level),
        address_lines=lines,
        contacts=contacts,
        served_communes=served,
        notes=point.notes,
        missing=missing,
        hours=week_table(hours) if hours and hours.has_hours else [],
        hours_notices=notices(hours) if hours else ["Horaires non publiés"],
        hours_note=hours.note if hours else None,
        access_modes=[ACCESS_MODE_LABELS[m] for m in point.access_modes],
        accessibility=accessibility,
        checked_on=french_date(point.checked_on) if point.checked_on else None,
        map_href=f"https://www.openstreetmap.org/search?query={quote(f'{point.address}, {town}')}" if point.address and point.commune else None,
        vcard_href=vcard_name(point) if has_contacts(point) else None,
        hours_json=schedule_json(hours) if hours else None,
    )


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")


def french_date(day) -> str:
    """« 29 février 2024 »; the 1st of a month is « 1er »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


NOT_PUBLISHED = "non publié"


def _delay(value: int | None, unit: str, phrase: str = "{}") -> str:
    """« au plus tard 30 jours », or « non publié » when the source does not give the value."""
    if value is None:
        return NOT_PUBLISHED
    plural = unit if unit == "mois" or value == 1 else unit + "s"
    return phrase.format(f"{value} {plural}")


def delay_views(territory) -> list[Contact]:
    """The territory's delays as label/text pairs, ready for a definition list."""
    renewal = territory.renewal
    return [
        Contact("Enregistrement d'une demande déposée à un guichet", _delay(territory.registration_days, "jour", "au plus tard {}")),
        Contact("Rendez-vous après l'enregistrement, si vous le souhaitez", _delay(territory.reception_days, "jour", "dans les {}")),
        Contact("Délai anormalement long fixé par le préfet", _delay(territory.abnormal_delay_months, "mois")),
        Contact("Préavis de radiation, par courrier", _delay(renewal.notice_by_post_months, "mois", "au plus tard {} avant la date anniversaire")),
        Contact("Préavis de radiation, par courriel", _delay(renewal.notice_by_email_months, "mois", "{} avant la date anniversaire")),
        Contact("Radiation d'une demande non renouvelée", _delay(renewal.radiation_months, "mois", "{} après la date anniversaire")),
        Contact("Réactivation possible après la radiation", _delay(renewal.reactivation_months, "mois", "pendant {}")),
        Contact("Suppression d'une demande radiée", _delay(renewal.deletion_months, "mois", "{} après la radiation")),
    ]
