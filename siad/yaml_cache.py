"""Parsed YAML files, remembered between builds: a large project re-reads thousands of unchanged files.

Composing located nodes with PyYAML's pure-Python parser is the slowest part of loading a large
project (a few milliseconds per reception-point file). A build with a cache (:func:`using`) keeps
each file's parsed tree, keyed by the SHA-256 of its text, as JSON — decoding it is a hundred
times faster. Only files parsed without any message are kept, so every error and warning is still
produced by the parser itself. Without a cache (``siad check``, tests), nothing changes.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from contextlib import contextmanager
from typing import Protocol

from .errors import Location
from .yamlsource import Mapping, Node, Scalar, Sequence


class Store(Protocol):
    def yaml_get(self, key: str) -> str | None: ...
    def yaml_put(self, key: str, value: str) -> None: ...


_STORE: contextvars.ContextVar[Store | None] = contextvars.ContextVar("siad_yaml_store", default=None)


@contextmanager
def using(store: Store | None):
    token = _STORE.set(store)
    try:
        yield
    finally:
        _STORE.reset(token)


_TREES: contextvars.ContextVar[bool] = contextvars.ContextVar("siad_yaml_trees", default=True)


@contextmanager
def without_trees():
    """Parse without keeping the trees: for a loader whose validated result is kept instead
    (:mod:`siad.record_cache`), storing both would only cost a cold build time."""
    token = _TREES.set(False)
    try:
        yield
    finally:
        _TREES.reset(token)


def store() -> Store | None:
    """The store of the build in progress (:func:`using`), if any."""
    return _STORE.get()


def key(text: str, rel: str, line_offset: int) -> str | None:
    """The cache key of a parse, or None when no cache is in use."""
    if _STORE.get() is None or not _TREES.get():
        return None
    return hashlib.sha256(f"{rel}\0{line_offset}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def get(cache_key: str | None, rel: str) -> Node | None:
    store = _STORE.get()
    if cache_key is None or store is None:
        return None
    value = store.yaml_get(cache_key)
    if value is None:
        return None
    try:
        return _decode(json.loads(value), rel)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def put(cache_key: str | None, node: Node) -> None:
    store = _STORE.get()
    if cache_key is not None and store is not None:
        store.yaml_put(cache_key, json.dumps(_encode(node), ensure_ascii=False, separators=(",", ":")))


def _value(value):
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _unvalue(value):
    if isinstance(value, dict):
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        return dt.date.fromisoformat(value["d"])
    return value


def _encode(node: Node) -> list:
    loc = node.loc
    if isinstance(node, Scalar):
        return ["s", loc.line, loc.col, _value(node.value), node.text, node.quoted]
    if isinstance(node, Mapping):
        return ["m", loc.line, loc.col, [[k, kloc.line, kloc.col, _encode(v)] for k, (kloc, v) in node.entries.items()]]
    assert isinstance(node, Sequence)
    return ["l", loc.line, loc.col, [_encode(item) for item in node.items]]


def _decode(data: list, rel: str) -> Node:
    kind, line, col, body = data[0], data[1], data[2], data[3]
    loc = Location(rel, line, col)
    if kind == "s":
        return Scalar(loc, _unvalue(body), data[4], data[5])
    if kind == "m":
        return Mapping(loc, {k: (Location(rel, kl, kc), _decode(v, rel)) for k, kl, kc, v in body})
    if kind == "l":
        return Sequence(loc, [_decode(item, rel) for item in body])
    raise ValueError(kind)
