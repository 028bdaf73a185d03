"""What docs/security.md promises: reproducible output, symbolic links, alias bombs and oversize
files, security headers and a site that satisfies its own Content-Security-Policy, and a preview
server that stays on this computer unless told otherwise.

The interrupted build (SIGKILL at many moments) is in tests/test_interrupted_build.py; the corpus
of broken projects in tests/test_invalid_projects.py.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FIXED_BUILD_EPOCH, REPO_ROOT, run, tree_hashes
from siad import headers
from siad.errors import Report
from siad.yamlsource import MAX_FILE_BYTES, parse_yaml, read_text

# --- reproducible output ---------------------------------------------------------------------


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "siad.yml", dest / "siad.yml")
    shutil.copytree(REPO_ROOT / "data", dest / "data")
    shutil.copytree(REPO_ROOT / "content", dest / "content")
    return dest


def _build_elsewhere(project: Path, out: Path, home: Path, cwd: Path, seed: str, tz: str) -> None:
    """``siad build`` in its own process, as if on another machine: other HOME, folder, hash seed, time zone."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "PYTHONHASHSEED", "TZ", "PWD")}
    env.update(HOME=str(home), PYTHONHASHSEED=seed, TZ=tz, SOURCE_DATE_EPOCH=FIXED_BUILD_EPOCH)
    done = subprocess.run(
        [sys.executable, "-m", "siad", "build", "--source", str(project), "--out", str(out)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_two_machines_build_the_same_bytes(tmp_path: Path) -> None:
    first = _copy_project(tmp_path / "poste-alpha" / "depot-logement-siad")
    second = _copy_project(tmp_path / "b" / "ailleurs" / "autre-copie-du-projet")
    out1, out2 = tmp_path / "publication-un" / "site", tmp_path / "b" / "sortie-deux"
    _build_elsewhere(first, out1, tmp_path / "maison-alice", first, "1", "Europe/Paris")
    _build_elsewhere(second, out2, tmp_path / "maison-bruno", tmp_path, "4242", "Pacific/Kiritimati")

    one, two = tree_hashes(out1), tree_hashes(out2)
    assert one == two, sorted(name for name in one.keys() | two.keys() if one.get(name) != two.get(name))

    # Nothing of the machine ends up in the site: folders, home, user, host name.
    leaks = {str(p) for p in (first, second, out1, out2, tmp_path / "maison-alice", tmp_path / "maison-bruno", tmp_path)}
    leaks |= {str(p.resolve()) for p in (first, second, tmp_path)} | {str(Path.home())}
    leaks |= {"depot-logement-siad", "autre-copie-du-projet", "poste-alpha", "maison-alice", "maison-bruno"}
    names = {socket.gethostname(), socket.getfqdn()}
    patterns = [re.compile(re.escape(text).encode()) for text in leaks if text not in ("/", "")]
    # A short host name (« vm ») would match ordinary words: only distinctive ones are looked for, as whole words.
    patterns += [re.compile(rb"\b" + re.escape(name.encode()) + rb"\b") for name in names if len(name) >= 5 and name != "localhost"]
    for path in sorted(out1.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            for pattern in patterns:
                assert not pattern.search(data), f"{path.relative_to(out1)} contient {pattern.pattern!r}"


# --- symbolic links --------------------------------------------------------------------------

_OPENED: list[str] = []
_WATCHING: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.fsdecode(args[0])
        if any(watched in name for watched in _WATCHING):
            _OPENED.append(name)


sys.addaudithook(_audit)  # inert unless a test fills _WATCHING


def test_a_link_outside_the_project_is_never_opened(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    before = tree_hashes(out)
    secret = tmp_path / "secret-du-serveur.yml"
    secret.write_text('nom: "MOT-DE-PASSE-7f3a"\nniveau: oui\n', encoding="utf-8")
    (project / "data" / "lieux" / "secret.yml").symlink_to(secret)
    (project / "content" / "cles").symlink_to(tmp_path)  # a folder outside (that contains the project)

    _WATCHING.append(secret.name)
    try:
        result = run("--debug", "build", "--source", project, "--out", out)
    finally:
        _WATCHING.clear()
    assert result.exit_code == 1, result.output
    assert "data/lieux/secret.yml: erreur : lien symbolique vers l'extérieur du projet refusé" in result.stderr
    assert "content/cles: erreur : lien symbolique vers l'extérieur du projet refusé" in result.stderr
    assert "MOT-DE-PASSE" not in result.output
    assert _OPENED == [], _OPENED  # refused before anything is read
    assert tree_hashes(out) == before


def test_a_link_to_a_file_inside_the_project_is_followed(project: Path, tmp_path: Path) -> None:
    expected = tmp_path / "attendu"
    (project / "content" / "documents").mkdir()
    (project / "content" / "documents" / "guide.txt").write_text("Guide du demandeur.\n", encoding="utf-8")
    assert run("build", "--source", project, "--out", expected).exit_code == 0

    # The same project, with a data file and a static file reached through links to other places of the project.
    (project / "partage").mkdir()
    (project / "data" / "territoire.yml").rename(project / "partage" / "territoire.yml")
    (project / "data" / "territoire.yml").symlink_to("../partage/territoire.yml")
    (project / "content" / "documents" / "guide.txt").rename(project / "partage" / "guide.txt")
    (project / "content" / "documents" / "guide.txt").symlink_to("../../partage/guide.txt")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert tree_hashes(out) == tree_hashes(expected)
    assert not (out / "documents" / "guide.txt").is_symlink()  # the site holds a copy, not the link


# --- alias bombs and oversize files: refused before any work proportional to the attack ---------


def test_an_alias_bomb_is_refused_at_its_first_anchor_with_little_memory() -> None:
    levels = 40  # 10⁴⁰ strings once expanded
    bomb = "\n".join(['a0: &a0 "ha"'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]) + "\n"
    report = Report()
    tracemalloc.start()
    try:
        node = parse_yaml(bomb, "bombe.yml", report)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert node is None
    assert [d.format().splitlines()[0] for d in report.errors] == ["bombe.yml:1:5: erreur : les ancres YAML (« &nom ») ne sont pas acceptées"]
    assert peak < 512 * 1024, peak  # the parser stopped at line 1: nothing was expanded


def test_an_oversize_file_is_refused_without_being_read(tmp_path: Path) -> None:
    huge = tmp_path / "enorme.yml"
    with huge.open("wb") as handle:
        handle.truncate(20 * MAX_FILE_BYTES)  # 100 Mio, sparse: nothing is written to disk
    report = Report()
    tracemalloc.start()
    try:
        text = read_text(huge, "data/lieux/enorme.yml", report)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text is None
    assert "fichier trop volumineux (102400 Kio, limite 5120 Kio)" in report.errors[0].format()
    assert peak < 256 * 1024, peak  # the size was read from the file system, not by reading the file


# --- security headers and the site's own Content-Security-Policy -----------------------------


def parse_headers_file(text: str) -> dict[str, dict[str, str]]:
    """Netlify / Cloudflare Pages ``_headers``: path pattern → {header: value}."""
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            assert current is not None, line
            name, _, value = line.strip().partition(":")
            current[name.strip()] = value.strip()
    return rules


def parse_csp(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class _Resources(HTMLParser):
    """What a page loads or runs, for the CSP check."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetched: list[tuple[str, str]] = []  # (directive, url)
        self.inline_scripts: list[str] = []  # the type of each <script> without src
        self.inline_styles: list[str] = []  # tags with style="…", and <style> elements
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "style" in values or tag == "style":
            self.inline_styles.append(tag)
        self.handlers += [f"{tag} {name}" for name in values if name.startswith("on")]
        if tag == "script":
            if "src" in values:
                self.fetched.append(("script-src", values["src"]))
            else:
                self.inline_scripts.append(values.get("type", ""))
        elif tag == "link" and "href" in values:
            rel = values.get("rel", "").split()
            if "stylesheet" in rel:
                self.fetched.append(("style-src", values["href"]))
            elif "icon" in rel:
                self.fetched.append(("img-src", values["href"]))
        elif tag in ("img", "source") and "src" in values:
            self.fetched.append(("img-src", values["src"]))
        elif tag in ("iframe", "object", "embed", "video", "audio"):
            self.fetched.append(("default-src", values.get("src") or values.get("data", "")))
        elif tag == "form":
            self.fetched.append(("form-action", values.get("action", "")))


def _allows_same_origin(directives: dict[str, list[str]], name: str) -> bool:
    sources = directives.get(name, directives.get("default-src", []))
    return "'self'" in sources


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publie") / "site"
    result = run("build", "--source", REPO_ROOT, "--out", out, "--base-url", "https://logement.exemple.fr/")
    assert result.exit_code == 0, result.output
    assert "bloquera" not in result.stderr  # the build's own check of the policy found nothing
    return out


def test_headers_file_gives_a_strict_policy_and_long_cache_for_hashed_assets(published: Path) -> None:
    rules = parse_headers_file((published / "_headers").read_text(encoding="utf-8"))
    every = rules["/*"]
    csp = parse_csp(every["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for name in ("script-src", "style-src", "img-src", "connect-src"):
        assert csp[name] == ["'self'"], name  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert every["X-Content-Type-Options"] == "nosniff"
    assert every["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert {"geolocation=()", "camera=()", "microphone=()"} <= {p.strip() for p in every["Permissions-Policy"].split(",")}
    cache = rules["/assets/*"]["Cache-Control"]
    assert "immutable" in cache and "max-age=31536000" in cache
    # « immutable » is only safe because every asset's name carries a hash of its content.
    assets = [p for p in (published / "assets").rglob("*") if p.is_file()]
    assert assets
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{10}(\.[a-z0-9]+)?$", asset.name), asset


def test_every_page_satisfies_the_policy(published: Path) -> None:
    csp = parse_csp(parse_headers_file((published / "_headers").read_text(encoding="utf-8"))["/*"]["Content-Security-Policy"])
    pages = sorted(published.rglob("*.html"))
    assert len(pages) > 60
    fetched = 0
    for page in pages:
        name = page.relative_to(published).as_posix()
        found = _Resources()
        found.feed(page.read_text(encoding="utf-8"))
        assert found.inline_styles == [], f"{name}: style en ligne {found.inline_styles}"
        assert found.handlers == [], f"{name}: {found.handlers}"
        assert all(kind == "application/ld+json" for kind in found.inline_scripts), f"{name}: script en ligne {found.inline_scripts}"
        for directive, url in found.fetched:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{name}: {url} ({directive}) ne vient pas du site"
            assert _allows_same_origin(csp, directive), f"{name}: {directive} n'autorise pas 'self'"
            fetched += 1
    assert fetched > 3 * len(pages)  # style sheet, icon, script on every page at least
    # The search page's script fetches its index from the site: connect-src 'self'.
    assert "'self'" in csp["connect-src"]
    assert 'data-index="index.json"' in (published / "recherche" / "index.html").read_text(encoding="utf-8")


def test_a_project_headers_file_wins(project: Path, tmp_path: Path) -> None:
    own = "/*\n  Content-Security-Policy: default-src 'self' https://tuiles.exemple.fr\n"
    (project / "content" / "_headers").write_text(own, encoding="utf-8")
    (project / "content" / "_redirects").write_text("/aide/ /deposer-une-demande/ 301\n", encoding="utf-8")
    out = tmp_path / "sortie"
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "_headers").read_text(encoding="utf-8") == own
    assert (out / "_redirects").read_text(encoding="utf-8") == "/aide/ /deposer-une-demande/ 301\n"


def test_what_the_policy_would_block_is_a_located_warning(project: Path, tmp_path: Path) -> None:
    page = project / "content" / "renouveler-sa-demande.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n![Plan d'accès](https://cartes.exemple.fr/plan.png)\n", encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "sortie")
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^content/renouveler-sa-demande\.md: avertissement : dans la page renouveler-sa-demande/index\.html \(ligne \d+\), "
        r"le navigateur bloquera : « https://cartes\.exemple\.fr/plan\.png » sur <img> vient d'un autre site \(img-src\)$",
        result.stderr, re.M,
    ), result.stderr
    assert run("build", "--strict", "--source", project, "--out", tmp_path / "strict").exit_code == 1
    # With its own _headers, the project decides: no warning.
    (project / "content" / "_headers").write_text("/*\n  Content-Security-Policy: img-src https:\n", encoding="utf-8")
    again = run("build", "--source", project, "--out", tmp_path / "sortie")
    assert again.exit_code == 0 and "bloquera" not in again.stderr, again.stderr


def test_policy_check_finds_each_kind_of_problem() -> None:
    html = (
        '<link rel="stylesheet" href="https://cdn.exemple.fr/x.css">\n'
        '<link rel="canonical" href="https://logement.exemple.fr/">\n'  # not fetched: allowed
        '<p style="color:red" onclick="x()">a</p>\n'
        "<style>p{}</style>\n"
        "<script>alert(1)</script>\n"
        '<script type="application/ld+json">{}</script>\n'  # a data block: allowed
        '<img src="data:image/png;base64,AAAA" alt="">\n'
        '<a href="javascript:alert(1)">b</a>\n'
        '<img src="../plan.png" alt=""><script src="/assets/js/site.js"></script>\n'
    )
    problems = headers.policy_problems(html)
    assert [line for line, _ in problems] == [1, 3, 3, 4, 5, 7, 8]
    assert "style-src" in problems[0][1] and "img-src" in problems[5][1]
    # The site's own public address is the site itself.
    assert headers.policy_problems('<img src="https://logement.exemple.fr/plan.png" alt="">', "https://logement.exemple.fr/siad/") == []
    assert len(headers.policy_problems('<img src="https://cartes.exemple.fr/plan.png" alt="">', "https://logement.exemple.fr/")) == 1


def test_nginx_and_apache_snippets_in_the_docs_match_the_generated_policy() -> None:
    doc = (REPO_ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{headers.CONTENT_SECURITY_POLICY}" always;' in doc
    assert f'Header always set Content-Security-Policy "{headers.CONTENT_SECURITY_POLICY}"' in doc
    for name, value in headers.SECURITY_HEADERS:
        assert f'add_header {name} "{value}" always;' in doc, name


# --- siad serve: this computer only, unless told otherwise ------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "[::]", "mon-poste.local"])
def test_serve_warns_in_french_when_other_computers_can_connect(host: str) -> None:
    from siad.serve import exposure_warning

    warning = exposure_warning(host)
    assert warning and warning.startswith("siad : attention") and "réseau" in warning


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_serve_is_silent_on_this_computer(host: str) -> None:
    from siad.serve import exposure_warning

    assert exposure_warning(host) is None


class _FakeServer:
    calls: list[tuple[str, int]] = []

    def __init__(self, app) -> None:
        self.app = app

    def watch(self, path: str) -> None:
        pass

    def serve(self, host: str, port: int, **_options) -> None:
        _FakeServer.calls.append((host, port))


class _FakeCallback:
    def __init__(self, callback, ms) -> None:
        pass

    def start(self) -> None:
        pass


@pytest.mark.parametrize(("args", "host", "warned"), [((), "127.0.0.1", False), (("--host", "0.0.0.0"), "0.0.0.0", True)])
def test_serve_listens_on_loopback_by_default(project: Path, monkeypatch, args, host, warned) -> None:
    import siad.serve

    monkeypatch.setattr(siad.serve, "Server", _FakeServer)
    monkeypatch.setattr(siad.serve.ioloop, "PeriodicCallback", _FakeCallback)
    _FakeServer.calls = []
    result = run("serve", "--source", project, "--port", "8765", *args)
    assert result.exit_code == 0, result.output
    assert _FakeServer.calls == [(host, 8765)]
    assert ("siad : attention, avec --host 0.0.0.0" in result.stderr) is warned
    assert not (project / "site").exists()
