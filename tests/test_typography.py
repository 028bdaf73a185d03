"""French typography in content pages: a narrow no-break space before « ? ! ; : » and inside
guillemets, so that punctuation never starts a line on a phone; code is left as written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

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


_DENSE = st.lists(
    st.sampled_from(["a", "b ", " ", "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "!", "<", ">", "&", "#", ";",
                     ":", "/", "@", ".", "  \n", "\n", "\n\n", "- ", "1. ", "> ", "# ", "http://x.fr", "<b>", "&amp;", "é",
                     "[a](b)", "![i](j)", "[r]", "[t][r]", "![r]", "\n\n[r]: http://r.fr\n", "<x@y.fr>", "<https://z.fr>", "{: #i }", "*[A]: B\n", "| a | b |\n|---|---|\n",
                     "\n# ", "\n## T ##\n", "\n===\n", "\n---\n", "\n- - -\n", "\n***\n", "\n___\n", "\n: ", "\n:   d\n",
                     "\n> ", ">", "\n    code\n", "\n\n    ", "\n* ", "\n+ ", "\n2. ", "#", "=", "-", "[TOC]", "\n\n[TOC]\n\n", "\n## [TOC]\n", "[r]: <http://r.fr> \"t\"\n"]),
    max_size=50,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_DENSE)
def test_markdown_tried_only_where_it_can_match_gives_python_markdowns_result(text):
    """siad skips the inline patterns that cannot match a text (no « [ » for a link, no « * » or « _ »
    for emphasis…) and the block processors that cannot concern a block (no « # » for a heading, no
    « > » for a quote…): on texts dense in every such character, the same HTML as Python-Markdown's."""
    from siad import markdown_needs
    from siad.markup import new_converter

    assert markdown_needs.supported()
    plain, quick = new_converter(), new_converter()
    quick.treeprocessors.register(markdown_needs.InlineByNeeds(quick), "inline", 20)
    markdown_needs.narrow_block_processors(quick)
    markdown_needs.narrow_toc_marker(quick)
    assert quick.convert(text) == plain.convert(text)


def test_every_page_of_the_default_site_is_the_same_with_every_markdown_rule_tried(tmp_path, monkeypatch):
    from conftest import REPO_ROOT, run, tree_hashes
    from siad import markdown_needs, markup

    assert run("build", "--source", REPO_ROOT, "--out", tmp_path / "rapide").exit_code == 0
    monkeypatch.setattr(markdown_needs, "supported", lambda: False)
    monkeypatch.setattr(markup, "_MARKDOWN", None)
    assert run("build", "--source", REPO_ROOT, "--out", tmp_path / "lent", "--jobs", "1").exit_code == 0
    assert tree_hashes(tmp_path / "rapide") == tree_hashes(tmp_path / "lent")


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\u00a0", "?", "!", ";", ":", "«", "»", "«\u00a0", " »", "é", "\n"]), max_size=30).map("".join))
def test_french_spacing_in_one_pass_equals_the_two_rules_applied_in_turn(text):
    """The narrow no-break space before « ? ! ; : » and inside guillemets, made in one pass (and not at
    all in a text without those signs): the same text as the space before the sign, then the one after
    « », each replaced in turn."""
    import re

    from siad.markup import _FrenchSpacing

    in_turn = re.sub(r"(?<=«)[ \u00a0]", "\u202f", re.sub(r"[ \u00a0](?=[?!;:»])", "\u202f", text))
    assert _FrenchSpacing._spaces(text) == (in_turn if text else text)


def test_white_space_collapsed_for_the_search_index_is_python_s_white_space():
    """The search index's words are split on what ``str.split`` calls white space: the same code points
    as ``\\s`` in a regular expression, which made them before."""
    import re
    import sys

    from siad.page_reader import collapse

    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)))
    assert all(c.isspace() for c in spaces) and len(spaces) == sum(1 for c in range(sys.maxunicode + 1) if chr(c).isspace())
    text = "  a" + spaces + "b\u202fc  \u00a0d\n"
    assert collapse(text) == re.sub(r"\s+", " ", text).strip() == "a b c d"


def test_each_page_s_own_processors_apply_to_it_alone_and_none_is_registered_again(monkeypatch):
    """One converter serves every page: the page's processors (shortcodes, links, glossary) are given
    to places registered once, never registered again (Python-Markdown then sorted its lists again at
    each page), apply to their page only, and are let go once it is converted (they hold the site)."""
    import markdown.util

    from siad import markup
    from siad.content import SourcePage
    from siad.glossary import GlossaryTreeprocessor, load_glossary

    monkeypatch.setattr(markup, "_MARKDOWN", None)
    report = Report()
    terms = load_glossary([SourcePage("content/glossaire.md", "glossaire/", "Glossaire", "CAF\n:   Caisse d'allocations familiales.\n", 5)], report)
    links = LinkContext("page/", "", {"autre.md": "autre/"}, set(), lambda u: "../" + u)

    def page(body: str, glossary: bool, shortcode: str = "") -> str:
        tree = GlossaryTreeprocessor(None, terms, "page/", lambda u: "../" + u) if glossary else None
        return render_markdown(body, "content/page.md", 1, lambda *a: shortcode, links, report, tree).html

    body = "La CAF aide. [Autre](autre.md) ?\n\n{{< lieux-accueil >}}\n"
    first = page(body, True, "<div>lieux</div>")

    def forbidden(*args, **kwargs):
        raise AssertionError("a processor registered or removed between pages")

    monkeypatch.setattr(markdown.util.Registry, "register", forbidden)
    monkeypatch.setattr(markdown.util.Registry, "deregister", forbidden)
    assert page(body, True, "<div>lieux</div>") == first
    assert '<abbr title="Caisse d\'allocations familiales">CAF</abbr>' in first and 'href="../autre/"' in first
    assert "<div>lieux</div>" in first and "\u202f?" in first
    plain = page(body, False)  # the same converter, without a glossary: no abbreviation, its own shortcode
    assert "<abbr" not in plain and 'href="../autre/"' in plain and "<div>lieux</div>" not in plain
    md = markup._MARKDOWN
    assert md.preprocessors["siad-shortcodes"].page is None
    assert md.treeprocessors["siad-links"].page is None and md.treeprocessors["siad-glossary"].page is None
