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
    # plain scalars of every implicit type, each twice (the second one's tag is the one remembered)
    "".join(f"- {v}\n- {v}\n- '{v}'\n" for v in ["yes", "No", "on", "OFF", "y", "9:00", "09:00", "190:20:30", "0x1F", "0o17", "017",
                                                 "0b101", "1_000", "+12", "-0", "1e3", "1.5e3", "6.8523015e+5", ".inf", "-.Inf",
                                                 ".NaN", "null", "Null", "~", "2024-01-01", "2024-1-1", "2001-12-14t21:59:43.10-05:00",
                                                 "2024-02-30", "=", "<<", "accueil", "lundi", "10 h", "1.2.3", "12e", "0.", "._"]),
    "- \n- \n- ''\n",  # empty plain scalars: null
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


def _plain(node):
    if isinstance(node, yamlsource.Mapping):
        return {key: _plain(value) for key, (_, value) in node.entries.items()}
    if isinstance(node, yamlsource.Sequence):
        return [_plain(item) for item in node.items]
    return node.value if node is not None else None


def _pyyaml_reads(text: str) -> bool:
    import yaml

    try:
        yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, RecursionError):
        return False
    report = Report()
    yamlsource.parse_yaml(text, "f.yml", report)
    return not report.diagnostics  # not a text siad refuses (a key twice, too deep…)


@pytest.mark.parametrize("text", [s for s in SNIPPETS if _pyyaml_reads(s)] + [
    'a: " deux  espaces "\nb: \'l\'\'apostrophe\'\nc: "\\u00e9t\\u00e9 \\t tab"\nd: |\n  ligne 1\n   ligne 2\ne: >-\n  plié\n  ici\nf:  texte nu  \n'])
def test_the_located_tree_holds_the_values_pyyaml_gives(text: str) -> None:
    """siad's own reading of each scalar (texts without PyYAML's constructor) gives PyYAML's values."""
    import yaml

    node = yamlsource.parse_yaml(text, "f.yml", Report())
    assert _plain(node) == yaml.safe_load(text)
