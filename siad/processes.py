"""How many worker processes a build may use, and whether it may fork them.

``multiprocessing`` is imported only when a build forks (5 ms of every start otherwise: most builds
of a few pages never fork)."""

from __future__ import annotations

import os
import threading


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (not from ``siad serve``'s server)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def fork_context():
    """The ``fork`` start method's context, for worker pools and shared values."""
    import multiprocessing

    return multiprocessing.get_context("fork")
