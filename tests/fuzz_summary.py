"""What the property-based fuzzing (``tests/test_fuzz.py``) tried, counted as it runs.

Each Hypothesis property records every input it is called with under one category (« yaml »,
« validation », « hours », « cotation »), and every exception that escaped it: an unexpected
exception (a crash of siad) or a broken invariant (an ``AssertionError`` of the property).
:func:`fuzz_summary` gives the one-line summary for pytest's terminal summary, or None when no
property ran. Kept apart from the test module so that ``conftest.py`` can import it without
importing Hypothesis.
"""

from __future__ import annotations

from collections import Counter

CATEGORIES = ("yaml", "validation", "hours", "cotation")

inputs: Counter[str] = Counter()
unexpected: Counter[str] = Counter()  # exceptions other than AssertionError, by category
broken: Counter[str] = Counter()  # AssertionError: an invariant did not hold


def reset() -> None:
    inputs.clear()
    unexpected.clear()
    broken.clear()


def _n(value: int) -> str:
    """« 1 200 »: thousands separated by a space, as the other summary lines write numbers."""
    return f"{value:,}".replace(",", " ")


def fuzz_summary() -> str | None:
    """« fuzzing : 1 200 entrées (yaml 400, validation 300, horaires 300, cotation 200), 0 exception inattendue »."""
    total = sum(inputs.values())
    if not total:
        return None
    names = list(CATEGORIES) + sorted(set(inputs) - set(CATEGORIES))
    label = {"hours": "horaires"}
    parts = ", ".join(f"{label.get(name, name)} {_n(inputs[name])}" for name in names if inputs[name])
    crashes = sum(unexpected.values())
    text = f"fuzzing : {_n(total)} entrées ({parts}), {_n(crashes)} exception{'s' if crashes > 1 else ''} inattendue{'s' if crashes > 1 else ''}"
    if crashes:
        text += " (" + ", ".join(f"{label.get(name, name)} {_n(n)}" for name, n in sorted(unexpected.items())) + ")"
    failed = sum(broken.values())
    if failed:
        text += f", {_n(failed)} invariant{'s' if failed > 1 else ''} non respecté{'s' if failed > 1 else ''} (" + ", ".join(
            f"{label.get(name, name)} {_n(n)}" for name, n in sorted(broken.items())
        ) + ")"
    return text
