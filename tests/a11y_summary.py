"""What the accessibility gate checked, counted as it runs and printed at the end of the run.

``tests/test_browser.py`` wraps each check in ``SUMMARY.checking(project, check, page, view)``
and reports what the check found with the function it yields; ``tests/conftest.py`` prints
``SUMMARY`` in pytest's terminal summary, one line per check and project (pages checked, problems
found, checks interrupted), whether the tests passed or failed. Nothing is printed when no
browser test was collected.

The checks a run is expected to make are registered at the end of collection, from the tests
marked ``@pytest.mark.a11y("check")``: a check collected for N pages but run on fewer says so
(« 12 pages sur 74 »), so the summary never claims more than what actually ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# check key → (label, problem noun singular, plural); printed in this order.
CHECKS: dict[str, tuple[str, str, str]] = {
    "axe": ("axe-core", "violation", "violations"),
    "vnu": ("HTML (Nu Html Checker)", "erreur", "erreurs"),
    "reflow": ("reflow 320 px", "débordement", "débordements"),
    "zoom": ("zoom 200 %", "problème", "problèmes"),
    "keyboard": ("clavier", "problème", "problèmes"),
    "nojs": ("sans JavaScript", "différence", "différences"),
    "structure": ("structure RGAA", "problème", "problèmes"),
    "requests": ("requêtes externes", "requête bloquée", "requêtes bloquées"),
    "titles": ("titres uniques", "problème", "problèmes"),
}


def plural(n: int, singular: str, plural_form: str) -> str:
    """French: 0 and 1 take the singular (« 0 violation », « 1 page », « 2 pages »)."""
    return f"{n} {singular if n < 2 else plural_form}"


@dataclass
class Count:
    checks: set[tuple[str, str]] = field(default_factory=set)  # (page, view) actually checked
    found: int = 0
    interrupted: int = 0
    expected_pages: set[str] = field(default_factory=set)

    def line(self, check: str) -> str:
        label, one, many = CHECKS[check]
        pages = {page for page, _ in self.checks}
        views = {view for _, view in self.checks}
        text = f"{label} : {plural(len(pages), 'page', 'pages')}"
        if self.expected_pages and not self.expected_pages <= pages:
            text += f" sur {len(self.expected_pages | pages)}"
        if len(views) > 1:
            if len(self.checks) == len(pages) * len(views):
                text += f" × {len(views)} vues"
            else:
                text += f" ({plural(len(self.checks), 'vérification', 'vérifications')})"
        text += f", {plural(self.found, one, many)}"
        if self.interrupted:
            text += f", {plural(self.interrupted, 'contrôle interrompu', 'contrôles interrompus')} (erreur)"
        return text


class Tally:
    """Counts by project and check. ``SUMMARY`` is the run's; a self-test makes its own."""

    def __init__(self) -> None:
        self.projects: dict[str, str] = {}  # key → description, in the order they were described
        self.counts: dict[tuple[str, str], Count] = {}

    def describe(self, project: str, description: str) -> None:
        self.projects[project] = description

    def _count(self, project: str, check: str) -> Count:
        if check not in CHECKS:
            raise KeyError(f"unknown check {check!r}: one of {', '.join(CHECKS)}")
        self.projects.setdefault(project, project)
        return self.counts.setdefault((project, check), Count())

    def expect(self, project: str, check: str, page: str | None = None) -> None:
        """A collected test will run ``check`` on ``project`` (on ``page``, for a per-page test)."""
        count = self._count(project, check)
        if page is not None:
            count.expected_pages.add(page)

    @contextmanager
    def checking(self, project: str, check: str, page: str | None = None,
                 *views: str) -> Iterator[Callable[..., None]]:
        """Wrap one run of ``check`` on ``page`` (in each of ``views``, when it looks at the page
        in several ways). Call the yielded ``done(found)`` with the number of problems found; a
        session-wide check gives the pages it covered: ``done(found, pages=[…])``.

        A check left before calling ``done`` (an exception: the page did not load, a tool
        failed) counts as interrupted, and its pages as not checked."""
        count = self._count(project, check)
        results: list[tuple[int, list[str]]] = []

        def done(found: int, pages: list[str] | None = None) -> None:
            results.append((found, [page] if pages is None else list(pages)))

        try:
            yield done
        finally:
            if results:
                for found, pages in results:
                    count.found += found
                    count.checks.update((p, v) for p in pages if p is not None for v in views or ("",))
            else:
                count.interrupted += 1

    def lines(self) -> list[str]:
        lines = []
        for project, description in self.projects.items():
            checks = [check for check in CHECKS if (project, check) in self.counts]
            if not checks:
                continue
            lines.append(description)
            lines += ["  " + self.counts[project, check].line(check) for check in checks]
        return lines


SUMMARY = Tally()


# ---------------------------------------------------------------------------------------------
# pytest hooks, called from tests/conftest.py
# ---------------------------------------------------------------------------------------------

MARKER = "a11y(check): a check of the accessibility gate, counted in the summary at the end of the run"


def collection_finished(items: list) -> None:
    """Register the checks the collected (and selected) tests will make."""
    for item in items:
        marker = item.get_closest_marker("a11y")
        if marker is None:
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        site_page = params.get("site_page")
        if site_page is not None:
            SUMMARY.expect(site_page.project, marker.args[0], site_page.path)
        elif "project" in params:
            # A session-wide check covers every page of its project, when the module says which.
            pages = getattr(item.module, "a11y_pages", lambda project: [None])(params["project"])
            for page in pages:
                SUMMARY.expect(params["project"], marker.args[0], page)


def write(terminalreporter) -> None:
    lines = SUMMARY.lines()
    if not lines:
        return
    terminalreporter.write_sep("-", "accessibilité")
    for line in lines:
        terminalreporter.write_line(line)
