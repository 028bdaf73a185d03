"""data/territoire.yml: the territory's delays and renewal rules, shown with their source."""

from __future__ import annotations

from pathlib import Path

from conftest import run


def test_delays_shortcode_shows_values_source_and_gaps(project: Path, tmp_path: Path):
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "renouveler-sa-demande" / "index.html").read_text(encoding="utf-8")
    assert "<dd>au plus tard 30 jours</dd>" in page
    assert "<dt>Délai anormalement long fixé par le préfet</dt>\n  <dd>non publié</dd>" in page
    assert "<dd>2 mois après la date anniversaire</dd>" in page
    assert "Source : PPGDID de Vichy Communauté 2024-2029, 29 février 2024." in page


def test_invalid_delay_is_located(project: Path, tmp_path: Path):
    path = project / "data" / "territoire.yml"
    text = path.read_text(encoding="utf-8").replace("delai_enregistrement_jours: 30", "delai_enregistrement_jours: -3")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("delai_enregistrement_jours: -3") + 1
    result = run("check", "--source", project)
    assert result.exit_code == 1
    assert f"data/territoire.yml:{line}:29: erreur : la valeur -3 est hors limites" in result.stderr


def test_delays_shortcode_without_territory_file_is_an_error(project: Path):
    (project / "data" / "territoire.yml").unlink()
    result = run("check", "--source", project)
    assert result.exit_code == 1
    assert "content/renouveler-sa-demande.md:" in result.stderr
    assert "le bloc « delais » a besoin du fichier data/territoire.yml" in result.stderr
