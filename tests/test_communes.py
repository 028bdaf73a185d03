"""Member communes are checked against the official list shipped with siad."""

from __future__ import annotations

from pathlib import Path

from conftest import run

from siad import reference


def test_shipped_reference_matches_the_official_epci():
    vichy = reference.epci("200071363")
    assert vichy is not None and vichy.name == "CA Vichy Communauté"
    members = reference.epci_members("200071363")
    assert len(members) == 39
    assert {"03310", "03095", "03023"} <= {c.insee for c in members}
    assert reference.commune("03310").postal_codes == ("03200",)


def test_default_communes_are_exactly_the_epci_members(project: Path):
    text = (project / "data" / "communes.yml").read_text(encoding="utf-8")
    codes = {line.split('"')[1] for line in text.splitlines() if "code_insee:" in line}
    assert codes == {c.insee for c in reference.epci_members("200071363")}


def test_a_missing_member_commune_is_a_warning_and_an_error_when_strict(project: Path, tmp_path: Path):
    path = project / "data" / "communes.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('  - code_insee: "03068"\n    nom: Châtelus\n    code_postal: "03120"\n', ""), encoding="utf-8")
    relaxed = run("build", "--source", project, "--out", tmp_path / "out")
    assert relaxed.exit_code == 0, relaxed.output
    assert "avertissement : 1 commune(s) membre(s) de l'EPCI 200071363 manquent à la liste : Châtelus (03068)" in relaxed.stderr
    strict = run("build", "--strict", "--source", project, "--out", tmp_path / "out2")
    assert strict.exit_code == 1
    assert "erreur : 1 commune(s) membre(s)" in strict.stderr
    assert not (tmp_path / "out2").exists()
