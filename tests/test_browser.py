"""The accessibility and HTML gate, on every page of two sites, in a real browser.

Two projects are built once per session (at collection, to list their pages), served on
127.0.0.1 and opened in headless Chromium (Debian's, through Playwright):

- the default project (this repository's data and content), with every check;
- a large generated project (``tests/big_project.py``: ``siad new --epci`` for Grand Besançon
  Métropole's 67 communes, and 40 reception points with long names, several phones, many served
  communes, every kind of hours), whose page ids start with ``grand/``. To keep the gate fast, it
  gets axe-core in light mode at 1280 and 320 px, the Nu Html Checker, reflow, the structure,
  the no-JavaScript comparison, outside requests and unique titles (not the keyboard tour nor
  200 % text, which the default project's pages cover for the same templates).

Every page must:

- load nothing from outside the site;
- pass axe-core's WCAG 2.0/2.1/2.2 A and AA rules, 1280 and 320 px wide, in light and dark;
- reflow at 320 CSS px without horizontal scrolling, with and without JavaScript;
- show the same text in <main> without JavaScript;
- have the structure RGAA asks for (one h1, no skipped level, lang, captioned tables with scoped
  headers, named links whose text makes sense out of context, no inline script or event
  handler), and a title no other page has;
- start with the « Aller au contenu » skip link, and show where the keyboard focus is;
- keep every text readable at 200 % text size;
- be valid HTML for the Nu Html Checker (one JVM for both sites).

Each check counts what it looked at and found in ``SUMMARY`` (tests/a11y_summary.py), printed at
the end of the run. The self-tests at the end run the same checks on a small broken page (each
check must see its defect) and on a small correct one (no check may complain); they do not count.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import big_project
import browser as b
from a11y_summary import SUMMARY, Tally
from conftest import FIXED_BUILD_EPOCH, REPO_ROOT
from siad.cli import cli

DEFAULT, LARGE = "defaut", "grand"
PREFIX = {DEFAULT: "", LARGE: "grand/"}
# The checks run on the large project too (the others only on the default one).
LARGE_CHECKS = {"axe", "vnu", "reflow", "nojs", "structure", "requests", "titles"}


@dataclass(frozen=True)
class SitePage:
    project: str
    path: str  # the built file, relative to the site: lieux/adil03/index.html

    def __str__(self) -> str:
        return PREFIX[self.project] + self.path


_BUILDS: dict[str, tuple[Path | None, str]] = {}


def _copy_default(root: Path) -> None:
    root.mkdir()
    shutil.copy2(REPO_ROOT / "siad.yml", root / "siad.yml")
    shutil.copytree(REPO_ROOT / "data", root / "data")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    # A fork with its own theme (siad.yml « theme: ») is checked with it; here, themes/default is
    # also siad's built-in theme, so copying it changes nothing.
    shutil.copytree(REPO_ROOT / "themes", root / "themes")


def _describe(project: str, root: Path) -> str:
    config = yaml.safe_load((root / "siad.yml").read_text(encoding="utf-8")) or {}
    communes = yaml.safe_load((root / "data" / "communes.yml").read_text(encoding="utf-8")) or {}
    points = len(list((root / "data" / "lieux").glob("*.yml")))
    what = "projet par défaut" if project == DEFAULT else "grand projet généré (tests/big_project.py)"
    return (f"{what} — {config.get('territoire', '?')} : {len(communes.get('communes') or [])} communes, "
            f"{points} lieux d'accueil")


def built(project: str) -> tuple[Path | None, str]:
    """``project`` built once per session: (output folder or None, messages)."""
    if project not in _BUILDS:
        tmp = Path(tempfile.mkdtemp(prefix=f"siad-navigateur-{project}-"))
        atexit.register(shutil.rmtree, tmp, True)
        root = tmp / "projet"
        try:
            if project == DEFAULT:
                _copy_default(root)
            else:
                big_project.make(root, FIXED_BUILD_EPOCH)
        except Exception as error:  # noqa: BLE001 - reported by every test of the project
            _BUILDS[project] = (None, f"the project could not be made: {error!r}")
            return _BUILDS[project]
        out = tmp / "site"
        result = CliRunner().invoke(
            cli, ["build", "--source", str(root), "--out", str(out)],
            env={"SOURCE_DATE_EPOCH": FIXED_BUILD_EPOCH}, prog_name="siad",
        )
        messages = f"exit {result.exit_code}\n{result.output}\n{result.exception or ''}"
        _BUILDS[project] = (out if result.exit_code == 0 else None, messages)
        SUMMARY.describe(project, _describe(project, root))
    return _BUILDS[project]


def site_of(project: str) -> Path:
    out, messages = built(project)
    if out is None:
        pytest.fail(f"siad build failed on the {project} project:\n{messages}")
    return out


def _site_pages(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if ".siad" not in p.relative_to(out).parts
    )


def a11y_pages(project: str) -> list[str]:
    """The pages of ``project`` (what the session-wide checks cover, for the summary)."""
    out, _ = built(project)
    return _site_pages(out) if out else []


def _projects(check: str) -> list[str]:
    return [DEFAULT, LARGE] if check in LARGE_CHECKS else [DEFAULT]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("a11y")
    if marker is None:
        return
    projects = _projects(marker.args[0])
    if "site_page" in metafunc.fixturenames:
        params = []
        for project in projects:
            pages = a11y_pages(project) or ["(échec de la construction)"]
            params += [pytest.param(SitePage(project, page), id=str(SitePage(project, page))) for page in pages]
        metafunc.parametrize("site_page", params)
    elif "project" in metafunc.fixturenames:
        metafunc.parametrize("project", projects)


# ---------------------------------------------------------------------------------------------
# Session fixtures: builds, one server per site, the shared browser, two contexts (with and without
# JavaScript) and, per site, one Opener with its two reused tabs
# ---------------------------------------------------------------------------------------------


# ``chromium``, the session's one browser, comes from tests/conftest.py (shared by every browser module).


@pytest.fixture(scope="session")
def contexts(chromium):
    made = {
        js: chromium.new_context(java_script_enabled=js, bypass_csp=True, locale="fr-FR",
                                 timezone_id="Europe/Paris")
        for js in (True, False)
    }
    b.with_axe(made[True])
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="session")
def openers(contexts):
    """``openers(project)``: the Opener of ``project``'s site, served from its first use."""
    made: dict[str, b.Opener] = {}
    with ExitStack() as stack:
        def get(project: str) -> b.Opener:
            if project not in made:
                origin = stack.enter_context(b.serve(site_of(project)))
                made[project] = b.Opener(contexts, origin)
                stack.callback(made[project].close)
            return made[project]

        yield get


