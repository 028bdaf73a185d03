"""Property-based fuzzing (Hypothesis) of everything that reads what people type.

Arbitrary input gives either a valid result or located French errors — never another
exception, never a hang:

- YAML reading (:mod:`siad.yamlsource`): arbitrary text and bytes (invalid UTF-8, NUL, BOMs,
  tabs, anchors and aliases, ``!!python/…`` and other tags, deep nesting);
- validation (:mod:`siad.schema`, :mod:`siad.config` and the loaders of :mod:`siad.data`):
  structured mutations of the default project's files (``siad.yml``, a reception point,
  ``communes.yml``, ``cotation.yml``, ``niveaux.yml``, ``territoire.yml``, ``pieces.yml``,
  ``bailleurs.yml``, ``chiffres/communes.csv`` and the YAML figure files: keys renamed, added or
  removed, values of any type, raw tokens no dumper writes), and every kind of field on any value;
  what validates must also be usable by what comes next (hours exported and read back, the grid
  scoring, the indicators' divisions);
- opening hours (:mod:`siad.hours`, :mod:`siad.osm_hours`): arbitrary strings, strings built from
  the OSM grammar's pieces, structured ``horaires:`` blocks, and the round trip
  ``parse_osm(to_osm(s)) == s``;
- scoring (:mod:`siad.cotation`): arbitrary situations on the default grid and the test grid give
  a result or a ValueError (never another exception, exactly when the situation is invalid), and
  the result's invariants hold.

Fast and deterministic by default (the « siad-fuzz » profile: derandomized, no example database
written, a few seconds in all); for a deeper search, ``SIAD_FUZZ_EXAMPLES=5000`` multiplies the
examples and ``SIAD_FUZZ_RANDOM=1`` draws new ones on each run (turn what it finds into an
``@example``). What was tried is counted in ``tests/fuzz_summary.py`` (:func:`fuzz_summary`).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import io
import json
import os
import re
import shutil
import time
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException

import fuzz_summary as counters
from fuzz_summary import fuzz_summary  # noqa: F401 - the summary line, for conftest.py
from siad.config import check_base_url, load_config
from siad.content import FRONT_MATTER_SCHEMA
from siad.cotation import FIRST_QUARTILE, Grid, Situation, score
from siad.cotation_schema import load_grid_file
from siad.data import SiteData
from siad.data.communes import COMMUNES_SCHEMA, communes_from
from siad.data.documents import load_documents
from siad.data.figures import load_figures
from siad.data.files import load_record
from siad.data.levels import LEVELS_SCHEMA, levels_from
from siad.data.points import check_point_freshness, check_point_references, point_from
from siad.data.territory import TERRITORY_SCHEMA, territory_from
from siad.editor_schemas import FILE_KINDS
from siad.errors import Location, Report, UsageProblem
from siad.hours import INVALID, MODES, HoursError, Schedule, Slot, build_schedule, parse_range, schedule_from_node
from siad.hours_view import is_open, next_opening, notices, schedule_json, week_table
from siad.indicators import commune_indicators, count, share, stock_shares, territory_indicators, typology_indicators
from siad.osm_hours import OSM_DAYS, OsmHoursError, parse_osm, to_osm, to_schema_org
from siad.publication import check_publication
from siad.schema import Kind, Url
from siad.shortcodes import ShortcodeError, _exemple
from siad.yamlsource import MAX_DEPTH, Mapping, Node, Sequence, describe, load_yaml_file, parse_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)  # the suite's build date (conftest.FIXED_BUILD_EPOCH)
SIREN = "200071363"  # Vichy Communauté, as in siad.yml

settings.register_profile(
    "siad-fuzz",
    max_examples=200,
    deadline=None,  # no per-example deadline: slow CI machines; hangs are bounded by the code itself
    derandomize=not os.environ.get("SIAD_FUZZ_RANDOM"),  # the same examples on every run: CI is deterministic
    database=None,  # nothing written into the tree
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
EXAMPLES = int(os.environ.get("SIAD_FUZZ_EXAMPLES", "200"))


def fuzz(share: float = 1.0) -> settings:
    """The profile, with ``share`` of the examples (the slower properties take fewer)."""
    return settings(settings.get_profile("siad-fuzz"), max_examples=max(10, round(EXAMPLES * share)))


def counted(category: str):
    """Count every input a property is called with, and what escaped it (see tests/fuzz_summary.py)."""

    def wrap(test):
        @functools.wraps(test)
        def run(*args, **kwargs):
            counters.inputs[category] += 1
            try:
                return test(*args, **kwargs)
            except AssertionError:
                counters.broken[category] += 1
                raise
            except HypothesisException:
                raise
            except Exception:
                counters.unexpected[category] += 1
                raise

        return run

    return wrap


def assert_located(report: Report, *paths: str) -> None:
    """Every diagnostic names one of ``paths`` and a line, with a message in words."""
    for d in report.diagnostics:
        assert d.location.path in paths, d.format()
        assert d.location.line is not None and d.location.line >= 1, d.format()
        assert d.location.col is None or d.location.col >= 1, d.format()
        assert isinstance(d.message, str) and d.message.strip(), d
        assert "Traceback" not in d.message and "object at 0x" not in d.message, d.format()


def walk(node: Node):
    yield node
    if isinstance(node, Mapping):
        for _, child in node.entries.values():
            yield from walk(child)
    elif isinstance(node, Sequence):
        for child in node.items:
            yield from walk(child)


# --- YAML reading -------------------------------------------------------------------------

YAML_PIECES = [
    "a", "nom", "clé", ":", ": ", " ", "  ", "\n", "\r\n", "\r", "\t", "- ", "-", "[", "]", "{", "}", ",", "? ",
    "&x ", "*x", "&a [1, *a]", "!!python/object:os.system ", "!!python/name:os.system ", "!!python/object/apply:os.system [ls]",
    "!!int ", "!!float ", "!!bool ", "!!timestamp ", "!!null ", "!!str ", "!!binary ", "!!set ", "!!omap ", "!!map ",
    "!!seq ", "!local ", "!<tag:x,2000:y> ", "%TAG ! tag:x,2000:\n", "%YAML 1.1\n", "%YAML 9.9\n", "---\n", "--- ", "...\n",
    "<<: ", "#", " # commentaire", "'", '"', "''", '""', '"\\x"', "|\n", ">-\n", "\\", "\x00", "\x07", "\x1b", "\x85",
    "\u2028", "\ufeff", "\ufffe", "é", "😀", "0777", "03200", "0x1F", "0o17", "0b101", "1_000", "190:20:30", "1e400",
    "-.inf", ".nan", "2024-02-30", "2024-02-29", "2001-12-14t21:59:43.10+99:00", "~", "null", "oui", "yes", "on", "9" * 5000,
]
yaml_fragments = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)
nested = st.builds(
    lambda depth, opening, closing: opening * depth + "1" + closing * depth,
    st.integers(0, 400),
    st.sampled_from(["[", "{a: ", "- ", "{? ", "[{a: "]),
    st.sampled_from(["]", "}", "", "}]"]),
)
indented = st.builds(lambda depth: "".join(f"{'  ' * i}a{i}:\n" for i in range(depth)) + "  " * depth + "x", st.integers(0, 200))
yaml_texts = st.one_of(st.text(), yaml_fragments, nested, indented)

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


@fuzz()
@given(yaml_texts)
@example("a: \x00")  # NUL: PyYAML's reader raised ReaderError, uncaught
@example("a: !!timestamp demain")  # AttributeError in PyYAML's constructor
@example("a: !!int ''")  # IndexError
@example("a: !!bool peut-être")  # KeyError
@example("a: !!float ''")  # IndexError
@example("[" * 5000 + "]" * 5000)  # RecursionError in PyYAML's composer
@example("- " * 2000 + "1")
@example(BILLION_LAUGHS)
@counted("yaml")
def test_parse_yaml_gives_nodes_or_located_errors(text):
    report = Report()
    node = parse_yaml(text, "data/f.yml", report)
    assert_located(report, "data/f.yml")
    if node is None:
        assert report.has_errors
    else:
        for child in walk(node):
            assert child.loc.path == "data/f.yml" and child.loc.line is not None
            assert describe(child)


@fuzz(0.5)
@given(yaml_texts, st.integers(0, 40))
@counted("yaml")
def test_front_matter_offsets_stay_located(text, offset):
    report = Report()
    parse_yaml(text, "content/page.md", report, line_offset=offset)
    assert_located(report, "content/page.md")
    assert all(d.location.line > offset for d in report.diagnostics)


PREFIXES = [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"]
yaml_bytes = st.one_of(
    st.binary(max_size=400),
    st.builds(
        lambda prefix, text, encoding: prefix + text.encode(encoding, errors="replace"),
        st.sampled_from(PREFIXES),
        yaml_texts,
        st.sampled_from(["utf-8", "utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig"]),
    ),
    st.builds(lambda good, bad, rest: good + bad + rest, yaml_fragments.map(str.encode), st.binary(min_size=1, max_size=4), yaml_fragments.map(str.encode)),
)


@fuzz()
@given(yaml_bytes)
@example(b"a: 1\n\xff\xfe")
@example(b"nom: \"Mus\xe9e\"\n")  # Latin-1
@example(b"\xef\xbb\xbfa: 1")  # the BOM Excel and Notepad write
@example(b"a:\x00 1")
@counted("yaml")
def test_yaml_files_of_any_bytes(tmp_path_factory, data):
    path = _scratch(tmp_path_factory) / "f.yml"
    path.write_bytes(data)
    report = Report()
    node = load_yaml_file(path, "data/f.yml", report)
    assert_located(report, "data/f.yml")
    assert node is not None or report.has_errors


def test_alias_bomb_is_refused_before_any_expansion():
    report = Report()
    started = time.perf_counter()
    assert parse_yaml(BILLION_LAUGHS, "f.yml", report) is None
    assert time.perf_counter() - started < 1
    assert [str(d.location) for d in report.errors] == ["f.yml:1:4"]
    assert "ancres" in report.errors[0].message


@pytest.mark.parametrize(
    "text, where, phrase",
    [
        ("a: 1\nb: c\x00d\n", "f.yml:2:5", "caractère invisible non autorisé (U+0000)"),
        ("a: \x1b[31m\n", "f.yml:1:4", "(U+001B)"),
        ("[" * 1000 + "]" * 1000, f"f.yml:1:{MAX_DEPTH + 1}", "trop de niveaux imbriqués"),
    ],
)
def test_regressions_are_reported_in_french(text, where, phrase):
    report = Report()
    assert parse_yaml(text, "f.yml", report) is None
    assert [str(d.location) for d in report.errors] == [where]
    assert phrase in report.errors[0].message


def test_explicit_tags_that_pyyaml_cannot_construct_stay_text():
    report = Report()
    node = parse_yaml("a: !!timestamp demain\nb: !!int ''\nc: !!bool peut-être\nd: !!float ''\n", "f.yml", report)
    assert not report.diagnostics
    assert [child.value for _, child in node.entries.values()] == ["demain", "", "peut-être", ""]


# --- Validation: structured mutations of the default project's files ----------------------

_SCRATCH: dict[str, Path] = {}


def _scratch(factory) -> Path:
    """A folder shared by every example of the module (function-scoped fixtures do not reset between examples)."""
    if "dir" not in _SCRATCH:
        _SCRATCH["dir"] = factory.mktemp("fuzz")
    return _SCRATCH["dir"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the default project's data; each property writes one file, and puts it back."""
    root = tmp_path_factory.mktemp("fuzz-projet")
    shutil.copy2(REPO_ROOT / "siad.yml", root / "siad.yml")
    shutil.copytree(REPO_ROOT / "data", root / "data")
    return root


