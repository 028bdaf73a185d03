"""A synthetic national-scale siad project, and its measurement.

``generate(directory, seed)`` writes, deterministically from ``seed``:

- ``data/communes.yml``: every current commune of siad's official extract (34,969), or a sample;
- ``data/chiffres/communes.csv`` (+ ``communes.yml`` for the sources): stock and demand figures by
  typology (T1…T5+) for every commune, with ``exhaustif: oui``; ``territoire.yml``: their sums;
  ``tableaux.yml``: the stock and the demand by typology as tables;
- ``data/lieux/*.yml``: 10,000 reception points spread over the communes in proportion to their
  stock, each with a sector (neighbouring communes of its department), realistic weekly hours
  (structured or OpenStreetMap, appointment and phone slots, monthly exceptions, hours to confirm);
- ``data/cotation.yml``: a scoring grid of four families; ``data/niveaux.yml``, ``territoire.yml``;
- ``content/``: 50 pages (home, directory, grid and simulator, figures, delays, 45 guide pages).

siad's project is one territory (its model was made for an EPCI): ``siad.yml`` has no SIREN here,
which siad accepts, so the territory is « France ». See docs/benchmarks.md for what siad could not
build at this scale, and ``--unique-urls`` for the largest subset it accepts.

Usage (from the repository root, with siad's venv)::

    .venv/bin/python bench/national.py generate bench/work/national            # the full project
    .venv/bin/python bench/national.py generate DIR --communes 200 --points 50  # a small one
    .venv/bin/python bench/national.py measure [--runs N]                       # see bench/run.py
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import re
import shlex
import sys
import unicodedata
from pathlib import Path

if not __package__:  # run as a script: bench/ must not shadow the « markdown » package siad imports
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
    sys.path.insert(0, os.path.dirname(_here))

from bench.common import BUILD_DATE, BUILD_EPOCH, byte_compile_siad, short_paths, ROOT, WORK, log, remove, remove_output, run_timed, runs_for, timed_runs, snapshot, summary, tree_stats, write_floor  # noqa: E402
from siad import reference  # noqa: E402
from siad.markup import slugify  # noqa: E402

SEED = 2026
POINTS = 10_000
PAGES = 50
TOP_LEVEL_POINTS = 13                       # level 3: one « accueil renforcé » per metropolitan region
TYPOLOGIES = ("t1", "t2", "t3", "t4", "t5_plus")
STOCK_SHARES = (0.07, 0.20, 0.36, 0.27, 0.10)   # RPLS-like split of the stock by typology
DEMAND_SHARES = (0.22, 0.33, 0.27, 0.13, 0.05)  # the demand leans to small dwellings

ORGANISATIONS = [
    ("Mairie", "mairie"),
    ("Centre communal d'action sociale", "ccas"),
    ("Maison France Services", "france-services"),
    ("Agence de l'office public de l'habitat", "oph"),
    ("Point information logement", "pil"),
    ("Espace départemental des solidarités", "eds"),
    ("Permanence de l'Agence départementale d'information sur le logement", "adil"),
    ("Agence d'une entreprise sociale pour l'habitat", "esh"),
    ("Maison de l'habitat", "maison-habitat"),
]
STREETS = [
    "place de la Mairie", "rue de la République", "avenue du Général-de-Gaulle", "rue de l'Église",
    "grande rue", "boulevard Victor-Hugo", "rue Jean-Jaurès", "place du Marché", "rue Pasteur",
    "chemin des Écoliers", "allée des Tilleuls", "rue du 8-Mai-1945",
]
REMARKS = [
    "Apportez votre numéro unique de demandeur et vos derniers avis d'imposition.",
    "Fermé pendant les vacances scolaires de Noël.",
    "Interprétariat en langue des signes française sur demande, une semaine à l'avance.",
    "Permanence tenue par une conseillère de l'ADIL ; les impayés de loyer sont orientés vers le service social.",
]
PARAGRAPH_WORDS = (
    "demande logement social bailleur attribution commission dossier pièces justificatives ressources "
    "ménage enfants loyer charges quartier commune délai renouvellement cotation points priorité "
    "accueil rendez-vous guichet enregistrement numéro unique attestation mutation typologie appartement "
    "maison étage ascenseur accessibilité handicap aide personnalisée caution garantie visale réservataire "
    "préfecture contingent action logement département intercommunalité plan partenarial information"
).split()


# --- Generation -------------------------------------------------------------------------------


def official_communes(count: int | None = None, unique_urls: bool = False) -> list[reference.OfficialCommune]:
    """The current communes in INSEE order: all, or ``count`` of them spread evenly over the list.

    ``unique_urls``: keep only the first commune (by INSEE code) of each page address
    (``/communes/<slug of the name>/``): siad gives homonyms the same address (see docs/benchmarks.md)."""
    current = sorted(reference._communes()[0].values(), key=lambda c: c.insee)
    if unique_urls:
        seen: set[str] = set()
        kept = []
        for commune in current:
            slug = slugify(commune.name)
            if slug not in seen:
                seen.add(slug)
                kept.append(commune)
        current = kept
    if count is not None and count < len(current):
        current = [current[i * len(current) // count] for i in range(count)]
    return current


def generate(
    directory: Path, seed: int = SEED, communes: int | None = None, points: int = POINTS, pages: int = PAGES,
    unique_urls: bool = False, top_level_points: int = TOP_LEVEL_POINTS,
) -> dict:
    """Write the project into ``directory`` (created; must be absent or empty). Returns its description."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise SystemExit(f"{directory} exists and is not empty")
    rng = random.Random(seed)
    members = official_communes(communes, unique_urls)
    (directory / "data" / "lieux").mkdir(parents=True)
    (directory / "data" / "chiffres").mkdir()
    (directory / "content" / "guide").mkdir(parents=True)
    (directory / "content" / "lieux").mkdir()
    write = lambda rel, text: (directory / rel).write_text(text, encoding="utf-8")  # noqa: E731

    write("siad.yml", _config(len(members), unique_urls, communes))
    write(".gitignore", "/site/\n")
    write("data/communes.yml", _communes_file(members))
    write("data/niveaux.yml", LEVELS)
    write("data/territoire.yml", TERRITORY_RULES)
    write("data/cotation.yml", _grid(rng))
    figures = _figures(rng, members)
    write("data/chiffres/communes.yml", COMMUNE_SOURCES)
    write("data/chiffres/communes.csv", _figures_csv(figures, members))
    totals = {key: sum(row[key] for row in figures.values()) for key in next(iter(figures.values()))}
    write("data/chiffres/territoire.yml", _territory_figures(totals))
    write("data/chiffres/tableaux.yml", _tables(totals))
    stocks = [figures[c.insee]["parc_total"] for c in members]
    files = _points(rng, members, stocks, points, top_level_points)
    for name, text in files:
        write(f"data/lieux/{name}", text)
    content = _content(rng, pages)
    for rel, text in content:
        write(f"content/{rel}", text)
    return {
        "communes": len(members),
        "points": len(files),
        "content_pages": len(content),
        "seed": seed,
        "unique_urls": unique_urls,
        "communes_csv_bytes": (directory / "data/chiffres/communes.csv").stat().st_size,
        "communes_yml_bytes": (directory / "data/communes.yml").stat().st_size,
        "stock_total": totals["parc_total"],
    }


