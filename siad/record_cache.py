"""Validated records remembered between builds: a national project re-validates 10,000 unchanged
reception-point files and a 35,000-row figures CSV on every build.

:func:`remembered` keeps what a loader returned (a :class:`~siad.data.points.Point`, the
:class:`~siad.data.figures.Figures`…) and the messages it reported, keyed by siad's code and by
everything the loader reads (the files' SHA-256, the year…), in the build's cache
(:mod:`siad.yaml_cache`'s store). A later build with the same key decodes them instead of
validating again and reports the same messages. Values are JSON, never pickle: only the dataclasses
of :data:`_TYPES` are rebuilt, and anything else (a dict or list subclass, an unknown object) is
simply not kept. Without a cache (``siad check``, tests), the loader just runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Callable, TypeVar

from . import yaml_cache
from .errors import Diagnostic, Location, Report

T = TypeVar("T")


def _types() -> dict[str, type]:
    from .data.figures import AreaFigures, Bailleur, BailleurStock, Figures
    from .data.points import Point
    from .data.tables import FigureSet, FigureTable, Percentage, TableRow
    from .hours import MonthlyException, Schedule, Slot
    from .schema import PhoneNumber

    kinds = (Point, Schedule, Slot, MonthlyException, PhoneNumber, Location, Figures, AreaFigures, FigureSet,
             FigureTable, TableRow, Percentage, Bailleur, BailleurStock)
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
        return {"$t": [_encode(v, numbers) for v in value]}
    if kind is list:
        return [_encode(v, numbers) for v in value]
    if kind is dict:
        if all(type(k) is str for k in value):
            return {"$s": {k: v if type(v) in _PLAIN else _encode(v, numbers) for k, v in value.items()}}
        return {"$m": [[_encode(k, numbers), _encode(v, numbers)] for k, v in value.items()]}
    if kind is dt.date:
        return {"$d": value.isoformat()}
    if dataclasses.is_dataclass(value) and _registry().get(kind.__name__) is kind:
        number = numbers.get(id(value))
        if number is not None:
            return {"@": number}
        encoded = {"$": kind.__name__, "f": [_encode(getattr(value, f.name), numbers) for f in dataclasses.fields(value)]}
        numbers[id(value)] = len(numbers)  # numbered once its fields are: in the order decoding makes them
        return encoded
    raise _NotKept(kind.__name__)


def decode(data: dict):
    made: list = []
    return _decode(data["r"], made)


def _decode(data, made: list):
    kind = type(data)
    if kind is list:
        return [v if type(v) in _PLAIN else _decode(v, made) for v in data]
    if kind is not dict:
        return data
    if "f" in data:
        value = _registry()[data["$"]](*[v if type(v) in _PLAIN else _decode(v, made) for v in data["f"]])
        made.append(value)
        return value
    if "@" in data:
        return made[data["@"]]
    if "$s" in data:
        return {k: v if type(v) in _PLAIN else _decode(v, made) for k, v in data["$s"].items()}
    if "$t" in data:
        return tuple([v if type(v) in _PLAIN else _decode(v, made) for v in data["$t"]])
    if "$m" in data:
        return {k if type(k) in _PLAIN else _decode(k, made): v if type(v) in _PLAIN else _decode(v, made) for k, v in data["$m"]}
    return dt.date.fromisoformat(data["$d"])


def remembered(kind: str, key: object, report: Report, load: Callable[[Report], T]) -> T:
    """``load(report)``, or what it returned and reported the last time with the same ``key``."""
    store = yaml_cache.store()
    if store is None:
        return load(report)
    from .fingerprint import code_digest

    cache_key = f"{kind}:" + hashlib.sha256(repr((code_digest(), key)).encode("utf-8", "surrogatepass")).hexdigest()
    known = store.yaml_get(cache_key)
    if known is not None:
        try:
            document = json.loads(known)
            value = decode(document["v"])
            messages = [Diagnostic(Location(p, line, col), message, hint, severity) for p, line, col, message, hint, severity in document["d"]]
        except (ValueError, KeyError, TypeError, IndexError):
            pass  # damaged or from another shape of the classes: load again
        else:
            report.diagnostics.extend(messages)
            return value
    start = len(report.diagnostics)
    with yaml_cache.without_trees():
        value = load(report)
    new = report.diagnostics[start:]
    try:
        document = {"v": encode(value), "d": [[d.location.path, d.location.line, d.location.col, d.message, d.hint, d.severity] for d in new]}
    except _NotKept:
        return value
    store.yaml_put(cache_key, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return value
