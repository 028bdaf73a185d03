"""Sub-path deployments (``--base-url https://exemple.fr/logement/social/``): the built site is served
over HTTP under that prefix only, like GitHub Pages or an nginx ``location``, and crawled without a
browser. Every page, asset, link, fragment, sitemap and robots entry, JSON-LD address, open-data file
and vCard must answer 200 and stay under the prefix; the 404 page must work at any depth.

The same crawl runs on the site built without a base URL and served at ``/`` (the crawler proven on
the normal case), and on a project with planted mistakes (the crawler proven to see them)."""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

import pytest

from conftest import FIXED_BUILD_EPOCH, REPO_ROOT, run

PREFIX = "/logement/social/"
DEEP_UNKNOWN = "a/b/c/inconnu/"  # under the prefix: the site's 404 page, served four levels down


# --- the server -------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """Serves ``server.root`` under ``server.prefix`` only: anything else is a bare 404; a folder is its
    index.html (a folder without its final « / » is redirected); an unknown address under the prefix is
    the site's 404.html with status 404 (GitHub Pages, nginx ``error_page 404``)."""

    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = unquote(urlsplit(self.path).path)
        prefix, root = self.server.prefix, self.server.root
        if path + "/" == prefix:  # the site's root without its final « / »
            return self._redirect(prefix)
        if not path.startswith(prefix):
            return self._send(404, b"outside the site's prefix", "text/plain")
        target = (root / path[len(prefix):]).resolve()
        if not target.is_relative_to(root):
            return self._send(404, b"outside the site's folder", "text/plain")
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if target.is_file():
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return self._send(200, target.read_bytes(), kind)
        return self._send(404, (root / "404.html").read_bytes(), "text/html")

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind if not kind.startswith("text/") else kind + "; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    prefix: str


@contextmanager
def serving(prefix: str):
    """A server on a free port of 127.0.0.1, whose folder is set after the build (the build needs the port).
    ``prefix`` as it is on the server's disk: « /logement/accès social/ », « /logement/acc%C3%A8s%20social/ » on the wire."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.prefix = prefix
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the crawler ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a link that needs a redirect is reported, not followed
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)

# Attributes that hold an address, by element (HTML 5; what siad's theme or a content page may use).
_URL_ATTRIBUTES = {
    "href": {"a", "area", "link", "base"},
    "src": {"script", "img", "iframe", "source", "audio", "video", "track", "embed", "input"},
    "poster": {"video"},
    "action": {"form"},
    "data": {"object"},
    "cite": {"blockquote", "q", "del", "ins"},
    "data-index": None,  # the search page's index (recherche.js fetches it)
    "data-racine": None,  # the root the search script prefixes its results with
}
_META_URLS = {"og:url", "og:image", "twitter:image"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
_ABSOLUTE = re.compile(r"""https?://[^\s"'<>;,)]+""")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (what, raw address)
        self.base: str | None = None
        self.css: list[str] = []
        self.jsonld: list[str] = []
        self._text: list[str] | None = None  # the text of the <style> or JSON-LD <script> being read
        self._text_kind = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "base" and "href" in values:
            self.base = values["href"]
        for name, value in values.items():
            tags = _URL_ATTRIBUTES.get(name, ())
            if tags is None or tag in tags:
                self.refs.append((f"<{tag} {name}>", value))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.refs.append((f"<{tag} {name}>", candidate.split()[0]))
            elif name == "style":
                self.css.append(value)
        if tag == "meta" and (values.get("property") in _META_URLS or values.get("name") in _META_URLS):
            self.refs.append((f"<meta {values.get('property') or values.get('name')}>", values.get("content", "")))
        if tag == "style" or (tag == "script" and values.get("type") == "application/ld+json"):
            self._text = []
            self._text_kind = tag

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._text is not None and tag in ("style", "script"):
            (self.css if self._text_kind == "style" else self.jsonld).append("".join(self._text))
            self._text = None


