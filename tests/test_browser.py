"""The accessibility and HTML gate, on every page of the default site, in a real browser.

The default project is built once per session (at collection, to list its pages), served on
127.0.0.1 and opened in headless Chromium (Debian's, through Playwright). Every page must:

- load nothing from outside the site;
- pass axe-core's WCAG 2.0/2.1/2.2 A and AA rules, 1280 and 320 px wide, in light and dark;
- reflow at 320 CSS px without horizontal scrolling, with and without JavaScript;
- show the same text in <main> without JavaScript;
- have the structure RGAA asks for (one h1, no skipped level, lang, captioned tables with scoped
  headers, named links, no inline script or event handler), and a title no other page has;
- start with the « Aller au contenu » skip link, and show where the keyboard focus is;
- keep every text readable at 200 % text size;
- be valid HTML for the Nu Html Checker (one JVM for the whole site).

The self-tests at the end run the same checks on a small broken page (each check must see its
defect) and on a small correct one (no check may complain).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import browser as b
from conftest import FIXED_BUILD_EPOCH, REPO_ROOT
from siad.cli import cli

_BUILD: dict[str, object] = {}


def _built_site() -> tuple[Path | None, str]:
    """A copy of the default project built once per session: (output folder or None, messages)."""
    if not _BUILD:
        tmp = Path(tempfile.mkdtemp(prefix="siad-navigateur-"))
        atexit.register(shutil.rmtree, tmp, True)
        root = tmp / "projet"
        root.mkdir()
        shutil.copy2(REPO_ROOT / "siad.yml", root / "siad.yml")
        shutil.copytree(REPO_ROOT / "data", root / "data")
        shutil.copytree(REPO_ROOT / "content", root / "content")
        out = tmp / "site"
        result = CliRunner().invoke(
            cli, ["build", "--source", str(root), "--out", str(out)],
            env={"SOURCE_DATE_EPOCH": FIXED_BUILD_EPOCH}, prog_name="siad",
        )
        _BUILD["out"] = out if result.exit_code == 0 else None
        _BUILD["messages"] = f"exit {result.exit_code}\n{result.output}\n{result.exception or ''}"
    return _BUILD["out"], _BUILD["messages"]  # type: ignore[return-value]


def _site_pages(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if ".siad" not in p.relative_to(out).parts
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "site_page" in metafunc.fixturenames:
        out, _ = _built_site()
        pages = _site_pages(out) if out else ["(échec de la construction)"]
        metafunc.parametrize("site_page", pages)


# ---------------------------------------------------------------------------------------------
# Session fixtures: one build, one server, one browser, two contexts (with and without JavaScript)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site() -> Path:
    out, messages = _built_site()
    if out is None:
        pytest.fail(f"siad build failed on the default project:\n{messages}")
    return out


@pytest.fixture(scope="session")
def origin(site: Path):
    with b.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
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


@pytest.fixture(scope="session")
def contexts(chromium):
    made = {
        js: chromium.new_context(java_script_enabled=js, bypass_csp=True, locale="fr-FR",
                                 timezone_id="Europe/Paris")
        for js in (True, False)
    }
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="session")
def tabs(contexts, origin):
    opener = b.Opener(contexts, origin)
    yield opener
    opener.close()


@pytest.fixture
def opener(tabs: b.Opener) -> b.Opener:
    tabs.reset()
    return tabs


def report(page: str, problems: list[str]) -> str:
    return f"{page}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------------------------
# Every page of the default site
# ---------------------------------------------------------------------------------------------


def test_axe_wcag(site_page: str, opener: b.Opener) -> None:
    """axe-core on a wide and a 320 px screen, in light and dark colour schemes (one page load)."""
    page = opener.open(site_page, scheme="light")
    runs = {"1280 px light": b.axe_violations(page)}
    opener.scheme(page, True, "dark")
    runs["1280 px dark"] = b.axe_violations(page, inject=False)
    opener.viewport(page, True, b.MOBILE)
    runs["320 px dark"] = b.axe_violations(page, inject=False)
    opener.scheme(page, True, "light")
    runs["320 px light"] = b.axe_violations(page, inject=False)
    problems = b.format_axe_runs(runs)
    assert not problems, report(site_page, problems)


@pytest.mark.parametrize("js", [True, False], ids=["js", "sans-js"])
def test_reflow_320px(site_page: str, js: bool, opener: b.Opener) -> None:
    page = opener.open(site_page, js=js, viewport=b.MOBILE)
    problems = b.reflow_problems(page)
    assert not problems, report(f"{site_page} (320 px, {'JS' if js else 'no JS'})", problems)


def test_same_content_without_javascript(site_page: str, opener: b.Opener) -> None:
    with_js = opener.snapshot(site_page)["main"]
    without_js = b.main_text(opener.open(site_page, js=False))
    problems = b.nojs_problems(with_js, without_js)
    assert not problems, report(site_page, problems)


def test_rgaa_structure(site_page: str, opener: b.Opener) -> None:
    problems = opener.snapshot(site_page)["structure"]
    assert not problems, report(site_page, problems)


def test_keyboard(site_page: str, opener: b.Opener) -> None:
    problems = b.keyboard_problems(opener.open(site_page))
    assert not problems, report(site_page, problems)


def test_text_zoom_200(site_page: str, opener: b.Opener) -> None:
    problems = b.zoom_problems(opener.open(site_page, viewport=b.ZOOM))
    assert not problems, report(f"{site_page} (200 % text, {b.ZOOM['width']} px)", problems)


# Session-wide checks: they reuse what the per-page tests above loaded, and load the rest.

VARIANTS = [(True, b.DESKTOP), (True, b.MOBILE), (False, b.DESKTOP)]


def test_pages_load_nothing_from_outside(site: Path, tabs: b.Opener) -> None:
    for path in _site_pages(site):
        for js, viewport in VARIANTS:
            if (path, js, viewport["width"]) not in tabs.loaded:
                tabs.open(path, js=js, viewport=viewport)
    problems = [
        f"{path}: {url}" for path, urls in sorted(tabs.outside_by_page.items()) for url in sorted(urls)
    ]
    assert not problems, "requests outside the site (blocked):\n" + "\n".join(problems)


def test_titles_are_unique(site: Path, tabs: b.Opener) -> None:
    pages = _site_pages(site)
    for path in pages:
        if path not in tabs.titles:
            tabs.open(path, js=False)
    problems = b.title_problems({path: tabs.titles[path] for path in pages})
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
<p>Un <a href="good.html">lien</a> dans un texte.</p>
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
    out, _ = _built_site()
    files = [out / p for p in _site_pages(out)] if out else []
    files += [selftest_site / "good.html", selftest_site / "bad.html"]
    checker = b.Vnu(files)
    yield checker
    checker.stop()


@pytest.fixture
def vnu_report(vnu) -> dict[Path, list[str]]:
    if isinstance(vnu, str):
        pytest.fail(vnu)
    return vnu.messages()


def test_html_conformance(site: Path, selftest_site: Path, vnu_report: dict[Path, list[str]]) -> None:
    def name(path: Path) -> str:
        return path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)

    errors = [
        f"{name(path)}:{message}"
        for path, messages in sorted(vnu_report.items())
        if not path.is_relative_to(selftest_site)
        for message in messages
    ]
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
