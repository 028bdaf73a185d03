"""French typography in content pages: a narrow no-break space before « ? ! ; : » and inside
guillemets, so that punctuation never starts a line on a phone; code is left as written."""

from __future__ import annotations

from siad.errors import Report
from siad.markup import LinkContext, render_markdown


def _render(body: str):
    links = LinkContext("page/", "", {}, set(), lambda u: u)
    return render_markdown(body, "content/page.md", 1, lambda *a: "", links, Report())


def test_narrow_no_break_spaces_in_text_and_table_of_contents():
    out = _render("## Qui sont les demandeurs ?\n\nUn « mot » : oui ! Non ; `a : b` et https://x.fr:8080 ?\n")
    assert out.html == (
        '<h2 id="qui-sont-les-demandeurs">Qui sont les demandeurs\u202f?</h2>\n'
        "<p>Un «\u202fmot\u202f»\u202f: oui\u202f! Non\u202f; <code>a : b</code> et https://x.fr:8080\u202f?</p>"
    )
    assert [t["name"] for t in out.toc] == ["Qui sont les demandeurs\u202f?"]


def test_the_converter_has_its_extensions_without_looking_among_installed_packages(monkeypatch):
    """The Markdown converter is built from extension objects: no scan of every installed package's
    entry points at each start of siad. Each extension still works: tables, attributes, abbreviations,
    definition lists, sane lists and the table of contents (levels 2 and 3)."""
    import markdown.util

    from siad import markup

    def scan():
        raise AssertionError("entry points scanned")

    monkeypatch.setattr(markdown.util, "get_installed_extensions", scan)
    monkeypatch.setattr(markup, "_MARKDOWN", None)
    out = _render(
        "## Pièces {: #mes-pieces }\n\n#### Détail\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\nLe SIAD aide.\n\n"
        "*[SIAD]: Service d'information et d'accueil des demandeurs\n\nCERFA\n:   Le formulaire.\n\n3. trois\n4. quatre\n\n- un\n"
    )
    assert '<h2 id="mes-pieces">Pièces</h2>\n<h4 id="detail">Détail</h4>' in out.html
    assert "<table>" in out.html and "<td>2</td>" in out.html
    assert '<abbr title="Service d\'information et d\'accueil des demandeurs">SIAD</abbr>' in out.html
    assert "<dl>\n<dt>CERFA</dt>\n<dd>Le formulaire.</dd>\n</dl>" in out.html
    assert '<ol start="3">' in out.html and "<ul>\n<li>un</li>\n</ul>" in out.html
    assert [t["name"] for t in out.toc] == ["Pièces"]
