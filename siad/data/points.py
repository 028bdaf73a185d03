"""Reception points: one file per point in ``data/lieux/``; the file name is the page's URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Location, Report, relative_name
import datetime as dt

from ..hours import OpeningHours, Schedule
from ..schema import INSEE_CODE, POSTAL_CODE, SLUG, Boolean, Choice, Date, Email, Field, Integer, ListOf, Phone, PhoneNumber, Schema, Text, Url
from .files import load_record

if TYPE_CHECKING:
    from . import SiteData

POINTS_DIR = "lieux"

# How a place receives the public (data·inclusion's « modes_accueil », made precise for a SIAD).
ACCESS_MODES = ("sans_rendez_vous", "sur_rendez_vous", "telephone")
ACCESS_MODE_LABELS = {
    "sans_rendez_vous": "Accueil sans rendez-vous",
    "sur_rendez_vous": "Accueil sur rendez-vous",
    "telephone": "Accueil par téléphone",
}

ACCESSIBILITY_SCHEMA = Schema(
    "le bloc « accessibilite »",
    {
        "plain_pied": Field(Boolean(), doc="oui si l'entrée est accessible sans marche (plain-pied ou rampe)"),
        "acceslibre": Field(Url(), doc="la fiche du lieu sur acceslibre.beta.gouv.fr"),
        "remarque": Field(Text(), help="une précision (ascenseur, place réservée…)"),
    },
)

# « mises_a_jour: » of a point: the date each part of its record last changed on the site.
UPDATE_SECTIONS = ("fiche", "horaires", "coordonnees", "adresse", "secteur", "accessibilite")
UPDATES_SCHEMA = Schema(
    "le bloc « mises_a_jour »",
    {
        "fiche": Field(Date(), help="la fiche en général (nom, remarques…)"),
        "horaires": Field(Date(), help="les horaires"),
        "coordonnees": Field(Date(), help="téléphone, courriel, site web"),
        "adresse": Field(Date(), help="l'adresse"),
        "secteur": Field(Date(), help="les communes desservies"),
        "accessibilite": Field(Date(), help="l'accessibilité"),
    },
)

POINT_SCHEMA = Schema(
    "un lieu d'accueil",
    {
        "nom": Field(Text(), required=True, doc="ajoutez « nom: » avec le nom du lieu tel que le public le cherche"),
        "organisation": Field(Text(), help="l'organisme qui tient le lieu, s'il diffère du nom"),
        "niveau": Field(Integer(1, 9), required=True, doc="ajoutez « niveau: » (1, 2 ou 3)"),
        "adresse": Field(Text(), help="numéro et voie"),
        "complement_adresse": Field(Text(), help="bâtiment, étage, boîte postale…"),
        "code_postal": Field(POSTAL_CODE, help="5 chiffres entre guillemets"),
        "commune": Field(Text(), help="le nom officiel de la commune"),
        "code_insee": Field(INSEE_CODE, help="le code INSEE de la commune (data/communes.yml), entre guillemets"),
        "telephone": Field(ListOf(Phone(), allow_single=True), help="un numéro, ou une liste de numéros"),
        "courriel": Field(Email(), help="l'adresse électronique du lieu"),
        "site_web": Field(Url(), help="l'adresse du site, commençant par https://"),
        "communes_desservies": Field(ListOf(INSEE_CODE, allow_single=True), help="les codes INSEE des communes de son secteur"),
        "horaires": Field(OpeningHours(), help="les horaires d'ouverture (voir « Écrire les horaires » ci-dessous)"),
        "modes_accueil": Field(ListOf(Choice(ACCESS_MODES), allow_single=True), help="comment le lieu reçoit : sans_rendez_vous, sur_rendez_vous, telephone"),
        "accessibilite": Field(ACCESSIBILITY_SCHEMA, help="l'accessibilité physique du lieu"),
        "remarques": Field(Text(), help="une remarque courte et utile au public"),
        "verifie_le": Field(Date(), doc="la date de la dernière vérification de la fiche, par exemple 2024-02-29"),
        "mises_a_jour": Field(UPDATES_SCHEMA, help="la date où chaque partie de la fiche a changé sur le site (fiche, horaires, coordonnees, adresse, secteur, accessibilite), par exemple « horaires: 2026-11-23 » : page « Dernières mises à jour » et flux Atom"),
    },
)


@dataclass(frozen=True)
class Point:
    slug: str
    name: str
    level: int
    source: str
    organisation: str | None = None
    address: str | None = None
    address_extra: str | None = None
    postal_code: str | None = None
    commune: str | None = None
    insee: str | None = None
    phones: tuple[PhoneNumber, ...] = ()
    email: str | None = None
    website: str | None = None
    served_communes: tuple[str, ...] = ()
    notes: str | None = None
    hours: Schedule | None = None
    access_modes: tuple[str, ...] = ()
    step_free: bool | None = None
    acceslibre: str | None = None
    accessibility_note: str | None = None
    checked_on: dt.date | None = None
    updates: tuple[tuple[str, dt.date, Location], ...] = ()  # (section, date, where), UPDATE_SECTIONS order
    locs: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)
    served_locs: tuple[Location, ...] = field(default=(), compare=False, repr=False)


def point_from(root: Path, path: Path, report: Report) -> Point | None:
    rel = relative_name(path, root)
    slug = path.stem
    if not SLUG.fullmatch(slug):
        report.error(
            Location(rel),
            f"le nom de fichier « {path.name} » ne convient pas pour une adresse de page",
            "renommez-le en lettres minuscules sans accents, chiffres et tirets, par exemple « mairie-de-vichy.yml »",
        )
        return None
    record = load_record(root, path, POINT_SCHEMA, report, required=True)
    if record is None:
        return None
    access = record.get("accessibilite", {})
    return Point(
        slug=slug,
        name=record["nom"],
        level=record["niveau"],
        source=rel,
        organisation=record.get("organisation"),
        address=record.get("adresse"),
        address_extra=record.get("complement_adresse"),
        postal_code=record.get("code_postal"),
        commune=record.get("commune"),
        insee=record.get("code_insee"),
        phones=tuple(record.get("telephone", ())),
        email=record.get("courriel"),
        website=record.get("site_web"),
        served_communes=tuple(record.get("communes_desservies", ())),
        notes=record.get("remarques"),
        hours=record.get("horaires"),
        access_modes=tuple(record.get("modes_accueil", ())),
        step_free=access.get("plain_pied"),
        acceslibre=access.get("acceslibre"),
        accessibility_note=access.get("remarque"),
        checked_on=record.get("verifie_le"),
        updates=tuple((key, record["mises_a_jour"][key], record["mises_a_jour"].loc_of(key))
                      for key in UPDATE_SECTIONS if key in record.get("mises_a_jour", {})),
        locs={key: record.loc_of(key) for key in ("niveau", "code_insee", "commune", "horaires", "verifie_le", "nom")},
        served_locs=tuple(getattr(record.get("communes_desservies"), "locs", ())),
    )


def check_point_references(data: SiteData, report: Report) -> None:
    """Every level, commune and served commune a point names must exist; two points may not share a name."""
    levels = sorted(data.levels)
    by_name: dict[str, Point] = {}
    for point in sorted(data.points, key=lambda p: p.source):
        first = by_name.setdefault(point.name.casefold(), point)
        if first is not point:
            report.warning(
                point.locs["nom"],
                f"deux lieux d'accueil portent le même nom « {point.name} » (aussi dans {first.source})",
                "précisez le nom, par exemple avec la commune (« Maison France Services de … ») : sinon les listes de lieux montrent deux liens identiques",
            )
    for point in data.points:
        if data.levels and point.level not in data.levels:
            report.error(
                point.locs["niveau"],
                f"le niveau {point.level} n'existe pas dans data/niveaux.yml",
                "niveaux définis : " + ", ".join(str(n) for n in levels),
            )
        if not data.communes:
            continue
        if point.insee is not None:
            commune = data.communes.get(point.insee)
            if commune is None:
                report.error(
                    point.locs["code_insee"],
                    f"la commune {point.insee} n'est pas une commune du territoire (data/communes.yml)",
                    _commune_hint(point.commune, data),
                )
            elif point.commune is not None and point.commune != commune.name:
                report.error(
                    point.locs["commune"],
                    f"le nom « {point.commune} » ne correspond pas au code INSEE {point.insee}, qui est « {commune.name} »",
                    f"écrivez « commune: {commune.name} » ou corrigez le code INSEE",
                )
        for code, loc in zip(point.served_communes, point.served_locs):
            if code not in data.communes:
                report.error(
                    loc,
                    f"la commune desservie {code} n'est pas une commune du territoire (data/communes.yml)",
                    "vérifiez le code INSEE dans data/communes.yml",
                )


def _commune_hint(name: str | None, data: SiteData) -> str:
    if name:
        for commune in data.communes.values():
            if commune.name.lower() == name.lower():
                return f"le code INSEE de {commune.name} est « {commune.insee} »"
    return "vérifiez le code INSEE dans data/communes.yml"


def check_point_freshness(points: list[Point], report: Report, today: dt.date, max_months: int) -> None:
    """What staff must still confirm: hours to be confirmed (a gap), missing hours and records not checked for too long (warnings)."""
    for point in points:
        if point.hours is not None and point.hours.to_be_confirmed:
            report.gap(  # staff wrote « a_confirmer: oui »: an acknowledged gap, listed, never fatal
                point.locs["horaires"],
                f"les horaires de « {point.name} » sont à confirmer",
                "renseignez-les dès qu'ils sont connus, puis retirez « a_confirmer: oui »",
            )
        if point.hours is None:
            report.warning(
                point.locs["nom"],
                f"« {point.name} » n'a pas d'horaires",
                "ajoutez « horaires: », ou « horaires: {a_confirmer: oui} » s'ils ne sont pas connus",
            )
        if point.checked_on is None:
            continue
        age_months = (today.year - point.checked_on.year) * 12 + today.month - point.checked_on.month
        if age_months > max_months:
            report.warning(
                point.locs["verifie_le"],
                f"la fiche « {point.name} » n'a pas été vérifiée depuis le {point.checked_on.isoformat()} (plus de {max_months} mois)",
                "vérifiez ses informations auprès du lieu, puis mettez « verifie_le: » à la date du jour",
            )
