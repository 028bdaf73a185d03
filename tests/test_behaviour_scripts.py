"""The JavaScript enhancements: « open now » agrees with siad's Python; the directory filter works by keyboard.

This module starts its own Playwright for its duration (module scope); it is named to run before
tests/test_browser.py, whose browser lives for the whole session (two sync Playwrights cannot run
at once).

Shared vectors: for several points and many instants (first and third Mondays, a phone-only
Thursday, lunch breaks, weekends, late evenings), the status computed in Chromium by site.js must
say what siad.hours_view.is_open / next_opening say.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

import browser as b
from conftest import REPO_ROOT, run

from siad.data import load_data
from siad.errors import Report
from siad.hours_view import is_open, next_opening

PARIS = ZoneInfo("Europe/Paris")
POINTS = ("adil03", "cdc-habitat", "france-services-saint-yorre", "vichy-habitat", "maison-de-l-habitat")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
INSTANTS = [
    dt.datetime(2026, 12, 7, 10, 0),   # 1st Monday of December, morning
    dt.datetime(2026, 12, 7, 15, 0),   # 1st Monday, afternoon (ADIL: morning only)
    dt.datetime(2026, 12, 14, 15, 0),  # 2nd Monday, afternoon
    dt.datetime(2026, 12, 21, 12, 30),  # 3rd Monday, lunch
    dt.datetime(2026, 12, 3, 10, 0),   # Thursday (ADIL: phone line only)
    dt.datetime(2026, 12, 4, 11, 59),  # Friday, one minute before noon
    dt.datetime(2026, 12, 4, 12, 0),   # Friday, noon exactly
    dt.datetime(2026, 12, 5, 9, 0),    # Saturday
    dt.datetime(2026, 12, 6, 23, 30),  # Sunday night
    dt.datetime(2026, 6, 15, 14, 30),  # summer time, 3rd Monday
    dt.datetime(2026, 11, 23, 8, 0),   # today, early
]


def _time(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" + (f" {m:02d}" if m else "")


def expected(schedule, when: dt.datetime) -> str:
    """The sentence, from the Python functions' answers."""
    if is_open(schedule, when):
        minute = when.hour * 60 + when.minute
        end = next(s.end for s in schedule.walk_in_on(when.date()) if s.start <= minute < s.end)
        return f"Ouvert en ce moment, jusqu'à {_time(end)}."
    opening = next_opening(schedule, when, 62)
    if opening is None:
        return "Fermé en ce moment."
    days = (opening.date() - when.date()).days
    word = "aujourd'hui" if days == 0 else "demain" if days == 1 else DAYS[opening.weekday()]
    return f"Fermé en ce moment. Ouvre {word} à {_time(opening.hour * 60 + opening.minute)}."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    missing = b.missing_tools(browser=True)
    if missing:
        pytest.fail(b.missing_message(missing))
    out = tmp_path_factory.mktemp("widgets") / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    from playwright.sync_api import sync_playwright

    with b.serve(out) as origin, sync_playwright() as playwright:
        browser = b.launch(playwright)
        context = browser.new_context(locale="fr-FR", timezone_id="America/New_York")  # the script must use Paris time anyway
        yield origin, context
        context.close()
        browser.close()


def test_open_now_agrees_with_python_on_shared_vectors(served):
    origin, context = served
    data = load_data(REPO_ROOT, Report())
    schedules = {p.slug: p.hours for p in data.points}
    page = context.new_page()
    checked = 0
    for slug in POINTS:
        page.goto(b.page_url(origin, f"lieux/{slug}/index.html"))
        box = page.locator(".open-now")
        assert box.is_visible(), slug
        assert box.inner_text().endswith("(heure de Paris)")
        assert page.locator(".hours tr.today .today-mark").count() == 1
        for naive in INSTANTS:
            when = naive.replace(tzinfo=PARIS)
            millis = int(when.timestamp() * 1000)
            text = page.evaluate(f"window.siadOpenStatus(new Date({millis})).text")
            assert text == expected(schedules[slug], when), (slug, naive)
            checked += 1
    assert checked == len(POINTS) * len(INSTANTS)
    page.close()


def test_open_now_is_absent_where_hours_are_unknown_or_by_appointment(served):
    origin, context = served
    page = context.new_page()
    for slug in ("allier-habitat", "maison-solidarites-cusset", "france-services-vichy"):
        page.goto(b.page_url(origin, f"lieux/{slug}/index.html"))
        assert page.locator(".open-now").count() == 0, slug
    page.close()


