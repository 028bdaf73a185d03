"""Open data files written with the site, under ``donnees/``, and the list the « Données ouvertes » page shows.

- ``lieux-accueil-structures.json`` and ``lieux-accueil-services.json``: the reception points in the
  data·inclusion schema (v1): one *structure* per point and one *service* (the SIAD reception) each,
  with the SIAD level as the extension field ``siad_niveau``;
- ``lieux-accueil.csv``: the same points, one row each, opening hours in OSM ``opening_hours`` syntax;
- ``communes.csv``: member communes with their social housing stock, its share and its source;
- ``cotation.json``: the scoring grid (families, criteria, points, priority, rules).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

from .data import Point, SiteData
from .errors import Report
from .figure_views import source_text
from .indicators import share
from .osm_hours import to_osm
from .record_cache import remember_each, remembered

OPEN_DATA_DIR = "donnees/"
SOURCE_ID = "siad"


@dataclass(frozen=True)
class OpenDataFile:
    name: str
    title: str
    description: str
    media: str  # « JSON », « CSV »
    content: bytes


def _date(point: Point, fallback: dt.date | None) -> str | None:
    known = [day for day in (point.checked_on, *(updated for _, updated, _ in point.updates)) if day is not None]
    day = max(known) if known else fallback  # data·inclusion's « date_maj »: the last check or change of the record
    return day.isoformat() if day else None


def _structure(point: Point, prefix: str, fallback: dt.date | None, hours: str | None) -> dict:
    record = {
        "source": SOURCE_ID,
        "id": f"{prefix}--{point.slug}",
        "nom": point.name,
        "date_maj": _date(point, fallback),
        "commune": point.commune,
        "code_postal": point.postal_code,
        "code_insee": point.insee,
        "adresse": point.address,
        "complement_adresse": point.address_extra,
        "telephone": point.phones[0].uri if point.phones else None,
        "courriel": point.email,
        "site_web": point.website,
        "horaires_accueil": hours,
        "accessibilite_lieu": point.acceslibre,
        "siad_niveau": point.level,
    }
    return {key: value for key, value in record.items() if value is not None}


def _service(point: Point, prefix: str, territory_code: str | None, fallback: dt.date | None, level_name: str | None, hours: str | None) -> dict:
    zone = list(point.served_communes) or ([territory_code] if territory_code else None)
    record = {
        "source": SOURCE_ID,
        "structure_id": f"{prefix}--{point.slug}",
        "id": f"{prefix}--{point.slug}--accueil-demandeurs",
        "nom": "Accueil des demandeurs de logement social" + (f" ({level_name.lower()})" if level_name else ""),
        "description": f"Lieu d'accueil de niveau {point.level} du service d'information et d'accueil des demandeurs de logement social (SIAD).",
        "date_maj": _date(point, fallback),
        "type": "information" if point.level == 1 else "accompagnement",
        "thematiques": ["logement-hebergement--louer-un-logement"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"] + (["a-distance"] if any(m == "telephone" for m in point.access_modes) else []),
        "zone_eligibilite": zone,
        "commune": point.commune,
        "code_postal": point.postal_code,
        "code_insee": point.insee,
        "adresse": point.address,
        "telephone": point.phones[0].uri if point.phones else None,
        "courriel": point.email,
        "horaires_accueil": hours,
        "siad_niveau": point.level,
    }
    return {key: value for key, value in record.items() if value is not None}


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


_FORMULA = re.compile(r"^[=@\t\r+\-]")
_SIGNED_NUMBER = re.compile(r"[+\-][\d\s.,]+")  # « +33 4 70 98 18 45 », « -5 »


def _cell(value) -> str | int | float:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection): text starting with
    « = », « @ », a tab, or « + » / « - » not followed by a digit, gets a leading apostrophe. Numbers
    and phone numbers (« +33 4 70… ») stay as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and _FORMULA.match(value) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv(header: list[str], rows: list[list], cells_safe: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows if cells_safe else [[_cell(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


POINTS_CSV_HEADER = ["id", "nom", "niveau", "organisation", "adresse", "complement_adresse", "code_postal", "commune", "code_insee",
                     "telephone", "courriel", "site_web", "horaires_osm", "communes_desservies"]


def _point_records(point: Point, prefix: str, siren: str | None, fallback: dt.date | None, level_name: str | None) -> tuple[str, str, list]:
    """A point's line in each of the three files: its structure and its service (JSON), its CSV row (safe cells)."""
    hours = to_osm(point.hours) if point.hours and point.hours.has_hours else None
    row = [point.slug, point.name, point.level, point.organisation, point.address, point.address_extra, point.postal_code,
           point.commune, point.insee, " ; ".join(ph.display for ph in point.phones) or None, point.email, point.website,
           hours, " ".join(point.served_communes) or None]
    return (json.dumps(_structure(point, prefix, fallback, hours), ensure_ascii=False),
            json.dumps(_service(point, prefix, siren, fallback, level_name, hours), ensure_ascii=False), [_cell(v) for v in row])


