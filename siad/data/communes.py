"""Member communes: ``data/communes.yml``, checked against the official list."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from .. import reference
from ..errors import Report
from ..markup import slugify
from ..schema import INSEE_CODE, POSTAL_CODE, Field, ListOf, Record, Schema, Text

COMMUNE_SCHEMA = Schema(
    "une commune",
    {
        "code_insee": Field(INSEE_CODE, required=True, doc="ajoutez « code_insee: » (5 caractères, entre guillemets)"),
        "nom": Field(Text(), required=True, doc="ajoutez « nom: » avec le nom officiel de la commune"),
        "code_postal": Field(POSTAL_CODE, help="le code postal principal, 5 chiffres entre guillemets"),
    },
)

COMMUNES_SCHEMA = Schema(
    "communes.yml",
    {"communes": Field(ListOf(COMMUNE_SCHEMA), required=True, doc="la liste des communes membres")},
)


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postal_code: str | None = None
    slug: str = ""  # its page's folder: the name, plus the INSEE code when another member commune has the same name


def communes_from(record: Record, report: Report, siren: str | None) -> dict[str, Commune]:
    """Member communes, each checked against the official list (and the EPCI, when its SIREN is known)."""
    communes: dict[str, Commune] = {}
    for item in record["communes"]:
        code = item["code_insee"]
        if code in communes:
            report.error(item.loc_of("code_insee"), f"la commune {code} est déjà dans la liste", "supprimez le doublon")
            continue
        if _check_official(item, report, siren):
            communes[code] = Commune(code, item["nom"], item.get("code_postal"))
    _check_members(communes, record, report, siren)
    return _with_slugs(communes)


def _with_slugs(communes: dict[str, Commune]) -> dict[str, Commune]:
    """Each commune's page folder; homonyms (12 « Sainte-Colombe » in France) are told apart by
    their INSEE code: « sainte-colombe-35287 »."""
    names = Counter(slugify(c.name) for c in communes.values())
    return {
        code: replace(c, slug=slugify(c.name) if names[slugify(c.name)] == 1 else f"{slugify(c.name)}-{c.insee.lower()}")
        for code, c in communes.items()
    }


def _check_members(communes: dict[str, Commune], record: Record, report: Report, siren: str | None) -> None:
    if siren and reference.epci(siren) and communes:
        missing = [c for c in reference.epci_members(siren) if c.insee not in communes]
        if missing:
            names = ", ".join(f"{c.name} ({c.insee})" for c in missing[:10]) + (" …" if len(missing) > 10 else "")
            report.warning(
                record.loc_of("communes"),
                f"{len(missing)} commune(s) membre(s) de l'EPCI {siren} manquent à la liste : {names}",
                "ajoutez-les ; « siad new --epci SIREN » produit la liste complète",
            )


def _check_official(item: Record, report: Report, siren: str | None) -> bool:
    code, name = item["code_insee"], item["nom"]
    official = reference.commune(code)
    if official is None:
        former = reference.former_commune(code)
        if former:
            current = reference.commune(former[1])
            report.error(
                item.loc_of("code_insee"),
                f"{code} ({former[0]}) est une ancienne commune, rattachée à {current.name if current else former[1]}",
                f"utilisez le code de la commune actuelle : « {former[1]} »",
            )
        else:
            report.error(item.loc_of("code_insee"), f"le code INSEE {code} n'existe pas dans le Code officiel géographique", "vérifiez le code sur le site de l'INSEE")
        return False
    ok = True
    if name != official.name:
        report.error(item.loc_of("nom"), f"le nom « {name} » ne correspond pas au code INSEE {code}", f"le nom officiel est « {official.name} »")
        ok = False
    postal = item.get("code_postal")
    if postal and official.postal_codes and postal not in official.postal_codes:
        report.error(
            item.loc_of("code_postal"),
            f"le code postal {postal} n'est pas celui de {official.name}",
            "codes postaux de la commune : " + ", ".join(official.postal_codes),
        )
        ok = False
    if siren and reference.epci(siren) and official.epci != siren:
        report.error(
            item.loc_of("code_insee"),
            f"{official.name} ({code}) n'est pas membre de l'EPCI {siren} ({reference.epci(siren).name})",
            "retirez-la de la liste, ou vérifiez « siren: » dans siad.yml",
        )
        ok = False
    return ok
