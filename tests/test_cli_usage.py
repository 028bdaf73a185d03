"""Usage errors: exit code 2 and French messages, including click's own."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from siad.cli import cli


def test_unknown_option_is_a_french_usage_error():
    result = CliRunner().invoke(cli, ["build", "--strcit"])
    assert result.exit_code == 2
    assert "Option inconnue" in result.stderr
    assert "Vouliez-vous dire" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_command_is_a_french_usage_error():
    result = CliRunner().invoke(cli, ["biuld"])
    assert result.exit_code == 2
    assert "Commande inconnue" in result.stderr


def test_folder_without_siad_yml_is_a_usage_error(tmp_path: Path):
    result = CliRunner().invoke(cli, ["build", "--source", str(tmp_path)])
    assert result.exit_code == 2
    assert "siad.yml est introuvable" in result.stderr
    assert not (tmp_path / "site").exists()


def test_help_is_in_french():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Utilisation" in result.output
    assert "Construire le site" in result.output


def test_internal_error_is_reported_without_traceback_unless_debug(tmp_path: Path, monkeypatch):
    from siad import cli as cli_module
    from siad.scaffold import create_project

    create_project(tmp_path / "p")

    def broken(*args, **kwargs):
        raise RuntimeError("bogue simulé")

    monkeypatch.setattr(cli_module, "render_project", broken)
    quiet = CliRunner().invoke(cli, ["check", "--source", str(tmp_path / "p")])
    assert quiet.exit_code == 1
    assert "erreur interne inattendue" in quiet.stderr
    assert "Traceback" not in quiet.stderr and "bogue simulé" not in quiet.stderr

    loud = CliRunner().invoke(cli, ["--debug", "check", "--source", str(tmp_path / "p")])
    assert loud.exit_code == 1
    assert "Traceback" in loud.stderr and "bogue simulé" in loud.stderr


def test_siad_starts_without_modules_it_rarely_needs():
    """Each start of siad is paid by every build (a one-page rebuild of a 4,000-page site takes half a
    second): the command imports neither multiprocessing (only when a build forks workers), nor
    urllib.request with http.client, ssl and email (xml.sax.saxutils brought them), nor
    importlib.metadata (the installed packages' metadata)."""
    import subprocess
    import sys

    code = ("import sys, siad.cli, siad.build; "
            "print(sorted(m for m in ('multiprocessing', 'urllib.request', 'http.client', 'ssl', 'email', 'importlib.metadata') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert found == "[]"
