"""libyaml (PyYAML's C composer) reads plain files many times faster than the pure-Python composer;
siad uses it when present and must get exactly the same located nodes — and the same messages, since
anything unusual goes back to the pure-Python composer."""

from __future__ import annotations


import pytest

from conftest import REPO_ROOT
from siad import yaml_libyaml, yamlsource
from siad.errors import Report

pytestmark = pytest.mark.skipif(yamlsource.CSafeLoader is None, reason="PyYAML sans libyaml")

SNIPPETS = [
    'nom: "Mairie"\ncode_postal: 03200\nniveau: 2\nhoraires:\n  lundi: ["09:00-12:00", "13:30-17:00"]\n',
    "a: 1\na: 2\n",  # duplicate key: the same error
    "a: &x 1\nb: *x\n",  # anchors and aliases: refused by the Python composer
    "a: [\n",  # unfinished: the same French message and place
    "- 1\n- oui\n- 2024-02-29\n- 1.5e3\n- ~\n- '03200'\n- !!str 12\n",
    "a: !!python/object:os.system x\n",
    "---\na: 1\n---\nb: 2\n",  # two documents
    "# rien\n",
    "clé: |\n  texte\n  sur deux lignes\nautre: >\n  plié\n  ici\n",
    "a:\n" + "".join("  " * i + "- \n" for i in range(1, 5)),
    'nom: "R&D * 2"\n',  # « & » and « * » in a text: read as events first, the same nodes
    "".join("  " * i + "b:\n" for i in range(63)) + "  " * 63 + "c\n",  # 64 levels, the scalar counted: accepted
    "".join("  " * i + "b:\n" for i in range(64)) + "  " * 64 + "c\n",  # 65: refused, the same message
    "[" * 64 + "]" * 64 + "\n", "[" * 65 + "]" * 65 + "\n", "[" * 63 + "1" + "]" * 63 + "\n", "[" * 64 + "1" + "]" * 64 + "\n",
    "k: &a [" + "[" * 64 + "]" * 64 + "]\n",  # with an anchor: read as events, the same limit
    "a: " + "[" * 1500 + "]" * 1500 + "\n",  # beyond libyaml's own limit
]


def _parse(text: str, with_libyaml: bool, monkeypatch) -> tuple:
    monkeypatch.setattr(yamlsource, "CSafeLoader", yamlsource.CSafeLoader if with_libyaml else None)
    report = Report()
    node = yamlsource.parse_yaml(text, "f.yml", report, 3)
    return node, [d.format() for d in report.diagnostics]


@pytest.mark.parametrize("text", SNIPPETS)
def test_libyaml_gives_the_same_nodes_and_messages(text: str, monkeypatch) -> None:
    assert _parse(text, True, monkeypatch) == _parse(text, False, monkeypatch)


def test_libyaml_gives_the_same_nodes_for_every_data_file(monkeypatch) -> None:
    files = sorted((REPO_ROOT / "data").rglob("*.yml")) + sorted((REPO_ROOT / "siad" / "starter").rglob("*.yml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _parse(text, True, monkeypatch) == _parse(text, False, monkeypatch), path


def test_plain_files_do_go_through_libyaml_and_unusual_ones_do_not() -> None:
    assert yamlsource._compose_with_libyaml(SNIPPETS[0]) is not None
    assert yamlsource._compose_with_libyaml("a: &x 1\nb: *x\n") is None
    assert yamlsource._compose_with_libyaml("a: [\n") is None


def test_a_plain_file_is_composed_at_once_and_its_depth_checked_on_the_nodes(monkeypatch) -> None:
    """Without « & » nor « * », the text is not read as events first (a third of the cost)."""
    if not yaml_libyaml._NESTING_BOUNDED:
        pytest.skip("libyaml antérieur à 0.2.5 : les événements sont lus d'abord")
    monkeypatch.setattr(yamlsource.yaml, "parse", lambda *a, **k: (_ for _ in ()).throw(AssertionError("événements lus")))
    assert yamlsource._compose_with_libyaml(SNIPPETS[0]) is not None
    assert yamlsource._compose_with_libyaml("".join("  " * i + "b:\n" for i in range(64)) + "  " * 64 + "c\n") is None
    assert yaml_libyaml._depth(yamlsource.yaml.compose("a: [[1], {b: [2]}]\n", Loader=yamlsource.CSafeLoader)) == 5
