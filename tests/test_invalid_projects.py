"""A corpus of broken projects: each is the default project with one small mutation.

For every case: ``siad build`` exits 1, names the file, line (and column) in French on
stderr, never shows a traceback, and leaves the previously built site byte for byte as it
was; ``siad check`` reports the same place. :data:`REQUIRED` names the case of each kind of broken
input the corpus must cover; :func:`corpus_summary` counts what the cases observed, for the line
printed at the end of the test run.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run, tree_hashes

POINT = "data/lieux/lieu-de-test.yml"

# A valid reception point, added to the project by most cases and then broken one line at a time.
POINT_LINES = [
    "# Lieu ajouté pour les tests.",  # 1
    'nom: "Lieu de test"',  # 2
    'organisation: "Organisme de test"',  # 3
    "niveau: 2",  # 4
    'adresse: "1 rue de la Paix"',  # 5
    'code_postal: "03300"',  # 6
    'commune: "Cusset"',  # 7
    'code_insee: "03095"',  # 8
    'telephone: "04 70 34 15 72"',  # 9
    'courriel: "accueil@exemple.fr"',  # 10
    'site_web: "https://www.exemple.fr"',  # 11
    "communes_desservies:",  # 12
    '  - "03056"',  # 13
    '  - "03306"',  # 14
    'remarques: "Sur rendez-vous."',  # 15
    'horaires: {sur_rendez_vous: oui}',  # 16
]


def point(replace: dict[int, str] | None = None, drop: tuple[int, ...] = (), append: tuple[str, ...] = ()) -> str:
    """POINT_LINES with some lines (1-based) replaced or dropped, and lines appended."""
    replace = replace or {}
    lines = [replace.get(number, line) for number, line in enumerate(POINT_LINES, start=1) if number not in drop]
    return "\n".join(list(lines) + list(append)) + "\n"


CONFIG_LINES = [
    "# Configuration de test.",  # 1
    'titre: "Logement social à Vichy Communauté"',  # 2
    'description: "Où s\'informer et déposer sa demande."',  # 3
    'territoire: "Vichy Communauté"',  # 4
    "langue: fr",  # 5
    'portail_demande: "https://mademande03.dlauvergne.fr/"',  # 6
    "contact:",  # 7
    '  nom: "Maison de l\'Habitat de Vichy Communauté"',  # 8
    '  site_web: "https://www.vichy-communaute.fr"',  # 9
]


def config(replace: dict[int, str] | None = None, drop: tuple[int, ...] = ()) -> str:
    replace = replace or {}
    return "\n".join(replace.get(n, line) for n, line in enumerate(CONFIG_LINES, start=1) if n not in drop) + "\n"


def page(front: list[str], body: list[str]) -> str:
    """A content page: ``---``, the front matter lines, ``---``, the body lines."""
    return "\n".join(["---", *front, "---", *body]) + "\n"


COMMUNES = (REPO_ROOT / "data" / "communes.yml").read_text(encoding="utf-8")
ABREST_LINE = COMMUNES.splitlines().index("    nom: Abrest") + 1  # 1-based line of Abrest's name
assert COMMUNES.endswith("\n")

PWNED = Path("/tmp") / f"pwned-{uuid.uuid4().hex}"

BODY = ["", "Un paragraphe.", ""]  # body lines 5, 6, 7 when the front matter has 2 lines


@dataclass(frozen=True)
class Symlink:
    """A symbolic link to create in the project, with its target as written (relative or absolute)."""

    target: str


# « Billion laughs »: ten levels of ten aliases would be 10¹⁰ strings once expanded.
ALIAS_BOMB = "\n".join(
    ['a0: &a0 "ha"'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 11)]
) + "\n"
OVERSIZE = "# " + "x" * (5 * 1024 * 1024) + "\n"  # just over yamlsource.MAX_FILE_BYTES


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes | Symlink | None]  # path in the project -> new content (None: delete)
    where: str  # e.g. "data/lieux/lieu-de-test.yml:4:9:"
    phrases: tuple[str, ...]
    hint: str | None = None  # expected in the « → » line right under the located message
    xfail: str | None = None
    absent: tuple[Path, ...] = field(default_factory=tuple)  # files that must never be created


CASES = [
    # --- YAML syntax -------------------------------------------------------------------------
    Case(
        "yaml-guillemet-non-ferme",
        {POINT: point({15: 'remarques: "Sur rendez-vous.'})},
        f"{POINT}:15:12:",
        ("guillemet non fermé",),
    ),
    Case(
        "yaml-apostrophe-non-fermee",
        {POINT: point({5: "adresse: '1 rue de la Paix"})},
        f"{POINT}:5:10:",
        ("guillemet non fermé",),
    ),
    Case(
        "yaml-tabulation",
        {POINT: point({13: '\t- "03056"'})},
        f"{POINT}:13:1:",
        ("tabulation",),
    ),
    Case(
        "yaml-tabulation-siad-yml",
        {"siad.yml": config({8: "\tnom: \"Maison de l'Habitat de Vichy Communauté\""})},
        "siad.yml:8:1:",
        ("tabulation",),
    ),
    Case(
        "yaml-indentation-cle-decalee",
        {POINT: point({4: "  niveau: 2"})},
        f"{POINT}:4:3:",
        ("indentation",),
    ),
    Case(
        "yaml-indentation-bloc-contact",
        {"siad.yml": config({8: "    nom: \"Maison de l'Habitat de Vichy Communauté\""})},
        "siad.yml:9:3:",
        ("indentation",),
    ),
    Case(
        "yaml-crochet-non-ferme-fin-de-fichier",
        {POINT: point(drop=(12, 13, 14), append=('communes_desservies: ["03056", "03306"',))},
        f"{POINT}:14:22:",
        ("crochet",),
    ),
    Case(
        "yaml-crochet-non-ferme-avant-une-autre-cle",
        {POINT: point({12: 'communes_desservies: ["03056", "03306"'}, drop=(13, 14))},
        f"{POINT}:12:22:",
        ("crochet",),
    ),
    Case(
        "yaml-cle-en-double",
        {POINT: point(append=('nom: "Autre nom"',))},
        f"{POINT}:17:1:",
        ("« nom »", "deux fois", "ligne 2"),
    ),
    Case(
        "yaml-ancre-et-alias",
        {POINT: point({9: 'telephone: &tel "04 70 34 15 72"', 15: "remarques: *tel"})},
        f"{POINT}:9:12:",
        ("ancres YAML",),
    ),
    Case(
        "yaml-alias-seul",
        {POINT: point({15: "remarques: *tel"})},
        f"{POINT}:15:12:",
        ("alias YAML",),
    ),
    Case(
        "yaml-etiquette-python",
        {POINT: point({15: f'remarques: !!python/object/apply:os.system ["touch {PWNED}"]'})},
        f"{POINT}:15:12:",
        ("étiquette YAML", "refusée"),
        absent=(PWNED,),
    ),
    Case(
        "yaml-etiquette-python-scalaire",
        {POINT: point({15: "remarques: !!python/name:os.system"})},
        f"{POINT}:15:12:",
        ("étiquette YAML", "refusée"),
    ),
    Case(
        "yaml-plusieurs-documents",
        {POINT: point(append=("---", 'nom: "Autre lieu"'))},
        f"{POINT}:17:1:",
        ("plusieurs documents YAML",),
    ),
    Case(
        "yaml-liste-au-lieu-d-un-bloc",
        {POINT: '- nom: "Lieu de test"\n- niveau: 2\n'},
        f"{POINT}:1:1:",
        ("un bloc de clés est attendu ici, pas une liste",),
    ),
    Case(
        "yaml-que-des-commentaires",
        {POINT: "# à compléter\n# plus tard\n"},
        f"{POINT}:1:1:",
        ("ne contient que des commentaires",),
    ),
    Case(
        "fichier-vide",
        {POINT: ""},
        f"{POINT}:1:1:",
        ("vide",),
    ),
    Case(
        "fichier-pas-en-utf8",
        {POINT: point({3: 'organisation: "Société de test"'}).encode("latin-1")},
        f"{POINT}:1:13:",  # the first byte that is not UTF-8: « é » of the comment
        ("UTF-8",),
    ),
    Case(
        "yaml-bombe-d-alias",
        {POINT: ALIAS_BOMB},
        f"{POINT}:1:5:",  # refused at the first anchor, before anything is expanded
        ("ancres YAML",),
    ),
    Case(
        "yaml-imbrication-trop-profonde",
        {POINT: point({15: "remarques: " + "[" * 5000 + "]" * 5000})},
        f"{POINT}:15:",
        ("trop de niveaux imbriqués",),
    ),
    Case(
        "fichier-trop-volumineux",
        {POINT: OVERSIZE},
        f"{POINT}: erreur :",
        ("fichier trop volumineux", "limite 5120 Kio"),
    ),
    # --- symbolic links (siad/symlinks.py) ---------------------------------------------------
    Case(
        "lien-symbolique-fichier-vers-l-exterieur",
        {POINT: Symlink("../../../secret.yml")},  # the project's parent folder: outside
        f"{POINT}: erreur :",
        ("lien symbolique vers l'extérieur du projet refusé", "../../../secret.yml"),
        hint="copiez le fichier",
    ),
    Case(
        "lien-symbolique-absolu-vers-l-exterieur",
        {"data/communes.yml": Symlink("/etc/passwd")},
        "data/communes.yml: erreur :",
        ("lien symbolique vers l'extérieur du projet refusé", "/etc/passwd"),
    ),
    Case(
        "lien-symbolique-dossier-vers-l-exterieur",
        {"content/documents": Symlink("../..")},  # would also loop back into the project
        "content/documents: erreur :",
        ("lien symbolique vers l'extérieur du projet refusé",),
    ),
    Case(
        "lien-symbolique-theme-vers-l-exterieur",
        {"themes/default/assets/css/site.css": Symlink("/etc/hostname")},
        "themes/default/assets/css/site.css: erreur :",
        ("lien symbolique vers l'extérieur du projet refusé",),
    ),
    Case(
        "lien-symbolique-dossier-interne",
        {"content/aide": Symlink("lieux")},
        "content/aide: erreur :",
        ("lien symbolique vers un dossier refusé",),
    ),
    Case(
        "lien-symbolique-casse",
        {"content/plan-d-acces.pdf": Symlink("plans/plan-d-acces.pdf")},
        "content/plan-d-acces.pdf: erreur :",
        ("lien symbolique cassé",),
    ),
    # --- schema of a reception point ---------------------------------------------------------
    Case(
        "cle-inconnue-avec-suggestion",
        {POINT: point({9: 'telephon: "04 70 34 15 72"'})},
        f"{POINT}:9:1:",
        ("clé inconnue « telephon »",),
        hint="vouliez-vous dire « telephone » ?",
    ),
    Case(
        "cle-obligatoire-manquante",
        {POINT: point(drop=(2,))},
        f"{POINT}:2:1:",
        ("la clé obligatoire « nom » manque",),
    ),
    Case(
        "cle-obligatoire-sans-valeur",
        {POINT: point({2: "nom:"})},
        f"{POINT}:2:5:",
        ("la clé « nom » est obligatoire mais n'a pas de valeur",),
    ),
    Case(
        "mauvais-type",
        {POINT: point({4: "niveau: deux"})},
        f"{POINT}:4:9:",
        ("un nombre entier est attendu", "« deux »"),
    ),
    Case(
        "telephone-invalide",
        {POINT: point({9: 'telephone: "04 70 34 15"'})},
        f"{POINT}:9:12:",
        ("« 04 70 34 15 » n'est pas un numéro de téléphone",),
    ),
    Case(
        "telephone-invalide-dans-une-liste",
        {POINT: point(drop=(9,), append=("telephone:", '  - "04 70 34 15 72"', '  - "12 34"'))},
        f"{POINT}:18:5:",
        ("« 12 34 » n'est pas un numéro de téléphone",),
    ),
    Case(
        "courriel-invalide",
        {POINT: point({10: 'courriel: "accueil@exemple"'})},
        f"{POINT}:10:11:",
        ("« accueil@exemple » n'est pas une adresse électronique valide",),
    ),
    Case(
        "url-sans-schema",
        {POINT: point({11: 'site_web: "www.exemple.fr"'})},
        f"{POINT}:11:11:",
        ("« www.exemple.fr » n'est pas une adresse web valide",),
        hint="https://www.exemple.fr",
    ),
    Case(
        "url-javascript",
        {POINT: point({11: 'site_web: "javascript:alert(1)"'})},
        f"{POINT}:11:11:",
        ("« javascript:alert(1) » n'est pas une adresse web valide",),
        hint="« javascript: », « data: » ou « vbscript: » ferait exécuter du code",
    ),
    # --- Addresses that would run code or break out of their attribute (docs/security.md) -----
    Case(
        "url-javascript-majuscules-et-espaces",
        {POINT: point({11: 'site_web: "  JavaScript:alert(1)"'})},
        f"{POINT}:11:11:",
        ("« JavaScript:alert(1) » n'est pas une adresse web valide",),
        hint="une adresse « javascript: » n'est pas une page web",
    ),
    Case(
        "url-data",
        {POINT: point({11: 'site_web: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="'})},
        f"{POINT}:11:11:",
        ("n'est pas une adresse web valide",),
        hint="une adresse « data: » n'est pas une page web",
    ),
    Case(
        "url-vbscript",
        {POINT: point({11: 'site_web: "vbscript:msgbox(1)"'})},
        f"{POINT}:11:11:",
        ("« vbscript:msgbox(1) » n'est pas une adresse web valide",),
        hint="une adresse « vbscript: » n'est pas une page web",
    ),
    Case(
        "url-guillemet-sortie-d-attribut",
        {POINT: point({11: "site_web: 'https://www.exemple.fr/\" onmouseover=\"alert(1)'"})},
        f"{POINT}:11:11:",
        ("n'est pas une adresse web valide : elle contient un espace, un guillemet, un chevron ou un caractère invisible",),
    ),
    Case(
        "url-chevron",
        {POINT: point({11: 'site_web: "https://www.exemple.fr/<script>alert(1)</script>"'})},
        f"{POINT}:11:11:",
        ("« https://www.exemple.fr/<script>alert(1)</script> » n'est pas une adresse web valide : elle contient",),
    ),
    Case(
        "url-caractere-de-controle",
        {POINT: point({11: 'site_web: "https://www.exemple.fr/\\x07x"'})},
        f"{POINT}:11:11:",
        ("« https://www.exemple.fr/\\u0007x » n'est pas une adresse web valide : elle contient",),
    ),
    Case(
        "url-tabulation-dans-l-adresse",
        {POINT: point({11: 'site_web: "https://www.exemple.fr/a\\tb"'})},
        f"{POINT}:11:11:",
        ("n'est pas une adresse web valide : elle contient un espace",),
    ),
    Case(
        "courriel-javascript",
        {POINT: point({10: 'courriel: "javascript:alert(1)"'})},
        f"{POINT}:10:11:",
        ("« javascript:alert(1) » n'est pas une adresse électronique valide",),
    ),
    Case(
        "courriel-guillemet",
        {POINT: point({10: "courriel: 'accueil\"onmouseover=\"alert(1)@exemple.fr'"})},
        f"{POINT}:10:11:",
        ("n'est pas une adresse électronique valide",),
    ),
    Case(
        "telephone-javascript",
        {POINT: point({9: 'telephone: "javascript:alert(1)"'})},
        f"{POINT}:9:12:",
        ("« javascript:alert(1) » n'est pas un numéro de téléphone",),
    ),
    Case(
        "siad-yml-url-javascript",
        {"siad.yml": config({6: 'portail_demande: "javascript:alert(1)"'})},
        "siad.yml:6:18:",
        ("« javascript:alert(1) » n'est pas une adresse web valide",),
    ),
    Case(
        "code-postal-a-4-chiffres",
        {POINT: point({6: 'code_postal: "0330"'})},
        f"{POINT}:6:14:",
        ("« 0330 » n'est pas un code postal",),
    ),
    Case(
        "code-insee-hors-territoire",
        {POINT: point({8: 'code_insee: "03999"'})},
        f"{POINT}:8:13:",
        ("la commune 03999 n'est pas une commune du territoire",),
        hint="le code INSEE de Cusset est « 03095 »",
    ),
    Case(
        "commune-ne-correspond-pas-au-code-insee",
        {POINT: point({7: 'commune: "Vichy"'})},
        f"{POINT}:7:10:",
        ("« Vichy » ne correspond pas au code INSEE 03095", "Cusset"),
    ),
    Case(
        "commune-desservie-hors-territoire",
        {POINT: point({14: '  - "03999"'})},
        f"{POINT}:14:5:",
        ("la commune desservie 03999",),
    ),
    Case(
        "niveau-inexistant",
        {POINT: point({4: "niveau: 7"})},
        f"{POINT}:4:9:",
        ("le niveau 7 n'existe pas", "1, 2, 3"),
    ),
    Case(
        "nom-de-fichier-de-lieu-invalide",
        {"data/lieux/Mairie de Vichy.yml": point()},
        "data/lieux/Mairie de Vichy.yml: erreur :",
        ("ne convient pas pour une adresse de page",),
    ),
    Case(
        "extension-yaml",
        {"data/lieux/lieu-de-test.yaml": point()},
        "data/lieux/lieu-de-test.yaml: erreur :",
        ("extension « .yaml »",),
        hint="renommez le fichier en « lieu-de-test.yml »",
    ),
    # --- other data files --------------------------------------------------------------------
    Case(
        "fichier-de-donnees-inconnu",
        {"data/niveau.yml": (REPO_ROOT / "data" / "niveaux.yml").read_text(encoding="utf-8")},
        "data/niveau.yml: erreur :",
        ("fichier de données inconnu « niveau.yml »",),
        hint="vouliez-vous dire « niveaux » ?",
    ),
    Case(
        "commune-en-double",
        {"data/communes.yml": COMMUNES + '  - code_insee: "03095"\n    nom: Cusset\n'},
        f"data/communes.yml:{COMMUNES.count(chr(10)) + 1}:17:",
        ("la commune 03095 est déjà dans la liste",),
    ),
    Case(
        "commune-code-inexistant",
        {"data/communes.yml": COMMUNES.replace('"03001"', '"03999"')},
        f"data/communes.yml:{ABREST_LINE - 1}:17:",
        ("le code INSEE 03999 n'existe pas dans le Code officiel géographique",),
    ),
    Case(
        "commune-nom-different-du-cog",
        {"data/communes.yml": COMMUNES.replace("nom: Abrest", "nom: Abret")},
        f"data/communes.yml:{ABREST_LINE}:10:",
        ("le nom « Abret » ne correspond pas au code INSEE 03001",),
        hint="le nom officiel est « Abrest »",
    ),
    Case(
        "commune-code-postal-faux",
        {"data/communes.yml": COMMUNES.replace('nom: Abrest\n    code_postal: "03200"', 'nom: Abrest\n    code_postal: "03300"')},
        f"data/communes.yml:{ABREST_LINE + 1}:18:",
        ("le code postal 03300 n'est pas celui de Abrest",),
        hint="codes postaux de la commune : 03200",
    ),
    Case(
        "commune-hors-epci",
        {"data/communes.yml": COMMUNES + '  - code_insee: "63113"\n    nom: Clermont-Ferrand\n'},
        f"data/communes.yml:{COMMUNES.count(chr(10)) + 1}:17:",
        ("Clermont-Ferrand (63113) n'est pas membre de l'EPCI 200071363",),
    ),
    Case(
        "commune-ancienne",
        {"data/communes.yml": COMMUNES + '  - code_insee: "03318"\n    nom: Vitray\n'},
        f"data/communes.yml:{COMMUNES.count(chr(10)) + 1}:17:",
        ("03318 (Vitray) est une ancienne commune",),
        hint="utilisez le code de la commune actuelle : « 03168 »",
    ),
    Case(
        "siad-yml-siren-inconnu",
        {"siad.yml": (REPO_ROOT / "siad.yml").read_text(encoding="utf-8").replace('siren: "200071363"', 'siren: "200071364"')},
        "siad.yml:6:8:",
        ("aucun EPCI n'a le numéro SIREN 200071364",),
    ),
    Case(
        "cotation-cle-inconnue",
        {"data/cotation.yml": (REPO_ROOT / "data" / "cotation.yml").read_text(encoding="utf-8").replace("        libelle: \"Logement non décent\"\n", "        libelle: \"Logement non décent\"\n        prioritere: oui\n", 1)},
        "data/cotation.yml:",
        ("clé inconnue « prioritere »",),
        hint="vouliez-vous dire « prioritaire » ?",
    ),
    Case(
        "horaires-impossibles",
        {"data/lieux/cdc-habitat.yml": (REPO_ROOT / "data" / "lieux" / "cdc-habitat.yml").read_text(encoding="utf-8").replace('["14:00-15:00"]', '["15:00-14:00"]')},
        "data/lieux/cdc-habitat.yml:",
        ("15:00-14:00",),
    ),
    Case(
        "mode-accueil-inconnu",
        {"data/lieux/cdc-habitat.yml": (REPO_ROOT / "data" / "lieux" / "cdc-habitat.yml").read_text(encoding="utf-8") + "modes_accueil: [sur_rendez_vou]\n"},
        "data/lieux/cdc-habitat.yml:",
        ("l'une des valeurs « sans_rendez_vous », « sur_rendez_vous », « telephone »",),
        hint="vouliez-vous dire « sur_rendez_vous » ?",
    ),
    Case(
        "pieces-cle-inconnue",
        {"data/pieces.yml": (REPO_ROOT / "data" / "pieces.yml").read_text(encoding="utf-8").replace("  - cle: identite ", "  - cle: identite\n    libele: x\n   ", 1)},
        "data/pieces.yml:38:5:",
        ("clé inconnue « libele »",),
        hint="vouliez-vous dire « libelle » ?",
    ),
    Case(
        "chiffres-csv-nombre-invalide",
        {"data/chiffres/communes.csv": (REPO_ROOT / "data" / "chiffres" / "communes.csv").read_text(encoding="utf-8").replace("03006;Arfeuilles;1;", "03006;Arfeuilles;un;", 1)},
        "data/chiffres/communes.csv:3:3:",
        ("« un »",),
    ),
    Case(
        "communes-absent",
        {"data/communes.yml": None},
        "data/communes.yml: erreur :",
        ("le fichier data/communes.yml est introuvable",),
    ),
    Case(
        "dossier-de-donnees-inconnu",
        {"data/lieu/lieu-de-test.yml": point()},
        "data/lieu: erreur :",
        ("dossier de données inconnu « lieu/ »",),
        hint="vouliez-vous dire « lieux » ?",
    ),
    Case(
        "niveaux-absent",
        {"data/niveaux.yml": None},
        "data/niveaux.yml: erreur :",
        ("introuvable",),
    ),
    # --- content pages -----------------------------------------------------------------------
    Case(
        "en-tete-non-ferme",
        {"content/renouveler-sa-demande.md": '---\ntitre: "Renouveler"\ndescription: "Chaque année."\n\nTexte.\n'},
        "content/renouveler-sa-demande.md:1:1:",
        ("l'en-tête de la page n'est pas fermé",),
    ),
    Case(
        "en-tete-absent",
        {"content/renouveler-sa-demande.md": "# Renouveler\n\nTexte.\n"},
        "content/renouveler-sa-demande.md:1:1:",
        ("la page doit commencer par un en-tête",),
    ),
    Case(
        "en-tete-sans-titre",
        {"content/renouveler-sa-demande.md": page(['description: "Chaque année."', "menu: 3"], BODY)},
        "content/renouveler-sa-demande.md:2:1:",
        ("la clé obligatoire « titre » manque",),
    ),
    Case(
        "en-tete-erreur-de-syntaxe",
        # the front matter starts at line 2: its 2nd line is line 3 of the file
        {"content/renouveler-sa-demande.md": page(['titre: "Renouveler"', "description: Chaque année: renouvelez", "menu: 3"], BODY)},
        "content/renouveler-sa-demande.md:3:",
        ("deux-points inattendu",),
    ),
    Case(
        "en-tete-cle-en-double",
        {"content/renouveler-sa-demande.md": page(['titre: "Renouveler"', 'description: "Chaque année."', 'titre: "Encore"'], BODY)},
        "content/renouveler-sa-demande.md:4:1:",
        ("« titre » apparaît deux fois", "ligne 2"),
    ),
    Case(
        "en-tete-mauvais-type",
        {"content/renouveler-sa-demande.md": page(['titre: "Renouveler"', 'description: "Chaque année."', "menu: premier"], BODY)},
        "content/renouveler-sa-demande.md:4:7:",
        ("un nombre entier est attendu",),
    ),
    Case(
        "en-tete-guillemet-non-ferme",
        {"content/renouveler-sa-demande.md": page(['description: "Chaque année."', 'titre: "Renouveler'], BODY)},
        "content/renouveler-sa-demande.md:3:8:",
        ("guillemet non fermé",),
    ),
    Case(
        "en-tete-vide",
        {"content/renouveler-sa-demande.md": "---\n---\n\nTexte.\n"},
        "content/renouveler-sa-demande.md:2:1:",
        ("vide",),
    ),
    Case(
        "bloc-de-donnees-inconnu",
        {
            "content/lieux/index.md": page(
                ['titre: "Les lieux d\'accueil"', 'description: "Les lieux."', "menu: 2"],
                ["", "Un paragraphe.", "", "{{< lieux-acceuil >}}"],
            )
        },
        "content/lieux/index.md:9:1:",
        ("bloc de données inconnu « lieux-acceuil »",),
        hint="vouliez-vous dire « lieux-accueil » ?",
    ),
    Case(
        "bloc-de-donnees-inconnu-apres-lignes-vides",
        {
            "content/lieux/index.md": page(
                ['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'],
                ["", "", "", "Un paragraphe.", "", "  {{< niveau >}}", "", "Fin."],
            )
        },
        "content/lieux/index.md:10:3:",
        ("bloc de données inconnu « niveau »",),
        hint="vouliez-vous dire « niveaux » ?",
    ),
    Case(
        "bloc-de-donnees-niveau-inconnu",
        {"content/lieux/index.md": page(['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'], ["Texte.", "", "{{< lieux-accueil niveau=5 >}}"])},
        "content/lieux/index.md:7:1:",
        ("niveau « 5 » inconnu",),
    ),
    Case(
        "bloc-de-donnees-tableau-inconnu",
        {"content/lieux/index.md": page(['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'], ["Texte.", "", "{{< tableau cle=parc-bailleur >}}"])},
        "content/lieux/index.md:7:1:",
        ("tableau « parc-bailleur » inconnu",),
        hint="vouliez-vous dire « parc-bailleurs » ?",
    ),
    Case(
        "bloc-de-donnees-argument-inconnu",
        {"content/lieux/index.md": page(['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'], ["Texte.", "", "{{< niveaux tri=nom >}}"])},
        "content/lieux/index.md:7:1:",
        ("argument inconnu « tri » pour le bloc « niveaux »",),
    ),
    Case(
        "bloc-de-donnees-pas-seul-sur-sa-ligne",
        {"content/lieux/index.md": page(['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'], ["", "Les lieux : {{< lieux-accueil >}}"])},
        "content/lieux/index.md:6:13:",
        ("mal écrit",),
    ),
    Case(
        "bloc-de-donnees-inconnu-fin-de-ligne-windows",
        {
            "content/lieux/index.md": page(
                ['titre: "Les lieux d\'accueil"', 'description: "Les lieux."'], ["", "Texte.", "", "{{< lieux-acceuil >}}"]
            ).replace("\n", "\r\n")
        },
        "content/lieux/index.md:8:1:",
        ("bloc de données inconnu « lieux-acceuil »",),
    ),
    Case(
        "lien-vers-une-page-inexistante",
        {
            "content/index.md": page(
                ['titre: "Accueil"', 'description: "La page d\'accueil."'],
                ["", "Voir [les aides](aides-au-logement.md)."],
            )
        },
        "content/index.md:6:18:",
        ("lien vers une page inexistante", "aides-au-logement.md"),
    ),
    Case(
        "nom-de-page-avec-accent",
        {"content/dépôt.md": page(['titre: "Dépôt"', 'description: "Déposer."'], BODY)},
        "content/dépôt.md: erreur :",
        ("le nom « dépôt » ne convient pas pour une adresse de page",),
    ),
    Case(
        "nom-de-page-avec-espace",
        {"content/mon dossier.md": page(['titre: "Dossier"', 'description: "Mon dossier."'], BODY)},
        "content/mon dossier.md: erreur :",
        ("le nom « mon dossier » ne convient pas pour une adresse de page",),
    ),
    Case(
        "image-inexistante",
        {"content/index.md": page(['titre: "Accueil"', 'description: "La page d\'accueil."'], ["", "![Plan](plan-d-acces.png)"])},
        "content/index.md:6:9:",
        ("lien vers un fichier inexistant : « plan-d-acces.png »",),
    ),
    Case(
        "deux-pages-a-la-meme-adresse",
        {"content/lieux.md": page(['titre: "Lieux"', 'description: "Les lieux."'], BODY)},
        "content/lieux.md: erreur :",
        ("la même adresse « /lieux/ »", "content/lieux/index.md"),
    ),
    Case(
        "fichier-statique-qui-ecraserait-une-page",
        {"content/404.html": "<p>ma page</p>\n"},
        "content/404.html: erreur :",
        ("écraserait « /404.html »",),
    ),
    # --- theme -------------------------------------------------------------------------------
    Case(
        "gabarit-if-non-ferme",
        {
            "themes/default/templates/page.html": (
                '{% extends "base.html" %}\n'  # 1
                "{% block content %}\n"  # 2
                "{% if page.description %}\n"  # 3
                "<p>{{ page.description }}</p>\n"  # 4
                "{{ page.content|safe }}\n"  # 5
                "{% endblock %}\n"  # 6
            )
        },
        "themes/default/templates/page.html:6:",
        ("erreur de syntaxe dans le gabarit", "endif"),
    ),
    Case(
        "gabarit-variable-inconnue",
        {
            "themes/default/templates/page.html": (
                '{% extends "base.html" %}\n'  # 1
                "{% block content %}\n"  # 2
                "{{ page.content|safe }}\n"  # 3
                "<p>{{ page.auteur }}</p>\n"  # 4
                "{% endblock %}\n"  # 5
            )
        },
        "themes/default/templates/page.html:4:",
        ("le gabarit utilise une valeur qui n'existe pas", "auteur"),
    ),
    Case(
        "gabarit-erreur-a-l-execution",
        {
            "themes/default/templates/page.html": (
                '{% extends "base.html" %}\n'  # 1
                "{% block content %}\n"  # 2
                "<p>{{ page.title + 1 }}</p>\n"  # 3: str + int, a TypeError while rendering
                "{% endblock %}\n"  # 4
            )
        },
        "themes/default/templates/page.html:3:",
        ("erreur dans le gabarit",),
    ),
    Case(
        "gabarit-fichier-de-theme-introuvable",
        {
            "themes/default/templates/page.html": (
                '{% extends "base.html" %}\n'  # 1
                "{% block content %}\n"  # 2
                "<img src=\"{{ asset('img/logo.png') }}\" alt=\"\">\n"  # 3
                "{% endblock %}\n"  # 4
            )
        },
        "themes/default/templates/page.html:3:",
        ("fichier de thème introuvable : assets/img/logo.png",),
    ),
    Case(
        "gabarit-inclus-introuvable",
        {
            "themes/default/templates/page.html": (
                '{% extends "base.html" %}\n'  # 1
                "{% block content %}\n"  # 2
                '{% include "partiels/encart.html" %}\n'  # 3
                "{% endblock %}\n"  # 4
            )
        },
        "themes/default/templates/page.html:3:",
        ("gabarit introuvable : templates/partiels/encart.html",),
    ),
    Case(
        "gabarit-parent-introuvable",
        {
            "themes/default/templates/page.html": (
                '{% extends "mise-en-page.html" %}\n'  # 1
                "{% block content %}{{ page.content|safe }}{% endblock %}\n"  # 2
            )
        },
        "themes/default/templates/page.html:1:",
        ("gabarit introuvable : templates/mise-en-page.html",),
    ),
    # --- siad.yml ----------------------------------------------------------------------------
    Case(
        "siad-yml-sans-titre",
        {"siad.yml": config(drop=(2,))},
        "siad.yml:2:1:",
        ("la clé obligatoire « titre » manque dans siad.yml",),
    ),
    Case(
        "siad-yml-cle-inconnue",
        {"siad.yml": config({5: "lang: fr"})},
        "siad.yml:5:1:",
        ("clé inconnue « lang » dans siad.yml",),
        hint="vouliez-vous dire « langue » ?",
    ),
    Case(
        "siad-yml-theme-inconnu",
        {"siad.yml": config({5: "theme: sombre"})},
        "siad.yml:5:8:",
        ("le thème « sombre » est introuvable",),
    ),
    Case(
        "siad-yml-contact-sans-nom",
        {"siad.yml": config(drop=(8,))},
        "siad.yml:8:3:",  # the « contact » block now starts with « site_web: »
        ("la clé obligatoire « nom » manque dans le bloc « contact »",),
    ),
    Case(
        "siad-yml-url-sans-schema",
        {"siad.yml": config({6: "portail_demande: mademande03.dlauvergne.fr"})},
        "siad.yml:6:18:",
        ("n'est pas une adresse web valide",),
        hint="https://mademande03.dlauvergne.fr",
    ),
    Case(
        "siad-yml-accessibilite-conforme-sans-audit",
        {"siad.yml": config() + "accessibilite:\n  etat: totalement_conforme\n  declaration_du: 2026-11-01\n"},
        "siad.yml:11:9:",
        ("« totalement_conforme » suppose un audit de conformité",),
        hint="le RGAA impose « etat: non_conforme »",
    ),
    Case(
        "siad-yml-accessibilite-taux-et-etat-contradictoires",
        {"siad.yml": config() + "accessibilite:\n  etat: partiellement_conforme\n  declaration_du: 2026-11-01\n"
         "  audit: {date: 2026-10-01, realise_par: \"Cabinet\", taux: 40}\n"},
        "siad.yml:11:9:",
        ("l'audit donne 40 % de critères respectés, ce qui correspond à « non_conforme », pas à « partiellement_conforme »",),
    ),
    Case(
        "siad-yml-accessibilite-etat-mal-ecrit",
        {"siad.yml": config() + "accessibilite:\n  etat: non_conformes\n  declaration_du: 2026-11-01\n"},
        "siad.yml:11:9:",
        ("l'une des valeurs « totalement_conforme », « partiellement_conforme », « non_conforme » est attendue ici",),
        hint="vouliez-vous dire « non_conforme » ?",
    ),
    Case(
        "siad-yml-accessibilite-taux-hors-limites",
        {"siad.yml": config() + "accessibilite:\n  etat: non_conforme\n  declaration_du: 2026-11-01\n"
         "  audit:\n    date: 2026-10-01\n    realise_par: \"Cabinet\"\n    taux: 140\n"},
        "siad.yml:16:11:",
        ("la valeur 140 est hors limites",),
    ),
    Case(
        "siad-yml-editeur-sans-nom",
        {"siad.yml": config() + "editeur:\n  adresse: \"1 place de la Mairie\"\n"},
        "siad.yml:11:3:",
        ("la clé obligatoire « nom » manque dans le bloc « editeur »",),
    ),
]


@dataclass(frozen=True)
class Observation:
    """What one case's build did, recorded before the test's assertions (for the run's summary)."""

    refused: bool  # exit code 1
    located: bool  # a « chemin…: erreur : » line starts with the case's expected place
    with_line: bool  # … and that place has a line number
    traceback: bool  # a Python traceback or « erreur interne » anywhere in the output
    kept: bool  # the previous site is byte for byte as it was


OBSERVED: dict[str, Observation] = {}  # case id → observation, filled as the parametrised cases run
_LOCATED_WITH_LINE = re.compile(r"^.+?:\d+(?::\d+)?: erreur : ")


def corpus_summary() -> str | None:
    """One line for the end of the test run, from what the cases actually observed (None if none ran).

    « projets cassés : 99 cas, 99 refusés avec l'endroit (86 avec fichier:ligne, 13 avec le fichier seul),
    site précédent intact 99 fois, 0 trace Python »"""
    if not OBSERVED:
        return None
    seen = OBSERVED.values()
    refused = sum(1 for o in seen if o.refused and o.located)
    with_line = sum(1 for o in seen if o.refused and o.located and o.with_line)
    kept = sum(1 for o in seen if o.kept)
    tracebacks = sum(1 for o in seen if o.traceback)
    return (
        f"projets cassés : {len(OBSERVED)} cas, {refused} refusés avec l'endroit "
        f"({with_line} avec fichier:ligne, {refused - with_line} avec le fichier seul), "
        f"site précédent intact {kept} fois, {tracebacks} trace{'s' if tracebacks > 1 else ''} Python"
    )


def _apply(project: Path, files: dict[str, str | bytes | None]) -> None:
    for relative, content in files.items():
        path = project / relative
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            if path.exists() or path.is_symlink():
                path.unlink()
            path.symlink_to(content.target)
            continue
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
        yield pytest.param(case, id=case.id, marks=marks)


# Every kind of broken input the issue lists, and the case that covers it.
REQUIRED = {
    "guillemet non fermé": "yaml-guillemet-non-ferme",
    "indentation incohérente": "yaml-indentation-cle-decalee",
    "tabulation": "yaml-tabulation",
    "crochet non fermé": "yaml-crochet-non-ferme-fin-de-fichier",
    "mauvais type": "mauvais-type",
    "clé obligatoire manquante": "cle-obligatoire-manquante",
    "clé inconnue": "cle-inconnue-avec-suggestion",
    "clé en double": "yaml-cle-en-double",
    "référence pendante": "niveau-inexistant",
    "horaires impossibles": "horaires-impossibles",
    "téléphone invalide": "telephone-invalide",
    "courriel invalide": "courriel-invalide",
    "adresse web invalide": "url-sans-schema",
    "code postal invalide": "code-postal-a-4-chiffres",
    "code INSEE invalide": "commune-code-inexistant",
    "fichier vide": "fichier-vide",
    "fichier pas en UTF-8": "fichier-pas-en-utf8",
    "fichier trop volumineux": "fichier-trop-volumineux",
    "bombe d'alias": "yaml-bombe-d-alias",
    "étiquette Python": "yaml-etiquette-python",
    "en-tête cassé": "en-tete-non-ferme",
    "gabarit cassé": "gabarit-if-non-ferme",
    "gabarit introuvable": "gabarit-parent-introuvable",
    "lien symbolique vers l'extérieur": "lien-symbolique-fichier-vers-l-exterieur",
}


def test_corpus_covers_every_kind_of_broken_input() -> None:
    ids = {case.id for case in CASES}
    assert {kind: case for kind, case in REQUIRED.items() if case not in ids} == {}


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))


