"""The author's HTML in Markdown goes through the allowlist sanitiser (siad/sanitise.py, nh3);
the shortcodes' HTML does not; every removal is a located warning. (The same in a real browser,
with a corpus of payloads in every field: tests/test_hostile_text.py.)"""

from __future__ import annotations

import pytest

from siad.errors import Report
from siad.glossary import Glossary, GlossaryTreeprocessor, Term
from siad.markup import LinkContext, render_markdown
from siad.sanitise import url_allowed

SHORTCODE_HTML = (
    '<form class="simulator" data-grille="{&#34;a&#34;: 1}" role="search" aria-label="Simulateur">'
    '<input type="checkbox" tabindex="0"><button type="button">Calculer</button>'
    '<svg viewBox="0 0 10 10" aria-hidden="true"><rect width="5" height="5"></rect></svg></form>'
)


def render(body: str, glossary: Glossary | None = None, shortcode: str = SHORTCODE_HTML) -> tuple[str, Report]:
    report = Report()
    links = LinkContext("page/", "", {"glossaire.md": "glossaire/", "aide.md": "aide/"}, {"doc.pdf"}, lambda u: "../" + u)
    tree = GlossaryTreeprocessor(None, glossary, "page/", lambda u: "../" + u) if glossary else None
    out = render_markdown(body, "content/page.md", 5, lambda name, args, loc: shortcode, links, report, tree)
    return out.html, report


def warnings(report: Report) -> list[str]:
    assert not report.errors, report.errors
    return [f"{d.location}: {d.message}" for d in report.warnings]


def test_what_content_needs_is_kept() -> None:
    body = "\n".join([
        "## Un intertitre", "",
        "Du *texte*, du **gras**, du `code`, un [lien](aide.md \"Aide\"), un [courriel](mailto:a@b.fr),",
        "un [téléphone](tel:+33470000000), une [page](https://www.exemple.fr/) et un [fichier](doc.pdf).", "",
        "> Une citation", "",
        "3. trois", "4. quatre", "",
        "Terme", ":   Définition", "",
        "| Gauche | Droite |", "|:--|--:|", "| a | 1 |", "",
        '<table><caption>Légende</caption><thead><tr><th scope="col">A</th></tr></thead>'
        "<tbody><tr><td>1</td></tr></tbody></table>", "",
        '<p><abbr title="Agence">ADIL</abbr> <img src="doc.pdf" alt="Un document"><br>'
        '<a href="#un-intertitre" class="bouton" title="Haut">haut</a> 1<sup>er</sup></p>', "",
        "<details open><summary>Plus</summary><p>Détails</p></details>", "",
        "---", "",
        "<pre>du code</pre>",
    ])
    html, report = render(body)
    assert warnings(report) == []
    for kept in ('<h2 id="un-intertitre">', "<em>texte</em>", "<strong>gras</strong>", "<code>code</code>",
                 '<a href="../aide/" title="Aide">', 'href="mailto:a@b.fr"', 'href="tel:+33470000000"',
                 'href="https://www.exemple.fr/"', 'href="../doc.pdf"', "<blockquote>", '<ol start="3">',
                 "<dl>", "<dt>Terme</dt>", '<th class="align-left">', '<td class="align-right">1</td>',
                 "<caption>Légende</caption>", '<th scope="col">A</th>', '<abbr title="Agence">ADIL</abbr>',
                 '<img src="doc.pdf" alt="Un document">', "<br>", 'class="bouton"', "<sup>er</sup>",
                 '<details open=""><summary>Plus</summary>', "<hr>", "<pre>du code</pre>"):
        assert kept in html, (kept, html)
    assert "style=" not in html  # Markdown's own column alignment became classes


def test_shortcodes_are_not_sanitised_and_stay_in_place() -> None:
    html, report = render("Avant.\n\n{{< simulateur-cotation >}}\n\nAprès.\n\n<form><input></form>\n")
    assert html.startswith("<p>Avant.</p>\n" + SHORTCODE_HTML + "\n<p>Après.</p>"), html
    assert html.count("<form") == 1 and "siadbloc" not in html
    assert warnings(report) == ["content/page.md:11:1: balise <form> retirée de la page avec son contenu : "
                                "le contenu des pages ne peut pas contenir de formulaire"]


def test_glossary_links_and_dt_ids_survive() -> None:
    glossary = Glossary({"ADIL": Term("ADIL", "Agence départementale d'information sur le logement", "adil")})
    html, report = render("L'ADIL vous conseille.\n", glossary)
    assert ('<a class="sigle" href="../glossaire/#adil"><abbr title="Agence départementale '
            "d'information sur le logement\">ADIL</abbr></a>") in html.replace("&#39;", "'")
    assert warnings(report) == []
    report = Report()
    links = LinkContext("glossaire/", "", {}, set(), lambda u: u)
    tree = GlossaryTreeprocessor(None, glossary, "glossaire/", lambda u: u)
    out = render_markdown("ADIL\n:   **Agence.** Texte.\n", "content/glossaire.md", 1, lambda *a: "", links, report, tree)
    assert '<dt id="adil">ADIL</dt>' in out.html and warnings(report) == []


