"""Shared helpers: a fresh copy of the default project, the CLI runner, tree hashes; the one
headless Chromium of the session (``chromium``); the accessibility gate's summary at the end of
the run (tests/a11y_summary.py)."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import a11y_summary
import fuzz_summary
from siad.cli import cli

REPO_ROOT = Path(__file__).resolve().parent.parent


# Warnings about stale data depend on the build date: every test builds « on » 2026-11-23.
FIXED_BUILD_EPOCH = "1795392000"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", a11y_summary.MARKER)


def pytest_collection_finish(session: pytest.Session) -> None:
    a11y_summary.collection_finished(session.items)


def pytest_terminal_summary(terminalreporter) -> None:
    """One line per check of the accessibility gate (tests/test_browser.py), then what the broken-project
    corpus, the hostile-text corpus and the fuzzing tried — each only when its module ran."""
    a11y_summary.write(terminalreporter)
    lines = []
    for module, function in (("test_invalid_projects", "corpus_summary"), ("test_hostile_text", "xss_summary")):
        loaded = sys.modules.get(module)
        lines.append(getattr(loaded, function)() if loaded else None)
    lines.append(fuzz_summary.fuzz_summary())
    for line in filter(None, lines):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium (Debian's, through Playwright), shared by every browser module: only one
    sync Playwright may be alive at a time, so no module starts its own. Each module makes its own
    contexts (JavaScript on or off, locale, time zone) from it."""
    import browser as b

    missing = b.missing_tools(browser=True)
    if missing:
        pytest.fail(b.missing_message(missing))
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = b.launch(playwright)
    except Exception as error:
        playwright.stop()
        pytest.fail(f"Chromium ({b.CHROMIUM}) does not start under Playwright: {error}\n{b.SETUP_HINT}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the default project (siad.yml, data/, content/) in ``tmp_path / "projet"``.

    The theme is not copied: siad finds its built-in default theme by itself.
    """
    root = tmp_path / "projet"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "siad.yml", root / "siad.yml")
    shutil.copytree(REPO_ROOT / "data", root / "data")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    return root


def run(*args: object) -> Result:
    """Invoke ``siad ARGS…`` in-process; stdout and stderr are kept apart (click ≥ 8.2)."""
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], prog_name="siad")


def tree_hashes(path: Path) -> dict[str, str]:
    """Every file under ``path`` (relative POSIX path → SHA-256 of its bytes)."""
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def main_text(site: Path, url: str) -> str:
    """The visible text of a built page's <main> (scripts and tags removed, entities decoded, spaces collapsed)."""
    page = (site / url / "index.html").read_text(encoding="utf-8")
    main = re.sub(r"<script[^>]*>.*?</script>", " ", page[page.index("<main") : page.index("</main>")], flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))
