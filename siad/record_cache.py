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


def encode(value):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return {"$t": [encode(v) for v in value]}
    if kind is list:
        return [encode(v) for v in value]
    if kind is dict:
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if kind is dt.date:
        return {"$d": value.isoformat()}
    if dataclasses.is_dataclass(value) and _registry().get(kind.__name__) is kind:
        return {"$": kind.__name__, "f": [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]}
    raise _NotKept(kind.__name__)


def decode(data):
    kind = type(data)
    if kind is list:
        return [v if type(v) in _PLAIN else decode(v) for v in data]
    if kind is not dict:
        return data
    if "f" in data:
        return _registry()[data["$"]](*[v if type(v) in _PLAIN else decode(v) for v in data["f"]])
    if "$t" in data:
        return tuple([v if type(v) in _PLAIN else decode(v) for v in data["$t"]])
    if "$m" in data:
        return {k if type(k) in _PLAIN else decode(k): v if type(v) in _PLAIN else decode(v) for k, v in data["$m"]}
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
    value = load(report)
    new = report.diagnostics[start:]
    try:
        document = {"v": encode(value), "d": [[d.location.path, d.location.line, d.location.col, d.message, d.hint, d.severity] for d in new]}
    except _NotKept:
        return value
    store.yaml_put(cache_key, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
    return value
