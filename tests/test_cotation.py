"""Scoring grids (« cotation »): loading, validation, and worked cases computed by hand.

Source: PPGDID de Vichy Communauté 2024-2029, part 3 « LA COTATION DE LA DEMANDE »;
« l. N » are line numbers in the extracted text shared/seeds/004_90d20d3e93073609.txt.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from siad.cotation import (
    ALL,
    BEST,
    CALEOL,
    COUNTED,
    CRITERION,
    FIRST_QUARTILE,
    IGNORED,
    LONG_DELAY,
    NOT_SCORED,
    SENIORITY,
    SINGLE,
    Grid,
    ScoreResult,
    Situation,
    score,
)
from siad.cotation_schema import load_grid_file, parse_grid
from siad.errors import Report

FIXTURES = Path(__file__).parent / "fixtures" / "cotation"


def load(name: str) -> Grid:
    report = Report()
    grid = load_grid_file(FIXTURES / name, name, report)
    assert not report.diagnostics, [d.format() for d in report.diagnostics]
    assert grid is not None
    return grid


@pytest.fixture(scope="module")
def vichy() -> Grid:
    # The default project's grid is the Vichy grid: test it where it is published.
    report = Report()
    grid = load_grid_file(Path(__file__).parent.parent / "data" / "cotation.yml", "data/cotation.yml", report)
    assert grid is not None and not report.has_errors, [d.format() for d in report.diagnostics]
    return grid


@pytest.fixture(scope="module")
def autre() -> Grid:
    return load("autre-epci.yml")


def run(grid: Grid, *criteria: str, months: int = 0, refusals=(), caleol: int = 0, q1: bool = False) -> ScoreResult:
    result = score(grid, Situation(tuple(criteria), months, tuple(refusals), caleol, q1))
    # Invariants: the lines add up to the total, and the result is JSON-serialisable.
    assert sum(line.points for line in result.lines) == result.total
    json.dumps(result.to_dict())
    return result


def line(result: ScoreResult, kind: str, key: str | None = None):
    found = [li for li in result.lines if li.kind == kind and (key is None or li.key == key)]
    assert len(found) == 1, found
    return found[0]


def statuses(result: ScoreResult) -> list[tuple[str | None, int, str]]:
    return [(li.key, li.points, li.status) for li in result.lines if li.kind == CRITERION]


# --- The Vichy grid, transcribed --------------------------------------------------------


def test_vichy_grid_matches_the_source(vichy):
    fams = {f.key: f for f in vichy.families}
    # Motif: 10 rows l. 607-616 + 14 rows l. 619-632 (l. 618 is a layout artefact).
    assert len(fams["motif"].criteria) == 24
    # Logement actuel: 12 rows l. 636-647 + 6 rows l. 649-654.
    assert len(fams["logement_actuel"].criteria) == 18
    # Situation personnelle: 15 rows l. 658-672, minus the 4 rules l. 659-662.
    assert len(fams["situation_personnelle"].criteria) == 11
    assert fams["motif"].counting.mode == BEST and fams["motif"].counting.n == 2  # l. 601
    assert fams["logement_actuel"].counting.mode == SINGLE  # l. 599
    assert fams["situation_personnelle"].counting.mode == ALL  # l. 679
    c = vichy.criteria()
    assert c["logement_non_decent"].points == 30  # l. 607 « Logement non décent 30 »
    assert c["suroccupation_avec_mineur"].points == 40 and c["suroccupation_avec_mineur"].priority  # l. 627
    assert c["logement_de_fonction"].points == 10 and not c["logement_de_fonction"].priority  # l. 647
    assert c["structure_hebergement"].points == 50 and c["structure_hebergement"].priority  # l. 643
    assert c["dalo"].points == 70 and c["dalo"].manual and not c["dalo"].priority  # l. 658, 689
    assert c["salarie_prive"].points == 0  # l. 663 « 0 »
    for key in ("retraite", "travailleur_independant", "fonctionnaire_territorial", "travailleur_cle"):
        assert c[key].points is None  # l. 665-668: empty cells
    manual = {k for k, v in c.items() if v.manual}
    # l. 686-690: viol, prostitution, traite, DALO, expulsion.
    assert manual == {
        "victime_viol_agression_sexuelle",
        "sortie_prostitution",
        "victime_traite_proxenetisme",
        "dalo",
        "procedure_expulsion",
    }
    assert sum(v.priority for v in c.values()) == 9 + 13  # starred rows: 9 in l. 607-632, 13 in l. 636-654
    r = vichy.rules
    assert (r.seniority_per_month, r.seniority_cap) == (1, None)  # l. 584 « sans plafond », l. 660
    assert (r.caleol_points, r.caleol_cap) == (10, None)  # l. 661
    assert r.first_quartile_coefficient == Decimal("1.1")  # l. 659 « 110% », l. 680 « 1,1 »
    assert r.refusal_reset_every == 2  # l. 587, 700-702
    assert r.long_delay_points is None  # not in the Vichy grid
    json.dumps(vichy.to_dict())


# --- Worked cases on the Vichy grid -----------------------------------------------------


def test_case_01_one_reason(vichy):
    # motif: logement_trop_petit 10 ; seniority 0 months → 0 ; CALEOL 0 → total 10
    r = run(vichy, "logement_trop_petit")
    assert r.total == 10
    assert [li.kind for li in r.lines] == [CRITERION, SENIORITY, CALEOL]


def test_case_02_two_reasons(vichy):
    # motifs: divorce 30 + logement_trop_cher 20 = 50 ; seniority 5 months → 5 ; total 55
    r = run(vichy, "logement_trop_cher", "divorce_separation", months=5)
    assert statuses(r) == [("divorce_separation", 30, COUNTED), ("logement_trop_cher", 20, COUNTED)]
    assert r.total == 55


def test_case_03_three_reasons_best_two(vichy):
    # motifs: logement_indigne 50 + suroccupation 20 = 70 ; rapprochement_familial 10 ignored ; total 70
    r = run(vichy, "rapprochement_familial", "suroccupation", "logement_indigne")
    assert statuses(r) == [
        ("logement_indigne", 50, COUNTED),
        ("suroccupation", 20, COUNTED),
        ("rapprochement_familial", 0, IGNORED),
    ]
    assert "au-delà des 2 motifs qui rapportent le plus de points" in line(r, CRITERION, "rapprochement_familial").detail
    assert r.total == 70


def test_case_04_ties_keep_grid_order(vichy):
    # three 30-point reasons: the two first in the grid count (l. 607, 610), l. 616 is ignored → 60
    r = run(vichy, "eloigne_lieu_de_travail", "logement_repris_ou_vendu", "logement_non_decent")
    assert statuses(r) == [
        ("logement_non_decent", 30, COUNTED),
        ("logement_repris_ou_vendu", 30, COUNTED),
        ("eloigne_lieu_de_travail", 0, IGNORED),
    ]
    assert r.total == 60


def test_case_05_two_housing_criteria_only_one_counts(vichy):
    # logement actuel: chez_un_particulier 40 counts, locataire_prive 20 ignored ; seniority 3 → 3 ; total 43
    r = run(vichy, "locataire_prive", "chez_un_particulier", months=3)
    assert statuses(r) == [("chez_un_particulier", 40, COUNTED), ("locataire_prive", 0, IGNORED)]
    assert "un seul critère est retenu (ici, celui qui rapporte le plus de points)" in line(r, CRITERION, "locataire_prive").detail
    assert r.total == 43
    assert r.priority_criteria == ("chez_un_particulier",)


def test_case_06_personal_criteria_add_up(vichy):
    # personnel: dalo 70 + moins_de_30_ans 20 + handicap 30 + chomage 30 = 150 ; total 150
    r = run(vichy, "handicap", "dalo", "chomage_longue_duree", "moins_de_30_ans")
    assert r.total == 150
    assert [k for k, _, s in statuses(r) if s == COUNTED] == ["dalo", "handicap", "chomage_longue_duree", "moins_de_30_ans"]
    assert r.manual_criteria == ("dalo",)


@pytest.mark.parametrize(
    ("months", "refusals", "seniority", "phrase"),
    [
        # case 07 — no refusal: 14 months × 1 = 14
        (14, [], 14, "14 mois × 1 point = 14 points"),
        # case 08 — 1 refusal (month 6): no reset before the 2nd (l. 587) → 14
        (14, [6], 14, "n'intervient qu'au 2e"),
        # case 09 — refusals 6, 10 (any order): reset at the 2nd (month 10), counting again from
        # month 11 (l. 700) → 14 - 10 = 4
        (14, [10, 6], 4, "remise à zéro au mois 10 (2e refus injustifié)"),
        # case 10 — refusals 6, 10, 12: « pas au 3ème » (l. 702), still reset at 10 → 4
        (14, [6, 10, 12], 4, "n'intervient qu'au 4e"),
        # case 11 — refusals 6, 10, 12, 13: resets at the 2nd (10) and the 4th (13) → 20 - 13 = 7
        (20, [6, 10, 12, 13], 7, "remise à zéro au mois 13 (4e refus injustifié)"),
        # case 12 — 2nd refusal during the current month 9 → 0 ; one month later → 1
        (9, [3, 9], 0, "0 mois"),
        (10, [3, 9], 1, "1 mois × 1 point = 1 point"),
    ],
)
def test_cases_07_to_12_seniority_and_refusals(vichy, months, refusals, seniority, phrase):
    # plus logement_trop_grand 10 each time
    r = run(vichy, "logement_trop_grand", months=months, refusals=refusals)
    assert line(r, SENIORITY).points == seniority
    assert phrase in line(r, SENIORITY).detail
    assert r.total == 10 + seniority


def test_case_13_caleol_bonus(vichy):
    # motif 20 ; seniority 8 ; CALEOL 3 × 10 = 30 ; total 58
    r = run(vichy, "logement_trop_cher", months=8, caleol=3)
    assert line(r, CALEOL).points == 30
    assert r.total == 58


def test_case_14_first_quartile_full_example(vichy):
    # motifs: suroccupation_avec_mineur 40 + divorce 30 = 70 (logement_trop_cher 20 ignored)
    # logement: logement_temporaire 30 ; personnel: handicap 30 + moins_de_30_ans 20 = 50
    # seniority 14 → 14 ; CALEOL 2 × 10 = 20 ; subtotal 184
    # quartile 1: 184 × 1.1 = 202.4 → 202 (the multiplier line adds 18)
    r = run(
        vichy,
        "suroccupation_avec_mineur", "divorce_separation", "logement_trop_cher",
        "logement_temporaire", "handicap", "moins_de_30_ans",
        months=14, caleol=2, q1=True,
    )  # fmt: skip
    assert r.subtotal == 184
    assert r.exact_total == Decimal("202.4")
    assert r.total == 202
    q = line(r, FIRST_QUARTILE)
    assert q.points == 18 and r.lines[-1] is q
    assert "184 points multiplié par 1,1" in q.detail and "202,4, arrondi à 202" in q.detail
    assert r.to_dict()["exact_total"] == 202.4


def test_case_15_first_quartile_rounds_half_up(vichy):
    # dalo 70 + handicap 30 + logement_bientot_demoli 30 + seniority 5 = 135 ; × 1.1 = 148.5 → 149
    # (half up, not Python's half-to-even 148)
    r = run(vichy, "dalo", "handicap", "logement_bientot_demoli", months=5, q1=True)
    assert (r.subtotal, r.exact_total, r.total) == (135, Decimal("148.5"), 149)


def test_case_16_multiplier_applies_after_seniority(vichy):
    # only seniority: 10 months → 10 ; × 1.1 = 11 (the multiplier applies to « le total », l. 680)
    r = run(vichy, months=10, q1=True)
    assert r.total == 11
    assert run(vichy, months=10).total == 10  # same case outside the first quartile


def test_case_17_not_scored_criteria(vichy):
    # salarie_prive 0 (scored 0) ; retraite and travailleur_cle: empty cells → not scored ; plus_de_75_ans 20
    # seniority 2 → 2 ; total 22
    r = run(vichy, "travailleur_cle", "retraite", "plus_de_75_ans", "salarie_prive", months=2)
    assert statuses(r) == [
        ("plus_de_75_ans", 20, COUNTED),
        ("salarie_prive", 0, COUNTED),
        ("retraite", 0, NOT_SCORED),
        ("travailleur_cle", 0, NOT_SCORED),
    ]
    assert line(r, CRITERION, "retraite").grid_points is None
    assert "non coté" in line(r, CRITERION, "retraite").detail
    assert r.total == 22


def test_result_is_deterministic_and_serialisable(vichy):
    a = run(vichy, "logement_indigne", "suroccupation", "camping", months=7, refusals=[2], caleol=1, q1=True)
    b = run(vichy, "camping", "suroccupation", "logement_indigne", months=7, refusals=[2], caleol=1, q1=True)
    assert a == b
    data = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    # motifs 50 + 20, camping 50, seniority 7 (1 refusal: no reset), CALEOL 10 → 137 ; × 1.1 = 150.7 → 151
    assert data["total"] == a.total == 151
    assert data["lines"][0] == {
        "kind": "criterion",
        "label": "Logement indigne",
        "points": 50,
        "status": "counted",
        "detail": "retenu ; « Motif de la demande » : les 2 critères qui rapportent le plus de points comptent",
        "key": "logement_indigne",
        "family": "motif",
        "grid_points": 50,
    }
    s = Situation(("camping",), 3, (1,), 2, True)
    assert Situation.from_dict(json.loads(json.dumps(s.to_dict()))) == s


@pytest.mark.parametrize(
    ("situation", "phrase"),
    [
        (Situation(("logement_indigen",)), "critère inconnu « logement_indigen »"),
        (Situation(("camping", "camping")), "sélectionné deux fois"),
        (Situation((), -1), "ancienneté invalide"),
        (Situation((), 5, (6,)), "refus injustifié au mois 6 invalide"),
        (Situation((), 5, (), -2), "CALEOL invalide"),
        (Situation((3,)), "critère invalide"),
    ],
)
def test_invalid_situations(vichy, situation, phrase):
    with pytest.raises(ValueError, match=phrase):
        score(vichy, situation)


def test_unknown_criterion_suggests(vichy):
    with pytest.raises(ValueError, match="vouliez-vous dire « logement_indigne » ?"):
        score(vichy, Situation(("logement_indigen",)))


# --- The second grid: same model, same function -----------------------------------------


def test_second_grid_shape(autre):
    assert [(f.key, f.counting.mode, f.counting.n) for f in autre.families] == [
        ("motif", BEST, 3),
        ("logement_actuel", SINGLE, None),
        ("famille", ALL, None),
        ("ressources", BEST, 1),
    ]
    assert autre.rules.first_quartile_coefficient is None


def test_case_18_second_grid_cap_and_long_delay(autre):
    # motifs (3 best): violences 50 + expulsion 40 + logement_indigne 40 = 130 ; suroccupation 20 ignored
    # seniority 30 months → capped at 24 ; délai anormalement long reached (30 ≥ 24) → 50
    # no quartile rule: the flag has no effect ; total 130 + 24 + 50 = 204
    r = run(autre, "suroccupation", "logement_indigne", "expulsion", "violences", months=30, q1=True)
    assert statuses(r)[-1] == ("suroccupation", 0, IGNORED)
    assert "au-delà des 3 motifs" in line(r, CRITERION, "suroccupation").detail
    assert line(r, SENIORITY).points == 24 and "plafonné à 24 points" in line(r, SENIORITY).detail
    assert line(r, LONG_DELAY).points == 50
    assert r.total == 204
    assert not [li for li in r.lines if li.kind == FIRST_QUARTILE]


def test_case_19_second_grid_below_delay_and_best_resource(autre):
    # ressources (1 best): minima_sociaux 30, surendettement 20 ignored ; famille: monoparentale 20 +
    # enfant_a_naitre 10 = 30, garde_alternee not scored ; seniority 23 ; délai not reached (23 < 24) → 0
    # CALEOL 4 × 5 = 20 → capped at 15 ; total 30 + 30 + 23 + 15 = 98
    r = run(
        autre,
        "surendettement", "minima_sociaux", "garde_alternee", "enfant_a_naitre", "famille_monoparentale",
        months=23, caleol=4,
    )  # fmt: skip
    assert line(r, CRITERION, "surendettement").status == IGNORED
    assert line(r, CRITERION, "garde_alternee").status == NOT_SCORED
    assert line(r, LONG_DELAY).points == 0
    assert line(r, CALEOL).points == 15 and "plafonné à 15 points" in line(r, CALEOL).detail
    assert r.total == 98


def test_case_20_second_grid_reset_every_third_refusal(autre):
    # reset every 3 refusals: refusals 2, 5 → no reset: seniority 10 ; housing sans_abri 50 → 60
    assert run(autre, "sans_abri", months=10, refusals=[2, 5]).total == 60
    # refusals 2, 5, 20 at 30 months: reset at the 3rd (20) → 10 ; délai counted from registration
    # (30 ≥ 24) → 50 ; total 50 + 10 + 50 = 110
    r = run(autre, "sans_abri", months=30, refusals=[2, 5, 20])
    assert line(r, SENIORITY).points == 10
    assert "3e refus" in line(r, SENIORITY).detail
    assert r.total == 110


# --- Invalid grids: one per validation rule ---------------------------------------------

BASE = """\
source: "Grille de test"
familles:
  - cle: motif
    nom: "Motif"
    comptage: {meilleurs: 2}
    criteres:
      - cle: a
        libelle: "A"
        points: 10
      - cle: b
        libelle: "B"
        points: 20
  - cle: logement
    nom: "Logement"
    comptage: un_seul
    criteres:
      - cle: c
        libelle: "C"
        points: 30
