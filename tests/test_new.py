"""``siad new``: a new territory project that builds as is."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from siad.cli import cli


def test_new_project_builds_and_opens(tmp_path: Path):
    runner = CliRunner()
    project = tmp_path / "territoire"
    result = runner.invoke(cli, ["new", str(project), "--territoire", 'Communauté "Les Combes"'])
    assert result.exit_code == 0, result.output
    for name in ("siad.yml", "LISEZMOI.md", "data/communes.yml", "data/niveaux.yml", "data/lieux/exemple.yml", "content/index.md"):
        assert (project / name).is_file(), name

    built = runner.invoke(cli, ["build", "--source", str(project)])
    assert built.exit_code == 0, built.output
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in home
    assert "Communauté &#34;Les Combes&#34;" in home  # the name went through YAML and autoescaping intact
    # Relative links only: the result opens from the file system as well as from any web server.
    assert 'href="deposer-une-demande/"' in home
    assert (project / "site" / "lieux" / "exemple" / "index.html").is_file()
    assert "Lieu d&#39;accueil d&#39;exemple" in (project / "site" / "lieux" / "index.html").read_text(encoding="utf-8")

    strict = runner.invoke(cli, ["check", "--strict", "--source", str(project)])
    assert strict.exit_code == 0, strict.output  # the starter has no warning either


def test_new_refuses_a_non_empty_directory(tmp_path: Path):
    target = tmp_path / "occupé"
    target.mkdir()
    (target / "notes.txt").write_text("à garder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(target)])
    assert result.exit_code == 2
    assert "n'est pas vide" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_new_with_epci_prefills_territory_and_member_communes(tmp_path: Path):
    runner = CliRunner()
    project = tmp_path / "vichy"
    result = runner.invoke(cli, ["new", str(project), "--epci", "200071363"])
    assert result.exit_code == 0, result.output
    config = (project / "siad.yml").read_text(encoding="utf-8")
    assert 'siren: "200071363"' in config
    assert 'territoire: "CA Vichy Communauté"' in config
    communes = (project / "data" / "communes.yml").read_text(encoding="utf-8")
    assert communes.count("code_insee:") == 39  # the official list: 39 member communes
    assert 'code_insee: "03310"\n    nom: "Vichy"\n    code_postal: "03200"' in communes
    built = runner.invoke(cli, ["build", "--strict", "--source", str(project)])
    assert built.exit_code == 0, built.output


def test_new_with_unknown_epci_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "x"), "--epci", "123456789"])
    assert result.exit_code == 2
    assert "aucun EPCI" in result.stderr
    assert not (tmp_path / "x").exists()
