"""Validated records remembered between builds: a national project re-validates 10,000 unchanged
reception-point files and a 35,000-row figures CSV on every build.

:func:`remembered` keeps what a loader returned (a :class:`~siad.data.points.Point`, the
:class:`~siad.data.figures.Figures`…) and the messages it reported, keyed by siad's code and by
everything the loader reads (the files' SHA-256, the year…), in the build's cache
(:mod:`siad.yaml_cache`'s store). A later build with the same key decodes them instead of
validating again and reports the same messages. Values are JSON, never pickle: only the dataclasses
of :func:`_types` are rebuilt, and anything else (a dict or list subclass, an unknown object) is
simply not kept. While the cache stays open (``siad serve``), the values also stay in its memory.
:func:`remember_each` does the same for many records, those not kept being loaded by forked workers.
Without a cache (``siad check``, tests), the loader just runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import threading
from typing import Callable, TypeVar

from . import yaml_cache
from .errors import Diagnostic, Location, Report
from .processes import available_cores, can_fork, fork_context

T = TypeVar("T")
A = TypeVar("A")


def _types() -> dict[str, type]:
    from .content import SourcePage
    from .data.communes import Commune
    from .data.figures import AreaFigures, Bailleur, BailleurStock, Figures
    from .data.points import Point
    from .data.tables import FigureSet, FigureTable, Percentage, TableRow
    from .hours import MonthlyException, Schedule, Slot
    from .schema import PhoneNumber

    kinds = (Point, Schedule, Slot, MonthlyException, PhoneNumber, Location, Figures, AreaFigures, FigureSet,
             FigureTable, TableRow, Percentage, Bailleur, BailleurStock, Commune, SourcePage)
    return {kind.__name__: kind for kind in kinds}


_TYPES: dict[str, type] = {}


def _registry() -> dict[str, type]:
    if not _TYPES:
        _TYPES.update(_types())
    return _TYPES


class _NotKept(TypeError):
    """A value the cache does not know how to rebuild exactly."""


_PLAIN = {str, int, float, bool, type(None)}  # JSON as they are: most leaves, handled inline for speed


def encode(value) -> dict:
    """``value`` as JSON-ready data. A dataclass instance met again (the same sources shared by
    35,000 communes' figures) is written once and referred to by its number: smaller and faster to
    decode, and decoded values share it again."""
    numbers: dict[int, int] = {}
    return {"r": _encode(value, numbers)}


def _encode(value, numbers: dict[int, int]):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return {"$t": [v if type(v) in _PLAIN else _encode(v, numbers) for v in value]}
    if kind is list:
        return [v if type(v) in _PLAIN else _encode(v, numbers) for v in value]
    if kind is dict:
        if all(type(k) is str for k in value):  # keys and values in one list: every JSON object is a tagged value
            return {"$s": [x for k, v in value.items() for x in (k, v if type(v) in _PLAIN else _encode(v, numbers))]}
        return {"$m": [[_encode(k, numbers), _encode(v, numbers)] for k, v in value.items()]}
    if kind is dt.date:
        return {"$d": value.isoformat()}
    names = _fields_of(kind)
    if names is not None:
        number = numbers.get(id(value))
        if number is not None:
            return {"@": number}
        values = [getattr(value, name) for name in names]
        encoded = {"$": kind.__name__, "f": [v if type(v) in _PLAIN else _encode(v, numbers) for v in values]}
        numbers[id(value)] = len(numbers)  # numbered once its fields are: in the order decoding makes them
        return encoded
    raise _NotKept(kind.__name__)


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields_of(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass the cache knows (:func:`_types`), in order; None for any other type."""
    names = _FIELDS.get(kind, False)
    if names is False:
        known = dataclasses.is_dataclass(kind) and _registry().get(kind.__name__) is kind
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if known else None
    return names


def decode(data: dict):
    """The value :func:`encode` gave ``data`` for."""
    return loads(json.dumps(data))["r"]


def loads(text: str):
    """The JSON ``text`` of a document holding encoded values, decoded: the JSON decoder (C) walks it
    and calls :func:`_rebuilder` for each object, innermost first — the order in which the encoder
    numbered the dataclass instances. One decoder per thread, its numbering started again for each
    document (making a decoder costs as much as decoding a point's open-data lines)."""
    decoder = getattr(_DECODERS, "decoder", None)
    if decoder is None:
        made: list = []
        decoder = _DECODERS.decoder = (json.JSONDecoder(object_hook=_rebuilder(made)), made)
    decoder[1].clear()
    return decoder[0].decode(text)


_DECODERS = threading.local()


_MAKERS: dict[str, Callable[[list], object]] = {}


def _makers() -> dict[str, Callable[[list], object]]:
    """Class name → a function making an instance from its fields' values, in order. Not through
    ``__init__``: a frozen dataclass sets each field with ``object.__setattr__``, twice as slow, and
    none of these classes computes anything when made (no ``__post_init__``, no slots; tested). A
    damaged document with more or fewer values than fields is refused, as ``__init__`` would."""
    if not _MAKERS:
        for name, kind in _registry().items():
            names = [f.name for f in dataclasses.fields(kind)]

            def make(values: list, kind=kind, names=names, new=object.__new__):
                if type(values) is not list or len(values) != len(names):
                    raise TypeError(f"{kind.__name__}: {len(names)} fields expected")
                value = new(kind)
                value.__dict__.update(zip(names, values))
                return value

            _MAKERS[name] = make
    return _MAKERS


def _rebuilder(made: list) -> Callable[[dict], object]:
    """The object hook; ``made``: the dataclass instances rebuilt so far in the document, by number."""
    makers = _makers()
    date = dt.date.fromisoformat

    def rebuild(obj: dict):
        if "f" in obj:
            value = makers[obj["$"]](obj["f"])
            made.append(value)
            return value
        if "@" in obj:
            return made[obj["@"]]
        if "$s" in obj:
            items = iter(obj["$s"])
            return dict(zip(items, items))
        if "$t" in obj:
            return tuple(obj["$t"])
        if "$m" in obj:
            return {key: value for key, value in obj["$m"]}
        if "$d" in obj:
            return date(obj["$d"])
        return obj  # the document itself, and its value's wrapper

    return rebuild


def remembered(kind: str, key: object, report: Report, load: Callable[[Report], T]) -> T:
    """``load(report)``, or what it returned and reported the last time with the same ``key``."""
    store = yaml_cache.store()
    if store is None:
        return load(report)
    cache_key = _cache_key(kind, key)
    known = _known(store, cache_key)
    if known is not None:
        report.diagnostics.extend(known[1])
        return known[0]
    start = len(report.diagnostics)
    with yaml_cache.without_trees():
        value = load(report)
    messages = report.diagnostics[start:]
    _keep(store, cache_key, value, messages, _document(value, messages))
    return value


class Batch:
    """Many records of one kind (``remember_each``): those not remembered are loaded by forked
    workers while the caller goes on with something else; :meth:`results` loads those still left,
    then waits for the workers' (one process fewer than ``jobs``: the caller is the last loader)."""

    def __init__(self, kind: str, items: list[tuple[object, A]], load: Callable[[A, Report], T], jobs: int) -> None:
        global _BATCH_LOAD
        self.store = yaml_cache.store()
        self.keys = [_cache_key(kind, key) if self.store is not None else None for key, _ in items]
        self.done: dict[int, tuple] = {}  # index → (value, messages, document to store or None)
        stored = _stored_many(self.store, [k for k in self.keys if k is not None])
        for i, cache_key in enumerate(self.keys):
            known = _known(self.store, cache_key, stored) if cache_key is not None else None
            if known is not None:
                self.done[i] = (known[0], known[1], None)
        self.todo = [(i, arg) for i, (_, arg) in enumerate(items) if i not in self.done]
        self.load, self.pool, self.pending, self.chunks, self.claimed, self.workers = load, None, None, [], None, 0
        if jobs > 1 and len(self.todo) >= MIN_PARALLEL_RECORDS and can_fork():
            # small chunks claimed one by one from a shared counter, by the workers and, once it is
            # done with its own work, by the caller too: nobody waits while chunks are left
            size = max(8, len(self.todo) // (jobs * 16))
            self.chunks = [self.todo[start:start + size] for start in range(0, len(self.todo), size)]
            context = fork_context()
            self.claimed = context.Value("i", 0)
            _BATCH_LOAD = (load, self.store is not None, self.chunks, self.claimed)
            self.workers = min(jobs - 1, len(self.chunks))  # the caller is the last loader
            try:
                self.pool = context.Pool(self.workers)
            finally:
                _BATCH_LOAD = None
            self.pending = self.pool.map_async(_claim_chunks, range(self.workers))

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:  # results() not reached (an exception): stop the workers
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def results(self) -> list[tuple[T, list[Diagnostic]]]:
        """Every record and the messages its load reported, in the order of the items."""
        if self.pending is not None:
            try:
                self.done.update(_claimed_loads(self.chunks, self.claimed, self.load, self.store is not None))
                for loaded in self.pending.get():
                    self.done.update(loaded)
            finally:
                self.pool.close()
                self.pool.join()
                self.pool, self.pending = None, None
        else:
            self.done.update(_load_items(self.todo, self.load, self.store is not None))
        results = []
        for i, cache_key in enumerate(self.keys):
            value, messages, document = self.done[i]
            if document is not None and self.store is not None:
                _keep(self.store, cache_key, value, messages, document)
            results.append((value, messages))
        return results


def remember_each(kind: str, items: list[tuple[object, A]], load: Callable[[A, Report], T], jobs: int = 0) -> Batch:
    """:func:`remembered` for many items (``(key, argument of load)``), the loads spread over
    ``jobs`` processes (default: every available core) when there are many."""
    return Batch(kind, items, load, jobs or available_cores())


MIN_PARALLEL_RECORDS = 200  # below this, starting workers costs more than it saves
_BATCH_LOAD: tuple | None = None  # (load, keep, chunks, counter): set while the workers fork, inherited by them


def _claim_chunks(_worker: int) -> list[tuple[int, tuple]]:
    load, keep, chunks, claimed = _BATCH_LOAD
    return _claimed_loads(chunks, claimed, load, keep)


def _claimed_loads(chunks: list[list[tuple[int, object]]], claimed, load: Callable, keep: bool) -> list[tuple[int, tuple]]:
    """Load chunks, each claimed from the shared counter, until none is left."""
    loaded = []
    while True:
        with claimed.get_lock():
            number = claimed.value
            claimed.value = number + 1
        if number >= len(chunks):
            return loaded
        loaded += _load_items(chunks[number], load, keep)


def _load_items(items: list[tuple[int, object]], load: Callable, keep: bool) -> list[tuple[int, tuple]]:
    loaded = []
    for i, arg in items:
        report = Report()
        with yaml_cache.without_trees():
            value = load(arg, report)
        loaded.append((i, (value, report.diagnostics, _document(value, report.diagnostics) if keep else None)))
    return loaded


def _cache_key(kind: str, key: object) -> str:
    """``kind:`` and the SHA-256 of siad's code and ``key`` (the code's part hashed once per process)."""
    base = _KEY_BASE.get(kind)
    if base is None:
        from .fingerprint import code_digest

        base = _KEY_BASE[kind] = hashlib.sha256(f"{code_digest()}\0{kind}\0".encode())
    digest = base.copy()
    digest.update(repr(key).encode("utf-8", "surrogatepass"))
    return f"{kind}:" + digest.hexdigest()


_KEY_BASE: dict[str, "hashlib._Hash"] = {}


def _stored_many(store, keys: list[str]) -> dict[str, str] | None:
    """The stored forms of the records ``keys`` that the store's memory does not hold, read at once;
    None when the store cannot (each is then read alone)."""
    get_many = getattr(store, "yaml_get_many", None)
    if get_many is None:
        return None
    held = getattr(store, "record_held", None)
    return get_many([k for k in keys if held is None or not held(k)])


def _known(store, cache_key: str, stored: dict[str, str] | None = None) -> tuple | None:
    """(value, messages) kept under ``cache_key``: in the store's memory (a long-running ``siad serve``),
    else decoded from its stored form (``stored``: those read beforehand, by key)."""
    in_memory = getattr(store, "record_get", None)
    found = in_memory(cache_key) if in_memory is not None else None
    if found is None:
        found = _recall(stored.get(cache_key) if stored is not None else store.yaml_get(cache_key))
        if found is not None and in_memory is not None:
            store.record_put(cache_key, *found)
    return found


def _keep(store, cache_key: str, value: object, messages, document: str | None) -> None:
    if document is None:
        return  # a value the cache cannot rebuild exactly: not kept at all
    store.yaml_put(cache_key, document)
    if getattr(store, "record_put", None) is not None:
        store.record_put(cache_key, value, messages)


def _recall(known: str | None) -> tuple[object, list[Diagnostic]] | None:
    """(value, messages) of a stored document; None when there is none or it cannot be read."""
    if known is None:
        return None
    try:
        document = loads(known)
        value = document["v"]["r"]
        messages = [Diagnostic(Location(p, line, col), message, hint, severity) for p, line, col, message, hint, severity in document["d"]]
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # damaged or from another shape of the classes: load again
    return value, messages


def _document(value: object, messages: list[Diagnostic]) -> str | None:
    try:
        document = {"v": encode(value), "d": [[d.location.path, d.location.line, d.location.col, d.message, d.hint, d.severity] for d in messages]}
    except _NotKept:
        return None
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
