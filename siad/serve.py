"""``siad serve``: a live preview that rebuilds on every change and shows errors instead of dying.

The preview is built into a temporary folder (``site/`` is never touched). The project is
polled twice a second; a burst of saved files gives one rebuild, once the files are stable.
While the project has errors, every HTML page is replaced by a page listing them; the
browser reloads by itself when they are fixed.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import mimetypes
import os
import posixpath
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import click
from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado import ioloop

from .build import build_project
from .cache import PageCache
from .config import CONFIG_FILE, load_config
from .content import CONTENT_DIR
from .data import DATA_DIR
from .errors import ProjectError, Report, UsageProblem
from .theme import THEMES_DIR, builtin_theme_dir
from .writer import keep_previous_version, state_dir

POLL_MS = 500


@dataclass
class PreviewState:
    root: Path
    out: Path
    errors: list[str] = field(default_factory=list)
    snapshot: dict[str, tuple[int, int]] = field(default_factory=dict)
    pending: dict[str, tuple[int, int]] | None = None
    cache: PageCache | None = None  # kept between rebuilds: only what a change affects is rendered again
    jobs: int | None = None  # the first build uses every core; once the server runs, rebuilds stay in its process
    base_path: str = "/"  # the path of siad.yml's « url »: the site is also served under it (the 404 page uses it)

    def watched_files(self) -> dict[str, tuple[int, int]]:
        """mtime and size of every input file: config, data, content, project themes, built-in theme."""
        found: dict[str, tuple[int, int]] = {}
        roots = [self.root / CONFIG_FILE, self.root / DATA_DIR, self.root / CONTENT_DIR, self.root / THEMES_DIR, builtin_theme_dir()]
        for base in roots:
            if base.is_file():
                try:
                    stat = base.stat()
                except OSError:  # replaced by an editor between the two calls: seen at the next poll
                    continue
                found[str(base)] = (stat.st_mtime_ns, stat.st_size)
            elif base.is_dir():
                _walk(str(base), found)
        return found

    def rebuild(self) -> None:
        try:
            if self.cache is None:
                self.cache = PageCache(state_dir(self.out))
            result = build_project(self.root, self.out, cache=self.cache, jobs=self.jobs)
            try:
                keep_previous_version(self.out)  # after the first build: the first edit rewrites only what it changes
            except OSError as exc:  # only a saving of time: the next build links the whole site instead
                click.echo(f"siad : copie de l'aperçu non conservée ({exc}) ; la prochaine reconstruction sera plus lente.", err=True)
            config = load_config(self.root, Report())
            self.base_path = config.base_path if config is not None else "/"
            self.errors = []
            for diagnostic in result.report.sorted():
                click.echo(diagnostic.format(), err=True)
            click.echo(f"siad : aperçu reconstruit ({result.pages} pages, dont {result.rendered} rendues à nouveau).", err=True)
        except ProjectError as exc:
            self.errors = [d.format() for d in exc.report.sorted()]
            for line in self.errors:
                click.echo(line, err=True)
            click.echo("siad : le projet contient des erreurs ; l'aperçu les affiche jusqu'à leur correction.", err=True)

    def poll(self) -> bool:
        """Rebuild once the inputs changed and then stayed the same for one poll; True if rebuilt."""
        current = self.watched_files()
        if current == self.snapshot:
            self.pending = None
            return False
        if self.pending != current:
            self.pending = current  # still being saved: wait for the next poll
            return False
        self.snapshot, self.pending = current, None
        self.rebuild()
        return True


def _walk(folder: str, found: dict[str, tuple[int, int]], depth: int = 0) -> None:
    """Every file below ``folder`` (links followed, as the build does), by ``scandir``: polled twice a
    second, a national project's 10,000 files took 0.15 s each time with pathlib, now a fraction."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir():
                if depth < 40:  # a link loop (refused by the build) must not hang the preview
                    _walk(entry.path, found, depth + 1)
            elif entry.is_file():
                stat = entry.stat()
                found[entry.path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue


def error_page(errors: list[str]) -> bytes:
    items = "\n".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in errors)
    return (
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Erreurs dans le projet – aperçu siad</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#fff4f2;border-left:4px solid #b00020;padding:.5rem}</style>\n"
        "</head>\n<body>\n<main>\n<h1>Le projet contient des erreurs</h1>\n"
        "<p>Le site n'a pas été reconstruit. Corrigez les fichiers ci-dessous : cette page se recharge toute seule.</p>\n"
        f"<ul>\n{items}\n</ul>\n</main>\n</body>\n</html>\n"
    ).encode("utf-8")


