"""The fast HTML tokenizer of siad.page_facts gives what the standard library's HTMLParser gives: the
same ids, links with their lines, security-policy findings and search text, page by page."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from siad.page_facts import feed_with_html_parser, read_page

TRICKY = [
    '<p>Texte avec <b>gras</b> &amp; entité &eacute; &#233; et un « < » seul, puis a<b.</p>',
    '<main><h1>Titre <abbr title="x &amp; y">XY</abbr></h1><p>Un<br>deux<br/>trois<img src="a.png" alt="a"></p></main>',
    "<main><!-- <a href='commentaire.html'>pas un lien</a> --><a href='simple.html' id=sans-guillemets>lien</a></main>",
    '<MAIN><A HREF="Majuscules.HTML" ID="Haut">X</A><P>texte</P></MAIN>',
    '<main><script type="application/ld+json">{"a": "<b>pas une balise</b> &amp;"}</script><p>après</p></main>',
    '<main><style>p > a { color: red }</style><p style="color: red" onclick="x()">styles</p></main>',
    '<head><meta name="description" content="Une &quot;description&quot;"></head><main><p>Une "description" et la suite</p></main>',
    '<main><input type="checkbox" checked disabled><label for="a">Case</label><button hidden>caché</button></main>',
    "<main>\n<h2 id='a'>Un\ntitre</h2>\n\n<p>sur\nplusieurs\nlignes <a\nhref=\"x.html\">lien</a></p>\n</main>",
    '<!DOCTYPE html><html lang="fr"><body><main><svg aria-hidden="true"><rect width="1"/></svg><p>ok</p></main></body></html>',
    '<main><a href="javascript:alert(1)">x</a><iframe src="https://ailleurs.example/"></iframe><form action="https://x.example/"></form></main>',
    '<main><p title="" class=updated>vide</p><img alt=\'\' src=x.png id=""><p data-x="a" data-x="b" id=i>deux fois</p></main>',
    '<main><nav aria-label="Parties"><a href="#b" aria-current="page">b</a></nav><p>t<span>u</span>v</p></main>',
]


@pytest.mark.parametrize("html", TRICKY)
def test_the_fast_reader_matches_html_parser_on_tricky_html(html: str) -> None:
    assert read_page(html, "https://logement.exemple.fr/") == read_page(html, "https://logement.exemple.fr/", feed_with_html_parser)


def test_the_fast_reader_matches_html_parser_on_every_built_page(project: Path, tmp_path: Path) -> None:
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write(
        "\n<div class=\"encadre\" onclick=\"x()\">Un <em>bloc</em> &amp; du HTML d'auteur</div>\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n")
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 70
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert read_page(html) == read_page(html, None, feed_with_html_parser), page


def test_the_policy_check_sees_each_kind_of_problem_on_ordinary_tags() -> None:
    """The reader skips the policy's checks for a tag with neither style, handler nor address to look
    at: a problem hidden in an ordinary tag is still found, whatever its case and spaces."""
    html = ('<main><a href=" JavaScript:alert(1)">x</a><p onClick="x()">y</p><span style="color:red">z</span>'
            '<a class="x" href="../ok/">ok</a><img src="https://ailleurs.example/a.png" alt=""><form action="javascript:x"></form></main>')
    problems = [problem for _, problem in read_page(html, "https://logement.exemple.fr/").policy]
    assert problems == [
        "adresse « javascript: » sur <a> (script-src)",
        "gestionnaire d'événement onclick=\"…\" sur <p> (script-src)",
        "attribut style=\"…\" sur <span> (style-src)",
        "« https://ailleurs.example/a.png » sur <img> vient d'un autre site (img-src)",
        "« javascript:x » sur <form> vient d'un autre site (form-action)",
        "adresse « javascript: » sur <form> (script-src)",
    ], problems


def test_facts_from_the_cache_are_read_when_asked_for_and_equal_the_first_ones() -> None:
    """A one-point build reuses 46,000 pages: their facts stay text until a check asks for them."""
    from siad.page_facts import PageFacts, read_page

    page = ('<!DOCTYPE html><html lang="fr"><head><title>t</title></head><body><main id="contenu">'
            '<h2 id="horaires">Horaires</h2><a href="/x/">x</a><p style="color:red">s</p></main></body></html>')
    facts = read_page(page)
    stored = PageFacts.from_json(*facts.to_json())
    assert stored._ids is None and stored._policy is None
    assert stored.ids == facts.ids == frozenset({"contenu", "horaires"})
    assert stored.policy == facts.policy and stored.policy and stored.links == facts.links
    plain = PageFacts.from_json(*read_page(page.replace(' style="color:red"', "")).to_json())
    assert plain.policy == () and plain._ids is None  # no problem: nothing decoded to say so
    damaged = PageFacts.from_json('{"ids": [', "[]")
    assert damaged.ids == frozenset() and damaged.policy == ()  # a damaged row: no traceback
