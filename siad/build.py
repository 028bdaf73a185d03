"""The pipeline, callable without the CLI: load and validate → model → render → write."""

from __future__ import annotations

import gc
import hashlib
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import PageCache
from .clock import build_date
from .config import load_config
from . import yaml_cache
from .digests import as_first_read, learn, settled_under
from .fingerprint import PACKAGE_DIR, inputs_digest, sources_digest
from .content import load_content
from .data import Freshness, load_data
from .errors import Location, ProjectError, Report
from .glossary import load_glossary
from .headers import check_policy
from .linkcheck import check_links
from .model import build_site
from .publication import check_publication
from .render_site import render_site
from .symlinks import check_symlinks
from .theme import Theme, builtin_theme_dir
from .updates import check_dates as check_update_dates
from .writer import MANIFEST, MARKER, WriteStats, check_output_dir, new_staging, output_lock, read_manifest, state_dir, write_site


RENDERING_THRESHOLD = (50_000, 20, 20)


@dataclass
class BuildResult:
    report: Report
    files: dict[str, bytes | None] = field(default_factory=dict)  # None: unchanged, kept from the live site
    seconds: float = 0.0
    digests: dict[str, str] = field(default_factory=dict)
    rendered: int = 0  # pages rendered by this build
    reused: int = 0  # pages whose inputs had not changed: taken from the cache and the live site
    written: WriteStats | None = None
    staged: dict[str, int] = field(default_factory=dict)  # pages already written into the staging folder → their size
    inputs_moved: bool = False  # project files changed while the build read them (see build_project)

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))


