"""The JavaScript enhancements: « open now » agrees with siad's Python; the directory filter works by keyboard.

It uses the session's one Chromium (``chromium``, tests/conftest.py, shared with tests/test_browser.py
and tests/test_hostile_text.py: two sync Playwrights cannot run at once), in a context of its own
whose time zone is New York's, so that the scripts must compute Paris time themselves.

Shared vectors: for several points and many instants (first and third Mondays, a phone-only
Thursday, lunch breaks, weekends, late evenings), the status computed in Chromium by site.js must
say what siad.hours_view.is_open / next_opening say.
"""

from __future__ import annotations

import datetime as dt
import re
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
def served(tmp_path_factory, chromium):
    out = tmp_path_factory.mktemp("widgets") / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    with b.serve(out) as origin:
        context = chromium.new_context(locale="fr-FR", timezone_id="America/New_York")  # the script must use Paris time anyway
        yield origin, context
        context.close()


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
        shown = box.inner_text()
        assert shown.endswith(" (heure de Paris).") and ". (" not in shown, shown
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


# Site search (recherche.js over recherche/index.json; the index itself: tests/test_search.py)


def _search_page(context, origin: str, query: str | None = None):
    page = context.new_page()
    page.goto(b.page_url(origin, "recherche/index.html") + (f"?q={query}" if query else ""))
    return page


def _shown_titles(page) -> list[str]:
    return [link.inner_text() for link in page.locator(".search-list li:not([hidden]) > a").all()]


def test_search_as_you_type_finds_pages_and_marks_the_words(served):
    from playwright.sync_api import expect

    origin, context = served
    page = _search_page(context, origin)
    assert page.locator(".search-list li:not([hidden])").count() > 70  # before typing: every page
    field = page.get_by_label("Rechercher sur le site", exact=True)
    field.focus()
    page.keyboard.type("adil")  # no Enter: results follow the typing
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"^\d+ résultats pour « adil »\.$"))
    assert status.get_attribute("aria-live") == "polite"
    titles = _shown_titles(page)
    assert titles[0] == "ADIL03" and "Glossaire des sigles" in titles
    assert status.inner_text().startswith(f"{len(titles)} résultats")
    first = page.locator(".search-list li:not([hidden])").first
    assert first.locator("a mark").first.inner_text() == "ADIL"
    excerpt = first.locator(".search-excerpt")
    assert excerpt.get_attribute("data-enhancement") == "" and excerpt.locator("mark").count() >= 1
    for item in page.locator(".search-list li:not([hidden])").all():  # every result shows where the word is
        assert item.locator("mark").count() >= 1, item.inner_text()
    assert page.locator(".search-all").is_hidden()
    assert page.url.endswith("/recherche/?q=adil")  # kept in the address (history.replaceState)

    field.fill("deposer")  # no accent typed: « Déposer » is found
    expect(status).to_have_text(re.compile(r"résultats? pour « deposer »"))
    titles = _shown_titles(page)
    assert titles[0] == "Déposer une demande de logement social"
    assert page.locator(".search-list li:not([hidden]) > a mark").first.inner_text() == "Déposer"
    field.fill("DÉPÔT")
    expect(status).to_have_text(re.compile(r"résultats? pour « DÉPÔT »"))
    assert any(m.inner_text().lower() in ("dépôt", "depot") for m in page.locator(".search-list li:not([hidden]) mark").all())

    field.fill("")
    expect(status).to_have_text("")
    assert page.locator(".search-list li:not([hidden])").count() > 70 and page.locator(".search-list mark").count() == 0
    assert page.locator(".search-all").is_visible() and "?q=" not in page.url
    page.close()


