#!/usr/bin/env python3
"""Regenerate siad/reference/*.tsv.gz from the data files of the npm package @etalab/decoupage-administratif.

Usage:  python3 scripts/refresh_reference.py DIR
where DIR holds communes.json, epci.json and departements.json (e.g. node_modules/@etalab/decoupage-administratif/data
after « npm install @etalab/decoupage-administratif »). Source: INSEE Code officiel géographique,
DGCL composition of EPCI, La Poste postal codes — Licence Ouverte (Etalab).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "siad" / "reference"


def write_gz(path: Path, header: str, rows: list[str]) -> None:
    # mtime=0 and sorted rows: the same input always gives byte-identical files.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join([header, *rows]) + "\n").encode("utf-8"))


def main(source: Path) -> None:
    communes = json.loads((source / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((source / "epci.json").read_text(encoding="utf-8"))
    member_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    rows = []
    for c in communes:
        if c["type"] == "commune-actuelle":
            rows.append("\t".join([c["code"], c["nom"], ",".join(c.get("codesPostaux", [])), member_of.get(c["code"], ""), ""]))
        elif c["type"] in ("commune-deleguee", "commune-associee"):
            rows.append("\t".join([c["code"] + "*", c["nom"], "", "", c.get("chefLieu", "")]))
    write_gz(OUT / "communes.tsv.gz", "code_insee\tnom\tcodes_postaux\tepci\tcommune_actuelle", sorted(rows))
    write_gz(OUT / "epci.tsv.gz", "siren\tnom\ttype", sorted("\t".join([e["code"], e["nom"], e["type"]]) for e in epcis))
    # typeLiaison is INSEE's TNCC: the article the name takes (« du Nord », « de l'Ain », « des Landes »).
    departments = json.loads((source / "departements.json").read_text(encoding="utf-8"))
    write_gz(OUT / "departements.tsv.gz", "code\tnom\ttncc", sorted("\t".join([d["code"], d["nom"], str(d["typeLiaison"])]) for d in departments))
    print(f"{sum(1 for r in rows if '*' not in r.split(chr(9))[0])} communes, {len(epcis)} EPCI, {len(departments)} départements → {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
