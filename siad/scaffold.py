"""``siad new``: a new territory project, copied from the starter files shipped in ``siad/starter/``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .errors import UsageProblem

STARTER_DIR = Path(__file__).resolve().parent / "starter"
DEFAULT_TERRITORY = "Mon territoire"


def create_project(directory: Path, territory: str | None = None) -> list[Path]:
    """Copy the starter project into ``directory`` (which must be absent or empty); return the files written."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageProblem(f"{directory} existe déjà et n'est pas vide : choisissez un dossier nouveau ou vide")
    written = []
    for source in sorted(p for p in STARTER_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        target = directory / source.relative_to(STARTER_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.name == "siad.yml":
            # json.dumps gives a valid double-quoted YAML string whatever the name contains.
            text = source.read_text(encoding="utf-8").replace("__TERRITOIRE__", json.dumps(territory or DEFAULT_TERRITORY, ensure_ascii=False))
            target.write_text(text, encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    (directory / ".gitignore").write_text("/site/\n", encoding="utf-8")
    return written
