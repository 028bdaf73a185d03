"""Loading a scoring grid (« grille de cotation ») from YAML, with located French errors.

Shape (French ASCII keys, readable by non-developers)::

    source: "PPGDID de Vichy Communauté 2024-2029, partie 3.2"
    familles:
      - cle: motif
        nom: "Motif de la demande"
        nom_des_criteres: motifs      # optional, for explanations (default « critères »)
        comptage: {meilleurs: 2}      # or « un_seul » (the best one) or « tous » (all add up)
        criteres:
          - cle: logement_indigne
            libelle: "Logement indigne"
            points: 50                # empty (« points: ») when the source gives none
            prioritaire: oui          # starred in the source: priority under the CCH
            manuel: non               # set by the registration services
    regles:                           # every rule is optional
      anciennete: {points_par_mois: 1, plafond: }
      caleol_sans_proposition: {points: 10, plafond: }
      quartile_1: {coefficient: 1.1}
      refus_injustifies: {remise_a_zero_tous_les: 2}
      bonus_delai_anormalement_long: {points: 50, mois: 24}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .cotation import ALL, BEST, SINGLE, Counting, Criterion, Family, Grid, Rules
from .errors import Location, Report
from .schema import IDENTIFIER, INVALID, Boolean, Date, Field, Integer, Kind, ListOf, Record, Schema, Text, suggestion
from .yamlsource import Mapping, Node, Scalar, Sequence, load_yaml_file, parse_yaml

KEY = IDENTIFIER  # shared with every file whose entries carry a « cle »


class Count(Integer):
    """A whole number with a lower bound and a French message that says what the number is."""

    def __init__(self, minimum: int, what: str, hint: str):
        super().__init__()
        self.floor = minimum
        self.what = what
        self.hint = hint

    def convert(self, node: Node, report: Report) -> Any:
        value = super().convert(node, report)
        if value is not INVALID and value < self.floor:
            bound = "positif ou nul" if self.floor == 0 else f"au moins {self.floor}"
            report.error(node.loc, f"{self.what} doit être {bound}, pas {value}", self.hint)
            return INVALID
        return value


class Coefficient(Kind):
    """A decimal multiplier > 0 and at most :attr:`MAXIMUM`, read exactly from its text (« 1.1 » or « 1,1 »)."""

    expected = "un nombre décimal"
    MAXIMUM = 10  # 1.1 in the plans; far larger is a typo, and 1e40 would overflow the exact product

    def json_schema(self) -> dict:
        return {"anyOf": [{"type": "number", "exclusiveMinimum": 0, "maximum": self.MAXIMUM}, {"type": "string", "pattern": r"^\d+(,\d+)?$"}]}

    def convert(self, node: Node, report: Report) -> Any:
        hint = "écrivez le coefficient sans guillemets, par exemple 1.1 pour +10 %"
        if not isinstance(node, Scalar) or node.quoted or node.value is None or isinstance(node.value, bool):
            return self.wrong_type(node, report, hint)
        text = node.text.strip().replace(",", ".")
        if text.endswith("%"):
            report.error(node.loc, f"« {node.text} » : le coefficient s'écrit comme un multiplicateur", "110 % s'écrit 1.1")
            return INVALID
        try:
            value = Decimal(text)
        except InvalidOperation:
            return self.wrong_type(node, report, hint)
        if not value.is_finite():
            return self.wrong_type(node, report, hint)
        if value <= 0:
            report.error(
                node.loc,
                f"le coefficient doit être strictement supérieur à 0, pas {node.text}",
                "1.1 augmente le total de 10 % ; supprimez la règle si aucun coefficient ne s'applique",
            )
            return INVALID
        if value > self.MAXIMUM:
            report.error(
                node.loc,
                f"le coefficient {node.text} est trop grand : il multiplierait le total par plus de {self.MAXIMUM}",
                "1.1 augmente le total de 10 % : vérifiez la virgule et les zéros",
            )
            return INVALID
        return value


class CountingRule(Kind):
    """« tous », « un_seul » or « {meilleurs: N} »."""

    expected = "une règle de comptage"
    WORDS = {"tous": ALL, "un_seul": SINGLE}

    def json_schema(self) -> dict:
        return {"anyOf": [{"enum": list(self.WORDS)}, self.BEST_SCHEMA.json_schema()]}

    HINT = "écrivez « tous » (tout se cumule), « un_seul » (seul le meilleur compte) ou « {meilleurs: 2} »"
    BEST_SCHEMA = Schema(
        "la règle de comptage",
        {
            "meilleurs": Field(
                Count(1, "le nombre de critères retenus (« meilleurs »)", "écrivez 1 ou plus, par exemple « meilleurs: 2 »"),
                required=True,
                doc="écrivez par exemple « {meilleurs: 2} »",
            )
        },
    )

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Mapping):
            record = self.BEST_SCHEMA.convert(node, report)
            return INVALID if record is INVALID else Counting(BEST, record["meilleurs"])
        if isinstance(node, Scalar) and isinstance(node.value, str):
            word = node.value.strip()
            if word in self.WORDS:
                return Counting(self.WORDS[word])
            if word == "meilleurs":
                report.error(node.loc, "il manque le nombre de critères retenus", "écrivez « {meilleurs: 2} »")
                return INVALID
            hint = suggestion(word, [*self.WORDS, "meilleurs"]) or self.HINT
            report.error(node.loc, f"règle de comptage inconnue « {word} »", hint)
            return INVALID
        return self.wrong_type(node, report, self.HINT)


class Flag(Boolean):
    """« oui » / « non », with a hint."""

    def wrong_type(self, node: Node, report: Report, hint: str | None = None) -> Any:
        return super().wrong_type(node, report, hint or "écrivez « oui » ou « non », sans guillemets")


class CriteriaList(ListOf):
    """The criteria of a family: at least one."""

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Sequence) and not node.items:
            report.error(node.loc, "cette famille n'a aucun critère", "ajoutez au moins un critère, ou supprimez la famille")
            return INVALID
        return super().convert(node, report)


class FlowSchema(Schema):
    """A rule block; explains the comma trap of « {coefficient: 1,1} »."""

    def suggest(self, key: str) -> str:
        if key.strip().isdigit():
            return "entre accolades, la virgule sépare deux clés : écrivez le nombre avec un point, par exemple 1.1"
        return super().suggest(key)


POINTS = Count(
    0,
    "le nombre de points",
    "les points sont un nombre entier positif ou nul ; laissez « points: » vide si la source ne cote pas ce critère",
)


class CriterionSchema(Schema):
    """A criterion: « points » must be written, but may be left empty (not scored)."""

    def json_schema(self) -> dict:
        schema = super().json_schema()
        points = schema["properties"]["points"]
        schema["properties"]["points"] = {"anyOf": [points, {"type": "null"}], "description": "laissez vide si la source ne cote pas ce critère"}
        return schema

    def convert(self, node: Node, report: Report) -> Any:
        record = super().convert(node, report)
        if isinstance(node, Mapping) and "points" not in node.entries:
            report.error(
                node.loc,
                "la clé obligatoire « points » manque dans un critère",
                "écrivez « points: 30 », ou « points: » sans valeur si la source ne cote pas ce critère",
            )
            return INVALID
        return record


CRITERION_SCHEMA = CriterionSchema(
    "un critère",
    {
        "cle": Field(KEY, required=True, doc="ajoutez « cle: » avec un identifiant, par exemple sans_logement"),
        "libelle": Field(Text(), required=True, doc="ajoutez « libelle: » avec le texte affiché au public"),
        "points": Field(POINTS, help="les points du critère ; vide : la source ne le cote pas"),
        "prioritaire": Field(Flag(), help="oui pour une situation prioritaire au sens du CCH (critère étoilé)"),
        "manuel": Field(Flag(), help="oui si le critère est activé à la main par les services enregistreurs"),
    },
)

FAMILY_SCHEMA = Schema(
    "une famille de critères",
    {
        "cle": Field(KEY, required=True, doc="ajoutez « cle: » avec un identifiant, par exemple motif"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », par exemple « Motif de la demande »"),
        "nom_des_criteres": Field(Text(), help="le nom des critères au pluriel, pour les explications (« motifs »)"),
        "comptage": Field(CountingRule(), required=True, doc=CountingRule.HINT),
        "criteres": Field(CriteriaList(CRITERION_SCHEMA), required=True, doc="ajoutez la liste « criteres: »"),
    },
)


def _rule(name: str, fields: dict[str, Field], help: str) -> Field:
    return Field(FlowSchema(f"la règle « {name} »", fields), help=help)


def _points(what: str, required: bool = True) -> Field:
    return Field(Count(0, what, "écrivez un nombre entier de points, 0 ou plus"), required=required, help=what)


def _cap() -> Field:
    return Field(
        Count(0, "le plafond", "écrivez un nombre de points, ou laissez « plafond: » vide pour aucun plafond"),
        help="le nombre maximal de points de cette règle ; vide : sans plafond",
    )


RULES_SCHEMA = Schema(
    "les règles (« regles »)",
    {
        "anciennete": _rule(
            "anciennete",
            {"points_par_mois": _points("le nombre de points par mois d'ancienneté"), "plafond": _cap()},
            "les points d'ancienneté de la demande",
        ),
        "caleol_sans_proposition": _rule(
            "caleol_sans_proposition",
            {"points": _points("le nombre de points par examen en CALEOL sans proposition"), "plafond": _cap()},
            "les points pour chaque examen en CALEOL qui n'a pas abouti à une proposition",
        ),
        "quartile_1": _rule(
            "quartile_1",
            {"coefficient": Field(Coefficient(), required=True, doc="par exemple 1.1")},
            "le coefficient appliqué au total des demandeurs du 1er quartile de ressources",
        ),
        "refus_injustifies": _rule(
            "refus_injustifies",
            {
                "remise_a_zero_tous_les": Field(
                    Count(1, "le nombre de refus avant remise à zéro", "écrivez 2 pour une remise à zéro tous les 2 refus"),
                    required=True,
                    doc="par exemple « remise_a_zero_tous_les: 2 »",
                )
            },
            "la remise à zéro des points d'ancienneté après des refus injustifiés",
        ),
        "bonus_delai_anormalement_long": _rule(
            "bonus_delai_anormalement_long",
            {
                "points": _points("le bonus"),
                "mois": Field(
                    Count(1, "le délai anormalement long", "écrivez le délai fixé par le préfet, en mois"),
                    required=True,
                    help="le délai anormalement long fixé par le préfet, en mois",
                ),
            },
            "un bonus pour une demande plus ancienne que le délai anormalement long",
        ),
    },
)

GRID_SCHEMA = Schema(
    "la grille de cotation",
    {
        "source": Field(Text(), required=True, doc="ajoutez « source: » avec le document d'où vient la grille", help="le document d'où vient la grille"),
        "familles": Field(ListOf(FAMILY_SCHEMA, min_items=1), required=True, doc="ajoutez la liste « familles: »"),
        "regles": Field(RULES_SCHEMA, help="les règles de calcul communes à toute la grille"),
        "mis_a_jour_le": Field(Date(), help="la date où la grille a changé sur le site, par exemple 2026-11-23 (page « Dernières mises à jour » et flux Atom)"),
    },
)


def load_grid(node: Node, report: Report) -> Grid | None:
    """Validate a parsed grid; every problem goes to ``report`` and gives None."""
    unique = _check_unique_keys(node, report)
    record = GRID_SCHEMA.convert(node, report)
    if record is INVALID or not unique:
        return None
    families = []
    for fam in record["familles"]:
        criteria = tuple(
            Criterion(
                key=c["cle"],
                label=c["libelle"],
                points=c.get("points"),
                family=fam["cle"],
                priority=c.get("prioritaire", False),
                manual=c.get("manuel", False),
            )
            for c in fam["criteres"]
        )
        counting = fam["comptage"]
        if counting.mode == BEST and counting.n > len(criteria):
            report.warning(
                fam.loc_of("comptage"),
                f"« meilleurs: {counting.n} » mais la famille « {fam['cle']} » n'a que {len(criteria)} critère(s)",
                "vérifiez le nombre : en l'état, tous les critères de cette famille se cumulent",
            )
        noun = fam.get("nom_des_criteres", "critères")
        families.append(Family(fam["cle"], fam["nom"], counting, criteria, noun))
    return Grid(record["source"], tuple(families), _rules(record.get("regles")), record.get("mis_a_jour_le"),
                record.loc_of("mis_a_jour_le") if "mis_a_jour_le" in record else None)


def _rules(rec: Record | None) -> Rules:
    rec = rec or {}
    seniority = rec.get("anciennete", {})
    caleol = rec.get("caleol_sans_proposition", {})
    delay = rec.get("bonus_delai_anormalement_long", {})
    return Rules(
        seniority_per_month=seniority.get("points_par_mois"),
        seniority_cap=seniority.get("plafond"),
        caleol_points=caleol.get("points"),
        caleol_cap=caleol.get("plafond"),
        first_quartile_coefficient=rec.get("quartile_1", {}).get("coefficient"),
        refusal_reset_every=rec.get("refus_injustifies", {}).get("remise_a_zero_tous_les"),
        long_delay_points=delay.get("points"),
        long_delay_months=delay.get("mois"),
    )


def _check_unique_keys(node: Node, report: Report) -> bool:
    """Family keys and criterion keys (across the whole grid) must be unique; False if not."""
    families = _entry(node, "familles")
    if not isinstance(families, Sequence):
        return True
    seen_families: dict[str, Location] = {}
    seen_criteria: dict[str, Location] = {}
    unique = True
    for family in families.items:
        unique &= _note(_entry(family, "cle"), seen_families, report, "famille")
        criteria = _entry(family, "criteres")
        for criterion in criteria.items if isinstance(criteria, Sequence) else ():
            unique &= _note(_entry(criterion, "cle"), seen_criteria, report, "critère")
    return unique


def _entry(node: Node | None, key: str) -> Node | None:
    if isinstance(node, Mapping) and key in node.entries:
        return node.entries[key][1]
    return None


def _note(key_node: Node | None, seen: dict[str, Location], report: Report, what: str) -> bool:
    if not isinstance(key_node, Scalar) or not isinstance(key_node.value, str):
        return True
    key = key_node.value.strip()
    if key in seen:
        first = seen[key]
        where = f"ligne {first.line}" if first.line is not None else str(first)
        report.error(
            key_node.loc,
            f"clé de {what} « {key} » en double (déjà utilisée {where})",
            f"chaque {what} doit avoir sa propre clé dans toute la grille : changez l'une des deux clés",
        )
        return False
    seen[key] = key_node.loc
    return True


def parse_grid(text: str, rel: str, report: Report) -> Grid | None:
    """Parse and validate a grid given as YAML text."""
    node = parse_yaml(text, rel, report)
    return None if node is None else load_grid(node, report)


def load_grid_file(path: Path, rel: str, report: Report) -> Grid | None:
    """Read, parse and validate a grid file (e.g. ``data/cotation.yml``)."""
    node = load_yaml_file(path, rel, report)
    return None if node is None else load_grid(node, report)
