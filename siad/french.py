"""Small rules of written French that generated sentences need."""

from __future__ import annotations

_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def of(name: str) -> str:
    """« de » before a name, elided before a vowel: « de Cusset », « d'Evoléa », « d'ADIL03 »."""
    return f"d'{name}" if name[:1].lower() in _VOWELS else f"de {name}"