@pytest.mark.parametrize("line, removed, warning", [
    ("<script>alert(1)</script>", "alert", "7:1: balise <script> retirée de la page avec son contenu : le contenu des pages ne peut pas exécuter de script"),
    ("Une <img src=x onerror=alert(1)> image.", "onerror", "7:16: attribut onerror retiré de <img> : le contenu des pages ne peut pas exécuter de script"),
    ('<p style="color:red" onclick="alert(1)">x</p>', "style=", "7:4: attribut style retiré de <p> : la mise en forme vient du thème"),
    ("Un [lien](javascript:alert(1)).", "javascript", "7:11: adresse « javascript:alert(1) » retirée de <a>"),
    ('Un <a href="&#106;avascript:alert(1)">lien</a>.', "avascript", "7:13: adresse « javascript:alert(1) » retirée de <a>"),
    ('Un <a href="java&#x09;script:alert(1)">lien</a>.', "script:", "retirée de <a>"),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="">', "data:", "adresse « data:image/svg+xml,<svg onload=alert(1)> » retirée de <img>"),
    ("<svg onload=alert(1)><circle r=1 /></svg>", "svg", "7:1: balise <svg> retirée de la page avec son contenu : le contenu des pages ne peut pas intégrer"),
    ("<details open ontoggle=alert(1)><summary>a</summary></details>", "ontoggle", "attribut ontoggle retiré de <details>"),
    ("<math><style><img src=x onerror=alert(1)></style></math>", "onerror", "balise <math> retirée de la page avec son contenu"),
    ('<object data="x.swf"></object>', "object", "balise <object> retirée"),
    ("## Titre {: onclick=alert(1) }", "onclick", "attribut onclick retiré de <h2>"),
    ("<marquee>vieux</marquee>", "marquee", "balise <marquee> retirée de la page : elle n'est pas permise dans le contenu"),
    ('<table><tr><td class="align-right rouge">1</td></tr></table>', "rouge", "7:35: classe « rouge » retirée de <td>"),
])
def test_what_can_run_is_removed_and_reported_where_it_is(line: str, removed: str, warning: str) -> None:
    html, report = render(f"Un paragraphe.\n\n{line}\n\nFin.\n")
    assert removed not in html, html
    assert "<p>Fin.</p>" in html
    found = warnings(report)
    assert any(warning in w for w in found), found
    assert all(w.startswith("content/page.md:") for w in found)


def test_an_unclosed_raw_text_element_takes_the_rest_and_says_so() -> None:
    html, report = render("Avant.\n\n<iframe src=javascript:alert(1)>\n\n{{< niveaux >}}\n\nAprès.\n")
    assert html == "<p>Avant.</p>", html
    assert warnings(report) == [
        "content/page.md:7:1: balise <iframe> retirée de la page avec son contenu : le contenu des pages ne peut "
        "pas intégrer un autre site, une image vectorielle ou un objet ; elle n'est pas fermée, si bien que toute "
        "la suite de la page est retirée avec elle"]


def test_two_removals_of_the_same_thing_are_reported_at_their_own_lines() -> None:
    _, report = render("<script>a()</script>\n\nTexte.\n\n<script>b()</script>\n")
    assert [w.split(": ")[0] for w in warnings(report)] == ["content/page.md:5:1", "content/page.md:9:1"]


def test_template_syntax_in_markdown_is_text() -> None:
    html, report = render("Calcul : {{ 7*7 }}, {% raw %} et {# commentaire #}.\n")
    assert "{{ 7*7 }}, {% raw %} et {# commentaire #}" in html and "49" not in html
    assert warnings(report) == []


@pytest.mark.parametrize("url, allowed", [
    ("https://www.exemple.fr/", True), ("http://x.fr", True), ("mailto:a@b.fr", True), ("tel:+33470000000", True),
    ("../aide/", True), ("#ancre", True), ("doc.pdf", True), ("HTTPS://X.FR", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("java\tscript:alert(1)", False),
    ("\x01javascript:alert(1)", False), ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc/passwd", False),
])
def test_url_schemes(url: str, allowed: bool) -> None:
    assert url_allowed(url) is allowed


@pytest.mark.parametrize("line, warning", [
    ("Texte <td>cellule</td> fin.", "7:7: balise <td> retirée de la page : elle est mal placée"),
    ('<a href="http://exa mple.com/">x</a>', "7:10: adresse « http://exa mple.com/ » retirée de <a> : ce n'est pas une adresse valide"),
])
def test_removals_the_policy_does_not_explain_are_reported_too(line: str, warning: str) -> None:
    _, report = render(f"Un paragraphe.\n\n{line}\n")
    assert any(warning in w for w in warnings(report)), warnings(report)
