"""The official lists shipped with siad: current communes (INSEE), EPCI (DGCL) and departments.

A compact extract of @etalab/decoupage-administratif (Licence Ouverte), regenerated with
``scripts/refresh_reference.py``. Read lazily, once per process.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SOURCE = "INSEE, Code officiel géographique, et DGCL, composition des EPCI, via @etalab/decoupage-administratif 6.0.0 (Licence Ouverte)"


@dataclass(frozen=True)
class OfficialCommune:
    insee: str
    name: str
    postal_codes: tuple[str, ...]
    epci: str | None


@dataclass(frozen=True)
class OfficialEpci:
    siren: str
    name: str
    kind: str


def _rows(name: str) -> list[list[str]]:
    with gzip.open(REFERENCE_DIR / name, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    return [line.split("\t") for line in lines[1:] if line]


@lru_cache(maxsize=1)
def _communes() -> tuple[dict[str, OfficialCommune], dict[str, tuple[str, str]]]:
    current: dict[str, OfficialCommune] = {}
    former: dict[str, tuple[str, str]] = {}  # old code -> (old name, current code)
    for code, name, postal, epci, now in _rows("communes.tsv.gz"):
        if code.endswith("*"):
            former[code[:-1]] = (name, now)
        else:
            current[code] = OfficialCommune(code, name, tuple(p for p in postal.split(",") if p), epci or None)
    return current, former


def commune(insee: str) -> OfficialCommune | None:
    return _communes()[0].get(insee)


def former_commune(insee: str) -> tuple[str, str] | None:
    """For a delegated or associated commune's code: (its name, the current commune's code)."""
    return _communes()[1].get(insee)


@lru_cache(maxsize=1)
def _epcis() -> dict[str, OfficialEpci]:
    return {siren: OfficialEpci(siren, name, kind) for siren, name, kind in _rows("epci.tsv.gz")}


def epci(siren: str) -> OfficialEpci | None:
    return _epcis().get(siren)


def epci_members(siren: str) -> list[OfficialCommune]:
    """The current member communes of an EPCI, by INSEE code."""
    return sorted((c for c in _communes()[0].values() if c.epci == siren), key=lambda c: c.insee)


@dataclass(frozen=True)
class Department:
    code: str  # « 03 », « 2A », « 974 »
    name: str
    of_name: str  # « de l'Allier », « du Nord », « des Landes », « de Paris »


# INSEE's TNCC (« typeLiaison »): how « de » joins the name.
_OF_BY_TNCC = {"0": "de ", "1": "d'", "2": "du ", "3": "de la ", "4": "des ", "5": "de l'", "6": "des ", "7": "de las ", "8": "de los "}
_DROPPED_ARTICLE = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def department_code(insee: str) -> str:
    """The department of a commune from its INSEE code: « 03 » for 03310, « 2A » for 2A004, « 974 » for 97411."""
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


@lru_cache(maxsize=1)
def _departments() -> dict[str, Department]:
    found = {}
    for code, name, tncc in _rows("departements.tsv.gz"):
        article = _DROPPED_ARTICLE.get(tncc)
        bare = name[len(article):] if article and name.startswith(article) else name
        found[code] = Department(code, name, _OF_BY_TNCC.get(tncc, "de ") + bare)
    return found


def department(code: str) -> Department:
    """A department by its code; one the extract does not know reads « Département 99 »."""
    return _departments().get(code) or Department(code, f"Département {code}", f"du département {code}")
