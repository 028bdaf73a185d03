"""Site-wide files (sitemap.xml, robots.txt) and the weight budgets of the built default site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run

PAGE_BUDGET = 60 * 1024
CSS_BUDGET = 30 * 1024
JS_BUDGET = 40 * 1024


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    result = run("build", "--source", REPO_ROOT, "--out", out, "--base-url", "https://logement.exemple.fr/siad/")
    assert result.exit_code == 0, result.output
    return out


def test_sitemap_lists_every_page_with_its_public_address(site: Path):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    pages = sorted(p.relative_to(site).parent.as_posix() for p in site.rglob("index.html"))
    expected = sorted("https://logement.exemple.fr/siad/" + ("" if p == "." else p + "/") for p in pages)
    assert sorted(locs) == expected and len(locs) > 60
    assert "404" not in sitemap
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\nSitemap: https://logement.exemple.fr/siad/sitemap.xml\n"


def test_without_a_public_address_there_is_no_sitemap(tmp_path: Path):
    out = tmp_path / "site"
    assert run("build", "--source", REPO_ROOT, "--out", out).exit_code == 0
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"


def test_weight_budgets(site: Path):
    pages = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    heavy = {name: size for name, size in pages.items() if size > PAGE_BUDGET}
    assert not heavy, f"pages de plus de 60 Ko : {heavy}"
    css = sum(p.stat().st_size for p in site.rglob("*.css"))
    js = sum(p.stat().st_size for p in site.rglob("*.js"))
    assert 0 < css <= CSS_BUDGET, css
    assert js <= JS_BUDGET, js
    print(f"\nbudgets : {len(pages)} pages, la plus lourde {max(pages.values()) // 1024} Ko (≤ 60) ; CSS {css // 1024} Ko (≤ 30) ; JS {js // 1024} Ko (≤ 40)")


def test_no_inline_script_or_handler_for_a_strict_content_security_policy(site: Path):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page
        assert "javascript:" not in html, page
