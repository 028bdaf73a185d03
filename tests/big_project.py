"""A large generated project for the accessibility gate: many communes and reception points.

``make(directory)`` runs ``siad new DIR --epci SIREN`` for Grand Besançon Métropole (67 member
communes in siad's official extract), adds a third service level and writes 40 reception points
under ``data/lieux/`` with varied, valid data: long names, long e-mail addresses and web
addresses (unbreakable strings at 320 px), one to three phone numbers, many served communes,
structured hours with monthly exceptions, phone-only and appointment slots, appointment-only
places, hours to be confirmed, accessibility information and remarks.

Everything is deterministic (no randomness), so the same pages are checked on every run.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from siad import reference
from siad.cli import cli

SIREN = "242500361"  # CU Grand Besançon Métropole
POINTS = 40
VERIFIED = ("2026-03-02", "2026-05-18", "2026-09-30", "2026-11-02")  # within 12 months of 2026-11-23

LEVELS = """\
# Les niveaux de service du SIAD (projet de test généré par tests/big_project.py).
niveaux:
  - numero: 1
    nom: "Information"
    description: "Lieux qui informent sur la demande de logement social et orientent vers un lieu d'enregistrement."
    engagements:
      - "Donner les informations de base sur la demande de logement social et sur la cotation."
      - "Orienter vers un lieu d'enregistrement proche du domicile du demandeur."
  - numero: 2
    nom: "Information et enregistrement"
    description: "Lieux qui informent, conseillent et enregistrent les demandes de logement social."
    engagements:
      - "Enregistrer la demande et remettre l'attestation d'enregistrement dans le délai réglementaire."
      - "Aider à compléter la demande en ligne, à la scanner et à joindre les pièces justificatives."
      - "Recevoir le demandeur qui le souhaite dans un délai d'un mois après l'enregistrement."
  - numero: 3
    nom: "Accueil renforcé, conseil et accompagnement personnalisé des ménages en difficulté"
    description: "Lieux qui accompagnent les demandeurs dont la situation est complexe ou urgente, sur rendez-vous."
    engagements:
      - "Recevoir sur rendez-vous les demandeurs prioritaires et les ménages en situation d'urgence."
      - "Faire le lien avec les bailleurs, les réservataires et la commission d'attribution."