def _config(count: int, unique_urls: bool, sample: int | None) -> str:
    scope = "toutes les communes" if not unique_urls and sample is None else f"{count} communes"
    return f"""\
# Projet de mesure généré par bench/national.py ({scope}) : données synthétiques, pas de SIREN
# (le territoire n'est pas un EPCI).
titre: "Logement social en France : s'informer et déposer sa demande"
description: "Où s'informer et déposer sa demande de logement social dans les {count} communes (jeu d'essai national)."
territoire: "France"
langue: fr
theme: default
portail_national: "https://www.demande-logement-social.gouv.fr"
contact:
  nom: "Service d'information des demandeurs"
  telephone: "01 40 00 00 00"
  adresse: "1 place de la République, 75003 Paris"
editeur:
  nom: "Service d'information des demandeurs (jeu d'essai)"
  adresse: "1 place de la République, 75003 Paris"
  directeur_publication: "la directrice du service"
hebergeur:
  nom: "Hébergeur du jeu d'essai"
  adresse: "2 rue de l'Hébergement, 75003 Paris"
accessibilite:
  etat: non_conforme
  declaration_du: 2026-06-01
  schema_pluriannuel: "https://www.exemple.fr/accessibilite/schema-pluriannuel/"
  plan_action: "https://www.exemple.fr/accessibilite/plan-action-2026/"
licence_donnees:
  nom: "Licence Ouverte 2.0"
  url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
"""


def _communes_file(members: list[reference.OfficialCommune]) -> str:
    lines = [f"# Communes du projet national de mesure. Source : {reference.SOURCE}.", "communes:"]
    for commune in members:
        lines.append(f'  - code_insee: "{commune.insee}"')
        lines.append(f"    nom: {json.dumps(commune.name, ensure_ascii=False)}")
        if commune.postal_codes:
            lines.append(f'    code_postal: "{commune.postal_codes[0]}"')
    return "\n".join(lines) + "\n"


