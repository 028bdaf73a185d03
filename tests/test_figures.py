"""Social-housing figures (data/chiffres/, data/bailleurs.yml) and the indicators computed from them.

Source of the default data: the PPGDID of Vichy Communauté 2024-2029, transcribed in
/work/shared/seeds/004_90d20d3e93073609.txt; « l. N » below is a line of that transcription
(when the file is present, each cited line is checked to contain the figure).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from siad import indicators as ind
from siad.data.communes import COMMUNES_SCHEMA, communes_from
from siad.data.figures import AreaFigures, load_figures
from siad.data.files import load_record
from siad.data.tables import detect_separator, parse_number
from siad.errors import Report
from siad.schema import INVALID

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "figures" / "base"
SEED = Path("/work/shared/seeds/004_90d20d3e93073609.txt")
TODAY = dt.date(2024, 6, 1)  # the plan's figures (2022) are then 2 years old: no warning
THIN = "\u202f"
CSV = "data/chiffres/communes.csv"


def load(root: Path, today: dt.date = TODAY, max_age_years: int = 3):
    report = Report()
    communes_record = load_record(root, root / "data" / "communes.yml", COMMUNES_SCHEMA, report, required=True)
    communes = communes_from(communes_record, report, None)
    figures = load_figures(root, report, communes, today, max_age_years)
    return figures, report


def messages(report: Report) -> str:
    return "\n".join(d.format() for d in report.sorted())


@pytest.fixture(scope="module")
def default():
    figures, report = load(REPO_ROOT)
    return figures, report


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project whose data/ holds the real communes.yml and the small valid fixture."""
    project = tmp_path / "projet"
    (project / "data").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "data" / "communes.yml", project / "data" / "communes.yml")
    shutil.copytree(FIXTURE, project / "data", dirs_exist_ok=True)
    return project


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def at(root: Path, rel: str, needle: str, occurrence: int = 1) -> str:
    """« rel:line:col » of the n-th line containing ``needle`` (col: where ``needle`` starts)."""
    found = 0
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            found += 1
            if found == occurrence:
                return f"{rel}:{number}:{line.index(needle) + 1}"
    raise AssertionError(f"{needle!r} not in {rel}")


def at_value(root: Path, rel: str, pair: str, occurrence: int = 1) -> str:
    """« rel:line:col » of the value in the n-th line holding ``key: value``."""
    path, line, col = at(root, rel, pair, occurrence).split(":")
    return f"{path}:{line}:{int(col) + pair.index(': ') + 2}"


def assert_error(report: Report, location: str, phrase: str) -> None:
    matching = [d for d in report.errors if str(d.location) == location]
    assert matching, f"no error at {location}:\n{messages(report)}"
    assert any(phrase in d.message for d in matching), f"{phrase!r} not in:\n{messages(report)}"


# ---------------------------------------------------------------------------------------------
# The default data: the Vichy transcription.


def test_default_data_loads_without_any_diagnostic(default):
    figures, report = default
    assert report.diagnostics == [], messages(report)
    assert len(figures.tables) == 12
    assert len(figures.communes) == 39  # exhaustive: the 12 communes without social housing have 0


def test_every_table_covering_the_whole_stock_totals_4717(default):
    figures, _ = default
    stock_tables = [t for t in figures.tables.values() if t.scope == "parc"]
    assert {t.key for t in stock_tables} == {
        "parc-bailleurs", "parc-financements", "parc-typologies", "parc-occupation", "parc-epoque-construction", "parc-etiquettes-energie",
    }
    for table in stock_tables:
        assert table.total == 4717 and table.rows_sum == 4717, table.key
    typologies = figures.tables["parc-typologies"]
    assert sum(typologies.column_totals) == 4717
    assert [sum(row.detail[i] for row in typologies.rows) for i in range(3)] == list(typologies.column_totals)
    assert figures.territory.get("parc_total") == 4717  # l. 771
    assert sum(area.get("parc_total") for area in figures.communes.values()) == 4717  # l. 803
    assert sum(1 for area in figures.communes.values() if area.get("parc_total")) == 27  # « 27 des 39 communes », l. 771
    assert figures.stock_total() == 4717


