"""Tabular figures: number kinds, staff spreadsheets exported as CSV, and figure tables.

**Figure sets.** Every group of figures names its ``source`` and ``millesime`` (vintage year).

**Numbers.** :class:`Count` (a whole number, never negative), :class:`Amount` (a non-negative
decimal) and :class:`Percent` accept what people type: a decimal comma (« 3,5 »), spaces between
thousands (« 1 332 »), a trailing « % ».

**CSV.** Each data row of a CSV file becomes a :class:`~siad.yamlsource.Mapping` whose keys are the
header's column names, and each cell a :class:`~siad.yamlsource.Scalar`; the same
:class:`~siad.schema.Schema` as for YAML then validates the row. Messages therefore read
``data/chiffres/communes.csv:12:4: …`` where **12 is the physical line of the file** (the header
is line 1) and **4 is the 1-based index of the field in its row** (the 4th field, whatever the
width of the fields before it — the column a spreadsheet would show as « D »).

Accepted format:

- UTF-8, with or without BOM (the BOM Excel writes);
- separator « ; », « , » or tabulation, detected on the header line;
- a header row of snake_case keys; unknown columns are errors with a « did you mean »;
- empty cells mean « not published »; rows whose cells are all empty are ignored;
- numbers with a decimal comma (« 3,5 ») or point, and spaces (ordinary, non-breaking or
  thin) between thousands (« 1 332 »). Whether a decimal is acceptable is the schema's business.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, Report, relative_name
from ..schema import INVALID, SLOW, Boolean, Date, Field, Integer, Kind, ListOf, Record, Schema, Text, suggestion
from ..yamlsource import Mapping, Node, Scalar, read_text

SEPARATORS = (";", "\t", ",")
_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
_INT = re.compile(rf"[+-]?(?:{_GROUPED}|\d+)")
_DECIMAL = re.compile(rf"[+-]?(?:{_GROUPED}|\d+)[.,]\d+")
MAX_FIGURE = 10**9  # no territory counts a billion dwellings; far larger numbers overflow the indicators' divisions


def _too_large(number: float, node: Node, report: Report) -> bool:
    """A figure beyond :data:`MAX_FIGURE` (or infinite) is a typing mistake: reported, True."""
    if number <= MAX_FIGURE:
        return False
    shown = fr(number) if len(str(number)) <= 30 else str(number)[:12] + "…"
    report.error(node.loc, f"nombre invraisemblable ({shown}) : plus d'un milliard", "vérifiez le nombre de chiffres, ou laissez la case vide si le chiffre n'est pas publié")
    return True


def parse_number(text: str) -> int | float | None:
    """« 1 332 » → 1332, « 3,5 » → 3.5, « -2 » → -2; anything else → None."""
    text = text.strip()
    if text.isascii() and text.isdigit():  # most cells: plain digits
        return int(text) if len(text) <= 4300 else None
    plain = re.sub(r"[ \u00a0\u202f]", "", text)
    if _INT.fullmatch(text):
        return int(plain) if len(plain) <= 4300 else None  # int() refuses longer numbers (and nothing counts that much)
    if _DECIMAL.fullmatch(text):
        return float(plain.replace(",", "."))
    return None


def _number(node: Node) -> int | float | None:
    """The number an unquoted scalar holds, read the French way when it is text."""
    if not isinstance(node, Scalar) or node.quoted or node.value is None or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return int(node.text) if node.text.lstrip("+-").isdigit() else node.value  # « 010 » is ten
    if isinstance(node.value, float):
        return node.value
    return parse_number(node.value) if isinstance(node.value, str) else None


def fr(value: float) -> str:
    """A number for messages: « 4 717 », « 3,5 » (narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


def _plain_count(text: str) -> Any:
    """Plain digits, below a billion (:data:`MAX_FIGURE`): the number, as :func:`_number` reads it; else SLOW."""
    return int(text) if len(text) <= 9 and text.isdigit() and text.isascii() else SLOW


class Count(Kind):
    """A count of dwellings, requests…: a whole number, never negative."""

    expected = "un effectif (nombre entier)"

    def quick(self, text: str) -> Any:
        return _plain_count(text)

    def convert(self, node: Node, report: Report) -> Any:
        number = _number(node)
        if not isinstance(number, int):
            return self.wrong_type(node, report, "écrivez un nombre entier sans guillemets, par exemple 1332 ou 1 332")
        if number < 0:
            report.error(node.loc, f"nombre négatif ({number}) : un effectif ne peut pas être négatif", "corrigez la valeur, ou laissez la case vide si le chiffre n'est pas publié")
            return INVALID
        return INVALID if _too_large(number, node, report) else number


class Amount(Kind):
    """A non-negative number that may have decimals (a delay in days)."""

    expected = "un nombre"

    def quick(self, text: str) -> Any:
        return _plain_count(text)

    def convert(self, node: Node, report: Report) -> Any:
        number = _number(node)
        if number is None:
            return self.wrong_type(node, report, "écrivez un nombre sans guillemets, par exemple 245 ou 245,5")
        if number < 0:
            report.error(node.loc, f"nombre négatif ({fr(number)}) : cette valeur ne peut pas être négative", "corrigez la valeur, ou laissez la case vide si le chiffre n'est pas publié")
            return INVALID
        return INVALID if _too_large(number, node, report) else number


@dataclass(frozen=True)
class Percentage:
    """A published percentage, with the number of decimals it was published with."""

    value: float
    decimals: int

    def __str__(self) -> str:
        return fr_percent(self) + "\u202f%"


def fr_percent(percent: Percentage) -> str:
    """The number as published: « 40,6 », « 1,0 », « 38 »."""
    return f"{percent.value:.{percent.decimals}f}".replace(".", ",")


class Percent(Kind):
    expected = "un pourcentage"

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Scalar) and not node.quoted and node.value is not None and not isinstance(node.value, bool):
            text = node.text.strip().removesuffix("%").strip()
            number = parse_number(text)
            if number is not None:
                if not 0 <= number <= 100:
                    report.error(node.loc, f"le pourcentage {fr(number)} n'est pas compris entre 0 et 100")
                    return INVALID
                decimals = len(re.split(r"[.,]", text)[1]) if re.search(r"[.,]", text) else 0
                return Percentage(float(number), decimals)
        return self.wrong_type(node, report, "écrivez le pourcentage sans guillemets, par exemple 40,6 ou 40.6")


