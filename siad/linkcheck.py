"""Every internal link and anchor of the built site resolves: checked on the rendered files, before writing.

A broken ``href``/``src`` or an unknown ``#fragment`` is a warning (an error under --strict),
located at the source of the page that contains it. External links (``https:``, ``mailto:``,
``tel:``…) are not fetched: the build never goes on the network.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from .errors import Diagnostic, Location, Report
from .page_facts import PageFacts, read_page
from .processes import available_cores, can_fork, fork_context

def _parse(data: bytes) -> PageFacts:
    return read_page(data.decode("utf-8", errors="replace"))


def _target(page: str, path: str, base_path: str, files: dict[str, bytes]) -> str:
    """The output file a link's path designates, as a key of ``files`` (may not exist)."""
    if path.startswith("/"):
        if not path.startswith(base_path):
            return path  # outside the site: never in ``files``
        resolved = path[len(base_path):]
    else:
        resolved = posixpath.join(posixpath.dirname(page), path)
    resolved = posixpath.normpath(resolved) if resolved else ""
    if resolved in (".", ""):
        resolved = ""
    if resolved.startswith("../"):
        return "../"  # above the site root
    if path.endswith("/") or resolved == "" or (resolved not in files and resolved + "/index.html" in files):
        return posixpath.join(resolved, "index.html") if resolved else "index.html"
    return resolved


def check_links(files: dict[str, bytes | None], sources: dict[str, str], base_path: str, report: Report,
                facts: dict[str, PageFacts] | None = None, only: set[str] | None = None,
                previous: dict[str, tuple[Diagnostic, ...]] | None = None, jobs: int | None = None) -> dict[str, tuple[Diagnostic, ...]]:
    """Report every internal link or anchor of the HTML ``files`` that does not resolve.

    ``files``: every output path (the bytes are only read for HTML pages missing from ``facts``);
    ``sources``: output path → the project file the page comes from (for the message);
    ``base_path``: the site's path on its server (« / » or « /siad/ »), for root-relative links;
    ``facts``: the pages already read (:func:`siad.page_facts.read_page`);
    ``only`` and ``previous``: check only these pages, and report the ``previous`` messages of the
    others (an incremental build, when no page appeared, disappeared or changed its ids);
    ``jobs``: processes that may share the pages when there are many (default: one per available core).
    Returns the messages of each page it checked, in the order they were reported."""
    global _CHECK
    facts = facts or {}
    previous = previous or {}
    names = sorted(name for name in files if name.endswith(".html"))
    todo = [page for page in names if not (only is not None and page in facts and page not in only and page in previous)]
    jobs = min(jobs or available_cores(), len(todo) // MIN_PAGES_PER_PROCESS)
    _CHECK = (files, sources, base_path, facts)
    try:
        if jobs > 1 and can_fork():
            # the first parts by forked processes, the last one here; the messages in the pages' order
            size = -(-len(todo) // jobs)
            parts = [todo[start:start + size] for start in range(0, len(todo), size)]
            with fork_context().Pool(len(parts) - 1) as pool:
                pending = [pool.apply_async(_check_pages, (part,)) for part in parts[:-1]]
                last = _check_pages(parts[-1])
                found = [messages for waiting in pending for messages in waiting.get()] + last
        else:
            found = _check_pages(todo)
    finally:
        _CHECK = None
    checked = dict(zip(todo, found))
    for page in names:
        messages = checked[page] if page in checked else previous[page]
        report.diagnostics.extend(messages)
    return checked


MIN_PAGES_PER_PROCESS = 4000  # below this, forking costs more than it saves
_CHECK: tuple | None = None  # (files, sources, base_path, facts): set while the processes fork, inherited by them


def _check_pages(pages: list[str]) -> list[tuple[Diagnostic, ...]]:
    """The messages of each of ``pages``, in order."""
    files, sources, base_path, facts = _CHECK
    found = []
    # Where a relative link leads depends only on the folder its leading « ../ » climb to: « ../x/ » is
    # the same file from every page of communes/*/ (communes/x/), « ../../x/ » from any page two folders
    # deep (x/). So links are resolved once per (that folder, the rest of the link); root paths and
    # external links, and links climbing above the root, once per (depth, link): most of siad's links.
    shared: dict[tuple, tuple[str | None, str]] = {}
    for page in pages:
        collected = facts.get(page) or _parse(files[page])
        page_report = Report()
        seen: set[str] = set()
        depth = page.count("/")
        folders = page.split("/")[:-1]
        for url, line in collected.links:
            if url in seen:
                continue
            seen.add(url)
            known = shared.get((depth, url))  # most links: the same from every page as deep (below)
            if known is None:
                key = _shared_key(url, depth, folders)
                known = shared.get(key) if key is not None else None
            if known is not None:
                target, fragment = known
                if target is None:
                    continue
            else:
                parts = urlsplit(url)
                if parts.scheme or parts.netloc:
                    if key is not None:
                        shared[key] = (None, "")
                    continue
                path, fragment = unquote(parts.path), unquote(parts.fragment)
                target = _target(page, path, base_path, files) if path else page
                if key is not None:
                    shared[key] = (target, fragment)
            if target not in files:
                page_report.warning(Location(sources.get(page, page)), f"lien cassé dans la page {page} (ligne {line}) : « {url} » ne mène à aucun fichier du site", "corrigez le lien, ou ajoutez la page ou le fichier qu'il vise")
            elif fragment and target.endswith(".html") and fragment not in _ids(target, facts, files):
                page_report.warning(Location(sources.get(page, page)), f"ancre inconnue dans la page {page} (ligne {line}) : « {url} » : la page {target} n'a pas d'élément id=\"{fragment}\"", "corrigez l'ancre : elle doit reprendre l'identifiant d'un titre de la page visée")
        found.append(tuple(page_report.diagnostics))
    return found


def _shared_key(url: str, depth: int, folders: list[str]) -> tuple | None:
    """The key under which a link leads to the same place from every page that has it (see
    :func:`_check_pages`); None for a link resolved from the page itself (« #fragment », « ?q »)."""
    if not url or url[0] in "#?":
        return None
    if url[0] == "/" or _SCHEME.match(url):
        return (depth, url)  # a root path or another site (« //host/ », a scheme): the same from anywhere
    climbs = 0
    while url.startswith("../", climbs * 3):
        climbs += 1
    if climbs >= depth:
        return (depth, url)  # from the root's own folder, or above it
    return ("/".join(folders[:depth - climbs]), url[climbs * 3:])


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # what urlsplit takes for a scheme


def _ids(target: str, facts: dict[str, PageFacts], files: dict[str, bytes | None]) -> frozenset[str] | set[str]:
    if target in facts:
        return facts[target].ids
    return _parse(files[target]).ids if files.get(target) is not None else frozenset()
