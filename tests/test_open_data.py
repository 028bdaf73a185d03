"""Open data files: the reception points valid against the data·inclusion schema, CSV and JSON readable."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pydantic
import pytest
from data_inclusion.schema import v1

from conftest import REPO_ROOT, run

from siad.cotation_schema import load_grid_file
from siad.data import load_data
from siad.errors import Report


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("opendata") / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    return out


def test_reception_points_follow_the_data_inclusion_schema(site: Path):
    structures = json.loads((site / "donnees" / "lieux-accueil-structures.json").read_text(encoding="utf-8"))
    services = json.loads((site / "donnees" / "lieux-accueil-services.json").read_text(encoding="utf-8"))
    assert len(structures) == len(services) == 15
    for record in structures:
        v1.Structure.model_validate(record)
    for record in services:
        v1.Service.model_validate(record)
    for name, records in (("lieux-accueil-structures.json", structures), ("lieux-accueil-services.json", services)):
        lines = (site / "donnees" / name).read_text(encoding="utf-8").splitlines()
        assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records  # one point a line: a diff shows which changed
    ids = {s["id"] for s in structures}
    assert len(ids) == 15 and all(s["structure_id"] in ids for s in services)
    assert sorted(s["siad_niveau"] for s in structures).count(2) == 13
    adil = next(s for s in structures if s["id"] == "200071363--adil03")
    assert adil["telephone"] == "+33470981845" and adil["horaires_accueil"].startswith("Mo,We,Fr 09:00-12:00,13:30-17:00;")
    cusset = next(s for s in services if s["id"] == "200071363--maison-solidarites-cusset--accueil-demandeurs")
    # the sector of the Cusset solidarity office, as data/lieux/maison-solidarites-cusset.yml gives it
    point = next(p for p in load_data(REPO_ROOT, Report()).points if p.slug == "maison-solidarites-cusset")
    assert cusset["zone_eligibilite"] == list(point.served_communes) and "03008" in cusset["zone_eligibilite"]
    territory_wide = next(s for s in services if s["id"] == "200071363--cdc-habitat--accueil-demandeurs")
    assert territory_wide["zone_eligibilite"] == ["200071363"]  # no sector: the whole EPCI


def test_a_broken_record_is_refused_by_the_schema():
    with pytest.raises(pydantic.ValidationError, match="nom"):
        v1.Structure.model_validate({"source": "siad", "id": "x", "nom": "AB", "date_maj": "2024-02-29"})  # name too short


def test_csv_files(site: Path):
    points = list(csv.DictReader(io.StringIO((site / "donnees" / "lieux-accueil.csv").read_text(encoding="utf-8")), delimiter=";"))
    assert len(points) == 15 and {p["niveau"] for p in points} == {"1", "2", "3"}
    communes = list(csv.DictReader(io.StringIO((site / "donnees" / "communes.csv").read_text(encoding="utf-8")), delimiter=";"))
    assert len(communes) == 39
    assert sum(int(c["logements_sociaux"]) for c in communes) == 4717
    assert sum(1 for c in communes if c["logements_sociaux"] != "0") == 27
    vichy = next(c for c in communes if c["code_insee"] == "03310")
    assert (vichy["logements_sociaux"], vichy["part_territoire_pourcent"], vichy["logements_qpv"]) == ("1867", "39.6", "1081")


def test_cotation_json_holds_the_whole_grid(site: Path):
    grid = load_grid_file(REPO_ROOT / "data" / "cotation.yml", "data/cotation.yml", Report())
    exported = json.loads((site / "donnees" / "cotation.json").read_text(encoding="utf-8"))
    criteria = {c["cle"]: c for f in exported["familles"] for c in f["criteres"]}
    assert set(criteria) == set(grid.criteria())
    assert all(criteria[k]["points"] == c.points for k, c in grid.criteria().items())


def test_the_open_data_page_links_every_file(site: Path):
    page = (site / "donnees-ouvertes" / "index.html").read_text(encoding="utf-8")
    files = sorted(p.name for p in (site / "donnees").iterdir())
    assert len(files) == 5
    for name in files:
        assert f'href="../donnees/{name}" download' in page, name
    assert "Licence : <em>non renseignée</em>" in page


def test_csv_cells_are_never_spreadsheet_formulas(project: Path, tmp_path: Path):
    """CSV injection: a name a spreadsheet would run as a formula is written as text; phones stay as they are."""
    from siad.opendata import _cell

    assert [_cell(v) for v in ("=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd", "-2+3", "+33 4 70 98 18 45", "-5", "Vichy", 12, None)] == [
        "'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'+cmd", "'-2+3", "+33 4 70 98 18 45", "-5", "Vichy", 12, ""]
    point = project / "data" / "lieux" / "adil03.yml"
    text = point.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("nom:"))
    point.write_text(text.replace(name, 'nom: "=1+1 ADIL"'), encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "donnees" / "lieux-accueil.csv").read_text(encoding="utf-8")), delimiter=";"))
    assert "'=1+1 ADIL" in [row[1] for row in rows]


def test_a_rebuild_makes_again_only_the_open_data_of_the_changed_point(project: Path, tmp_path: Path, monkeypatch) -> None:
    """Each point's open-data lines are kept with the build's cache, keyed by what the point was read
    from: after one point's file changed, only its lines are made again, and the files equal a cold build's."""
    from siad import opendata
    from siad.build import build_project

    out = tmp_path / "sortie"
    build_project(project, out, jobs=1)
    made: list[str] = []
    real = opendata._point_records
    monkeypatch.setattr(opendata, "_point_records", lambda point, *args: made.append(point.slug) or real(point, *args))
    adil = project / "data" / "lieux" / "adil03.yml"
    adil.write_text(adil.read_text(encoding="utf-8").replace('"04 70 98 18 45"', '"04 70 98 18 46"'), encoding="utf-8")
    build_project(project, out, jobs=1)
    assert made == ["adil03"]
    cold = tmp_path / "froid"
    build_project(project, cold, clean=True, jobs=1)
    for name in ("lieux-accueil-structures.json", "lieux-accueil-services.json", "lieux-accueil.csv"):
        assert (out / "donnees" / name).read_bytes() == (cold / "donnees" / name).read_bytes(), name
    assert "+33470981846" in (out / "donnees" / "lieux-accueil-structures.json").read_text(encoding="utf-8")


def test_the_communes_table_is_made_again_only_when_communes_or_figures_change(project: Path, tmp_path: Path, monkeypatch) -> None:
    """Kept with the build's cache like the points' lines: a point's edit does not make the 35,000
    rows of a national project again; a figure's edit does, and the table then equals a cold build's."""
    from siad import opendata
    from siad.build import build_project

    out = tmp_path / "sortie"
    build_project(project, out, jobs=1)
    made: list[int] = []
    real = opendata._make_communes_csv
    monkeypatch.setattr(opendata, "_make_communes_csv", lambda data: made.append(1) or real(data))
    adil = project / "data" / "lieux" / "adil03.yml"
    adil.write_text(adil.read_text(encoding="utf-8").replace('"04 70 98 18 45"', '"04 70 98 18 46"'), encoding="utf-8")
    build_project(project, out, jobs=1)
    assert made == []
    figures = project / "data" / "chiffres" / "communes.csv"
    text = figures.read_text(encoding="utf-8")
    assert "Vichy;1867;" in text
    figures.write_text(text.replace("Vichy;1867;", "Vichy;1866;").replace("Abrest;71;", "Abrest;72;"), encoding="utf-8")  # the total stays
    build_project(project, out, jobs=1)
    assert made == [1]
    cold = tmp_path / "froid"
    build_project(project, cold, clean=True, jobs=1)
    assert (out / "donnees" / "communes.csv").read_bytes() == (cold / "donnees" / "communes.csv").read_bytes()
    assert ";1866;" in (out / "donnees" / "communes.csv").read_text(encoding="utf-8")


_FORKED_BUILD = """
import json, os, sys
from pathlib import Path
from siad import render_site
from siad.build import build_project