@pytest.fixture
def opener(request: pytest.FixtureRequest, openers) -> b.Opener:
    """The Opener of the test's project (its ``site_page``), the default project's otherwise."""
    site_page = getattr(getattr(request.node, "callspec", None), "params", {}).get("site_page")
    tabs = openers(site_page.project if site_page else DEFAULT)
    tabs.reset()
    return tabs


def report(page: object, problems: list[str]) -> str:
    return f"{page}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------------------------
# Every page of both sites
# ---------------------------------------------------------------------------------------------

AXE_VIEWS = [("1280 px light", b.DESKTOP, "light"), ("1280 px dark", b.DESKTOP, "dark"),
             ("320 px dark", b.MOBILE, "dark"), ("320 px light", b.MOBILE, "light")]
LARGE_AXE_VIEWS = ["1280 px light", "320 px light"]

_VISITS: dict[str, dict] = {}


def large_visit(opener: b.Opener, path: str) -> dict:
    """What the large project's per-page checks need, from two page loads (kept for the tests of
    the same page that follow): with JavaScript at 1280 px, light (structure and text of <main>
    from the Opener's snapshot, axe-core), resized to 320 px (axe-core, reflow, text of <main>),
    then without JavaScript at 320 px (reflow, text of <main>)."""
    if path not in _VISITS:
        page = opener.open(path)
        runs = {LARGE_AXE_VIEWS[0]: b.axe_violations(page)}
        opener.viewport(page, True, b.MOBILE)
        runs[LARGE_AXE_VIEWS[1]] = b.axe_violations(page, inject=False)
        reflow_js, main_js = b.reflow_problems(page), b.main_text(page)
        page = opener.open(path, js=False, viewport=b.MOBILE)
        _VISITS[path] = {
            "axe": runs, "reflow": {True: reflow_js, False: b.reflow_problems(page)},
            "main": (main_js, b.main_text(page)),
        }
    return _VISITS[path]