def test_search_requires_every_word(served):
    from playwright.sync_api import expect

    origin, context = served
    page = _search_page(context, origin)
    field = page.get_by_label("Rechercher sur le site", exact=True)
    field.fill("cusset mutation")
    field.press("Enter")  # the form is handled in place, the page is not reloaded
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"résultats? pour « cusset mutation »"))
    both = len(_shown_titles(page))
    field.fill("cusset xylophone")
    field.press("Enter")
    expect(status).to_contain_text("Aucun résultat pour « cusset xylophone »")
    # nothing is lost: every page stays listed under the explanation
    assert page.locator(".search-list li:not([hidden])").count() > 70 and page.locator(".search-all").is_visible()
    assert 0 < both < 70
    page.close()


def test_search_function_ranks_title_then_headings_then_text(served):
    origin, context = served
    page = _search_page(context, origin)
    made_up = {"pages": [
        {"url": "texte/", "title": "Autre chose", "description": "", "headings": [], "text": "Une ligne sur l'Attribution des logements."},
        {"url": "titre/", "title": "Attribution", "description": "", "headings": [], "text": ""},
        {"url": "intertitre/", "title": "Divers", "description": "", "headings": ["Après l'attribution"], "text": ""},
        {"url": "rien/", "title": "Rien", "description": "", "headings": [], "text": "contribution"},  # not at a word's start
    ]}
    ranked = page.evaluate("(index) => window.siadSearch(index, 'ATTRIBUTION').map(r => r.url)", made_up)
    assert ranked == ["titre/", "intertitre/", "texte/"]
    assert page.evaluate("(index) => window.siadSearch(index, 'attribution logements').map(r => r.url)", made_up) == ["texte/"]
    assert page.evaluate("(index) => window.siadSearch(index, '   ').length", made_up) == 0
    real = page.evaluate("""async () => {
        const index = await (await fetch('index.json')).json();
        const first = (q) => window.siadSearch(index, q)[0];
        return [first('adil').url, first('cotation').url, first('cusset').url, first('abrest').excerpt];
    }""")
    assert real[:3] == ["lieux/adil03/", "cotation/", "communes/cusset/"]
    assert "Abrest" in real[3]
    page.close()


def test_search_query_in_the_address_is_honoured_on_load(served):
    from playwright.sync_api import expect

    origin, context = served
    page = _search_page(context, origin, "%C3%AAtre%20accompagn%C3%A9")
    status = page.locator(".search-status")
    expect(status).to_have_text(re.compile(r"^\d+ résultats? pour « être accompagné »\.$"))
    assert page.get_by_label("Rechercher sur le site", exact=True).input_value() == "être accompagné"
    assert _shown_titles(page)[0] == "Être accompagné en cas de difficulté"
    page.close()
    nojs = context.browser.new_context(java_script_enabled=False)  # without JavaScript: every page, and the explanation
    page = nojs.new_page()
    page.goto(b.page_url(origin, "recherche/index.html") + "?q=adil")
    assert page.locator(".search-list li:not([hidden])").count() > 70
    assert "les mots tapés ne sont pas recherchés" in page.locator(".search-all").inner_text()
    nojs.close()


def test_search_results_pass_axe_and_reflow_in_light_and_dark(served):
    """The gate (tests/test_browser.py) sees the search page before any query; here, with results."""
    from playwright.sync_api import expect

    origin, context = served
    page = _search_page(context, origin, "demande%20d%C3%A9poser")
    expect(page.locator(".search-status")).to_contain_text("résultats pour")
    assert page.locator(".search-list mark").count() > 5
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        problems += [f"{scheme}: {line}" for line in b.axe_problems(page)]
    page.set_viewport_size(b.MOBILE)
    problems += b.reflow_problems(page)
    assert not problems, "\n".join(problems)
    page.close()


def test_search_without_its_index_keeps_every_page_and_says_so(served):
    """As when the site is opened from files (file://), where the index cannot be fetched."""
    from playwright.sync_api import expect

    origin, context = served
    page = context.new_page()
    page.route("**/recherche/index.json", lambda route: route.abort())
    page.goto(b.page_url(origin, "recherche/index.html") + "?q=adil")
    expect(page.locator(".search-status")).to_have_text(re.compile(r"^La recherche n'est pas disponible ici .*toutes les pages restent listées ci-dessous\.$"))
    assert page.locator(".search-list li:not([hidden])").count() > 70 and page.locator(".search-list mark").count() == 0
    page.close()


