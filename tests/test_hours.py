"""Opening hours: the reference cases of Vichy Communauté's plan, validation, OSM, schema.org."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from siad.errors import Location, Report
from siad.hours import (
    APPOINTMENT,
    INVALID,
    PHONE,
    WALK_IN,
    MonthlyException,
    OpeningHours,
    Schedule,
    Slot,
    build_schedule,
    schedule_from_node,
)
from siad.hours_view import is_open, next_opening, notices, week_table
from siad.osm_hours import OsmHoursError, parse_osm, to_osm, to_schema_org
from siad.schema import Field, Schema, Text
from siad.yamlsource import parse_yaml

# --- Reference cases (PPGDID de Vichy Communauté 2024-2029, partie 1.2) --------------

# ADIL03: « Lundi : 9H à 12H et 13H30 à 17H (le 1er et le 3ème lundi ouverture uniquement
# le matin) ; Mardi: 9H à 12H et 13H30 à 16H ; Mercredi - vendredi : 9H à 12H et 13H30 à 17H
# Jeudi : permanence téléphonique toute la journée ». The source is ambiguous about walk-in
# on Thursday (« Mercredi - vendredi » seems to include it): Thursday is modelled as a
# phone line only, 09:00-17:00, with no walk-in.
ADIL03 = """\
horaires:
  lundi: ["09:00-12:00", "13:30-17:00"]
  mardi: ["09:00-12:00", "13:30-16:00"]
  mercredi: ["09:00-12:00", "13:30-17:00"]
  jeudi:
    - plage: "09:00-17:00"
      mode: telephone
  vendredi: ["09:00-12:00", "13:30-17:00"]
  exceptions:
    - jour: lundi
      semaines_du_mois: [1, 3]
      plages: ["09:00-12:00"]
"""

# CDC Habitat: « Ouverture du lundi au vendredi 14h00/15h00 ».
CDC_HABITAT = """\
horaires:
  lundi_a_vendredi: ["14:00-15:00"]
"""

# Maison France Services de Saint-Yorre: « lundi : 9h à 12h30 et 15h30 à 18h30 ; Mardi: 9h
# à 12h30 et 13h30 à 16h ; Mercredi : 9h à 14h ; Jeudi : 9h à 12h30 ; Vendredi : 9h à 12h ».
SAINT_YORRE = """\
horaires:
  lundi: ["9h-12h30", "15h30-18h30"]
  mardi: ["9h-12h30", "13h30-16h"]
  mercredi: "9h-14h"
  jeudi: "9h-12h30"
  vendredi: "9h-12h"
  samedi: fermé
  dimanche: fermé
"""

# Maison des Solidarités départementales de Bellerive-sur-Allier: « Permanences à
# Bellerive/Allier : sur rendez-vous », no hours given.
BELLERIVE = """\
horaires:
  sur_rendez_vous: oui
  remarque: "Permanences à Bellerive-sur-Allier"
"""

# Maison France Services de Vichy: « Horaires d'ouverture (à préciser après labellisation) ».
FRANCE_SERVICES_VICHY = """\
horaires:
  a_confirmer: oui
  remarque: "Horaires à préciser après la labellisation France Services"