LEVELS = """\
# Les niveaux de service (projet de mesure généré par bench/national.py).
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
      - "Aider à compléter la demande en ligne et à joindre les pièces justificatives."
  - numero: 3
    nom: "Accueil renforcé et accompagnement"
    description: "Lieux qui accompagnent sur rendez-vous les demandeurs dont la situation est complexe ou urgente."
    engagements:
      - "Recevoir sur rendez-vous les demandeurs prioritaires et les ménages en situation d'urgence."
"""

TERRITORY_RULES = """\
source: "Plan partenarial de gestion de la demande (jeu d'essai national)"
date_source: 2026-01-15
delai_enregistrement_jours: 30
delai_reception_jours: 30
delai_anormalement_long_mois: 24
renouvellement:
  preavis_courrier_mois: 1
  preavis_courriel_mois: 2
  radiation_mois: 2
  reactivation_mois: 2
  suppression_mois: 12
"""

COMMUNE_SOURCES = """\
# Sources des chiffres par commune ; les chiffres sont dans communes.csv (données synthétiques).
sources:
  parc:
    source: "SDES, RPLS 2025 (jeu d'essai)"
    millesime: 2025
    exhaustif: oui
  demande:
    source: "SNE, demandes au 31 décembre 2025 (jeu d'essai)"
    millesime: 2025
    exhaustif: oui
"""


def _grid(rng: random.Random) -> str:
    families = [
        ("motif", "Motif de la demande", "motifs", "{meilleurs: 2}", 18),
        ("logement_actuel", "Le logement actuel", "situations de logement", "un_seul", 16),
        ("situation_personnelle", "Situation personnelle", "situations", "tous", 10),
        ("ressources", "Ressources du ménage", "situations de ressources", "tous", 6),
    ]
    lines = ['source: "Grille de cotation du plan partenarial (jeu d\'essai national)"', "familles:"]
    for key, name, plural, counting, size in families:
        lines += [f"  - cle: {key}", f'    nom: "{name}"', f"    nom_des_criteres: {plural}", f"    comptage: {counting}", "    criteres:"]
        for k in range(size):
            words = " ".join(rng.sample(PARAGRAPH_WORDS, 4))
            lines += [f"      - cle: {key}_{k + 1:02d}", f'        libelle: "{words.capitalize()} ({k + 1})"']
            lines.append("        points:" if k % 9 == 8 else f"        points: {rng.choice((0, 5, 10, 20, 30, 40, 50))}")
            if k % 4 == 1:
                lines.append("        prioritaire: oui")
            if k % 7 == 3:
                lines.append("        manuel: oui")
    lines += [
        "regles:",
        "  anciennete: {points_par_mois: 1, plafond: 120}",
        "  caleol_sans_proposition: {points: 10, plafond: 50}",
        "  quartile_1: {coefficient: 1.1}",
        "  refus_injustifies: {remise_a_zero_tous_les: 2}",
        "  bonus_delai_anormalement_long: {points: 50, mois: 24}",
    ]
    return "\n".join(lines) + "\n"


def _split(rng: random.Random, total: int, shares: tuple[float, ...]) -> list[int]:
    """``total`` split by ``shares`` with some noise, summing exactly to ``total``."""
    weights = [s * rng.uniform(0.7, 1.3) for s in shares]
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    for k in sorted(range(len(parts)), key=lambda k: -(weights[k] * scale - parts[k]))[: total - sum(parts)]:
        parts[k] += 1
    return parts


def _figures(rng: random.Random, members: list[reference.OfficialCommune]) -> dict[str, dict[str, int]]:
    """Stock and demand by typology for every commune: most small communes have no social housing."""
    rows = {}
    for commune in members:
        big = len(commune.postal_codes) > 1  # cities with several postal codes
        if big:
            stock = int(rng.lognormvariate(9.0, 0.9))
        elif rng.random() < 0.55:
            stock = 0
        else:
            stock = int(rng.lognormvariate(3.0, 1.4))
        requests = int(stock * rng.uniform(0.2, 0.9)) + (rng.randint(0, 3) if stock == 0 and rng.random() < 0.2 else 0)
        attributions = min(requests, int(stock * rng.uniform(0.04, 0.12)))
        row = {"parc_total": stock}
        row.update(zip(TYPOLOGIES, _split(rng, stock, STOCK_SHARES)))
        row["demandes"] = requests
        row["demandes_tous_voeux"] = requests + int(requests * rng.uniform(0.1, 1.5))
        row.update(zip((f"demandes_{t}" for t in TYPOLOGIES), _split(rng, requests, DEMAND_SHARES)))
        row["attributions"] = attributions
        row.update(zip((f"attributions_{t}" for t in TYPOLOGIES), _split(rng, attributions, STOCK_SHARES)))
        rows[commune.insee] = row
    return rows