@pytest.fixture(scope="module")
def figures_project(tmp_path_factory) -> Path:
    """Only the per-commune figures and the territory's: load_figures reads nothing else here."""
    root = tmp_path_factory.mktemp("fuzz-chiffres")
    (root / "data" / "chiffres").mkdir(parents=True)
    for name in ("communes.csv", "communes.yml", "territoire.yml"):
        shutil.copy2(REPO_ROOT / "data" / "chiffres" / name, root / "data" / "chiffres" / name)
    return root


@pytest.fixture(scope="module")
def tables_project(tmp_path_factory) -> Path:
    """The figure tables, the bailleurs they name and the territory's figures they are checked against."""
    root = tmp_path_factory.mktemp("fuzz-tableaux")
    (root / "data" / "chiffres").mkdir(parents=True)
    for name in ("data/chiffres/tableaux.yml", "data/chiffres/territoire.yml", "data/bailleurs.yml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    return root


@pytest.fixture(scope="module")
def base_data() -> SiteData:
    """The default project's communes and levels, which points and figures refer to."""
    report = Report()
    communes = load_record(REPO_ROOT, REPO_ROOT / "data" / "communes.yml", COMMUNES_SCHEMA, report, required=True)
    levels = load_record(REPO_ROOT, REPO_ROOT / "data" / "niveaux.yml", LEVELS_SCHEMA, report, required=True)
    data = SiteData(communes=communes_from(communes, report, SIREN), levels=levels_from(levels, report))
    assert not report.diagnostics, [d.format() for d in report.diagnostics]
    return data


class rewritten:
    """Write ``text`` (or bytes) into ``path`` for one example, then put the original back."""

    def __init__(self, path: Path, content: str | bytes):
        self.path, self.content = path, content

    def __enter__(self):
        self.original = self.path.read_bytes()
        content = self.content.encode("utf-8", errors="surrogatepass") if isinstance(self.content, str) else self.content
        self.path.write_bytes(content)

    def __exit__(self, *exc):
        self.path.write_bytes(self.original)


def _load(name: str):
    with open(REPO_ROOT / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


KNOWN_KEYS = sorted(
    {
        "nom", "organisation", "niveau", "adresse", "complement_adresse", "code_postal", "commune", "code_insee", "telephone",
        "courriel", "site_web", "communes_desservies", "horaires", "modes_accueil", "accessibilite", "remarques", "verifie_le",
        "plain_pied", "acceslibre", "remarque", "lundi", "mardi", "jeudi", "dimanche", "lundi_a_vendredi", "samedi_a_lundi",
        "exceptions", "jour", "semaines_du_mois", "plages", "plage", "mode", "sur_rendez_vous", "a_confirmer", "communes",
        "numero", "description", "engagements", "niveaux", "source", "familles", "regles", "cle", "libelle", "points",
        "prioritaire", "manuel", "comptage", "meilleurs", "criteres", "nom_des_criteres", "anciennete", "points_par_mois",
        "plafond", "caleol_sans_proposition", "quartile_1", "coefficient", "refus_injustifies", "remise_a_zero_tous_les",
        "bonus_delai_anormalement_long", "mois", "sources", "parc", "demande", "millesime", "date", "exhaustif", "chiffres",
        "parc_total", "qpv", "demandes", "attributions", "delai_attribution_jours", "t1", "t5_plus", "bailleurs", "logements",
        "bailleur", "date_source", "delai_enregistrement_jours", "renouvellement", "radiation_mois", "suppression_mois",
        "titre", "territoire", "siren", "url", "langue", "theme", "portail_demande", "contact", "editeur", "hebergeur", "etat",
        "declaration_du", "chiffres_anciens", "raison", "licence_donnees", "couleurs", "principale", "lien_sombre",
        "age_max_verification_mois", "directeur_publication", "<<", "Nom", "nom ", "niveau_", "clé", "",
    }
)
TEXTS = [
    "", " ", "oui", "non", "Oui", "fermé", "tous", "un_seul", "meilleurs", "telephone", "rendez_vous", "accueil",
    "sans_rendez_vous", "09:00-12:00", "9h-12h30", "24:00-25:61", "12:00-09:00", "Mo-Fr 09:00-12:00", "Mo[1-3] 09:00-12:00; PH off",
    "03310", "03095", "3310", "2A004", "99999", "03200", "04 70 98 18 45", "+33 4 70 98 18 45", "0470", "nom@exemple.fr",
    "https://exemple.fr", "exemple.fr", "2024-02-29", "2024-02-30", "1 332", "3,5", "40,6 %", "110 %", "1,1", "-2",
    "Vichy", "Cusset", "logement_indigne", "sans_logement", "Sans Logement", "²", "١٢", "\u202f", "x" * 300, "«»\"'",
    "https://[x", "https://a＃b.fr", "javascript:alert(1)", "#1f4e8c", "#fff", "#ffff00", "#12345", "200071363", "non_conforme",
]
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(TEXTS),
    st.text(max_size=30),
    st.dates(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=10)

# Unquoted tokens a YAML dumper never writes, for raw line edits.
NASTY = [
    "9" * 5000, "-" + "9" * 5000, "9" * 5000 + ".5", "1e400", "-1e400", ".inf", "-.inf", ".nan", "!!timestamp demain",
    "!!int ''", "!!bool peut-être", "!!float ''", "!!python/object:os.system ls", "²", "١٢", "0x1F", "0o17", "0777", "1_000",
    "190:20:30", "2024-02-30", "2024-13-01", "~", "&a x", "*a", "[", "{", "'pas fermé", "\t1", "1\x00", "\ufeff1", "[" * 100 + "]" * 100,
    "{a: 1, a: 2}", "24:00-25:61", "Mo[1-99999999999] 09:00-12:00", "Mo[3-1] 09:00-12:00", "Mo[" + "9" * 5000 + "] 09:00-12:00",
    "[²]", "[" + "9" * 5000 + "]", "{meilleurs: " + "9" * 5000 + "}", "{coefficient: 1e999999999}", "{coefficient: 1e40}",
    "{coefficient: 1,1}", "1e40", "100000000000000000000000000000000000000000", "Mo-Su 00:00-23:59", "'Mo 09:00-12:00 \"x'",
]


def _dump(doc) -> str:
    return yaml.dump(doc, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False, width=10**6)


def _positions(doc, path=()):
    yield path
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _positions(value, path + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _positions(value, path + (index,))


def _at(doc, path):
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw, base):
    """``base`` (a parsed YAML document) with 1-3 structural edits, dumped back to YAML, maybe with a raw line edit."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_positions(doc))))
        target = _at(doc, path)
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "rename", "copy"]))
        if not path:
            if op == "replace" and draw(st.integers(0, 9)) == 0:
                doc = draw(values)
            continue
        parent, step = _at(doc, path[:-1]), path[-1]
        if op == "replace":
            parent[step] = draw(values)
        elif op == "delete":
            del parent[step]
        elif op == "add" and isinstance(target, dict):
            target[draw(keys)] = draw(values)
        elif op == "add" and isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), draw(values) if target == [] else copy.deepcopy(draw(st.sampled_from(target))))
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(keys)] = parent.pop(step)
        elif op == "copy":
            other = draw(st.sampled_from(list(_positions(doc))))
            parent[step] = copy.deepcopy(_at(doc, other))
    text = _dump(doc)
    if draw(st.integers(0, 3)) == 0:
        lines = text.split("\n")
        editable = [i for i, line in enumerate(lines) if re.match(r"\s*(- |[^\s:#][^:#]*: |- [^\s:#][^:#]*: )", line)]
        if editable:
            i = draw(st.sampled_from(editable))
            head = re.match(r"\s*(?:- )?(?:[^\s:#][^:#]*: )?", lines[i]).group(0)
            lines[i] = head + draw(st.sampled_from(NASTY) | st.text(max_size=20))
            text = "\n".join(lines)
    return text


POINT_FILE = "data/lieux/adil03.yml"  # every kind of key, hours with a mode and a monthly exception
POINT_BASE = _load(POINT_FILE)


@fuzz(0.6)
@given(mutated(POINT_BASE))
@example("nom: x\nniveau: 1\nhoraires:\n  lundi: 9h-12h\n  exceptions:\n    - {jour: lundi, semaines_du_mois: [²], plages: fermé}\n")
@example("nom: x\nniveau: 1\nhoraires:\n  lundi: 9h-12h\n  exceptions:\n    - {jour: lundi, semaines_du_mois: [" + "9" * 5000 + "], plages: fermé}\n")
@example("nom: x\nniveau: 1\nhoraires: \"Mo[1-99999999999] 09:00-12:00\"\n")  # built a set of 10¹¹ weeks: memory exhausted
@example("nom: x\nniveau: 1\nhoraires: \"Mo[" + "9" * 5000 + "] 09:00-12:00\"\n")  # ValueError, not OsmHoursError
@example("nom: x\nniveau: 1\nhoraires: \"Mo[3-1] 09:00-12:00\"\n")  # was read as no hours at all
@counted("validation")
def test_reception_point_file(project, base_data, text):
    path = project / POINT_FILE
    report = Report()
    with rewritten(path, text):
        point = point_from(project, path, report)
    if point is None:
        assert report.has_errors
    else:
        data = SiteData(communes=base_data.communes, levels=base_data.levels, points=[point])
        check_point_references(data, report)
        check_point_freshness(data.points, report, TODAY, 12)
        if point.hours is not None:
            _hours_are_usable(point.hours)
    assert_located(report, POINT_FILE)


def _hours_are_usable(schedule: Schedule) -> None:
    """What the pages do with validated hours works, and the OSM export reads back the same."""
    assert parse_osm(to_osm(schedule)) == schedule
    to_schema_org(schedule, TODAY)
    week_table(schedule)
    notices(schedule)
    schedule_json(schedule)
    when = dt.datetime(2026, 11, 23, 10, 0)
    is_open(schedule, when)
    next_opening(schedule, when)


COMMUNES_BASE = _load("data/communes.yml")


@fuzz(0.2)
@given(mutated(COMMUNES_BASE))
@counted("validation")
def test_communes_file(project, text):
    path = project / "data" / "communes.yml"
    report = Report()
    with rewritten(path, text):
        record = load_record(project, path, COMMUNES_SCHEMA, report, required=True)
    if record is None:
        assert report.has_errors
    else:
        communes_from(record, report, SIREN)
    assert_located(report, "data/communes.yml")


GRID_BASE = _load("data/cotation.yml")


@fuzz(0.2)
@given(mutated(GRID_BASE), st.integers(0, 400), st.booleans())
@example(
    re.sub(r"coefficient: [0-9.,]+", "coefficient: 1e40", (REPO_ROOT / "data/cotation.yml").read_text(encoding="utf-8")), 30, True
)  # accepted, then decimal.InvalidOperation in score()
@example(
    re.sub(r"points_par_mois: \d+", "points_par_mois: 10000000000000000000000000000000", (REPO_ROOT / "data/cotation.yml").read_text(encoding="utf-8")),
    30,
    True,
)  # a product of more than 28 digits: decimal.InvalidOperation
@counted("validation")
def test_grid_file(project, text, months, first_quartile):
    path = project / "data" / "cotation.yml"
    report = Report()
    with rewritten(path, text):
        grid = load_grid_file(path, "data/cotation.yml", report)
    assert_located(report, "data/cotation.yml")
    if grid is None:
        assert report.has_errors
        return
    # A grid that validates can score (the « exemple-cotation » blocks do it at build time) and be exported.
    json.dumps(grid.to_dict())
    criteria = tuple(grid.criteria())
    for situation in (
        Situation(),
        Situation(criteria, months, (0, months), 3, first_quartile),
        Situation(criteria[::2], months, (), 0, not first_quartile),
    ):
        _check_result(grid, situation, score(grid, situation))


def _record_then(schema, convert):
    def load(root: Path, path: Path, report: Report):
        record = load_record(root, path, schema, report, required=True)
        return None if record is None else convert(record, report)

    return load


SINGLE_FILES = {
    "data/niveaux.yml": _record_then(LEVELS_SCHEMA, levels_from),
    "data/territoire.yml": _record_then(TERRITORY_SCHEMA, lambda record, report: territory_from(record)),
    "data/pieces.yml": lambda root, path, report: load_documents(root, path.parent, report),
}
SINGLE_BASES = {name: _load(name) for name in SINGLE_FILES}


@fuzz(0.25)
@given(st.sampled_from(sorted(SINGLE_FILES)).flatmap(lambda name: st.tuples(st.just(name), mutated(SINGLE_BASES[name]))))
@counted("validation")
def test_levels_territory_and_documents_files(project, case):
    name, text = case
    report = Report()
    with rewritten(project / name, text):
        result = SINGLE_FILES[name](project, project / name, report)
    if result is None:
        assert report.has_errors
    assert_located(report, name)


CONFIG_BASE = {**_load("siad.yml"), "couleurs": {"principale": "#1f4e8c", "lien": "#1a4f9c", "principale_sombre": "#9cc2ff"}}


@fuzz(0.3)
@given(mutated(CONFIG_BASE))
@example("titre: x\nterritoire: y\nurl: \"https://[x\"\n")  # urlsplit's ValueError escaped the Url kind
@example("titre: x\nterritoire: y\ncontact: {nom: z, site_web: \"https://a＃b.fr\"}\n")
@counted("validation")
def test_config_file(project, text):
    path = project / "siad.yml"
    report = Report()
    with rewritten(path, text):
        config = load_config(project, report)
    if config is None:
        assert report.has_errors
    else:
        contact = config.contact
        check_publication(
            config.publication, bool(contact and (contact.email or contact.phone)), config.base_url is not None, TODAY,
            lambda key: config.locs.get(key, Location("siad.yml", 1, 1)), report,
        )
    assert_located(report, "siad.yml")


def _kinds(kind: Kind, found: dict[int, Kind]) -> None:
    if id(kind) in found:
        return
    found[id(kind)] = kind
    for child in [f.kind for f in getattr(kind, "fields", {}).values()] + [getattr(kind, "item", None), getattr(kind, "BEST_SCHEMA", None)]:
        if isinstance(child, Kind):
            _kinds(child, found)


_FOUND: dict[int, Kind] = {}
for _root in [kind.schema for kind in FILE_KINDS] + [FRONT_MATTER_SCHEMA]:
    _kinds(_root, _FOUND)
KINDS = sorted(_FOUND.values(), key=lambda k: (type(k).__name__, k.expected))
url_like = st.builds(
    lambda scheme, body, end: scheme + body + end,
    st.sampled_from(["https://", "http://", "HTTPS://", "javascript:", "", "//", "https:///", "mailto:"]),
    st.text(alphabet=st.sampled_from(list("abcé1.-[]:@#/?%＃℀ \u00a0\u200b\x00")), max_size=15),
    st.sampled_from(["", "/", ".fr", ":99999", ":x", "]"]),
)
phone_like = st.text(alphabet=st.sampled_from(list("0123456789 +.-/()²٣\u00a0")), max_size=16)
value_texts = st.one_of(
    values.map(lambda v: _dump({"v": v})),
    st.one_of(st.sampled_from(NASTY + TEXTS), url_like, phone_like, st.text(max_size=20)).map(lambda t: "v: " + t),
    st.one_of(url_like, phone_like).map(lambda t: "v: " + json.dumps(t, ensure_ascii=False)),
)


@fuzz()
@given(st.sampled_from(KINDS), value_texts)
@example(Url(), 'v: "https://[x"')
@example(Url(), 'v: "https://ex℀mple.fr"')
@counted("validation")
def test_field_kinds(kind, text):
    """Every kind of value any data file, siad.yml or a front matter declares, on any value."""
    report = Report()
    node = parse_yaml(text, "f.yml", report)
    if node is None or not isinstance(node, Mapping) or "v" not in node.entries:
        return
    value = kind.convert(node.entries["v"][1], report)
    assert_located(report, "f.yml")
    assert (value is INVALID) == report.has_errors, [d.format() for d in report.diagnostics]


# Per-commune figures: the CSV export (cells, header, separator, encoding) and its YAML companions.
CSV_BASE = list(csv.reader(io.StringIO((REPO_ROOT / "data/chiffres/communes.csv").read_text(encoding="utf-8")), delimiter=";"))
CELLS = [
    "", " ", "0", "1", "-1", "1 332", "1\u00a0332", "1\u202f332", "3,5", "3.5", "1e3", "0x10", "٣", "²", "9" * 5000, "9" * 5000 + ",5",
    "03310", "3310", "03095", "2A004", "99999", "Vichy", "vichy", "Cusset", "oui", '"', '""', ";", ",", "\t", "\n", "\r", "\x00",
    "code_insee", "parc_total", "demandes", "qpv", "commune", "delai_attribution_jours", "t1", "inconnue",
]
cells = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))


@st.composite
def mutated_csv(draw) -> bytes:
    rows = copy.deepcopy(CSV_BASE)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cell", "cell", "cell", "header", "add_column", "drop_column", "add_row", "drop_row", "short_row"]))
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if op in ("cell", "header") and rows and rows[0]:
            row = rows[0 if op == "header" else r]
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        elif op == "add_column":
            for row in rows:
                row.append(draw(cells))
        elif op == "drop_column" and rows and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            for row in rows:
                del row[c:c + 1]
        elif op == "add_row":
            rows.insert(draw(st.integers(0, len(rows))), draw(st.lists(cells, max_size=6)))
        elif op == "drop_row" and rows:
            del rows[r]
        elif op == "short_row" and rows and rows[r]:
            rows[r].pop()
    separator = draw(st.sampled_from([";", ",", "\t"]))
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    text = out.getvalue()
    if draw(st.integers(0, 4)) == 0:  # raw damage: a stray quote, a NUL, a very long field…
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', '"x', "\x00", "x" * 140_000, "\n\n", ";;;\n"]) | st.text(max_size=5)) + text[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"]))
    return text.encode(encoding, errors="replace")


FIGURE_YAML = ("data/chiffres/communes.yml", "data/chiffres/territoire.yml")
TABLE_YAML = ("data/chiffres/tableaux.yml", "data/bailleurs.yml")
FIGURE_BASES = {name: _load(name) for name in FIGURE_YAML + TABLE_YAML}
figure_cases = st.one_of(
    st.tuples(st.just("data/chiffres/communes.csv"), mutated_csv()),
    st.sampled_from(FIGURE_YAML).flatmap(lambda name: st.tuples(st.just(name), mutated(FIGURE_BASES[name]))),
)


@fuzz(0.4)
@given(figure_cases)
@example(("data/chiffres/communes.csv", b";;;\n"))  # no header at all: IndexError
@example(("data/chiffres/communes.csv", b'""\n'))
@example(("data/chiffres/communes.csv", b"code_insee;parc_total\n03310;" + b"9" * 5000 + b"\n"))  # int() refuses 4 300 digits
@example(("data/chiffres/communes.csv", b"code_insee;parc_total\n03310;1\n03095;" + b"9" * 400 + b"\n"))
@example(("data/chiffres/territoire.yml", b"sources: {demande: {source: x, millesime: 2022}}\nchiffres: {demandes: 1, attributions: 1, delai_attribution_jours: .inf}\n"))
@example(("data/chiffres/territoire.yml", b"sources: {demande: {source: x, millesime: 2022}}\nchiffres: {demandes: " + b"9" * 400 + b", attributions: 1}\n"))
@counted("validation")
def test_figure_files(figures_project, base_data, case):
    name, content = case
    report = Report()
    with rewritten(figures_project / name, content):
        figures = load_figures(figures_project, report, base_data.communes, TODAY)
    assert_located(report, *FIGURE_YAML, "data/chiffres/communes.csv")
    _figures_are_usable(figures, base_data, report)


@fuzz(0.1)
@given(st.sampled_from(TABLE_YAML).flatmap(lambda name: st.tuples(st.just(name), mutated(FIGURE_BASES[name]))))
@counted("validation")
def test_table_and_bailleur_files(tables_project, base_data, case):
    name, content = case
    report = Report()
    with rewritten(tables_project / name, content):
        figures = load_figures(tables_project, report, base_data.communes, TODAY)
    assert_located(report, *TABLE_YAML, *FIGURE_YAML)  # a stale vintage is reported once, where it first appears
    _figures_are_usable(figures, base_data, report)


def _figures_are_usable(figures, base_data: SiteData, report: Report) -> None:
    if report.has_errors:
        return  # the build stops here
    # What validates is what the pages compute with.
    territory_indicators(figures)
    typology_indicators(figures.territory)
    stock_shares(figures)
    count(figures.stock_total())
    for area in [figures.territory, *figures.communes.values()]:
        for key, value in (area.values.items() if area else ()):
            count(value)
            share(value, figures.stock_total())
    for code in base_data.communes:
        commune_indicators(figures, code)
    for table in figures.tables.values():
        for row in table.rows:
            share(row.count, table.total or table.rows_sum)
            str(row.percent) if row.percent else None


def test_default_files_are_valid_to_begin_with(project, figures_project, tables_project, base_data):
    """The mutations start from valid files: a failure above is the mutation's doing."""
    report = Report()
    assert point_from(project, project / POINT_FILE, report) is not None
    assert load_grid_file(project / "data/cotation.yml", "data/cotation.yml", report) is not None
    assert load_config(project, report) is not None
    assert all(load(project, project / name, report) is not None for name, load in SINGLE_FILES.items())
    load_figures(figures_project, report, base_data.communes, TODAY)
    load_figures(tables_project, report, base_data.communes, TODAY)
    assert not report.errors, [d.format() for d in report.errors]


def test_urls_that_urlsplit_refuses():
    """urlsplit raises ValueError on « https://[x » (and on hosts NFKC changes): the command line says so too."""
    for url in ("https://[x", "https://a＃b.fr"):
        with pytest.raises(UsageProblem, match="n'est pas une adresse web complète"):
            check_base_url(url)


@pytest.mark.parametrize("args", [{"mois": "²"}, {"mois": "9" * 5000}, {"caleol": "٣"}, {"refus": "²,3", "mois": "x"}])
def test_scoring_example_block_numbers(args):
    """« {{< exemple-cotation mois=² >}} »: str.isdigit() accepts « ² », int() does not."""
    site = SimpleNamespace(data=SimpleNamespace(grid=GRIDS["vichy"]))
    with pytest.raises(ShortcodeError, match="un nombre entier est attendu"):
        _exemple(site, args, str)


# --- Opening hours ------------------------------------------------------------------------

def _time(h: int, m: int) -> str:
    return f"{h:02d}:{m:02d}"


times = st.one_of(
    st.builds(_time, st.integers(0, 26), st.sampled_from([0, 5, 30, 59, 60, 61])),
    st.sampled_from(["24:00", "25:61", "9:00", "9h", "09:0", "١٢:٠٠", "00:00", "23:59"]),
)
time_ranges = st.builds(lambda a, dash, b: f"{a}{dash}{b}", times, st.sampled_from(["-", " - ", "–", "/"]), times)
osm_days = st.sampled_from(OSM_DAYS + ("mo", "Mon", "Lu", "PH", "SH", "Jan", "week"))
osm_ranks = st.lists(
    st.one_of(st.integers(0, 7).map(str), st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 7), st.integers(0, 7)), st.just("9" * 30)),
    min_size=0,
    max_size=3,
).map(lambda parts: "[" + ",".join(parts) + "]")
osm_selector = st.one_of(
    osm_days,
    st.builds(lambda a, b: f"{a}-{b}", osm_days, osm_days),
    st.builds(lambda a, r: a + r, osm_days, osm_ranks),
    st.lists(osm_days, min_size=2, max_size=3).map(",".join),
)
osm_hours_part = st.one_of(
    st.lists(time_ranges, min_size=1, max_size=3).map(",".join),
    st.sampled_from(["off", "closed", "24/7", "sunrise-sunset", ""]),
)
osm_comments = st.sampled_from(
    ['"permanence téléphonique"', '"sur rendez-vous"', '"sur RDV"', '"remarque : fermé en août"', '"x', '""', '"horaires à confirmer"']
)
osm_rule = st.builds(
    lambda sel, hours, comment: " ".join(p for p in (sel, hours, comment) if p),
    st.one_of(st.just(""), osm_selector),
    osm_hours_part,
    st.one_of(st.just(""), osm_comments),
)
osm_strings = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda rules, seps, fallback: "".join(r + s for r, s in zip(rules, seps + [""] * len(rules))).strip(seps[0] if seps else " ") + fallback,
        st.lists(osm_rule, min_size=1, max_size=4),
        st.lists(st.sampled_from(["; ", ", ", " || ", ";", ",", " "]), max_size=4),
        st.sampled_from(["", ' || "sur rendez-vous"', ' || "horaires à confirmer ; remarque : x"', ' || "a ; b"', " ||", ' || "']),
    ),
)


