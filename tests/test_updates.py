"""« Dernières mises à jour » and its Atom feed: derived from the dates in the data, newest first,
deterministic; a data change with its date gives a new entry (and `siad diff` shows it)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run

ATOM = "{http://www.w3.org/2005/Atom}"
LATER = "1796774400"  # 2026-12-09: a build after the default data's dates


def _feed(out: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((out / "mises-a-jour" / "atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_default_site_lists_its_dated_records(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    feed = _feed(out)
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 15 + 2 + 1 + 1  # every point's record, two figure sources, the grid, the territory's rules
    assert "Fiche de Vichy Habitat mise à jour" in titles and "Grille de cotation mise à jour" in titles
    assert "Chiffres « SDES, RPLS 2022 » mis à jour" in titles
    assert {entry.updated for entry in feed.entries} == {"2026-11-23T00:00:00Z"}
    assert len({entry.id for entry in feed.entries}) == len(titles)
    assert all(entry.id.startswith("urn:uuid:") for entry in feed.entries)
    # Each entry's link is a built page (relative to the feed: the site has no address in siad.yml).
    for entry in feed.entries:
        href = entry.link
        assert not href.startswith(("/", "http")), href
        target = (out / "mises-a-jour" / href).resolve()
        assert (target / "index.html").is_file(), href
    grid = next(e for e in feed.entries if e.title == "Grille de cotation mise à jour")
    assert grid.link == "../cotation/"

    page = (out / "mises-a-jour" / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li><time datetime="([0-9-]+)">([^<]+)</time> : <a href="([^"]+)">([^<]+)</a></li>', page)
    assert len(items) == len(titles)
    assert items[0][:2] == ("2026-11-23", "23 novembre 2026")
    assert 'href="atom.xml" type="application/atom+xml"' in page
    for html in out.rglob("*.html"):  # every page announces the feed, and the link leads to it
        found = re.search(r'<link rel="alternate" type="application/atom\+xml" title="Logement social à Vichy Communauté : dernières mises à jour" href="([^"]+)">',
                          html.read_text(encoding="utf-8"))
        assert found, html
        if html.name == "index.html":  # (404.html uses absolute paths when the site's address is known, relative ones here)
            assert (html.parent / found[1]).resolve() == (out / "mises-a-jour" / "atom.xml").resolve(), (html, found[1])
    assert 'href="../mises-a-jour/">Dernières mises à jour</a>' in (out / "cotation" / "index.html").read_text(encoding="utf-8")  # footer


def test_the_feed_is_valid_atom(project: Path, tmp_path: Path) -> None:
    """RFC 4287's required elements, checked on the XML itself."""
    out = tmp_path / "site"
    assert run("build", "--source", project, "--out", out, "--base-url", "https://logement.exemple.fr/vichy/").exit_code == 0
    root = ET.fromstring((out / "mises-a-jour" / "atom.xml").read_bytes())
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "https://logement.exemple.fr/vichy/mises-a-jour/atom.xml"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert re.fullmatch(r"https://logement\.exemple\.fr/vichy/[a-z0-9/-]*", entry.find(f"{ATOM}link").get("href"))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.find(f"{ATOM}updated").text)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert root.find(f"{ATOM}updated").text == updated[0]