@pytest.mark.parametrize(
    "key, label, count, line",
    [
        ("parc-bailleurs", "Allier Habitat", 1771, 826),
        ("parc-bailleurs", "Habitat et Humanisme", 9, 831),
        ("parc-financements", "PLUS après 1977", 2755, 845),
        ("parc-typologies", "T3", 1789, 862),
        ("parc-occupation", "Vide (vacance technique)", 114, 882),
        ("parc-epoque-construction", "De 2005 à 2011", 568, 905),
        ("vacance-technique-epoque-construction", "Avant 1974", 43, 901),
        ("parc-etiquettes-energie", "C", 1473, 922),
        ("parc-etiquettes-energie", "Non renseigné", 624, 927),
        ("offre-nouvelle-acquisition", "Acquisition en VEFA", 81, 948),
        ("offre-nouvelle-financement", "PLUS", 567, 958),
        ("demandeurs-logement-actuel", "Logement du parc locatif HLM", 537, 434),
        ("demandeurs-age", "30 à 44 ans", 558, 462),
        ("demandeurs-taille-menage", "1 personne", 839, 478),
        ("demandeurs-taille-menage", "6 personnes ou plus", 52, 483),
    ],
)
def test_table_values_match_the_source(default, key, label, count, line):
    figures, _ = default
    rows = {row.label: row for row in figures.tables[key].rows}
    assert rows[label].count == count
    _assert_in_source(line, count)


def _assert_in_source(line: int, value: int) -> None:
    if SEED.is_file():
        text = SEED.read_text(encoding="utf-8").splitlines()[line - 1]
        assert f"{value:,}".replace(",", " ") in text or str(value) in text, (line, text)


def test_damaged_cells_are_corrected_or_left_as_published(default):
    figures, _ = default
    typologies = {row.label: row for row in figures.tables["parc-typologies"].rows}
    assert typologies["T4"].detail == (0, 1068, 531)  # l. 863 prints 1 088: contradicts its row (1 599) and column (3 767)
    assert figures.tables["parc-typologies"].column_totals == (37, 3767, 913)  # l. 865
    age = figures.tables["demandeurs-age"]
    assert age.total is None and age.scope is None and age.rows_sum == 1696  # l. 461-465: not the 1 694 requests
    assert figures.tables["demandeurs-taille-menage"].rows_sum == 1694  # l. 478-483, labels lost in the PDF


@pytest.mark.parametrize(
    "insee, stock, qpv, share, line",
    [
        ("03310", 1867, 1081, "39,6", 801),  # Vichy
        ("03095", 1332, 474, "28,2", 784),  # Cusset
        ("03001", 71, None, "1,5", 774),  # Abrest
        ("03023", 680, None, "14,4", 776),  # Bellerive-sur-Allier
    ],
)
def test_commune_stock_and_computed_share_match_the_source(default, insee, stock, qpv, share, line):
    figures, _ = default
    area = figures.communes[insee]
    assert area.get("parc_total") == stock and area.get("qpv") == qpv
    assert area.stock_set.source == "SDES, RPLS 2022" and area.stock_set.vintage == 2022
    assert ind.stock_shares(figures)[insee].text == f"{share}{THIN}%"  # the plan's « Part sur le territoire »
    _assert_in_source(line, stock)


def test_qpv_shares_of_vichy_and_cusset(default):
    figures, _ = default
    total = figures.stock_total()
    assert ind.share(figures.communes["03310"].get("qpv"), total).text == f"22,9{THIN}%"  # l. 802
    assert ind.share(figures.communes["03095"].get("qpv"), total).text == f"10,0{THIN}%"  # l. 785


def test_commune_without_social_housing_has_zero_not_unpublished(default):
    figures, _ = default
    assert figures.communes["03056"].get("parc_total") == 0  # La Chapelle: not among the 27
    assert ind.stock_shares(figures)["03056"].text == f"0,0{THIN}%"


