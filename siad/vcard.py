"""A vCard (RFC 6350, version 4.0) per reception point, so an applicant can save its contacts in one tap."""

from __future__ import annotations

from .data import Point


def _escape(text: str) -> str:
    """RFC 6350 §3.4 escaping; any line break (CR, LF, CRLF, U+2028…) becomes « \\n », so a value can
    never start a new property line of the card."""
    text = "\n".join(text.splitlines())
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 6350 §3.2), never inside a UTF-8 character."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return "\r\n ".join(out)


def vcard(point: Point) -> bytes:
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:org", f"FN:{_escape(point.name)}"]
    if point.organisation:
        lines.append(f"ORG:{_escape(point.organisation)}")
    if point.address or point.commune:
        street = ", ".join(part for part in (point.address_extra, point.address) if part)
        fields = ["", "", _escape(street), _escape(point.commune or ""), "", _escape(point.postal_code or ""), "France"]
        lines.append("ADR;TYPE=work:" + ";".join(fields))
    for phone in point.phones:
        lines.append(f"TEL;VALUE=uri;TYPE=voice:tel:{phone.uri}")
    if point.email:
        lines.append(f"EMAIL:{_escape(point.email)}")
    if point.website:
        lines.append(f"URL:{point.website}")
    lines.append("END:VCARD")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def vcard_name(point: Point) -> str:
    return f"{point.slug}.vcf"


def has_contacts(point: Point) -> bool:
    """Worth a vCard: an address, a phone, an e-mail or a website."""
    return bool(point.address or point.phones or point.email or point.website)
