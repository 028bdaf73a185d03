"""schema.org JSON-LD for a reception point page: name, address, phones, e-mail, website, opening hours.

Embedded as ``<script type="application/ld+json">`` — a data block, not a script: it runs nothing,
so it does not conflict with a strict ``script-src 'self'`` policy.
"""

from __future__ import annotations

import datetime as dt
import json

from .data import Point
from .osm_hours import to_schema_org


def point_jsonld(point: Point, page_url: str | None, today: dt.date) -> str:
    data: dict = {"@context": "https://schema.org", "@type": "GovernmentOffice", "name": point.name}
    if page_url:
        data["url"] = page_url
    if point.organisation and point.organisation != point.name:
        data["parentOrganization"] = {"@type": "Organization", "name": point.organisation}
    if point.address or point.commune:
        address = {"@type": "PostalAddress", "addressCountry": "FR"}
        street = ", ".join(part for part in (point.address_extra, point.address) if part)
        for key, value in (("streetAddress", street), ("postalCode", point.postal_code), ("addressLocality", point.commune)):
            if value:
                address[key] = value
        data["address"] = address
    if point.phones:
        data["telephone"] = [p.uri for p in point.phones] if len(point.phones) > 1 else point.phones[0].uri
    if point.email:
        data["email"] = point.email
    if point.website:
        data["sameAs"] = point.website
    if point.hours and point.hours.has_hours and not point.hours.to_be_confirmed:
        data["openingHoursSpecification"] = to_schema_org(point.hours, today)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")  # no « </script> » or « <!-- » can come from the data
