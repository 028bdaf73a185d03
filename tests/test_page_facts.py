"""The two HTML tokenizers of siad.page_reader give what the standard library's HTMLParser gives: the
same ids, links with their lines, security-policy findings and search text, page by page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run
from siad.page_facts import read_page
from siad.page_reader import feed_with_html_parser, scan, scan_fast

TOKENIZERS = pytest.mark.parametrize("reader", [scan, scan_fast], ids=["scan", "scan_fast"])

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
    # what only the fast tokenizer does differently: script content read as text without a « < »,
    # self-closing and upper-case raw elements, a « < » or an entity cut by a « < » in the text
    '<main><script type="application/ld+json">{"a": "x &amp; y"}</script><h1>T&amp;<script>x</script>U</h1><p>t&amp;u</p></main>',
    '<main><script src="a.js"/><p>après &amp; <SCRIPT SRC="b.js"></SCRIPT>fin</p><STYLE>p{}</STYLE></main>',
    '<main><p>a < b &lt; c <<p>d &amp<e &#23<f</p><p>x<1</p></main>',
    '<main><style>p { color: red }<p id="dedans">z</p></main>',
    '<main><script type="text/plain">sans fin &amp;',
]


@TOKENIZERS
@pytest.mark.parametrize("html", TRICKY)
def test_the_fast_readers_match_html_parser_on_tricky_html(html: str, reader) -> None:
    base = "https://logement.exemple.fr/"
    assert read_page(html, base, reader) == read_page(html, base, feed_with_html_parser)
    assert read_page(html, base, reader) == read_page(html, base, feed_with_html_parser)  # the tags now known (scan_fast)


@pytest.mark.parametrize("html", TRICKY)
def test_a_page_read_without_its_words_has_the_same_ids_links_and_policy(html: str) -> None:
    """A page the search index keeps by name only: its start tags alone are looked at."""
    base = "https://logement.exemple.fr/"
    reference = read_page(html, base, feed_with_html_parser)
    for _ in range(2):  # the tags then known
        wordless = read_page(html, base, text=False)
        assert (wordless.ids, wordless.links, wordless.policy) == (reference.ids, reference.links, reference.policy)


def test_the_fast_reader_remembers_tags_per_site_address(monkeypatch) -> None:
    """A tag met before is looked up, not read again: what it means depends on the site's address
    (an image of the site itself is not foreign), and the memory is bounded."""
    import siad.page_reader as page_reader

    page = '<main><img src="https://logement.exemple.fr/a.png" alt="" id="i"><a href="/b/">b</a></main>'
    own = read_page(page, "https://logement.exemple.fr/")
    other = read_page(page, "https://ailleurs.exemple/")
    assert own.policy == () and other.policy == ((1, "« https://logement.exemple.fr/a.png » sur <img> vient d'un autre site (img-src)"),)
    assert read_page(page, "https://logement.exemple.fr/") == own
    monkeypatch.setattr(page_reader, "_KNOWN_MAX", 3)
    for n in range(10):
        varied = page.replace('id="i"', f'id="i{n}"')
        assert read_page(varied, None, scan_fast) == read_page(varied, None, feed_with_html_parser)
    assert len(page_reader._KNOWN[None]) <= 3 + 5  # forgotten once above 3, then one page's five tags (else 15)


def test_the_fast_readers_match_html_parser_on_every_built_page(project: Path, tmp_path: Path) -> None:
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write(
        "\n<div class=\"encadre\" onclick=\"x()\">Un <em>bloc</em> &amp; du HTML d'auteur</div>\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n")
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 70
    for page in pages:
        html = page.read_text(encoding="utf-8")
        reference = read_page(html, None, feed_with_html_parser)
        assert read_page(html, None, scan) == reference, page
        assert read_page(html, None, scan_fast) == reference, page
        wordless = read_page(html, None, text=False)  # a page found by its name only: the same checks, no words
        assert (wordless.ids, wordless.links, wordless.policy) == (reference.ids, reference.links, reference.policy), page
        assert wordless.entry["text"] == "" and wordless.entry["headings"] == [], page


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


@pytest.mark.parametrize("html", TRICKY + ['<main><h2 id="été">É</h2><a href="/é/#ç">x</a><p style="x">s</p></main>'])
def test_the_facts_a_worker_sends_back_store_the_same_text_as_the_facts_read(html: str) -> None:
    """The worker that renders a page makes the cache's text of its facts (compact): the same text as
    the facts themselves would give, non-ASCII ids and policy findings included, and facts equal."""
    from siad.page_facts import PageFacts

    facts = read_page(html)
    sent = facts.compact()
    assert sent.to_json() == facts.to_json()
    assert json.loads(sent.to_json()[0]) == {"ids": sorted(facts.ids), "policy": [list(p) for p in facts.policy]}
    assert PageFacts.from_json(*sent.to_json()) == sent and sent.entry is None