def test_a_dated_change_gives_a_new_entry_first(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    old, new = tmp_path / "avant", tmp_path / "apres"
    assert run("build", "--source", project, "--out", old).exit_code == 0
    before = _feed(old)

    point = project / "data" / "lieux" / "vichy-habitat.yml"
    text = point.read_text(encoding="utf-8")
    assert "  fiche: 2026-11-23" in text
    point.write_text(text.replace("  fiche: 2026-11-23", "  fiche: 2026-11-23\n  horaires: 2026-12-08", 1), encoding="utf-8")
    assert run("build", "--source", project, "--out", new).exit_code == 0
    after = _feed(new)

    assert len(after.entries) == len(before.entries) + 1
    first = after.entries[0]
    assert (first.title, first.updated, first.link) == ("Horaires de Vichy Habitat mis à jour", "2026-12-08T00:00:00Z", "../lieux/vichy-habitat/")
    assert after.feed.updated == "2026-12-08T00:00:00Z"
    assert [e.id for e in after.entries[1:]] == [e.id for e in before.entries]  # the other entries keep their ids
    page = (new / "lieux" / "vichy-habitat" / "index.html").read_text(encoding="utf-8")
    assert '<p class="updated">Informations mises à jour le 8 décembre 2026.</p>' in page
    structures = json.loads((new / "donnees" / "lieux-accueil-structures.json").read_text(encoding="utf-8"))
    assert next(s for s in structures if s["nom"] == "Vichy Habitat")["date_maj"] == "2026-12-08"

    changed = json.loads(run("diff", old, new, "--format", "json").stdout)["modifies"]
    assert {"mises-a-jour/atom.xml", "mises-a-jour/index.html", "lieux/vichy-habitat/index.html"} <= set(changed)


def test_two_builds_give_the_same_feed(project: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("build", "--source", project, "--out", tmp_path / name, "--clean").exit_code == 0
    assert (tmp_path / "a" / "mises-a-jour" / "atom.xml").read_bytes() == (tmp_path / "b" / "mises-a-jour" / "atom.xml").read_bytes()


def test_every_kind_of_dated_record_gives_its_entry(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", LATER)
    page = project / "content" / "mutation.md"
    page.write_text(page.read_text(encoding="utf-8").replace("---\n", "---\nmis_a_jour_le: 2026-12-01\n", 1), encoding="utf-8")
    for old, new in ((project / "data" / "cotation.yml", "mis_a_jour_le: 2026-12-02"), (project / "data" / "territoire.yml", "mis_a_jour_le: 2026-12-03")):
        old.write_text(old.read_text(encoding="utf-8").replace("mis_a_jour_le: 2026-11-23", new, 1), encoding="utf-8")
    figures = project / "data" / "chiffres" / "tableaux.yml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("    millesime: 2022\n", "    millesime: 2022\n    mis_a_jour_le: 2026-12-04\n", 1), encoding="utf-8")
    out = tmp_path / "site"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    firsts = [(e.updated[:10], e.title, e.link) for e in _feed(out).entries[:4]]
    source = re.search(r'source: "([^"]+)"\n    millesime: 2022\n    mis_a_jour_le: 2026-12-04', figures.read_text(encoding="utf-8"))[1]
    assert firsts == [
        ("2026-12-04", f"Chiffres « {source} » mis à jour", "../chiffres/"),
        ("2026-12-03", "Règles de la demande (délais, renouvellement) mises à jour", "../"),
        ("2026-12-02", "Grille de cotation mise à jour", "../cotation/"),
        ("2026-12-01", "Page « Changer de logement social (mutation) » mise à jour", "../mutation/"),
    ]


def test_a_date_in_the_future_is_an_error_at_its_line(project: Path, tmp_path: Path) -> None:
    point = project / "data" / "lieux" / "evolea.yml"
    text = point.read_text(encoding="utf-8")
    point.write_text(text.replace("  fiche: 2026-11-23", "  fiche: 2026-11-23\n  horaires: 2027-01-15", 1), encoding="utf-8")
    line = next(i for i, text in enumerate(point.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("  horaires: 2027-01-15"))
    result = run("build", "--source", project, "--out", tmp_path / "site")
    assert result.exit_code == 1
    assert f"data/lieux/evolea.yml:{line}:13: erreur : date de mise à jour dans le futur (15 janvier 2027)" in result.stderr
    assert "au plus tard aujourd'hui" in result.stderr


def test_an_unknown_section_is_named_with_a_suggestion(project: Path, tmp_path: Path) -> None:
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(point.read_text(encoding="utf-8").replace("  fiche: 2026-11-23", "  horaire: 2026-11-23", 1), encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "site")
    assert result.exit_code == 1
    assert re.search(r"data/lieux/evolea\.yml:\d+:3: erreur : clé inconnue « horaire » .*\n    → vouliez-vous dire « horaires » \?", result.stderr), result.stderr


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aé&<>\"'\n\r\t ;#x")) | st.characters(), max_size=30))
def test_feed_and_sitemap_escape_text_as_the_standard_library_does(text):
    """siad escapes XML itself (importing xml.sax.saxutils costs every command 15 ms): the same
    results as the standard library's escape and quoteattr, quotes, line breaks and entities included."""
    from xml.sax import saxutils

    from siad.xmltext import escape, quoteattr

    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)