def test_bailleurs_and_reservataires(default):
    figures, _ = default
    bailleurs = {key: b for key, b in figures.bailleurs.items() if b.kind == "bailleur"}
    assert list(bailleurs) == ["allier-habitat", "vichy-habitat", "cdc-habitat", "auvergne-habitat", "evolea"]
    assert sum(b.stock for b in bailleurs.values()) == 4717 - 9  # Habitat et Humanisme (9) is not an HLM organisation
    assert figures.bailleurs["vichy-habitat"].website == "https://www.vichy-habitat.fr"
    assert figures.bailleurs["allier-habitat"].website is None  # the plan gives none
    assert figures.bailleurs["evolea"].figure_set.source == "SDES, RPLS 2022"
    assert {b.kind for b in figures.bailleurs.values()} == {"bailleur", "reservataire"}


def test_demand_figures_and_sources(default):
    figures, _ = default
    territory = figures.territory
    assert (territory.get("demandes"), territory.get("demandes_tous_voeux"), territory.get("attributions")) == (1694, 1895, 527)  # l. 420, 424
    assert territory.demand_set.source == "AURA HLM, fichier partagé des demandes et des attributions 2022"
    assert territory.demand_set.vintage == 2022 and territory.demand_set.date == dt.date(2022, 12, 31)


# ---------------------------------------------------------------------------------------------
# Indicators.


def test_vichy_pressure_follows_the_plan_definition(default):
    """The plan (l. 426) divides the 1 694 requests whose 1st wish is in the territory by the 527
    attributions: « 3,2 demandes pour 1 attribution » (1 895 / 527 would give 3,6)."""
    figures, _ = default
    result = ind.territory_indicators(figures)
    assert result.pressure.value == pytest.approx(1694 / 527)
    assert result.pressure.text == "3,2 demandes pour 1 attribution"
    assert result.waiting_time.text == "3,2 ans"
    assert result.requests.text == f"1{THIN}694 demandes"
    assert result.figure_set.vintage == 2022


def test_the_plans_own_example():
    # « avec 30 demandes en cours et 10 attributions […] la pression locative est de 3 […] 3 ans » (l. 406)
    assert ind.pressure(30, 10).text == "3,0 demandes pour 1 attribution"
    assert ind.waiting_time(30, 10).value == 3 and ind.waiting_time(30, 10).text == "3,0 ans"


def test_zero_attributions_says_so_without_dividing():
    result = ind.pressure(12, 0)
    assert result.value is None and result.status == ind.NO_ATTRIBUTION
    assert result.text == "12 demandes et aucune attribution dans l'année"
    waiting = ind.waiting_time(12, 0)
    assert waiting.value is None and waiting.status == ind.NO_ATTRIBUTION and "aucune attribution" in waiting.text
    assert ind.pressure(0, 0).text == "ni demande ni attribution"
    assert ind.waiting_time(0, 0).text == "aucune demande en attente"


def test_absent_data_is_not_published(default):
    figures, _ = default
    vichy = ind.commune_indicators(figures, "03310")  # the plan publishes no demand by commune
    assert vichy.label == "Vichy"
    for indicator in (vichy.requests, vichy.attributions, vichy.pressure, vichy.waiting_time):
        assert indicator == ind.Indicator(None, "non publié", ind.NOT_PUBLISHED)
    assert ind.pressure(None, 5).text == "non publié"
    assert ind.share(10, None).status == ind.NOT_PUBLISHED
    assert ind.typology_indicators(figures.territory) == ()


def test_waiting_time_in_months_below_one_year_and_french_numbers():
    assert ind.waiting_time(4, 6).text == "8 mois"
    assert ind.waiting_time(1, 100).text == "moins d'un mois"
    assert ind.waiting_time(3, 2).text == "1,5 an"
    assert ind.pressure(3, 2).text == "1,5 demande pour 1 attribution"
    assert ind.format_int(4717) == f"4{THIN}717"
    assert ind.format_decimal(12345.678) == f"12{THIN}345,7"
    assert ind.attribution_delay(245).text == "245 jours"


def test_indicators_by_typology_when_published():
    area = AreaFigures("Vichy", "03310", {"demandes_t3": 90, "attributions_t3": 20, "demandes_t1": 10})
    rows = ind.typology_indicators(area)
    assert [row.label for row in rows] == ["T1", "T3"]
    assert rows[1].pressure.text == "4,5 demandes pour 1 attribution"
    assert rows[0].pressure.text == "non publié"


