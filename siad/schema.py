"""Declarative validation of located YAML nodes: field kinds, records, French messages.

A schema turns a :class:`~siad.yamlsource.Node` tree into plain Python values and reports
every problem (unknown key with a suggestion, missing key, wrong type, bad format) with
its location. Validation never stops at the first error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .errors import Location, Report
from .yamlsource import Mapping, Node, Scalar, Sequence, describe

INVALID: Any = object()
SLOW: Any = object()  # Kind.quick's answer when the value needs the whole conversion


class Record(dict):
    """A validated mapping that remembers where it and each of its keys came from."""

    def __init__(self, loc: Location):
        super().__init__()
        self.loc = loc
        self.locs: dict[str, Location] = {}

    def loc_of(self, key: str) -> Location:
        return self.locs.get(key, self.loc)


class ValueList(list):
    """A validated list that remembers where each item came from."""

    def __init__(self, values: list, locs: list[Location]):
        super().__init__(values)
        self.locs = locs


class Kind:
    """A kind of value. ``expected`` completes « … attendu(e) : » in messages."""

    expected = "une valeur"

    def convert(self, node: Node, report: Report) -> Any:
        raise NotImplementedError

    def quick(self, text: str) -> Any:
        """The value of a spreadsheet cell's non-empty, trimmed ``text`` when it is plainly right, as
        :meth:`convert` would give it; else :data:`SLOW` (then the cell is converted as a node, with
        its messages). 770,000 cells in a national figures file: most are plain digits."""
        return SLOW

    def wrong_type(self, node: Node, report: Report, hint: str | None = None) -> Any:
        report.error(node.loc, f"{self.expected} est attendu ici, pas {describe(node)}", hint)
        return INVALID

    def json_schema(self) -> dict:
        """The JSON Schema of this kind, for editors (see :mod:`siad.jsonschema`)."""
        return {"description": self.expected}


class Text(Kind):
    expected = "un texte"

    def __init__(self, pattern: str | None = None, pattern_hint: str | None = None, what: str | None = None):
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint
        self.what = what

    def convert(self, node: Node, report: Report) -> Any:
        if not isinstance(node, Scalar) or node.value is None:
            return self.wrong_type(node, report)
        # The source text, not the YAML 1.1 reading: « 03200 » stays a code, « oui » stays a word.
        text = (node.value if node.quoted or isinstance(node.value, str) else node.text).strip()
        if not text:
            report.error(node.loc, f"{self.expected} est attendu ici, la valeur est vide")
            return INVALID
        return self.check(text, node, report)

    def quick(self, text: str) -> Any:
        if type(self) is Text and (self.pattern is None or self.pattern.fullmatch(text)):  # subclasses check more
            return text
        return SLOW

    def json_schema(self) -> dict:
        schema: dict = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern.pattern})$"
        return schema

    def check(self, text: str, node: Node, report: Report) -> Any:
        if self.pattern and not self.pattern.fullmatch(text):
            report.error(node.loc, f"« {text} » n'est pas {self.what or 'au bon format'}", self.pattern_hint)
            return INVALID
        return text


class Integer(Kind):
    expected = "un nombre entier"

    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def json_schema(self) -> dict:
        schema: dict = {"type": "integer"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return schema

    def convert(self, node: Node, report: Report) -> Any:
        if not isinstance(node, Scalar) or node.quoted or isinstance(node.value, bool):
            return self.wrong_type(node, report, "écrivez le nombre sans guillemets, par exemple 12")
        value = node.value
        if isinstance(value, int) and node.text.lstrip("+-").isdigit():
            value = int(node.text)  # « 010 » is ten, not YAML 1.1's octal eight
        if not isinstance(value, int):
            return self.wrong_type(node, report, "écrivez le nombre sans guillemets, par exemple 12")
        if self.minimum is not None and value < self.minimum or self.maximum is not None and value > self.maximum:
            bounds = f"entre {self.minimum} et {self.maximum}" if self.maximum is not None else f"au moins {self.minimum}"
            report.error(node.loc, f"la valeur {value} est hors limites : elle doit être {bounds}")
            return INVALID
        return value


class Boolean(Kind):
    expected = "« oui » ou « non »"

    def json_schema(self) -> dict:
        return {"enum": ["oui", "non", True, False]}

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Scalar) and not node.quoted:
            if isinstance(node.value, bool):
                return node.value
            if node.text.lower() in ("oui", "non"):
                return node.text.lower() == "oui"
        return self.wrong_type(node, report)


class Choice(Kind):
    """One word among a fixed list."""

    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices
        self.expected = "l'une des valeurs « " + " », « ".join(choices) + " »"

    def json_schema(self) -> dict:
        return {"enum": list(self.choices)}

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.value in self.choices:
            return node.value
        word = node.text if isinstance(node, Scalar) else ""
        hint = suggestion(word, list(self.choices)) if word else None
        report.error(node.loc, f"{self.expected} est attendue ici, pas {describe(node)}", hint)
        return INVALID


class Date(Kind):
    expected = "une date (AAAA-MM-JJ)"

    def json_schema(self) -> dict:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Scalar):
            if isinstance(node.value, dt.datetime):
                return node.value.date()
            if isinstance(node.value, dt.date):
                return node.value
            try:
                return dt.date.fromisoformat(node.text.strip())
            except ValueError:
                pass
        return self.wrong_type(node, report, "écrivez la date sous la forme 2024-02-29")


class Url(Text):
    expected = "une adresse web"

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r'^https?://[^\s"<>\\`]+$'}

    # What may not appear in an address written into an href: spaces, quotes and angle brackets
    # (they would end the attribute or the tag), backslashes and backticks, invisible characters.
    _UNSAFE = re.compile(r"[\s\"<>\\`]")

    def check(self, text: str, node: Node, report: Report) -> Any:
        shown = _visible(text)
        unsafe = self._UNSAFE.search(text) or next((c for c in text if unicodedata.category(c) in ("Cc", "Cf")), None)
        if unsafe:
            report.error(
                node.loc,
                f"« {shown} » n'est pas une adresse web valide : elle contient un espace, un guillemet, un chevron ou un caractère invisible",
                "copiez l'adresse depuis la barre d'adresse du navigateur (une espace s'écrit %20)",
            )
            return INVALID
        try:
            parts = urlsplit(text)
        except ValueError:  # « https://[x »: an unclosed IPv6 bracket, or a host that NFKC would change
            report.error(
                node.loc,
                f"« {shown} » n'est pas une adresse web valide",
                "vérifiez les crochets « [ ] » et les caractères spéciaux du nom de domaine : copiez l'adresse depuis la barre d'adresse du navigateur",
            )
            return INVALID
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            hint = "écrivez l'adresse complète, commençant par https://"
            if not parts.scheme and "." in text:
                hint = f"ajoutez « https:// » devant : https://{text}"
            elif parts.scheme:  # javascript:, data:, vbscript:, file:…
                hint = (f"une adresse « {parts.scheme}: » n'est pas une page web (« javascript: », « data: » ou « vbscript: » "
                        "ferait exécuter du code par le navigateur du lecteur) : écrivez l'adresse de la page, commençant par https://")
            report.error(node.loc, f"« {shown} » n'est pas une adresse web valide", hint)
            return INVALID
        return text


def _visible(text: str) -> str:
    """``text`` for a message: invisible characters (controls, zero-width, bidi) written as \\uXXXX."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


