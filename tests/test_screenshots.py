"""docs/screenshots/ is what scripts/screenshots makes: one JPEG per page of its PAGES list and per
width, an index that links them all, and every page in the list exists in the default site.

No browser here: the images themselves are made by running the script (see docs/screenshots/README.md).
"""

from __future__ import annotations

import importlib.util
import re
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

from conftest import FIXED_BUILD_EPOCH, REPO_ROOT, run

SCRIPT = REPO_ROOT / "scripts" / "screenshots"
SHOTS = REPO_ROOT / "docs" / "screenshots"


def _load_script():
    loader = SourceFileLoader("siad_screenshots_script", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


shots = _load_script()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The default project, built once for this module (on the suite's fixed build date)."""
    out = tmp_path_factory.mktemp("screenshots") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)
        result = run("build", "--source", REPO_ROOT, "--out", out)
    assert result.exit_code == 0, result.output + result.stderr
    return out


def test_script_is_executable_python():
    assert SCRIPT.read_text(encoding="utf-8").startswith("#!/usr/bin/env python3\n")
    assert SCRIPT.stat().st_mode & 0o111, "scripts/screenshots is not executable"


def test_page_list_is_well_formed():
    names = [name for name, _, _ in shots.PAGES]
    assert len(names) == len(set(names)), "two pages share a screenshot name"
    for name, path, description in shots.PAGES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert not path.startswith("/"), path
        assert description.strip(), name
    assert shots.WIDTHS == (320, 1280)


@pytest.mark.parametrize("name, path", [(name, path) for name, path, _ in shots.PAGES])
def test_every_page_exists_in_the_default_site(site: Path, name: str, path: str):
    built = site / shots.site_file(path)
    assert built.is_file(), f"{name}: /{path} is not in the default site (no {shots.site_file(path)})"


def test_folder_holds_exactly_the_screenshots():
    expected = set(shots.expected_files())
    assert len(expected) == len(shots.PAGES) * len(shots.WIDTHS)
    found = {p.name for p in SHOTS.glob("*.jpg")}
    hint = " — run: " + shots.COMMAND
    assert found - expected == set(), f"stale screenshots: {sorted(found - expected)}{hint}"
    assert expected - found == set(), f"missing screenshots: {sorted(expected - found)}{hint}"
    others = {p.name for p in SHOTS.iterdir()} - expected - {"README.md"}
    assert not others, f"unexpected files in docs/screenshots: {sorted(others)}"


@pytest.mark.parametrize("image", shots.expected_files())
def test_each_screenshot_is_a_jpeg_of_its_width(image: str):
    path = SHOTS / image
    if not path.is_file():
        pytest.fail(f"missing {image} — run: {shots.COMMAND}")
    data = path.read_bytes()
    assert data[:2] == b"\xff\xd8", f"{image} is not a JPEG"
    size = shots.jpeg_size(data)
    assert size is not None, f"{image}: no JPEG frame header"
    width = int(image.rsplit("-", 1)[1].removesuffix(".jpg"))
    assert size[0] == width, f"{image} is {size[0]} px wide, not {width}"
    assert size[1] >= shots.HEIGHTS[width], f"{image} is shorter than the viewport: {size}"


def test_index_links_every_screenshot():
    index = (SHOTS / "README.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(([^)\s]+)\)", index))
    for image in shots.expected_files():
        assert image in links, f"docs/screenshots/README.md does not link {image}"
    for _, path, _ in shots.PAGES:
        assert f"`/{path}`" in index, f"docs/screenshots/README.md does not show the URL /{path}"
    assert shots.COMMAND in index


def test_jpeg_size_reads_the_frame_header():
    # A minimal baseline JPEG header: SOI, APP0 (JFIF), SOF0 320 × 640.
    app0 = b"\xff\xe0" + (16).to_bytes(2, "big") + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + (17).to_bytes(2, "big") + b"\x08" + (640).to_bytes(2, "big") + (320).to_bytes(2, "big") + b"\x03" + bytes(9)
    assert shots.jpeg_size(b"\xff\xd8" + app0 + sof0 + b"\xff\xd9") == (320, 640)
    assert shots.jpeg_size(b"\x89PNG\r\n") is None