"""


def load(text: str) -> tuple[object, Report]:
    report = Report()
    root = parse_yaml(textwrap.dedent(text), "lieu.yml", report)
    assert root is not None, report.diagnostics
    return schedule_from_node(root.entries["horaires"][1], report), report


def schedule(text: str) -> Schedule:
    result, report = load(text)
    assert report.diagnostics == [], [d.format() for d in report.diagnostics]
    assert result is not INVALID
    return result


def h(start: str, end: str, mode: str = WALK_IN) -> Slot:
    def minutes(t: str) -> int:
        hours, minutes_ = t.split(":")
        return int(hours) * 60 + int(minutes_)

    return Slot(minutes(start), minutes(end), mode)


MORNING, AFTERNOON = h("09:00", "12:00"), h("13:30", "17:00")


def test_adil03_model():
    s = schedule(ADIL03)
    assert s.days == (
        (MORNING, AFTERNOON),
        (MORNING, h("13:30", "16:00")),
        (MORNING, AFTERNOON),
        (h("09:00", "17:00", PHONE),),
        (MORNING, AFTERNOON),
        (),
        (),
    )
    assert s.exceptions == (MonthlyException(0, (1, 3), (MORNING,)),)
    assert not s.appointment_only and not s.to_be_confirmed and s.note is None
    assert to_osm(s) == (
        'Mo,We,Fr 09:00-12:00,13:30-17:00; Tu 09:00-12:00,13:30-16:00, '
        'Th 09:00-17:00 "permanence téléphonique"; Mo[1,3] 09:00-12:00'
    )


def test_adil03_week_table():
    rows = week_table(schedule(ADIL03))
    assert [r.label for r in rows] == ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
    assert rows[0].text == "9 h – 12 h et 13 h 30 – 17 h"
    assert rows[0].exceptions == ("Le 1er et le 3e lundi du mois : 9 h – 12 h uniquement",)
    assert rows[1].text == "9 h – 12 h et 13 h 30 – 16 h"
    assert rows[3].text == "9 h – 17 h (permanence téléphonique)"
    assert rows[3].slots[0].mode_label == "permanence téléphonique" and rows[3].slots[0].hours == "9 h – 17 h"
    assert rows[0].slots[0].mode_label is None
    assert rows[5].text == "Fermé" and rows[5].closed and rows[6].closed
    assert all(not r.exceptions for r in rows[1:])


def test_cdc_habitat_one_hour_window():
    s = schedule(CDC_HABITAT)
    assert s.days == ((h("14:00", "15:00"),),) * 5 + ((), ())
    assert to_osm(s) == "Mo-Fr 14:00-15:00"
    assert week_table(s)[4].text == "14 h – 15 h"


def test_saint_yorre_day_by_day_in_french_notation():
    s = schedule(SAINT_YORRE)
    assert s.days == (
        (h("09:00", "12:30"), h("15:30", "18:30")),
        (h("09:00", "12:30"), h("13:30", "16:00")),
        (h("09:00", "14:00"),),
        (h("09:00", "12:30"),),
        (h("09:00", "12:00"),),
        (),
        (),
    )
    assert [r.text for r in week_table(s)][:5] == [
        "9 h – 12 h 30 et 15 h 30 – 18 h 30",
        "9 h – 12 h 30 et 13 h 30 – 16 h",
        "9 h – 14 h",
        "9 h – 12 h 30",
        "9 h – 12 h",
    ]


def test_bellerive_appointment_only_without_hours():
    s = schedule(BELLERIVE)
    assert s == Schedule(appointment_only=True, note="Permanences à Bellerive-sur-Allier")
    assert not s.has_hours
    assert notices(s) == ["Accueil sur rendez-vous uniquement"]
    assert all(r.text == "Fermé" for r in week_table(s))
    assert to_osm(s) == '"sur rendez-vous ; remarque : Permanences à Bellerive-sur-Allier"'
    assert to_schema_org(s, dt.date(2024, 1, 1)) == []
    assert next_opening(s, dt.datetime(2024, 1, 1, 8)) is None


def test_france_services_vichy_to_be_confirmed():
    s = schedule(FRANCE_SERVICES_VICHY)
    assert s.to_be_confirmed and not s.has_hours and not s.appointment_only
    assert notices(s) == ["Horaires pas encore connus"]
    assert to_osm(s) == '"horaires à confirmer ; remarque : Horaires à préciser après la labellisation France Services"'
    # Nothing known at all: the OSM string is empty, and reads back as such.
    assert to_osm(Schedule(to_be_confirmed=True)) == ""
    assert parse_osm("") == Schedule(to_be_confirmed=True)


def test_to_be_confirmed_with_hours_keeps_hours_and_flag():
    s = schedule(
        """\
        horaires:
          lundi_a_vendredi: ["09:00-12:00"]
          a_confirmer: oui
        """
    )
    assert s.to_be_confirmed and s.days[0] == (MORNING,)
    assert notices(s) == ["Horaires à confirmer"]
    assert to_osm(s) == 'Mo-Fr 09:00-12:00 || "horaires à confirmer"'


def test_plugs_into_a_schema_field():
    point = Schema("un lieu d'accueil", {"nom": Field(Text(), required=True), "horaires": Field(OpeningHours())})
    report = Report()
    root = parse_yaml("nom: CDC Habitat\n" + CDC_HABITAT, "lieu.yml", report)
    record = point.convert(root, report)
    assert report.diagnostics == []
    assert record["horaires"] == schedule(CDC_HABITAT)
    assert record.loc_of("horaires") == Location("lieu.yml", 3, 3)


def test_exception_closing_a_day_and_exception_on_a_closed_day():
    s = schedule(
        """\
        horaires:
          mardi_a_jeudi: ["09:00-12:00"]
          exceptions:
            - jour: mercredi
              semaines_du_mois: 2
              plages: fermé
            - jour: samedi
              semaines_du_mois: [1]
              plages: ["10:00-12:00"]
        """
    )
    assert s.exceptions == (MonthlyException(2, (2,), ()), MonthlyException(5, (1,), (h("10:00", "12:00"),)))
    rows = week_table(s)
    assert rows[2].exceptions == ("Le 2e mercredi du mois : fermé",)
    assert rows[5].text == "Fermé" and rows[5].exceptions == ("Le 1er samedi du mois : 10 h – 12 h uniquement",)
    assert to_osm(s) == "Tu-Th 09:00-12:00; We[2] off; Sa[1] 10:00-12:00"


def test_mixed_modes_on_one_day_may_overlap_across_modes():
    s = schedule(
        """\
        horaires:
          jeudi:
            - "09:00-12:00"
            - plage: "09:00-17:00"
              mode: telephone
            - {plage: "14:00-16:00", mode: rendez_vous}
        """
    )
    assert s.days[3] == (MORNING, h("09:00", "17:00", PHONE), h("14:00", "16:00", APPOINTMENT))
    assert to_osm(s) == (
        'Th 09:00-12:00, Th 09:00-17:00 "permanence téléphonique", Th 14:00-16:00 "sur rendez-vous"'
    )
    assert week_table(s)[3].text == "9 h – 12 h, 9 h – 17 h (permanence téléphonique) et 14 h – 16 h (sur rendez-vous)"


# --- Validation: one case per rule, located ------------------------------------------

INVALID_CASES = [
    pytest.param('horaires:\n  lundi: ["9-12"]\n', (2, 11), "n'est pas une plage horaire", id="format"),
    pytest.param('horaires:\n  lundi: ["25:00-26:00"]\n', (2, 11), "les heures vont de 0 à 23", id="hour"),
    pytest.param('horaires:\n  lundi: ["9h75-12h"]\n', (2, 11), "les minutes vont de 00 à 59", id="minute"),
    pytest.param('horaires:\n  lundi: ["14:00-12:00"]\n', (2, 11), "se termine avant de commencer", id="order"),
    pytest.param('horaires:\n  lundi: ["12:00-12:00"]\n', (2, 11), "dure zéro minute", id="empty-range"),
    pytest.param(
        'horaires:\n  lundi:\n    - "09:00-12:00"\n    - "11:00-13:00"\n', (4, 7), "chevauche la plage 09:00-12:00 (ligne 3)", id="overlap"
    ),
    pytest.param('horaires:\n  lundy: ["09:00-12:00"]\n', (2, 3), "clé inconnue « lundy »", id="unknown-day"),
    pytest.param(
        'horaires:\n  lundi: ["09:00-12:00"]\n  exceptions:\n    - jour: lundi\n      semaines_du_mois: [1, 6]\n      plages: fermé\n',
        (5, 29),
        "la semaine 6 du mois n'existe pas",
        id="week-rank",
    ),
    pytest.param('horaires:\n  remarque: "Bientôt"\n', (2, 3), "aucun horaire n'est indiqué", id="empty-schedule"),
    pytest.param(
        'horaires:\n  jeudi:\n    - plage: "09:00-17:00"\n      mode: telephonne\n', (4, 13), "mode inconnu « telephonne »", id="mode"
    ),
    pytest.param(
        'horaires:\n  lundi_a_vendredi: ["09:00-12:00"]\n  mercredi: ["14:00-17:00"]\n', (3, 3), "déjà indiqué ligne 2", id="day-twice"
    ),
    pytest.param('horaires:\n  vendredi_a_lundi: ["09:00-12:00"]\n', (2, 3), "dans le désordre", id="reversed-span"),
    pytest.param(
        'horaires:\n  exceptions:\n    - jour: lundy\n      semaines_du_mois: 1\n      plages: ["09:00-12:00"]\n',
        (3, 13),
        "jour inconnu « lundy »",
        id="exception-day",
    ),
    pytest.param(
        'horaires:\n  exceptions:\n    - jour: lundi\n      semaines_du_mois: 1\n      plages: ["09:00-12:00"]\n'
        '    - jour: lundi\n      semaines_du_mois: [1, 3]\n      plages: fermé\n',
        (7, 25),
        "deux exceptions différentes visent la semaine 1 du lundi",
        id="exception-twice",
    ),
    pytest.param('horaires:\n  lundi:\n  mardi: ["09:00-12:00"]\n', (2, 9), "« lundi » n'a pas de valeur", id="day-without-value"),
    pytest.param(
        'horaires:\n  sur_rendez_vous: oui\n  remarque: Fermé le "vendredi saint"\n', (3, 13), "guillemet droit", id="note-quote"
    ),
    pytest.param("horaires: 12\n", (1, 11), "des horaires est attendu ici", id="wrong-type"),
    pytest.param('horaires: "Mo-Fr 09:00-12:00; PH off"\n', (1, 31), "« PH » n'est pas pris en charge", id="osm-unsupported"),
    pytest.param("horaires: Mo-Fr 09:00-12:00; Jan off\n", (1, 30), "« Jan » n'est pas pris en charge", id="osm-plain"),
    pytest.param('horaires: ""\n', (1, 11), "les horaires sont vides", id="osm-empty"),
]


@pytest.mark.parametrize("text, position, phrase", INVALID_CASES)
def test_invalid(text, position, phrase):
    result, report = load(text)
    assert result is INVALID
    assert len(report.errors) == 1, [d.format() for d in report.diagnostics]
    error = report.errors[0]
    assert (error.location.line, error.location.col) == position, error.format()
    assert phrase in error.message, error.format()
    assert error.hint


def test_unknown_day_suggests_the_right_name():
    _, report = load('horaires:\n  lundy: ["09:00-12:00"]\n')
    assert report.errors[0].hint == "vouliez-vous dire « lundi » ?"
    _, report = load('horaires:\n  lundi_au_vendredi: ["09:00-12:00"]\n')
    assert report.errors[0].hint == "vouliez-vous dire « lundi_a_vendredi » ?"
    _, report = load('horaires:\n  exceptions:\n    - jour: Jeudi\n      semaines_du_mois: 1\n      plages: fermé\n')
    assert report.errors[0].hint == "vouliez-vous dire « jeudi » ?"


def test_every_problem_is_reported_at_once():
    _, report = load('horaires:\n  lundi: ["9-12"]\n  mardi: ["14:00-12:00"]\n  samedy: ["09:00-12:00"]\n')
    assert [(d.location.line, d.location.col) for d in report.errors] == [(2, 11), (3, 11), (4, 3)]


@pytest.mark.parametrize("written", ["09:00-12:00", "9:00-12:00", "9h-12h", "9h00 - 12h00", "9 h à 12 h", "09H00/12H00", "9:00–12:00"])
def test_accepted_time_notations(written):
    assert schedule(f'horaires:\n  lundi: "{written}"\n').days[0] == (MORNING,)


# --- OpenStreetMap opening_hours -----------------------------------------------------

def test_parse_osm_vichy_habitat():
    s = parse_osm("Mo-Th 09:00-12:00,14:00-17:30; Fr 09:00-12:00")
    assert s.days == ((MORNING, h("14:00", "17:30")),) * 4 + ((MORNING,), (), ())
    assert s == schedule('horaires:\n  lundi_a_jeudi: ["9h00/12h00", "14h00/17h30"]\n  vendredi: 9h-12h\n')


def test_parse_osm_adil03_matches_the_structured_form():
    text = 'Mo-We,Fr 09:00-12:00,13:30-17:00; Tu 09:00-12:00,13:30-16:00; Th 09:00-17:00 "permanence téléphonique"; Mo[1,3] 09:00-12:00'
    assert parse_osm(text) == schedule(ADIL03)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mo-Fr 09:00-12:00; We off", {0: [MORNING], 1: [MORNING], 3: [MORNING], 4: [MORNING]}),
        ("Mo-Fr 09:00-12:00; We 14:00-17:00", {0: [MORNING], 1: [MORNING], 2: [h("14:00", "17:00")], 3: [MORNING], 4: [MORNING]}),
        ("Mo-Fr 09:00-12:00, We 14:00-17:00", {d: [MORNING] for d in range(5)} | {2: [MORNING, h("14:00", "17:00")]}),
        ("Sa-Mo 10:00-12:00", {5: [h("10:00", "12:00")], 6: [h("10:00", "12:00")], 0: [h("10:00", "12:00")]}),
        ("Mo,We 09:00-12:00", {0: [MORNING], 2: [MORNING]}),
        ("09:00-12:00", {d: [MORNING] for d in range(7)}),
        ('Th 09:00-17:00 "Permanence téléphonique"', {3: [h("09:00", "17:00", PHONE)]}),
        ('Tu 14:00-16:00 "sur rendez-vous"', {1: [h("14:00", "16:00", APPOINTMENT)]}),
    ],
)
def test_parse_osm_rules(text, expected):
    assert parse_osm(text) == build_schedule(expected)


def test_parse_osm_monthly_ranks():
    s = parse_osm("Mo 09:00-12:00,13:30-17:00; Mo[1-2] 09:00-12:00; Mo[4] off")
    assert s.exceptions == (MonthlyException(0, (1, 2), (MORNING,)), MonthlyException(0, (4,), ()))
    # A later plain rule for the same day replaces its monthly exceptions (OSM semantics).
    assert parse_osm("Mo[1] 09:00-12:00; Mo 14:00-17:00").exceptions == ()
    # An additional rule adds to the exception days too.
    s = parse_osm('Mo 09:00-12:00; Mo[1] off, Mo 14:00-17:00 "permanence téléphonique"')
    assert s.exceptions == (MonthlyException(0, (1,), (h("14:00", "17:00", PHONE),)),)


def test_parse_osm_flags():
    assert parse_osm('"sur rendez-vous"') == Schedule(appointment_only=True)
    s = parse_osm('Mo 09:00-12:00 || "sur rendez-vous ; horaires à confirmer ; remarque : accès par la cour ; code 12"')
    assert s.appointment_only and s.to_be_confirmed and s.note == "accès par la cour ; code 12"
    assert parse_osm('"Fermé pendant les travaux"').note == "Fermé pendant les travaux"


@pytest.mark.parametrize(
    "text, offset, phrase",
    [
        ("Mo-Fr 09:00-12:00; PH off", 19, "« PH » n'est pas pris en charge"),
        ("Mo-Fr,PH 09:00-12:00", 6, "« PH » n'est pas pris en charge"),
        ("24/7", 0, "« 24/7 » n'est pas pris en charge"),
        ("Jan-Mar Mo 09:00-12:00", 0, "« Jan-Mar » n'est pas pris en charge"),
        ("Mo 09:00+", 3, "« 09:00+ » n'est pas pris en charge"),
        ("Mo[-1] 09:00-12:00", 2, "« [-1] » n'est pas pris en charge"),
        ("Mo[6] 09:00-12:00", 2, "le rang 6 n'existe pas"),
        ("Mo-Fr", 0, "des jours sans heures"),
        ("Mo 25:00-26:00", 3, "les heures vont de 0 à 23"),
        ("Mo 14:00-12:00", 3, "se termine avant de commencer"),
        ("Mo 09:00-12:00,11:00-13:00", 15, "chevauche la plage 09:00-12:00"),
        ('Mo 09:00-12:00 "fermé l\'été"', 15, "le commentaire « fermé l'été » n'est pas compris"),
        ('Mo 09:00-12:00 "sur rendez-vous', 15, "guillemet non fermé"),
        ('"sur rendez-vous"; Mo 09:00-12:00', 0, "n'est compris qu'en dernier"),
    ],
)
def test_parse_osm_errors(text, offset, phrase):
    with pytest.raises(OsmHoursError) as caught:
        parse_osm(text)
    assert caught.value.offset == offset, caught.value.message
    assert phrase in caught.value.message
    assert caught.value.hint


def test_lowercase_osm_days_get_a_specific_hint():
    with pytest.raises(OsmHoursError) as caught:
        parse_osm("mo-fr 09:00-12:00")
    assert caught.value.offset == 0 and "Mo, Tu, We" in caught.value.hint


def test_unsupported_osm_hint_points_to_the_structured_form():
    with pytest.raises(OsmHoursError) as caught:
        parse_osm("Mo-Fr 09:00-12:00; Sa 10:00-12:00/15")
    assert "lundi: [\"09:00-12:00\"" in caught.value.hint


# --- Round trips ---------------------------------------------------------------------

ROUND_TRIP = [
    ADIL03,
    CDC_HABITAT,
    SAINT_YORRE,
    BELLERIVE,
    FRANCE_SERVICES_VICHY,
    # Vichy Habitat
    'horaires:\n  lundi_a_jeudi: ["09:00-12:00", "14:00-17:30"]\n  vendredi: ["09:00-12:00"]\n',
    # Evoléa
    'horaires:\n  lundi_a_jeudi: ["13:30-17:00"]\n  vendredi: ["09:00-12:00"]\n',
    # Saint-Germain-des-Fossés
    'horaires:\n  lundi: "13h-17h"\n  jeudi: "13h-17h"\n  mardi: ["8h30-12h30", "13h-17h"]\n  mercredi: "8h30-12h30"\n  vendredi: "8h30-12h30"\n',
    # Le Mayet-de-Montagne
    'horaires:\n  lundi_a_mardi: ["9h-12h", "13h-17h"]\n  mercredi: ["9h-12h", "14h-18h"]\n  jeudi_a_vendredi: ["9h-12h", "13h-17h"]\n',
    'horaires:\n  lundi_a_vendredi: ["09:00-12:00"]\n  a_confirmer: oui\n  remarque: "Horaires provisoires ; à vérifier"\n',
    'horaires:\n  mardi: ["09:00-12:00"]\n  sur_rendez_vous: oui\n',
    'horaires:\n  exceptions:\n    - {jour: samedi, semaines_du_mois: [2, 4], plages: ["09:00-12:00"]}\n',
    'horaires:\n  lundi_a_dimanche: ["08:00-20:00"]\n  exceptions:\n'
    '    - {jour: dimanche, semaines_du_mois: [1, 2, 3, 4, 5], plages: fermé}\n'
    '    - {jour: lundi, semaines_du_mois: [2], plages: [{plage: "10:00-11:00", mode: rendez_vous}, "14:00-15:00"]}\n',
    'horaires:\n  jeudi: ["09:00-12:00", {plage: "09:00-17:00", mode: telephone}, {plage: "14:00-16:00", mode: rendez_vous}]\n'
    '  vendredi: [{plage: "09:00-17:00", mode: telephone}]\n',
    'horaires:\n  lundi: ["00:00-23:59"]\n  exceptions:\n    - {jour: lundi, semaines_du_mois: [1], plages: ["09:00-12:00"]}\n'
    '    - {jour: lundi, semaines_du_mois: [3], plages: ["09:00-12:00"]}\n    - {jour: lundi, semaines_du_mois: 5, plages: fermé}\n',
    'horaires:\n  sur_rendez_vous: oui\n  a_confirmer: oui\n  remarque: "sur rendez-vous"\n',
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip(text):
    s = schedule(text)
    assert parse_osm(to_osm(s)) == s
    assert to_osm(parse_osm(to_osm(s))) == to_osm(s)


def test_exceptions_with_the_same_hours_are_grouped():
    s = schedule(ROUND_TRIP[-2])
    assert [e.weeks for e in s.exceptions] == [(1, 3), (5,)]
    assert to_osm(s) == "Mo 00:00-23:59; Mo[1,3] 09:00-12:00; Mo[5] off"


# --- schema.org ----------------------------------------------------------------------

def test_schema_org_adil03_over_eight_weeks():
    start = dt.date(2024, 1, 1)  # a Monday, and the 1st Monday of January
    specs = to_schema_org(schedule(ADIL03), start, weeks=8)
    regular = [s for s in specs if "validFrom" not in s]
    dated = [s for s in specs if "validFrom" in s]
    days = [start + dt.timedelta(days=i) for i in range(56)]
    expected = [d.isoformat() for d in days if d.weekday() == 0 and (d.day <= 7 or 15 <= d.day <= 21)]
    assert expected == ["2024-01-01", "2024-01-15", "2024-02-05", "2024-02-19"]
    assert [s["validFrom"] for s in dated] == expected
    assert all(
        s == {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "09:00",
            "closes": "12:00",
            "validFrom": s["validFrom"],
            "validThrough": s["validFrom"],
        }
        for s in dated
    )
    monday, tuesday, wednesday, thursday, friday = (f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
    assert regular == [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": [monday, tuesday, wednesday, friday], "opens": "09:00", "closes": "12:00"},
        {"@type": "OpeningHoursSpecification", "dayOfWeek": [monday, wednesday, friday], "opens": "13:30", "closes": "17:00"},
        {"@type": "OpeningHoursSpecification", "dayOfWeek": [tuesday], "opens": "13:30", "closes": "16:00"},
    ]
    # The Thursday phone line is not a walk-in opening.
    assert all(thursday not in s["dayOfWeek"] for s in specs)
    assert to_schema_org(schedule(ADIL03), start, weeks=8) == specs


def test_schema_org_closed_date_and_range_bounds():
    s = parse_osm("Mo-Fr 09:00-12:00; We[2] off")
    assert [x for x in to_schema_org(s, dt.date(2024, 3, 14), weeks=1) if "validFrom" in x] == []  # 14-20 March
    dated = [x for x in to_schema_org(s, dt.date(2024, 3, 1), weeks=2) if "validFrom" in x]
    assert [(x["validFrom"], x["opens"], x["closes"]) for x in dated] == [("2024-03-13", "00:00", "00:00")]


# --- Open now / next opening ---------------------------------------------------------

def test_is_open_adil03():
    s = schedule(ADIL03)
    assert is_open(s, dt.datetime(2024, 1, 1, 10, 0))  # 1st Monday, morning
    assert not is_open(s, dt.datetime(2024, 1, 1, 14, 0))  # 1st Monday, afternoon: closed
    assert is_open(s, dt.datetime(2024, 1, 8, 14, 0))  # 2nd Monday, afternoon: open
    assert not is_open(s, dt.datetime(2024, 1, 15, 14, 0))  # 3rd Monday
    assert not is_open(s, dt.datetime(2024, 1, 8, 12, 0))  # end excluded
    assert not is_open(s, dt.datetime(2024, 1, 4, 10, 0))  # Thursday: phone only
    assert not is_open(s, dt.datetime(2024, 1, 6, 10, 0))  # Saturday


def test_next_opening_adil03():
    s = schedule(ADIL03)
    assert next_opening(s, dt.datetime(2024, 1, 1, 12, 0)) == dt.datetime(2024, 1, 2, 9, 0)  # 1st Monday: no afternoon
    assert next_opening(s, dt.datetime(2024, 1, 8, 12, 0)) == dt.datetime(2024, 1, 8, 13, 30)  # 2nd Monday
    assert next_opening(s, dt.datetime(2024, 1, 8, 13, 30)) == dt.datetime(2024, 1, 8, 13, 30)
    assert next_opening(s, dt.datetime(2024, 1, 3, 17, 0)) == dt.datetime(2024, 1, 5, 9, 0)  # skips the phone Thursday
    assert next_opening(s, dt.datetime(2024, 1, 5, 17, 0)) == dt.datetime(2024, 1, 8, 9, 0)
    paris = dt.timezone(dt.timedelta(hours=1))
    assert next_opening(s, dt.datetime(2024, 1, 6, 8, 0, tzinfo=paris)) == dt.datetime(2024, 1, 8, 9, 0, tzinfo=paris)


def test_appointment_only_place_is_never_open_for_walk_in():
    s = schedule('horaires:\n  mardi: ["09:00-12:00"]\n  sur_rendez_vous: oui\n')
    assert not is_open(s, dt.datetime(2024, 1, 2, 10, 0))
    assert next_opening(s, dt.datetime(2024, 1, 1)) is None
    assert week_table(s)[1].text == "9 h – 12 h"


def test_day_pieces_say_the_same_as_the_day_text():
    """The week table wraps each time range in a span that never breaks; the words stay those of ``text``."""

    schedule = parse_osm("Mo 09:00-12:00,13:30-17:00; Tu 09:00-10:00,11:00-12:00,14:00-15:00; We 08:00-09:00")
    for row in week_table(schedule):
        assert "".join(hours + after for hours, after in row.pieces) == (row.text if row.slots else ""), row.day
    assert week_table(schedule)[1].pieces == [("9 h – 10 h", ", "), ("11 h – 12 h", " et "), ("14 h – 15 h", "")]


@pytest.mark.parametrize("text", [*ROUND_TRIP, "Mo-Fr 09:00-12:00; We[2] off", "Tu[1-5] 10:00-11:00", "Mo-Su 08:00-20:00"])
def test_schema_org_dated_specs_are_the_dates_whose_walk_in_hours_differ_from_their_weekday(text: str) -> None:
    """Over a year of start dates: a dated spec for each date, and only those, whose walk-in slots
    differ from its weekday's (only weekdays with a monthly exception are looked at: the same result)."""
    s = schedule(text) if text in ROUND_TRIP else parse_osm(text)
    regular = [tuple(x for x in day if x.mode == "accueil") if not s.appointment_only else () for day in s.days]
    for start in (dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 366, 5)):
        days = [start + dt.timedelta(days=i) for i in range(14)]
        expected = [d.isoformat() for d in days if s.walk_in_on(d) != regular[d.weekday()]]
        dated = [x["validFrom"] for x in to_schema_org(s, start, weeks=2) if "validFrom" in x]
        assert sorted(set(dated)) == expected, (text, start)