# ---------------------------------------------------------------------------------------------
# The small valid fixture, then one fault per rule.


def test_fixture_is_valid(root):
    figures, report = load(root)
    assert report.diagnostics == [], messages(report)
    vichy = figures.communes["03310"]
    assert vichy.get("t3") == 120 and vichy.get("delai_attribution_jours") == 310
    assert figures.communes["03095"].get("delai_attribution_jours") is None
    assert figures.communes["03095"].bailleurs[0].stock == 150
    assert ind.commune_indicators(figures, "03310").pressure.text == "3,2 demandes pour 1 attribution"


def test_typology_sum_contradicting_total_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "  t3: 200", "  t3: 210")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "500"), "les typologies t1 à t5_plus totalisent 510, mais « parc_total » vaut 500")


def test_individual_plus_collective_contradicting_total_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "collectif: 400", "collectif: 390")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "500"), "individuel et collectif totalisent 490")


def test_requests_above_all_wishes_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "demandes: 120", "demandes: 160")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "160"), "dépassent « demandes_tous_voeux » (150)")


def test_qpv_above_total_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "qpv: 150", "qpv: 501")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "501"), "les logements en QPV (501) dépassent « parc_total » (500)")


def test_negative_number_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "attributions: 40", "attributions: -40")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "-40"), "nombre négatif (-40)")


def test_unknown_key_with_suggestion_yaml(root):
    edit(root, "data/chiffres/territoire.yml", "  t5_plus: 50", "  t5plus: 50")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "t5plus"), "clé inconnue « t5plus »")
    assert "vouliez-vous dire « t5_plus » ?" in messages(report)


def test_figure_without_source(root):
    edit(root, "data/chiffres/territoire.yml", "  demande:\n    source: \"Fichier partagé 2022\"\n    millesime: 2022\n    date: 2022-12-31\n", "")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "120"), "chiffre sans source : « demandes »")


def test_implausible_vintage(root):
    edit(root, "data/chiffres/territoire.yml", "    millesime: 2022\n  demande", "    millesime: 22\n  demande")
    _, report = load(root)
    assert_error(report, at_value(root, "data/chiffres/territoire.yml", "millesime: 22"), "le millésime 22 n'est pas une année plausible")


def test_vintage_in_the_future(root):
    edit(root, "data/bailleurs.yml", "millesime: 2022", "millesime: 2031")
    _, report = load(root)
    assert_error(report, at(root, "data/bailleurs.yml", "2031"), "le millésime 2031 est dans le futur")


def test_commune_outside_the_territory_yaml(root):
    edit(root, "data/chiffres/communes.yml", '"03095"', '"03190"')
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/communes.yml", '"03190"'), "la commune 03190 (Moulins) n'est pas membre du territoire")


def test_commune_name_instead_of_code_yaml(root):
    edit(root, "data/chiffres/communes.yml", 'code_insee: "03095"', "code_insee: Cuset")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/communes.yml", "Cuset"), "« Cuset » n'est pas un code INSEE de commune")
    assert "vouliez-vous dire Cusset ? écrivez son code INSEE : « 03095 »" in messages(report)


def test_duplicate_commune_rows_yaml(root):
    edit(root, "data/chiffres/communes.yml", "communes:\n", 'communes:\n  - code_insee: "03001"\n  - code_insee: "03001"\n')
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/communes.yml", '"03001"', 2), "la commune 03001 (Abrest) apparaît deux fois (première fois ligne 9)")


def test_same_figure_in_yaml_and_csv(root):
    edit(root, "data/chiffres/communes.yml", "    commune: Cusset\n", "    commune: Cusset\n    parc_total: 200\n")
    _, report = load(root)
    assert_error(report, f"{CSV}:3:3", "« parc_total » est déjà donné pour Cusset (data/chiffres/communes.yml:11:17)")


def test_unknown_bailleur_in_a_commune(root):
    edit(root, "data/chiffres/communes.yml", "bailleur: allier-habitat", "bailleur: allier-habitta")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/communes.yml", "allier-habitta"), "bailleur inconnu « allier-habitta »")
    assert "vouliez-vous dire « allier-habitat » ?" in messages(report)


