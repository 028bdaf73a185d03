"""Every output file of the site: the pages, rendered in parallel or reused when nothing they depend on
changed, then the files made from them (search index) and from the data (vCards, open data, sitemap).

Each page gets a fingerprint (:mod:`siad.fingerprint`). A page whose fingerprint is in the cache
(:mod:`siad.cache`) and whose bytes the live site still holds is not rendered again: its output is
``None`` (« keep the live file »), its facts and diagnostics come from the cache. The others are
rendered across the available cores (forked workers that inherit the planned site) and read once
(:mod:`siad.page_facts`); results are put back in the order of the pages, so the output, the
diagnostics and their order are the same whatever the number of workers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import yaml_cache
from .cache import CachedPage, PageCache
from .clock import build_date
from .errors import Report
from .fingerprint import Dependencies, common_key, page_fingerprint
from .headers import HEADERS_FILE, headers_file
from .markup import shortcode_names
from .model import UPDATES_URL, Page, Site
from .opendata import OPEN_DATA_DIR
from .page_facts import PageFacts, read_page
from .processes import available_cores, can_fork, fork_context
from .render import Renderer
from .search_index import SEARCH_INDEX, by_name_record, named_outputs, search_index, search_record
from .sitemap import sitemap_files
from .theme import Theme, ThemeError
from .vcard import has_contacts, vcard, vcard_name
from .writer import safe_relative
from .updates import FEED, atom_feed

MIN_PARALLEL_PAGES = 64  # below this, starting workers costs more than it saves


@dataclass
class SiteOutput:
    files: dict[str, bytes | None]  # None: the same bytes as the live site's file
    digests: dict[str, str] = field(default_factory=dict)  # SHA-256 of each page
    facts: dict[str, PageFacts] = field(default_factory=dict)
    search: dict[str, bytes | None] = field(default_factory=dict)  # each page's record in the search index
    rendered: int = 0
    reused: int = 0
    staged: dict[str, int] = field(default_factory=dict)  # pages already written into the staging folder → their size
    outputs: str = ""  # digest of the list of output files
    link_scope: set[str] | None = None  # the pages whose links need checking (None: all of them)
    previous_links: dict = field(default_factory=dict)  # the link check's messages of the other pages
    fresh: dict[str, CachedPage] = field(default_factory=dict)  # the pages rendered by this build, for the cache


def render_site(site: Site, theme: Theme, report: Report, cache: PageCache, live: dict[str, str], jobs: int | None = None,
                staging: Path | None = None) -> SiteOutput:
    """Every output file; with ``staging``, when there is no live site or most pages must be rendered
    again (a new version of siad, a template changed), each page is written there by the process that
    renders it — in parallel, and without sending its bytes back — and its value is None."""
    renderer = Renderer(site, theme, report)
    pages = sorted(site.pages, key=lambda p: p.output)
    listings = {part.url for part in site.indexes.parts()} if site.indexes else set()
    named = named_outputs(pages, listings)  # found by name in the search index: their words are not read
    common = common_key(site, theme, build_date().isoformat(), bool(named))
    dependencies = Dependencies(site, renderer.points_by_commune)
    fingerprints = [page_fingerprint(common, dependencies, page) for page in pages]
    known = cache.known()
    candidates = [page.output for page, fp in zip(pages, fingerprints)
                  if known.get(page.output, ("", ""))[0] == fp and live.get(page.output) == known[page.output][1]]
    reusable = cache.pages(candidates)
    todo = [i for i, page in enumerate(pages) if page.output not in reusable]
    site.updates  # made once here, before the workers fork: they inherit it

    def make_open_data() -> None:
        with yaml_cache.using(cache):  # the open data's lines of unchanged points come from the cache
            site.open_data
    # the open data (1.4 s nationally from scratch) is made here while the workers render the pages
    # that do not show it; those that do are rendered here afterwards
    late = {i for i in todo if _shows_open_data(pages[i])}
    if live and 2 * len(todo) <= len(pages):
        staging = None  # a few pages: their bytes come back, and the live site is updated file by file
    results = _render(renderer, pages, todo, site.config.base_url, jobs, staging, live, named, make_open_data, late)

    output = SiteOutput(files={})
    fresh: dict[str, CachedPage] = {}
    for i, page in enumerate(pages):
        if page.output in reusable:
            cached = reusable[page.output]
            report.diagnostics.extend(cached.diagnostics)
            output.files[page.output] = None
            output.digests[page.output], output.facts[page.output] = cached.digest, cached.facts
            output.search[page.output] = cached.search
            output.reused += 1
            continue
        html, digest, facts, record, diagnostics, theme_error, staged, card = results[i]
        report.diagnostics.extend(diagnostics)
        if theme_error is not None:
            report.error(*theme_error)
            break  # the same template error would repeat on every page
        output.files[page.output], output.digests[page.output], output.facts[page.output] = html, digest, facts
        output.search[page.output] = record
        if staged is not None:
            output.staged[page.output] = staged
        if card is not None:  # the point's vCard, made with its page
            name, output.files[name], output.digests[name], card_staged = card
            if card_staged is not None:
                output.staged[name] = card_staged
        fresh[page.output] = CachedPage(fingerprints[i], digest, facts, diagnostics, search=record)
        output.rendered += 1
    if report.has_errors:
        return output
    # the previous version of the pages rendered again (not worth reading when most pages were)
    before = cache.pages(list(fresh)) if len(fresh) * 2 < len(pages) else {}
    output.fresh = fresh  # stored by the caller once their links are checked
    _add_other_files(site, theme, output, set(reusable), live, listings, named)
    output.outputs = hashlib.sha256("\n".join(sorted(output.files)).encode("utf-8")).hexdigest()
    _link_scope(output, reusable, before, fresh, cache.outputs())
    return output


def _link_scope(output: SiteOutput, reused: dict[str, CachedPage], before: dict[str, CachedPage], fresh: dict[str, CachedPage], last_outputs: str | None) -> None:
    """Which pages the link check must read: when no file appeared or disappeared and no page rendered
    again changed its ids, a reused page's links resolve as before, so its last messages stand."""
    if last_outputs != output.outputs or any(reused[o].links is None for o in reused):
        return
    if any(o not in before or before[o].facts.ids != page.facts.ids for o, page in fresh.items()):
        return
    output.link_scope = set(fresh)
    output.previous_links = {o: page.links for o, page in reused.items()}