@fuzz()
@given(osm_strings)
@example("Mo[1-99999999999] 09:00-12:00")
@example("Mo[" + "9" * 5000 + "] 09:00-12:00")
@example("Mo[3-1] 09:00-12:00")
@example("Mo-Fr 24:00-25:61")
@example("Mo-Fr 09:00-12:00; PH off")
@counted("hours")
def test_osm_strings_give_a_schedule_or_an_osm_error(text):
    try:
        schedule = parse_osm(text)
    except OsmHoursError as exc:
        assert type(exc) is OsmHoursError
        assert 0 <= exc.offset <= len(text) and exc.message.strip()
        return
    if schedule.has_hours or schedule.appointment_only or schedule.to_be_confirmed:
        assert parse_osm(to_osm(schedule)) == schedule


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Mo[1-99999999999] 09:00-12:00", "n'est pas pris en charge"),
        ("Mo[" + "9" * 5000 + "] 09:00-12:00", "n'est pas pris en charge"),
        ("Mo[3-1] 09:00-12:00", "le rang « 3-1 » va à l'envers"),
    ],
)
def test_osm_rank_regressions(text, phrase):
    started = time.perf_counter()
    with pytest.raises(OsmHoursError, match=re.escape(phrase)) as caught:
        parse_osm(text)
    assert caught.value.offset == 2 and time.perf_counter() - started < 1


