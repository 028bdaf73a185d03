"""Text and attribute values escaped for XML (the sitemap, the Atom feed).

The same results as :mod:`xml.sax.saxutils`' ``escape`` and ``quoteattr`` (tested), without
importing it: it imports ``urllib.request``, hence ``http.client``, ``ssl`` and ``email``, which
cost every ``siad`` command about 15 ms to start.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute's value, escaped and between the quotes it needs (line breaks and tabs kept as
    character references)."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'
