"""Pages built from data: supporting documents, the cotation grid and worked examples computed by siad."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run
from siad.cotation import Situation, score
from siad.cotation_schema import load_grid_file
from siad.errors import Report


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = run("build", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_grid_page_lists_every_criterion_with_its_points(built: Path):
    grid = load_grid_file(REPO_ROOT / "data" / "cotation.yml", "data/cotation.yml", Report())
    page = (built / "cotation" / "index.html").read_text(encoding="utf-8")
    html = page[page.index('<div class="grid">') : page.index('<p class="source">')]
    rows = re.findall(r'<th scope="row">([^<]+?)(?: <span class="manual">\(saisi par le guichet\)</span>)?</th>\s*<td>([^<]+)</td>', html)
    shown = {label.replace("&#39;", "'"): points for label, points in rows}
    for criterion in grid.criteria().values():
        expected = "non publiés" if criterion.points is None else str(criterion.points)
        assert shown.get(criterion.label) == expected, criterion.label
    assert "Ancienneté de la demande : 1 point(s) par mois, sans plafond." in html
    assert "le total est multiplié par 1,1 (+10 %)" in html
    assert len(rows) == len(grid.criteria())
    assert html.count('class="manual"') == sum(c.manual for c in grid.criteria().values())
    # the priority column only where the source marks priority criteria (*): no « non » next to DALO
    starred = [f for f in grid.families if any(c.priority for c in f.criteria)]
    assert 0 < len(starred) < len(grid.families)
    assert html.count("Priorité au sens du code de la construction</th>") == len(starred)


def test_worked_examples_agree_with_the_cotation_function(built: Path):
    grid = load_grid_file(REPO_ROOT / "data" / "cotation.yml", "data/cotation.yml", Report())
    html = (built / "cotation" / "index.html").read_text(encoding="utf-8")
    first = score(grid, Situation(("logement_trop_cher", "suroccupation_avec_mineur", "rapprochement_familial", "locataire_prive", "moins_de_30_ans"), 14, ()))
    second = score(grid, Situation(("divorce_separation", "chez_parents_ou_enfants", "handicap"), 30, (10, 20, 25), 1, True))
    # By hand: 40 + 20 (2 best reasons) + 20 (housing) + 20 (under 30) + 14 months = 114
    assert first.total == 114 and "<caption>Premier exemple : 114 points</caption>" in html
    # By hand: 30 + 40 + 30 + 10 months since the 2nd refusal (month 20) + 10 (CALEOL) = 120; × 1,1 = 132
    assert second.total == 132 and "<caption>Second exemple : 132 points</caption>" in html


def test_documents_page_shows_every_situation(built: Path):
    html = (built / "pieces-justificatives" / "index.html").read_text(encoding="utf-8")
    text = (REPO_ROOT / "data" / "pieces.yml").read_text(encoding="utf-8")
    situations = re.findall(r'\n      - cle: ([a-z_0-9]+)', text)
    assert len(situations) >= 30
    for key in situations:
        assert f'id="situation-{key}"' in html, key
    assert "Les pièces à fournir dans tous les cas" in html


def test_unknown_criterion_in_an_example_is_located(tmp_path: Path, project: Path):
    page = project / "content" / "cotation.md"
    text = page.read_text(encoding="utf-8").replace('criteres="divorce_separation,', 'criteres="divorse_separation,')
    page.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "divorse" in l)
    result = run("check", "--source", project)
    assert result.exit_code == 1
    assert f"content/cotation.md:{line}:1: erreur : critère inconnu « divorse_separation » dans l'exemple" in result.stderr
    assert "vouliez-vous dire « divorce_separation » ?" in result.stderr