def test_unmutated_test_files_are_valid(project: Path, tmp_path: Path) -> None:
    """The base files the cases start from are valid: each failure comes from its mutation alone."""
    _apply(
        project,
        {
            POINT: point(),
            "siad.yml": config(),
            "content/renouveler-sa-demande.md": page(['titre: "Renouveler"', 'description: "Chaque année."', "menu: 3"], BODY),
            "content/lieux/index.md": page(
                ['titre: "Les lieux d\'accueil"', 'description: "Les lieux."', "menu: 2"],
                ["", "Un paragraphe.", "", "{{< lieux-accueil >}}"],
            ),
        },
    )
    out = tmp_path / "sortie"
    result = run("--debug", "build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "avertissement :" in line]
    # only the default project's own: hours to be confirmed, figures of 2022
    assert all("sont à confirmer" in line or "chiffres de 2022" in line for line in warnings), warnings
    html = (out / "lieux" / "lieu-de-test" / "index.html").read_text(encoding="utf-8")
    assert "Lieu de test" in html and "Le Vernet" in html


@pytest.mark.parametrize("case", list(_params()))
def test_invalid_project(project: Path, tmp_path: Path, case: Case) -> None:
    out = tmp_path / "sortie"
    first = run("build", "--source", project, "--out", out)
    assert first.exit_code == 0, first.output
    before = tree_hashes(out)

    _apply(project, case.files)
    # --debug: an internal error would print its traceback, which the test then catches
    result = run("--debug", "build", "--source", project, "--out", out)
    located = next((line for line in result.stderr.splitlines() if line.startswith(case.where) and " erreur : " in line), None)
    OBSERVED[case.id] = Observation(
        refused=result.exit_code == 1,
        located=located is not None,
        with_line=located is not None and bool(_LOCATED_WITH_LINE.match(located)),
        traceback=any("Traceback" in text or "erreur interne" in text for text in (result.stdout, result.stderr)),
        kept=tree_hashes(out) == before,
    )

    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text
        assert "erreur interne" not in text
    assert result.exit_code == 1, result.output
    assert case.where in result.stderr, result.stderr
    for phrase in case.phrases:
        assert phrase in result.stderr, f"« {phrase} » absent de :\n{result.stderr}"
    # the located line is a real diagnostic line, followed by its hint when there is one
    lines = result.stderr.splitlines()
    index = next((i for i, line in enumerate(lines) if line.startswith(case.where)), None)
    assert index is not None, f"aucune ligne ne commence par {case.where!r} :\n{result.stderr}"
    assert " erreur : " in lines[index]
    if case.hint is not None:
        assert lines[index + 1].startswith("    → "), lines[index + 1]
        assert case.hint in lines[index + 1]
    assert re.search(r"^siad : échec en \d+,\d\d s — 1 erreur,", result.stderr, re.M)  # one mutation, one message
    assert "rien n'a été écrit" in result.stderr
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".siad-cache") == ["projet", "sortie"]  # no temporary folder left

    check = run("--debug", "check", "--source", project)
    assert check.exit_code == 1, check.output
    assert case.where in check.stderr
    assert "Traceback" not in check.output
    assert not (project / "site").exists()

    for path in case.absent:
        assert not path.exists(), f"{path} a été créé"
