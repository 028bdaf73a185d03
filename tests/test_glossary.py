"""The glossary applied to content pages: the first use of each acronym is an <abbr> with its
expansion, linked to its entry on the glossary page; the glossary is the staff's Markdown page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run

from siad.content import SourcePage
from siad.errors import Report
from siad.glossary import GlossaryTreeprocessor, load_glossary
from siad.markup import LinkContext, render_markdown

GLOSSARY = """## A

APL
:   **Aide personnalisée au logement.** Une aide de la CAF.

AURA HLM
:   **Auvergne-Rhône-Alpes HLM.** L'association régionale.

HLM
:   __Habitation à loyer modéré__, le nom courant du logement social.

CAF
:   Caisse d'allocations familiales. Elle verse les aides.
"""


def _render(body: str, glossary_body: str = GLOSSARY, url: str = "page/") -> tuple[str, Report]:
    report = Report()
    pages = [SourcePage("content/glossaire.md", "glossaire/", "Glossaire", glossary_body, 5)]
    glossary = load_glossary(pages, report)
    links = LinkContext(url, "", {"glossaire.md": "glossaire/"}, set(), lambda u: "../" + u)
    out = render_markdown(body, "content/page.md", 1, lambda *a: "", links, report, GlossaryTreeprocessor(None, glossary, url, lambda u: "../" + u))
    return out.html, report


def test_terms_come_from_the_definition_list():
    report = Report()
    glossary = load_glossary([SourcePage("content/glossaire.md", "glossaire/", "Glossaire", GLOSSARY, 5)], report)
    assert {t.term: (t.expansion, t.anchor) for t in glossary.terms.values()} == {
        "APL": ("Aide personnalisée au logement", "apl"),
        "AURA HLM": ("Auvergne-Rhône-Alpes HLM", "aura-hlm"),
        "HLM": ("Habitation à loyer modéré", "hlm"),
        "CAF": ("Caisse d'allocations familiales", "caf"),  # no bold: the first sentence
    }
    assert not report.diagnostics


def test_first_use_only_whole_words_longest_first():
    html, _ = _render("Les APLS ne sont pas des APL. L'APL, encore. Selon AURA HLM, un HLM.\n")
    assert html == (
        '<p>Les APLS ne sont pas des <a class="sigle" href="../glossaire/#apl"><abbr title="Aide personnalisée au logement">APL</abbr></a>. '
        "L'APL, encore. Selon "
        '<a class="sigle" href="../glossaire/#aura-hlm"><abbr title="Auvergne-Rhône-Alpes HLM">AURA HLM</abbr></a>, un '
        '<a class="sigle" href="../glossaire/#hlm"><abbr title="Habitation à loyer modéré">HLM</abbr></a>.</p>'
    )


def test_never_in_headings_links_or_code_and_an_authors_abbr_is_linked():
    body = "## La CAF\n\n[la CAF](https://caf.fr) et `APL`.\n\nEnfin la *CAF*.\n\nUn HLM.\n\n*[HLM]: Habitation à loyer modéré, dit l'auteur\n"
    html, _ = _render(body)
    assert '<h2 id="la-caf">La CAF</h2>' in html
    assert '<a href="https://caf.fr">la CAF</a> et <code>APL</code>' in html
    assert '<p>Enfin la <em><a class="sigle" href="../glossaire/#caf"><abbr title="Caisse d\'allocations familiales">CAF</abbr></a></em>.</p>' in html
    assert '<a class="sigle" href="../glossaire/#hlm"><abbr title="Habitation à loyer modéré, dit l\'auteur">HLM</abbr></a>' in html


def test_duplicate_or_empty_terms_are_reported_with_their_line():
    _, report = _render("Rien.\n", GLOSSARY + "\nAPL\n:   **Autre chose.**\n\nXYZ\n:   ****\n")
    messages = [(d.location.line, d.message) for d in report.diagnostics]
    assert (5 + 14, "le sigle « APL » est défini deux fois dans le glossaire") in messages
    assert (5 + 17, "le sigle « XYZ » n'a pas de définition") in messages


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("glossary") / "site"
    result = run("build", "--strict", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_default_site(site: Path):
    page = (site / "attribution" / "index.html").read_text(encoding="utf-8")
    marked = re.findall(r'<a class="sigle" href="([^"]+)"><abbr title="([^"]+)">([^<]+)</abbr></a>', page)
    assert marked == [
        ("../glossaire/#cch", "Code de la construction et de l'habitation", "CCH"),
        ("../glossaire/#caleol", "Commission d'attribution des logements et d'examen de l'occupation des logements", "CALEOL"),
        ("../glossaire/#dalo", "Droit au logement opposable", "DALO"),
    ]
    glossary = (site / "glossaire" / "index.html").read_text(encoding="utf-8")
    for anchor in ("cch", "caleol", "dalo", "aura-hlm"):
        assert f'<dt id="{anchor}">' in glossary, anchor
    assert 'class="sigle"' not in glossary  # the glossary does not link to itself
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<a class="sigle" href="glossaire/#siad"><abbr title="Service d\'information et d\'accueil du demandeur">SIAD</abbr></a>' in home
