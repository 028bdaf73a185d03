"""``siad new``: a new territory project, copied from the starter files shipped in ``siad/starter/``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import reference
from .errors import UsageProblem
from .french import of

STARTER_DIR = Path(__file__).resolve().parent / "starter"
DEFAULT_TERRITORY = "Mon territoire"


def create_project(directory: Path, territory: str | None = None, siren: str | None = None) -> list[Path]:
    """Copy the starter project into ``directory`` (which must be absent or empty); return the files written.

    With ``siren``, the territory's name, SIREN and member communes come from the official EPCI list.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageProblem(f"{directory} existe déjà et n'est pas vide : choisissez un dossier nouveau ou vide")
    epci = None
    if siren is not None:
        epci = reference.epci(siren)
        if epci is None:
            raise UsageProblem(f"--epci : aucun EPCI n'a le numéro SIREN « {siren} » dans la liste officielle (9 chiffres)")
        territory = territory or epci.name
    written = []
    for source in sorted(p for p in STARTER_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        target = directory / source.relative_to(STARTER_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.name == "siad.yml":
            # json.dumps gives a valid double-quoted YAML string whatever the name contains.
            text = source.read_text(encoding="utf-8").replace("__TERRITOIRE__", json.dumps(territory or DEFAULT_TERRITORY, ensure_ascii=False))
            if epci is not None:
                text = text.replace('# siren: "000000000"', f'siren: "{epci.siren}"')
            target.write_text(text, encoding="utf-8")
        elif source.name == "communes.yml" and epci is not None:
            target.write_text(_communes_file(epci), encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    (directory / ".gitignore").write_text("/site/\n/.siad-cache/\n", encoding="utf-8")
    return written


def _communes_file(epci: reference.OfficialEpci) -> str:
    lines = [
        f"# Communes membres {of(epci.name)} (EPCI {epci.siren}).",
        f"# Source : {reference.SOURCE}.",
        "communes:",
    ]
    for commune in reference.epci_members(epci.siren):
        lines.append(f'  - code_insee: "{commune.insee}"')
        lines.append(f"    nom: {json.dumps(commune.name, ensure_ascii=False)}")
        if commune.postal_codes:
            lines.append(f'    code_postal: "{commune.postal_codes[0]}"')
    return "\n".join(lines) + "\n"
