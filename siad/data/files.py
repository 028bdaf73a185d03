"""Reading one data file through its schema."""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, Report, relative_name
from ..schema import INVALID, Record, Schema
from ..yamlsource import load_yaml_file


def load_record(root: Path, path: Path, schema: Schema, report: Report, required: bool) -> Record | None:
    """Parse and validate ``path``; None (with errors in ``report``) when missing or invalid."""
    rel = relative_name(path, root)
    if not path.is_file():
        if required:
            report.error(Location(rel), f"le fichier {rel} est introuvable", "créez-le (voir « siad new »)")
        return None
    node = load_yaml_file(path, rel, report)
    if node is None:
        return None
    record = schema.convert(node, report)
    return None if record is INVALID else record
