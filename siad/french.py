"""Small rules of written French that generated sentences need: « de » and « à » before a name."""

from __future__ import annotations

_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def of(name: str) -> str:
    """« de Cusset », « d'Evoléa », « du Vernet », « des Ailes », « de La Chabanne »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    return f"d'{name}" if name[:1].lower() in _VOWELS else f"de {name}"


def at(name: str) -> str:
    """« à Cusset », « au Mayet-de-Montagne », « aux Ailes », « à La Chabanne »."""
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return f"à {name}"