regles:
  anciennete: {points_par_mois: 1}
  quartile_1: {coefficient: 1.1}
  refus_injustifies: {remise_a_zero_tous_les: 2}
"""


def load_text(text: str) -> tuple[Grid | None, Report]:
    report = Report()
    return parse_grid(text, "cotation.yml", report), report


def variant(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def test_base_grid_is_valid():
    grid, report = load_text(BASE)
    assert grid is not None and not report.diagnostics


def test_french_decimal_comma_is_accepted():
    # block style only: inside « {…} » YAML reads the comma as a separator
    grid, report = load_text(variant("quartile_1: {coefficient: 1.1}", "quartile_1:\n    coefficient: 1,1"))
    assert not report.diagnostics
    assert grid.rules.first_quartile_coefficient == Decimal("1.1")


@pytest.mark.parametrize(
    ("old", "new", "where", "phrase", "hint"),
    [
        # unknown key, with a suggestion
        ('        libelle: "A"', '        libelle: "A"\n        manuelle: oui', "9:9", "clé inconnue « manuelle » dans un critère", "« manuel »"),
        ("  refus_injustifies:", "  refus_injustifie:", "23:3", "clé inconnue « refus_injustifie »", "« refus_injustifies »"),
        # duplicate criterion key, across families
        ("      - cle: c", "      - cle: a", "17:14", "clé de critère « a » en double (déjà utilisée ligne 7)", "changez"),
        # duplicate family key
        ("  - cle: logement", "  - cle: motif", "13:10", "clé de famille « motif » en double", "changez"),
        # badly written key
        ("      - cle: b", "      - cle: Critère B", "10:14", "n'est pas un identifiant valide", "minuscules"),
        # negative points
        ("points: 20", "points: -20", "12:17", "le nombre de points doit être positif ou nul, pas -20", "laissez"),
        # missing points (empty is allowed, absent is not)
        ('        libelle: "B"\n        points: 20\n', '        libelle: "B"\n', "10:9", "« points » manque", "sans valeur"),
        # a « meilleurs » count below 1
        ("{meilleurs: 2}", "{meilleurs: 0}", "5:27", "« meilleurs ») doit être au moins 1, pas 0", "meilleurs: 2"),
        # unknown counting word, with a suggestion
        ("comptage: un_seul", "comptage: un_seule", "15:15", "règle de comptage inconnue « un_seule »", "« un_seul »"),
        ("comptage: un_seul", "comptage: meilleurs", "15:15", "il manque le nombre", "{meilleurs: 2}"),
        # missing counting rule
        ("    comptage: un_seul\n", "", "13:5", "la clé obligatoire « comptage » manque", "un_seul"),
        # coefficient ≤ 0, or written as a percentage
        ("coefficient: 1.1", "coefficient: 0", "22:29", "strictement supérieur à 0", "supprimez la règle"),
        ("coefficient: 1.1", "coefficient: -1.1", "22:29", "strictement supérieur à 0", None),
        ("coefficient: 1.1", "coefficient: 110%", "22:29", "s'écrit comme un multiplicateur", "110 % s'écrit 1.1"),
        ("coefficient: 1.1", "coefficient: 1,1", "22:31", "clé inconnue « 1 »", "la virgule sépare deux clés"),
        ("coefficient: 1.1", 'coefficient: "1.1"', "22:29", "un nombre décimal est attendu", "sans guillemets"),
        # reset count below 1, negative cap
        ("remise_a_zero_tous_les: 2", "remise_a_zero_tous_les: 0", "23:47", "doit être au moins 1, pas 0", None),
        ("{points_par_mois: 1}", "{points_par_mois: 1, plafond: -5}", "21:45", "le plafond doit être positif ou nul", None),
        # a flag that is neither oui nor non
        ('        libelle: "C"\n', '        libelle: "C"\n        prioritaire: peut-être\n', "19:22", "« oui » ou « non »", "sans guillemets"),
        # a family without criteria
        (
            '    criteres:\n      - cle: c\n        libelle: "C"\n        points: 30\n',
            "    criteres: []\n",
            "16:15",
            "cette famille n'a aucun critère",
            "ajoutez au moins un critère",
        ),
    ],
)
def test_invalid_grid(old, new, where, phrase, hint):
    grid, report = load_text(variant(old, new))
    assert grid is None
    errors = report.errors
    assert len(errors) == 1, [d.format() for d in errors]
    assert str(errors[0].location) == f"cotation.yml:{where}", errors[0].format()
    assert phrase in errors[0].message
    if hint is not None:
        assert hint in (errors[0].hint or "")


def test_all_problems_are_reported_at_once():
    text = variant("points: 20", "points: -20").replace("comptage: un_seul", "comptage: aucun")
    grid, report = load_text(text)
    assert grid is None
    assert [str(d.location) for d in report.sorted()] == ["cotation.yml:12:17", "cotation.yml:15:15"]


def test_best_count_above_family_size_is_a_warning():
    grid, report = load_text(variant("{meilleurs: 2}", "{meilleurs: 3}"))
    assert grid is not None and not report.errors
    (warning,) = report.warnings
    assert str(warning.location) == "cotation.yml:5:15"
    assert "n'a que 2 critère(s)" in warning.message


def test_empty_points_mean_not_scored():
    grid, report = load_text(variant("points: 20", "points:"))
    assert not report.diagnostics
    assert grid.criteria()["b"].points is None
    r = score(grid, Situation(("a", "b")))
    assert [(li.key, li.status) for li in r.lines if li.kind == CRITERION] == [("a", COUNTED), ("b", NOT_SCORED)]
