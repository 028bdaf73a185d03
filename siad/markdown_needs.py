"""Python-Markdown without the tries that cannot match.

Python-Markdown tries each of its inline patterns (code, escapes, links, images, automatic links,
line breaks, raw HTML, entities, emphasis: 14 with siad's extensions) on each text of a page, one
regular expression after the other: 44 tries a page of the benchmark's corpus, nearly all in vain,
a third of the time it takes to convert a page. Each of these patterns needs a given character to
match (« [ » for a link, « * » or « _ » for emphasis, « < » for raw HTML…): :class:`InlineByNeeds`
does not try a pattern on a text without it, and leaves a text with none of them as it is. A pattern
it does not know (another extension's) is always tried.

The same for blocks (:func:`narrow_block_processors`): each paragraph is tested by a dozen block
processors, several searching the whole block for a line that starts with « # », « > », « : » or
« --- »; a processor whose test cannot succeed without a given text is not asked on a block without
it. The results are Python-Markdown's own (tested on random texts dense in those characters, and on
every page of the default site).
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
        self.inlinePatterns = list(self.md.inlinePatterns)  # in order, indexed at each try: a list, not the registry
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


# Block processors whose test cannot succeed on a block without one of these texts: name → (class, needs).
BLOCK_TEST_NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hashheader": ("HashHeaderProcessor", ("#",)),  # a line starting with « # »
    "setextheader": ("SetextHeaderProcessor", ("\n=", "\n-")),  # a first line underlined
    "hr": ("HRProcessor", ("-", "_", "*")),  # a line of three of them
    "deflist": ("DefListProcessor", (":",)),  # a line starting with « : »
    "quote": ("BlockQuoteProcessor", (">",)),  # a line starting with « > »
}
# Block processors whose test always succeeds and whose run gives up (False, the blocks as they were)
# on a first block without one of these texts.
BLOCK_RUN_NEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "abbr": ("AbbrBlockprocessor", ("*[",)),  # « *[SIAD]: … »
    "reference": ("ReferenceProcessor", ("]:",)),  # « [id]: https://… »
}


def narrow_block_processors(md: markdown.Markdown) -> None:
    """Have the block processors of :data:`BLOCK_TEST_NEEDS` and :data:`BLOCK_RUN_NEEDS` (when they are
    Python-Markdown's own classes) skip, without changing anything, the blocks that cannot concern them."""
    registered = md.parser.blockprocessors
    for name, (kind, needs) in BLOCK_TEST_NEEDS.items():
        processor = registered[name] if name in registered else None
        if processor is not None and type(processor).__name__ == kind and type(processor).__module__.startswith("markdown."):
            processor.test = _tested_if_needed(processor.test, needs)
    for name, (kind, needs) in BLOCK_RUN_NEEDS.items():
        processor = registered[name] if name in registered else None
        if processor is not None and type(processor).__name__ == kind and type(processor).__module__.startswith("markdown."):
            processor.run = _run_if_needed(processor.run, needs)


def narrow_toc_marker(md: markdown.Markdown) -> None:
    """The table of contents' extension looks, in every paragraph of every page, for one that is its
    marker alone (« [TOC] »), joining each element's texts to compare: it now looks only in a page
    where the marker's text appears at all (one pass over the texts, in C)."""
    registered = md.treeprocessors
    processor = registered["toc"] if "toc" in registered else None
    if processor is None or type(processor).__name__ != "TocTreeprocessor" or not type(processor).__module__.startswith("markdown."):
        return
    replace = processor.replace_marker

    def replace_marker(root, elem) -> None:
        marker = processor.marker
        if marker and any(marker in text for text in root.itertext()):
            replace(root, elem)

    processor.replace_marker = replace_marker


def _tested_if_needed(test, needs: tuple[str, ...]):
    def narrowed(parent, block: str) -> bool:
        for need in needs:
            if need in block:
                return test(parent, block)
        return False

    return narrowed


def _run_if_needed(run, needs: tuple[str, ...]):
    def narrowed(parent, blocks: list[str]):
        block = blocks[0]
        for need in needs:
            if need in block:
                return run(parent, blocks)
        return False  # what its run returns, the block put back, when nothing in it is for it

    return narrowed
