"""``siad serve``: a real server on a free loopback port, rebuilding when a data file changes."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from siad.scaffold import create_project


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _wait_for(url: str, predicate, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            _, last = _fetch(url)
            if predicate(last):
                return last
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"condition jamais remplie pour {url} ; dernière réponse :\n{last[:2000]}")


@pytest.fixture
def served(tmp_path: Path):
    project = tmp_path / "projet"
    create_project(project, "Territoire de test")
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "siad", "serve", "--source", str(project), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        yield project, f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_serve_rebuilds_after_a_data_change_and_shows_errors(served):
    project, base, process = served
    page = _wait_for(f"{base}/lieux/", lambda html: "Lieu d&#39;accueil d&#39;exemple" in html)
    assert "livereload.js" in page  # the preview reloads the browser by itself

    point = project / "data" / "lieux" / "exemple.yml"
    point.write_text(point.read_text(encoding="utf-8").replace("Lieu d'accueil d'exemple", "Mairie de Testville"), encoding="utf-8")
    _wait_for(f"{base}/lieux/", lambda html: "Mairie de Testville" in html)
    assert (project / "site").exists() is False  # the preview never writes into the project

    # Invalid data: the preview shows the French error with file and line instead of dying.
    point.write_text("nom: [\n", encoding="utf-8")
    error_page = _wait_for(f"{base}/lieux/", lambda html: "data/lieux/exemple.yml:1" in html)
    assert "Le projet contient des erreurs" in error_page
    assert process.poll() is None

    # Fixed again: the real page comes back.
    point.write_text('nom: "Mairie réparée"\nniveau: 2\n', encoding="utf-8")
    _wait_for(f"{base}/lieux/", lambda html: "Mairie réparée" in html)


def test_serve_refuses_paths_outside_the_site(served):
    _, base, _ = served
    _wait_for(f"{base}/", lambda html: "<h1>" in html)
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"):
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=5) as sock:
            sock.sendall(f"GET {path} HTTP/1.0\r\nHost: x\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.split(b"\r\n", 1)[0].split()[1] == b"404", path
        assert b"root:" not in answer


def test_serve_listens_on_this_computer_only(served):
    """By default the preview's socket is bound to the loopback address, not to every interface."""
    _, base, _ = served
    _wait_for(f"{base}/", lambda html: "<h1>" in html)
    port = int(base.rsplit(":", 1)[1])
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        pytest.skip("/proc/net/tcp n'existe que sous Linux")
    listening = []
    for table in tables:
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
                listening.append(address)
    assert listening, f"aucune socket à l'écoute sur le port {port}"
    assert set(listening) <= {"0100007F", "00000000000000000000000001000000"}, listening  # 127.0.0.1, ::1


def test_serve_also_answers_under_the_sites_sub_path(tmp_path: Path):
    """With « url: https://…/logement/ » in siad.yml, the 404 page links to /logement/…: the preview serves that path too."""
    from siad.serve import PreviewState, make_app

    project = tmp_path / "projet"
    create_project(project, "Territoire de test")
    config = project / "siad.yml"
    config.write_text(config.read_text(encoding="utf-8") + 'url: "https://www.exemple.fr/logement/"\n', encoding="utf-8")
    state = PreviewState(root=project, out=tmp_path / "apercu" / "site")
    state.rebuild()
    assert state.base_path == "/logement/"
    app = make_app(state)

    def get(path: str) -> tuple[str, bytes]:
        answer = {}
        body = b"".join(app({"PATH_INFO": path}, lambda status, headers: answer.setdefault("status", status)))
        return answer["status"], body

    assert get("/")[0] == get("/logement/")[0] == "200 OK"
    assert get("/logement/")[1] == get("/")[1]
    status, page = get("/logement/pas/de/page/")
    assert status.startswith("404")
    stylesheet = re.search(rb'<link rel="stylesheet" href="(/logement/assets/[^"]+)"', page)[1].decode()
    assert get(stylesheet)[0] == "200 OK"
    assert get("/logement/../../etc/passwd")[0].startswith("404")


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stopped_preview_leaves_nothing_behind(tmp_path: Path, stop: str) -> None:
    """Stopped by Ctrl+C, by ``kill`` or by closing its terminal, the preview removes its temporary
    folder (a whole copy of the site) and exits normally."""
    import signal

    project = tmp_path / "projet"
    create_project(project, "Territoire de test")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "siad", "serve", "--source", str(project), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(temporary)),
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/", lambda html: "<h1>" in html)
        assert [p.name for p in temporary.iterdir() if p.name.startswith("siad-apercu-")]
        process.send_signal(getattr(signal, stop))
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("siad-apercu-")]


def test_the_watched_files_are_every_input_file_with_its_time_and_size(tmp_path: Path) -> None:
    """The poll (twice a second) lists what pathlib would, links to folders followed, and a link loop
    does not hang it."""
    from siad.serve import PreviewState
    from siad.theme import builtin_theme_dir

    project = tmp_path / "projet"
    create_project(project)
    (project / "content" / "annexes").mkdir()
    (project / "content" / "annexes" / "fiche.txt").write_text("Une fiche.\n", encoding="utf-8")
    (project / "content" / "boucle").symlink_to(project / "content")
    state = PreviewState(root=project, out=tmp_path / "apercu")
    found = state.watched_files()
    expected = {}
    for base in (project / "siad.yml", project / "data", project / "content" / "annexes", project / "themes", builtin_theme_dir()):
        for path in [base] if base.is_file() else base.rglob("*") if base.is_dir() else []:
            if path.is_file():
                expected[str(path)] = (path.stat().st_mtime_ns, path.stat().st_size)
    assert str(project / "content" / "annexes" / "fiche.txt") in found
    assert str(project / "content" / "boucle" / "annexes" / "fiche.txt") in found  # through the link
    assert {k: v for k, v in found.items() if "/content/" not in k or "/content/annexes/" in k and "boucle" not in k} == expected
