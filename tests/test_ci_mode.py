"""What CI reads: the one-line summary of `siad build [--strict]`, GitHub annotations, the build
manifest and `siad diff` between two builds."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run


def _drop_description(project: Path) -> None:
    """A warning (a page without description): an error only under --strict."""
    page = project / "content" / "renouveler-sa-demande.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("description:")
    del lines[2]
    page.write_text("".join(lines), encoding="utf-8")


def _summary(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_the_summary_line_counts_pages_warnings_errors_and_time(project: Path, tmp_path: Path) -> None:
    result = run("build", "--source", project, "--out", tmp_path / "site", "--strict")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"siad : 75 pages, 0 avertissement, 8 lacunes connues, 0 erreur ; site écrit dans \S+ en \d+,\d\d s "
        r"\(75 pages rendues ; \d+ fichiers écrits\) \[--strict\]", _summary(result.stdout)), result.stdout


def test_strict_failure_says_which_errors_were_warnings(project: Path, tmp_path: Path) -> None:
    _drop_description(project)
    normal = run("build", "--source", project, "--out", tmp_path / "a")
    assert normal.exit_code == 0
    assert _summary(normal.stdout).startswith("siad : 75 pages, 1 avertissement, 8 lacunes connues, 0 erreur ;")

    strict = run("build", "--source", project, "--out", tmp_path / "b", "--strict")
    assert strict.exit_code == 1
    assert re.fullmatch(
        r"siad : échec en \d+,\d\d s — 1 erreur \(dont 1 avertissement compté comme erreur : --strict\), "
        r"0 avertissement, 8 lacunes connues ; rien n'a été écrit\.", _summary(strict.stderr)), strict.stderr
    assert not (tmp_path / "b").exists()


def test_a_real_error_is_not_called_a_promoted_warning(project: Path, tmp_path: Path) -> None:
    (project / "data" / "niveaux.yml").write_text("niveaux: [\n", encoding="utf-8")
    result = run("build", "--source", project, "--out", tmp_path / "site", "--strict")
    assert result.exit_code == 1
    assert re.fullmatch(r"siad : échec en \d+,\d\d s — 1 erreur, 0 avertissement, 8 lacunes connues ; rien n'a été écrit\.",
                        _summary(result.stderr)), result.stderr


def test_github_actions_gets_annotations_on_the_data_lines(project: Path, tmp_path: Path, monkeypatch) -> None:
    _drop_description(project)
    path = project / "data" / "lieux" / "adil03.yml"
    path.write_text(path.read_text(encoding="utf-8") + "horaire: oui\n", encoding="utf-8")
    quiet = run("build", "--source", project, "--out", tmp_path / "a")
    assert "::error" not in quiet.output

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("build", "--source", project, "--out", tmp_path / "a")
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert annotations[0].startswith("::warning file=content/renouveler-sa-demande.md,line=2,col=1::la page n'a pas de description")
    assert annotations[1] == f"::error file=data/lieux/adil03.yml,line={line},col=1::clé inconnue « horaire » dans un lieu d'accueil — vouliez-vous dire « horaires » ?"
    assert len(annotations) == 2  # known gaps are not annotated: they are not this change's fault


def test_annotations_escape_what_github_would_misread() -> None:
    from siad.cli import _annotation
    from siad.errors import Diagnostic, Location

    line = _annotation(Diagnostic(Location("data/a,b:c.yml", 3), "50 % des\nlogements", None, "avertissement"))
    assert line == "::warning file=data/a%2Cb%3Ac.yml,line=3::50 %25 des%0Alogements"


def test_the_manifest_names_every_file_and_the_sources(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("build", "--source", project, "--out", out).exit_code == 0
    manifest = json.loads((out / ".siad" / "manifest.json").read_text(encoding="utf-8"))
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.relative_to(out).as_posix().startswith(".siad/")}
    assert set(manifest["fichiers"]) == files
    assert manifest["fichiers"]["index.html"]["octets"] == (out / "index.html").stat().st_size
    for name, entry in manifest["fichiers"].items():  # pages written by the workers that rendered them included
        data = (out / name).read_bytes()
        assert (entry["octets"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest()), name
    first = manifest["sources_sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", first)

    (project / "content" / "mutation.md").open("a", encoding="utf-8").write("\nUne phrase.\n")
    assert run("build", "--source", project, "--out", out).exit_code == 0
    second = json.loads((out / ".siad" / "manifest.json").read_text(encoding="utf-8"))["sources_sha256"]
    assert second != first

    other = tmp_path / "ailleurs"
    shutil.copytree(project, other)
    assert run("build", "--source", other, "--out", tmp_path / "site2").exit_code == 0
    assert json.loads((tmp_path / "site2" / ".siad" / "manifest.json").read_text(encoding="utf-8"))["sources_sha256"] == second


def test_two_identical_builds_give_an_empty_diff(project: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert run("build", "--source", project, "--out", tmp_path / name, "--clean").exit_code == 0
    result = run("diff", tmp_path / "a", tmp_path / "b")
    assert result.exit_code == 0
    assert result.stdout == "siad : aucune différence : les deux sites sont identiques, fichier par fichier.\n"
    listed = json.loads(run("diff", tmp_path / "a" / ".siad" / "manifest.json", tmp_path / "b", "--format", "json").stdout)
    assert (listed["ajoutes"], listed["modifies"], listed["supprimes"]) == ([], [], [])
    assert listed["sources_sha256"]["avant"] == listed["sources_sha256"]["apres"]


def test_a_data_change_gives_the_expected_diff(project: Path, tmp_path: Path, monkeypatch) -> None:
    old = tmp_path / "ancien"
    assert run("build", "--source", project, "--out", old).exit_code == 0
    point = project / "data" / "lieux" / "adil03.yml"
    text = point.read_text(encoding="utf-8")
    assert '"13:30-17:00"' in text
    point.write_text(text.replace('"13:30-17:00"', '"13:30-16:30"', 1), encoding="utf-8")
    (project / "content" / "fiche.txt").write_text("Une fiche.\n", encoding="utf-8")  # a new file
    (project / "content" / "mutation.md").unlink()  # a removed page
    new = project / "site"
    result = run("build", "--source", project)
    assert result.exit_code == 0, result.output

    listed = json.loads(run("diff", old, new, "--format", "json").stdout)
    assert listed["ajoutes"] == ["fiche.txt"]
    assert listed["supprimes"] == ["mutation/index.html"]
    assert "lieux/adil03/index.html" in listed["modifies"]
    # Every path it lists really differs, and every path that differs is listed.
    before = {p.relative_to(old).as_posix(): p.read_bytes() for p in old.rglob("*") if p.is_file() and ".siad" not in p.parts}
    after = {p.relative_to(new).as_posix(): p.read_bytes() for p in new.rglob("*") if p.is_file() and ".siad" not in p.parts}
    assert listed["modifies"] == sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    assert listed["sources_sha256"]["avant"] != listed["sources_sha256"]["apres"]

    monkeypatch.chdir(project)  # NEW is site/ by default
    lines = run("diff", old).stdout.splitlines()
    pages = [p for p in listed["modifies"] if p.endswith(".html")]
    others = [p for p in listed["modifies"] if not p.endswith(".html")]
    assert lines == [
        "Autres fichiers ajoutés (1) :", "  fiche.txt",
        f"Pages modifiées ({len(pages)}) :", *sorted("  /" + (p.removesuffix("index.html") if p.endswith("index.html") else p) for p in pages),
        f"Autres fichiers modifiés ({len(others)}) :", *("  " + p for p in others),
        "Pages supprimées (1) :", "  /mutation/",
        f"siad : pages : 0 ajoutée, {len(pages)} modifiée{'s' if len(pages) > 1 else ''}, 1 supprimée ; "
        f"autres fichiers : 1 ajouté, {len(others)} modifiés.",
    ]

    markdown = run("diff", old, new, "--format", "markdown").stdout
    assert markdown.startswith("### Effet sur le site\n\nPages : 0 ajoutée, ")
    assert "**Pages supprimées (1)**\n\n- `/mutation/`" in markdown


def test_diff_explains_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "pas-un-site").mkdir()
    result = run("diff", tmp_path / "pas-un-site", tmp_path / "pas-un-site")
    assert result.exit_code == 2
    assert "ni manifeste ni site construit par siad" in result.stderr
    (tmp_path / "faux.json").write_text('{"fichiers": []}', encoding="utf-8")
    result = run("diff", tmp_path / "faux.json", tmp_path / "faux.json")
    assert result.exit_code == 2
    assert "n'est pas un manifeste siad" in result.stderr
    assert "Traceback" not in result.output


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_manifest_writes_any_path_as_json_would(text: str) -> None:
    """Paths and digests are quoted directly when nothing in them needs escaping: the same text as json.dumps."""
    from siad.writer import _json_string

    assert _json_string(text) == json.dumps(text, ensure_ascii=False)
