"""Loading and validating ``data/``: member communes, service levels, reception points.

Each file kind has a schema; cross-file references (a point's level, its commune, the
communes it serves) are checked once every file has been read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import reference
from .cotation import Grid
from .cotation_schema import load_grid_file
from .errors import Location, Report, relative_name
from .schema import (
    INSEE_CODE,
    INVALID,
    POSTAL_CODE,
    SLUG,
    Email,
    Field,
    Integer,
    ListOf,
    Phone,
    PhoneNumber,
    Record,
    Schema,
    Text,
    Url,
    suggestion,
)
from .yamlsource import load_yaml_file

DATA_DIR = "data"
POINTS_DIR = "lieux"

COMMUNE_SCHEMA = Schema(
    "une commune",
    {
        "code_insee": Field(INSEE_CODE, required=True, doc="ajoutez « code_insee: » (5 caractères, entre guillemets)"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: » avec le nom officiel de la commune"),
        "code_postal": Field(POSTAL_CODE),
    },
)
COMMUNES_SCHEMA = Schema(
    "communes.yml",
    {"communes": Field(ListOf(COMMUNE_SCHEMA), required=True, doc="la liste des communes membres")},
)

LEVEL_SCHEMA = Schema(
    "un niveau de service",
    {
        "numero": Field(Integer(1, 9), required=True, doc="ajoutez « numero: » (1, 2 ou 3)"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », par exemple « Accueil et information générale »"),
        "description": Field(Text()),
        "engagements": Field(ListOf(Text()), doc="la liste des engagements des lieux de ce niveau"),
    },
)
LEVELS_SCHEMA = Schema(
    "niveaux.yml",
    {"niveaux": Field(ListOf(LEVEL_SCHEMA, min_items=1), required=True, doc="la liste des niveaux de service")},
)

POINT_SCHEMA = Schema(
    "un lieu d'accueil",
    {
        "nom": Field(Text(), required=True, doc="ajoutez « nom: » avec le nom du lieu tel que le public le cherche"),
        "organisation": Field(Text()),
        "niveau": Field(Integer(1, 9), required=True, doc="ajoutez « niveau: » (1, 2 ou 3)"),
        "adresse": Field(Text()),
        "complement_adresse": Field(Text()),
        "code_postal": Field(POSTAL_CODE),
        "commune": Field(Text()),
        "code_insee": Field(INSEE_CODE),
        "telephone": Field(ListOf(Phone(), allow_single=True)),
        "courriel": Field(Email()),
        "site_web": Field(Url()),
        "communes_desservies": Field(ListOf(INSEE_CODE, allow_single=True)),
        "remarques": Field(Text()),
    },
)

KNOWN_FILES = ("communes.yml", "niveaux.yml", "cotation.yml", f"{POINTS_DIR}/")


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postal_code: str | None = None


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str | None = None
    commitments: tuple[str, ...] = ()


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
    locs: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)
    served_locs: tuple[Location, ...] = field(default=(), compare=False, repr=False)


@dataclass
class SiteData:
    communes: dict[str, Commune] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)
    points: list[Point] = field(default_factory=list)
    grid: Grid | None = None


def load_data(root: Path, report: Report, siren: str | None = None) -> SiteData:
    """Read every file under ``data/``; errors go to ``report``. ``siren``: the EPCI the communes belong to."""
    data = SiteData()
    base = root / DATA_DIR
    if not base.is_dir():
        report.error(Location(DATA_DIR), "le dossier data/ est introuvable", "créez-le (voir « siad new »)")
        return data
    _check_unknown_files(root, base, report)
    communes_rec = _load(root, base / "communes.yml", COMMUNES_SCHEMA, report, required=True)
    levels_rec = _load(root, base / "niveaux.yml", LEVELS_SCHEMA, report, required=True)
    if communes_rec:
        data.communes = _communes(communes_rec, report, siren)
    if levels_rec:
        data.levels = _levels(levels_rec, report)
    grid_path = base / "cotation.yml"
    if grid_path.is_file():
        data.grid = load_grid_file(grid_path, relative_name(grid_path, root), report)
    points_dir = base / POINTS_DIR
    if points_dir.is_dir():
        for path in sorted(points_dir.iterdir()):
            if path.name.startswith(".") or path.suffix not in (".yml", ".yaml"):
                continue
            if path.suffix == ".yaml":
                _wrong_extension(root, path, report)
                continue
            point = _point(root, path, report)
            if point is not None:
                data.points.append(point)
    _check_references(data, report)
    return data


def _load(root: Path, path: Path, schema: Schema, report: Report, required: bool) -> Record | None:
    rel = relative_name(path, root)
    if not path.is_file():
        if required:
            report.error(Location(rel), f"le fichier {rel} est introuvable", "créez-le (voir « siad new »)")
        return None
    node = load_yaml_file(path, rel, report)
    if node is None:
        return None
    record = schema.convert(node, report)
    return None if record is INVALID else record


def _communes(record: Record, report: Report, siren: str | None) -> dict[str, Commune]:
    """Member communes, each checked against the official list (and the EPCI, when its SIREN is known)."""
    communes: dict[str, Commune] = {}
    for item in record["communes"]:
        code = item["code_insee"]
        if code in communes:
            report.error(item.loc_of("code_insee"), f"la commune {code} est déjà dans la liste", "supprimez le doublon")
            continue
        if _check_official(item, report, siren):
            communes[code] = Commune(code, item["nom"], item.get("code_postal"))
    if siren and reference.epci(siren) and communes:
        missing = [c for c in reference.epci_members(siren) if c.insee not in communes]
        if missing:
            names = ", ".join(f"{c.name} ({c.insee})" for c in missing[:10]) + (" …" if len(missing) > 10 else "")
            report.warning(
                record.loc_of("communes"),
                f"{len(missing)} commune(s) membre(s) de l'EPCI {siren} manquent à la liste : {names}",
                "ajoutez-les ; « siad new --epci SIREN » produit la liste complète",
            )
    return communes


def _check_official(item: Record, report: Report, siren: str | None) -> bool:
    code, name = item["code_insee"], item["nom"]
    official = reference.commune(code)
    if official is None:
        former = reference.former_commune(code)
        if former:
            current = reference.commune(former[1])
            report.error(
                item.loc_of("code_insee"),
                f"{code} ({former[0]}) est une ancienne commune, rattachée à {current.name if current else former[1]}",
                f"utilisez le code de la commune actuelle : « {former[1]} »",
            )
        else:
            report.error(item.loc_of("code_insee"), f"le code INSEE {code} n'existe pas dans le Code officiel géographique", "vérifiez le code sur le site de l'INSEE")
        return False
    ok = True
    if name != official.name:
        report.error(item.loc_of("nom"), f"le nom « {name} » ne correspond pas au code INSEE {code}", f"le nom officiel est « {official.name} »")
        ok = False
    postal = item.get("code_postal")
    if postal and official.postal_codes and postal not in official.postal_codes:
        report.error(
            item.loc_of("code_postal"),
            f"le code postal {postal} n'est pas celui de {official.name}",
            "codes postaux de la commune : " + ", ".join(official.postal_codes),
        )
        ok = False
    if siren and reference.epci(siren) and official.epci != siren:
        report.error(
            item.loc_of("code_insee"),
            f"{official.name} ({code}) n'est pas membre de l'EPCI {siren} ({reference.epci(siren).name})",
            "retirez-la de la liste, ou vérifiez « siren: » dans siad.yml",
        )
        ok = False
    return ok


def _levels(record: Record, report: Report) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for item in record["niveaux"]:
        number = item["numero"]
        if number in levels:
            report.error(item.loc_of("numero"), f"le niveau {number} est défini deux fois", "chaque niveau a un numéro différent")
            continue
        levels[number] = Level(number, item["nom"], item.get("description"), tuple(item.get("engagements", ())))
    return dict(sorted(levels.items()))


def _point(root: Path, path: Path, report: Report) -> Point | None:
    rel = relative_name(path, root)
    slug = path.stem
    if not SLUG.fullmatch(slug):
        report.error(
            Location(rel),
            f"le nom de fichier « {path.name} » ne convient pas pour une adresse de page",
            "renommez-le en lettres minuscules sans accents, chiffres et tirets, par exemple « mairie-de-vichy.yml »",
        )
        return None
    record = _load(root, path, POINT_SCHEMA, report, required=True)
    if record is None:
        return None
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
        locs={key: record.loc_of(key) for key in ("niveau", "code_insee", "commune")},
        served_locs=tuple(getattr(record.get("communes_desservies"), "locs", ())),
    )


def _check_unknown_files(root: Path, base: Path, report: Report) -> None:
    known_files = {"communes", "niveaux", "cotation"}
    for path in sorted(base.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            if path.name != POINTS_DIR:
                hint = suggestion(path.name, [POINTS_DIR]) or f"les dossiers reconnus sont : {POINTS_DIR}/"
                report.error(Location(relative_name(path, root)), f"dossier de données inconnu « {path.name}/ »", hint)
            continue
        if path.suffix == ".yaml" and path.stem in known_files:
            _wrong_extension(root, path, report)
        elif path.suffix in (".yml", ".yaml") and path.stem not in known_files:
            hint = suggestion(path.stem, sorted(known_files))
            hint = (hint or "") + (" " if hint else "") + "fichiers reconnus : " + ", ".join(KNOWN_FILES)
            report.error(Location(relative_name(path, root)), f"fichier de données inconnu « {path.name} »", hint)


def _wrong_extension(root: Path, path: Path, report: Report) -> None:
    report.error(
        Location(relative_name(path, root)),
        f"extension « .yaml » non reconnue pour « {path.name} »",
        f"renommez le fichier en « {path.stem}.yml »",
    )


def _check_references(data: SiteData, report: Report) -> None:
    """Every level, commune and served commune a point names must exist."""
    levels = sorted(data.levels)
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
