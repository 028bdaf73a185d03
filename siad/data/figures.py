"""Social-housing figures: ``data/chiffres/`` and ``data/bailleurs.yml`` (all optional).

- ``chiffres/territoire.yml``: ``sources:`` (``parc:`` and/or ``demande:``, each with ``source``,
  ``millesime``, optional ``date``) and ``chiffres:``, the figures of the whole territory;
- ``chiffres/communes.yml``: the sources of the per-commune figures (``exhaustif: oui`` says that a
  member commune left out has none: 0), and optionally rows under ``communes:``;
  ``chiffres/communes.csv``: rows exported from a spreadsheet (see :mod:`.tables`). A commune may
  be in both files (figures in the CSV, bailleurs in YAML), but each figure is given once;
- ``chiffres/tableaux.yml``: territory tables, labelled rows with counts (and published
  percentages, checked against the counts);
- ``bailleurs.yml``: bailleurs and réservataires.

Figures are never computed here; a figure not given is absent (None) and shown « non publié ».
Indicators (pressure, waiting time, shares) are computed by :mod:`siad.indicators`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import reference
from ..errors import Location, Report, relative_name
from ..schema import SLUG, Choice, Field, ListOf, Record, Schema, Text, Url, suggestion
from .communes import Commune
from .files import load_record
from .tables import TABLE_FIELDS, Amount, Count, FigureSet, FigureTable, TableRow, fr, load_csv_records, set_fields, table_from

__all__ = ["AreaFigures", "Bailleur", "BailleurStock", "FigureSet", "FigureTable", "Figures", "TableRow", "load_figures"]

CHIFFRES_DIR = "chiffres"
BAILLEURS_FILE = "bailleurs.yml"
FIGURE_FILES = ("territoire.yml", "communes.yml", "communes.csv", "tableaux.yml")
TYPOLOGIES = ("t1", "t2", "t3", "t4", "t5_plus")
TYPOLOGY_LABELS = {"t1": "T1", "t2": "T2", "t3": "T3", "t4": "T4", "t5_plus": "T5 et plus"}
STOCK_KEYS = ("parc_total", *TYPOLOGIES, "individuel", "collectif", "qpv")
DEMAND_KEYS = (
    "demandes", "demandes_tous_voeux", "attributions", "delai_attribution_jours",
    *(f"demandes_{t}" for t in TYPOLOGIES), *(f"attributions_{t}" for t in TYPOLOGIES),
)
GROUP_OF = {**{k: "parc" for k in STOCK_KEYS}, **{k: "demande" for k in DEMAND_KEYS}}
HEADLINES = {"parc": ("parc_total",), "demande": ("demandes", "attributions")}
SCOPES = {"parc": "parc_total", "demandes": "demandes", "demandes_tous_voeux": "demandes_tous_voeux", "attributions": "attributions"}
BAILLEUR_KINDS = ("bailleur", "reservataire")
MIN_YEAR, MAX_YEAR = 1950, 2100
_INSEE = re.compile(r"(\d{2}|2A|2B)\d{3}")


def _fold(text: str) -> str:
    """« Saint-Rémy » → « saint remy »: for comparing commune names as people type them."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return " ".join(re.split(r"[\s\-']+", plain)).strip()

AREA_HELP = {
    "parc_total": "le nombre de logements sociaux",
    **{t: f"les logements {TYPOLOGY_LABELS[t]}" for t in TYPOLOGIES},
    "individuel": "les logements individuels (maisons)",
    "collectif": "les logements collectifs (appartements)",
    "qpv": "les logements situés en quartier prioritaire de la ville (QPV)",
    "demandes": "les demandes en attente au 31 décembre de l'année N-1 (premier choix dans le territoire)",
    "demandes_tous_voeux": "les demandes en attente, tous choix confondus",
    "attributions": "les attributions de l'année N-1",
    "delai_attribution_jours": "le délai moyen d'attribution, en jours",
    **{f"demandes_{t}": f"les demandes en attente pour un {TYPOLOGY_LABELS[t]}" for t in TYPOLOGIES},
    **{f"attributions_{t}": f"les attributions de {TYPOLOGY_LABELS[t]} de l'année N-1" for t in TYPOLOGIES},
}
AREA_FIELDS = {
    key: Field(Amount() if key == "delai_attribution_jours" else Count(), help=AREA_HELP[key]) for key in STOCK_KEYS + DEMAND_KEYS
}
SOURCES_SCHEMA = Schema(
    "« sources: »",
    {
        "parc": Field(Schema("la source du parc", set_fields()), help="la source et le millésime des chiffres du parc"),
        "demande": Field(Schema("la source de la demande", set_fields()), help="la source et le millésime des chiffres de la demande"),
    },
)
TERRITORY_SCHEMA = Schema(
    "territoire.yml",
    {
        "sources": Field(SOURCES_SCHEMA, required=True, help="d'où viennent les chiffres, et de quelle année"),
        "chiffres": Field(Schema("les chiffres du territoire", AREA_FIELDS), required=True, help="les chiffres de tout le territoire"),
    },
)
PRESENCE_SCHEMA = Schema(
    "un bailleur de la commune",
    {"bailleur": Field(Text(), required=True, doc="la clé du bailleur dans data/bailleurs.yml"), "logements": Field(Count(), help="ses logements dans la commune"), "attributions": Field(Count(), help="ses attributions dans la commune")},
)
CSV_ROW_FIELDS = {
    "code_insee": Field(Text(), required=True, doc="le code INSEE de la commune, par exemple 03310"),
    "commune": Field(Text(), doc="le nom de la commune (facultatif, vérifié)"),
    **AREA_FIELDS,
}
CSV_ROW_SCHEMA = Schema("une ligne de communes.csv", CSV_ROW_FIELDS)
COMMUNE_ROW_SCHEMA = Schema(
    "une commune", {**CSV_ROW_FIELDS, "bailleurs": Field(ListOf(PRESENCE_SCHEMA), help="les bailleurs présents dans la commune")}
)
COMMUNE_SOURCES_SCHEMA = Schema(
    "« sources: »",
    {
        "parc": Field(Schema("la source du parc", set_fields(True)), help="la source et le millésime des chiffres du parc"),
        "demande": Field(Schema("la source de la demande", set_fields(True)), help="la source et le millésime des chiffres de la demande"),
    },
)
COMMUNES_FILE_SCHEMA = Schema(
    "chiffres/communes.yml",
    {"sources": Field(COMMUNE_SOURCES_SCHEMA, required=True, doc="la source et le millésime de chaque groupe de chiffres"), "communes": Field(ListOf(COMMUNE_ROW_SCHEMA), help="les chiffres par commune (ou dans communes.csv)")},
)
TABLE_SCHEMA = Schema(
    "un tableau",
    {
        "cle": Field(Text(SLUG.pattern, "en minuscules, chiffres et tirets : parc-bailleurs", "une clé valide"), required=True, doc="ajoutez « cle: », par exemple parc-bailleurs"),
        **TABLE_FIELDS,
        **set_fields(),
        "champ": Field(Choice(tuple(SCOPES)), doc="ce que le tableau couvre en entier ; son total est alors vérifié"),
    },
)
TABLES_SCHEMA = Schema("tableaux.yml", {"tableaux": Field(ListOf(TABLE_SCHEMA), required=True, help="les tableaux de chiffres du territoire")})
BAILLEUR_SCHEMA = Schema(
    "un bailleur",
    {
        "cle": Field(Text(SLUG.pattern, "en minuscules, chiffres et tirets : allier-habitat", "une clé valide"), required=True, doc="ajoutez « cle: »"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: »"),
        "nature": Field(Choice(BAILLEUR_KINDS), required=True, doc="ajoutez « nature: bailleur » ou « nature: reservataire »"),
        "site_web": Field(Url(), help="l'adresse du site, commençant par https://"),
        "logements": Field(Count(), doc="le nombre de logements sur le territoire"),
        **{k: Field(f.kind, help=f"{f.help or f.doc.split(', ', 1)[-1]} (si elle diffère de celle du fichier)") for k, f in set_fields().items()},
    },
)
BAILLEURS_SCHEMA = Schema(
    "bailleurs.yml",
    {
        **{k: Field(f.kind, help=f.help or f.doc.split(", ", 1)[-1]) for k, f in set_fields().items()},
        "bailleurs": Field(ListOf(BAILLEUR_SCHEMA), required=True, help="les bailleurs sociaux et les réservataires"),
    },
)


@dataclass(frozen=True)
class BailleurStock:
    bailleur: str
    stock: int | None = None
    attributions: int | None = None


@dataclass(frozen=True)
class AreaFigures:
    """Figures of a commune (``insee`` set) or of the whole territory; absent figures are None."""

    name: str | None
    insee: str | None
    values: dict[str, int | float] = field(default_factory=dict)
    stock_set: FigureSet | None = None
    demand_set: FigureSet | None = None
    bailleurs: tuple[BailleurStock, ...] = ()

    def get(self, key: str) -> int | float | None:
        return self.values.get(key)

    def figure_set(self, key: str) -> FigureSet | None:
        return self.stock_set if GROUP_OF[key] == "parc" else self.demand_set


@dataclass(frozen=True)
class Bailleur:
    key: str
    name: str
    kind: str
    website: str | None = None
    stock: int | None = None
    figure_set: FigureSet | None = None


@dataclass
class Figures:
    territory: AreaFigures | None = None
    communes: dict[str, AreaFigures] = field(default_factory=dict)
    tables: dict[str, FigureTable] = field(default_factory=dict)
    bailleurs: dict[str, Bailleur] = field(default_factory=dict)

    def commune_stock(self, insee: str) -> int | None:
        """A commune's social housing stock: its figure, 0 when absent from an exhaustive list, else None (not published)."""
        area = self.communes.get(insee)
        if area is not None and area.get("parc_total") is not None:
            return area.get("parc_total")
        return 0 if self._exhaustive else None

    def stock_total(self) -> int | None:
        """The territory's stock: its own figure, else the sum of an exhaustive commune list."""
        if self.territory and self.territory.get("parc_total") is not None:
            return self.territory.get("parc_total")
        return self._exhaustive_sum

    # Asked once per commune page: computed once (the figures do not change once loaded).
    @cached_property
    def _exhaustive(self) -> bool:
        return any(a.stock_set and a.stock_set.exhaustive for a in self.communes.values())

    @cached_property
    def _exhaustive_sum(self) -> int | None:
        stocks = [c for c in self.communes.values() if c.stock_set and c.stock_set.exhaustive]
        return sum(c.get("parc_total") or 0 for c in stocks) if stocks else None


def load_figures(
    root: Path, report: Report, communes: dict[str, Commune], today: dt.date | None, max_age_years: int = 3,
    accepted_old: tuple[int, str] | None = None,
) -> Figures:
    """Read ``data/chiffres/`` and ``data/bailleurs.yml``; ``communes``: the territory's members.

    A figure set is stale when ``today.year - millesime > max_age_years``: a warning (promoted by
    the caller under --strict), one per source and vintage, or a known gap when ``accepted_old``
    (vintage, reason, from siad.yml « chiffres_anciens ») names that vintage. A vintage before 1950
    or after ``today`` is an error. ``today=None`` skips both date checks (no clock is read here)."""
    return _Loader(root, report, communes, today, max_age_years, accepted_old).load()


class _Loader:
    def __init__(
        self, root: Path, report: Report, communes: dict[str, Commune], today: dt.date | None, max_age_years: int,
        accepted_old: tuple[int, str] | None = None,
    ):
        self.errors_at_start = len(report.errors)
        self.root, self.report, self.communes = root, report, communes
        self.today, self.max_age, self.accepted_old = today, max_age_years, accepted_old
        self.figures = Figures()
        self.territory: Record | None = None
        self.territory_sets: dict[str, FigureSet] = {}
        self.commune_records: dict[str, Record] = {}
        self.commune_sets: dict[str, FigureSet] = {}
        self.stale: dict[tuple[str, int], list[Location]] = {}
        # When data/communes.yml is itself in error, its members are unknown: no cascade of errors.
        self.members_unknown = not communes or any(d.location.path == "data/communes.yml" for d in report.errors)

    def load(self) -> Figures:
        self._load()
        for (source, year), locs in self.stale.items():  # one warning per source, not per table
            first, *others = sorted(locs)
            more = f" ; même millésime à {len(others)} autre(s) endroit(s) : " + ", ".join(map(str, others[:3])) + (" …" if len(others) > 3 else "") if others else ""
            if self.accepted_old and self.accepted_old[0] == year:
                self.report.gap(first, f"chiffres de {year} ({source}) : plus de {self.max_age} ans ; {self.accepted_old[1]}", "remplacez-les dès qu'une source plus récente est disponible, puis retirez « chiffres_anciens » de siad.yml" + more)
            else:
                self.report.warning(
                    first, f"chiffres de {year} ({source}) : plus de {self.max_age} ans",
                    "mettez-les à jour avec la dernière édition de la source ; si aucune n'est disponible, déclarez-le dans siad.yml avec « chiffres_anciens: » (millesime, raison)" + more,
                )
        return self.figures

    def _load(self) -> None:
        data = self.root / "data"
        bailleurs = load_record(self.root, data / BAILLEURS_FILE, BAILLEURS_SCHEMA, self.report, required=False)
        if bailleurs:
            self._bailleurs(bailleurs)
        base = data / CHIFFRES_DIR
        if not base.is_dir():
            return
        self._unknown_files(base)
        territory = load_record(self.root, base / "territoire.yml", TERRITORY_SCHEMA, self.report, required=False)
        if territory:
            self._territory(territory)
        self._communes(base)
        tables = load_record(self.root, base / "tableaux.yml", TABLES_SCHEMA, self.report, required=False)
        if tables:
            for table in tables["tableaux"]:
                self._table(table)

    # Figure sets: plausible vintage (error), stale vintage (warning).
    def figure_set(self, record: Record) -> FigureSet:
        year, loc = record["millesime"], record.loc_of("millesime")
        last = self.today.year if self.today else MAX_YEAR
        if not MIN_YEAR <= year <= last:
            future = last < year < 10000
            self.report.error(
                loc, f"le millésime {year} " + ("est dans le futur" if future else "n'est pas une année plausible"),
                "écrivez l'année des chiffres sur 4 chiffres, par exemple 2022",
            )
        elif self.today and self.today.year - year > self.max_age:
            self.stale.setdefault((record["source"], year), []).append(loc)
        return FigureSet(record["source"], year, record.get("date"), record.get("exhaustif", False), loc,
                         record.get("mis_a_jour_le"), record.loc_of("mis_a_jour_le") if "mis_a_jour_le" in record else None)

    def _sets(self, record: Record) -> dict[str, FigureSet]:
        return {group: self.figure_set(record[group]) for group in ("parc", "demande") if group in record}

    def _territory(self, record: Record) -> None:
        self.territory_sets = self._sets(record["sources"])
        values = self._sourced(record["chiffres"], self.territory_sets, "data/chiffres/territoire.yml")
        self._check_area(values)
        self.territory = values
        self.figures.territory = AreaFigures(None, None, dict(values), self.territory_sets.get("parc"), self.territory_sets.get("demande"))

    def _sourced(self, values: Record, sets: dict[str, FigureSet], where: str) -> Record:
        """The figures whose group has a declared source; the others are errors."""
        kept = Record(values.loc)
        for key, value in values.items():
            group = GROUP_OF.get(key)
            if group is not None and group not in sets:
                self.report.error(
                    values.loc_of(key), f"chiffre sans source : « {key} » fait partie des chiffres « {group} », dont la source n'est pas déclarée",
                    f"ajoutez dans {where} : « sources: » → « {group}: » avec « source: » et « millesime: »",
                )
                continue
            kept[key] = value
            kept.locs[key] = values.loc_of(key)
        return kept

    # Communes.
    def _communes(self, base: Path) -> None:
        yml, csv_path = base / "communes.yml", base / "communes.csv"
        if csv_path.is_file() and not yml.is_file():
            self.report.error(
                Location(relative_name(csv_path, self.root)), "les sources des chiffres de communes.csv ne sont pas déclarées",
                "créez data/chiffres/communes.yml avec « sources: » → « parc: » (source, millesime) et/ou « demande: »",
            )
            return
        meta = load_record(self.root, yml, COMMUNES_FILE_SCHEMA, self.report, required=False)
        if meta is None:
            return
        self.commune_sets = self._sets(meta["sources"])
        rows = list(meta.get("communes", []))
        if csv_path.is_file():
            rows += load_csv_records(self.root, csv_path, CSV_ROW_SCHEMA, self.report) or []
        seen: dict[tuple[str, str], Location] = {}
        for row in rows:
            code = self._member(row)
            if code is None:
                continue
            here = row.loc_of("code_insee")
            if (here.path, code) in seen:
                first = seen[(here.path, code)]
                self.report.error(here, f"la commune {code} ({self.communes[code].name}) apparaît deux fois (première fois ligne {first.line})", "gardez une seule ligne par commune")
                continue
            seen[(here.path, code)] = here
            self._merge(code, row)
        for code, record in self.commune_records.items():
            values = self._sourced(record, self.commune_sets, "data/chiffres/communes.yml")
            self._check_area(values)
            presence = tuple(BailleurStock(p["bailleur"], p.get("logements"), p.get("attributions")) for p in record.get("bailleurs", ()))
            values.pop("bailleurs", None)
            self.figures.communes[code] = self._area(code, values, presence)
        for group, figure_set in self.commune_sets.items():
            if figure_set.exhaustive:
                for code in self.communes:
                    area = self.figures.communes.get(code) or self._area(code, {}, ())
                    self.figures.communes[code] = self._area(code, {**{k: 0 for k in HEADLINES[group]}, **area.values}, area.bailleurs)
        self.figures.communes = dict(sorted(self.figures.communes.items()))
        self._check_sums()

    def _area(self, code: str, values: dict, presence: tuple) -> AreaFigures:
        sets = self.commune_sets
        return AreaFigures(self.communes[code].name, code, dict(values), sets.get("parc"), sets.get("demande"), presence)

    def _merge(self, code: str, row: Record) -> None:
        target = self.commune_records.setdefault(code, Record(row.loc))
        for key, value in row.items():
            if key in ("code_insee", "commune"):
                continue
            if key in target:
                self.report.error(row.loc_of(key), f"« {key} » est déjà donné pour {self.communes[code].name} ({target.loc_of(key)})", "gardez une seule des deux valeurs")
                continue
            target[key], target.locs[key] = value, row.loc_of(key)
        name = row.get("commune")
        if name is not None and _fold(name) != _fold(self.communes[code].name):
            self.report.error(row.loc_of("commune"), f"« {name} » ne correspond pas au code INSEE {code}", f"le code {code} est celui de {self.communes[code].name} : corrigez le nom ou le code")
        for item in row.get("bailleurs", ()):
            self._bailleur_ref(item["bailleur"], item.loc_of("bailleur"))
            for key, group in (("logements", "parc"), ("attributions", "demande")):
                if key in item and group not in self.commune_sets:
                    self.report.error(item.loc_of(key), f"chiffre sans source : « {key} » fait partie des chiffres « {group} », dont la source n'est pas déclarée", f"ajoutez dans data/chiffres/communes.yml : « sources: » → « {group}: »")

    def _member(self, row: Record) -> str | None:
        code, loc = row["code_insee"], row.loc_of("code_insee")
        if code in self.communes:
            return code
        if _INSEE.fullmatch(code):
            official = reference.commune(code)
            if official and self.members_unknown:
                return None  # reported through data/communes.yml
            label = f"{code} ({official.name})" if official else code
            self.report.error(loc, f"la commune {label} n'est pas membre du territoire", "seules les communes de data/communes.yml peuvent avoir des chiffres : vérifiez le code")
            return None
        if re.fullmatch(r"\d{4}", code) and "0" + code in self.communes:
            self.report.error(loc, f"« {code} » n'est pas un code INSEE de commune : il manque le zéro initial", f"écrivez « 0{code} » ({self.communes['0' + code].name}) ; dans le tableur, mettez la colonne au format Texte")
            return None
        by_name = {_fold(c.name): c for c in self.communes.values()}
        match = difflib.get_close_matches(_fold(code), list(by_name), n=1, cutoff=0.6)
        if match:
            commune = by_name[match[0]]
            hint = f"vouliez-vous dire {commune.name} ? écrivez son code INSEE : « {commune.insee} »"
        else:
            hint = "écrivez le code INSEE de la commune (5 caractères), tel qu'il figure dans data/communes.yml"
        self.report.error(loc, f"« {code} » n'est pas un code INSEE de commune", hint)
        return None

    def _commune_rows_invalid(self) -> bool:
        """With a commune figure already wrong, comparing sums would only repeat that error."""
        new = self.report.errors[self.errors_at_start :]
        return any(f"/{CHIFFRES_DIR}/communes." in "/" + d.location.path for d in new)

    def _check_sums(self) -> None:
        """The communes cannot add up to more than the territory (nor to less, if exhaustive)."""
        if self.territory is None or self.members_unknown or self._commune_rows_invalid():
            return
        for group, keys in HEADLINES.items():
            mine, theirs = self.territory_sets.get(group), self.commune_sets.get(group)
            if mine is None or theirs is None or mine.vintage != theirs.vintage:
                continue
            for key in keys:
                values = [a.get(key) for a in self.figures.communes.values() if a.get(key) is not None]
                total = self.territory.get(key)
                if total is None or not values:
                    continue
                if sum(values) > total or theirs.exhaustive and sum(values) != total:
                    self.report.error(
                        self.territory.loc_of(key), f"les communes totalisent {fr(sum(values))} pour « {key} », mais le territoire en compte {fr(total)}",
                        "vérifiez les chiffres par commune (data/chiffres/communes.*) ou ce total",
                    )

    def _check_area(self, rec: Record) -> None:
        self._parts(rec, "parc_total", TYPOLOGIES, "les typologies t1 à t5_plus")
        self._parts(rec, "parc_total", ("individuel", "collectif"), "individuel et collectif")
        self._parts(rec, "demandes", tuple(f"demandes_{t}" for t in TYPOLOGIES), "les demandes par typologie")
        self._parts(rec, "attributions", tuple(f"attributions_{t}" for t in TYPOLOGIES), "les attributions par typologie")
        self._parts(rec, "parc_total", ("qpv",), "les logements en QPV")
        self._parts(rec, "demandes_tous_voeux", ("demandes",), "les demandes dont le 1er vœu est ici")
        for key, label in (("logements", "parc_total"), ("attributions", "attributions")):
            given = [p[key] for p in rec.get("bailleurs", ()) if key in p]
            if label in rec and sum(given) > rec[label]:
                self.report.error(rec.loc_of("bailleurs"), f"les bailleurs de la commune totalisent {fr(sum(given))} {key}, plus que « {label} » ({fr(rec[label])})", "corrigez les chiffres des bailleurs ou le total")

    def _parts(self, rec: Record, total_key: str, parts: tuple[str, ...], label: str) -> None:
        given = [k for k in parts if k in rec]
        if total_key not in rec or not given:
            return
        part_sum, total = sum(rec[k] for k in given), rec[total_key]
        if len(given) == len(parts) > 1 and part_sum != total:
            self.report.error(rec.loc_of(total_key), f"{label} totalisent {fr(part_sum)}, mais « {total_key} » vaut {fr(total)}", f"la somme de {' + '.join(parts)} doit égaler {total_key} : corrigez l'une des valeurs")
        elif part_sum > total:
            where = rec.loc_of(given[0]) if len(given) == 1 else rec.loc_of(total_key)
            self.report.error(where, f"{label} ({fr(part_sum)}) dépassent « {total_key} » ({fr(total)})", f"une partie ne peut pas dépasser son total : corrigez {', '.join(given)} ou {total_key}")

    # Tables.
    def _table(self, rec: Record) -> None:
        if rec["cle"] in self.figures.tables:
            self.report.error(rec.loc_of("cle"), f"la clé de tableau « {rec['cle']} » est déjà utilisée", "donnez à chaque tableau une clé différente")
            return
        table = table_from(rec, self.figure_set(rec), self.report)
        for row in rec["lignes"]:
            if "bailleur" in row:
                self._bailleur_ref(row["bailleur"], row.loc_of("bailleur"))
        self._scope(rec, table, table.rows_sum if table.total is None else table.total)
        self.figures.tables[table.key] = table

    def _scope(self, rec: Record, table: FigureTable, total: int) -> None:
        if table.scope is None or self.territory is None:
            return
        key = SCOPES[table.scope]
        figure_set = self.territory_sets.get(GROUP_OF[key])
        expected = self.territory.get(key)
        if expected is not None and figure_set and figure_set.vintage == table.figure_set.vintage and expected != total:
            self.report.error(rec.loc_of("champ"), f"ce tableau couvre « {table.scope} » mais totalise {fr(total)}, alors que « {key} » vaut {fr(expected)} ({self.territory.loc_of(key)})", "corrigez le tableau, ou retirez « champ: » s'il ne couvre pas tout")
        if table.scope == "parc":
            for row, source in zip(table.rows, rec["lignes"]):
                bailleur = self.figures.bailleurs.get(row.bailleur or "")
                if bailleur and bailleur.stock is not None and bailleur.figure_set and bailleur.figure_set.vintage == table.figure_set.vintage and bailleur.stock != row.count:
                    self.report.error(source.loc_of("effectif"), f"{fr(row.count)} logements ici, mais {fr(bailleur.stock)} pour {bailleur.name} dans data/bailleurs.yml", "les deux chiffres viennent du même millésime : corrigez l'un des deux")

    # Bailleurs.
    def _bailleurs(self, rec: Record) -> None:
        default = self.figure_set(rec) if "source" in rec and "millesime" in rec else None
        for item in rec["bailleurs"]:
            key = item["cle"]
            if key in self.figures.bailleurs:
                self.report.error(item.loc_of("cle"), f"le bailleur « {key} » est déjà déclaré", "gardez une seule entrée par bailleur")
                continue
            own = self.figure_set(item) if "source" in item and "millesime" in item else None
            if own is None and ("source" in item or "millesime" in item):
                self.report.error(item.loc, "« source: » et « millesime: » vont ensemble", "donnez les deux, ou aucun pour reprendre ceux du haut du fichier")
            figure_set = own or default
            if "logements" in item and figure_set is None:
                self.report.error(item.loc_of("logements"), "chiffre sans source : « logements » n'a ni « source: » ni « millesime: »", "ajoutez-les en haut de data/bailleurs.yml ou dans cette entrée")
            self.figures.bailleurs[key] = Bailleur(key, item["nom"], item["nature"], item.get("site_web"), item.get("logements"), figure_set)

    def _bailleur_ref(self, key: str, loc: Location) -> None:
        if key not in self.figures.bailleurs:
            hint = suggestion(key, list(self.figures.bailleurs)) or "déclarez-le dans data/bailleurs.yml (clés connues : " + (", ".join(self.figures.bailleurs) or "aucune") + ")"
            self.report.error(loc, f"bailleur inconnu « {key} »", hint)

    def _unknown_files(self, base: Path) -> None:
        for path in sorted(base.iterdir()):
            if path.name.startswith(".") or path.name in FIGURE_FILES:
                continue
            hint = suggestion(path.name, list(FIGURE_FILES))
            hint = (hint + " " if hint else "") + "fichiers reconnus : " + ", ".join(FIGURE_FILES)
            self.report.error(Location(relative_name(path, self.root)), f"fichier de chiffres inconnu « {path.name} »", hint)