class Email(Text):
    expected = "une adresse électronique"
    _pattern = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": f"^{self._pattern.pattern}$"}

    def check(self, text: str, node: Node, report: Report) -> Any:
        if not self._pattern.fullmatch(text):
            report.error(
                node.loc,
                f"« {text} » n'est pas une adresse électronique valide",
                "écrivez-la sous la forme nom@domaine.fr, sans espace",
            )
            return INVALID
        return text


@dataclass(frozen=True)
class PhoneNumber:
    """A French phone number: ``display`` for people, ``uri`` for ``tel:`` links."""

    display: str
    uri: str

    def __str__(self) -> str:
        return self.display


class Phone(Text):
    expected = "un numéro de téléphone"

    def json_schema(self) -> dict:
        return {"type": "string", "pattern": r"^(\+33|0)[\s.\-/()\u00a0]*[1-9]([\s.\-/()\u00a0]*\d){8}$"}

    def check(self, text: str, node: Node, report: Report) -> Any:
        digits = re.sub(r"[\s.\-/()\u00a0]", "", text)
        if digits.startswith("+33"):
            digits = "0" + digits[3:]
        if not re.fullmatch(r"0[1-9]\d{8}", digits):
            report.error(
                node.loc,
                f"« {text} » n'est pas un numéro de téléphone français à 10 chiffres",
                "écrivez-le sous la forme 04 70 12 34 56",
            )
            return INVALID
        display = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
        return PhoneNumber(display, "+33" + digits[1:])