def _points_records(data: SiteData, points: list[Point], prefix: str, siren: str | None, fallback: dt.date | None) -> list[tuple[str, str, list]]:
    """Each point's lines, kept between builds like the point itself (:mod:`siad.record_cache`, keyed by
    what the point was read from): a rebuild makes again only the changed points' lines — and those
    of points read another way (no key) — the others' by forked workers when there are many."""
    levels = {n: level.name for n, level in data.levels.items()}
    arguments = [(prefix, siren, fallback, levels.get(point.level)) for point in points]
    kept = [i for i, point in enumerate(points) if point.source in data.point_keys]
    records: list = [None] * len(points)
    with remember_each("donnees-lieu", [((data.point_keys[points[i].source], arguments[i]), i) for i in kept],
                       lambda i, _report: _point_records(points[i], *arguments[i])) as batch:
        for i, (value, _) in zip(kept, batch.results()):
            records[i] = value
    for i, point in enumerate(points):
        if records[i] is None:
            records[i] = _point_records(point, *arguments[i])
    return records


def _lines(lines: list[str]) -> bytes:
    """A JSON array with one record per line: readable in a diff (a changed point is one changed
    line) and written by the C encoder (``indent`` falls back to the pure-Python one: 1 s for 10,000 points)."""
    if not lines:
        return b"[]\n"
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def _communes_csv(data: SiteData) -> bytes:
    """The communes' table: kept between builds while the communes and figures are the same records
    (35,000 rows in a national project: half a second a build)."""
    if data.communes_key is None:
        return _make_communes_csv(data)
    return remembered("donnees-communes", data.communes_key, Report(), lambda r: _make_communes_csv(data).decode("utf-8")).encode("utf-8")


def _make_communes_csv(data: SiteData) -> bytes:
    total = data.figures.stock_total()
    rows = []
    for commune in sorted(data.communes.values(), key=lambda c: c.insee):
        area = data.figures.communes.get(commune.insee)
        stock = data.figures.commune_stock(commune.insee)
        part = share(stock, total)
        rows.append([commune.insee, commune.name, commune.postal_code, stock, f"{part.value:.1f}" if part.value is not None else None,
                     area.get("qpv") if area else None, source_text(area.stock_set) if area and area.stock_set else None])
    return _csv(["code_insee", "nom", "code_postal", "logements_sociaux", "part_territoire_pourcent", "logements_qpv", "source"], rows)


def open_data_files(data: SiteData, siren: str | None, fallback: dt.date | None) -> list[OpenDataFile]:
    """The files, in a stable order; ``fallback``: the update date of points without ``verifie_le`` nor ``mises_a_jour`` (the source's date)."""
    points = sorted(data.points, key=lambda p: (p.level, p.slug))
    records = _points_records(data, points, siren or "siad", siren, fallback)
    files = [
        OpenDataFile("lieux-accueil-structures.json", "Lieux d'accueil (structures)", "Schéma data·inclusion v1, une structure par lieu ; champ supplémentaire « siad_niveau ».", "JSON",
                     _lines([r[0] for r in records])),
        OpenDataFile("lieux-accueil-services.json", "Lieux d'accueil (services)", "Schéma data·inclusion v1, le service d'accueil des demandeurs de chaque lieu.", "JSON",
                     _lines([r[1] for r in records])),
        OpenDataFile("lieux-accueil.csv", "Lieux d'accueil (tableur)", "Une ligne par lieu ; séparateur « ; » ; horaires au format OpenStreetMap.", "CSV",
                     _csv(POINTS_CSV_HEADER, [r[2] for r in records], cells_safe=True)),
    ]
    if data.communes:
        files.append(OpenDataFile("communes.csv", "Communes et logements sociaux", "Une ligne par commune membre : logements sociaux, part du territoire (calculée), dont QPV, source.", "CSV",
                                  _communes_csv(data)))
    if data.grid is not None:
        grid = data.grid
        families = [
            {"cle": f.key, "nom": f.name, "comptage": f.counting.describe(),
             "criteres": [{"cle": c.key, "libelle": c.label, "points": c.points, "prioritaire": c.priority, "manuel": c.manual} for c in f.criteria]}
            for f in grid.families
        ]
        files.append(OpenDataFile("cotation.json", "Grille de cotation", "Les familles de critères, les points (null : non publiés), les critères prioritaires et la source.", "JSON",
                                  _json({"source": grid.source, "familles": families})))
    return files