"""

ORGANISATIONS = [
    ("Centre communal d'action sociale", "ccas"),
    ("Maison France Services", "france-services"),
    ("Agence de Grand Besançon Habitat", "gbh"),
    ("Mairie", "mairie"),
    ("Point information logement", "pil"),
    ("Espace départemental des solidarités", "eds"),
    ("Permanence de l'Agence départementale d'information sur le logement du Doubs (ADIL 25)", "adil"),
    ("Antenne de Néolia", "neolia"),
]

STREETS = [
    "2 place du Huit-Septembre",
    "12 bis rue de la République",
    "4 avenue du Maréchal-de-Lattre-de-Tassigny",
    "1 rue de l'Église",
    "33 chemin des Grands-Vergers-et-de-la-Fontaine-Saint-Martin",
    "7 grande rue",
    "18 boulevard Diderot",
    "3 place de la Mairie",
]

EXTRAS = [
    "Bâtiment B, 2e étage, porte 214 (ascenseur au fond du hall)",
    "Hôtel de ville, salle des permanences",
    "Centre social des Clairs-Soleils",
    None,
]

REMARKS = [
    "Apportez votre numéro unique de demandeur et les justificatifs de ressources des deux dernières années "
    "pour que l'agent puisse mettre à jour votre dossier pendant le rendez-vous.",
    "Permanence assurée par une conseillère de l'ADIL 25 ; les questions sur les impayés de loyer sont "
    "orientées vers le service social départemental.",
    "Fermé les deux dernières semaines d'août et entre Noël et le jour de l'An.",
    "Interprétariat possible en langue des signes française sur demande, une semaine à l'avance.",
    None,
]

ACCESS_NOTES = [
    "Entrée par la rampe côté parking ; boucle magnétique à l'accueil ; place réservée devant l'entrée.",
    "Bureau au premier étage sans ascenseur : sur demande, l'agent vous reçoit au rez-de-chaussée.",
    None,
]

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")


def _hours(i: int) -> list[str]:
    """A ``horaires:`` block (YAML lines), one of eight shapes."""
    shape = i % 8
    if shape == 0:  # morning and afternoon, phone line on Thursday, first and third Monday mornings only
        return [
            "horaires:",
            '  lundi_a_mercredi: ["09:00-12:00", "13:30-17:00"]',
            "  jeudi:",
            '    - plage: "09:00-17:00"',
            "      mode: telephone",
            '  vendredi: ["09:00-12:00", "13:30-16:30"]',
            "  exceptions:",
            "    - jour: lundi",
            "      semaines_du_mois: [1, 3]",
            '      plages: ["09:00-12:00"]',
        ]
    if shape == 1:  # appointment only, with a remark
        return [
            "horaires:",
            '  mardi: ["09:00-12:00", "14:00-17:30"]',
            '  jeudi: "14h-18h"',
            "  sur_rendez_vous: oui",
            '  remarque: "Prenez rendez-vous par téléphone ou par courriel, au moins deux jours à l\'avance."',
        ]
    if shape == 2:  # to be confirmed (a known gap)
        return [
            "horaires:",
            "  a_confirmer: oui",
            '  remarque: "Les horaires de la permanence seront fixés avec la commune à la rentrée."',
        ]
    if shape == 3:  # phone-only slots every day but Wednesday, walk-in on Wednesday morning
        phone = ['    - plage: "08:30-12:00"', "      mode: telephone", '    - plage: "13:30-16:00"', "      mode: telephone"]
        return [
            "horaires:",
            "  lundi_a_mardi:", *phone,
            "  mercredi:",
            '    - "09h-12h"',
            '    - plage: "13:30-16:00"',
            "      mode: telephone",
            "  jeudi_a_vendredi:", *phone,
        ]
    if shape == 4:  # walk-in, appointment and phone slots mixed; the 2nd and 4th Friday closed
        return [
            "horaires:",
            "  lundi:",
            '    - "09:00-12:00"',
            '    - plage: "14:00-17:00"',
            "      mode: rendez_vous",
            "  mardi_a_jeudi:",
            '    - "8h30-12h15"',
            '    - plage: "13h45-17h"',
            "      mode: rendez_vous",
            '    - plage: "17:00-18:30"',
            "      mode: telephone",
            '  vendredi: ["09:00-12:00"]',
            "  samedi: [\"09:00-11:30\"]",
            "  exceptions:",
            "    - jour: vendredi",
            "      semaines_du_mois: [2, 4]",
            "      plages: fermé",
        ]
    if shape == 5:  # a monthly permanence only: the first Tuesday of the month
        return [
            "horaires:",
            "  exceptions:",
            "    - jour: mardi",
            "      semaines_du_mois: [1]",
            '      plages: ["09:30-12:00", "13:30-16:00"]',
            '  remarque: "Permanence mensuelle de l\'agence départementale, le premier mardi du mois."',
        ]
    if shape == 6:  # an OpenStreetMap opening_hours string
        return ['horaires: "Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00"']
    return [  # afternoons only, appointment only, a Monday exception
        "horaires:",
        '  lundi_a_vendredi: ["13:30-17:30"]',
        "  exceptions:",
        "    - jour: lundi",
        "      semaines_du_mois: [1, 2, 3, 4, 5]",
        '      plages: ["14:00-16:00"]',
        "  sur_rendez_vous: oui",
    ]


def _phone(n: int) -> str:
    digits = f"03{81 + n % 3:02d}{(n * 7919) % 1000000:06d}"
    return " ".join(digits[k:k + 2] for k in range(0, 10, 2))


def _point(i: int, communes: list[reference.OfficialCommune]) -> tuple[str, str]:
    """(file name, YAML text) of the ``i``-th reception point."""
    organisation, short = ORGANISATIONS[i % len(ORGANISATIONS)]
    commune = communes[(i * 5) % len(communes)]
    if i % 10 == 4:  # the city has several points
        commune = next(c for c in communes if c.name == "Besançon")
    q = json.dumps  # a double-quoted YAML string
    if i % 5 == 0:
        name = (f"{organisation} {_of(commune.name)} — accueil des demandeurs de logement social, "
                f"de mutation et d'hébergement d'urgence des communes du secteur")
    else:
        name = f"{organisation} {_of(commune.name)}"
    level = 1 + i % 3
    lines = [
        f"# Lieu d'accueil généré pour les tests ({i + 1}/{POINTS}).",
        f"nom: {q(name, ensure_ascii=False)}",
    ]
    if i % 4 != 3:
        lines.append(f"organisation: {q(organisation, ensure_ascii=False)}")
    lines.append(f"niveau: {level}")
    if i % 9 != 8:  # a few points without any address
        lines.append(f"adresse: {q(STREETS[i % len(STREETS)], ensure_ascii=False)}")
        extra = EXTRAS[i % len(EXTRAS)]
        if extra:
            lines.append(f"complement_adresse: {q(extra, ensure_ascii=False)}")
        lines.append(f'code_postal: "{commune.postal_codes[0]}"')
        lines.append(f"commune: {q(commune.name, ensure_ascii=False)}")
        lines.append(f'code_insee: "{commune.insee}"')
    phones = [_phone(i * 3 + k) for k in range(1 + i % 3)]
    if len(phones) == 1 and i % 2:
        lines.append(f'telephone: "{phones[0]}"')
    elif i % 7 != 6:
        lines.append("telephone:")
        lines += [f'  - "{p}"' for p in phones]
    if i % 3 != 2:
        mailbox = "accueil-logement-social.demandeurs-et-mutations" if i % 4 == 0 else f"logement.{short}"
        lines.append(f'courriel: "{mailbox}@grandbesancon-metropole.fr"')
    if i % 2 == 0:
        lines.append(f'site_web: "https://www.grandbesancon.fr/infos-pratiques/logement/'
                     f'demande-de-logement-social/lieux-d-accueil/{short}-{commune.insee}/"')
    # Served communes: from none to all of them.
    served = [communes[(i * 5 + k) % len(communes)].insee for k in range((i * 13) % (len(communes) + 1))]
    if i % 10 == 1:
        served = [c.insee for c in communes]
    if len(served) == 1:
        lines.append(f'communes_desservies: "{served[0]}"')
    elif served:
        lines.append("communes_desservies: [" + ", ".join(f'"{s}"' for s in served) + "]")
    lines += _hours(i)
    modes = [["sans_rendez_vous"], ["sur_rendez_vous"], ["sans_rendez_vous", "telephone"],
             ["sur_rendez_vous", "telephone"], []][i % 5]
    if len(modes) == 1:
        lines.append(f"modes_accueil: {modes[0]}")
    elif modes:
        lines.append("modes_accueil: [" + ", ".join(modes) + "]")
    if i % 3 != 1:
        lines.append("accessibilite:")
        lines.append(f"  plain_pied: {'oui' if i % 2 == 0 else 'non'}")
        if i % 6 == 0:
            lines.append(f'  acceslibre: "https://acceslibre.beta.gouv.fr/app/25-{commune.insee}/'
                         f'administration-publique/a/{short}-{commune.insee}/erp/{short}-{i}/"')
        note = ACCESS_NOTES[i % len(ACCESS_NOTES)]
        if note:
            lines.append(f"  remarque: {q(note, ensure_ascii=False)}")
    remark = REMARKS[i % len(REMARKS)]
    if remark:
        lines.append(f"remarques: {q(remark, ensure_ascii=False)}")
    if i % 4 != 2:
        lines.append(f"verifie_le: {VERIFIED[i % len(VERIFIED)]}")
    slug = f"{short}-{commune.name}".lower()
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in _ascii(slug))
    slug = "-".join(part for part in slug.split("-") if part) + f"-{i + 1:02d}"
    return f"{slug}.yml", "\n".join(lines) + "\n"


def _of(name: str) -> str:
    """« de Besançon », « d'Amagney », « des Auxons », « de La Vèze »."""
    if name.startswith("Les "):
        return "des " + name[4:]
    if _ascii(name[:1]).lower() in "aeiouyh":
        return "d'" + name
    return "de " + name


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def make(directory: Path, epoch: str) -> dict:
    """Create the project in ``directory`` (absent or empty); return a short description of it."""
    runner = CliRunner()
    result = runner.invoke(cli, ["new", str(directory), "--epci", SIREN], prog_name="siad",
                           env={"SOURCE_DATE_EPOCH": epoch})
    if result.exit_code != 0:
        raise RuntimeError(f"siad new --epci {SIREN} failed (exit {result.exit_code}):\n{result.output}")
    communes = reference.epci_members(SIREN)
    (directory / "data" / "niveaux.yml").write_text(LEVELS, encoding="utf-8")
    for i in range(POINTS):
        name, text = _point(i, communes)
        (directory / "data" / "lieux" / name).write_text(text, encoding="utf-8")
    epci = reference.epci(SIREN)
    return {"name": epci.name if epci else SIREN, "communes": len(communes), "points": POINTS}