@dataclass
class Crawl:
    """What a crawl fetched and what it found wrong."""

    origin: str  # http://127.0.0.1:port
    prefix: str  # « / » or « /logement/social/ »
    fetched: dict[str, int] = field(default_factory=dict)  # address (no fragment) → HTTP status
    bodies: dict[str, bytes] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)  # HTML address → its ids
    references: int = 0
    fragments: list[tuple[str, str, str]] = field(default_factory=list)  # (from, address, fragment)
    problems: list[str] = field(default_factory=list)
    jsonld: dict[str, list[dict]] = field(default_factory=dict)  # page → its JSON-LD blocks
    sitemap: list[str] = field(default_factory=list)
    robots_sitemaps: list[str] = field(default_factory=list)
    search_urls: list[str] = field(default_factory=list)

    @property
    def root(self) -> str:
        return self.origin + self.prefix

    def run(self, starts: list[str], expected: dict[str, int] | None = None) -> "Crawl":
        """Fetch ``starts`` and everything they lead to on this site; ``expected``: a start's status if not 200."""
        expected = expected or {}
        queue = list(starts)
        for url in starts:
            self.fetched.setdefault(url, 0)
        while queue:
            url = queue.pop(0)
            status, body = self._get(url)
            self.fetched[url] = status
            if status != expected.get(url, 200):
                self.problems.append(f"{url} : statut {status}")
                if url not in expected:
                    continue
            self.bodies[url] = body
            for source, target in self._read(url, body):
                if target not in self.fetched:
                    self.fetched[target] = 0
                    queue.append(target)
        for source, target, fragment in self.fragments:
            if target in self.ids and fragment not in self.ids[target]:
                self.problems.append(f"{source} : #{fragment} n'existe pas dans {target}")
        return self

    def _get(self, url: str) -> tuple[int, bytes]:
        try:
            with _OPENER.open(url, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    # Each reader yields (source, address to fetch) and notes the problems it sees.

    def _read(self, url: str, body: bytes):
        path = urlsplit(url).path
        text = body.decode("utf-8", errors="replace")
        if path.endswith(("/", ".html")):
            yield from self._read_html(url, text)
        elif path.endswith(".css"):
            yield from self._read_css(url, url, text)
        elif path.endswith("sitemap.xml"):
            for loc in ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
                self.sitemap.append(loc.text or "")
                yield from self._reference(url, "<loc>", loc.text or "", absolute_only=True)
        elif path.endswith("robots.txt"):
            for line in text.splitlines():
                if line.lower().startswith("sitemap:"):
                    self.robots_sitemaps.append(line.split(":", 1)[1].strip())
                    yield from self._reference(url, "Sitemap:", self.robots_sitemaps[-1], absolute_only=True)
        elif path.endswith("recherche/index.json"):
            for page in json.loads(text)["pages"]:  # addresses from the site's root, as recherche.js uses them
                self.search_urls.append(page["url"])
                if page["url"].startswith("/") or "://" in page["url"]:
                    self.problems.append(f"{url} : « {page['url']} » n'est pas relative à la racine du site")
                yield from self._reference(url, "index de recherche", self.root + page["url"])
            yield from self._read_absolute(url, text)
        elif path.endswith((".json", ".vcf")):
            yield from self._read_absolute(url, text)
        elif path.endswith(".csv"):
            cells = " ".join(cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row)
            yield from self._read_absolute(url, cells)

    def _read_html(self, url: str, text: str):
        parser = _PageParser()
        parser.feed(text)
        parser.close()
        self.ids[url] = parser.ids
        base = urljoin(url, parser.base) if parser.base else url
        if parser.base:
            yield from self._reference(url, "<base href>", parser.base)
        for what, raw in parser.refs:
            yield from self._reference(url, what, raw, base)
        for css in parser.css:
            yield from self._read_css(url, base, css)
        blocks = []
        for block in parser.jsonld:
            try:
                blocks.append(json.loads(block))
            except ValueError:
                self.problems.append(f"{url} : JSON-LD illisible")
                continue
            yield from self._read_absolute(url, block, "JSON-LD")
        self.jsonld[url] = blocks

    def _read_css(self, source: str, base: str, css: str):
        for match in _CSS_URL.finditer(css):
            raw = match.group(2) or match.group(4)
            if not raw.startswith("data:"):
                yield from self._reference(source, "url() CSS", raw, base)

    def _read_absolute(self, source: str, text: str, what: str = "adresse"):
        """Data files and JSON-LD: every absolute address to this site's host (others are not ours)."""
        for raw in _ABSOLUTE.findall(text):
            yield from self._reference(source, what, raw, absolute_only=True)

    def _reference(self, source: str, what: str, raw: str, base: str | None = None, absolute_only: bool = False):
        raw = raw.strip()
        self.references += 1
        if not raw:
            self.problems.append(f"{source} : {what} vide")
            return
        scheme = urlsplit(raw).scheme.lower()
        if scheme in ("mailto", "tel", "data", "sms", "geo"):
            return
        if scheme == "javascript":
            self.problems.append(f"{source} : {what} « {raw} » en javascript:")
            return
        if absolute_only and not scheme:
            self.problems.append(f"{source} : {what} « {raw} » n'est pas une adresse absolue")
            return
        if raw.startswith("/") and not raw.startswith("//") and not raw.startswith(self.prefix):
            self.problems.append(f"{source} : {what} « {raw} » part de « / », hors de {self.prefix}")
            return
        target, fragment = urldefrag(urljoin(base or source, raw))
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return  # another site: never fetched
        if not parts.path.startswith(self.prefix):
            self.problems.append(f"{source} : {what} « {raw} » mène à {parts.path}, hors de {self.prefix}")
            return
        if fragment:
            self.fragments.append((source, target, unquote(fragment)))
        yield source, target


def built_files(out: Path) -> set[str]:
    """Every file of the site a reader may be sent to (siad's own .siad/ and the host's _headers are not)."""
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    return {f for f in files if not f.startswith(".siad/")} - {"_headers"}


def fetched_files(crawl: Crawl) -> set[str]:
    """The output files the crawl's 200 answers came from."""
    files = set()
    for url, status in crawl.fetched.items():
        path = urlsplit(url).path
        if status == 200 and path.startswith(crawl.prefix):
            rel = unquote(path[len(crawl.prefix):])
            files.add(rel + "index.html" if rel.endswith("/") or rel == "" else rel)
    return files


def starts(crawl: Crawl, sitemap: bool) -> tuple[list[str], dict[str, int]]:
    deep = crawl.root + DEEP_UNKNOWN
    urls = [crawl.root, crawl.root + "robots.txt", deep] + ([crawl.root + "sitemap.xml"] if sitemap else [])
    return urls, {deep: 404}


@contextmanager
def built_and_served(source: Path, out: Path, prefix: str, with_base_url: bool):
    """Build ``source`` for ``http://127.0.0.1:<port><prefix>`` (as a person would type it: accents and spaces
    allowed) or without a base URL, serve it there and crawl it."""
    with serving(prefix) as server:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        base = ["--base-url", origin + prefix] if with_base_url else []
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)
            result = run("build", "--source", source, "--out", out, *base)
        assert result.exit_code == 0, result.output + result.stderr
        server.root = out.resolve()
        crawl = Crawl(origin, quote(prefix, safe="/%"))  # every address the site gives must be percent-encoded
        yield out, crawl.run(*starts(crawl, with_base_url))