class ListOf(Kind):
    def __init__(self, item: Kind, allow_single: bool = False, min_items: int = 0):
        self.item = item
        self.allow_single = allow_single
        self.min_items = min_items
        self.expected = "une liste"

    def json_schema(self) -> dict:
        array: dict = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            array["minItems"] = self.min_items
        return {"anyOf": [self.item.json_schema(), array]} if self.allow_single else array

    def convert(self, node: Node, report: Report) -> Any:
        if isinstance(node, Scalar) and self.allow_single and node.value is not None:
            items = [node]
        elif isinstance(node, Sequence):
            items = node.items
        else:
            return self.wrong_type(node, report, "écrivez un élément par ligne, chacun précédé de « - »")
        if len(items) < self.min_items:
            report.error(node.loc, f"la liste doit contenir au moins {self.min_items} élément(s)")
            return INVALID
        values = [self.item.convert(item, report) for item in items]
        if any(v is INVALID for v in values):
            return INVALID
        return ValueList(values, [item.loc for item in items])


@dataclass
class Field:
    """A key of a mapping. ``doc`` is the hint shown when a required key is missing;
    ``help`` describes the key for people (JSON Schema descriptions, documentation)."""

    kind: Kind
    required: bool = False
    doc: str = ""
    default: Any = None
    help: str = ""


class Schema(Kind):
    """A mapping with known keys."""

    expected = "un bloc de clés"

    def __init__(self, what: str, fields: dict[str, Field]):
        self.what = what
        self.fields = fields

    def json_schema(self) -> dict:
        properties = {}
        for key, field in self.fields.items():
            prop = field.kind.json_schema()
            if not field.required:  # « clé: » left empty means « not given »
                prop = {"anyOf": [prop, {"type": "null"}]}
            if field.help or field.doc:
                prop = {**prop, "description": field.help or field.doc}
            properties[key] = prop
        schema: dict = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [key for key, field in self.fields.items() if field.required]
        if required:
            schema["required"] = required
        return schema

    def convert(self, node: Node, report: Report) -> Any:
        if not isinstance(node, Mapping):
            return self.wrong_type(node, report, f"{self.what} s'écrit sous la forme « clé: valeur », une clé par ligne")
        record = Record(node.loc)
        ok = True
        for key, (key_loc, value_node) in node.entries.items():
            field = self.fields.get(key)
            if field is None:
                report.error(key_loc, f"clé inconnue « {key} » dans {self.what}", self.suggest(key))
                ok = False
                continue
            record.locs[key] = value_node.loc
            if isinstance(value_node, Scalar) and value_node.value is None and not value_node.quoted:
                if field.required:
                    report.error(value_node.loc, f"la clé « {key} » est obligatoire mais n'a pas de valeur")
                    ok = False
                continue  # « clé: » left empty means « not given »
            value = field.kind.convert(value_node, report)
            if value is INVALID:
                ok = False
            else:
                record[key] = value
        for key, field in self.fields.items():
            if field.required and key not in node.entries:
                report.error(node.loc, f"la clé obligatoire « {key} » manque dans {self.what}", field.doc or None)
                ok = False
            elif key not in record and field.default is not None:
                record[key] = field.default
        return record if ok else INVALID

    def suggest(self, key: str) -> str:
        known = sorted(self.fields)
        folded = {_fold(k): k for k in known}
        match = difflib.get_close_matches(_fold(key), list(folded), n=1, cutoff=0.6)
        if match:
            return f"vouliez-vous dire « {folded[match[0]]} » ?"
        return "clés possibles : " + ", ".join(known)


def _fold(text: str) -> str:
    """Lowercase without accents, with spaces and hyphens as underscores, for suggestions."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-]+", "_", plain)


def suggestion(word: str, candidates: list[str]) -> str | None:
    """« vouliez-vous dire … ? » for a mistyped name among candidates, or None."""
    folded = {_fold(c): c for c in candidates}
    match = difflib.get_close_matches(_fold(word), list(folded), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {folded[match[0]]} » ?" if match else None


# Codes used across data files.
POSTAL_CODE = Text(r"\d{5}", "écrivez un code postal à 5 chiffres, entre guillemets : \"03200\"", "un code postal")
INSEE_CODE = Text(
    r"(\d{2}|2A|2B)\d{3}",
    "écrivez un code INSEE de commune à 5 caractères, entre guillemets : \"03310\"",
    "un code INSEE de commune",
)
SIREN = Text(r"\d{9}", "écrivez le numéro SIREN à 9 chiffres, entre guillemets : \"200071363\"", "un numéro SIREN")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
IDENTIFIER = Text(
    r"[a-z][a-z0-9]*(_[a-z0-9]+)*",
    "écrivez un identifiant en minuscules, sans accents ni espaces, les mots séparés par « _ » : sans_logement",
    "un identifiant valide (minuscules, chiffres et « _ »)",
)