def _figures_csv(figures: dict[str, dict[str, int]], members: list[reference.OfficialCommune]) -> str:
    keys = list(next(iter(figures.values())))
    lines = [";".join(["code_insee", "commune", *keys])]
    for commune in members:
        row = figures[commune.insee]
        lines.append(";".join([commune.insee, commune.name, *(str(row[k]) for k in keys)]))
    return "\n".join(lines) + "\n"


def _territory_figures(totals: dict[str, int]) -> str:
    lines = [
        "sources:",
        "  parc:",
        '    source: "SDES, RPLS 2025 (jeu d\'essai)"',
        "    millesime: 2025",
        "  demande:",
        '    source: "SNE, demandes au 31 décembre 2025 (jeu d\'essai)"',
        "    millesime: 2025",
        "chiffres:",
    ]
    lines += [f"  {key}: {value}" for key, value in totals.items()]
    return "\n".join(lines) + "\n"


def _tables(totals: dict[str, int]) -> str:
    labels = ("T1", "T2", "T3", "T4", "T5 et plus")
    lines = ["tableaux:"]
    for key, title, prefix, scope, source in (
        ("parc-typologies", "Logements sociaux par typologie", "", "parc", "SDES, RPLS 2025 (jeu d'essai)"),
        ("demandes-typologies", "Demandes en attente par typologie", "demandes_", "demandes", "SNE, demandes au 31 décembre 2025 (jeu d'essai)"),
    ):
        lines += [f"  - cle: {key}", f'    titre: "{title}"', f"    champ: {scope}", f"    source: {json.dumps(source, ensure_ascii=False)}", "    millesime: 2025", "    lignes:"]
        for typology, label in zip(TYPOLOGIES, labels):
            lines += [f'      - libelle: "{label}"', f"        effectif: {totals[prefix + typology]}"]
    return "\n".join(lines) + "\n"


# Reception points.


def _points(rng: random.Random, members: list[reference.OfficialCommune], stocks: list[int], count: int, top: int) -> list[tuple[str, str]]:
    """(file name, YAML) of ``count`` points; a commune's chance of a point grows with its stock."""
    cumulative, running = [], 0.0
    for stock in stocks:
        running += 1 + stock ** 0.8
        cumulative.append(running)
    by_department: dict[str, list[str]] = {}
    for commune in members:
        by_department.setdefault(_department(commune.insee), []).append(commune.insee)
    top_every = max(1, count // top) if top else 0
    files: list[tuple[str, str]] = []
    names: dict[str, int] = {}
    for i in range(count):
        index = bisect.bisect_left(cumulative, rng.random() * running)
        commune = members[min(index, len(members) - 1)]
        level = 3 if top_every and i % top_every == top_every // 2 and i // top_every < top else (1 if rng.random() < 0.6 else 2)
        files.append(_point(rng, i, commune, level, by_department[_department(commune.insee)], names))
    return files


def _department(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]


def _point(rng: random.Random, i: int, commune: reference.OfficialCommune, level: int, department: list[str], names: dict[str, int]) -> tuple[str, str]:
    q = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    organisation, short = ORGANISATIONS[rng.randrange(len(ORGANISATIONS))]
    name = f"{organisation} {_of(commune.name)}"
    names[name] = names.get(name, 0) + 1
    if names[name] > 1:  # several points of one organisation in a city: numbered, as people tell them apart
        name += f" ({names[name]})"
    lines = [f"# Lieu d'accueil généré par bench/national.py ({i + 1}).", f"nom: {q(name)}", f"organisation: {q(organisation)}", f"niveau: {level}"]
    if rng.random() < 0.95:
        lines.append(f'adresse: "{rng.randint(1, 120)} {rng.choice(STREETS)}"')
        if rng.random() < 0.3:
            lines.append(f'complement_adresse: "Bâtiment {rng.choice("ABCD")}, {rng.randint(1, 4)}e étage"')
        if commune.postal_codes:
            lines.append(f'code_postal: "{commune.postal_codes[0]}"')
        lines.append(f"commune: {q(commune.name)}")
        lines.append(f'code_insee: "{commune.insee}"')
    phones = [_phone(rng, commune.insee) for _ in range(1 + (rng.random() < 0.25))]
    lines.append(f'telephone: "{phones[0]}"' if len(phones) == 1 else "telephone: [" + ", ".join(f'"{p}"' for p in phones) + "]")
    if rng.random() < 0.8:
        lines.append(f'courriel: "logement.{short}.{commune.insee}@exemple.fr"')
    if rng.random() < 0.5:
        lines.append(f'site_web: "https://www.exemple.fr/{short}/{commune.insee}/logement-social/"')
    if level < 3:
        position = bisect.bisect_left(department, commune.insee)  # the department's codes, sorted
        sector = department[position + 1: position + 1 + rng.randint(0, 12)]
        if sector:
            lines.append("communes_desservies: [" + ", ".join(f'"{s}"' for s in sector) + "]")
    lines += _hours(rng)
    modes = rng.choice([["sans_rendez_vous"], ["sur_rendez_vous"], ["sans_rendez_vous", "telephone"], ["sur_rendez_vous", "telephone"]])
    lines.append("modes_accueil: [" + ", ".join(modes) + "]")
    if rng.random() < 0.6:
        lines.append("accessibilite:")
        lines.append(f"  plain_pied: {'oui' if rng.random() < 0.7 else 'non'}")
        if rng.random() < 0.3:
            lines.append('  remarque: "Entrée par la rampe côté parking ; boucle magnétique à l\'accueil."')
    if rng.random() < 0.3:
        lines.append(f"remarques: {q(rng.choice(REMARKS))}")
    checked = BUILD_DATE - dt.timedelta(days=rng.randint(10, 330))
    lines.append(f"verifie_le: {checked.isoformat()}")
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii(f"{short}-{commune.name}").lower()).strip("-")
    return f"{slug}-{i + 1:05d}.yml", "\n".join(lines) + "\n"