# --- under a two-level prefix -----------------------------------------------------------------


@pytest.fixture(scope="module")
def subpath(tmp_path_factory) -> tuple[Path, Crawl]:
    out = tmp_path_factory.mktemp("sous-chemin") / "site"
    with built_and_served(REPO_ROOT, out, PREFIX, with_base_url=True) as served:
        yield served


@pytest.fixture(scope="module")
def at_root(tmp_path_factory) -> tuple[Path, Crawl]:
    out = tmp_path_factory.mktemp("racine") / "site"
    with built_and_served(REPO_ROOT, out, "/", with_base_url=False) as served:
        yield served


def test_every_link_asset_and_file_answers_under_the_prefix(subpath):
    out, crawl = subpath
    assert crawl.problems == []
    pages = [url for url in crawl.ids if url != crawl.root + DEEP_UNKNOWN]
    assert len(pages) == sum(1 for p in out.rglob("index.html")) >= 70
    # Every file of the site is reached by following links from the home page, the sitemap and robots.txt.
    assert built_files(out) - fetched_files(crawl) == {"404.html"}
    assert crawl.references > 2000 and len(crawl.fragments) > 50
    kinds = {Path(urlsplit(u).path).suffix for u in crawl.fetched}
    assert {".css", ".js", ".svg", ".json", ".csv", ".vcf", ".xml", ".txt"} <= kinds


def test_the_server_serves_nothing_outside_the_prefix(subpath):
    out, crawl = subpath
    for path in ("/", "/index.html", "/lieux/", "/logement/", "/sitemap.xml", "/assets/"):
        status, body = crawl._get(crawl.origin + path)
        assert status == 404 and b"<html" not in body, path
    status, _ = crawl._get(crawl.origin + PREFIX.rstrip("/"))
    assert status == 301


def test_the_404_page_works_at_any_depth_under_the_prefix(subpath):
    out, crawl = subpath
    deep = crawl.root + DEEP_UNKNOWN
    assert crawl.fetched[deep] == 404
    assert crawl.bodies[deep] == (out / "404.html").read_bytes()
    page = _PageParser()
    page.feed(crawl.bodies[deep].decode("utf-8"))
    local = [raw for _, raw in page.refs if not urlsplit(raw).scheme]
    # Absolute paths under the prefix: the same page works at /logement/social/x and at …/a/b/c/inconnu/.
    assert local and all(raw.startswith((PREFIX, "#")) for raw in local), local
    resolved = {urldefrag(urljoin(deep, raw))[0] for raw in local if not raw.startswith("#")}
    assert {crawl.root, crawl.root + "lieux/"} <= resolved
    assert any(u.endswith(".css") for u in resolved) and any(u.endswith(".js") for u in resolved)
    assert all(crawl.fetched[u] == 200 for u in resolved)