def make_app(state: PreviewState):
    """A WSGI app serving the preview folder only (no path escapes it)."""

    def app(environ, start_response):
        path = unquote(environ.get("PATH_INFO", "/"))
        if state.errors and (path.endswith("/") or path.endswith(".html")):
            return _respond(start_response, "200 OK", "text/html; charset=utf-8", error_page(state.errors))
        clean = posixpath.normpath("/" + path.lstrip("/"))
        if state.base_path != "/" and (clean + "/").startswith(state.base_path):  # /logement/x/ → /x/
            clean = "/" + clean[len(state.base_path):]
        if ".." in clean.split("/") or "\x00" in clean:
            return _not_found(state, start_response)
        target = state.out / clean.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        elif target.is_dir():
            start_response("301 Moved Permanently", [("Location", path + "/")])
            return [b""]
        try:
            resolved = target.resolve()
            if not resolved.is_relative_to(state.out.resolve()) or not resolved.is_file():
                return _not_found(state, start_response)
            body = resolved.read_bytes()
        except OSError:
            return _not_found(state, start_response)
        kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", kind, body)

    return app


def _respond(start_response, status: str, kind: str, body: bytes):
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
    return [body]


def _not_found(state: PreviewState, start_response):
    page = state.out / "404.html"
    body = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>404</title><p>Page introuvable</p>"
    return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body)


def exposure_warning(host: str) -> str | None:
    """A French warning when ``host`` lets other computers reach the preview; None for loopback."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"siad : attention, avec --host {host} l'aperçu est accessible depuis les autres ordinateurs du réseau, "
        "sans mot de passe, y compris les pages d'erreur qui citent vos fichiers. "
        "N'utilisez cette option que sur un réseau de confiance ; par défaut (127.0.0.1), seul cet ordinateur y accède."
    )


def _stop_on_signals() -> None:
    """SIGTERM (a service manager, ``kill``) and SIGHUP (the terminal closed) stop the preview like
    Ctrl+C: the server returns and the preview folder is removed (the default action killed the
    process at once, leaving a copy of the whole site in the temporary folder each time)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        raise KeyboardInterrupt  # livereload stops its loop on it

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def serve_project(root: Path, host: str, port: int) -> None:
    """Build, serve on ``host:port``, and rebuild on change until interrupted."""
    if not (root / CONFIG_FILE).is_file():
        raise UsageProblem(f"{root} n'est pas un projet siad : le fichier {CONFIG_FILE} est introuvable")
    warning = exposure_warning(host)
    if warning:
        click.echo(warning, err=True)
    _stop_on_signals()
    workdir = Path(tempfile.mkdtemp(prefix="siad-apercu-"))
    state = PreviewState(root=root, out=workdir / "site")
    try:  # from here on, however the preview stops (even during its first build), its folder goes
        state.snapshot = state.watched_files()
        state.rebuild()
        state.jobs = 1  # no fork from the server's process
        server = Server(app=make_app(state))
        server._setup_logging = lambda: None  # livereload's own log lines are English and redundant with ours
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
        # livereload polls its own watch list once a browser connects; give it one that never changes.
        server.watch(str(workdir / "jamais-modifie"))

        def tick() -> None:
            if state.poll():
                LiveReloadHandler.reload_waiters(path="*")

        ioloop.PeriodicCallback(tick, POLL_MS).start()
        click.echo(f"siad : aperçu sur http://{host}:{port}/ (Ctrl+C pour arrêter)", err=True)
        server.serve(host=host, port=port, debug=False, restart_delay=0)
    finally:
        if state.cache is not None:
            state.cache.close()
        shutil.rmtree(workdir, ignore_errors=True)
