"""Validated records kept between builds (siad/record_cache.py): decoded exactly as loaded, with the
same messages, and loaded again as soon as anything they were read from changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run
from siad import record_cache
from siad.data import load_data
from siad.errors import Report


def test_every_default_record_decodes_to_what_was_loaded() -> None:
    data = load_data(REPO_ROOT, Report(), "200071363")
    assert len(data.points) == 15 and data.figures.communes
    for value in [*data.points, data.figures, data.communes]:
        encoded = record_cache.encode(value)
        decoded = record_cache.decode(encoded)
        assert decoded == value
        assert record_cache.encode(decoded) == encoded  # the fields left out of == too (locations)
        assert type(decoded) is type(value)


def test_a_record_shared_by_many_values_is_written_once_and_shared_again() -> None:
    data = load_data(REPO_ROOT, Report(), "200071363")
    communes = list(data.figures.communes.values())
    assert len(communes) > 2 and communes[0].stock_set is communes[1].stock_set  # one set for every commune
    encoded = record_cache.encode(data.figures)
    text = json.dumps(encoded, ensure_ascii=False)
    assert text.count('"$": "FigureSet"') < len(communes)  # not once per commune
    decoded = record_cache.decode(json.loads(text))
    again = list(decoded.communes.values())
    assert again[0].stock_set is again[-1].stock_set and again[0].stock_set == communes[0].stock_set
    assert decoded == data.figures


def test_keys_that_look_like_the_encodings_own_tags_come_back_as_they_were() -> None:
    """The JSON decoder rebuilds every object it meets: a mapping's keys must never be taken for a tag."""
    value = {"f": 1, "@": 2, "$s": "x", "$d": "2026-01-01", "$t": [1], "$m": None, "r": 0, "v": {"$": "Point", "f": []}}
    decoded = record_cache.decode(record_cache.encode(value))
    assert decoded == value and type(decoded["$t"]) is list


def test_values_it_cannot_rebuild_exactly_are_not_kept() -> None:
    class Subclass(dict):
        pass

    for value in (Subclass(a=1), {1, 2}, object()):
        try:
            record_cache.encode(value)
        except TypeError:
            continue
        raise AssertionError(f"{value!r} encoded")


def _messages(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]


def test_a_second_build_reports_the_same_messages_from_the_kept_records(project: Path, tmp_path: Path, monkeypatch) -> None:
    point = project / "data" / "lieux" / "evolea.yml"
    point.write_text(point.read_text(encoding="utf-8") + "verifie_le: 2024-02-29\n", encoding="utf-8")  # a warning
    figures = project / "data" / "chiffres" / "tableaux.yml"
    out = tmp_path / "site"
    first = run("build", "--source", project, "--out", out)
    assert first.exit_code == 0
    import siad.data

    validated: list[str] = []
    original = siad.data.point_from
    monkeypatch.setattr(siad.data, "point_from", lambda root, path, report: validated.append(path.name) or original(root, path, report))
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase.\n")  # something else changes
    second = run("build", "--source", project, "--out", out)
    assert second.exit_code == 0
    assert validated == []  # every point came from the cache
    assert "la fiche « Evoléa » n'a pas été vérifiée depuis le 2024-02-29" in second.stderr
    assert _messages(second) == _messages(first)
    assert "chiffres de 2022 (SDES, RPLS 2022)" in second.stderr  # a known gap of the figures, kept with them

    point.write_text(point.read_text(encoding="utf-8").replace("verifie_le: 2024-02-29", "verifie_le: 2024-03-01"), encoding="utf-8")
    assert run("build", "--source", project, "--out", out).exit_code == 0
    assert validated == ["evolea.yml"]  # the edited file only

    # The figures change: they are read again (here, a new error at its place).
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("millesime: 2022", "millesime: 2099", 1), encoding="utf-8")
    third = run("build", "--source", project, "--out", out)
    assert third.exit_code == 1
    assert re.search(r"data/chiffres/tableaux\.yml:\d+:\d+: erreur : le millésime 2099 est dans le futur", third.stderr)


def test_a_cache_kept_open_gives_the_same_records_again_without_decoding(project: Path, tmp_path: Path, monkeypatch) -> None:
    # siad serve keeps its cache open between rebuilds: the records it validated or decoded stay in memory
    from siad import yaml_cache
    from siad.cache import PageCache

    cache = PageCache(tmp_path / "cache")
    try:
        with yaml_cache.using(cache):
            first = load_data(project, Report(), "200071363")
        cache.flush_yaml()
        point = project / "data" / "lieux" / "evolea.yml"
        point.write_text(point.read_text(encoding="utf-8").replace("\nnom: \"", "\nnom: \"Nouvel ", 1), encoding="utf-8")
        monkeypatch.setattr(record_cache, "decode", lambda data: pytest.fail("a kept record was decoded again"))
        report = Report()
        with yaml_cache.using(cache):
            second = load_data(project, report, "200071363")
        cache.flush_yaml()
        cache.flush_yaml()  # a rebuild that read nothing (no input changed) forgets nothing
    finally:
        cache.close()
    assert second.figures is first.figures
    by_slug = {p.slug: p for p in first.points}
    changed = [p for p in second.points if p is not by_slug[p.slug]]
    assert [p.slug for p in changed] == ["evolea"] and changed[0].name.startswith("Nouvel ")
    assert second.communes is first.communes
    assert len(cache._records) == len(second.points) + 2  # points, figures, communes: the old version of the changed point is forgotten


def test_the_kept_classes_compute_nothing_when_made() -> None:
    """Decoding makes instances without calling ``__init__`` (siad.record_cache._makers): right only
    while no kept class has a ``__post_init__`` or slots."""
    for kind in record_cache._types().values():
        assert not hasattr(kind, "__post_init__") and not hasattr(kind, "__slots__"), kind


def test_a_damaged_document_is_loaded_again_not_half_rebuilt() -> None:
    """A stored record with a field too few (a damaged or edited cache) is not recalled: decoding makes
    instances without ``__init__``, so it must refuse what ``__init__`` would have refused."""
    data = load_data(REPO_ROOT, Report(), "200071363")
    point = data.points[0]
    document = json.loads(record_cache._document(point, []))
    assert record_cache._recall(json.dumps(document)) == (point, [])
    fields = document["v"]["r"]["f"]
    document["v"]["r"]["f"] = fields[:-1]
    assert record_cache._recall(json.dumps(document)) is None
    document["v"]["r"]["f"] = fields + [None]
    assert record_cache._recall(json.dumps(document)) is None


def test_many_kept_records_are_read_in_one_query(project: Path, tmp_path: Path, monkeypatch) -> None:
    """A national build's 10,000 points (and their open-data lines) were 20,000 queries, one per record."""
    from siad.cache import PageCache

    out = tmp_path / "site"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    single, many = [], []
    real_one, real_many = PageCache.yaml_get, PageCache.yaml_get_many
    monkeypatch.setattr(PageCache, "yaml_get", lambda self, key: single.append(key) or real_one(self, key))
    monkeypatch.setattr(PageCache, "yaml_get_many", lambda self, keys: many.append(len(keys)) or real_many(self, keys))
    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase.\n")
    assert run("build", "--source", project, "--out", out).exit_code == 0
    points = len(list((project / "data" / "lieux").glob("*.yml")))
    pages = len(list((project / "content").rglob("*.md")))
    assert points > 10 and many == [points, pages, points]  # the points, the content pages, the points' open-data lines
    assert not any(key.startswith(("lieu:", "page:", "donnees-lieu:")) for key in single)
