"""libyaml's fast path for plain YAML files (:mod:`siad.yamlsource` reads everything else, and words
every problem, with PyYAML's pure-Python composer)."""

from __future__ import annotations

import yaml

try:
    from yaml import CSafeLoader
except ImportError:  # PyYAML built without libyaml
    CSafeLoader = None

_IMPLICIT_TAGS: dict[str, str] = {}  # a plain scalar's text → the tag PyYAML's resolver gives it


if CSafeLoader is not None:
    class _Loader(CSafeLoader):  # type: ignore[misc, valid-type]
        """libyaml's loader, with the tag of each plain scalar remembered by its text: PyYAML's
        resolver tries its patterns in Python for every scalar libyaml composes (800,000 in a national
        project, most of them the same few texts: « 09:00 », « accueil », « lundi »…). The tag depends
        on the text only (the safe loader has no path resolvers), so it is the same tag."""

        def resolve(self, kind, value, implicit):
            if kind is yaml.ScalarNode and implicit[0]:
                tag = _IMPLICIT_TAGS.get(value)
                if tag is None:
                    if len(_IMPLICIT_TAGS) > 200_000:
                        _IMPLICIT_TAGS.clear()
                    tag = _IMPLICIT_TAGS[value] = super().resolve(kind, value, implicit)
                return tag
            return super().resolve(kind, value, implicit)


def compose_plain(text: str, max_depth: int) -> yaml.Node | None:
    """The document's nodes composed by libyaml (PyYAML's C extension, many times faster), when it
    is installed and the text is plain: one document, no anchor or alias, no node deeper than
    ``max_depth``. None for anything else.

    Without « & » nor « * » in the text there can be no anchor nor alias, and a libyaml that stops at
    1,000 levels (0.2.5 and later) can compose the text at once, its depth checked on the nodes; the
    other texts are first read as events (three times the cost of composing), so that libyaml never
    recurses through an unbounded nesting."""
    if CSafeLoader is None:
        return None
    try:
        if "&" in text or "*" in text or not _NESTING_BOUNDED:
            depth = 0  # of the enclosing collections
            for event in yaml.parse(text, Loader=CSafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    return None
                if isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent)) and depth + 1 > max_depth:
                    return None  # a node as deep as the pure-Python composer refuses
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
            return yaml.compose(text, Loader=_Loader)
        root = yaml.compose(text, Loader=_Loader)
        return None if root is not None and _depth(root) > max_depth else root
    except (yaml.YAMLError, ValueError, TypeError):
        return None


def _libyaml_bounds_nesting() -> bool:
    try:
        from yaml import _yaml

        return tuple(_yaml.get_version()) >= (0, 2, 5)  # « exceeded maximum nesting depth » at 1,000
    except (ImportError, AttributeError, TypeError):
        return False


_NESTING_BOUNDED = CSafeLoader is not None and _libyaml_bounds_nesting()


def _depth(root: yaml.Node) -> int:
    """The level of the deepest node, the root being 1, scalars counted (as the pure-Python composer
    counts them), without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, yaml.MappingNode):
            stack.extend((item, depth + 1) for pair in node.value for item in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return deepest