@fuzz(0.5)
@given(st.one_of(st.text(max_size=20), time_ranges, st.builds("{} à {}".format, times, times)))
@counted("hours")
def test_written_time_ranges(text):
    try:
        start, end = parse_range(text)
    except HoursError as exc:
        assert type(exc) is HoursError and exc.message.strip()
        return
    assert 0 <= start < end <= 23 * 60 + 59


range_texts = st.one_of(
    time_ranges,
    st.sampled_from(["09:00-12:00", "9h-12h30", "9 h 30 à 12 h", "13h30/17h", "24:00-25:61", "12:00-09:00", "09:00-09:00", "fermé", "Fermé", "", "x"]),
)
slot_values = st.one_of(
    range_texts,
    st.builds(lambda plage, mode: {"plage": plage, "mode": mode}, range_texts, st.sampled_from(list(MODES) + ["inconnu", "", None, 1])),
    st.builds(lambda plage: {"plage": plage}, range_texts),
    st.dictionaries(st.sampled_from(["plage", "mode", "plages", "x"]), scalars, max_size=3),
)
day_values = st.one_of(slot_values, st.lists(slot_values, max_size=4), scalars)
week_values = st.one_of(st.integers(-1, 7), st.sampled_from(["1", "²", "١", "9" * 5000, "", "x", None]))
exception_values = st.fixed_dictionaries(
    {},
    optional={
        "jour": st.sampled_from(["lundi", "mardi", "dimanche", "Lundi", "lundy", "", None]),
        "semaines_du_mois": st.one_of(week_values, st.lists(week_values, max_size=4)),
        "plages": day_values,
        "autre": scalars,
    },
)
DAY_KEYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lundi_a_vendredi", "mardi_a_jeudi", "samedi_a_dimanche",
            "vendredi_a_lundi", "lundi_a_lundi", "Lundi", "lundi ", "lundis"]