here, rendered_here = os.getpid(), []
original = render_site._render_one
def spy(index):
    if os.getpid() == here:
        rendered_here.append(render_site._JOB[1][index].output)
    return original(index)
render_site._render_one = spy
build_project(Path(sys.argv[1]), Path(sys.argv[2]), clean=True, jobs=int(sys.argv[3]))
print(json.dumps(rendered_here))
"""


def test_the_open_data_is_made_while_workers_render_and_its_page_is_rendered_after_it(tmp_path: Path):
    # in new processes: the test run's own threads (a finished server's) would rightly forbid forking
    import subprocess
    import sys

    from conftest import tree_hashes

    sys.path.insert(0, str(REPO_ROOT))
    from bench import national

    project = tmp_path / "projet"
    national.generate(project, communes=120, points=40, pages=1)
    trees, here = {}, {}
    for jobs in (1, 2):
        done = subprocess.run([sys.executable, "-c", _FORKED_BUILD, str(project), str(tmp_path / f"site-{jobs}"), str(jobs)],
                              capture_output=True, text=True, cwd=REPO_ROOT)
        assert done.returncode == 0, done.stderr
        here[jobs] = json.loads(done.stdout.strip().splitlines()[-1])
        trees[jobs] = tree_hashes(tmp_path / f"site-{jobs}")
    assert len(here[1]) > 100  # one process renders every page
    assert here[2] == ["donnees-ouvertes/index.html"]  # the workers render the others while this process makes the open data
    assert trees[1] == trees[2]
    page = (tmp_path / "site-2" / "donnees-ouvertes" / "index.html").read_text(encoding="utf-8")
    size = (tmp_path / "site-2" / "donnees" / "communes.csv").stat().st_size
    assert f"{max(1, round(size / 1024))} Ko" in page


_ALL_LATE = """
import json, os
from types import SimpleNamespace
from siad import render_site

render_site._render_one = lambda index: (index, os.getpid())
pages = list(range(80))
made = []
results = render_site._render(SimpleNamespace(report=None), pages, pages, None, 2, None, None, frozenset(),
                              lambda: made.append(1), set(pages))
print(json.dumps({"made": made, "indices": sorted(results), "here": all(pid == os.getpid() for _, pid in results.values())}))
"""


def test_pages_that_all_show_the_open_data_are_rendered_after_it_without_workers_to_wait_for():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _ALL_LATE], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"made": [1], "indices": list(range(80)), "here": True}
