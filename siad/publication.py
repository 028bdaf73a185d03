"""Who publishes the site and how accessible it is: ``editeur``, ``hebergeur`` and ``accessibilite`` in siad.yml.

These blocks feed the legal notice and the accessibility statement (RGAA model). What is missing
is shown on the site as « non renseigné » and reported: as a **known gap** while the site has no
public ``url`` (it is not published yet), as a **warning** once it has one (an error under --strict).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import Report
from .schema import Choice, Date, Email, Field, Integer, ListOf, Phone, Record, Schema, Text, Url

TOTAL, PARTIAL, NONE = "totalement_conforme", "partiellement_conforme", "non_conforme"
STATE_LABELS = {TOTAL: "totalement conforme", PARTIAL: "partiellement conforme", NONE: "non conforme"}
AUDIT_VALIDITY_YEARS = 3  # RGAA: a statement is renewed at the latest three years after it was made

PUBLISHER_SCHEMA = Schema(
    "le bloc « editeur »",
    {
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », l'organisme qui publie le site"),
        "adresse": Field(Text(), help="l'adresse postale de l'éditeur, sur une ligne"),
        "telephone": Field(Phone(), help="le téléphone de l'éditeur"),
        "courriel": Field(Email(), help="l'adresse électronique de l'éditeur"),
        "directeur_publication": Field(Text(), help="la personne directrice de la publication (nom et fonction)"),
    },
)
HOST_SCHEMA = Schema(
    "le bloc « hebergeur »",
    {
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », l'hébergeur du site"),
        "adresse": Field(Text(), help="l'adresse postale de l'hébergeur"),
        "telephone": Field(Phone(), help="le téléphone de l'hébergeur"),
    },
)
AUDIT_SCHEMA = Schema(
    "le bloc « audit »",
    {
        "date": Field(Date(), required=True, doc="ajoutez « date: », la date de l'audit de conformité"),
        "realise_par": Field(Text(), required=True, doc="ajoutez « realise_par: », qui a réalisé l'audit"),
        "taux": Field(Integer(0, 100), required=True, doc="ajoutez « taux: », le pourcentage de critères RGAA respectés"),
        "referentiel": Field(Text(), default="RGAA 4.1.2", help="le référentiel de l'audit ; RGAA 4.1.2 par défaut"),
    },
)
ACCESSIBILITY_SCHEMA = Schema(
    "le bloc « accessibilite »",
    {
        "etat": Field(Choice((TOTAL, PARTIAL, NONE)), required=True, doc="ajoutez « etat: » : totalement_conforme, partiellement_conforme ou non_conforme"),
        "declaration_du": Field(Date(), required=True, doc="ajoutez « declaration_du: », la date où la déclaration a été établie"),
        "audit": Field(AUDIT_SCHEMA, help="le dernier audit de conformité RGAA ; sans audit, l'état est « non_conforme »"),
        "non_conformites": Field(ListOf(Text()), help="les contenus non conformes connus, une phrase chacun"),
        "derogations": Field(ListOf(Text()), help="les contenus dérogeant pour charge disproportionnée, avec leur raison"),
        "schema_pluriannuel": Field(Url(), help="l'adresse du schéma pluriannuel de mise en accessibilité de l'organisme"),
        "plan_action": Field(Url(), help="l'adresse du plan d'action de l'année en cours"),
    },
)
LICENCE_SCHEMA = Schema(
    "le bloc « licence_donnees »",
    {
        "nom": Field(Text(), required=True, doc="ajoutez « nom: », par exemple « Licence Ouverte 2.0 »"),
        "url": Field(Url(), help="l'adresse du texte de la licence"),
    },
)
PUBLICATION_FIELDS = {
    "licence_donnees": Field(LICENCE_SCHEMA, help="la licence des fichiers de données ouvertes (page « Données ouvertes »)"),
    "editeur": Field(PUBLISHER_SCHEMA, help="l'organisme qui publie le site (mentions légales)"),
    "hebergeur": Field(HOST_SCHEMA, help="l'hébergeur du site (mentions légales)"),
    "accessibilite": Field(ACCESSIBILITY_SCHEMA, help="la déclaration d'accessibilité (modèle RGAA)"),
}


@dataclass(frozen=True)
class Publisher:
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    director: str | None = None


@dataclass(frozen=True)
class Host:
    name: str
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Audit:
    date: dt.date
    by: str
    rate: int
    standard: str


@dataclass(frozen=True)
class Accessibility:
    state: str = NONE
    stated_on: dt.date | None = None
    audit: Audit | None = None
    non_conformities: tuple[str, ...] = ()
    derogations: tuple[str, ...] = ()
    multi_year_plan: str | None = None
    action_plan: str | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Licence:
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Publication:
    publisher: Publisher | None = None
    host: Host | None = None
    accessibility: Accessibility = Accessibility()
    data_licence: Licence | None = None


def publication_from(values: Record, report: Report) -> Publication:
    """The validated blocks of siad.yml; inconsistencies of the statement are errors."""
    pub, host, acc = values.get("editeur"), values.get("hebergeur"), values.get("accessibilite")
    return Publication(
        Publisher(pub["nom"], pub.get("adresse"), pub.get("telephone"), pub.get("courriel"), pub.get("directeur_publication")) if pub else None,
        Host(host["nom"], host.get("adresse"), host.get("telephone")) if host else None,
        _accessibility(acc, report) if acc else Accessibility(),
        Licence(lic["nom"], lic.get("url")) if (lic := values.get("licence_donnees")) else None,
    )


def _accessibility(acc: Record, report: Report) -> Accessibility:
    audit = acc.get("audit")
    state = acc["etat"]
    if audit is None and state != NONE:
        report.error(
            acc.loc_of("etat"), f"« {state} » suppose un audit de conformité, et aucun « audit: » n'est décrit",
            "sans résultat d'audit en cours de validité, le RGAA impose « etat: non_conforme » ; ou décrivez l'audit (date, realise_par, taux)",
        )
    if audit is not None:
        rate = audit["taux"]
        expected = TOTAL if rate == 100 else PARTIAL if rate >= 50 else NONE
        if expected != state:
            report.error(
                acc.loc_of("etat"), f"l'audit donne {rate} % de critères respectés, ce qui correspond à « {expected} », pas à « {state} »",
                "RGAA : 100 % → totalement_conforme ; au moins 50 % → partiellement_conforme ; moins de 50 % → non_conforme",
            )
    return Accessibility(
        state, acc["declaration_du"],
        Audit(audit["date"], audit["realise_par"], audit["taux"], audit["referentiel"]) if audit else None,
        tuple(acc.get("non_conformites", ())), tuple(acc.get("derogations", ())),
        acc.get("schema_pluriannuel"), acc.get("plan_action"),
    )


def check_publication(
    pub: Publication, has_contact_means: bool, published: bool, today: dt.date, loc_of, report: Report,
) -> None:
    """What the legal notice and the accessibility statement still lack: gaps before publication, warnings after."""
    report_missing = report.warning if published else report.gap
    after = "avant" if not published else "dès que possible : le site est publié (« url: »), et"
    missing: list[tuple[str, str, str]] = []
    if pub.publisher is None:
        missing.append(("editeur", "l'éditeur du site n'est pas renseigné (mentions légales)", "ajoutez « editeur: » (nom, adresse, directeur_publication)"))
    elif not pub.publisher.director:
        missing.append(("editeur", "le directeur ou la directrice de la publication n'est pas renseigné (mentions légales)", "ajoutez « directeur_publication: » sous « editeur: »"))
    if pub.host is None:
        missing.append(("hebergeur", "l'hébergeur du site n'est pas renseigné (mentions légales)", "ajoutez « hebergeur: » (nom, adresse, telephone)"))
    acc = pub.accessibility
    if acc.stated_on is None:
        missing.append(("accessibilite", "la déclaration d'accessibilité n'est pas renseignée", "ajoutez « accessibilite: » (etat, declaration_du)"))
    else:
        if not acc.multi_year_plan:
            missing.append(("accessibilite", "le schéma pluriannuel de mise en accessibilité n'est pas renseigné", "ajoutez « schema_pluriannuel: » (son adresse) sous « accessibilite: »"))
        if not acc.action_plan:
            missing.append(("accessibilite", "le plan d'action de l'année n'est pas renseigné (déclaration d'accessibilité)", "ajoutez « plan_action: » (son adresse) sous « accessibilite: »"))
    if pub.data_licence is None:
        missing.append(("licence_donnees", "la licence des données ouvertes n'est pas renseignée", "ajoutez « licence_donnees: » (nom, url), par exemple la Licence Ouverte 2.0"))
    if not has_contact_means:
        missing.append(("contact", "aucun courriel ni téléphone pour signaler un défaut d'accessibilité", "ajoutez « courriel: » ou « telephone: » sous « contact: »"))
    for key, message, hint in missing:
        report_missing(loc_of(key), message, f"{hint}, {after} la mise en ligne" if not published else f"{hint} {after} la déclaration doit être complète")
    if acc.audit is not None and today.year - acc.audit.date.year > AUDIT_VALIDITY_YEARS:
        report.warning(
            loc_of("accessibilite"), f"l'audit d'accessibilité du {acc.audit.date.isoformat()} a plus de {AUDIT_VALIDITY_YEARS} ans",
            "faites réaliser un nouvel audit, puis mettez à jour « audit: » et « declaration_du: »",
        )