@pytest.mark.a11y("axe")
def test_axe_wcag(site_page: SitePage, opener: b.Opener) -> None:
    """axe-core on a wide and a 320 px screen, in light and dark colour schemes (one page load);
    the large project in light mode only."""
    views = [name for name, _, _ in AXE_VIEWS] if site_page.project == DEFAULT else LARGE_AXE_VIEWS
    with SUMMARY.checking(site_page.project, "axe", site_page.path, *views) as done:
        if site_page.project == DEFAULT:
            page = opener.open(site_page.path, scheme="light")
            runs = {}
            for name, viewport, scheme in AXE_VIEWS:
                opener.viewport(page, True, viewport)
                opener.scheme(page, True, scheme)
                runs[name] = b.axe_violations(page, inject=not runs)
        else:
            runs = large_visit(opener, site_page.path)["axe"]
        done(b.count_axe(runs))
    problems = b.format_axe_runs(runs)
    assert not problems, report(site_page, problems)


@pytest.mark.a11y("reflow")
@pytest.mark.parametrize("js", [True, False], ids=["js", "sans-js"])
def test_reflow_320px(site_page: SitePage, js: bool, opener: b.Opener) -> None:
    view = "JS" if js else "no JS"
    with SUMMARY.checking(site_page.project, "reflow", site_page.path, view) as done:
        if site_page.project == DEFAULT:
            problems = b.reflow_problems(opener.open(site_page.path, js=js, viewport=b.MOBILE))
        else:
            problems = large_visit(opener, site_page.path)["reflow"][js]
        done(b.count_problems(problems))
    assert not problems, report(f"{site_page} (320 px, {view})", problems)


@pytest.mark.a11y("nojs")
def test_same_content_without_javascript(site_page: SitePage, opener: b.Opener) -> None:
    """<main> says the same with and without JavaScript (at 1280 px; at 320 px for the large project)."""
    with SUMMARY.checking(site_page.project, "nojs", site_page.path) as done:
        if site_page.project == DEFAULT:
            with_js = opener.snapshot(site_page.path)["main"]
            without_js = b.main_text(opener.open(site_page.path, js=False))
        else:
            with_js, without_js = large_visit(opener, site_page.path)["main"]
        problems = b.nojs_problems(with_js, without_js)
        done(b.count_problems(problems))
    assert not problems, report(site_page, problems)


@pytest.mark.a11y("structure")
def test_rgaa_structure(site_page: SitePage, opener: b.Opener) -> None:
    with SUMMARY.checking(site_page.project, "structure", site_page.path) as done:
        problems = opener.snapshot(site_page.path)["structure"]
        done(b.count_problems(problems))
    assert not problems, report(site_page, problems)


@pytest.mark.a11y("keyboard")
def test_keyboard(site_page: SitePage, opener: b.Opener) -> None:
    with SUMMARY.checking(site_page.project, "keyboard", site_page.path) as done:
        problems = b.keyboard_problems(opener.open(site_page.path))
        done(b.count_problems(problems))
    assert not problems, report(site_page, problems)


@pytest.mark.a11y("zoom")
def test_text_zoom_200(site_page: SitePage, opener: b.Opener) -> None:
    with SUMMARY.checking(site_page.project, "zoom", site_page.path) as done:
        problems = b.zoom_problems(opener.open(site_page.path, viewport=b.ZOOM))
        done(b.count_problems(problems))
    assert not problems, report(f"{site_page} (200 % text, {b.ZOOM['width']} px)", problems)


# Session-wide checks: they reuse what the per-page tests above loaded, and load the rest.

# The loads each page gets (the large project's: those of ``large_visit``).
VARIANTS = {DEFAULT: [(True, b.DESKTOP), (True, b.MOBILE), (False, b.DESKTOP)],
            LARGE: [(True, b.DESKTOP), (False, b.MOBILE)]}


@pytest.mark.a11y("requests")
def test_pages_load_nothing_from_outside(project: str, openers) -> None:
    views = [f"{'JS' if js else 'no JS'} {viewport['width']} px" for js, viewport in VARIANTS[project]]
    with SUMMARY.checking(project, "requests", None, *views) as done:
        tabs = openers(project)
        pages = _site_pages(site_of(project))
        for path in pages:
            for js, viewport in VARIANTS[project]:
                if (path, js, viewport["width"]) not in tabs.loaded:
                    tabs.open(path, js=js, viewport=viewport)
        problems = [
            f"{PREFIX[project]}{path}: {url}"
            for path, urls in sorted(tabs.outside_by_page.items()) for url in sorted(urls)
        ]
        done(len(problems), pages=pages)
    assert not problems, "requests outside the site (blocked):\n" + "\n".join(problems)