def _hours(rng: random.Random) -> list[str]:
    """A weekly schedule: opening times vary, some slots by phone or appointment, some monthly exceptions."""
    shape = rng.random()
    if shape < 0.08:
        return ["horaires:", "  a_confirmer: oui", '  remarque: "Horaires de la permanence à confirmer avec la commune."']
    if shape < 0.2:  # an OpenStreetMap opening_hours string
        start = rng.choice(("08:30", "09:00", "09:30"))
        end = rng.choice(("16:30", "17:00", "17:30"))
        days = rng.choice(("Mo-Fr", "Mo-Th", "Tu-Fr", "Mo,We,Fr"))
        return [f'horaires: "{days} {start}-12:00,13:30-{end}' + ('; Sa 09:00-12:00"' if rng.random() < 0.2 else '"')]
    if shape < 0.28:  # a monthly permanence
        day = rng.choice(("lundi", "mardi", "mercredi", "jeudi", "vendredi"))
        return [
            "horaires:", "  exceptions:", f"    - jour: {day}", f"      semaines_du_mois: [{rng.randint(1, 4)}]",
            '      plages: ["09:30-12:00", "13:30-16:00"]', '  remarque: "Permanence mensuelle."',
        ]
    lines = ["horaires:"]
    opening = rng.choice(("08:30", "09:00", "09:30"))
    closing = rng.choice(("16:00", "16:30", "17:00", "17:30", "18:00"))
    days = [d for d in ("lundi", "mardi", "mercredi", "jeudi", "vendredi") if rng.random() < 0.85] or ["mardi"]
    for day in days:
        form = rng.random()
        if form < 0.55:
            lines.append(f'  {day}: ["{opening}-12:00", "13:30-{closing}"]')
        elif form < 0.7:
            lines.append(f'  {day}: "{opening[:2].lstrip("0")}h-12h"')
        elif form < 0.85:
            lines += [f"  {day}:", f'    - "{opening}-12:00"', f'    - plage: "14:00-{closing}"', "      mode: rendez_vous"]
        else:
            lines += [f"  {day}:", f'    - plage: "{opening}-12:00"', "      mode: telephone"]
    if rng.random() < 0.1:
        lines.append('  samedi: ["09:00-12:00"]')
    if rng.random() < 0.2:
        lines += ["  exceptions:", f"    - jour: {days[0]}", "      semaines_du_mois: [2, 4]", "      plages: fermé"]
    if rng.random() < 0.15:
        lines.append("  sur_rendez_vous: oui")
    return lines


def _phone(rng: random.Random, insee: str) -> str:
    prefix = {"7": "01", "9": "01", "0": "04", "1": "04", "2": "03", "3": "05", "4": "05", "5": "02", "6": "04", "8": "03"}.get(insee[0], "05")
    digits = prefix + f"{rng.randrange(10**8):08d}"
    return " ".join(digits[k:k + 2] for k in range(0, 10, 2))


def _of(name: str) -> str:
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("Le "):
        return "du " + name[3:]
    if _ascii(name[:1]).lower() in "aeiouyh":
        return "d'" + name
    return "de " + name


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# Content pages.


def _paragraph(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(PARAGRAPH_WORDS) for _ in range(words)]
    sentences, k = [], 0
    while k < len(chosen):
        size = rng.randint(8, 16)
        sentences.append(" ".join(chosen[k:k + size]).capitalize() + ".")
        k += size
    text = " ".join(sentences)
    if rng.random() < 0.4:
        word = rng.choice(PARAGRAPH_WORDS)
        text = text.replace(f" {word} ", f" **{word}** ", 1)
    return text


