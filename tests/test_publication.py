"""Legal notice and accessibility statement, filled from siad.yml; what is missing is a gap before publication, a warning after."""

from __future__ import annotations

from pathlib import Path

from conftest import run


def test_the_default_site_states_its_accessibility_on_every_page(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "Accessibilité : non conforme</a>" in html, page
    statement = (out / "accessibilite" / "index.html").read_text(encoding="utf-8")
    for text in (
        "est <strong>non conforme</strong>",
        "Aucun audit de conformité n'a encore été réalisé",
        "établie le 23 novembre 2026",
        'href="tel:+33463011065"',  # the contact of siad.yml: Maison de l'Habitat
        "Libre réponse 71120, 75342 Paris CEDEX 07",
        'href="https://formulaire.defenseurdesdroits.fr/"',
    ):
        assert text in statement, text
    assert statement.count("<em>non renseigné</em>") == 2  # multi-year plan and action plan: not in the sources
    legal = (out / "mentions-legales" / "index.html").read_text(encoding="utf-8")
    assert "<dd>Vichy Communauté</dd>" in legal and "<dd>le président de Vichy Communauté</dd>" in legal
    assert legal.count("<em>non renseigné</em>") == 2  # host and its address: known only when put online
    assert "à compléter" not in legal


def test_missing_publication_details_are_warnings_once_the_site_has_a_public_address(project: Path, tmp_path: Path):
    result = run("build", "--strict", "--source", project, "--out", tmp_path / "out", "--base-url", "https://logement.exemple.fr/")
    assert result.exit_code == 1
    assert "siad.yml:3:1: erreur : l'hébergeur du site n'est pas renseigné (mentions légales)" in result.stderr
    assert "erreur : le schéma pluriannuel de mise en accessibilité n'est pas renseigné" in result.stderr
    assert ": lacune : les horaires de « Allier Habitat » sont à confirmer" in result.stderr  # still a gap
    assert not (tmp_path / "out").exists()
    plain = run("build", "--source", project, "--out", tmp_path / "out", "--base-url", "https://logement.exemple.fr/")
    assert plain.exit_code == 0 and "4 avertissements, 4 lacunes connues" in plain.stdout


def test_a_statement_without_contact_means_is_reported(project: Path, tmp_path: Path):
    config = project / "siad.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('  telephone: "04 63 01 10 65"\n', ""), encoding="utf-8")
    result = run("check", "--source", project)
    assert result.exit_code == 0
    assert "lacune : aucun courriel ni téléphone pour signaler un défaut d'accessibilité" in result.stderr


def test_an_old_audit_is_a_warning(project: Path, tmp_path: Path):
    config = project / "siad.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  etat: non_conforme\n", '  etat: partiellement_conforme\n  audit: {date: 2022-06-01, realise_par: "Cabinet", taux: 60}\n'
        ),
        encoding="utf-8",
    )
    result = run("check", "--source", project)
    assert result.exit_code == 0, result.output
    assert "avertissement : l'audit d'accessibilité du 2022-06-01 a plus de 3 ans" in result.stderr


def test_the_site_map_lists_every_page_and_every_page_links_to_it(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    sitemap = (out / "plan-du-site" / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(out).parent.as_posix() for p in out.rglob("index.html"))
    for page in pages:
        if page in (".", "plan-du-site"):
            continue
        assert f'href="../{page}/"' in sitemap, page
    assert 'href="../">Accueil</a>' in sitemap
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        expected = 'href="./">Plan du site</a>' if page.parent.name == "plan-du-site" else 'plan-du-site/">Plan du site</a>'
        assert expected in html, page


def test_every_page_says_when_its_information_was_last_updated(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    for page in out.rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        if page.parent.parent.name == "lieux":  # a point's own dates (data/lieux/*.yml « mises_a_jour »)
            assert '<p class="updated">Informations mises à jour le 23 novembre 2026.</p>' in html, page
        else:
            assert '<p class="updated">Informations à jour au 29 février 2024 (PPGDID de Vichy Communauté 2024-2029).</p>' in html, page
    assert '<p class="updated">' not in (out / "404.html").read_text(encoding="utf-8")