def cell_node(text: str, loc: Location) -> Scalar:
    """A located scalar for one cell: a number when it reads as one, None when empty, else text."""
    stripped = text.strip()
    if not stripped:
        return Scalar(loc, None, "", False)
    number = parse_number(stripped)
    return Scalar(loc, stripped if number is None else number, stripped, False)


def detect_separator(header: str) -> str:
    """The separator of a CSV file, from its header line: the most frequent of « ; », tab, « , »."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # ties: « ; » first, as French Excel writes
    return best if counts[best] else ","


def read_csv_rows(root: Path, path: Path, schema: Schema, report: Report, quick: bool = False) -> list[Mapping | Record] | None:
    """The data rows of ``path`` as located mappings, with only the columns ``schema`` knows.

    The header is checked once: unknown, unnamed or repeated columns are reported on the header
    line and left out; a missing required column makes the file unusable (None). ``quick``: a row
    whose cells are all plainly right is given as its validated :class:`Record` instead.
    """
    rel = relative_name(path, root)
    text = read_text(path, rel, report)
    if text is None:
        return None
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        report.error(Location(rel, 1, 1), "le fichier CSV est vide", "sa première ligne doit nommer les colonnes, par exemple code_insee;parc_total")
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_separator(lines[first]))
    try:
        records = _records(reader)
    except csv.Error as exc:
        report.error(Location(rel, reader.line_num or 1), f"CSV illisible : {exc}", "vérifiez les guillemets : chaque « \" » ouvrant doit être fermé")
        return None
    if not records:  # only separators and quotes, e.g. « ;;; »
        report.error(Location(rel, first + 1, 1), "le fichier CSV n'a pas d'en-tête : sa première ligne n'a que des cases vides", "sa première ligne doit nommer les colonnes, par exemple code_insee;parc_total")
        return None
    header_line, header = records[0]
    columns = _header(rel, header_line, header, schema, report)
    if columns is None:
        return None
    rows = []
    for line, cells in records[1:]:
        if len(cells) != len(header):
            col = min(len(cells), len(header)) + 1
            report.error(
                Location(rel, line, col),
                f"cette ligne compte {len(cells)} champ(s), mais l'en-tête en compte {len(header)}",
                "vérifiez le séparateur ; une valeur qui contient le séparateur doit être entre guillemets",
            )
            continue
        record = _quick_record(schema, rel, line, cells, columns) if quick else None
        if record is not None:
            rows.append(record)
            continue
        row = Mapping(Location(rel, line, 1))
        for index, key in columns.items():
            loc = Location(rel, line, index + 1)
            row.entries[key] = (loc, cell_node(cells[index], loc))
        rows.append(row)
    return rows


def load_csv_records(root: Path, path: Path, schema: Schema, report: Report) -> list[Record] | None:
    """Validate each row of a CSV file with ``schema``; invalid rows are reported and left out."""
    rows = read_csv_rows(root, path, schema, report, quick=True)
    if rows is None:
        return None
    records = [row if type(row) is Record else schema.convert(row, report) for row in rows]
    return [record for record in records if record is not INVALID]


def _quick_record(schema: Schema, rel: str, line: int, cells: list[str], columns: dict[int, str]) -> Record | None:
    """The record ``schema.convert`` would make of a row whose every cell is plainly right
    (:meth:`~siad.schema.Kind.quick`), without a node per cell; None for any other row."""
    if type(schema) is not Schema:
        return None
    fields = schema.fields
    record = Record(Location(rel, line, 1))
    for index, key in columns.items():
        text = cells[index].strip()
        field = fields[key]
        if text:
            value = field.kind.quick(text)
            if value is SLOW:
                return None
            record[key] = value
        elif field.required:
            return None  # its message comes from the whole conversion
        record.locs[key] = Location(rel, line, index + 1)
    for key, field in fields.items():
        if field.required and key not in record.locs:
            return None
        if key not in record and field.default is not None:
            record[key] = field.default
    return record


def _records(reader) -> list[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted field may span several lines)."""
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    for cells in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if any(cell.strip() for cell in cells):
            records.append((start, cells))
    return records


