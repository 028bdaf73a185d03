"""Supporting documents (``data/pieces.yml``): the shipped list, and located errors for broken files.

Line numbers in comments (« l. 1021 ») refer to shared/seeds/004_90d20d3e93073609.txt,
the text extracted from the PPGDID of Vichy Communauté 2024-2029 (annex 2).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from siad.data.documents import Documents, Piece, load_documents
from siad.errors import Location, Report

REPO_ROOT = Path(__file__).resolve().parent.parent
REL = "data/pieces.yml"


@pytest.fixture(scope="module")
def shipped() -> Documents:
    report = Report()
    documents = load_documents(REPO_ROOT, REPO_ROOT / "data", report)
    assert report.diagnostics == []
    assert documents is not None
    return documents


def load(tmp_path: Path, text: str) -> tuple[Documents | None, Report]:
    base = tmp_path / "data"
    base.mkdir(exist_ok=True)
    (base / "pieces.yml").write_text(text, encoding="utf-8")
    report = Report()
    return load_documents(tmp_path, base, report), report


def only_error(report: Report):
    assert len(report.diagnostics) == 1, [d.format() for d in report.diagnostics]
    diagnostic = report.diagnostics[0]
    assert diagnostic.severity == "erreur"
    return diagnostic


VALID = """\
source: "Test"
obligatoires:
  - cle: identite
    libelle: "Pièce d'identité"
complementaires:
  - cle: logement_actuel
    nom: "Logement actuel"
    situations:
      - cle: locataire
        libelle: "Vous êtes locataire"
        pieces:
          - libelle: "Bail"
"""


# --- the shipped list -------------------------------------------------------------------------


def test_shipped_counts(shipped: Documents):
    assert [p.key for p in shipped.mandatory] == ["identite", "tutelle_curatelle", "droit_au_sejour", "avis_imposition"]
    assert [g.key for g in shipped.groups] == [
        "situation_familiale",
        "situation_professionnelle",
        "ressources",
        "logement_actuel",
        "motif_demande",
    ]
    # l. 1048-1052, 1060-1062, 1069-1079, 1085-1090, 1096-1114 (the ASE point spans l. 1104-1105)
    assert [len(g.situations) for g in shipped.groups] == [5, 3, 8, 6, 17]
    assert len(shipped.situation_keys()) == 39
    assert len(shipped.notes) == 5


def test_every_key_is_unique_and_well_formed(shipped: Documents):
    keys = [p.key for p in shipped.mandatory] + [g.key for g in shipped.groups] + list(shipped.situation_keys())
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", k) for k in keys)
    for group in shipped.groups:
        assert group.introduction
        for situation in group.situations:
            assert situation.pieces, situation.key


def test_mandatory_identity_and_residence(shipped: Documents):
    identity = shipped.mandatory[0]
    # l. 1021: adults' identity card or passport, family record book or birth certificate for minors
    assert "passeport" in identity.label and "livret de famille ou acte de naissance" in identity.label
    # l. 1022
    assert shipped.mandatory[1].label == "Le cas échéant, jugement de tutelle ou de curatelle"
    residence = shipped.mandatory[2]
    # l. 1023-1026: four cases c) to f)
    assert len(residence.special_cases) == 4
    assert "L. 121-1 et L. 122-1" in residence.special_cases[0]
    assert "article 2 de l'arrêté" in residence.special_cases[3]


def test_mandatory_tax_notice_and_its_special_cases(shipped: Documents):
    tax = shipped.mandatory[3]
    # l. 1029
    assert "(N-2)" in tax.label
    # l. 1027: within the meaning of L. 442-12
    assert "L. 442-12" in tax.detail
    # l. 1031 (b), 1035 (c), 1036-1038 (d), 1040 (e)
    assert len(tax.special_cases) == 4
    abroad, destitute, protection, recent = tax.special_cases
    assert "traduits en français et les revenus convertis en euros" in abroad
    assert "attestation de situation d'indigence" in destitute
    assert "OFPRA" in protection and "attestation sur l'honneur" in protection
    assert "arrivées récemment" in recent


def test_complementary_pieces_against_the_source(shipped: Documents):
    # l. 1051
    assert shipped.situation("enfant_attendu").pieces == (
        Piece("Certificat de grossesse attestant une grossesse de plus de douze semaines"),
    )
    # l. 1060
    assert shipped.situation("etudiant").pieces[0].label == "Carte d'étudiant"
    # l. 1068: the last tax notice, whatever the source of income
    resources = shipped.groups[2]
    assert len(resources.common_pieces) == 1 and "dernier avis d'imposition" in resources.common_pieces[0].label
    # l. 1069
    assert shipped.situation("salarie").pieces[0].label == "Bulletins de salaire des trois derniers mois ou attestation de l'employeur"
    # l. 1085: « bail et quittance » → two pieces
    tenant = shipped.situation("locataire")
    assert [p.label for p in tenant.pieces][0] == "Bail" and len(tenant.pieces) == 2
    # l. 1104-1105: the ASE point, rebuilt from two overlapping lines
    assert "L. 222-5 du code de l'action sociale et des familles" in shipped.situation("aide_sociale_enfance").detail
    # l. 1107: the three commissions kept in the official wording
    assert "commission technique d'orientation" in shipped.situation("handicap").pieces[0].detail
    # l. 1114, the last point of the list
    assert shipped.situation_keys()[-1] == "rapprochement_travail"
    assert shipped.situation("inconnue") is None


def test_missing_file_is_not_an_error(tmp_path: Path):
    (tmp_path / "data").mkdir()
    report = Report()
    assert load_documents(tmp_path, tmp_path / "data", report) is None
    assert report.diagnostics == []


def test_minimal_file_loads(tmp_path: Path):
    documents, report = load(tmp_path, VALID)
    assert report.diagnostics == []
    assert documents.situation_keys() == ("locataire",)
    assert documents.mandatory[0].special_cases == ()


# --- one invalid file per rule ----------------------------------------------------------------


def test_bad_key_format(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace("cle: locataire", "cle: Locataire en titre"))
    error = only_error(report)
    assert documents is None
    assert error.location == Location(REL, 9, 14)
    assert "n'est pas un identifiant valide" in error.message
    assert "minuscules" in error.hint


def test_duplicate_situation_key_across_groups(tmp_path: Path):
    text = VALID + """\
  - cle: motif_demande
    nom: "Motif"
    situations:
      - cle: locataire
        libelle: "Autre"
        pieces:
          - libelle: "Bail"