def render_project(root: Path, base_url: str | None = None, strict: bool = False, cache: PageCache | None = None,
                   live: dict[str, str] | None = None, jobs: int | None = None, staging: Path | None = None,
                   symlinks_checked: bool = False) -> BuildResult:
    """Everything a build does except writing. Raises :class:`ProjectError` on any error.

    ``cache`` and ``live`` (the manifest of the site on disk): reuse the pages whose inputs did not
    change (:mod:`siad.render_site`); ``jobs``: worker processes (default: one per available core);
    ``staging``: write the rendered pages there (their value in ``files`` is then None);
    ``symlinks_checked``: the caller has just found no link to refuse (:func:`check_symlinks`).

    The garbage collector: loading the data and making the model creates a million objects that live
    as long as the build and hold no garbage, so it is paused until the model is made, then the model
    is frozen out of its walks (a national one-point build spent seconds in collections). Then the
    collector looks for cycles every 50,000 allocations instead of 700, in this process and in the
    workers that inherit it: rendering makes many short-lived objects, the results of 46,000 pages
    live until the end, and each full walk over them found nothing (0.4 s a worker nationally)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _rare_collections():  # paused while loading anyway: rare from when the collector is on again
            return _render_project(root, base_url, strict, cache, live, jobs, staging, symlinks_checked)
    finally:
        gc.unfreeze()  # siad serve builds again in this process: what this build leaves must be collectable
        if collecting:
            gc.enable()
        else:
            gc.disable()  # a caller that had paused the collector keeps it paused


def _render_project(root: Path, base_url: str | None, strict: bool, cache: PageCache | None, live: dict[str, str] | None,
                    jobs: int | None, staging: Path | None, symlinks_checked: bool) -> BuildResult:
    started = time.perf_counter()
    report = Report()
    if not symlinks_checked:
        check_symlinks(root, report)  # before anything is read: nothing outside the project is ever opened
    if report.has_errors:
        raise ProjectError(report)
    config = load_config(root, report, base_url)
    if config is None:
        raise ProjectError(report)
    theme = Theme(config, report)
    freshness = Freshness(build_date(), config.max_check_months, config.max_figure_years, config.accepted_old_figures)
    with yaml_cache.using(cache):
        data = load_data(root, report, config.siren, freshness, jobs)
    contact = config.contact
    check_publication(
        config.publication, bool(contact and (contact.email or contact.phone)), config.base_url is not None,
        freshness.today, lambda key: config.locs.get(key, Location("siad.yml", 1, 1)), report,
    )
    with yaml_cache.using(cache):
        sources, static = load_content(root, report)
    _stop_on_errors(report, strict)
    site = build_site(config, data, sources, static, report, load_glossary(sources, report))
    gc.freeze()
    gc.enable()
    check_update_dates(site.updates, freshness.today, report)
    _stop_on_errors(report, strict)
    cache = cache if cache is not None else PageCache(None)
    rendered = render_site(site, theme, report, cache, live or {}, jobs, staging)
    files = rendered.files
    if not report.has_errors:
        origins = {page.output: page.source for page in site.pages}
        if rendered.link_scope is None:
            cache.read_links(rendered.facts)  # every page's links are checked: read those of the reused pages at once
        links = check_links(files, origins, config.base_path, report, rendered.facts, rendered.link_scope, rendered.previous_links, jobs)
        cache.update({o: replace(page, links=links.get(o)) for o, page in rendered.fresh.items()}, {page.output for page in site.pages})
        cache.update_links({o: d for o, d in links.items() if o not in rendered.fresh}, rendered.outputs)
        check_policy(files, origins, report, config.base_url, rendered.facts)
    _stop_on_errors(report, strict, final=True)
    return BuildResult(report, files, time.perf_counter() - started, rendered.digests, rendered.rendered, rendered.reused, staged=rendered.staged)


def build_project(root: Path, out: Path, base_url: str | None = None, strict: bool = False, clean: bool = False,
                  jobs: int | None = None, cache: PageCache | None = None) -> BuildResult:
    """Render the project and replace ``out`` with the result, only if everything succeeded.

    Incremental by default: pages whose inputs did not change are neither rendered nor written again
    (siad's cache and the previous version of the site live in ``.siad-cache/`` next to ``out``);
    ``clean``: forget them and build everything. ``cache``: an open cache to use (``siad serve``
    keeps one between rebuilds).

    A project file saved while the build reads the project (an editor saving during ``siad serve``'s
    rebuild) may have been read before or after its change: the site is written, but nothing this
    build put in the cache is kept (``inputs_moved``), so the next build reads those files again."""
    check_output_dir(out, root)
    with output_lock(out):
        state = state_dir(out)
        if clean:
            if cache is not None:
                cache.close()
            shutil.rmtree(state, ignore_errors=True)
            cache = None
        own_cache = cache is None
        cache = cache if cache is not None else PageCache(state)
        learn(cache.file_digests())  # the files' digests the last build knew: unchanged files are not read again
        try:
            live = read_manifest(out) if not clean and (out / MARKER).is_file() else None
            taken: dict[str, str] = {}  # each input file's digest, taken once for the whole build
            with as_first_read(taken):
                sources = _sources_if_safe(root)
                inputs = inputs_digest(root, base_url, strict, build_date().isoformat(), sources) if sources else None
            result = _unchanged(cache, inputs, out, strict) if live is not None and inputs else None
            if result is None:
                cache.forget_build()
                staging = new_staging(out)  # where the workers write the pages, when most are rendered again
                try:
                    try:
                        with as_first_read(taken if sources is not None else None):
                            result = render_project(root, base_url, strict, cache, live, jobs, staging, symlinks_checked=sources is not None)
                    finally:  # every file's digest taken afresh: was any saved while the build read it?
                        moved = sources is not None and _sources_if_safe(root) != sources
                        if moved:  # saved while the build read them: nothing it learnt can be trusted later
                            cache.discard_build()
                    result.inputs_moved = moved
                    with _rare_collections():  # as while rendering: the build's objects are not garbage yet
                        result.written = write_site(result.files, out, result.digests, staging, result.staged, sources)
                finally:
                    if staging is not None and staging.exists():
                        shutil.rmtree(staging, ignore_errors=True)
                if inputs and not moved:
                    cache.record_build(inputs, _manifest_digest(out), result.rendered + result.reused, result.report.diagnostics)
        finally:
            cache.keep_file_digests(settled_under([root, PACKAGE_DIR, builtin_theme_dir()]))
            cache.flush_yaml()
            if own_cache:
                cache.close()
    return result


@contextmanager
def _rare_collections():
    """The collector looks for cycles every 50,000 allocations instead of 700 (see render_project)."""
    threshold = gc.get_threshold()
    gc.set_threshold(*RENDERING_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def _sources_if_safe(root: Path) -> str | None:
    """The digest of the project's files, once the symbolic links are known to stay inside the project;
    None otherwise, or when a file vanished while it was read (an editor replacing it)."""
    report = Report()
    check_symlinks(root, report)
    if report.has_errors:
        return None  # render_project reports them
    try:
        return sources_digest(root)
    except OSError:
        return None


def _manifest_digest(out: Path) -> str:
    return hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()


def _unchanged(cache: PageCache, inputs: str, out: Path, strict: bool) -> BuildResult | None:
    """When no input changed since the last build and its site is still on disk: that build's result, redone in no time."""
    started = time.perf_counter()
    last = cache.last_build()
    if last is None or last["inputs"] != inputs or _manifest_digest(out) != last["manifest"]:
        return None
    report = Report(list(last["diagnostics"]))
    _stop_on_errors(report, strict, final=True)
    live = read_manifest(out) or {}
    return BuildResult(report, dict.fromkeys(live), time.perf_counter() - started, dict(live), 0, last["pages"], WriteStats(unchanged=True))


def _stop_on_errors(report: Report, strict: bool, final: bool = False) -> None:
    if report.has_errors or (final and strict and report.warnings):
        if strict:
            report.promote_warnings()
        raise ProjectError(report)
