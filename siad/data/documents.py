"""Supporting documents of a social-housing request: ``data/pieces.yml``.

The file lists the mandatory pieces (identity, right of residence, reference tax income)
and, in groups (family situation, resources, current housing…), the complementary pieces
asked for each situation. Every ``cle`` of the file is unique: situation keys become
checklist ids in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Location, Report
from ..schema import IDENTIFIER, INVALID, Field, ListOf, Record, Schema, Text
from ..yamlsource import Node, Sequence
from .files import load_record

FILE_NAME = "pieces.yml"

KEY = IDENTIFIER  # shared with every file whose entries carry a « cle »


class NonEmptyList(ListOf):
    """A list that must hold at least one item, with a message that says what is missing."""

    def __init__(self, item: Any, what: str, hint: str):
        super().__init__(item)
        self.what = what
        self.hint = hint

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Sequence) and not node.items:
            report.error(node.loc, f"la liste {self.what} est vide", self.hint)
            return INVALID
        return super().convert(node, report)


SPECIAL_CASES = NonEmptyList(
    Text(),
    "« cas_particuliers »",
    "écrivez au moins un cas, précédé de « - », ou supprimez la ligne « cas_particuliers: »",
)

_PIECE_FIELDS = {
    "libelle": Field(Text(), required=True, doc="ajoutez « libelle: » avec le nom du document, en termes simples"),
    "precision": Field(Text(), doc="la formulation officielle, quand le libellé la simplifie"),
    "cas_particuliers": Field(SPECIAL_CASES, doc="les situations où le document demandé est différent"),
}

PIECE_SCHEMA = Schema("une pièce", _PIECE_FIELDS)

MANDATORY_PIECE_SCHEMA = Schema(
    "une pièce obligatoire",
    {"cle": Field(KEY, required=True, doc="ajoutez « cle: » avec un identifiant, par exemple identite"), **_PIECE_FIELDS},
)

SITUATION_SCHEMA = Schema(
    "une situation",
    {
        "cle": Field(KEY, required=True, doc="ajoutez « cle: » avec un identifiant, par exemple locataire"),
        "libelle": Field(Text(), required=True, doc="ajoutez « libelle: », par exemple « Vous êtes locataire »"),
        "precision": Field(Text(), doc="la formulation officielle de la situation, quand le libellé la simplifie"),
        "pieces": Field(
            NonEmptyList(PIECE_SCHEMA, "des pièces", "ajoutez au moins une pièce : « - libelle: … »"),
            required=True,
            doc="ajoutez « pieces: » avec la liste des documents demandés dans cette situation",
        ),
    },
)

GROUP_SCHEMA = Schema(
    "un groupe de pièces complémentaires",
    {
        "cle": Field(KEY, required=True, doc="ajoutez « cle: » avec un identifiant, par exemple logement_actuel"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », par exemple « Logement actuel »"),
        "introduction": Field(Text(), doc="une phrase qui explique ce que prouvent les pièces du groupe"),
        "pieces_communes": Field(
            NonEmptyList(PIECE_SCHEMA, "« pieces_communes »", "ajoutez au moins une pièce, ou supprimez la ligne « pieces_communes: »"),
            doc="les pièces demandées quelle que soit la situation",
        ),
        "situations": Field(
            NonEmptyList(SITUATION_SCHEMA, "des situations", "ajoutez au moins une situation : « - cle: … »"),
            required=True,
            doc="ajoutez « situations: » avec la liste des situations du groupe",
        ),
    },
)

DOCUMENTS_SCHEMA = Schema(
    FILE_NAME,
    {
        "source": Field(Text(), required=True, doc="ajoutez « source: » avec le document d'où vient la liste", help="le document d'où vient la liste"),
        "notes": Field(
            NonEmptyList(Text(), "« notes »", "écrivez au moins une note, ou supprimez la ligne « notes: »"),
            doc="des remarques générales, affichées avant la liste",
        ),
        "obligatoires": Field(
            NonEmptyList(MANDATORY_PIECE_SCHEMA, "des pièces obligatoires", "ajoutez au moins une pièce : « - cle: … »"),
            required=True,
            doc="ajoutez « obligatoires: » avec la liste des pièces obligatoires",
        ),
        "complementaires": Field(
            NonEmptyList(GROUP_SCHEMA, "des pièces complémentaires", "ajoutez au moins un groupe : « - cle: … »"),
            required=True,
            doc="ajoutez « complementaires: » avec les groupes de pièces complémentaires",
        ),
    },
)


@dataclass(frozen=True)
class Piece:
    """One supporting document; ``detail`` is the official wording when ``label`` simplifies it."""

    label: str
    detail: str | None = None
    special_cases: tuple[str, ...] = ()


@dataclass(frozen=True)
class MandatoryPiece:
    """A piece every applicant provides; ``key`` identifies it (checklist id)."""

    key: str
    label: str
    detail: str | None = None
    special_cases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Situation:
    """A situation the applicant may be in, with the pieces that prove it."""

    key: str
    label: str
    pieces: tuple[Piece, ...]
    detail: str | None = None


@dataclass(frozen=True)
class Group:
    """A group of complementary pieces: « Situation familiale », « Logement actuel »…"""

    key: str
    name: str
    situations: tuple[Situation, ...]
    introduction: str | None = None
    common_pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class Documents:
    """The whole list of supporting documents."""

    source: str
    mandatory: tuple[MandatoryPiece, ...]
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()

    def situation_keys(self) -> tuple[str, ...]:
        """Every situation key, in file order."""
        return tuple(s.key for g in self.groups for s in g.situations)

    def situation(self, key: str) -> Situation | None:
        for group in self.groups:
            for situation in group.situations:
                if situation.key == key:
                    return situation
        return None


def documents_from(record: Record, report: Report) -> Documents | None:
    """Build the documents list from the validated record; None if a key is used twice."""
    if not _check_unique_keys(record, report):
        return None
    mandatory = tuple(
        MandatoryPiece(item["cle"], item["libelle"], item.get("precision"), tuple(item.get("cas_particuliers", ())))
        for item in record["obligatoires"]
    )
    groups = tuple(
        Group(
            key=group["cle"],
            name=group["nom"],
            situations=tuple(
                Situation(s["cle"], s["libelle"], tuple(_piece(p) for p in s["pieces"]), s.get("precision"))
                for s in group["situations"]
            ),
            introduction=group.get("introduction"),
            common_pieces=tuple(_piece(p) for p in group.get("pieces_communes", ())),
        )
        for group in record["complementaires"]
    )
    return Documents(record["source"], mandatory, groups, tuple(record.get("notes", ())))


def load_documents(root: Path, base_dir: Path, report: Report) -> Documents | None:
    """Read ``base_dir / pieces.yml`` if present; None when absent or invalid (errors in ``report``)."""
    record = load_record(root, base_dir / FILE_NAME, DOCUMENTS_SCHEMA, report, required=False)
    return None if record is None else documents_from(record, report)


def _piece(item: Record) -> Piece:
    return Piece(item["libelle"], item.get("precision"), tuple(item.get("cas_particuliers", ())))


def _check_unique_keys(record: Record, report: Report) -> bool:
    """Every ``cle`` of the file (pieces, groups, situations) is used once; False if not."""
    seen: dict[str, tuple[str, Location]] = {}
    unique = True
    entries = [(item, "une pièce obligatoire") for item in record["obligatoires"]]
    for group in record["complementaires"]:
        entries.append((group, "un groupe"))
        entries.extend((situation, "une situation") for situation in group["situations"])
    for item, what in entries:
        key, loc = item["cle"], item.loc_of("cle")
        if key in seen:
            first_what, first = seen[key]
            report.error(
                loc,
                f"la clé « {key} » est déjà utilisée ligne {first.line} (par {first_what})",
                "chaque « cle » doit être unique dans tout le fichier, car elle sert d'identifiant sur le site : changez l'une des deux",
            )
            unique = False
        else:
            seen[key] = (what, loc)
    return unique