def _add_other_files(site: Site, theme: Theme, output: SiteOutput, reused: set[str], live: dict[str, str],
                     listings: set[str], named: set[str]) -> None:
    """Everything but the pages. ``reused``: the pages taken from the cache; ``live``: the manifest of
    the site on disk; ``listings``, ``named``: see :func:`siad.search_index.search_index`."""
    out = output.files
    out[SEARCH_INDEX] = search_index(site.pages, out, output.search, listings, named)  # from the rendered pages
    for logical, asset in sorted(theme.assets.items()):
        out[asset.output] = asset.read()
    for page in site.pages:
        if page.point is not None and has_contacts(page.point):
            name = f"{page.url}{vcard_name(page.point)}"
            if name in out:
                continue  # made by the process that rendered its page
            if page.output in reused and name in live:  # its page's inputs (siad, its file) did not change: nor did its card
                out[name], output.digests[name] = None, live[name]
            else:
                out[name] = vcard(page.point)
    for item in site.open_data:
        out[OPEN_DATA_DIR + item.name] = item.content
    if site.page(UPDATES_URL):
        out[FEED] = atom_feed(site)
    for name, data in sitemap_files(site).items():
        out.setdefault(name, data)  # a robots.txt or sitemap.xml in content/ wins
    out.setdefault(HEADERS_FILE, headers_file())  # security headers; a content/_headers wins
    for item in site.static_files:
        out[item.url] = item.source.read_bytes()


