"""The embedded default, Vichy Communauté, checked against its source as a reader of the built site sees it.

Expected values are copied by hand from the PPGDID 2024-2029 (line numbers of the text extraction
in ../shared/seeds/004_90d20d3e93073609.txt, which the suite does not read): they are an
independent transcription, not the output of siad.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, main_text, run


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("vichy") / "site"
    result = run("build", "--strict", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_points_per_level_and_commitments(site: Path):
    directory = (site / "lieux" / "index.html").read_text(encoding="utf-8")
    points = sorted(p.name for p in (site / "lieux").iterdir() if p.is_dir())
    assert len(points) == 15  # l. 188-330: 1 point of level 1, 13 of level 2, 1 of level 3
    levels = {n: sum(f"niveau {n}" in main_text(site, f"lieux/{p}").split(":")[0] for p in points) for n in (1, 2, 3)}
    assert levels == {1: 1, 2: 13, 3: 1}
    assert all(f'href="{p}/"' in directory for p in points)
    # commitments: 6 for level 1 (l. 180-187), 9 for level 2 (l. 213-222), 11 for level 3 (l. 324-340)
    for url, number, expected in (("lieux/adil03", 1, 6), ("lieux/cdc-habitat", 2, 9), ("lieux/maison-de-l-habitat", 3, 11)):
        page = (site / url / "index.html").read_text(encoding="utf-8")
        block = page[page.index("Ce que ce lieu s'engage à faire") :]
        block = block[: block.index("</ul>")]
        assert block.count("<li>") == expected, (url, number)


@pytest.mark.parametrize(
    ("url", "facts"),
    [
        # l. 191-203: the ADIL's phone, its 1st-and-3rd-Monday exception and its Thursday phone line
        ("lieux/adil03", ("Téléphone : 04 70 98 18 45", "Le 1er et le 3e lundi du mois : 9 h – 12 h uniquement", "Jeudi 9 h – 17 h (permanence téléphonique)", "Mardi 9 h – 12 h et 13 h 30 – 16 h")),
        # l. 235-237: CDC Habitat's one-hour window
        ("lieux/cdc-habitat", ("Téléphone : 04 70 32 29 50", "Lundi 14 h – 15 h", "Vendredi 14 h – 15 h", "8 rue du Golf 03700 Bellerive-sur-Allier")),
        # l. 287-293: Saint-Yorre France Services, day by day
        ("lieux/france-services-saint-yorre", ("Téléphone : 04 43 03 81 71", "Mercredi 9 h – 14 h", "Jeudi 9 h – 12 h 30", "Vendredi 9 h – 12 h")),
        # l. 229: Vichy Habitat
        ("lieux/vichy-habitat", ("Téléphone : 04 70 97 20 40", "Vendredi 9 h – 12 h")),
        # l. 263: the Maison des solidarités of Cusset, on appointment
        ("lieux/maison-solidarites-cusset", ("Téléphone : 04 70 34 15 72", "14 rue du Président Wilson")),
        # l. 322: the level-3 point, same number as Action Logement Services (l. 245)
        ("lieux/maison-de-l-habitat", ("Téléphone : 04 63 01 10 65", "Lundi 9 h – 12 h et 14 h – 17 h")),
        # l. 247: Allier Habitat is named without any detail
        ("lieux/allier-habitat", ("Non publié : adresse", "Horaires pas encore connus")),
    ],
)
def test_reception_point_facts(site: Path, url: str, facts: tuple[str, ...]):
    text = main_text(site, url)
    for fact in facts:
        assert fact in text, fact


def test_key_figures_and_stock_tables(site: Path):
    text = main_text(site, "chiffres")
    # l. 420-426: 1 895 active requests, 1 694 with a first choice in the territory, 527 attributions, pressure 3,2
    for fact in ("Logements sociaux 4 717", "tous choix de commune 1 895", "dans le territoire 1 694", "dans l'année 527", "Pression de la demande 3,2 demandes pour 1 attribution", "Délai d'attente théorique 3,2 ans"):
        assert fact.replace(" ", " ") in text.replace("\u202f", " "), fact
    page = (site / "chiffres" / "index.html").read_text(encoding="utf-8")
    tables = re.findall(r"<caption>([^<]+)</caption>(.*?)</table>", page, re.S)
    stock = [(caption, body) for caption, body in tables if caption.startswith("Logements sociaux") and "mis en service" not in caption]
    assert len(stock) == 6  # bailleur, typology, financing, occupancy, construction period, energy label
    for caption, body in stock:
        total = re.search(r'<tr class="total"><th scope="row">Total</th>(.*?)</tr>', body, re.S).group(1)
        assert "<td>4\u202f717</td>" in total, caption
    # l. 790-800: 27 of the 39 communes have social housing, Vichy 1 867 (39,6 %) of which 1 081 in QPV
    communes = dict(re.findall(r"<caption>([^<]+)<span.*?</caption>(.*?)</table>", page, re.S))["Les communes du territoire"]
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', communes)
    assert len(rows) == 39
    assert sum('<td data-valeur="0">0</td>' in cells for _, cells in rows) == 12
    assert rows[0] == ("Vichy", '<td data-valeur="1867">1\u202f867</td><td data-valeur="39.5802">39,6\u202f%</td><td data-valeur="1081">1\u202f081</td>')
    assert re.search(r'<tr class="total"><th scope="row">Ensemble de Vichy Communauté</th><td>4\u202f717</td><td>100\u202f%</td><td>1\u202f555</td></tr>', communes)
    # l. 420-426: no demand per commune in the plan; the territory's pressure instead
    assert "ne publie par commune ni les demandes en attente, ni les attributions" in page
    assert "Pour l&#39;ensemble de Vichy Communauté : 3,2 demandes pour 1 attribution, soit un délai d&#39;attente théorique de 3,2 ans" in page
    assert page.count("Source : ") >= len(tables)


def test_renewal_delays(site: Path):
    text = main_text(site, "renouveler-sa-demande")
    # l. 356-362
    for fact in ("au plus tard 1 mois avant la date anniversaire", "2 mois avant la date anniversaire", "2 mois après"):
        assert fact in text, fact
