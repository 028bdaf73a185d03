"""A build killed at any moment (SIGKILL: no cleanup code runs) leaves the previous site or the new one.

A real ``siad build`` process rebuilds a large project over a previous site and is killed, again
and again: first at growing delays after its start (loading, rendering, writing…), then at growing
delays after its temporary folder appears (writing, swapping, removing the old site), then at
growing delays after it starts updating the previous version kept in ``.siad-cache/sortie/precedent/``
(the incremental path: only changed files are rewritten there before the switch). After each kill
the output folder must be, byte for byte, either the previous site or the complete new one; what
the killed build left (hidden ``.sortie.tmp-…`` folders, a previous version without its manifest)
is never inside it, and the next normal build removes or rewrites it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run, tree_hashes

EXTRA_FILES = 800  # static files in content/: a write phase long enough to be hit several times
FIRST_DELAYS = [0.05, 0.15, 0.4, 0.9]  # seconds after start; then ×1.6 until a build completes
WRITE_DELAYS = [0.0, 0.005, 0.02, 0.06]  # seconds after the temporary folder appears; then ×3


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".sortie."))


def _start(project: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "siad", "build", "--source", str(project), "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
    )


def _kill(process: subprocess.Popen) -> bool:
    """SIGKILL the build; True if it was still running (so it really was interrupted)."""
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return process.returncode == -signal.SIGKILL


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL n'existe que sous Unix")
def test_a_killed_build_leaves_the_previous_site_or_the_new_one(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    pristine = tmp_path / "precedent"
    shutil.copytree(out, pristine, symlinks=True)
    previous = tree_hashes(out)

    # The new version of the project: many more files, and a changed reception point.
    extra = project / "content" / "documents"
    extra.mkdir()
    for n in range(EXTRA_FILES):
        (extra / f"fiche-{n:04d}.txt").write_bytes(f"Fiche {n}\n".encode() * 200)
    point = project / "data" / "lieux" / "evolea.yml"
    text = point.read_text(encoding="utf-8")
    assert 'nom: "Evoléa"' in text
    point.write_text(text.replace('nom: "Evoléa"', 'nom: "Evoléa (nouvelle adresse)"', 1), encoding="utf-8")
    reference = tmp_path / "reference"
    assert run("build", "--source", project, "--out", reference).exit_code == 0
    new = tree_hashes(reference)
    assert new != previous and len(new) > len(previous) + EXTRA_FILES - 1

    outcomes: list[tuple[str, float, str]] = []  # (phase, delay, « précédent » / « nouveau »)

    kept = tmp_path / ".siad-cache" / "sortie" / "precedent"

    def attempt(phase: str, delay: float) -> bool:
        """One build killed ``delay`` s after its start, after its temporary folder appears, or after it
        starts updating the kept previous version; True if it finished first."""
        shutil.rmtree(out)
        shutil.copytree(pristine, out, symlinks=True)
        shutil.rmtree(kept, ignore_errors=True)
        if phase == "mise à jour":
            shutil.copytree(pristine, kept, symlinks=True)  # as if kept by the switch of an earlier build
        before = set(_leftovers(tmp_path))
        process = _start(project, out)
        try:
            if phase == "écriture":
                while process.poll() is None and set(_leftovers(tmp_path)) <= before:
                    time.sleep(0.001)
            elif phase == "mise à jour":
                while process.poll() is None and (kept / ".siad" / "manifest.json").exists():
                    time.sleep(0.001)
            time.sleep(delay)
            killed = _kill(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not killed:
            assert process.returncode == 0, process.stderr.read().decode("utf-8", "replace")
        assert out.is_dir(), f"{phase} +{delay}s : le dossier de sortie a disparu"
        state = tree_hashes(out)
        assert state in (previous, new), f"{phase} +{delay}s : ni l'ancien site ni le nouveau ({len(state)} fichiers)"
        assert not [p for p in out.rglob("*") if ".sortie." in p.name or ".tmp-" in p.name]
        if not killed:
            assert state == new
        outcomes.append((phase, delay, "précédent" if state == previous else "nouveau"))
        if killed:
            killed_in[phase] = killed_in.get(phase, 0) + 1
            killed_outcomes.append(outcomes[-1])
        return not killed

    killed_in: dict[str, int] = {}
    killed_outcomes: list[tuple[str, float, str]] = []

    for phase, delays, grow in (("démarrage", FIRST_DELAYS, 1.6), ("écriture", WRITE_DELAYS, 3.0), ("mise à jour", WRITE_DELAYS, 3.0)):
        delay_list, delay, retries = list(delays), 0.0, 0
        while True:
            delay = delay_list.pop(0) if delay_list else round(delay * grow, 3)
            finished = attempt(phase, delay)
            while finished and not killed_in.get(phase) and retries < 5:  # on a loaded machine, the poll can miss a short phase
                retries += 1
                finished = attempt(phase, delay)
            if finished:
                break
            assert delay < 120, outcomes

    for phase in ("écriture", "mise à jour"):
        killed_while_writing = [o for o in killed_outcomes if o[0] == phase and o[1] < 0.01]
        assert killed_while_writing and all(state == "précédent" for *_, state in killed_while_writing), outcomes
    assert any(state == "précédent" for *_, state in outcomes) and any(state == "nouveau" for *_, state in outcomes)

    # Leftovers of the killed builds: beside the site, never in it; the next build removes them.
    result = run("build", "--source", project, "--out", out)
    assert result.exit_code == 0, result.output
    assert tree_hashes(out) == new
    assert _leftovers(tmp_path) == []
    print(f"\nconstruction interrompue : {len(outcomes)} arrêts (SIGKILL) — " + ", ".join(f"{p} +{d}s → {s}" for p, d, s in outcomes))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL n'existe que sous Unix")
def test_a_killed_clean_build_leaves_the_previous_site(project: Path, tmp_path: Path) -> None:
    """``--clean`` (like a first build) writes each page into the hidden temporary folder as soon as it
    is rendered: killed while rendering or writing, the live site stays the previous one."""
    out = tmp_path / "sortie"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    previous = tree_hashes(out)
    extra = project / "content" / "documents"
    extra.mkdir()
    for n in range(EXTRA_FILES):
        (extra / f"fiche-{n:04d}.txt").write_bytes(f"Fiche {n}\n".encode() * 200)
    killed = 0
    for delay in (0.0, 0.01, 0.05, 0.2):
        before = set(_leftovers(tmp_path))
        process = subprocess.Popen(
            [sys.executable, "-m", "siad", "build", "--clean", "--source", str(project), "--out", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ),
        )
        try:
            while process.poll() is None and set(_leftovers(tmp_path)) <= before:
                time.sleep(0.001)
            time.sleep(delay)
            killed += _kill(process)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        state = tree_hashes(out)
        assert state == previous or process.returncode == 0, f"+{delay}s : le site a changé sans que la construction aboutisse"
        if process.returncode == 0:
            break
    assert killed
    result = run("build", "--source", project, "--out", out, "--clean")
    assert result.exit_code == 0, result.output
    assert _leftovers(tmp_path) == []
    assert len(tree_hashes(out)) >= len(previous) + EXTRA_FILES