@pytest.mark.a11y("titles")
def test_titles_are_unique(project: str, openers) -> None:
    with SUMMARY.checking(project, "titles", None) as done:
        tabs = openers(project)
        pages = _site_pages(site_of(project))
        for path in pages:
            if path not in tabs.titles:
                tabs.open(path, js=False)
        problems = b.title_problems({PREFIX[project] + path: tabs.titles[path] for path in pages})
        done(len(problems), pages=pages)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# HTML conformance: the Nu Html Checker, once over every page (and the self-test pages)
# ---------------------------------------------------------------------------------------------

GOOD_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page correcte</title>
<style>
body { margin: 0; font: 100%/1.5 sans-serif; color: #000; background: #fff; }
a { color: #0000c0; }
:focus-visible { outline: 3px solid #000; outline-offset: 2px; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 0.5rem; background: #fff; }
table { border-collapse: collapse; }
</style>
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header><p><a href="good.html">Accueil</a></p></header>
<main id="contenu" tabindex="-1">
<h1>Une page correcte</h1>
<h2>Horaires</h2>
<p>Un <a href="good.html">lien vers l'accueil</a> dans un texte.</p>
<p><a href="good.html" title="Horaires de la mairie">Horaires</a> de la mairie et
<a href="skip.html" title="Horaires de la médiathèque">horaires</a> de la médiathèque ;
<a href="./good.html#contenu">Une page correcte</a>, <a href="good.html#contenu">une page correcte</a>.</p>
<table>
<caption>Horaires d'ouverture</caption>
<tr><th scope="col">Jour</th><th scope="col">Heures</th></tr>
<tr><td>Lundi</td><td>9 h – 12 h</td></tr>
</table>
</main>
</body>
</html>
"""

BAD_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page fautive</title>
<style>
a:focus { outline: none; }
.pale { color: #bbb; background: #fff; }
.wide { width: 500px; }
.box { width: 600px; height: 30px; overflow: hidden; }
</style>
</head>
<body onload="void 0">
<header><a href="bad.html">Accueil</a></header>
<main>
<h1>Premier titre</h1>
<h1>Second titre</h1>
<h4>Niveau sauté</h4>
<p class="pale">Texte trop pâle.</p>
<p>Pour déposer votre demande, <a href="good.html">cliquez ici</a>. <a href="good.html">En savoir plus…</a></p>
<p><a href="good.html">Horaires</a> de la mairie, <a href="skip.html">horaires</a> de la médiathèque.</p>
<img src="http://example.invalid/image.png">
<a href="bad.html"></a>
<table><tr><th>Jour</th></tr><tr><td>Lundi</td></tr></table>
<div class="wide">Un bloc trop large pour un petit écran.</div>
<div class="box">Texte coupé</div>
<p id="js-seulement" hidden>Visible seulement avec JavaScript.</p>
</main>
<script>document.getElementById('js-seulement').hidden = false;</script>
</body>
</html>
"""

CLIPPED_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Débordement masqué</title>
<style>html, body { overflow-x: hidden; } .wide { width: 500px; }</style></head>
<body><main><h1>Masqué</h1><div class="wide">Un bloc trop large, coupé au lieu d'être replié.</div></main></body>
</html>
"""

HIDDEN_MAIN_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Contenu caché sans JavaScript</title>
<link rel="stylesheet" href="hidden.css"><script src="hidden.js" defer></script></head>
<body><main id="contenu"><h1>Caché</h1><p>Ce texte n'apparaît qu'avec JavaScript.</p></main></body>
</html>
"""


@pytest.fixture(scope="session")
def selftest_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages-de-controle")
    (root / "good.html").write_text(GOOD_PAGE, encoding="utf-8")
    (root / "bad.html").write_text(BAD_PAGE, encoding="utf-8")
    (root / "hidden.html").write_text(HIDDEN_MAIN_PAGE, encoding="utf-8")
    (root / "clipped.html").write_text(CLIPPED_PAGE, encoding="utf-8")
    broken_skip = GOOD_PAGE.replace('href="#contenu"', 'href="#ailleurs"')
    (root / "skip.html").write_text(broken_skip, encoding="utf-8")
    (root / "hidden.css").write_text("main { display: none; } .js main { display: block; }\n", encoding="utf-8")
    (root / "hidden.js").write_text("document.documentElement.className = 'js';\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def selftest_origin(selftest_site: Path):
    with b.serve(selftest_site) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def vnu(selftest_site: Path):
    """The Nu Html Checker, started when the module's first test starts: it runs while the
    browser checks do, and ``test_html_conformance`` collects its answer at the end."""
    missing = b.missing_tools(browser=False, java=True)
    if missing:
        yield b.missing_message(missing)
        return
    files = []
    for project in (DEFAULT, LARGE):
        out, _ = built(project)
        files += [out / p for p in _site_pages(out)] if out else []
    files += [selftest_site / "good.html", selftest_site / "bad.html"]
    checker = b.Vnu(files)
    yield checker
    checker.stop()


def vnu_messages(vnu: b.Vnu | str) -> dict[Path, list[str]]:
    if isinstance(vnu, str):
        pytest.fail(vnu)
    return vnu.messages()


@pytest.fixture
def vnu_report(vnu) -> dict[Path, list[str]]:
    return vnu_messages(vnu)


@pytest.mark.a11y("vnu")
def test_html_conformance(project: str, vnu, selftest_site: Path) -> None:
    with SUMMARY.checking(project, "vnu", None) as done:
        site = site_of(project)
        others = [built(p)[0] for p in PREFIX if p != project] + [selftest_site]

        def ours(path: Path) -> bool:
            # Messages about a file of no known site (should there be any) go to the default project.
            if path.is_relative_to(site):
                return True
            return project == DEFAULT and not any(o and path.is_relative_to(o) for o in others)

        def name(path: Path) -> str:
            return PREFIX[project] + path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)

        errors = [
            f"{name(path)}:{message}"
            for path, messages in sorted(vnu_messages(vnu).items())
            if ours(path)
            for message in messages
        ]
        done(len(errors), pages=_site_pages(site))
    assert not errors, "Nu Html Checker errors:\n" + "\n".join(errors)


# ---------------------------------------------------------------------------------------------
# Self-tests: every check sees its defect on a broken page, and none complains about a correct one
# ---------------------------------------------------------------------------------------------


def test_checks_accept_a_correct_page(opener: b.Opener, selftest_origin: str,
                                      vnu_report: dict[Path, list[str]], selftest_site: Path) -> None:
    def page(**options):
        return opener.open("good.html", origin=selftest_origin, **options)

    problems = {
        "axe light": b.axe_problems(page()),
        "axe dark": b.axe_problems(page(scheme="dark")),
        "reflow": b.reflow_problems(page(viewport=b.MOBILE)),
        "reflow without JS": b.reflow_problems(page(js=False, viewport=b.MOBILE)),
        "without JS": b.nojs_problems(b.main_text(page()), b.main_text(page(js=False))),
        "structure": b.structure_problems(page()),
        "keyboard": b.keyboard_problems(page()),
        "zoom": b.zoom_problems(page(viewport=b.ZOOM)),
        "requests": opener.outside,
        "vnu": vnu_report.get(selftest_site / "good.html", []),
    }
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


@pytest.fixture
def bad(opener: b.Opener, selftest_origin: str):
    return lambda **options: opener.open("bad.html", origin=selftest_origin, **options)


def test_selftest_external_request_is_blocked_and_reported(bad, opener: b.Opener) -> None:
    bad()
    assert opener.outside == ["http://example.invalid/image.png"]


def test_selftest_axe_reports_violations(bad) -> None:
    text = "\n".join(b.axe_problems(bad()))
    for rule in ("[html-has-lang]", "[image-alt]", "[link-name]", "[color-contrast]"):
        assert rule in text, text
    assert "img[src$=\"image.png\"]" in text or "<img" in text, text


def test_selftest_reflow_reports_the_wide_block(bad, opener: b.Opener, selftest_origin: str) -> None:
    problems = b.reflow_problems(bad(viewport=b.MOBILE))
    assert problems and problems[0].endswith("> 320 px"), problems
    assert any("main > div.wide:nth-of-type(1) reaches 508 px" in line for line in problems), problems
    # Hiding the overflow (html, body { overflow-x: hidden }) does not hide it from the check.
    problems = b.reflow_problems(opener.open("clipped.html", origin=selftest_origin, viewport=b.MOBILE))
    assert problems and "scrollWidth 500 > 320 px" in problems[0], problems


def test_selftest_missing_tools_fail_with_the_setup_command(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(b, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(b, "VNU_JAR", tmp_path / "vnu.jar")
    missing = b.missing_tools(browser=True, java=True)
    assert f"{tmp_path / 'chromium'} (apt-get install chromium)" in missing
    assert f"{tmp_path / 'vnu.jar'} (npm ci)" in missing
    assert "./scripts/test" in b.missing_message(missing)


def test_selftest_javascript_only_content_is_reported(bad, opener: b.Opener, selftest_origin: str) -> None:
    problems = b.nojs_problems(b.main_text(bad()), b.main_text(bad(js=False)))
    assert any("differs without JavaScript" in p for p in problems), problems
    assert any("Visible seulement avec JavaScript." in p for p in problems), problems

    hidden = opener.open("hidden.html", origin=selftest_origin, js=False)
    shown = opener.open("hidden.html", origin=selftest_origin)
    problems = b.nojs_problems(b.main_text(shown), b.main_text(hidden))
    assert "<main> is hidden without JavaScript" in problems, problems


def test_selftest_structure_problems(bad) -> None:
    text = "\n".join(b.structure_problems(bad()))
    for expected in (
        "<html> has no lang attribute",
        "expected exactly one <h1>, found 2",
        "heading level skipped in <main>: h1 → h4",
        "table without <caption>",
        "<th> without a valid scope",
        "link without accessible text",
        "link text « cliquez ici » does not make sense out of context (RGAA 6.1): main > p:nth-of-type(2) > a",
        "link text « En savoir plus… » does not make sense out of context",
        "2 links with the same text « Horaires » lead to 2 different places (RGAA 6.1): "
        "main > p:nth-of-type(3) > a:nth-of-type(1) → good.html, main > p:nth-of-type(3) > a:nth-of-type(2) → skip.html",
        "inline event handler onload",
        "inline <script> with content",
    ):
        assert expected in text, text


def test_selftest_keyboard_problems(bad) -> None:
    text = "\n".join(b.keyboard_problems(bad()))
    assert "not the skip link" in text, text
    assert "no visible focus indicator on body > header > a" in text, text
    assert "focused element invisible or outside the page: main > a" in text, text  # empty link


def test_selftest_skip_link_must_lead_to_main(opener: b.Opener, selftest_origin: str) -> None:
    problems = b.keyboard_problems(opener.open("skip.html", origin=selftest_origin))
    assert problems == [
        "activating the skip link does not move focus to <main> (the next Tab reaches "
        "body > header > p > a « Accueil »)"
    ]


def test_selftest_text_zoom_reports_clipped_text(bad) -> None:
    text = "\n".join(b.zoom_problems(bad(viewport=b.ZOOM)))
    assert "text clipped (overflow hidden): main > div.box" in text, text


def test_selftest_duplicate_titles_are_reported() -> None:
    problems = b.title_problems({"a/index.html": "Accueil", "b/index.html": " Accueil ", "c/index.html": ""})
    assert problems == [
        "c/index.html: empty <title>",
        "« Accueil » is the title of 2 pages: a/index.html, b/index.html",
    ]


def test_selftest_vnu_reports_errors(vnu_report: dict[Path, list[str]], selftest_site: Path) -> None:
    errors = vnu_report.get(selftest_site / "bad.html", [])
    assert any("alt" in e for e in errors), errors


def test_selftest_summary_counts_what_the_checks_find(bad, opener: b.Opener, selftest_origin: str) -> None:
    """A separate tally, fed by the checks run on the broken page, counts what they found; the
    run's own summary does not move (self-tests are not counted in it)."""
    before = SUMMARY.lines()
    tally = Tally()
    tally.describe("controle", "pages de contrôle")
    with tally.checking("controle", "axe", "bad.html", "1280 px light", "320 px light") as done:
        page = bad()
        runs = {"1280 px light": b.axe_violations(page)}
        opener.viewport(page, True, b.MOBILE)
        runs["320 px light"] = b.axe_violations(page, inject=False)
        done(b.count_axe(runs))
    with tally.checking("controle", "structure", "bad.html") as done:
        done(b.count_problems(b.structure_problems(bad())))
    with tally.checking("controle", "structure", "good.html") as done:
        done(b.count_problems(b.structure_problems(opener.open("good.html", origin=selftest_origin))))
    tally.expect("controle", "reflow", "bad.html")
    with pytest.raises(RuntimeError), tally.checking("controle", "reflow", "bad.html", "JS"):
        raise RuntimeError("la page ne s'est pas chargée")

    violations = b.count_axe(runs)
    assert violations >= 4, runs  # html-has-lang, image-alt, link-name, color-contrast at least
    assert tally.lines() == [
        "pages de contrôle",
        f"  axe-core : 1 page × 2 vues, {violations} violations",
        "  reflow 320 px : 0 page sur 1, 0 débordement, 1 contrôle interrompu (erreur)",
        "  structure RGAA : 2 pages, 11 problèmes",
    ]
    assert SUMMARY.lines() == before
