"""Service levels of the SIAD: ``data/niveaux.yml``."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Report
from ..schema import Field, Integer, ListOf, Record, Schema, Text

LEVEL_SCHEMA = Schema(
    "un niveau de service",
    {
        "numero": Field(Integer(1, 9), required=True, doc="ajoutez « numero: » (1, 2 ou 3)"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », par exemple « Accueil et information générale »"),
        "description": Field(Text(), help="une ou deux phrases qui expliquent ce niveau au public"),
        "engagements": Field(ListOf(Text()), doc="la liste des engagements des lieux de ce niveau"),
    },
)

LEVELS_SCHEMA = Schema(
    "niveaux.yml",
    {"niveaux": Field(ListOf(LEVEL_SCHEMA, min_items=1), required=True, doc="la liste des niveaux de service")},
)


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    description: str | None = None
    commitments: tuple[str, ...] = ()


def levels_from(record: Record, report: Report) -> dict[int, Level]:
    levels: dict[int, Level] = {}
    for item in record["niveaux"]:
        number = item["numero"]
        if number in levels:
            report.error(item.loc_of("numero"), f"le niveau {number} est défini deux fois", "chaque niveau a un numéro différent")
            continue
        levels[number] = Level(number, item["nom"], item.get("description"), tuple(item.get("engagements", ())))
    return dict(sorted(levels.items()))