def test_bailleurs_of_a_commune_above_its_stock(root):
    edit(root, "data/chiffres/communes.yml", "logements: 150", "logements: 250")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/communes.yml", "- bailleur"), "les bailleurs de la commune totalisent 250 logements, plus que « parc_total » (200)")


def test_communes_adding_up_to_more_than_the_territory(root):
    edit(root, "data/chiffres/territoire.yml", "parc_total: 500", "parc_total: 450")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/territoire.yml", "450"), "les communes totalisent 500 pour « parc_total », mais le territoire en compte 450")


def test_table_rows_contradicting_total(root):
    edit(root, "data/chiffres/tableaux.yml", "effectif: 300", "effectif: 310")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "500"), "les lignes totalisent 510, mais « total » vaut 500")


def test_percentage_not_matching_its_count(root):
    edit(root, "data/chiffres/tableaux.yml", "pourcentage: 60", "pourcentage: 62")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "62"), "le pourcentage 62 % ne correspond pas à l'effectif : 300 sur 500 font 60 %")


def test_percentage_within_one_unit_of_its_last_digit_is_accepted(root):
    # 29 / 120 = 24,17 % and 91 / 120 = 75,83 %: « 25 » and « 75 » (roundings adjusted to make
    # 100 %) are within one unit of their last digit; « 25,5 » is not within 0,1.
    edit(root, "data/chiffres/tableaux.yml", "effectif: 30\n", "effectif: 29\n")
    edit(root, "data/chiffres/tableaux.yml", "effectif: 90", "effectif: 91")
    _, report = load(root)
    assert not report.has_errors, messages(report)
    edit(root, "data/chiffres/tableaux.yml", "pourcentage: 25", "pourcentage: 25,5")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "25,5"), "le pourcentage 25,5 % ne correspond pas à l'effectif : 29 sur 120 font 24,17 %")


def test_cell_contradicting_its_column_total(root):
    # The plan's trap (l. 863): a cell that contradicts its row and its column.
    edit(root, "data/chiffres/tableaux.yml", "detail: [260, 90]", "detail: [280, 90]")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "[280"), "le détail totalise 370, mais l'effectif de la ligne vaut 350")
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "400"), "la colonne « Appartement » totalise 420, mais son total vaut 400")


def test_table_scope_contradicting_the_territory(root):
    edit(root, "data/chiffres/tableaux.yml", "effectif: 90", "effectif: 95")
    edit(root, "data/chiffres/tableaux.yml", "pourcentage: 75", "pourcentage: 76")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "demandes"), "ce tableau couvre « demandes » mais totalise 125, alors que « demandes » vaut 120")


def test_bailleur_stock_contradicting_the_stock_table(root):
    edit(root, "data/bailleurs.yml", "logements: 300", "logements: 301")
    _, report = load(root)
    assert_error(report, at(root, "data/chiffres/tableaux.yml", "300"), "300 logements ici, mais 301 pour Allier Habitat dans data/bailleurs.yml")


def test_bailleur_website_and_kind(root):
    edit(root, "data/bailleurs.yml", '"https://www.vichy-habitat.fr"', "www.vichy-habitat.fr")
    edit(root, "data/bailleurs.yml", "nature: reservataire", "nature: reservatiare")
    _, report = load(root)
    assert_error(report, at(root, "data/bailleurs.yml", "www.vichy"), "n'est pas une adresse web valide")
    assert_error(report, at(root, "data/bailleurs.yml", "reservatiare"), "l'une des valeurs « bailleur », « reservataire »")


def test_unknown_file_in_chiffres(root):
    (root / "data" / "chiffres" / "tableau.yml").write_text("tableaux: []\n", encoding="utf-8")
    _, report = load(root)
    assert_error(report, "data/chiffres/tableau.yml", "fichier de chiffres inconnu « tableau.yml »")


def test_csv_without_its_sources(root):
    (root / "data" / "chiffres" / "communes.yml").unlink()
    _, report = load(root)
    assert_error(report, CSV, "les sources des chiffres de communes.csv ne sont pas déclarées")