def test_commune_table_sorts_by_any_column_with_the_keyboard(served):
    origin, context = served
    page = context.new_page()
    page.goto(b.page_url(origin, "chiffres/index.html"))
    table = page.locator("table[data-triable]")
    names = lambda: [n.strip() for n in table.locator("tbody th").all_inner_texts()]
    built = names()
    assert len(built) == 39 and built[:3] == ["Vichy", "Cusset", "Bellerive-sur-Allier"]
    stock = table.get_by_role("button", name="Logements sociaux")
    assert table.locator("th[aria-sort]").count() == 1 and stock.locator("xpath=..").get_attribute("aria-sort") == "descending"
    stock.focus()
    page.keyboard.press("Enter")  # descending → ascending: the 12 communes without social housing first
    assert stock.locator("xpath=..").get_attribute("aria-sort") == "ascending"
    ascending = names()
    assert ascending[-3:] == ["Bellerive-sur-Allier", "Cusset", "Vichy"]
    assert [table.locator("tbody tr").nth(i).locator("td").first.inner_text() for i in (0, 11, 12)] == ["0", "0", "1"]
    assert page.locator("[role=status]", has_text="Tableau trié par « Logements sociaux », ordre croissant.").count() == 1
    commune = table.get_by_role("button", name="Commune")
    commune.focus()
    page.keyboard.press("Space")
    alphabetical = names()
    assert alphabetical[:3] == ["Abrest", "Arfeuilles", "Arronnes"] and alphabetical[-1] == "Vichy"
    # French order, accents folded: « Châtel » between « Charmeil » and « Cognat », not after « Cusset »
    assert alphabetical.index("Charmeil") < alphabetical.index("Châtel-Montagne") < alphabetical.index("Cognat-Lyonne")
    qpv = table.get_by_role("button", name="Dont en quartier prioritaire (QPV)")
    qpv.click()
    qpv.click()  # descending: Vichy (1 081), Cusset (474), then the 12 zeros; « non publié » always last
    by_qpv = names()
    assert by_qpv[:2] == ["Vichy", "Cusset"]
    last = table.locator("tbody tr").last.locator("td").nth(2).inner_text()
    assert last == "non publié"
    assert table.locator("tfoot th").inner_text() == "Ensemble de Vichy Communauté"  # the total never moves
    page.close()


def test_an_abridged_index_finds_communes_by_name_and_says_so(chromium, tmp_path, monkeypatch):
    """A very large site's index keeps only the names of communes and points (siad.search_index): the
    search still finds a commune by its name, and a note tells the reader to type names."""
    from playwright.sync_api import expect

    from siad import search_index

    monkeypatch.setattr(search_index, "FULL_INDEX_MAX", 50_000)
    out = tmp_path / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    assert b'"abrege":true' in (out / "recherche" / "index.json").read_bytes()[:40]
    with b.serve(out) as origin:
        context = chromium.new_context(locale="fr-FR")
        page = context.new_page()
        page.goto(b.page_url(origin, "recherche/index.html") + "?q=cusset")
        expect(page.locator(".search-status")).to_have_text(re.compile(r"résultats? pour « cusset »"))
        assert "Cusset" in _shown_titles(page)
        note = page.locator(".search-note")
        expect(note).to_have_text(re.compile(r"^Sur ce site très étendu, les communes et les lieux d'accueil sont trouvés par leur nom"))
        assert note.get_attribute("data-enhancement") == "" and note.count() == 1
        page.get_by_label("Rechercher sur le site", exact=True).fill("deposer")  # content pages keep their text
        expect(page.locator(".search-status")).to_have_text(re.compile(r"résultats? pour « deposer »"))
        assert _shown_titles(page)[0] == "Déposer une demande de logement social" and page.locator(".search-note").count() == 1
        assert b.axe_problems(page) == []
        context.close()