def _content(rng: random.Random, pages: int) -> list[tuple[str, str]]:
    fixed = [
        ("index.md", "Demander un logement social en France", "Où s'informer et déposer sa demande de logement social.", 1,
         "Ce site explique comment demander un logement social et où trouver de l'aide près de chez vous.\n\n"
         "## Les niveaux d'accueil\n\n{{< niveaux >}}\n\n## Par où commencer ?\n\n- [Les lieux d'accueil](lieux/index.md)\n- [Votre commune](/communes/)\n"),
        ("lieux/index.md", "Les lieux d'accueil", "Les lieux où s'informer et déposer sa demande de logement social.", 2,
         "Ces lieux vous informent et, selon leur niveau, enregistrent votre demande.\n\n{{< lieux-accueil >}}\n"),
        ("cotation.md", "La cotation des demandes", "La grille de points et ses règles.", 3,
         "Chaque demande reçoit des points.\n\n## La grille\n\n{{< grille-cotation >}}\n\n## Simulez vos points\n\n{{< simulateur-cotation >}}\n"),
        ("chiffres.md", "Les chiffres du logement social", "Le parc social et la demande, par typologie et par commune.", 4,
         "## Chiffres clés\n\n{{< chiffres-cles >}}\n\n## Par typologie\n\n{{< tableau cle=parc-typologies >}}\n\n"
         "{{< tableau cle=demandes-typologies >}}\n\n## Par commune\n\n{{< chiffres-communes >}}\n"),
        ("mentions-legales.md", "Mentions légales", "Qui publie ce site.", None, "{{< editeur >}}\n"),
        ("accessibilite.md", "Accessibilité", "La déclaration d'accessibilité du site.", None, "{{< declaration-accessibilite >}}\n"),
        ("renouveler.md", "Renouveler sa demande", "Les délais et le renouvellement de la demande.", 5,
         "Votre demande est valable un an.\n\n{{< delais >}}\n"),
    ]
    result = []
    for rel, title, description, menu, body in fixed[:pages]:
        menu_line = f"menu: {menu}\n" if menu else ""
        result.append((rel, f"---\ntitre: {json.dumps(title, ensure_ascii=False)}\ndescription: {json.dumps(description, ensure_ascii=False)}\n{menu_line}---\n\n{body}"))
    for k in range(pages - len(result)):
        title = " ".join(rng.sample(PARAGRAPH_WORDS, 3)).capitalize()
        sections = []
        for s in range(rng.randint(2, 4)):
            sections.append(f"## {' '.join(rng.sample(PARAGRAPH_WORDS, 3)).capitalize()} ({s + 1})\n\n" + "\n\n".join(_paragraph(rng, rng.randint(50, 110)) for _ in range(rng.randint(1, 3))))
        description = f"{title} : ce qu'il faut savoir (fiche {k + 1})."
        result.append((f"guide/page-{k + 1:02d}.md", f"---\ntitre: \"{title} ({k + 1})\"\ndescription: \"{description}\"\n---\n\n" + "\n\n".join(sections) + "\n"))
    return result


# --- Measurement --------------------------------------------------------------------------------


def change_point(project: Path, round_: int) -> Path:
    """Edit one reception point (its remark): the « one file changed » rebuild."""
    target = sorted((project / "data" / "lieux").glob("*.yml"))[len(list((project / "data" / "lieux").glob("*.yml"))) // 2]
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"^remarques: .*\n", "", text, flags=re.M) + f'remarques: "Fiche modifiée pour la mesure n° {round_}."\n'
    target.write_text(text, encoding="utf-8")
    return target


# siad serve's rebuild, measured in its own process: the preview's state (siad.serve.PreviewState)
# builds once, then each edit of a point is rebuilt with the cache kept open, as serve does after a save
# (the half-second polling left out). Prints the seconds of each rebuild as JSON.
_SERVE_REBUILDS = """
import json, sys, time
from pathlib import Path
from bench.national import change_point
from siad.serve import PreviewState
project, out, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
state = PreviewState(root=project, out=out)
state.rebuild()
state.jobs = 1
seconds = []
for k in range(n):
    change_point(project, 100 + k)
    started = time.perf_counter()
    state.rebuild()
    seconds.append(time.perf_counter() - started)
    assert not state.errors, state.errors
state.cache.close()
print(json.dumps(seconds))
"""


