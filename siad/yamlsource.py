"""Safe YAML reading into a tree of located nodes.

PyYAML's own loaders lose line numbers and silently keep the last of two equal keys.
Here every value keeps its position, duplicate keys are errors, anchors and aliases
(the "billion laughs" vector) and non-standard tags are refused, and files are read
only up to a size limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Report
from .yaml_libyaml import CSafeLoader, compose_plain

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64  # nested lists and blocks; siad's files need a handful, PyYAML's composer recurses

_STR = "tag:yaml.org,2002:str"
_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass
class Node:
    loc: Location


@dataclass
class Scalar(Node):
    """A scalar with its resolved value and its source text.

    ``text`` matters for codes such as ``03200``, which YAML 1.1 would read as an octal number.
    """

    value: Any
    text: str
    quoted: bool


@dataclass
class Mapping(Node):
    entries: dict[str, tuple[Location, Node]] = field(default_factory=dict)


@dataclass
class Sequence(Node):
    items: list[Node] = field(default_factory=list)


def describe(node: Node) -> str:
    """A French description of what a node holds, for type errors."""
    if isinstance(node, Mapping):
        return "une liste de clés (« clé: valeur »)"
    if isinstance(node, Sequence):
        return "une liste (« - élément »)"
    assert isinstance(node, Scalar)
    if node.value is None:
        return "une valeur vide"
    if isinstance(node.value, bool):
        return f"le booléen « {node.text} »"
    if isinstance(node.value, (int, float)):
        return f"le nombre « {node.text} »"
    if isinstance(node.value, (dt.date, dt.datetime)):
        return f"la date « {node.text} »"
    return f"le texte « {_shorten(node.text)} »"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _RefusedConstruct(Exception):
    def __init__(self, mark: yaml.Mark, message: str, hint: str):
        super().__init__(message)
        self.mark = mark
        self.message = message
        self.hint = hint


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer refuses anchors and aliases before anything is expanded,
    and nesting deeper than :data:`MAX_DEPTH` (which would exhaust Python's recursion)."""

    def __init__(self, stream):
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _RefusedConstruct(
                event.start_mark,
                "les alias YAML (« *nom ») ne sont pas acceptés",
                "recopiez la valeur à cet endroit au lieu d'y faire référence",
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _RefusedConstruct(
                event.start_mark,
                "les ancres YAML (« &nom ») ne sont pas acceptées",
                "supprimez « &" + event.anchor + " » et recopiez la valeur là où elle sert",
            )
        if self.depth >= MAX_DEPTH:
            raise _RefusedConstruct(
                event.start_mark,
                f"trop de niveaux imbriqués (plus de {MAX_DEPTH} listes ou blocs les uns dans les autres)",
                "vérifiez les crochets « [ » et accolades « { » : les fichiers de siad n'ont besoin que de quelques niveaux",
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def read_text(path: Path, rel: str, report: Report, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Read a project text file as UTF-8, refusing oversize and undecodable files."""
    loc = Location(rel)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report.error(
                loc,
                f"fichier trop volumineux ({size // 1024} Kio, limite {max_bytes // 1024} Kio)",
                "découpez ce fichier en plusieurs fichiers plus petits",
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.error(loc, f"lecture impossible : {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        report.error(
            Location(rel, line, col),
            "ce fichier n'est pas encodé en UTF-8",
            "enregistrez-le en « UTF-8 » depuis votre éditeur (menu Enregistrer sous → Encodage)",
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def load_yaml_file(path: Path, rel: str, report: Report) -> Node | None:
    """Read and parse one YAML file; problems go to ``report`` and give None."""
    text = read_text(path, rel, report)
    if text is None:
        return None
    return parse_yaml(text, rel, report)


def parse_yaml(text: str, rel: str, report: Report, line_offset: int = 0) -> Node | None:
    """Parse YAML text into located nodes. ``line_offset`` shifts lines (front matter)."""
    if not text.strip():
        report.error(
            Location(rel, 1 + line_offset, 1),
            "le fichier (ou le bloc YAML) est vide",
            "ajoutez son contenu, ou supprimez le fichier s'il ne sert pas",
        )
        return None
    from . import yaml_cache

    cache_key = yaml_cache.key(text, rel, line_offset)
    cached = yaml_cache.get(cache_key, rel)
    if cached is not None:
        return cached
    before = len(report.diagnostics)
    node = _parse(text, rel, report, line_offset)
    if node is not None and len(report.diagnostics) == before:
        yaml_cache.put(cache_key, node)
    return node


def _compose_with_libyaml(text: str) -> yaml.Node | None:
    """The document's nodes composed by libyaml when it is installed and the text is plain
    (:func:`siad.yaml_libyaml.compose_plain`); None for anything else — the pure-Python composer then
    parses it again and words the problem."""
    if CSafeLoader is None:
        return None
    return compose_plain(text, MAX_DEPTH)


def _parse(text: str, rel: str, report: Report, line_offset: int) -> Node | None:
    try:
        loader = _Loader(text)  # PyYAML checks every character here
    except yaml.reader.ReaderError as exc:
        report.error(_reader_loc(text, rel, exc, line_offset), *_unprintable(exc))
        return None
    fast = _compose_with_libyaml(text)
    try:
        root = fast if fast is not None else loader.get_single_node()
        if root is None:
            report.error(Location(rel, 1 + line_offset, 1), "le fichier ne contient que des commentaires")
            return None
        return _Builder(rel, line_offset, report).build(root)
    except _RefusedConstruct as exc:
        report.error(_mark_loc(rel, exc.mark, line_offset), exc.message, exc.hint)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = _mark_loc(rel, mark, line_offset)
        if "stream end" in (exc.problem or "") or "end of stream" in (exc.problem or ""):
            loc = _unfinished_location(text, rel, exc, line_offset)
        elif exc.context_mark is not None and "flow" in (exc.context or ""):
            loc = _mark_loc(rel, exc.context_mark, line_offset)  # the « [ » or « { » left open
        message, hint = _translate(exc)
        report.error(loc, message, hint)
    except yaml.reader.ReaderError as exc:  # pragma: no cover - characters are checked when the loader is made
        report.error(_reader_loc(text, rel, exc, line_offset), *_unprintable(exc))
    except yaml.YAMLError as exc:  # pragma: no cover - marks are almost always present
        report.error(Location(rel), f"YAML invalide : {exc}")
    finally:
        loader.dispose()
    return None


def _unfinished_location(text: str, rel: str, exc: yaml.MarkedYAMLError, line_offset: int) -> Location:
    """At end of file, point at what was left open: the context mark, else the last non-blank line."""
    end = exc.problem_mark
    start = exc.context_mark
    if start is not None and end is not None and (start.line, start.column) != (end.line, end.column):
        return _mark_loc(rel, start, line_offset)
    lines = text.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            return Location(rel, index + 1 + line_offset, len(lines[index]) - len(lines[index].lstrip()) + 1)
    return _mark_loc(rel, end, line_offset)


def _reader_loc(text: str, rel: str, exc: yaml.reader.ReaderError, line_offset: int) -> Location:
    pos = exc.position
    return Location(rel, text.count("\n", 0, pos) + 1 + line_offset, pos - (text.rfind("\n", 0, pos) + 1) + 1)


def _unprintable(exc: yaml.reader.ReaderError) -> tuple[str, str]:
    code = exc.character if isinstance(exc.character, int) else 0
    return (
        f"caractère invisible non autorisé (U+{code:04X})",
        "supprimez-le : il vient souvent d'un copier-coller depuis un traitement de texte, un PDF ou un tableur",
    )


def _mark_loc(rel: str, mark: yaml.Mark | None, line_offset: int) -> Location:
    if mark is None:
        return Location(rel)
    return Location(rel, mark.line + 1 + line_offset, mark.column + 1)


def _translate(exc: yaml.MarkedYAMLError) -> tuple[str, str | None]:
    """Turn PyYAML's English messages into French ones that say how to fix the file."""
    problem = (exc.problem or "").lower()
    context = (exc.context or "").lower()
    if "'\\t'" in problem or "\t" in problem or "tab" in problem:
        return (
            "tabulation dans l'indentation",
            "YAML n'accepte que des espaces pour indenter : remplacez la tabulation par des espaces",
        )
    if "quoted scalar" in context:
        return (
            "guillemet non fermé",
            "fermez la chaîne avec le même guillemet que celui qui l'ouvre (\" ou ')",
        )
    if "mapping values are not allowed" in problem:
        return (
            "deux-points inattendu",
            "si la valeur contient « : », mettez-la entre guillemets ; sinon vérifiez l'indentation de la ligne",
        )
    if "could not find expected ':'" in problem:
        return (
            "il manque « : » après une clé",
            "chaque ligne s'écrit « clé: valeur » ; un texte sur plusieurs lignes doit être entre guillemets",
        )
    if "<stream end>" in problem or "end of stream" in problem:
        return (
            "fin de fichier inattendue : une valeur, un guillemet ou un crochet n'est pas terminé",
            "complétez la dernière valeur commencée, ou fermez le « [ », le « { » ou le guillemet ouvert",
        )
    if "flow sequence" in context or "flow mapping" in context or "expected ',' or" in problem:
        return (
            "crochet ou accolade non fermé",
            "vérifiez que chaque « [ » a son « ] » et chaque « { » son « } », et que les éléments sont séparés par des virgules",
        )
    if "expected <block end>" in problem or "did not find expected key" in problem or "block mapping" in context:
        return (
            "indentation incohérente",
            "alignez cette ligne sur les autres clés du même niveau (même nombre d'espaces)",
        )
    if "did not find expected '-'" in problem or "block sequence" in context:
        return (
            "élément de liste mal indenté",
            "chaque élément d'une liste commence par « - » aligné sur les autres éléments",
        )
    if "expected a single document" in problem or "but found another document" in problem:
        return (
            "plusieurs documents YAML dans un seul fichier",
            "supprimez la ligne « --- » en trop, ou séparez les documents en plusieurs fichiers",
        )
    if "found character" in problem and "cannot start any token" in problem:
        return (
            "caractère inattendu en début de valeur",
            "mettez la valeur entre guillemets (par exemple « @ » ou « ` » ne peuvent pas commencer une valeur)",
        )
    if "found undefined tag handle" in problem or "tag" in problem:
        return ("étiquette YAML non reconnue", "supprimez le « ! » et ce qui le suit")
    return (f"syntaxe YAML invalide ({exc.problem or exc.context})", None)


class _Builder:
    """Turns PyYAML nodes into located nodes, collecting errors."""

    def __init__(self, rel: str, line_offset: int, report: Report):
        self.rel = rel
        self.offset = line_offset
        self.report = report
        self.constructor: yaml.SafeLoader | None = None  # made for the first scalar that is not a text

    def loc(self, node: yaml.Node) -> Location:
        return _mark_loc(self.rel, node.start_mark, self.offset)

    def build(self, node: yaml.Node) -> Node:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _RefusedConstruct(
                    node.start_mark,
                    f"étiquette YAML « {node.tag} » refusée",
                    "supprimez l'étiquette « !… » devant cette liste",
                )
            return Sequence(self.loc(node), [self.build(item) for item in node.value])
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Scalar:
        mark = node.start_mark
        loc = Location(self.rel, mark.line + 1 + self.offset, mark.column + 1) if mark is not None else Location(self.rel)
        quoted = node.style in ("'", '"')
        if node.tag == _STR:  # most scalars: what PyYAML's constructor gives a text, without its machinery
            return Scalar(loc, node.value, node.value, quoted)
        if node.tag not in _ALLOWED_SCALAR_TAGS:
            raise _RefusedConstruct(
                node.start_mark,
                f"étiquette YAML « {node.tag} » refusée",
                "les données ne peuvent contenir que du texte, des nombres, des dates et des listes : supprimez l'étiquette « !… »",
            )
        try:
            if self.constructor is None:
                self.constructor = yaml.SafeLoader("")
            value = self.constructor.construct_object(node)
        except Exception:  # noqa: BLE001 - PyYAML's constructors fail in many ways on explicit tags (!!bool x, !!int "", !!timestamp x)
            value = node.value
        if isinstance(value, float) and value != value:  # NaN
            value = node.value
        return Scalar(loc, value, node.value, quoted)

    def _mapping(self, node: yaml.MappingNode) -> Mapping:
        result = Mapping(self.loc(node))
        if node.tag != "tag:yaml.org,2002:map":
            raise _RefusedConstruct(
                node.start_mark,
                f"étiquette YAML « {node.tag} » refusée",
                "supprimez l'étiquette « !… » devant ce bloc",
            )
        for key_node, value_node in node.value:
            key_loc = self.loc(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.report.error(key_loc, "une clé doit être un simple mot", "écrivez « clé: valeur »")
                continue
            if key_node.value == "<<":
                self.report.error(
                    key_loc,
                    "la fusion de blocs YAML (« << ») n'est pas acceptée",
                    "recopiez les clés voulues directement dans ce bloc",
                )
                continue
            key = key_node.value
            if key in result.entries:
                first = result.entries[key][0]
                self.report.error(
                    key_loc,
                    f"la clé « {key} » apparaît deux fois dans ce bloc (première fois ligne {first.line})",
                    "gardez une seule des deux lignes : sinon l'une des deux valeurs serait ignorée sans prévenir",
                )
                continue
            result.entries[key] = (key_loc, self.build(value_node))
        return result
