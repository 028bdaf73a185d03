"""The benchmark suite (bench/) at smoke size, so that it cannot rot: both generators write a tiny
project that siad builds without an error or a warning, with the expected pages; the measuring
helpers run on the output; docs/benchmarks.md is what bench/run.py makes of bench/results.json.

No peer is installed or run here, and nothing is timed against a threshold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import common, national  # noqa: E402
from bench import markdown as corpus_bench  # noqa: E402
from siad import reference  # noqa: E402
from siad.build import build_project  # noqa: E402

# siad adds these pages to every project: search, sitemap, open data, 404.
GENERATED = {"recherche/index.html", "plan-du-site/index.html", "donnees-ouvertes/index.html", "mises-a-jour/index.html", "404.html"}


@pytest.fixture(autouse=True)
def build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", common.BUILD_EPOCH)


def test_national_sample_builds_with_every_page(tmp_path):
    project, out = tmp_path / "national", tmp_path / "site"
    described = national.generate(project, communes=200, points=50, pages=50)
    assert described["communes"] == 200 and described["points"] == 50 and described["content_pages"] == 50

    result = build_project(project, out)

    assert not result.report.errors and not result.report.warnings, [d.format() for d in result.report.warnings]
    pages = set(result.files)
    communes = {name for name in pages if name.startswith("communes/") and name.endswith("/index.html") and name.count("/") == 2}
    points = {name for name in pages if name.startswith("lieux/") and name.endswith("/index.html") and name.count("/") == 2}
    assert len(communes) == 200
    assert len(points) == 50
    assert len([name for name in pages if name.startswith("guide/") and name.endswith(".html")]) == 50 - 7  # 7 fixed pages
    assert GENERATED | {"index.html", "lieux/index.html", "communes/index.html", "cotation/index.html", "chiffres/index.html"} <= pages
    assert result.pages == 200 + 50 + 50 + 1 + len(GENERATED)  # + the communes index

    # The measuring helpers, on the real output.
    stats = common.tree_stats(out)
    assert stats["pages"] == result.pages
    floor = common.write_floor(common.snapshot(out), tmp_path / "floor", runs=1)
    assert floor["runs"] and not any((tmp_path / "floor").iterdir())

    # During a run, nothing is deleted while anything is timed: removed folders wait in the trash.
    work = tmp_path / "floor"
    common.defer_deletions(work)
    try:
        floor = common.write_floor(common.snapshot(out), work, runs=2)
        assert len(floor["runs"]) == 2 and [p.name for p in work.iterdir()] == [".trash"]
        kept = list((work / ".trash").rglob("*.html"))
        assert len(kept) == 2 * result.pages  # both copies, moved (a rename frees no inode), not deleted
        outside = tmp_path / "ailleurs"
        (outside / "a").mkdir(parents=True)
        common.remove(outside)  # a folder outside the work directory: deleted at once
        assert not outside.exists()
    finally:
        common.empty_trash()
    assert [p.name for p in work.iterdir()] == [common.EMPTIED_STAMP]  # the trash is gone, when is noted
    # a run started within the next minute waits the rest of it before timing anything
    waits = []
    real_sleep = common.time.sleep
    common.time.sleep = waits.append
    try:
        common.defer_deletions(work)
    finally:
        common.time.sleep = real_sleep
        common.empty_trash()
    assert len(waits) == 1 and 50 < waits[0] <= 60
    common.remove(tmp_path / "national-copie")  # nothing there: nothing to do

    # The « one point changed » edit keeps the project valid.
    national.change_point(project, 1)
    assert not build_project(project, out).report.errors

    # siad serve's rebuilds after a point edit, measured in their own process.
    rebuilds = national.serve_rebuilds(project, out, 2)
    assert len(rebuilds) == 2 and all(0 < seconds < 60 for seconds in rebuilds)


def test_national_generator_is_deterministic_and_covers_every_commune(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    national.generate(first, seed=7, communes=30, points=12, pages=8)
    national.generate(second, seed=7, communes=30, points=12, pages=8)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)

    everything = national.official_communes()
    assert len(everything) == len(reference._communes()[0]) == 34_969
    accepted = national.official_communes(unique_urls=True)
    assert 30_000 < len(accepted) < len(everything)
    assert national.parse_scales("1/64,1/32,0.5") == (1 / 64, 1 / 32, 0.5)


def test_markdown_corpus_builds_with_siad_and_writes_every_peer_project(tmp_path):
    projects = corpus_bench.generate(tmp_path / "corpus", pages=20)
    assert set(projects) == set(corpus_bench.TOOLS)
    for tool, project in projects.items():
        assert corpus_bench.page_file(tool, project, 19).is_file(), tool
    assert corpus_bench.command("siad", projects["siad"], tmp_path / "out")[1:4] == ["-m", "siad", "build"]
    assert (projects["hugo"] / "hugo.toml").is_file() and (projects["mkdocs"] / "mkdocs.yml").is_file()
    assert (projects["pelican"] / "pelicanconf.py").is_file() and (projects["eleventy"] / "src" / "_includes" / "base.njk").is_file()

    result = build_project(projects["siad"], tmp_path / "site")

    assert not result.report.errors and not result.report.warnings
    corpus_pages = sorted(name for name in result.files if name.startswith("pages/") and name.endswith("/index.html"))
    assert len(corpus_pages) == 20
    assert GENERATED | {"index.html", "lieux/index.html"} <= set(result.files)
    title, _paragraphs = corpus_bench.corpus(20)[0]
    assert f"<h1>{title}</h1>" in (tmp_path / "site" / "pages" / "page-0001" / "index.html").read_text(encoding="utf-8")

    corpus_bench.change_page("siad", projects["siad"], 3, 1)
    assert not build_project(projects["siad"], tmp_path / "site").report.errors


def test_benchmarks_doc_is_generated_from_the_results():
    from bench import run

    results = json.loads(common.RESULTS.read_text(encoding="utf-8"))
    assert common.DOC.read_text(encoding="utf-8") == run.render_doc(results), (
        "docs/benchmarks.md is out of date: run « .venv/bin/python bench/run.py --write-doc »"
    )