horaires = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(DAY_KEYS), st.sampled_from(["exceptions", "sur_rendez_vous", "a_confirmer", "remarque"]), st.text(max_size=8)),
        st.one_of(day_values, st.lists(exception_values, max_size=3), st.sampled_from(["oui", "non", "peut-être", 'dit "bonjour"'])),
        max_size=6,
    ),
    osm_strings,
    scalars,
)


@fuzz()
@given(horaires)
@example({"lundi": "9h-12h", "exceptions": [{"jour": "lundi", "semaines_du_mois": ["²"], "plages": "fermé"}]})
@example("off")  # OSM « off »: accepted as a place closed every day, which the export wrote as « to be confirmed »
@example({"lundi": "9h-12h", "exceptions": [{"jour": "lundi", "semaines_du_mois": int("9" * 4000), "plages": "fermé"}]})
@counted("hours")
def test_structured_hours_give_a_schedule_or_located_errors(value):
    text = _dump({"horaires": value})
    report = Report()
    node = parse_yaml(text, "data/lieux/x.yml", report)
    assert node is not None, [d.format() for d in report.diagnostics]
    schedule = schedule_from_node(node.entries["horaires"][1], report)
    assert_located(report, "data/lieux/x.yml")
    if schedule is INVALID:
        assert report.has_errors
    else:
        assert not report.has_errors
        _hours_are_usable(schedule)