def test_sitemap_and_robots_give_addresses_with_the_prefix(subpath):
    out, crawl = subpath
    assert crawl.robots_sitemaps == [crawl.root + "sitemap.xml"]
    pages = {crawl.root + p.parent.relative_to(out).as_posix() + "/" for p in out.rglob("index.html")}
    pages = {u.replace(PREFIX + "./", PREFIX) for u in pages}
    assert set(crawl.sitemap) == pages and len(crawl.sitemap) == len(pages)
    assert all(crawl.fetched[u] == 200 for u in crawl.sitemap)


def test_json_ld_gives_each_reception_point_its_own_address_with_the_prefix(subpath):
    out, crawl = subpath
    points = {url: blocks for url, blocks in crawl.jsonld.items() if blocks}
    assert len(points) == len(list((out / "lieux").glob("*/index.html"))) >= 10
    for url, blocks in points.items():
        assert urlsplit(url).path.startswith(PREFIX + "lieux/")
        assert [block["url"] for block in blocks] == [url]


def test_search_index_and_open_data_are_reached_under_the_prefix(subpath):
    out, crawl = subpath
    assert len(crawl.search_urls) >= 70
    assert all(crawl.fetched[crawl.root + u] == 200 for u in crawl.search_urls)
    for name in ("lieux-accueil.csv", "communes.csv", "lieux-accueil-structures.json", "lieux-accueil-services.json", "cotation.json"):
        assert crawl.fetched[crawl.root + "donnees/" + name] == 200
    vcards = [u for u in crawl.fetched if u.endswith(".vcf")]
    assert len(vcards) >= 10 and all(crawl.fetched[u] == 200 for u in vcards)


def test_a_prefix_with_accents_and_spaces_is_percent_encoded_everywhere(tmp_path: Path):
    # Typed as is, the prefix must reach the sitemap, robots.txt, JSON-LD and the 404 page as a valid URL
    # (sitemaps.org: « URL-escaped »; a space ends robots.txt's Sitemap: address).
    with built_and_served(REPO_ROOT, tmp_path / "site", "/logement/accès social/", with_base_url=True) as (out, crawl):
        assert crawl.prefix == "/logement/acc%C3%A8s%20social/"
        assert crawl.problems == []
        assert built_files(out) - fetched_files(crawl) == {"404.html"}
        assert crawl.robots_sitemaps == [crawl.root + "sitemap.xml"]
        assert len(crawl.sitemap) >= 70 and all(loc.startswith(crawl.root) for loc in crawl.sitemap)
        assert 'href="/logement/acc%C3%A8s%20social/lieux/"' in (out / "404.html").read_text(encoding="utf-8")


# --- at the root, without a base URL: the crawler on the normal case --------------------------


def test_the_site_at_the_root_passes_the_same_crawl(at_root):
    out, crawl = at_root
    assert crawl.problems == []
    assert built_files(out) - fetched_files(crawl) == {"404.html"}
    assert "sitemap.xml" not in built_files(out) and crawl.robots_sitemaps == []
    assert crawl.fetched[crawl.root + DEEP_UNKNOWN] == 404
    assert all(blocks and "url" not in blocks[0] for url, blocks in crawl.jsonld.items() if "/lieux/" in url and blocks)


# --- the crawler sees mistakes ----------------------------------------------------------------


def test_the_crawl_reports_root_relative_links_escapes_and_missing_fragments(project: Path, tmp_path: Path):
    page = project / "content" / "renouveler-sa-demande.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n\nVoir <a href=\"/deposer-une-demande/\">la demande</a>, <a href=\"../../../../\">l'accueil</a>, "
        + "[les papiers](pieces-justificatives.md#ancre-inconnue) et [le site](http://127.0.0.1:1/).\n",
        encoding="utf-8",
    )
    with built_and_served(project, tmp_path / "site", PREFIX, with_base_url=True) as (out, crawl):
        source = crawl.root + "renouveler-sa-demande/"
        found = [p for p in crawl.problems if p.startswith(source)]
        assert any("« /deposer-une-demande/ » part de « / »" in p for p in found), crawl.problems
        assert any("« ../../../../ » mène à /" in p for p in found), crawl.problems
        assert any("#ancre-inconnue n'existe pas" in p for p in found), crawl.problems
        assert len(found) == 3, found  # http://127.0.0.1:1/ is another site (another port): not fetched
