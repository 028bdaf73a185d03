"""Python-Markdown's inline processing, without the pattern tries that cannot match.

Python-Markdown tries each of its inline patterns (code, escapes, links, images, automatic links,
line breaks, raw HTML, entities, emphasis: 14 with siad's extensions) on each text of a page, one
regular expression after the other: 44 tries a page of the benchmark's corpus, nearly all in vain,
a third of the time it takes to convert a page. Each of these patterns needs a given character to
match (« [ » for a link, « * » or « _ » for emphasis, « < » for raw HTML…): :class:`InlineByNeeds`
does not try a pattern on a text without it, and leaves a text with none of them as it is. A pattern
it does not know (another extension's) is always tried. The result is the same as Python-Markdown's
(tested on random texts dense in those characters, and on every page of the default site).
"""

from __future__ import annotations

import re

import markdown
from markdown.treeprocessors import InlineProcessor

# What each of Python-Markdown's inline patterns needs in a text to match: one of these strings.
NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),  # `code`, or backslashes before a backtick
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}
_ANY_NEED = re.compile("|".join(re.escape(need) for need in sorted({n for needs in NEEDS.values() for n in needs})))


def supported() -> bool:
    """Whether this Python-Markdown has the inline processor's methods this class narrows, and the
    registry of patterns by name it reads."""
    return (callable(getattr(InlineProcessor, "_InlineProcessor__applyPattern", None))
            and callable(getattr(InlineProcessor, "_InlineProcessor__handleInline", None))
            and isinstance(getattr(markdown.util.Registry(), "_data", None), dict))


class InlineByNeeds(InlineProcessor):
    """Python-Markdown's ``inline`` tree processor, trying a pattern only on a text that has what it needs."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._needs: dict[int, tuple[str, ...]] = {}
        self._all_known = False

    def run(self, tree, ancestors=None):
        registered = self.md.inlinePatterns._data  # name → pattern (the registry's own lookup sorts it each time)
        self._needs = {id(pattern): NEEDS[name] for name, pattern in registered.items() if name in NEEDS}
        self._all_known = len(self._needs) == len(registered)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self._all_known and _ANY_NEED.search(data) is None:
            return data  # what trying every pattern in vain gives
        return super()._InlineProcessor__handleInline(data, patternIndex)

    def _InlineProcessor__applyPattern(self, pattern, data: str, patternIndex: int, startIndex: int = 0):
        needs = self._needs.get(id(pattern))
        if needs is not None:
            for need in needs:
                if need in data:
                    break
            else:
                return data, False, 0  # what a pattern that does not match gives
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)
