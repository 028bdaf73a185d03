"""The ``siad`` command: a thin layer over :mod:`siad.build`, :mod:`siad.serve` and :mod:`siad.scaffold`.

Exit codes: 0 success, 1 invalid project, 2 wrong usage.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__, clifr
from .build import build_project, render_project
from .config import check_base_url
from .errors import ERROR, GAP, ProjectError, PublishProblem, Report, UsageProblem

clifr.install()

EXIT_INVALID = 1
EXIT_USAGE = 2


def _print_report(report: Report) -> None:
    """Errors and warnings first, then the known gaps of the sources under their own heading.

    In GitHub Actions, errors and warnings are also written as workflow commands: the pull request
    then shows each message on the line of the data file it is about."""
    listed = report.sorted()
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for diagnostic in listed:
            if diagnostic.severity != GAP:
                click.echo(_annotation(diagnostic))
    for diagnostic in listed:
        if diagnostic.severity != GAP:
            click.echo(diagnostic.format(), err=True)
    gaps = [d for d in listed if d.severity == GAP]
    if gaps:
        click.echo(f"Lacunes connues des sources ({len(gaps)}), signalées dans les données, à combler dès que possible :", err=True)
        for diagnostic in gaps:
            click.echo(diagnostic.format(), err=True)


def _annotation(diagnostic) -> str:
    """``::error file=data/x.yml,line=3,col=5::message`` (GitHub's workflow-command syntax, escaped)."""
    def escape(text: str, in_property: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if in_property else text

    where = diagnostic.location
    properties = [f"file={escape(where.path, True)}"]
    if where.line is not None:
        properties.append(f"line={where.line}")
        if where.col is not None:
            properties.append(f"col={where.col}")
    kind = "error" if diagnostic.severity == ERROR else "warning"
    text = diagnostic.message + (f" — {diagnostic.hint}" if diagnostic.hint else "")
    return f"::{kind} {','.join(properties)}::{escape(text)}"


def _seconds(started: float) -> str:
    return f"{time.perf_counter() - started:.2f}".replace(".", ",")


def _counts(report: Report) -> str:
    text = f"{_plural(len(report.warnings), 'avertissement')}"
    if report.gaps:
        text += f", {_plural(len(report.gaps), 'lacune')} connue{'s' if len(report.gaps) > 1 else ''}"
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


class _Runner:
    """Runs a command body and turns every failure into a French message and an exit code."""

    def __init__(self, debug: bool):
        self.debug = debug

    def __call__(self, body):
        self.started = time.perf_counter()
        try:
            return body()
        except UsageProblem as exc:
            click.echo(f"siad : {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except PublishProblem as exc:
            click.echo(f"siad : publication impossible : {exc}. Rien n'a changé en ligne.", err=True)
            sys.exit(EXIT_INVALID)
        except ProjectError as exc:
            _print_report(exc.report)
            report = exc.report
            strict = f" (dont {report.promoted} avertissement{'s' if report.promoted > 1 else ''} compté{'s' if report.promoted > 1 else ''} comme erreur{'s' if report.promoted > 1 else ''} : --strict)" if report.promoted else ""
            click.echo(
                f"siad : échec en {_seconds(self.started)} s — {_plural(len(report.errors), 'erreur')}{strict}, {_counts(report)} ; "
                "rien n'a été écrit.",
                err=True,
            )
            sys.exit(EXIT_INVALID)
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException):
            raise
        except Exception:  # a bug in siad: say so plainly, details only on request
            if self.debug:
                traceback.print_exc()
            else:
                click.echo(
                    "siad : erreur interne inattendue (ce n'est pas une erreur dans vos fichiers). "
                    "Relancez avec « siad --debug … » et transmettez le message aux développeurs.",
                    err=True,
                )
            sys.exit(EXIT_INVALID)


def _source_option(f):
    return click.option(
        "--source",
        "source",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Dossier du projet (celui qui contient siad.yml).",
    )(f)


def _base_url(value: str | None) -> str | None:
    return check_base_url(value) if value else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", message="siad %(version)s")
@click.option("--debug", is_flag=True, help="Afficher le détail technique des erreurs internes.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """siad : le site d'information des demandeurs de logement social, à partir de fichiers YAML et Markdown."""
    ctx.obj = _Runner(debug)


@cli.command()
@_source_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Dossier de sortie (par défaut : site/ dans le projet).")
@click.option("--base-url", "base_url", default=None, help="Adresse publique du site (remplace « url » de siad.yml).")
@click.option("--strict", is_flag=True, help="Les avertissements deviennent des erreurs (pour l'intégration continue).")
@click.option("--clean", is_flag=True, help="Tout reconstruire, sans reprendre les pages inchangées de la construction précédente.")
@click.option("--jobs", "jobs", type=click.IntRange(1, 256), default=None, help="Nombre de processus de rendu (par défaut : un par cœur).")
@click.pass_obj
def build(run: _Runner, source: Path, out: Path | None, base_url: str | None, strict: bool, clean: bool, jobs: int | None) -> None:
    """Construire le site dans site/ (remplacé seulement si tout a réussi)."""

    def body():
        started = time.perf_counter()
        target = out if out is not None else source / "site"
        result = build_project(source, target, _base_url(base_url), strict, clean=clean, jobs=jobs)
        _print_report(result.report)
        click.echo(
            f"siad : {_plural(result.pages, 'page')}, {_counts(result.report)}, "
            f"0 erreur ; site écrit dans {target} en {_seconds(started)} s ({_work(result)})" + (" [--strict]" if strict else "")
        )
        if result.inputs_moved:
            click.echo(f"siad : attention, {MOVED} : le site peut mêler les deux versions. Relancez « siad build ».", err=True)

    run(body)


MOVED = "des fichiers du projet ont été modifiés pendant la construction"


def _work(result) -> str:
    """« 3 pages rendues, 71 inchangées ; 4 fichiers écrits » — what the incremental build did."""
    rendered = f"{_plural(result.rendered, 'page')} {'rendue' if result.rendered < 2 else 'rendues'}"
    if result.reused:
        rendered += f", {result.reused} {'inchangée' if result.reused < 2 else 'inchangées'}"
    stats = result.written
    if stats is None or stats.unchanged:
        return rendered + " ; aucun fichier modifié"
    files = stats.written + stats.copied
    return rendered + f" ; {_plural(files, 'fichier')} {'écrit' if files < 2 else 'écrits'}" + (
        f", {stats.removed} supprimé{'s' if stats.removed > 1 else ''}" if stats.removed else "")


@cli.command()
@click.argument("destination", type=click.Path(path_type=Path))
@_source_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Dossier de construction (par défaut : site/ dans le projet).")
@click.option("--base-url", "base_url", default=None, help="Adresse publique du site (remplace « url » de siad.yml).")
@click.option("--strict", is_flag=True, help="Les avertissements deviennent des erreurs : rien n'est publié s'il y en a.")
@click.option("--garder", "keep", type=click.IntRange(1, 1000), default=5, show_default=True, help="Nombre de versions conservées (pour revenir en arrière).")
@click.option("--rollback", is_flag=True, help="Remettre en ligne la version précédente, sans rien construire.")
@click.pass_obj
def publish(run: _Runner, destination: Path, source: Path, out: Path | None, base_url: str | None, strict: bool, keep: int, rollback: bool) -> None:
    """Construire puis publier le site dans DESTINATION (serveur web auto-hébergé).

    DESTINATION devient un lien symbolique vers une version complète du site, rangée dans
    DESTINATION.versions/ ; le lien est basculé d'un seul coup. Seuls les fichiers modifiés sont copiés."""
    from . import publish as publishing

    def body():
        started = time.perf_counter()
        if rollback:
            before, after = publishing.rollback(destination)
            click.echo(f"siad : {destination} revient à la version {after} (au lieu de {before}).")
            return
        target = out if out is not None else source / "site"
        result = build_project(source, target, _base_url(base_url), strict)
        _print_report(result.report)
        if result.inputs_moved:
            raise PublishProblem(f"{MOVED} ; relancez la commande une fois les fichiers enregistrés")
        done = publishing.publish(target, destination, keep)
        if done.unchanged:
            click.echo(f"siad : {_plural(result.pages, 'page')}, {_counts(result.report)}, 0 erreur ; rien de nouveau : "
                       f"la version {done.version} reste en ligne dans {destination}.")
            return
        removed = f" ; {_plural(len(done.removed), 'ancienne version')} supprimée{'s' if len(done.removed) > 1 else ''}" if done.removed else ""
        click.echo(
            f"siad : {_plural(result.pages, 'page')}, {_counts(result.report)}, 0 erreur ; version {done.version} en ligne dans "
            f"{destination} en {_seconds(started)} s ({_plural(done.copied, 'fichier')} copié{'s' if done.copied > 1 else ''}, "
            f"{done.linked} repris de la version précédente{removed})" + (" [--strict]" if strict else ""))

    run(body)


@cli.command()
@click.argument("ancien", type=click.Path(path_type=Path))
@click.argument("nouveau", type=click.Path(path_type=Path), default=Path("site"))
@click.option("--format", "format_", type=click.Choice(["texte", "json", "markdown"]), default="texte", show_default=True,
              help="texte : pour la console ; json : pour un script (listes de chemins) ; markdown : pour une demande de fusion.")
@click.pass_obj
def diff(run: _Runner, ancien: Path, nouveau: Path, format_: str) -> None:
    """Pages ajoutées, modifiées, supprimées entre deux constructions.

    ANCIEN et NOUVEAU : un manifeste (.siad/manifest.json) ou le dossier d'un site construit par siad
    (NOUVEAU : site/ par défaut)."""
    from . import diff as site_diff

    def body():
        changes = site_diff.compare(site_diff.read(ancien), site_diff.read(nouveau))
        click.echo(site_diff.RENDERERS[format_](changes), nl=False)

    run(body)


@cli.command()
@_source_option
@click.option("--strict", is_flag=True, help="Les avertissements deviennent des erreurs.")
@click.pass_obj
def check(run: _Runner, source: Path, strict: bool) -> None:
    """Vérifier le projet sans rien écrire."""

    def body():
        result = render_project(source, None, strict)
        _print_report(result.report)
        click.echo(f"siad : projet valide ({_plural(result.pages, 'page')}, {_counts(result.report)}).")

    run(body)


@cli.command()
@_source_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute (127.0.0.1 : cet ordinateur seulement).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port d'écoute.")
@click.pass_obj
def serve(run: _Runner, source: Path, host: str, port: int) -> None:
    """Prévisualiser le site, reconstruit à chaque modification."""
    from .serve import serve_project

    run(lambda: serve_project(source, host, port))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--territoire", default=None, help="Nom du territoire à inscrire dans siad.yml.")
@click.option("--epci", default=None, metavar="SIREN", help="Pré-remplir le territoire et ses communes membres d'après la liste officielle des EPCI.")
@click.pass_obj
def new(run: _Runner, directory: Path, territoire: str | None, epci: str | None) -> None:
    """Créer un nouveau projet de territoire dans DIRECTORY."""
    from .scaffold import create_project

    def body():
        create_project(directory, territoire, epci)
        click.echo(f"siad : projet créé dans {directory}. Lisez {directory / 'LISEZMOI.md'}, puis lancez « siad build --source {directory} ».")

    run(body)


@cli.command()
@_source_option
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Dossier où écrire les schémas (par défaut : schemas/ dans le projet).")
@click.option("--doc", "doc", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Écrire aussi la référence de toutes les clés, en Markdown, dans ce fichier.")
@click.pass_obj
def schema(run: _Runner, source: Path, out: Path | None, doc: Path | None) -> None:
    """Écrire les schémas JSON des fichiers de données, pour l'aide à la saisie dans un éditeur."""
    import json

    from .editor_schemas import vscode_settings, write_schemas

    def body():
        target = out if out is not None else source / "schemas"
        written = write_schemas(target)
        click.echo(f"siad : {len(written)} schémas écrits dans {target}.")
        click.echo("Pour VS Code (extension YAML de Red Hat), ajoutez à .vscode/settings.json :")
        click.echo(json.dumps(vscode_settings(target, source), ensure_ascii=False, indent=2))
        if doc is not None:
            from .fielddoc import reference_markdown

            doc.parent.mkdir(parents=True, exist_ok=True)
            doc.write_text(reference_markdown(source), encoding="utf-8")
            click.echo(f"siad : référence des clés écrite dans {doc}.")

    run(body)


def main() -> None:
    """The ``siad`` command. Once its work is done and its output flushed, the process leaves without
    freeing its objects one by one (what mypy's « fast exit » does): a national build still holds a
    million of them, and freeing them took longer than writing the changed pages. Nothing is left to
    clean up by then: files are closed, worker processes joined, the cache closed."""
    try:
        cli(prog_name="siad")
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (« siad build | head »): nothing more can be said
        pass
    os._exit(code or 0)