# ---------------------------------------------------------------------------------------------
# The same rules in the CSV: « line:column », column = 1-based index of the field.
# Header: code_insee(1) commune(2) parc_total(3) t1(4) t2(5) t3(6) t4(7) t5_plus(8)
#         individuel(9) collectif(10) qpv(11) demandes(12) attributions(13) delai_attribution_jours(14)


def test_csv_typology_sum_contradicting_total(root):
    edit(root, CSV, "03310;Vichy;300;30;60;120", "03310;Vichy;300;30;60;125")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:3", "les typologies t1 à t5_plus totalisent 305, mais « parc_total » vaut 300")


def test_csv_individual_plus_collective(root):
    edit(root, CSV, ";50;150;50;", ";50;140;50;")
    _, report = load(root)
    assert_error(report, f"{CSV}:3:3", "individuel et collectif totalisent 190, mais « parc_total » vaut 200")


def test_csv_qpv_above_total(root):
    edit(root, CSV, ";250;100;", ";250;301;")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:11", "les logements en QPV (301) dépassent « parc_total » (300)")


def test_csv_negative_number(root):
    edit(root, CSV, ";80;25;310", ";80;-25;310")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:13", "nombre négatif (-25)")


def test_csv_decimal_in_a_count(root):
    edit(root, CSV, ";80;25;310", ";80,5;25;310")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:12", "un effectif (nombre entier) est attendu ici")


def test_csv_commune_outside_the_territory(root):
    edit(root, CSV, "03310;Vichy", "03190;Vichy")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:1", "la commune 03190 (Moulins) n'est pas membre du territoire")


def test_csv_commune_name_instead_of_code(root):
    edit(root, CSV, "03310;Vichy", "Vichy;Vichy")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:1", "« Vichy » n'est pas un code INSEE de commune")
    assert "vouliez-vous dire Vichy ? écrivez son code INSEE : « 03310 »" in messages(report)


def test_csv_commune_name_not_matching_code(root):
    edit(root, CSV, "03310;Vichy", "03310;Cusset")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:2", "« Cusset » ne correspond pas au code INSEE 03310")


def test_csv_duplicate_commune_rows(root):
    path = root / CSV
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n", encoding="utf-8")
    _, report = load(root)
    assert_error(report, f"{CSV}:4:1", "la commune 03310 (Vichy) apparaît deux fois (première fois ligne 2)")


def test_csv_unknown_column_with_suggestion(root):
    edit(root, CSV, ";attributions;", ";atributions;")
    _, report = load(root)
    assert_error(report, f"{CSV}:1:13", "colonne inconnue « atributions »")
    assert "vouliez-vous dire « attributions » ?" in messages(report)


def test_csv_missing_code_column(root):
    edit(root, CSV, "code_insee;", "")
    _, report = load(root)
    assert_error(report, f"{CSV}:1:1", "la colonne obligatoire « code_insee » manque")


def test_csv_wrong_number_of_fields(root):
    edit(root, CSV, ";15;\n", ";15;;12\n")
    _, report = load(root)
    assert_error(report, f"{CSV}:3:15", "cette ligne compte 15 champ(s), mais l'en-tête en compte 14")


def test_csv_comma_separator_bom_decimal_comma_and_thousands(root):
    path = root / CSV
    path.write_bytes("\ufeffcode_insee,parc_total,delai_attribution_jours\n03310,\"1 300\",\"245,5\"\n03095,200,\n".encode("utf-8"))
    figures, report = load(root)
    assert not [d for d in report.errors if d.location.path == CSV], messages(report)
    assert figures.communes["03310"].get("parc_total") == 1300
    assert figures.communes["03310"].get("delai_attribution_jours") == 245.5


def test_number_reading_helpers():
    assert parse_number("1 332") == 1332 and parse_number(f"4{THIN}717") == 4717
    assert parse_number("3,5") == 3.5 and parse_number("-2") == -2 and parse_number("12 ans") is None
    assert detect_separator("code_insee;parc_total") == ";" and detect_separator("a,b") == "," and detect_separator("a") == ","


