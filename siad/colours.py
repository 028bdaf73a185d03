"""Brand colours from siad.yml (« couleurs »), checked against the WCAG contrast ratios before they reach the CSS.

Light and dark modes each have a brand colour (header, buttons), the text written on it, and a
link colour. Text needs 4.5:1 against what it is written on (WCAG 1.4.3); the brand colour, as a
user-interface component, needs 3:1 against the page background (WCAG 1.4.11). A failing colour
is a build error giving the measured ratio and a nearby colour that passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Location, Report
from .schema import Field, Schema, Text

HEX = Text(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", "écrivez la couleur en hexadécimal, entre guillemets : \"#1f4e8c\"", "une couleur (#rrggbb)")

# The default theme's backgrounds (themes/default/assets/css/site.css): page and surface, per mode.
LIGHT_BACKGROUNDS = {"le fond de page clair": "#ffffff", "le fond des encadrés clair": "#f3f5f8"}
DARK_BACKGROUNDS = {"le fond de page sombre": "#15181c", "le fond des encadrés sombre": "#20252c"}
TEXT_RATIO, UI_RATIO = 4.5, 3.0

# key → (CSS variable, mode, default of the theme)
COLOUR_KEYS = {
    "principale": ("--brand", "clair", "#1f4e8c"),
    "texte_sur_principale": ("--brand-text", "clair", "#ffffff"),
    "lien": ("--link", "clair", "#1a4f9c"),
    "principale_sombre": ("--brand", "sombre", "#9cc2ff"),
    "texte_sur_principale_sombre": ("--brand-text", "sombre", "#0d1b2e"),
    "lien_sombre": ("--link", "sombre", "#9cc2ff"),
}
COLOURS_SCHEMA = Schema(
    "le bloc « couleurs »",
    {
        "principale": Field(HEX, help="la couleur de l'en-tête et des boutons (mode clair)"),
        "texte_sur_principale": Field(HEX, help="la couleur du texte écrit sur la couleur principale (mode clair)"),
        "lien": Field(HEX, help="la couleur des liens (mode clair)"),
        "principale_sombre": Field(HEX, help="la couleur de l'en-tête et des boutons (mode sombre)"),
        "texte_sur_principale_sombre": Field(HEX, help="la couleur du texte écrit sur la couleur principale (mode sombre)"),
        "lien_sombre": Field(HEX, help="la couleur des liens (mode sombre)"),
    },
)


def rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _ratio_text(ratio: float) -> str:
    return f"{int(ratio * 100) / 100:.2f}".replace(".", ",") + ":1"  # truncated: never rounds a failure up to a pass


def _towards(colour: str, target: tuple[int, int, int], step: float) -> str:
    r, g, b = rgb(colour)
    mixed = (round(r + (target[0] - r) * step), round(g + (target[1] - g) * step), round(b + (target[2] - b) * step))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def nearest_passing(colour: str, against: list[str], ratio: float) -> str | None:
    """The closest colour, darker or lighter, reaching ``ratio`` against every colour of ``against``."""
    for step in range(1, 101):
        for target in ((0, 0, 0), (255, 255, 255)):
            candidate = _towards(colour, target, step / 100)
            if all(contrast(candidate, other) >= ratio for other in against):
                return candidate
    return None


@dataclass(frozen=True)
class Colours:
    """The six colours, configured or the theme's defaults; ``configured``: the keys siad.yml sets."""

    values: dict[str, str]
    configured: tuple[str, ...] = ()

    def css(self) -> str:
        """CSS custom properties overriding the theme's, for both modes."""
        light = [f"  {COLOUR_KEYS[k][0]}: {self.values[k]};" for k in self.configured if COLOUR_KEYS[k][1] == "clair"]
        dark = [f"    {COLOUR_KEYS[k][0]}: {self.values[k]};" for k in self.configured if COLOUR_KEYS[k][1] == "sombre"]
        parts = ["/* Couleurs de siad.yml (« couleurs »), vérifiées par siad : contrastes WCAG 2.1 AA. */"]
        if light:
            parts.append(":root {\n" + "\n".join(light) + "\n}")
        if dark:
            parts.append("@media (prefers-color-scheme: dark) {\n  :root {\n" + "\n".join(dark) + "\n  }\n}")
        return "\n".join(parts) + "\n"


def colours_from(values: dict | None, locs: dict[str, Location], report: Report) -> Colours | None:
    """The configured colours, or None when siad.yml has no « couleurs »; contrast failures are errors."""
    if not values:
        return None
    colours = {key: values.get(key, default).lower() for key, (_, _, default) in COLOUR_KEYS.items()}
    for suffix, backgrounds in (("", LIGHT_BACKGROUNDS), ("_sombre", DARK_BACKGROUNDS)):
        brand, on_brand, link = (f"principale{suffix}", f"texte_sur_principale{suffix}", f"lien{suffix}")
        page_background = next(iter(backgrounds.values()))
        checks = [
            (on_brand, colours[brand], f"la couleur « {brand} »", TEXT_RATIO, "1.4.3, texte"),
            (brand, page_background, next(iter(backgrounds)), UI_RATIO, "1.4.11, composant d'interface"),
            *[(link, background, name, TEXT_RATIO, "1.4.3, texte") for name, background in backgrounds.items()],
        ]
        for key, against, against_name, needed, rule in checks:
            if key not in values and not (key == on_brand and brand in values):
                continue  # the theme's own pair, not changed by siad.yml
            ratio = contrast(colours[key], against)
            if ratio < needed:
                fix = nearest_passing(colours[key], [against], needed)
                hint = f"il faut au moins {str(needed).replace('.', ',')}:1 (WCAG {rule})" + (f" ; par exemple « {fix} »" if fix else "")
                report.error(locs.get(key) or locs.get(brand) or Location("siad.yml"), f"contraste insuffisant : « {key} » {colours[key]} sur {against_name} {against} donne {_ratio_text(ratio)}", hint)
    return Colours(colours, tuple(k for k in COLOUR_KEYS if k in values))