# --- rendering, in this process or in forked workers -------------------------------------------

_JOB: tuple | None = None  # (renderer, pages, base_url, staging, live, named): set before forking, inherited by the workers


def _render_one(index: int) -> tuple:
    """(bytes, or None when the live site already has them or once written into the staging folder;
    SHA-256; facts; search-index record; diagnostics; template error; the size written into the
    staging folder, or None; the vCard of a reception point's page, made here too (its name, then
    the same three as the page's), or None)."""
    renderer, pages, base_url, staging, live, named = _JOB
    page = pages[index]
    report = Report()
    renderer.report = report  # the page's own diagnostics, cached with it
    try:
        html = renderer.render_page(page)
    except ThemeError as exc:
        return None, None, None, None, tuple(report.diagnostics), (exc.location, exc.message, exc.hint), None, None
    data, digest, staged = _stage(page.output, html.encode("utf-8"), staging, live)
    card = None
    if page.point is not None and has_contacts(page.point):
        name = f"{page.url}{vcard_name(page.point)}"
        card = (name, *_stage(name, vcard(page.point), staging, live))
    by_name = page.output in named  # its words are not kept: not read
    facts = read_page(html, base_url, text=not by_name)
    record = by_name_record(page) if by_name else search_record(page, facts.entry)
    return data, digest, facts.compact(), record, tuple(report.diagnostics), None, staged, card


def _stage(name: str, data: bytes, staging: Path | None, live: dict[str, str]) -> tuple[bytes | None, str, int | None]:
    """(the bytes, or None when the live site has them — neither sent back nor written — or once
    written into the staging folder; their SHA-256; the size written there, or None)."""
    digest = hashlib.sha256(data).hexdigest()
    if live.get(name) == digest:
        return None, digest, None
    if staging is None:
        return data, digest, None
    target = staging.joinpath(*safe_relative(name).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None, digest, len(data)


def _shows_open_data(page: Page) -> bool:
    """Whether the page calls the « donnees-ouvertes » shortcode (the open-data files and their sizes)."""
    return page.markdown is not None and "donnees-ouvertes" in shortcode_names(page.markdown.body)


def _render_chunk(indices: list[int]) -> list[tuple]:
    return [_render_one(i) for i in indices]


def _render(renderer: Renderer, pages: list[Page], todo: list[int], base_url: str | None, jobs: int | None,
            staging: Path | None = None, live: dict[str, str] | None = None, named: set[str] | frozenset = frozenset(),
            meanwhile=lambda: None, late: set[int] | frozenset = frozenset()) -> dict[int, tuple]:
    """The results of ``_render_one`` for the pages ``todo``. ``meanwhile`` is called while the
    workers render, and the pages ``late`` are rendered after it, in this process."""
    global _JOB
    jobs = jobs or available_cores()
    main_report = renderer.report
    _JOB = (renderer, pages, base_url, staging, live or {}, named)
    results: dict[int, tuple] = {}
    try:
        if can_fork() and jobs > 1 and len(todo) >= MIN_PARALLEL_PAGES:
            size = max(4, len(todo) // (jobs * 32))  # small enough that no worker waits long for the last one
            early = [i for i in todo if i not in late]
            chunks = [early[start:start + size] for start in range(0, len(early), size)]
            with fork_context().Pool(max(1, min(jobs, len(chunks)))) as pool:
                rendering = pool.imap(_render_chunk, chunks)
                meanwhile()
                results.update((i, _render_one(i)) for i in sorted(late))
                for chunk, rendered in zip(chunks, rendering):
                    results.update(zip(chunk, rendered))
        else:
            meanwhile()
            for i in todo:
                results[i] = _render_one(i)
                if results[i][5] is not None:
                    break  # a template error: the build stops at the first page that shows it
    finally:
        _JOB = None
        renderer.report = main_report
    return results