"""
    documents, report = load(tmp_path, text)
    error = only_error(report)
    assert documents is None
    assert error.location == Location(REL, 16, 14)
    assert "la clé « locataire » est déjà utilisée ligne 9 (par une situation)" in error.message
    assert "unique dans tout le fichier" in error.hint


def test_situation_key_equal_to_a_mandatory_piece_key(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace("cle: locataire", "cle: identite"))
    error = only_error(report)
    assert error.location == Location(REL, 9, 14)
    assert "déjà utilisée ligne 3 (par une pièce obligatoire)" in error.message


def test_unknown_key_suggests_the_right_one(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('          - libelle: "Bail"', '          - libele: "Bail"'))
    messages = [(d.location, d.message, d.hint) for d in report.diagnostics]
    assert documents is None
    assert (Location(REL, 12, 13), "clé inconnue « libele » dans une pièce", "vouliez-vous dire « libelle » ?") in messages


def test_unknown_top_level_key(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace("complementaires:", "complementaire:"))
    messages = [(d.location, d.message, d.hint) for d in report.diagnostics]
    assert documents is None
    assert (Location(REL, 5, 1), "clé inconnue « complementaire » dans pieces.yml", "vouliez-vous dire « complementaires » ?") in messages


def test_empty_pieces_list(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('        pieces:\n          - libelle: "Bail"\n', "        pieces: []\n"))
    error = only_error(report)
    assert documents is None
    assert error.location == Location(REL, 11, 17)
    assert error.message == "la liste des pièces est vide"
    assert "au moins une pièce" in error.hint


def test_empty_mandatory_list(tmp_path: Path):
    text = VALID.replace("obligatoires:\n  - cle: identite\n    libelle: \"Pièce d'identité\"\n", "obligatoires: []\n")
    documents, report = load(tmp_path, text)
    error = only_error(report)
    assert error.location == Location(REL, 2, 15)
    assert error.message == "la liste des pièces obligatoires est vide"


def test_empty_special_cases(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace("    libelle: \"Pièce d'identité\"\n", "    libelle: \"Pièce d'identité\"\n    cas_particuliers: []\n"))
    error = only_error(report)
    assert error.location == Location(REL, 5, 23)
    assert error.message == "la liste « cas_particuliers » est vide"


def test_missing_pieces(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('        pieces:\n          - libelle: "Bail"\n', ""))
    error = only_error(report)
    assert documents is None
    assert error.location == Location(REL, 9, 9)
    assert error.message == "la clé obligatoire « pieces » manque dans une situation"
    assert "pieces:" in error.hint


def test_empty_label(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('libelle: "Vous êtes locataire"', "libelle:"))
    error = only_error(report)
    assert error.location == Location(REL, 10, 17)
    assert "« libelle » est obligatoire mais n'a pas de valeur" in error.message


def test_same_key_twice_in_one_block(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('    nom: "Logement actuel"\n', '    nom: "Logement actuel"\n    nom: "Logement"\n'))
    error = only_error(report)
    assert error.location == Location(REL, 8, 5)
    assert "apparaît deux fois" in error.message


def test_pieces_written_as_text_instead_of_a_list(tmp_path: Path):
    documents, report = load(tmp_path, VALID.replace('        pieces:\n          - libelle: "Bail"\n', '        pieces: "Bail"\n'))
    error = only_error(report)
    assert documents is None
    assert error.location == Location(REL, 11, 17)
    assert "« - »" in error.hint
