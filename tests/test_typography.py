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
