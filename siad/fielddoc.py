"""The reference of every data file's keys, in French, generated from the validation declarations.

``siad schema --doc FILE`` writes it; examples are taken from the project's own files, so the
reference shows real values (the default project: Vichy Communauté's).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import yaml

from .editor_schemas import FILE_KINDS
from .schema import Field, Kind, ListOf, Schema

HEADER = """# Référence des fichiers de données

Ce document est produit par `siad schema --doc docs/donnees.md` à partir des déclarations que siad
utilise pour vérifier les fichiers : il décrit exactement ce que siad accepte. Les exemples viennent
des fichiers du projet. Une clé laissée vide (`clé:`) compte comme non renseignée.
"""


def _kind_text(kind: Kind) -> str:
    if isinstance(kind, ListOf):
        inner = "des blocs de clés" if isinstance(kind.item, Schema) else _kind_text(kind.item)
        single = " (ou une seule valeur)" if kind.allow_single else ""
        return f"une liste : {inner}{single}"
    if isinstance(kind, Schema):
        return "un bloc de clés (détaillé ci-dessous)"
    return kind.expected


def _rows(schema: Schema, prefix: str, examples: list) -> list[tuple[str, Field, str]]:
    rows = []
    for key, field in schema.fields.items():
        path = f"{prefix}{key}"
        rows.append((path, field, _example(examples, key)))
        kind = field.kind
        nested = kind.item if isinstance(kind, ListOf) else kind
        if isinstance(nested, Schema) and nested.fields:
            children = []
            for example in examples:
                value = example.get(key) if isinstance(example, dict) else None
                children.extend(value if isinstance(value, list) else [value] if value is not None else [])
            rows.extend(_rows(nested, f"{path}{'[]' if isinstance(kind, ListOf) else ''}.", children))
    return rows


def _example(examples: list, key: str) -> str:
    for example in examples:
        if isinstance(example, dict) and example.get(key) is not None:
            value = example[key]
            if isinstance(value, dict):
                return ""
            if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
                return ""
            return _inline(value)
    return ""


def _inline(value) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value[:4]) + (", …" if len(value) > 4 else "") + "]"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…\""


HOURS_SECTION = """
### Écrire les horaires (`horaires`)

Un jour, ou une période de jours, par ligne ; un jour absent est fermé.

```yaml
horaires:
  lundi_a_mercredi: ["09:00-12:00", "13:30-17:00"]   # matin et après-midi
  jeudi:
    - plage: "09:00-17:00"
      mode: telephone          # accueil (par défaut), telephone ou rendez_vous
  vendredi: "9h-12h"
  exceptions:
    - jour: lundi
      semaines_du_mois: [1, 3] # le 1er et le 3e lundi du mois…
      plages: ["09:00-12:00"]  # …seulement le matin (« plages: fermé » pour fermer)
  sur_rendez_vous: oui         # le lieu ne reçoit que sur rendez-vous
  a_confirmer: oui             # horaires pas encore connus ou à confirmer (lacune connue)
  remarque: "Fermé pendant les vacances scolaires de Noël."
```

Les heures s'écrivent `09:00`, `9:00`, `9h` ou `9h30`. On peut aussi écrire une chaîne au format
OpenStreetMap `opening_hours` (celui de data·inclusion) : `horaires: "Mo-Fr 09:00-12:00,14:00-17:00"`.
siad vérifie que chaque plage commence avant de finir et que deux plages d'un même jour ne se
chevauchent pas.
"""


def _description(field: Field) -> str:
    """``help``, else the missing-key hint without its « ajoutez « x: » : » opening."""
    if field.help:
        return field.help
    return re.sub(r"^ajoutez « [^»]+ »\s*(:\s*)?", "", field.doc) or field.doc


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference_markdown(project: Path) -> str:
    parts = [HEADER]
    for kind in FILE_KINDS:
        documents = []
        for path in sorted(project.glob(kind.files)):
            try:
                documents.append(yaml.safe_load(path.read_text(encoding="utf-8")))
            except (OSError, yaml.YAMLError):
                continue
        parts.append(f"\n## {kind.title}\n\nFichier(s) : `{kind.files}` · schéma pour l'éditeur : `{kind.name}.schema.json`\n")
        parts.append("| clé | obligatoire | valeur attendue | description | exemple |")
        parts.append("|---|---|---|---|---|")
        for path, field, example in _rows(kind.schema, "", documents):
            description = _description(field)
            parts.append(
                f"| `{path}` | {'oui' if field.required else 'non'} | {_cell(_kind_text(field.kind))} | {_cell(description)} | "
                + (f"`{_cell(example)}`" if example else "")
                + " |"
            )
        if kind.name == "lieu":
            parts.append(HOURS_SECTION)
    return "\n".join(parts) + "\n"
