"""Reception points: hours, accessibility and freshness, as applicants and staff see them."""

from __future__ import annotations

from pathlib import Path

from conftest import run


def test_hours_table_on_point_pages(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    adil = (out / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")
    assert "<caption>Horaires d'ouverture de ADIL03</caption>" in adil
    assert "Le 1er et le 3e lundi du mois : 9 h – 12 h uniquement" in adil
    assert "9 h – 17 h (permanence téléphonique)" in adil
    cdc = (out / "lieux" / "cdc-habitat" / "index.html").read_text(encoding="utf-8")
    assert cdc.count("14 h – 15 h") == 5  # the one-hour window, Monday to Friday
    bellerive = (out / "lieux" / "maison-solidarites-bellerive-sur-allier" / "index.html").read_text(encoding="utf-8")
    assert "Accueil sur rendez-vous uniquement" in bellerive


def test_the_default_project_warns_only_of_real_gaps_of_its_source(project: Path, tmp_path: Path):
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if ": avertissement : " in line]
    assert len(warnings) == 4, warnings
    assert sum("sont à confirmer" in line for line in warnings) == 2  # Allier Habitat, France Services Vichy
    assert sum("chiffres de 2022" in line and "plus de 3 ans" in line for line in warnings) == 2  # RPLS, AURA HLM
    strict = run("build", "--strict", "--source", project, "--out", tmp_path / "strict")
    assert strict.exit_code == 1
    assert not (tmp_path / "strict").exists()


def test_a_record_not_checked_for_a_year_is_a_warning(project: Path, tmp_path: Path, monkeypatch):
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(point.read_text(encoding="utf-8") + "verifie_le: 2024-02-29\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: 22 months later
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0
    line = point.read_text(encoding="utf-8").count("\n")
    assert f"data/lieux/evolea.yml:{line}:13: avertissement : la fiche « Evoléa » n'a pas été vérifiée depuis le 2024-02-29" in result.stderr
    page = (tmp_path / "out" / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    assert "Informations vérifiées le 29 février 2024." in page

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01: 11 months later, no warning
    recent = run("build", "--source", project, "--out", tmp_path / "out2")
    assert "n'a pas été vérifiée" not in recent.stderr


def test_accessibility_block(project: Path, tmp_path: Path):
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(
        point.read_text(encoding="utf-8")
        + "accessibilite:\n  plain_pied: oui\n  acceslibre: https://acceslibre.beta.gouv.fr/app/03-vichy/a/exemple/\n",
        encoding="utf-8",
    )
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "lieux" / "evolea" / "index.html").read_text(encoding="utf-8")
    assert "Entrée : de plain-pied ou par une rampe" in page
    assert 'href="https://acceslibre.beta.gouv.fr/app/03-vichy/a/exemple/"' in page
