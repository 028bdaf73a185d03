"""Loading and validating ``data/``: one module per kind of file, cross-references checked at the end.

``load_data`` reads every file, collects every problem in the report, and returns what was valid.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..cotation import Grid
from ..cotation_schema import load_grid_file
from ..digests import file_sha256_or_none
from ..errors import Location, Report, relative_name
from ..schema import suggestion
from .communes import COMMUNES_SCHEMA, Commune, communes_from
from .documents import Documents, load_documents
from ..record_cache import remember_each, remembered
from .figures import BAILLEURS_FILE, CHIFFRES_DIR, Figures, load_figures
from .files import load_record
from .levels import LEVELS_SCHEMA, Level, levels_from
from .territory import TERRITORY_SCHEMA, Territory, territory_from
from .points import POINTS_DIR, Point, check_point_freshness, check_point_references, point_from

DATA_DIR = "data"
SINGLE_FILES = ("territoire", "communes", "niveaux", "cotation", "pieces", "bailleurs")
DATA_DIRS = (POINTS_DIR, CHIFFRES_DIR)
KNOWN_FILES = tuple(f"{name}.yml" for name in SINGLE_FILES) + tuple(f"{name}/" for name in DATA_DIRS)

__all__ = ["DATA_DIR", "Commune", "Documents", "Level", "Point", "SiteData", "load_data"]


@dataclass
class SiteData:
    communes: dict[str, Commune] = field(default_factory=dict)
    levels: dict[int, Level] = field(default_factory=dict)
    points: list[Point] = field(default_factory=list)
    grid: Grid | None = None
    territory: Territory | None = None
    documents: Documents | None = None
    figures: Figures = field(default_factory=Figures)
    point_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # point's source → (file name, SHA-256 of what was read)
    communes_key: object = None  # what the communes and figures were loaded from, for what is made of them (None: not loaded)


@dataclass(frozen=True)
class Freshness:
    """When data counts as stale: ``today`` is the build's date (SOURCE_DATE_EPOCH when set)."""

    today: dt.date
    max_check_months: int = 12
    max_figure_years: int = 3
    accepted_old_figures: tuple[int, str] | None = None  # (vintage, reason): listed as a known gap


def load_data(root: Path, report: Report, siren: str | None = None, freshness: Freshness | None = None,
              jobs: int | None = None) -> SiteData:
    """Read every file under ``data/``; errors go to ``report``. ``siren``: the EPCI the communes belong to;
    ``jobs``: processes that may read the reception points (default: one per available core)."""
    data = SiteData()
    base = root / DATA_DIR
    if not base.is_dir():
        report.error(Location(DATA_DIR), "le dossier data/ est introuvable", "créez-le (voir « siad new »)")
        return data
    _check_unknown_files(root, base, report)
    # the reception points (10,000 files in a national project) are read by other processes while
    # this one reads the rest; their messages come in the same place and order as if read here
    point_files = _point_files(base / POINTS_DIR)
    keys = [(path.name, file_sha256_or_none(path)) for path in point_files if path.suffix == ".yml"]
    points = remember_each("lieu", list(zip(keys, [path for path in point_files if path.suffix == ".yml"])),
                           lambda path, r: point_from(root, path, r), jobs or 0)
    with points:
        _load_files(root, base, report, siren, freshness, data)
        loaded = zip(keys, points.results())
    for path in point_files:
        if path.suffix == ".yaml":
            _wrong_extension(root, path, report)
            continue
        key, (point, messages) = next(loaded)
        report.diagnostics.extend(messages)
        if point is not None:
            data.points.append(point)
            if key[1] is not None:
                data.point_keys[point.source] = key
    check_point_references(data, report)
    if freshness is not None:
        check_point_freshness(data.points, report, freshness.today, freshness.max_check_months)
    return data


def _load_files(root: Path, base: Path, report: Report, siren: str | None, freshness: Freshness | None, data: SiteData) -> None:
    """Every data file but the reception points, into ``data``."""
    # 35,000 communes in a national project, each checked against the official list: kept once validated
    communes_key = (file_sha256_or_none(base / "communes.yml"), siren)
    data.communes = remembered("communes", communes_key, report, lambda r: _communes(root, base, r, siren))
    levels = load_record(root, base / "niveaux.yml", LEVELS_SCHEMA, report, required=True)
    territory = load_record(root, base / "territoire.yml", TERRITORY_SCHEMA, report, required=False)
    if territory:
        data.territory = territory_from(territory)
    if levels:
        data.levels = levels_from(levels, report)
    data.documents = load_documents(root, base, report)
    today = freshness.today if freshness else None
    max_years, accepted = (freshness.max_figure_years, freshness.accepted_old_figures) if freshness else (3, None)
    communes_broken = any(d.location.path == "data/communes.yml" for d in report.errors)
    figures_key = (_digests(base, ["communes.yml", BAILLEURS_FILE], CHIFFRES_DIR), siren, communes_broken, today.year if today else None, max_years, accepted)
    data.figures = remembered("chiffres", figures_key, report, lambda r: load_figures(root, r, data.communes, today, max_years, accepted))
    data.communes_key = (communes_key, figures_key)  # what they were made from, as their own records are kept
    grid_path = base / "cotation.yml"
    if grid_path.is_file():
        data.grid = load_grid_file(grid_path, relative_name(grid_path, root), report)


def _communes(root: Path, base: Path, report: Report, siren: str | None) -> dict[str, Commune]:
    record = load_record(root, base / "communes.yml", COMMUNES_SCHEMA, report, required=True)
    return communes_from(record, report, siren) if record else {}


def _point_files(folder: Path) -> list[Path]:
    """The points' files, by name (sorting 10,000 names, not 10,000 paths: 0.1 s a build nationally)."""
    if not folder.is_dir():
        return []
    names = sorted(name for name in os.listdir(folder) if not name.startswith(".") and name.endswith((".yml", ".yaml")))
    return [folder / name for name in names]


def _digests(base: Path, names: list[str], folder: str) -> list[tuple[str, str | None]]:
    """Name and SHA-256 of ``names`` under ``base`` and of every file of ``base/folder``: what a loader reads."""
    found = [(name, file_sha256_or_none(base / name)) for name in names]
    if (base / folder).is_dir():
        found += [(p.relative_to(base).as_posix(), file_sha256_or_none(p)) for p in sorted((base / folder).rglob("*")) if p.is_file() or p.is_symlink()]
    return found


def _check_unknown_files(root: Path, base: Path, report: Report) -> None:
    for path in sorted(base.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            if path.name not in DATA_DIRS:
                hint = suggestion(path.name, list(DATA_DIRS)) or "les dossiers reconnus sont : " + ", ".join(f"{d}/" for d in DATA_DIRS)
                report.error(Location(relative_name(path, root)), f"dossier de données inconnu « {path.name}/ »", hint)
            continue
        if path.suffix == ".yaml" and path.stem in SINGLE_FILES:
            _wrong_extension(root, path, report)
        elif path.suffix in (".yml", ".yaml") and path.stem not in SINGLE_FILES:
            hint = suggestion(path.stem, list(SINGLE_FILES))
            hint = (hint or "") + (" " if hint else "") + "fichiers reconnus : " + ", ".join(KNOWN_FILES)
            report.error(Location(relative_name(path, root)), f"fichier de données inconnu « {path.name} »", hint)


def _wrong_extension(root: Path, path: Path, report: Report) -> None:
    report.error(
        Location(relative_name(path, root)),
        f"extension « .yaml » non reconnue pour « {path.name} »",
        f"renommez le fichier en « {path.stem}.yml »",
    )