def test_directory_filter_by_commune_with_the_keyboard(served):
    origin, context = served
    page = context.new_page()
    page.goto(b.page_url(origin, "lieux/index.html"))
    links = page.locator(".points li a:not([href^='tel:'])")
    total = links.count()
    assert total == 15
    select = page.get_by_label("Afficher les lieux qui reçoivent les habitants de :")
    select.focus()
    select.select_option(label="Arronnes")  # keyboard-operable native control
    visible = [link.inner_text() for link in page.locator(".points li:not([hidden]) > a").all()]
    # as on the commune page: the Cusset solidarity office's sector, and the level-3 point
    assert visible == ["Maison des Solidarités départementales de Cusset", "Maison de l'Habitat de Vichy Communauté"]
    status = page.locator(".filter-status")
    assert status.get_attribute("role") == "status" and status.inner_text() == "2 lieux d'accueil pour Arronnes."
    assert page.locator("#niveau-1").is_hidden()  # a level with no point left is hidden with its heading
    select.select_option(value="")
    assert page.locator(".points li:not([hidden]) > a").count() == 15 and status.inner_text() == ""
    page.close()


def test_directory_without_javascript_lists_every_point_and_links_the_commune_pages(served, tmp_path):
    origin, context = served
    nojs = context.browser.new_context(java_script_enabled=False)
    page = nojs.new_page()
    page.goto(b.page_url(origin, "lieux/index.html"))
    assert page.locator("select").count() == 0
    assert page.locator(".points li > a").count() == 15
    assert page.get_by_role("link", name="Choisissez votre commune").count() == 1
    nojs.close()


def _vectors(grid, count: int = 300):
    """Shared test vectors: random situations (fixed seed) and what siad.cotation.score says of them."""
    import random

    from siad.cotation import Situation, score

    rng = random.Random(20261123)
    keys = list(grid.criteria())
    vectors = []
    for _ in range(count):
        months = rng.choice([0, 1, 5, 12, 14, 30, 61, 120])
        situation = Situation(
            criteria=tuple(rng.sample(keys, rng.randint(0, 6))),
            months=months,
            refusals=tuple(rng.randint(0, months) for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5]))),
            caleol_without_offer=rng.choice([0, 0, 1, 3]),
            first_quartile=rng.random() < 0.4,
        )
        result = score(grid, situation)
        vectors.append((situation.to_dict(), result.total, [(l.kind, l.key, l.points, l.status) for l in result.lines]))
    return vectors


@pytest.fixture(scope="module")
def grid():
    from siad.cotation_schema import load_grid_file

    return load_grid_file(REPO_ROOT / "data" / "cotation.yml", "data/cotation.yml", Report())


def test_cotation_simulator_agrees_with_python_on_shared_vectors(served, grid):
    origin, context = served
    vectors = _vectors(grid)
    assert len({total for _, total, _ in vectors}) > 50  # the vectors cover many different totals
    page = context.new_page()
    page.goto(b.page_url(origin, "cotation/index.html"))
    got = page.evaluate(
        """(vectors) => {
          const grid = JSON.parse(document.querySelector('.simulator').dataset.grille);
          return vectors.map(v => { const r = window.siadScore(grid, v); return [r.total, r.lines.map(l => [l.kind, l.key || null, l.points, l.status])]; });
        }""",
        [v for v, _, _ in vectors],
    )
    for (situation, total, lines), (js_total, js_lines) in zip(vectors, got):
        assert js_total == total, situation
        assert [tuple(l) for l in js_lines] == [tuple(l) for l in lines], situation
    page.close()


def test_cotation_simulator_form_by_keyboard(served, grid):
    origin, context = served
    page = context.new_page()
    page.goto(b.page_url(origin, "cotation/index.html"))
    for label in ("Logement trop cher (", "Demandeur de moins de 30 ans"):
        page.get_by_label(label, exact=False).focus()
        page.keyboard.press("Space")
    months = page.get_by_label("Ancienneté de votre demande, en mois")
    months.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    result = page.locator(".simulator-result")
    assert result.get_attribute("role") == "status"
    from siad.cotation import Situation, score

    expected = score(grid, Situation(("logement_trop_cher", "moins_de_30_ans"), 14)).total
    assert f"Total estimé : {expected} points" in result.inner_text()
    assert "ne donne pas droit à un logement" in page.locator(".simulator-form").inner_text()
    page.close()


def test_documents_checklist_keeps_only_the_chosen_situations_and_prints_on_two_pages_at_most(served):
    origin, context = served
    page = context.new_page()
    page.goto(b.page_url(origin, "pieces-justificatives/index.html"))
    terms = page.locator(".documents dt[id^='situation-']")
    total = terms.count()
    assert total > 10
    boxes = page.locator(".documents dt input[type=checkbox]")
    assert boxes.count() == total
    boxes.nth(0).focus()
    page.keyboard.press("Space")  # keyboard-operable
    boxes.nth(3).check()
    assert page.locator(".documents dt[id^='situation-'] + dd:not([hidden])").count() == 2  # only their pieces
    assert page.locator(".documents dt[id^='situation-']:not(.unchosen)").count() == 2  # only they are printed
    assert page.locator(".checklist-status").inner_text() == "2 situations choisies : seules leurs pièces sont affichées."
    assert page.locator("#pieces-obligatoires").is_visible()  # the mandatory pieces always stay
    pdf = page.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, pages
    boxes.nth(0).uncheck()
    boxes.nth(3).uncheck()
    assert page.locator(".documents dt[id^='situation-'] + dd:not([hidden])").count() == total
    page.close()