LAST_MINUTE = 23 * 60 + 59


_DAY_MODES = st.lists(st.sampled_from(MODES), unique=True, max_size=3)
_BOUNDS = st.sets(st.integers(0, LAST_MINUTE), min_size=2, max_size=4)


@st.composite
def day_slots(draw) -> list[Slot]:
    """Slots of one day: any modes, never two of one mode overlapping (what the YAML form accepts)."""
    slots = []
    for mode in draw(_DAY_MODES):
        bounds = sorted(draw(_BOUNDS))
        bounds = bounds[: len(bounds) // 2 * 2]
        slots += [Slot(a, b, mode) for a, b in zip(bounds[::2], bounds[1::2])]
    return slots


notes = st.text(max_size=30).map(lambda t: " ".join(t.replace('"', "").split()) or None)


_DAYS = st.dictionaries(st.integers(0, 6), day_slots(), max_size=7)
_EXCEPTIONS = st.dictionaries(st.integers(0, 6), st.dictionaries(st.integers(1, 5), day_slots(), min_size=1, max_size=3), max_size=2)


@st.composite
def schedules(draw) -> Schedule:
    """Any schedule the structured YAML form can express."""
    days, exceptions = draw(_DAYS), draw(_EXCEPTIONS)
    schedule = build_schedule(days, exceptions, draw(st.booleans()), draw(st.booleans()), draw(notes))
    if not (schedule.has_hours or schedule.appointment_only or schedule.to_be_confirmed):
        schedule = build_schedule(days, exceptions, False, True, schedule.note)
    return schedule


@fuzz(0.6)
@given(schedules())
@example(build_schedule({0: [Slot(540, 720), Slot(540, 720, "telephone")]}, {0: {1: []}}, note="sur rendez-vous"))
@example(build_schedule({}, {}, True, True, "remarque : a ; b ; horaires à confirmer"))
@counted("hours")
def test_osm_round_trip(schedule):
    text = to_osm(schedule)
    assert parse_osm(text) == schedule, text


# --- Scoring --------------------------------------------------------------------------------

def _grid(path: Path) -> Grid:
    report = Report()
    grid = load_grid_file(path, path.name, report)
    assert grid is not None and not report.has_errors, [d.format() for d in report.diagnostics]
    return grid


GRIDS = {
    "vichy": _grid(REPO_ROOT / "data" / "cotation.yml"),
    "autre-epci": _grid(Path(__file__).parent / "fixtures" / "cotation" / "autre-epci.yml"),
}
ALL_CRITERIA = sorted({key for grid in GRIDS.values() for key in grid.criteria()})
odd = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), st.text(max_size=4), st.just(1.0), st.just(Decimal(3)))
months = st.one_of(st.integers(0, 400), st.integers(0, 10**6), st.integers(-10, -1))