def serve_rebuilds(project: Path, out: Path, runs: int) -> list[float]:
    """Seconds of each of ``runs`` rebuilds after a point edit in ``siad serve`` (see above)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _SERVE_REBUILDS, str(project), str(out), str(runs)], cwd=ROOT,
                          env=siad_env(), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def siad_command(project: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "siad", "build", "--source", str(project), "--out", str(out)]


def siad_env() -> dict:
    return {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}


SCALES = (1 / 64, 1 / 16, 1 / 4)    # the measured samples: fractions of the national project's communes and points
PROFILE_SCALE = 1 / 4               # the sample profiled with cProfile
FULL_TIMEOUT = 1800                 # seconds allowed to the first build of the full project


def _failure(run) -> dict:
    """What a failed build said: the number of errors, the first ones and their kinds."""
    errors = [line for line in run.stderr.splitlines() if ": erreur : " in line]
    kinds: dict[str, int] = {}
    for line in errors:
        message = re.sub(r"« [^»]*»|\([^)]*\)|\d+", "…", line.split(": erreur : ", 1)[1])
        kinds[message] = kinds.get(message, 0) + 1
    return {
        "error_count": len(errors),
        "first_errors": errors[:6],
        "error_kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:10]),
        "last_lines": run.stderr.strip().splitlines()[-2:],
    }


def attempt(work: Path, label: str, seed: int, unique_urls: bool, timeout: float, runs: int | None = None) -> dict:
    """The whole national project (every commune, or every distinct commune address; 10,000 points):
    one build within ``timeout``; when it succeeds, the full measurement (cold, warm, one point changed)."""
    project, out = work / f"national-{label}", work / f"national-{label}-site"
    remove(project)
    remove_output(out)
    log(f"national: generating {label}")
    described = generate(project, seed, None, POINTS, PAGES, unique_urls=unique_urls)
    cmd = siad_command(project, out)
    log(f"national: first build of {label} ({described['communes']} communes, {described['points']} points), time limit {timeout:.0f} s")
    run = run_timed(cmd, env=siad_env(), check=False, timeout=timeout)
    entry = {
        "project": described, "command": _shell(cmd), "exit_code": run.returncode, "timed_out": run.timed_out,
        "seconds": round(run.seconds, 2), "peak_rss_mib": round(run.max_rss_kib / 1024, 1), "timeout": timeout,
    }
    if run.timed_out:
        log(f"national: {label} did not finish within {timeout:.0f} s (peak RSS {entry['peak_rss_mib']} MiB)")
    elif run.returncode != 0:
        entry.update(_failure(run))
        log(f"national: {label} failed (exit {run.returncode}, {entry['error_count']} errors) after {run.seconds:.1f} s")
    else:
        entry["summary_line"] = run.stdout.strip().splitlines()[-1:]
        log(f"national: {label} built in {run.seconds:.1f} s; measuring")
        entry.update(measure_project(project, out, work, f"national {label}", runs, first=run))
    remove_output(out)
    return entry


def measure_project(project: Path, out: Path, work: Path, label: str, runs: int | None, first=None) -> dict:
    """Cold, warm and one-point-changed builds of ``project`` (``first``: a cold build already made)."""
    cmd = siad_command(project, out)
    if first is None:
        remove_output(out)
        first = run_timed(cmd, env=siad_env())
    n = runs_for(first.seconds, runs)
    more_cold, rss_cold = timed_runs(cmd, n - 1, siad_env(), lambda _k: remove_output(out))
    cold = [first.seconds, *more_cold]  # the first build is a cold build too
    stats = tree_stats(out)
    files = snapshot(out)
    floor = write_floor(files, work, n)
    del files
    warm, rss_warm = timed_runs(cmd, n, siad_env())
    change, rss_change = timed_runs(cmd, n, siad_env(), lambda k: change_point(project, k))
    served = serve_rebuilds(project, out, n)
    rss = [first.max_rss_kib, *rss_cold, *rss_warm, *rss_change]
    remove_output(out)
    entry = {
        "command": _shell(cmd), "runs": n, "cold": summary(cold), "warm": summary(warm), "one_point_changed": summary(change),
        "one_point_changed_serve": summary(served),
        "peak_rss_mib": round(max(rss) / 1024, 1), **stats, "floor": floor,
    }
    log(f"{label}: cold {entry['cold']['median']:.1f} s, warm {entry['warm']['median']:.1f} s, one point "
        f"{entry['one_point_changed']['median']:.1f} s (siad serve {entry['one_point_changed_serve']['median']:.1f} s), {stats['pages']} pages, {stats['bytes'] / 1e6:.0f} MB, "
        f"floor {floor['median']:.1f} s, peak RSS {entry['peak_rss_mib']} MiB")
    return entry


def measure_size(work: Path, scale: float, seed: int, runs: int | None) -> dict:
    """The measurement of a sample of the national project: ``scale`` of its communes and points."""
    communes, points = max(1, round(len(official_communes()) * scale)), max(1, round(POINTS * scale))
    label = f"{communes}-{points}"
    project, out = work / f"national-{label}", work / f"national-{label}-site"
    remove(project)
    remove_output(out)
    described = generate(project, seed, communes, points, PAGES)
    log(f"national 1/{round(1 / scale)}: {communes} communes, {points} points")
    return {"scale": scale, "project": described, **measure_project(project, out, work, f"national 1/{round(1 / scale)}", runs)}


def extrapolate(series: list[dict]) -> dict | None:
    """The growth exponent between the two largest sizes (time ∝ size^k), and the full size's estimate."""
    if len(series) < 2:
        return None
    import math

    small, large = series[-2], series[-1]
    k = math.log(large["cold"]["median"] / small["cold"]["median"]) / math.log(large["scale"] / small["scale"])
    return {"exponent": round(k, 2), "estimated_full_cold_seconds": round(large["cold"]["median"] * (1 / large["scale"]) ** k)}


