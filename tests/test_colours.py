"""Brand colours of siad.yml: checked against WCAG contrast ratios at build time, then applied to both modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run

from siad.colours import contrast, nearest_passing


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic lightest AA grey on white
    assert contrast("#777777", "#ffffff") < 4.5
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)
    fix = nearest_passing("#7aa0ff", ["#ffffff"], 4.5)
    assert fix is not None and contrast(fix, "#ffffff") >= 4.5


def _with_colours(project: Path, block: str) -> Path:
    config = project / "siad.yml"
    config.write_text(config.read_text(encoding="utf-8") + "couleurs:\n" + block, encoding="utf-8")
    return config


def test_configured_colours_reach_both_modes(project: Path, tmp_path: Path):
    _with_colours(project, '  principale: "#6a1b4d"\n  lien: "#6a1b4d"\n  principale_sombre: "#f5b8d8"\n  lien_sombre: "#f5b8d8"\n')
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    css_files = list((tmp_path / "out" / "assets" / "css").glob("couleurs.*.css"))
    assert len(css_files) == 1 and f'href="assets/css/{css_files[0].name}"' in home
    css = css_files[0].read_text(encoding="utf-8")
    assert "--brand: #6a1b4d;" in css and "--link: #6a1b4d;" in css
    assert "@media (prefers-color-scheme: dark)" in css and "--brand: #f5b8d8;" in css


def test_without_colours_no_extra_stylesheet(project: Path, tmp_path: Path):
    assert run("build", "--source", project, "--out", tmp_path / "out").exit_code == 0
    assert not list((tmp_path / "out" / "assets" / "css").glob("couleurs.*.css"))
    assert "couleurs." not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("block", "where", "expected"),
    [
        # a light link colour on white: text contrast
        ('  lien: "#7aa0ff"\n', (2, 9), "contraste insuffisant : « lien » #7aa0ff sur le fond de page clair #ffffff donne 2,53:1"),
        # white text on a pale brand colour (the text colour is the theme's, the brand is configured)
        ('  principale: "#9cc2ff"\n', (2, 15), "contraste insuffisant : « texte_sur_principale » #ffffff sur la couleur « principale » #9cc2ff donne 1,81:1"),
        # a dark-mode link too dark on the dark background
        ('  lien_sombre: "#1f4e8c"\n', (2, 16), "contraste insuffisant : « lien_sombre » #1f4e8c sur le fond de page sombre #15181c donne 2,14:1"),
        # a brand colour that disappears against the page (UI component, 3:1)
        ('  principale: "#f0f0f0"\n  texte_sur_principale: "#000000"\n', (2, 15), "contraste insuffisant : « principale » #f0f0f0 sur le fond de page clair #ffffff donne 1,13:1"),
    ],
)
def test_a_failing_colour_is_a_located_error_with_its_ratio_and_a_fix(project: Path, tmp_path: Path, block: str, where: tuple[int, int], expected: str):
    config = _with_colours(project, block)
    line = config.read_text(encoding="utf-8").splitlines().index("couleurs:") + where[0]
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"siad.yml:{line}:{where[1]}: erreur : {expected}" in result.stderr, result.stderr
    assert "il faut au moins" in result.stderr and "par exemple « #" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_malformed_colour_is_a_located_error(project: Path, tmp_path: Path):
    config = _with_colours(project, '  lien: "bleu"\n')
    line = config.read_text(encoding="utf-8").splitlines().index("couleurs:") + 2
    result = run("check", "--source", project)
    assert result.exit_code == 1
    assert f"siad.yml:{line}:9: erreur : " in result.stderr and "#1f4e8c" in result.stderr