def _header(rel: str, line: int, header: list[str], schema: Schema, report: Report) -> dict[int, str] | None:
    """Column index → key for the known columns; the others are reported and left out.

    Only a missing required column makes the whole file unusable (None).
    """
    columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    ok = True
    for index, raw in enumerate(header):
        key = raw.strip()
        loc = Location(rel, line, index + 1)
        if not key:
            report.error(loc, f"la colonne {index + 1} n'a pas de nom", "écrivez son nom dans la ligne d'en-tête, ou supprimez la colonne")
        elif key in seen:
            report.error(loc, f"la colonne « {key} » apparaît deux fois (première fois colonne {seen[key]})", "supprimez l'une des deux colonnes")
        elif key not in schema.fields:
            hint = suggestion(key, list(schema.fields)) or "colonnes possibles : " + ", ".join(schema.fields)
            report.error(loc, f"colonne inconnue « {key} »", hint)
        else:
            seen[key] = index + 1
            columns[index] = key
    for key, spec in schema.fields.items():
        if spec.required and key not in seen:
            report.error(Location(rel, line, 1), f"la colonne obligatoire « {key} » manque", spec.doc or None)
            ok = False
    return columns if ok else None


# Figure sets: every group of figures names its source and vintage.


@dataclass(frozen=True)
class FigureSet:
    """Where a group of figures comes from: publisher and dataset (``source``), year (``vintage``)."""

    source: str
    vintage: int
    date: dt.date | None = None
    exhaustive: bool = False
    loc: Location | None = field(default=None, compare=False)
    updated: dt.date | None = None  # « mis_a_jour_le »: when the site's figures were last changed
    updated_loc: Location | None = field(default=None, compare=False)


