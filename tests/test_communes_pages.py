"""One page per member commune, reachable from the home page, never with an empty figure block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, main_text, run

from siad.markup import slugify

COMMUNES = re.findall(r"^    nom: (.+)$", (REPO_ROOT / "data" / "communes.yml").read_text(encoding="utf-8"), re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("communes") / "site"
    result = run("build", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_every_member_commune_has_its_page_linked_from_the_commune_index(site: Path):
    assert len(COMMUNES) == 39
    index = (site / "communes" / "index.html").read_text(encoding="utf-8")
    for name in COMMUNES:
        slug = slugify(name.strip('"'))
        assert (site / "communes" / slug / "index.html").is_file(), name
        assert f'href="{slug}/">' in index, name
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="communes/">Choisissez votre commune</a>' in home


@pytest.mark.parametrize(
    ("slug", "facts", "absent"),
    [
        ("vichy", ("Logements sociaux 1 867", "39,6 %", "1 081", "À Vichy", "Maison de l'Habitat de Vichy Communauté"), ("Aucun lieu d'accueil",)),
        # articles contract: « au Vernet », « du Vernet », never « à Le Vernet »
        ("le-vernet", ("Aucun lieu d'accueil n'est situé au Vernet.", "Pour les habitants du Vernet", "Le logement social au Vernet", "Logements sociaux 23"), ("à Le Vernet", "de Le Vernet")),
        ("cusset", ("Logements sociaux 1 332", "474", "Maison des Solidarités départementales de Cusset"), ()),
        # Arronnes: no social housing, covered by the Cusset Maison des solidarités' sector
        ("arronnes", ("La source ne recense aucun logement social à Arronnes", "Aucun lieu d'accueil n'est situé à Arronnes", "Pour les habitants d'Arronnes", "Maison des Solidarités départementales de Cusset"), ("Logements sociaux 0",)),
    ],
)
def test_commune_page_facts(site: Path, slug: str, facts: tuple[str, ...], absent: tuple[str, ...]):
    text = main_text(site, f"communes/{slug}").replace("\u202f", " ")
    for fact in facts:
        assert fact in text, fact
    for fact in absent:
        assert fact not in text, fact
    # demand is not published per commune: the territory's figures, labelled as such, with their source
    assert "ne sont pas publiés pour" in text and "La demande dans l'ensemble de Vichy Communauté" in text
    assert "Pression de la demande 3,2 demandes pour 1 attribution" in text
    assert "Source : AURA HLM, fichier partagé des demandes et des attributions 2022" in text


def test_french_prepositions_before_names():
    from siad.french import at, of

    assert [of(n) for n in ("Cusset", "Evoléa", "ADIL03", "Le Vernet", "Les Ailes", "La Chabanne")] == [
        "de Cusset", "d'Evoléa", "d'ADIL03", "du Vernet", "des Ailes", "de La Chabanne"]
    assert [at(n) for n in ("Cusset", "Le Mayet-de-Montagne", "Les Ailes", "La Chabanne")] == [
        "à Cusset", "au Mayet-de-Montagne", "aux Ailes", "à La Chabanne"]


def test_directory_filter_data_agrees_with_every_commune_page(site: Path):
    """The JS filter of /lieux/ and the commune pages answer « who receives this commune ? » alike."""
    directory = (site / "lieux" / "index.html").read_text(encoding="utf-8")
    served = {slug: codes.split() for codes, slug in re.findall(r'<li data-communes="([^"]*)">\s*<a href="([^"/]+)/">', directory)}
    assert len(served) == 15
    codes = dict(re.findall(r'^  - code_insee: "(\d+)"\n    nom: (.+)$', (REPO_ROOT / "data" / "communes.yml").read_text(encoding="utf-8"), re.M))
    assert len(codes) == 39
    for insee, name in codes.items():
        page = (site / "communes" / slugify(name) / "index.html").read_text(encoding="utf-8")
        where = page[page.index("Où vous adresser") : page.index("Tous les lieux d'accueil")]
        on_page = sorted(set(re.findall(r'href="\.\./\.\./lieux/([^"/]+)/"', where)))
        by_filter = sorted(slug for slug, c in served.items() if c == ["*"] or insee in c)
        assert on_page == by_filter, name


def test_homonym_communes_get_distinct_addresses(project: Path, tmp_path: Path):
    """A territory that is not one EPCI may hold communes of the same name (12 « Sainte-Colombe » in
    France): their pages are told apart by the INSEE code; the others keep their plain name."""
    config = project / "siad.yml"
    config.write_text(re.sub(r'^siren: .*\n', "", config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    communes = project / "data" / "communes.yml"
    communes.write_text(communes.read_text(encoding="utf-8") + (
        '  - code_insee: "05135"\n    nom: Sainte-Colombe\n  - code_insee: "17319"\n    nom: Sainte-Colombe\n'), encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    index = (tmp_path / "out" / "communes" / "index.html").read_text(encoding="utf-8")
    for slug in ("sainte-colombe-05135", "sainte-colombe-17319", "vichy"):
        assert (tmp_path / "out" / "communes" / slug / "index.html").is_file(), slug
        assert f'href="{slug}/"' in index, slug
    assert not (tmp_path / "out" / "communes" / "sainte-colombe").exists()
