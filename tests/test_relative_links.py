"""Links between pages: the per-page link maker (``links_from``, used for every rendered page) gives
exactly what ``relative_url`` gives, for ordinary and unusual addresses alike."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from siad.model import links_from, relative_url

PAGES = ["", "lieux/", "communes/aast/", "communes/a/b/c/", "plan-du-site/", "404.html", "a/../b/", "/abs/", "./x/"]
TARGETS = ["", "lieux/", "communes/aast/", "communes/aast", "communes/aast/#horaires", "communes/aastx/", "communes/",
           "assets/css/site.04a41f01ef.css", "#contenu", "https://exemple.fr/", "mailto:a@b.fr", "tel:+33123",
           "./lieux/", "../x/", "a//b/", "/racine/", ".", "communes/aast/vcard.vcf", "a/.cache/", "lieux/#"]


def test_every_page_links_as_relative_url_does() -> None:
    for page in PAGES:
        link = links_from(page)
        for target in TARGETS:
            assert link(target) == relative_url(page, target), (page, target)


def test_the_links_resolve_to_their_targets() -> None:
    """What a browser does with the link from the page's folder lands on the target."""
    for page in ["", "lieux/", "communes/aast/", "communes/a/b/c/"]:
        for target in ["", "lieux/", "communes/aast/", "communes/aast/vcard.vcf", "communes/"]:
            resolved = posixpath.normpath(posixpath.join("/" + page, links_from(page)(target)))
            assert resolved.rstrip("/") == ("/" + target).rstrip("/"), (page, target)


_PART = st.sampled_from(["a", "b", "communes", "aast", ".", "..", "", "x.html", ".cache"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4), st.booleans(), st.booleans(), st.sampled_from(["", "#h", "#"]))
def test_any_address_links_as_relative_url_does(page: list[str], target: list[str], page_slash: bool, target_slash: bool, fragment: str) -> None:
    from_url = "/".join(page) + ("/" if page_slash and page else "")
    to_url = "/".join(target) + ("/" if target_slash and target else "") + fragment
    assert links_from(from_url)(to_url) == relative_url(from_url, to_url)


def test_the_header_and_menu_made_once_per_folder_are_those_of_each_page(tmp_path, monkeypatch) -> None:
    """render.Renderer._chrome keeps the site's view and the menu per parent folder: on every page of
    the default site and of a national sample (split indexes), they equal those made for the page alone."""
    import sys

    from conftest import REPO_ROOT

    from siad.build import build_project
    from siad.render import Renderer

    sys.path.insert(0, str(REPO_ROOT))
    from bench import national

    national_sample = tmp_path / "national"
    national.generate(national_sample, communes=150, points=30, pages=12)
    original = Renderer._chrome
    seen = {"pages": 0, "kept": 0}

    def compared(self, url, page):
        kept = len(self._chromes)
        made = original(self, url, page)
        saved, self._chromes = self._chromes, {}
        try:
            alone = original(self, url, page)
        finally:
            self._chromes = saved
        assert made == alone, page.url
        seen["pages"] += 1
        seen["kept"] += len(self._chromes) == kept and page.url.count("/") >= 2
        return made

    monkeypatch.setattr(Renderer, "_chrome", compared)
    for project in (REPO_ROOT, national_sample):
        result = build_project(project, tmp_path / f"site-{project.name}", jobs=1)
        assert not result.report.errors
    assert seen["pages"] > 250 and seen["kept"] > 150, seen  # most pages took what their folder's first page made