def set_fields(exhaustive: bool = False) -> dict[str, Field]:
    """The keys naming a figure set: ``source``, ``millesime`` (vintage year), ``date``."""
    fields = {
        "source": Field(Text(), required=True, doc="ajoutez « source: », par exemple « SDES, RPLS 2022 »", help="la source des chiffres (organisme, fichier), par exemple « SDES, RPLS 2022 »"),
        "millesime": Field(Integer(), required=True, doc="ajoutez « millesime: », l'année des chiffres, par exemple 2022", help="l'année des chiffres, par exemple 2022"),
        "date": Field(Date(), help="la date exacte des chiffres, si la source la donne"),
        "mis_a_jour_le": Field(Date(), help="la date où ces chiffres ont été mis à jour sur le site, par exemple 2026-11-23 (page « Dernières mises à jour » et flux Atom)"),
    }
    if exhaustive:
        fields["exhaustif"] = Field(Boolean(), help="oui si toute commune absente de la liste a 0")
    return fields


# Figure tables (``data/chiffres/tableaux.yml``): labelled rows with counts, any EPCI's tables fit.
TABLE_ROW_SCHEMA = Schema(
    "une ligne de tableau",
    {
        "libelle": Field(Text(), required=True, doc="ajoutez « libelle: », l'intitulé de la ligne"),
        "effectif": Field(Count(), required=True, doc="ajoutez « effectif: », le nombre de la ligne"),
        "pourcentage": Field(Percent(), help="le pourcentage publié par la source ; vérifié contre l'effectif"),
        "detail": Field(ListOf(Count()), doc="un effectif par colonne de « colonnes: »"),
        "bailleur": Field(Text(), doc="la clé du bailleur dans data/bailleurs.yml"),
    },
)
TABLE_FIELDS = {
    "titre": Field(Text(), required=True, doc="ajoutez « titre: »"),
    "colonnes": Field(ListOf(Text(), min_items=1), help="les intitulés des colonnes, si le tableau en a plusieurs"),
    "lignes": Field(ListOf(TABLE_ROW_SCHEMA, min_items=1), required=True, doc="ajoutez « lignes: »"),
    "total": Field(Count(), help="le total publié ; la somme des lignes doit l'égaler"),
    "totaux_colonnes": Field(ListOf(Count()), help="le total publié de chaque colonne"),
    "note": Field(Text(), help="une remarque sur le tableau (correction, champ couvert…)"),
}


@dataclass(frozen=True)
class TableRow:
    label: str
    count: int
    percent: Percentage | None = None
    detail: tuple[int, ...] = ()
    bailleur: str | None = None


@dataclass(frozen=True)
class FigureTable:
    """A published table. ``total`` is the stated total (None when the source states none);
    ``columns``/``detail``/``column_totals`` describe an optional breakdown of each row."""

    key: str
    title: str
    figure_set: FigureSet
    rows: tuple[TableRow, ...]
    scope: str | None = None
    columns: tuple[str, ...] = ()
    total: int | None = None
    column_totals: tuple[int, ...] = ()
    note: str | None = None

    @property
    def rows_sum(self) -> int:
        return sum(row.count for row in self.rows)


