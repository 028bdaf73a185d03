"""``siad schema``: JSON Schemas of every data file, for completion and inline errors in editors.

The schemas are derived from the same declarations siad validates with, so they cannot drift
apart. They are a help while typing; siad's own validation stays the reference (it also
checks what JSON Schema cannot express: references between files, totals, overlaps…).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_SCHEMA
from .cotation_schema import GRID_SCHEMA
from .data.communes import COMMUNES_SCHEMA
from .data.documents import DOCUMENTS_SCHEMA
from .data.figures import BAILLEURS_SCHEMA, COMMUNES_FILE_SCHEMA, TABLES_SCHEMA
from .data.figures import TERRITORY_SCHEMA as TERRITORY_FIGURES_SCHEMA
from .data.levels import LEVELS_SCHEMA
from .data.points import POINT_SCHEMA
from .data.territory import TERRITORY_SCHEMA
from .schema import Schema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class FileKind:
    name: str  # output file: <name>.schema.json
    files: str  # which project files it describes (a glob, relative to the project)
    title: str
    schema: Schema


FILE_KINDS = (
    FileKind("siad", "siad.yml", "Configuration du site (siad.yml)", CONFIG_SCHEMA),
    FileKind("territoire", "data/territoire.yml", "Règles du territoire (data/territoire.yml)", TERRITORY_SCHEMA),
    FileKind("communes", "data/communes.yml", "Communes membres (data/communes.yml)", COMMUNES_SCHEMA),
    FileKind("niveaux", "data/niveaux.yml", "Niveaux de service (data/niveaux.yml)", LEVELS_SCHEMA),
    FileKind("lieu", "data/lieux/*.yml", "Lieu d'accueil (data/lieux/*.yml)", POINT_SCHEMA),
    FileKind("cotation", "data/cotation.yml", "Grille de cotation (data/cotation.yml)", GRID_SCHEMA),
    FileKind("pieces", "data/pieces.yml", "Pièces justificatives (data/pieces.yml)", DOCUMENTS_SCHEMA),
    FileKind("bailleurs", "data/bailleurs.yml", "Bailleurs et réservataires (data/bailleurs.yml)", BAILLEURS_SCHEMA),
    FileKind("chiffres-territoire", "data/chiffres/territoire.yml", "Chiffres du territoire (data/chiffres/territoire.yml)", TERRITORY_FIGURES_SCHEMA),
    FileKind("chiffres-communes", "data/chiffres/communes.yml", "Chiffres par commune (data/chiffres/communes.yml et communes.csv)", COMMUNES_FILE_SCHEMA),
    FileKind("chiffres-tableaux", "data/chiffres/tableaux.yml", "Tableaux de chiffres (data/chiffres/tableaux.yml)", TABLES_SCHEMA),
)


def json_schema(kind: FileKind) -> dict:
    return {"$schema": SCHEMA_DIALECT, "$id": f"{kind.name}.schema.json", "title": kind.title, **kind.schema.json_schema()}


def write_schemas(out: Path) -> list[Path]:
    """Write one ``<name>.schema.json`` per kind of file into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in FILE_KINDS:
        path = out / f"{kind.name}.schema.json"
        path.write_text(json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def vscode_settings(out: Path, project: Path) -> dict:
    """The ``yaml.schemas`` setting that maps each schema to its files (VS Code YAML extension)."""
    try:
        base = out.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        base = out.resolve().as_posix()
    return {"yaml.schemas": {f"{base}/{kind.name}.schema.json": kind.files for kind in FILE_KINDS}}
