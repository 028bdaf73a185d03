"""The territory's rules for applicants: ``data/territoire.yml`` (delays, renewal), with their source.

The territory's name, SIREN and portals are in ``siad.yml``; its member communes in
``data/communes.yml``. A delay the source does not give is left out and shown as « non publié ».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import Location
from ..schema import Date, Field, Integer, Record, Schema, Text

RENEWAL_SCHEMA = Schema(
    "le bloc « renouvellement »",
    {
        "preavis_courrier_mois": Field(Integer(0, 12), doc="combien de mois avant la date anniversaire le préavis part par courrier"),
        "preavis_courriel_mois": Field(Integer(0, 12), doc="combien de mois avant la date anniversaire le préavis part par courriel"),
        "radiation_mois": Field(Integer(0, 12), doc="combien de mois après la date anniversaire une demande non renouvelée est radiée"),
        "reactivation_mois": Field(Integer(0, 12), doc="pendant combien de mois après la radiation la demande peut être réactivée"),
        "suppression_mois": Field(Integer(0, 120), doc="combien de mois après la radiation la demande est supprimée"),
    },
)

TERRITORY_SCHEMA = Schema(
    "territoire.yml",
    {
        "source": Field(Text(), required=True, doc="ajoutez « source: » : le document d'où viennent ces règles (par exemple le PPGDID)"),
        "date_source": Field(Date(), required=True, doc="ajoutez « date_source: » : la date du document, par exemple 2024-02-29"),
        "delai_enregistrement_jours": Field(Integer(1, 365), doc="délai maximal d'enregistrement d'une demande déposée à un guichet"),
        "delai_reception_jours": Field(Integer(1, 365), doc="délai maximal pour recevoir un demandeur qui le souhaite après l'enregistrement"),
        "delai_anormalement_long_mois": Field(Integer(1, 240), doc="le « délai anormalement long » fixé par le préfet, en mois"),
        "renouvellement": Field(RENEWAL_SCHEMA, help="les règles de renouvellement de la demande"),
        "mis_a_jour_le": Field(Date(), help="la date où ces règles ont changé sur le site, par exemple 2026-11-23 (page « Dernières mises à jour » et flux Atom)"),
    },
)


@dataclass(frozen=True)
class Renewal:
    notice_by_post_months: int | None = None
    notice_by_email_months: int | None = None
    radiation_months: int | None = None
    reactivation_months: int | None = None
    deletion_months: int | None = None


@dataclass(frozen=True)
class Territory:
    source: str
    source_date: dt.date
    registration_days: int | None = None
    reception_days: int | None = None
    abnormal_delay_months: int | None = None
    renewal: Renewal = Renewal()
    updated: dt.date | None = None  # « mis_a_jour_le »
    updated_loc: Location | None = field(default=None, compare=False)


def territory_from(record: Record) -> Territory:
    renewal = record.get("renouvellement", {})
    return Territory(
        source=record["source"],
        source_date=record["date_source"],
        registration_days=record.get("delai_enregistrement_jours"),
        reception_days=record.get("delai_reception_jours"),
        abnormal_delay_months=record.get("delai_anormalement_long_mois"),
        renewal=Renewal(
            notice_by_post_months=renewal.get("preavis_courrier_mois"),
            notice_by_email_months=renewal.get("preavis_courriel_mois"),
            radiation_months=renewal.get("radiation_mois"),
            reactivation_months=renewal.get("reactivation_mois"),
            deletion_months=renewal.get("suppression_mois"),
        ),
        updated=record.get("mis_a_jour_le"),
        updated_loc=record.loc_of("mis_a_jour_le") if "mis_a_jour_le" in record else None,
    )