def table_from(rec: Record, figure_set: FigureSet, report: Report) -> FigureTable:
    """Build a table and check it against itself: row labels, row breakdowns, column totals, the
    total, and each published percentage (of the total, else of the rows' sum) — a percentage may
    differ from the exact share by less than one unit of its last digit (publishers round, and
    sometimes adjust roundings so that a column adds up to 100)."""
    columns = tuple(rec.get("colonnes", ()))
    rows, labels = [], {}
    for row in rec["lignes"]:
        if row["libelle"] in labels:
            report.error(row.loc_of("libelle"), f"la ligne « {row['libelle']} » apparaît deux fois dans ce tableau (première fois ligne {labels[row['libelle']]})", "fusionnez les deux lignes")
        labels[row["libelle"]] = row.loc_of("libelle").line
        detail = row.get("detail")
        if detail is not None and len(detail) != len(columns):
            report.error(row.loc_of("detail"), f"« detail » compte {len(detail)} valeur(s), mais le tableau a {len(columns)} colonne(s)", "donnez un effectif par colonne de « colonnes: », dans le même ordre")
        elif detail is not None and sum(detail) != row["effectif"]:
            report.error(row.loc_of("detail"), f"le détail totalise {fr(sum(detail))}, mais l'effectif de la ligne vaut {fr(row['effectif'])}", "corrigez l'une des cases de la ligne ou son effectif")
        rows.append(TableRow(row["libelle"], row["effectif"], row.get("pourcentage"), tuple(detail or ()), row.get("bailleur")))
    table = FigureTable(rec["cle"], rec["titre"], figure_set, tuple(rows), rec.get("champ"), columns, rec.get("total"), tuple(rec.get("totaux_colonnes", ())), rec.get("note"))
    if table.total is not None and table.rows_sum != table.total:
        report.error(rec.loc_of("total"), f"les lignes totalisent {fr(table.rows_sum)}, mais « total » vaut {fr(table.total)}", "corrigez la ligne fausse ou le total ; si la source elle-même ne s'additionne pas, ne donnez pas de total et expliquez-le en commentaire")
    _column_totals(rec, table, report)
    base = table.rows_sum if table.total is None else table.total
    for row in rec["lignes"]:
        percent = row.get("pourcentage")
        if percent is not None and base and abs(percent.value - 100 * row["effectif"] / base) >= 10**-percent.decimals - 1e-9:
            exact = f"{100 * row['effectif'] / base:.{percent.decimals + 1}f}".rstrip("0").rstrip(".").replace(".", ",")
            report.error(row.loc_of("pourcentage"), f"le pourcentage {fr_percent(percent)} % ne correspond pas à l'effectif : {fr(row['effectif'])} sur {fr(base)} font {exact} %", "corrigez l'effectif ou le pourcentage (un écart de moins d'une unité du dernier chiffre est admis)")
    return table


def _column_totals(rec: Record, table: FigureTable, report: Report) -> None:
    sums = rec.get("totaux_colonnes")
    if sums is None:
        return
    if len(sums) != len(table.columns) or {len(row.detail) for row in table.rows} != {len(table.columns)}:
        report.error(rec.loc_of("totaux_colonnes"), "« totaux_colonnes » demande « colonnes: » et un « detail » complet sur chaque ligne", "donnez un total par colonne, dans l'ordre de « colonnes: »")
        return
    for index, (column, stated) in enumerate(zip(table.columns, sums)):
        actual = sum(row.detail[index] for row in table.rows)
        if actual != stated:
            report.error(sums.locs[index], f"la colonne « {column} » totalise {fr(actual)}, mais son total vaut {fr(stated)}", "une case de cette colonne contredit son total : vérifiez-la avec le total de sa ligne")
    if table.total is not None and sum(sums) != table.total:
        report.error(rec.loc_of("totaux_colonnes"), f"les totaux des colonnes font {fr(sum(sums))}, mais « total » vaut {fr(table.total)}", "corrigez l'un des totaux")
