"""Reception points read by several processes (siad/record_cache.py's remember_each, used by
siad/data): the same points, the same messages in the same order as when one process reads them,
and the records kept by the cache are the ones a sequential load keeps."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import national  # noqa: E402
from siad import record_cache  # noqa: E402


@pytest.fixture(scope="module")
def many_points(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("points") / "projet"
    national.generate(project, communes=300, points=260, pages=1)
    points = project / "data" / "lieux"
    files = sorted(points.glob("*.yml"))
    assert len(files) >= record_cache.MIN_PARALLEL_RECORDS
    files[3].write_text(files[3].read_text(encoding="utf-8") + "couriel: faute@exemple.fr\n", encoding="utf-8")
    files[100].write_text("nom: [pas fermé\n", encoding="utf-8")
    files[150].write_text(files[150].read_text(encoding="utf-8").replace("niveau:", "niveau: 1\nniveau:", 1), encoding="utf-8")
    (points / "copie.yaml").write_text(files[7].read_text(encoding="utf-8"), encoding="utf-8")
    return project


_COMPARE = """
import json, sys
from pathlib import Path
from siad import record_cache
from siad.data import load_data
from siad.errors import Report

forked = []
original = record_cache.Batch.__init__
def spy(self, *args, **kwargs):
    original(self, *args, **kwargs)
    forked.append(self.pool is not None)
record_cache.Batch.__init__ = spy
loads = []
for jobs in (1, 2):
    report = Report()
    data = load_data(Path(sys.argv[1]), report, None, None, jobs)
    loads.append((repr(data.points), [[str(d.location), d.message, d.hint, d.severity] for d in report.diagnostics]))
# the records the workers made are kept, and recalled by a later load without reading any file
import siad.data
from siad import yaml_cache
from siad.cache import PageCache
cache = PageCache(Path(sys.argv[2]))
for jobs in (2, 1):
    report = Report()
    with yaml_cache.using(cache):
        data = load_data(Path(sys.argv[1]), report, None, None, jobs)
    cache.flush_yaml()
    loads.append((repr(data.points), [[str(d.location), d.message, d.hint, d.severity] for d in report.diagnostics]))
    siad.data.point_from = None  # the second load may not read a point
print(json.dumps({"forked": forked, "same_points": all(load[0] == loads[0][0] for load in loads), "points": len(data.points),
                  "messages": loads[0][1], "same_messages": all(load[1] == loads[0][1] for load in loads)}))
"""


def test_several_processes_read_the_same_points_and_messages(many_points: Path, tmp_path: Path) -> None:
    # in a new process: the test run's own threads (a finished server's) would rightly forbid forking
    done = subprocess.run([sys.executable, "-c", _COMPARE, str(many_points), str(tmp_path / "cache")], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["forked"] == [False, True, True, False]  # workers for the 2nd and 3rd loads; the last reads nothing
    assert result["points"] >= 250 and result["same_points"]
    assert result["same_messages"]
    texts = [message for _, message, _, _ in result["messages"]]
    assert any("couriel" in text for text in texts)  # an unknown key, with its did-you-mean
    assert any("copie.yaml" in location for location, *_ in result["messages"])  # the wrong extension, in its place
    assert sum("niveau" in text and "deux fois" in text for text in texts) == 1  # the duplicate key


_SHARED = """
import json, os, sys, time
from siad import record_cache

def load(item, report):
    time.sleep(0.005)
    return (item * 3, os.getpid())

items = [(("cle", i), i) for i in range(400)]
batch = record_cache.remember_each("essai", items, load, 2)
while batch.claimed.value == 0:  # the worker has taken its first chunk
    time.sleep(0.005)
with batch:
    results = batch.results()
print(json.dumps({"workers": batch.workers, "values": [value[0] for value, _ in results],
                  "by_caller": sum(value[1] == os.getpid() for value, _ in results), "chunks": len(batch.chunks)}))
"""


def test_the_caller_loads_chunks_too_once_its_own_work_is_done() -> None:
    # two cores: one worker, and the caller claims the chunks left when it asks for the results
    done = subprocess.run([sys.executable, "-c", _SHARED], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["workers"] == 1
    assert result["values"] == [3 * i for i in range(400)]  # in the items' order, whoever loaded them
    assert 0 < result["by_caller"] < 400
    assert result["chunks"] > 2


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("pages") / "projet" / "content"
    (content / "guide").mkdir(parents=True)
    (content / "index.md").write_text("---\ntitre: Accueil\ndescription: L'accueil.\n---\n\nBonjour.\n", encoding="utf-8")
    for i in range(260):
        folder = content / "guide" if i % 2 else content
        (folder / f"page-{i:03d}.md").write_text(f"---\ntitre: Page {i}\ndescription: La page {i}.\n---\n\nTexte {i}.\n", encoding="utf-8")
    (content / "page-010.md").write_text("---\ntitre: Sans description\n---\n\nTexte.\n", encoding="utf-8")  # a warning
    (content / "page-020.md").write_text("---\ntitre: Faute\ndescritpion: x\n---\n", encoding="utf-8")  # did-you-mean
    (content / "page-040.md").write_text("Pas d'en-tête.\n", encoding="utf-8")
    (content / "page-030 Mauvais.md").write_text("---\ntitre: x\n---\n", encoding="utf-8")  # refused by its name, in its place
    (content / "guide" / "plan.pdf").write_bytes(b"%PDF-1.4\n")
    return content.parent


_COMPARE_PAGES = """
import json, sys
from pathlib import Path
import siad.content
from siad import record_cache, yaml_cache
from siad.cache import PageCache
from siad.errors import Report

forked, loads, jobs = [], [], [1]
original = siad.content.remember_each
def spy(kind, items, load):
    batch = original(kind, items, load, jobs[0])
    forked.append(batch.pool is not None)
    return batch
siad.content.remember_each = spy
cache = PageCache(Path(sys.argv[2]))
for jobs[0], cached in ((1, False), (2, False), (2, True), (1, True)):
    report = Report()
    with yaml_cache.using(cache if cached else None):
        pages, files = siad.content.load_content(Path(sys.argv[1]), report)
    cache.flush_yaml()
    loads.append((repr(pages), repr(files), [[str(d.location), d.message, d.hint, d.severity] for d in report.diagnostics]))
    if cached:
        siad.content._load_page = None  # the last load reads no page: they were kept by the one before
print(json.dumps({"forked": forked, "same": all(load == loads[0] for load in loads), "pages": loads[0][0].count("SourcePage("),
                  "messages": loads[0][2]}))
"""


def test_several_processes_read_the_same_content_pages_and_messages(many_pages: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _COMPARE_PAGES, str(many_pages), str(tmp_path / "cache")], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["forked"] == [False, True, True, False]
    assert result["pages"] == 261 - 2 and result["same"]  # every page but the one without a header and the one with a fault
    messages = result["messages"]
    assert [m[0].split(":")[0] for m in messages] == ["content/page-010.md", "content/page-020.md", "content/page-030 Mauvais.md", "content/page-040.md"]
    assert "descritpion" in messages[1][1] and "description" in messages[1][2]
