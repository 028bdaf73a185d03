"""How many worker processes a build may use, and whether it may fork them."""

from __future__ import annotations

import multiprocessing
import os
import threading


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (not from ``siad serve``'s server)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
