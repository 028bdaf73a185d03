"""The pipeline, callable without the CLI: load and validate → model → render → write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .clock import build_date
from .config import load_config
from .content import load_content
from .data import Freshness, load_data
from .errors import Location, ProjectError, Report
from .glossary import load_glossary
from .headers import check_policy
from .linkcheck import check_links
from .model import build_site
from .publication import check_publication
from .render import Renderer
from .symlinks import check_symlinks
from .theme import Theme
from .writer import check_output_dir, write_site


@dataclass
class BuildResult:
    report: Report
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".html"))


def render_project(root: Path, base_url: str | None = None, strict: bool = False) -> BuildResult:
    """Everything a build does except writing. Raises :class:`ProjectError` on any error."""
    started = time.perf_counter()
    report = Report()
    check_symlinks(root, report)  # before anything is read: nothing outside the project is ever opened
    if report.has_errors:
        raise ProjectError(report)
    config = load_config(root, report, base_url)
    if config is None:
        raise ProjectError(report)
    theme = Theme(config, report)
    freshness = Freshness(build_date(), config.max_check_months, config.max_figure_years, config.accepted_old_figures)
    data = load_data(root, report, config.siren, freshness)
    contact = config.contact
    check_publication(
        config.publication, bool(contact and (contact.email or contact.phone)), config.base_url is not None,
        freshness.today, lambda key: config.locs.get(key, Location("siad.yml", 1, 1)), report,
    )
    sources, static = load_content(root, report)
    _stop_on_errors(report, strict)
    site = build_site(config, data, sources, static, report, load_glossary(sources, report))
    _stop_on_errors(report, strict)
    files = Renderer(site, theme, report).render_all()
    if not report.has_errors:
        origins = {page.output: page.source for page in site.pages}
        check_links(files, origins, config.base_path, report)
        check_policy(files, origins, report, config.base_url)
    _stop_on_errors(report, strict, final=True)
    return BuildResult(report, files, time.perf_counter() - started)


def build_project(root: Path, out: Path, base_url: str | None = None, strict: bool = False) -> BuildResult:
    """Render the project and replace ``out`` with the result, only if everything succeeded."""
    check_output_dir(out, root)
    result = render_project(root, base_url, strict)
    write_site(result.files, out)
    return result


def _stop_on_errors(report: Report, strict: bool, final: bool = False) -> None:
    if report.has_errors or (final and strict and report.warnings):
        if strict:
            report.promote_warnings()
        raise ProjectError(report)