# ---------------------------------------------------------------------------------------------
# Stale figures: a warning, with ``today`` and the age limit as parameters.


def test_stale_figures_warn_once_per_source(root):
    _, report = load(root, today=dt.date(2026, 11, 23))
    assert not report.has_errors
    warnings = sorted(str(d.location) + " " + d.message for d in report.warnings)
    assert warnings == [
        f"{at_value(root, 'data/bailleurs.yml', 'millesime: 2022')} chiffres de 2022 (SDES, RPLS 2022) : plus de 3 ans",
        f"{at_value(root, 'data/chiffres/communes.yml', 'millesime: 2022', 2)} chiffres de 2022 (Fichier partagé 2022) : plus de 3 ans",
    ]
    assert load(root, today=dt.date(2026, 11, 23), max_age_years=4)[1].diagnostics == []
    assert load(root, today=dt.date(2025, 12, 31))[1].diagnostics == []


def test_default_data_is_stale_in_2026(default):
    _, report = load(REPO_ROOT, today=dt.date(2026, 11, 23))
    assert len(report.warnings) == 2 and not report.has_errors
    report.promote_warnings()  # what --strict does
    assert report.has_errors


def test_csv_code_that_lost_its_leading_zero(root):
    edit(root, CSV, "03310;Vichy", "3310;Vichy")
    _, report = load(root)
    assert_error(report, f"{CSV}:2:1", "il manque le zéro initial")
    assert "écrivez « 03310 » (Vichy)" in messages(report)


def test_without_today_no_date_check(root):
    edit(root, "data/bailleurs.yml", "millesime: 2022", "millesime: 2010")
    assert load(root, today=None)[1].diagnostics == []
    assert len(load(root, today=dt.date(2024, 6, 1))[1].warnings) == 1


def test_no_cascade_when_communes_yml_is_in_error(root):
    path = root / "data" / "communes.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("nom: Vichy", "nom: Vichi"), encoding="utf-8")
    _, report = load(root)
    assert [str(d.location) for d in report.errors] == [at_value(root, "data/communes.yml", "nom: Vichi")], messages(report)


def test_csv_rows_of_plain_cells_are_validated_without_nodes_as_the_whole_conversion_does(tmp_path):
    """A figures CSV's rows whose cells are plainly right (digits, names, empty) skip the located
    nodes: their records, locations and messages are those of the whole conversion, row by row,
    whatever is in the other rows."""
    from siad.data.figures import CSV_ROW_SCHEMA
    from siad.data.tables import load_csv_records, read_csv_rows

    csv_file = tmp_path / "communes.csv"
    csv_file.write_text(
        "code_insee;commune;parc_total;t1;demandes;delai_attribution_jours\n"
        "03310;Vichy;4717;;1200;245\n"            # plain: digits, a name, an empty cell
        "03095;Cusset; 1 332 ;12;-3;245,5\n"       # grouped thousands, a negative count, a decimal
        "03001;Abrest;1234567890;x;0123;\n"        # ten digits (over a billion), a word where a count goes, a leading zero
        "3001;Abrest;12;;;\n"                      # a plain row (the code's format is checked later)
        "03002;Agonges;1234567890;;;\n"             # otherwise plain, but more than a billion
        ";Sans code;1;;;\n",                       # the required code missing
        encoding="utf-8",
    )
    quick_report, whole_report = Report(), Report()
    quick = load_csv_records(tmp_path, csv_file, CSV_ROW_SCHEMA, quick_report)
    rows = read_csv_rows(tmp_path, csv_file, CSV_ROW_SCHEMA, whole_report)
    whole = [record for record in (CSV_ROW_SCHEMA.convert(row, whole_report) for row in rows) if record is not INVALID]
    assert [(dict(r), r.loc, r.locs) for r in quick] == [(dict(r), r.loc, r.locs) for r in whole]
    assert [d.format() for d in quick_report.diagnostics] == [d.format() for d in whole_report.diagnostics]
    assert [r["code_insee"] for r in quick] == ["03310", "3001"] and quick[0]["parc_total"] == 4717 and "t1" not in quick[0]
    assert any("négatif" in d.message for d in quick_report.diagnostics)
