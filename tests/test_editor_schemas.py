"""``siad schema``: the JSON Schemas describe the default data, and catch mistakes in an editor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO_ROOT, run
from siad.editor_schemas import FILE_KINDS


def _as_json(value):
    """YAML as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("schemas")
    result = run("schema", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    assert "yaml.schemas" in result.stdout
    return out


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.name)
def test_schema_validates_the_default_data(schemas: Path, kind):
    schema = json.loads((schemas / f"{kind.name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    files = sorted(REPO_ROOT.glob(kind.files))
    assert files, kind.files
    for path in files:
        document = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
        assert not errors, f"{path}: {errors}"


def test_schema_catches_a_misspelt_key_and_a_bad_code(schemas: Path):
    schema = json.loads((schemas / "lieu.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors({"nom": "Mairie", "niveau": 2, "code_postal": "03200"}))
    assert list(validator.iter_errors({"nom": "Mairie", "niveau": 2, "telephon": "04 70 00 00 00"}))
    assert list(validator.iter_errors({"nom": "Mairie", "niveau": 2, "code_postal": "3200"}))
    assert list(validator.iter_errors({"niveau": 2}))  # nom is required


def test_field_reference_is_up_to_date(tmp_path: Path):
    """docs/donnees.md is generated: a key added to a schema must be documented there too."""
    fresh = tmp_path / "donnees.md"
    result = run("schema", "--source", REPO_ROOT, "--out", tmp_path / "s", "--doc", fresh)
    assert result.exit_code == 0, result.output
    committed = (REPO_ROOT / "docs" / "donnees.md").read_text(encoding="utf-8")
    assert committed == fresh.read_text(encoding="utf-8"), "relancez « siad schema --doc docs/donnees.md »"
    assert "| `horaires` |" in committed and "semaines_du_mois" in committed
    undocumented = [line for line in committed.splitlines() if line.startswith("| `") and line.split("|")[4].strip() == ""]
    assert not undocumented, undocumented
