"""Bar charts drawn at build time: ready-made views for ``_bar_chart.html``.

Each bar is a small inline SVG (no script, no image file, no request); its label and value are
HTML text beside it, so they wrap at 320 px and grow with the reader's font size, which text
inside an SVG does not. The chart as a whole is an image (``role="img"``) whose text alternative
says what it shows and its largest bar; the table next to it stays the accessible source of every
value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the table writes it
    width: str  # the bar's length in percent of the longest one: « 45.3 »


@dataclass(frozen=True)
class BarChart:
    title: str
    alternative: str  # the text alternative of the whole chart
    bars: tuple[Bar, ...]


def bar_chart(title: str, rows: list[tuple[str, float | None, str]]) -> BarChart | None:
    """A chart of ``rows`` (label, value, value as text); rows without a value are left out.

    None when fewer than two values are positive: a chart of one bar says nothing a sentence does not.
    """
    shown = [(label, value, text) for label, value, text in rows if value is not None]
    largest = max((value for _, value, _ in shown), default=0)
    if sum(1 for _, value, _ in shown if value > 0) < 2:
        return None
    bars = tuple(Bar(label, text, _width(value, largest)) for label, value, text in shown)
    top_label, _, top_text = max(shown, key=lambda row: row[1])
    alternative = (
        f"Graphique en barres : {title}. La plus longue des {len(bars)} barres : {top_label}, {top_text}. "
        "Toutes les valeurs sont dans le tableau qui suit."
    )
    return BarChart(title, alternative, bars)


def _width(value: float, largest: float) -> str:
    if largest <= 0 or value <= 0:
        return "0"
    return f"{max(100 * value / largest, 0.5):.1f}".removesuffix(".0")