def profile(work: Path, scale: float, seed: int, top: int = 25) -> str:
    """cProfile of one in-process build of the ``scale`` sample: the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    from siad.build import build_project

    project, out = work / "national-profile", work / "national-profile-site"
    remove(project)
    remove_output(out)
    communes = None if scale >= 1 else max(1, round(len(official_communes()) * scale))
    generate(project, seed, communes, max(1, round(POINTS * scale)), PAGES)
    os.environ["SOURCE_DATE_EPOCH"] = BUILD_EPOCH
    profiler = cProfile.Profile()
    profiler.enable()
    build_project(project, out, jobs=1)  # one process: the workers' time would not show
    profiler.disable()
    remove_output(out)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    lines = [short_paths(line) for line in text.getvalue().splitlines()]
    return "\n".join(line for line in lines if line.strip()).strip()


def measure(work: Path, runs: int | None = None, seed: int = SEED, scales: tuple[float, ...] = SCALES,
            timeout: float = FULL_TIMEOUT, full: bool = True, with_profile: bool = True, profile_scale: float = PROFILE_SCALE) -> dict:
    """The whole national project, measured when siad builds it (else: what it said, and the same
    without homonyms); samples at ``scales`` and their growth; a profile at ``profile_scale``."""
    result: dict = {"seed": seed, "points": POINTS, "content_pages": PAGES, "official_communes": len(official_communes()),
                    "distinct_addresses": len(official_communes(unique_urls=True))}
    if full:
        result["full"] = attempt(work, "full", seed, False, timeout, runs)
        if result["full"]["exit_code"] != 0 and not result["full"]["timed_out"]:
            result["full_unique_urls"] = attempt(work, "unique-urls", seed, True, timeout, runs)
    result["series"] = [measure_size(work, scale, seed, runs) for scale in sorted(scales)]
    result["growth"] = extrapolate(result["series"])
    if with_profile:
        log(f"national: profiling the 1/{round(1 / profile_scale)} sample")
        result["profile_scale"] = profile_scale
        result["profile"] = profile(work, profile_scale, seed)
    return result


def _shell(cmd: list[str]) -> str:
    return " ".join(shlex.quote(str(Path(part).relative_to(ROOT)) if part.startswith(str(ROOT)) else part) for part in cmd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a national project into DIR")
    gen.add_argument("directory", type=Path)
    gen.add_argument("--seed", type=int, default=SEED)
    gen.add_argument("--communes", type=int, default=None, help="a sample of N communes (default: all)")
    gen.add_argument("--points", type=int, default=POINTS)
    gen.add_argument("--pages", type=int, default=PAGES)
    gen.add_argument("--unique-urls", action="store_true", help="drop the homonyms whose commune page would share an address")
    mes = sub.add_parser("measure", help="measure siad on the national project (prints JSON; bench/run.py records it)")
    mes.add_argument("--runs", type=int, default=None)
    mes.add_argument("--scales", default=",".join(f"1/{round(1 / s)}" for s in SCALES), help="the measured samples, e.g. 1/64,1/32,1/16")
    mes.add_argument("--timeout", type=float, default=FULL_TIMEOUT, help="time limit of one full-size build, in seconds")
    mes.add_argument("--no-full", action="store_true", help="skip the full-size project")
    mes.add_argument("--profile-scale", default=f"1/{round(1 / PROFILE_SCALE)}", help="the sample profiled with cProfile")
    mes.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "generate":
        print(json.dumps(generate(args.directory, args.seed, args.communes, args.points, args.pages, args.unique_urls), indent=2, ensure_ascii=False))
    else:
        work = args.workdir or WORK
        work.mkdir(parents=True, exist_ok=True)
        byte_compile_siad()
        print(json.dumps(measure(work, args.runs, SEED, parse_scales(args.scales), args.timeout, not args.no_full, True, parse_scales(args.profile_scale)[0]), indent=2, ensure_ascii=False))


def parse_scales(text: str) -> tuple[float, ...]:
    """« 1/64,1/32,0.25 » → (0.015625, 0.03125, 0.25)."""
    values = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        top, _, bottom = part.partition("/")
        values.append(float(top) / float(bottom or 1))
    return tuple(values)


if __name__ == "__main__":
    main()