@st.composite
def situations(draw) -> Situation:
    criteria = draw(st.lists(st.one_of(st.sampled_from(ALL_CRITERIA), st.sampled_from(ALL_CRITERIA), st.text(max_size=10), odd), max_size=8))
    n = draw(st.one_of(months, months, odd))
    bound = n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else 400
    refusals = draw(st.lists(st.one_of(st.integers(0, bound), st.integers(0, bound), st.integers(-3, bound + 3), odd), max_size=6))
    caleol = draw(st.one_of(st.integers(0, 10), st.integers(0, 10**6), st.integers(-3, -1), odd))
    return Situation(tuple(criteria), n, tuple(refusals), caleol, draw(st.booleans()))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid(grid: Grid, s: Situation) -> bool:
    """The documented conditions, written independently of siad.cotation._check."""
    known = grid.criteria()
    return (
        all(isinstance(k, str) and k in known for k in s.criteria)
        and len(set(s.criteria)) == len(s.criteria)
        and _whole(s.months) and s.months >= 0
        and _whole(s.caleol_without_offer) and s.caleol_without_offer >= 0
        and all(_whole(r) and 0 <= r <= s.months for r in s.refusals)
    )


def _check_result(grid: Grid, situation: Situation, result) -> None:
    assert result.total >= 0
    assert sum(line.points for line in result.lines) == result.total
    assert sum(line.points for line in result.lines if line.kind != FIRST_QUARTILE) == result.subtotal
    coefficient = grid.rules.first_quartile_coefficient
    if coefficient is not None and situation.first_quartile:
        with localcontext(Context(prec=10_000)):  # the product is exact, however long
            assert result.exact_total == Decimal(result.subtotal) * coefficient
        assert result.total == int(result.exact_total.quantize(Decimal(1), rounding=ROUND_HALF_UP))  # halves up
        assert abs(result.exact_total - result.total) <= Decimal("0.5")
    else:
        assert result.exact_total == result.subtotal == result.total
    json.dumps(result.to_dict())


