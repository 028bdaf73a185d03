"""The project configuration, ``siad.yml``: schema and typed result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from . import reference
from .errors import Location, Report, UsageProblem
from .schema import INVALID, SIREN, Email, Field, Integer, Phone, PhoneNumber, Schema, Text, Url
from .colours import COLOURS_SCHEMA, Colours, colours_from
from .publication import PUBLICATION_FIELDS, Publication, publication_from
from .yamlsource import load_yaml_file

CONFIG_FILE = "siad.yml"

CONTACT_SCHEMA = Schema(
    "le bloc « contact »",
    {
        "nom": Field(Text(), required=True, doc="le service à contacter, par exemple « Maison de l'Habitat »"),
        "adresse": Field(Text(), help="l'adresse postale, sur une ligne"),
        "telephone": Field(Phone(), help="un numéro français à 10 chiffres"),
        "courriel": Field(Email(), help="l'adresse électronique"),
        "site_web": Field(Url(), help="l'adresse du site, commençant par https://"),
    },
)

OLD_FIGURES_SCHEMA = Schema(
    "le bloc « chiffres_anciens »",
    {
        "millesime": Field(Integer(1950, 9999), required=True, doc="ajoutez « millesime: », l'année des chiffres que vous ne pouvez pas encore actualiser"),
        "raison": Field(Text(), required=True, doc="ajoutez « raison: » : pourquoi ces chiffres ne peuvent pas encore être actualisés"),
    },
)

CONFIG_SCHEMA = Schema(
    "siad.yml",
    {
        "titre": Field(Text(), required=True, doc="ajoutez « titre: » : le nom du site, affiché en haut de chaque page"),
        "description": Field(Text(), doc="une phrase qui présente le site (moteurs de recherche)"),
        "territoire": Field(Text(), required=True, doc="ajoutez « territoire: » : le nom de l'EPCI, par exemple « Vichy Communauté »"),
        "siren": Field(SIREN, doc="le numéro SIREN de l'EPCI"),
        "url": Field(Url(), doc="l'adresse publique du site, par exemple https://logement.exemple.fr/"),
        "langue": Field(Text(r"[a-z]{2}(-[A-Z]{2})?", "écrivez un code de langue comme « fr »", "un code de langue"), default="fr", help="la langue des pages ; fr par défaut"),
        "theme": Field(Text(r"[a-z0-9]+(-[a-z0-9]+)*", "écrivez un nom en minuscules, chiffres et tirets", "un nom de thème"), default="default", help="le thème ; un dossier themes/NOM/ du projet remplace les fichiers du thème par défaut"),
        "portail_demande": Field(Url(), doc="le site où déposer sa demande en ligne"),
        "portail_national": Field(Url(), doc="le portail national de la demande de logement social"),
        "contact": Field(CONTACT_SCHEMA, help="le service que le public peut contacter, affiché en pied de page"),
        "age_max_verification_mois": Field(Integer(1, 120), default=12, doc="au-delà, une fiche de lieu non vérifiée donne un avertissement"),
        "age_max_chiffres_ans": Field(Integer(1, 30), default=3, doc="au-delà, des chiffres trop anciens donnent un avertissement"),
        **PUBLICATION_FIELDS,
        "couleurs": Field(COLOURS_SCHEMA, help="les couleurs du site (mode clair et mode sombre), vérifiées contre les contrastes WCAG"),
        "chiffres_anciens": Field(OLD_FIGURES_SCHEMA, help="des chiffres trop anciens que l'on sait ne pas pouvoir actualiser (millésime et raison) : ils sont listés comme lacune connue au lieu d'un avertissement"),
    },
)


@dataclass(frozen=True)
class Contact:
    name: str
    address: str | None = None
    phone: PhoneNumber | None = None
    email: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Config:
    """Validated ``siad.yml``, with the base URL already normalised.

    ``repr`` leaves out ``root``: it is part of every page's fingerprint (:mod:`siad.fingerprint`), and
    the same project built from another folder, or named another way, gives the same site."""

    root: Path = field(repr=False)
    title: str
    territory: str
    language: str
    theme: str
    description: str | None = None
    siren: str | None = None
    base_url: str | None = None
    portal_url: str | None = None
    national_portal_url: str | None = None
    contact: Contact | None = None
    max_check_months: int = 12
    max_figure_years: int = 3
    accepted_old_figures: tuple[int, str] | None = None  # (vintage, reason): stale figures listed as a known gap
    publication: Publication = Publication()
    colours: Colours | None = None  # None: the theme's own colours
    locs: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under, « / » or « /sous-dossier/ »."""
        if not self.base_url:
            return "/"
        return urlsplit(self.base_url).path or "/"


# What may stay as is in a URL path (RFC 3986 pchar and « / »); « % » too, so an address already encoded is kept.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def normalise_base_url(url: str) -> str:
    """The public address every generated address starts with: its path ends with « / » and is
    percent-encoded (« /accès social/ » → « /acc%C3%A8s%20social/ »), so that the sitemap, robots.txt,
    JSON-LD and the 404 page's links are valid URLs however the address was typed."""
    parts = urlsplit(url)
    path = quote(parts.path, safe=_PATH_SAFE)
    return urlunsplit(parts._replace(path=path if path.endswith("/") else path + "/"))


def check_base_url(url: str) -> str:
    """Validate a ``--base-url`` given on the command line (a usage error if wrong)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # « https://[x »: an unclosed IPv6 bracket, or a host that NFKC would change
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageProblem(f"--base-url : « {url} » n'est pas une adresse web complète (https://exemple.fr/chemin/)")
    return normalise_base_url(url)


def load_config(root: Path, report: Report, base_url: str | None = None) -> Config | None:
    """Read and validate ``siad.yml``; None when it has errors (they are in ``report``)."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise UsageProblem(
            f"{root} n'est pas un projet siad : le fichier {CONFIG_FILE} est introuvable. "
            "Placez-vous dans le dossier du projet, indiquez-le avec --source, "
            "ou créez un projet avec « siad new DOSSIER »."
        )
    node = load_yaml_file(path, CONFIG_FILE, report)
    if node is None:
        return None
    values = CONFIG_SCHEMA.convert(node, report)
    if values is INVALID:
        return None
    siren = values.get("siren")
    if siren and reference.epci(siren) is None:
        report.error(values.loc_of("siren"), f"aucun EPCI n'a le numéro SIREN {siren} dans la liste officielle", "vérifiez le numéro (9 chiffres) sur la fiche de l'EPCI")
        return None
    contact = values.get("contact")
    url = base_url or values.get("url")
    return Config(
        root=root,
        title=values["titre"],
        territory=values["territoire"],
        language=values["langue"],
        theme=values["theme"],
        description=values.get("description"),
        siren=values.get("siren"),
        base_url=normalise_base_url(url) if url else None,
        portal_url=values.get("portail_demande"),
        national_portal_url=values.get("portail_national"),
        contact=Contact(
            name=contact["nom"],
            address=contact.get("adresse"),
            phone=contact.get("telephone"),
            email=contact.get("courriel"),
            website=contact.get("site_web"),
        )
        if contact
        else None,
        max_check_months=values["age_max_verification_mois"],
        max_figure_years=values["age_max_chiffres_ans"],
        accepted_old_figures=(old["millesime"], old["raison"]) if (old := values.get("chiffres_anciens")) else None,
        publication=publication_from(values, report),
        colours=colours_from(colours, {k: colours.loc_of(k) for k in colours}, report) if (colours := values.get("couleurs")) else None,
        locs={key: values.loc_of(key) for key in CONFIG_SCHEMA.fields},
    )

