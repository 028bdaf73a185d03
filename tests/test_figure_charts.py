"""Bar charts drawn at build time and the sortable table of every member commune, as the built
figures page shows them."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, main_text, run

from siad.charts import bar_chart


def test_bars_are_scaled_to_the_longest_and_the_alternative_names_it():
    chart = bar_chart("Logements par bailleur", [("A", 50, "50"), ("B", 200, "200"), ("C", None, "non publié"), ("D", 0, "0"), ("E", 1, "1")])
    assert [(b.label, b.width) for b in chart.bars] == [("A", "25"), ("B", "100"), ("D", "0"), ("E", "0.5")]
    assert chart.alternative == (
        "Graphique en barres : Logements par bailleur. La plus longue des 4 barres : B, 200. "
        "Toutes les valeurs sont dans le tableau qui suit."
    )


def test_no_chart_for_fewer_than_two_bars():
    assert bar_chart("Un seul", [("A", 5, "5"), ("B", 0, "0"), ("C", None, "non publié")]) is None


def _charts(page: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(caption, text alternative, [(label, value, width)]) of each chart of a built page."""
    found = []
    for caption, alternative, body in re.findall(r'<figure class="chart">\s*<figcaption>([^<]+)</figcaption>\s*<div class="bars" role="img" aria-label="([^"]+)">(.*?)</div>', page, re.S):
        bars = re.findall(r'<p><span>([^<]+)</span> <span>([^<]+)</span><svg viewBox="0 0 100 1" preserveAspectRatio="none"><rect width="([\d.]+)" height="1"/></svg></p>', body)
        found.append((html.unescape(caption), html.unescape(alternative), [(html.unescape(a), b.replace("\u202f", " "), c) for a, b, c in bars]))
    return found


@pytest.fixture(scope="module")
def figures_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("charts") / "site"
    result = run("build", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return (out / "chiffres" / "index.html").read_text(encoding="utf-8")


def test_default_figures_page_charts(figures_page: str):
    charts = _charts(figures_page)
    # communes, then bailleurs, typologies, financing, construction period, energy label, age, household size;
    # the tables marked graphique=non in content/chiffres.md have none
    assert [c[0] for c in charts] == [
        "Graphique : Logements sociaux par commune",
        "Graphique : Logements sociaux par bailleur",
        "Graphique : Logements sociaux par nombre de pièces et type de logement",
        "Graphique : Logements sociaux selon les plafonds de ressources (financement)",
        "Graphique : Logements sociaux selon l'époque de construction",
        "Graphique : Logements sociaux selon l'étiquette énergie du DPE",
        "Graphique : Âge du demandeur principal (demandes actives fin 2022, 1er vœu dans le territoire)",
        "Graphique : Nombre de personnes du ménage (demandes actives fin 2022, 1er vœu dans le territoire)",
    ]
    _, alternative, bars = charts[0]
    assert len(bars) == 27  # the communes with social housing; the 12 without have no bar
    assert bars[:2] == [("Vichy", "1 867 (39,6 %)", "100"), ("Cusset", "1 332 (28,2 %)", "71.3")]
    assert bars[-1] == ("Saint-Nicolas-des-Biefs", "1 (moins de 0,1 %)", "0.5")
    assert alternative.startswith("Graphique en barres : Logements sociaux par commune. La plus longue des 27 barres : Vichy, 1\u202f867 (39,6\u202f%).")
    # every chart sits just before the table that holds its values
    following = re.findall(r'</figure>\s*<div class="table-scroll" role="region" aria-label="([^"]+)"', figures_page)
    assert [html.unescape(f) for f in following] == ["Les communes du territoire"] + [c[0].removeprefix("Graphique : ") for c in charts[1:]]


def test_chart_option_is_checked(project: Path, tmp_path: Path):
    page = project / "content" / "chiffres.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{{< tableau cle=parc-bailleurs >}}", "{{< tableau cle=parc-bailleurs graphique=peut-etre >}}"), encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "site")
    assert result.exit_code == 1
    assert "content/chiffres.md:35:1: erreur : « graphique=peut-etre » : « oui » ou « non » est attendu" in result.stderr


def test_commune_table_with_demand_per_commune(project: Path, tmp_path: Path):
    """When the source publishes demand per commune, the table gains requests, attributions and the
    indicators siad derives from them; sort values let the script order any column."""
    sources = project / "data" / "chiffres" / "communes.yml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "sources:\n", 'sources:\n  demande:\n    source: "Fichier partagé, extraction communale"\n    millesime: 2022\n'), encoding="utf-8")
    csv = project / "data" / "chiffres" / "communes.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    demand = {"Vichy": "800;250;900;300;120;40", "Cusset": "300;0;;;;", "Abrest": "12;24;;;;"}
    lines = [lines[0] + ";demandes;attributions;t2;collectif;demandes_t2;attributions_t2"] + [line + ";" + next((v for k, v in demand.items() if f";{k};" in line), ";;;;;") for line in lines[1:]]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "site")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "chiffres" / "index.html").read_text(encoding="utf-8")
    table = page[page.index("<caption>Les communes du territoire"):]
    table = table[: table.index("</table>")]
    assert [html.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)] == [
        "Commune", "Logements sociaux", "Part du territoire", "Dont en quartier prioritaire (QPV)",
        "Demandes en attente", "Attributions dans l'année", "Pression (demandes pour 1 attribution)", "Délai d'attente théorique",
    ]
    rows = {name: cells for name, cells in re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', table)}
    cells = lambda name: [html.unescape(c).replace("\u202f", " ") for c in re.findall(r"<td[^>]*>([^<]*)</td>", rows[name])]
    values = lambda name: re.findall(r'data-valeur="([^"]*)"', rows[name])
    assert cells("Vichy")[3:] == ["800", "250", "3,2", "3,2 ans"]
    assert values("Vichy")[3:] == ["800", "250", "3.2", "3.2"]
    assert cells("Cusset")[3:] == ["300", "0", "300 demandes et aucune attribution dans l'année", "non calculable : aucune attribution dans l'année"]
    assert values("Cusset")[3:] == ["300", "0", "", ""]  # no ratio: sorted last, whatever the order
    assert cells("Abrest")[3:] == ["12", "24", "0,5", "6 mois"]
    assert cells("Arronnes")[3:] == ["non publié"] * 4
    assert "calculés par ce site à partir des demandes et des attributions publiées" in page
    assert "Source : SDES, RPLS 2022, chiffres au 1er janvier 2022 ; Fichier partagé, extraction communale, millésime 2022." in page
    # the commune page: its stock by size and type, and the wait by size, computed from its figures
    vichy = main_text(tmp_path / "site", "communes/vichy").replace("\u202f", " ")
    for fact in ("Logements T2 : 900", "Appartements (logements collectifs) : 300", "Demandes en attente 800", "Pression de la demande 3,2 demandes pour 1 attribution",
                 "L'attente selon la taille du logement Taille Demandes en attente Attributions dans l'année Pression de la demande Délai d'attente théorique "
                 "T2 120 demandes 40 attributions 3,0 demandes pour 1 attribution 3,0 ans",
                 "Source : Fichier partagé, extraction communale, millésime 2022."):
        assert fact in vichy, fact
    assert "L'attente selon la taille" not in main_text(tmp_path / "site", "communes/cusset")