@fuzz(0.75)
@given(st.sampled_from(sorted(GRIDS)), situations(), st.integers(0, 1000), st.randoms(use_true_random=False))
@example("vichy", Situation(months=10**6, refusals=(10**6, 0, 10**6, 5), first_quartile=True), 1, None)
@example("autre-epci", Situation(months=3, refusals=(1, 1, 1, 4)), 0, None)
@counted("cotation")
def test_score_gives_a_result_or_a_value_error(grid_name, situation, more, rnd):
    grid = GRIDS[grid_name]
    try:
        result = score(grid, situation)
    except ValueError as exc:
        assert type(exc) is ValueError and str(exc).strip()
        assert not _valid(grid, situation), exc
        return
    assert _valid(grid, situation)
    _check_result(grid, situation, result)
    assert score(grid, situation) == result  # pure
    assert Situation.from_dict(situation.to_dict()) == situation
    if rnd is not None:  # order does not matter: criteria and refusals are sets of facts
        shuffled = Situation(tuple(rnd.sample(situation.criteria, len(situation.criteria))), situation.months,
                             tuple(rnd.sample(situation.refusals, len(situation.refusals))), situation.caleol_without_offer, situation.first_quartile)
        assert score(grid, shuffled).total == result.total
    # Monotone: more months, or more CALEOL examinations, never lower the score.
    later = Situation(situation.criteria, situation.months + more, situation.refusals, situation.caleol_without_offer, situation.first_quartile)
    assert score(grid, later).total >= result.total
    examined = Situation(situation.criteria, situation.months, situation.refusals, situation.caleol_without_offer + more, situation.first_quartile)
    assert score(grid, examined).total >= result.total


def test_fuzz_summary_counts_what_was_tried():
    """The summary line reads the counters; it says nothing when no property ran."""
    saved = (counters.inputs.copy(), counters.unexpected.copy(), counters.broken.copy())
    try:
        counters.reset()
        assert fuzz_summary() is None
        counters.inputs.update({"yaml": 400, "validation": 300, "hours": 300, "cotation": 200})
        assert fuzz_summary() == "fuzzing : 1 200 entrées (yaml 400, validation 300, horaires 300, cotation 200), 0 exception inattendue"
        counters.unexpected["hours"] += 1
        assert fuzz_summary().endswith("1 exception inattendue (horaires 1)")
        counters.unexpected["yaml"] += 1
        counters.broken["cotation"] += 2
        assert fuzz_summary().endswith("2 exceptions inattendues (horaires 1, yaml 1), 2 invariants non respectés (cotation 2)")
    finally:
        counters.reset()
        counters.inputs.update(saved[0])
        counters.unexpected.update(saved[1])
        counters.broken.update(saved[2])
