"""The incremental build's memory, kept between builds in ``.siad-cache/<output>/pages.sqlite3``.

For each output page: the fingerprint of everything it was rendered from (:mod:`siad.fingerprint`),
the SHA-256 of the bytes it produced, what the checks read in it (:class:`~siad.page_facts.PageFacts`)
and the diagnostics its rendering gave. A page is rendered again unless its fingerprint is the same
*and* the live site still holds those bytes (its manifest says so): the cache can make a build
faster, never different. SQLite (standard library): a build's changes land in one transaction, so a
killed build leaves the cache as it was; values are JSON, never pickle, because the folder may come
from elsewhere (a CI cache). A cache that cannot be read is thrown away, never an error.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from . import __version__
from .errors import Diagnostic, Location
from .page_facts import PageFacts

CACHE_FILE = "pages.sqlite3"
JOINED_KEYS = 1000  # see PageCache._rows_of
_SCHEMA = f"siad {__version__}, schéma 6"


@dataclass(frozen=True)
class CachedPage:
    fingerprint: str
    digest: str
    facts: PageFacts
    diagnostics: tuple[Diagnostic, ...]
    links: tuple[Diagnostic, ...] | None = None  # the link check's messages about this page, once checked
    search: bytes | None = None  # its record in the search index, UTF-8 JSON (siad.search_index.search_record)


class PageCache:
    """Cached pages by output path; ``folder`` None keeps them in memory only (``siad check``, tests)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / CACHE_FILE if folder is not None else None
        self._db: sqlite3.Connection | None = None
        self._known: dict[str, tuple[str, str]] | None = None
        self._memory: dict[str, CachedPage] = {}
        self._meta: dict[str, str] = {}
        self._yaml_new: dict[str, str] = {}
        self._yaml_used: set[str] = set()
        self._records: dict[str, tuple] = {}
        self._records_used: set[str] = set()
        self._this_build: set[str] = set()  # pages recorded by the build under way
        self._records_new: set[str] = set()  # records kept by the build under way
        self._files: dict[str, tuple] | None = None  # input files' digests as stored (siad.digests)
        if self.path is not None:
            self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = _connect(self.path)
            _create_tables(self._db)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != _SCHEMA:  # another version of siad: start again from nothing
                self._db.close()
                self._db = None
                self._reset()
        except (sqlite3.Error, OSError):
            self._reset()

    def _reset(self) -> None:
        """An unreadable cache (damaged, from another version): start again from nothing."""
        if self._db is not None:
            self._db.close()
        self._db = None
        self._known, self._memory, self._meta, self._files = {}, {}, {}, {}
        if self.path is not None:
            try:
                self.path.unlink(missing_ok=True)
                self._db = _connect(self.path)
                _create_tables(self._db)
                with self._db:
                    self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (_SCHEMA,))
            except (sqlite3.Error, OSError):
                self._db = None  # no cache at all: every build is a full one

    def known(self) -> dict[str, tuple[str, str]]:
        """Output path → (fingerprint, digest) of every cached page."""
        if self._known is None:
            self._known = {}
            if self._db is not None:
                try:
                    self._known = {o: (f, d) for o, f, d in self._db.execute("SELECT output, fingerprint, digest FROM pages")}
                except sqlite3.Error:
                    self._reset()
        return self._known

    def pages(self, outputs: list[str]) -> dict[str, CachedPage]:
        """The cached pages among ``outputs`` (memory first, then the database)."""
        found = {o: self._memory[o] for o in outputs if o in self._memory}
        wanted = [o for o in outputs if o not in found]
        if wanted and self._db is not None:
            try:
                rows = self._rows_of("pages", "output", "fingerprint, digest, facts, diagnostics, links, search", wanted)
                for output, fingerprint, digest, facts, diagnostics, links, search in rows:  # the pages' links: when asked for
                    page = CachedPage(fingerprint, digest, PageFacts.from_json(facts, partial(self._page_links, output)), _diagnostics_json(diagnostics),
                                      _diagnostics_json(links) if links is not None else None,
                                      search.encode("utf-8", "surrogatepass") if type(search) is str else search)  # stored as BLOB
                    self._memory[output] = found[output] = page
            except (sqlite3.Error, ValueError, KeyError, TypeError):
                self._reset()
                return {}
        return found

    def _rows_of(self, table: str, key: str, columns: str, keys: list[str]) -> list[tuple]:
        """(key, ``columns``…) of the rows of ``table`` whose ``key`` is one of ``keys``: one query for
        thousands of keys (raises sqlite3.Error). Up to :data:`JOINED_KEYS` keys, through a temporary
        table of them; above, every row whose key starts as all of ``keys`` do (« page: »: the records
        of one kind) is read and the others left out here — a build that changed one page of 4,000
        wants nearly all of them, and filling the temporary table cost more than reading the rest."""
        select = f"SELECT t.{key}, " + ", ".join(f"t.{c.strip()}" for c in columns.split(","))
        if len(keys) <= JOINED_KEYS:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM wanted")
            self._db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((k,) for k in keys))
            return self._db.execute(f"{select} FROM {table} t JOIN wanted w ON t.{key} = w.key").fetchall()
        prefix = os.path.commonprefix(keys)
        rows = self._db.execute(f"{select} FROM {table} t WHERE t.{key} >= ? AND t.{key} < ?", (prefix, prefix + "\U0010ffff")).fetchall()
        wanted = set(keys)
        return [row for row in rows if row[0] in wanted]

    def _page_links(self, output: str) -> str:
        """The JSON text of a cached page's links ("[]" when the cache lost it: nothing to check)."""
        row = None
        if self._db is not None:
            try:
                row = self._db.execute("SELECT page_links FROM pages WHERE output = ?", (output,)).fetchone()
            except sqlite3.Error:
                row = None
        return row[0] if row and type(row[0]) is str else "[]"

    def read_links(self, facts: dict[str, PageFacts]) -> None:
        """Read at once the links of every page of ``facts`` whose links are still in the cache (a link
        check of the whole site; one query instead of one per page)."""
        wanted = [o for o, f in facts.items() if not f.links_known]
        if not wanted or self._db is None:
            return
        try:
            for output, links in self._rows_of("pages", "output", "page_links", wanted):
                if type(links) is str:
                    facts[output].set_links_text(links)
        except sqlite3.Error:
            return  # each page's links are then read when asked for

    def update(self, pages: dict[str, CachedPage], keep: set[str]) -> None:
        """Record ``pages`` (newly rendered, with their links' messages) and forget every page not in
        ``keep``, in one transaction."""
        self._memory.update(pages)
        self._this_build.update(pages)
        for gone in set(self._memory) - keep:
            del self._memory[gone]
        known = self.known()
        for output, page in pages.items():
            known[output] = (page.fingerprint, page.digest)
        gone = set(known) - keep
        for output in gone:
            del known[output]
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    ((o, p.fingerprint, p.digest, *p.facts.to_json(), _diagnostics_text(p.diagnostics),
                      _diagnostics_text(p.links) if p.links is not None else None, p.search)
                     for o, p in sorted(pages.items())),
                )
                self._db.executemany("DELETE FROM pages WHERE output = ?", ((o,) for o in sorted(gone)))
        except sqlite3.Error:
            self._reset()

    def update_links(self, links: dict[str, tuple[Diagnostic, ...]], outputs: str) -> None:
        """Record the link check's messages of the reused pages it checked again, and the digest of the list of output files."""
        for output, diagnostics in links.items():
            if output in self._memory:
                self._memory[output] = replace(self._memory[output], links=diagnostics)
        self._set_meta("outputs", outputs)
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany("UPDATE pages SET links = ? WHERE output = ?",
                                     ((_diagnostics_text(diags), o) for o, diags in sorted(links.items())))
        except sqlite3.Error:
            self._reset()

    def outputs(self) -> str | None:
        """The digest of the list of output files of the last build whose links were checked."""
        return self._get_meta("outputs")

    def _get_meta(self, key: str) -> str | None:
        if key in self._meta:
            return self._meta[key]
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        except sqlite3.Error:
            self._reset()

    def last_build(self) -> dict | None:
        """What the last successful build recorded (:meth:`record_build`), or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'last_build'").fetchone()
            if row is None:
                return None
            data = json.loads(row[0])
            data["diagnostics"] = _diagnostics(data["diagnostics"])
            return data
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def record_build(self, inputs: str, manifest: str, pages: int, diagnostics: list[Diagnostic]) -> None:
        """Remember a successful build: the digest of all its inputs, of the manifest it wrote, its messages."""
        if self._db is None:
            return
        value = json.dumps({"inputs": inputs, "manifest": manifest, "pages": pages,
                            "diagnostics": [_diagnostic_json(d) for d in diagnostics]}, ensure_ascii=False)
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('last_build', ?)", (value,))
        except sqlite3.Error:
            self._reset()

    def forget_build(self) -> None:
        """A build starts: the last one's result no longer stands."""
        self._this_build, self._records_new = set(), set()
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute("DELETE FROM meta WHERE key = 'last_build'")
        except sqlite3.Error:
            self._reset()

    # Input files' digests (siad.digests): path → identity of the file when read, its SHA-256.

    def file_digests(self) -> dict[str, tuple[tuple[int, int, int, int, int], str]]:
        """The digests kept by the last build (:meth:`keep_file_digests`); rows of another shape are left out."""
        if self._files is None:
            self._files = {}
            if self._db is not None:
                try:
                    rows = self._db.execute("SELECT name, dev, ino, size, mtime, ctime, sha256 FROM files").fetchall()
                except sqlite3.Error:
                    rows = []
                for name, *identity, digest in rows:
                    if type(name) is str and all(type(n) is int for n in identity) and type(digest) is str and len(digest) == 64:
                        self._files[name] = (tuple(identity), digest)
        return self._files

    def keep_file_digests(self, known: dict[str, tuple[tuple[int, int, int, int, int], str]]) -> None:
        """Store ``known`` as the digests the next build starts from, writing only the rows that changed."""
        stored = self.file_digests()
        known = {name: entry for name, entry in known.items() if _storable(name, entry[0])}
        changed = [(name, *identity, digest) for name, (identity, digest) in known.items() if stored.get(name) != (identity, digest)]
        gone = [name for name in stored if name not in known]
        self._files = known
        if self._db is None or not (changed or gone):
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM files WHERE name = ?", ((name,) for name in gone))
                self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", changed)
        except sqlite3.Error:
            self._reset()

    # Parsed YAML files (siad.yaml_cache): text digest → JSON tree.

    def yaml_get(self, key: str) -> str | None:
        if self._db is None:
            return None
        self._yaml_used.add(key)
        try:
            row = self._db.execute("SELECT tree FROM yaml WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def yaml_get_many(self, keys: list[str]) -> dict[str, str]:
        """:meth:`yaml_get` for many keys in one query (10,000 points' records: one query, not 10,000)."""
        if self._db is None or not keys:
            return {}
        self._yaml_used.update(keys)
        try:
            return dict(self._rows_of("yaml", "key", "tree", keys))
        except sqlite3.Error:
            return {}

    def yaml_put(self, key: str, value: str) -> None:
        if self._db is not None:
            self._yaml_used.add(key)
            self._yaml_new[key] = value

    # Validated records (siad.record_cache), as values: kept in memory while this cache is open —
    # ``siad serve`` keeps it between rebuilds, which then do not decode 10,000 points again.

    def record_get(self, key: str) -> tuple | None:
        """(value, messages) of a record this cache holds in memory."""
        found = self._records.get(key)
        if found is not None:
            self._records_used.add(key)
            self._yaml_used.add(key)  # its stored form stays in the database too
        return found

    def record_held(self, key: str) -> bool:
        return key in self._records

    def record_put(self, key: str, value: object, messages) -> None:
        self._records[key] = (value, tuple(messages))
        self._records_used.add(key)
        self._records_new.add(key)

    def discard_build(self) -> None:
        """Forget what the build under way recorded: its pages and the records it loaded. For a build
        whose input files changed while it read them: a record kept under the digest its file had
        before being read, or a page under a fingerprint taken after, could be served stale later."""
        for key in self._records_new:
            self._records.pop(key, None)
            self._yaml_new.pop(key, None)
        self._records_new = set()  # parsed trees stay: they are keyed by the very text parsed
        gone, self._this_build = sorted(self._this_build), set()
        known = self.known()
        for output in gone:
            self._memory.pop(output, None)
            known.pop(output, None)
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany("DELETE FROM pages WHERE output = ?", ((o,) for o in gone))
        except sqlite3.Error:
            self._reset()

    def flush_yaml(self) -> None:
        """Store the files parsed by this build and forget those it did not read (older versions)."""
        if self._records_used:  # a build that read no data (nothing changed) keeps them all
            self._records = {key: self._records[key] for key in self._records_used if key in self._records}
            self._records_used = set()
        if self._db is None or not self._yaml_used:
            return
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO yaml VALUES (?, ?)", sorted(self._yaml_new.items()))
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM used")
                self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._yaml_used))
                self._db.execute("DELETE FROM yaml WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error:
            self._reset()
        self._yaml_new, self._yaml_used = {}, set()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _connect(path: Path) -> sqlite3.Connection:
    """The cache's database, read through a memory map: a build reads most of it (each page's
    record and facts), which SQLite otherwise asks the system for 4 KiB at a time (16,000 reads for
    a 4,000-page site changed by one page). Nothing is synced to disk (24 syncs a build before, each
    costing milliseconds on a busy disk): a build killed at any point leaves the database as its
    journal says, as before; only a machine losing power could damage it, and a cache that cannot
    be read is started again. (A write-ahead journal, tried, wrote a cold build's cache twice.)"""
    db = sqlite3.connect(path)
    db.execute("PRAGMA mmap_size = 1073741824")
    db.execute("PRAGMA synchronous = OFF")
    return db


def _storable(name: str, identity: tuple[int, ...]) -> bool:
    """A row SQLite can hold: a name in UTF-8 (not a file name of undecodable bytes), 64-bit numbers."""
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return all(-(1 << 63) <= n < (1 << 63) for n in identity)


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS pages (output TEXT PRIMARY KEY, fingerprint TEXT, digest TEXT, facts TEXT, page_links TEXT, "
               "diagnostics TEXT, links TEXT, search BLOB)")
    db.execute("CREATE TABLE IF NOT EXISTS yaml (key TEXT PRIMARY KEY, tree TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, dev INTEGER, ino INTEGER, size INTEGER, mtime INTEGER, "
               "ctime INTEGER, sha256 TEXT)")


def _diagnostic_json(d: Diagnostic) -> list:
    return [d.location.path, d.location.line, d.location.col, d.message, d.hint, d.severity]


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False) makes an encoder per call


def _diagnostics_text(diagnostics: tuple[Diagnostic, ...]) -> str:
    """The JSON text of ``diagnostics`` (most pages have none: no encoder for them, 46,000 pages nationally)."""
    return _ENCODE([_diagnostic_json(d) for d in diagnostics]) if diagnostics else "[]"


def _diagnostics_json(text: str) -> tuple[Diagnostic, ...]:
    return () if text == "[]" else _diagnostics(json.loads(text))  # most pages: nothing to say, and 46,000 of them


def _diagnostics(rows: list) -> tuple[Diagnostic, ...]:
    return tuple(Diagnostic(Location(path, line, col), message, hint, severity) for path, line, col, message, hint, severity in rows)
