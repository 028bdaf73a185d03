"""The Markdown corpus benchmark: 4,000 pages (a title and three paragraphs each), built by siad and,
in the same run, by Hugo, Eleventy, MkDocs and Pelican.

``generate(directory, pages, seed)`` writes one project per tool from the same page texts:

- ``siad/``: siad.yml, an empty commune list, one service level, ``content/pages/page-NNNN.md``;
- ``hugo/``: hugo.toml (no taxonomies) and a minimal single and list layout;
- ``eleventy/``: ``src/pages/*.md`` with a directory data file naming a minimal Nunjucks layout;
- ``mkdocs/``: mkdocs.yml (site_name, docs_dir) and ``docs/pages/*.md``, default theme;
- ``pelican/``: pelicanconf.py (no feeds) and the pages as articles, default theme.

For each tool: cold full build (no previous output), warm rebuild (nothing changed), rebuild after
changing one page, peak RSS, pages and bytes written, and the time to merely write the same bytes
(the physical floor); medians of several runs. Peers run from bench/.env and bench/node_modules,
installed by this script. Prints a table; bench/run.py records the results and writes the doc.

    .venv/bin/python bench/markdown.py [--pages 4000] [--peers hugo,eleventy,mkdocs,pelican] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import time
from pathlib import Path

if not __package__:  # run as a script: bench/ must not shadow the « markdown » package siad imports
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
    sys.path.insert(0, os.path.dirname(_here))

from bench.common import (  # noqa: E402
    byte_compile_siad,
    BUILD_EPOCH, short_paths, PEER_ENV, ROOT, WORK, eleventy_command, ensure_peers, hugo_binary, log, remove, remove_output, run_timed, settle, timed_runs, runs_for,
    snapshot, summary, tree_stats, write_floor,
)

SEED = 2026
PAGES = 4000
PEERS = ("hugo", "eleventy", "mkdocs", "pelican")
TOOLS = ("siad", *PEERS)
CHANGED_PAGE = 2000  # the page edited for the « one page changed » rebuild (1-based, clamped)

WORDS = (
    "logement social demande bailleur attribution commission dossier pièces justificatives ressources ménage "
    "enfants loyer charges quartier commune délai renouvellement cotation points priorité accueil rendez-vous "
    "guichet enregistrement numéro unique attestation mutation typologie appartement maison étage ascenseur "
    "accessibilité handicap aide personnalisée caution garantie réservataire préfecture contingent département "
    "intercommunalité plan partenarial information le la les un une des du de et ou pour avec dans sur par "
    "votre vous nous leur son sa ses ce cette qui que est sont peut doit a ont"
).split()


# --- The corpus ---------------------------------------------------------------------------------


def corpus(pages: int = PAGES, seed: int = SEED) -> list[tuple[str, list[str]]]:
    """(title, three paragraphs) for each page; Markdown emphasis here and there."""
    rng = random.Random(seed)
    result = []
    for k in range(pages):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))).capitalize() + f" ({k + 1})"
        paragraphs = []
        for _ in range(3):
            words = [rng.choice(WORDS) for _ in range(rng.randint(45, 90))]
            if rng.random() < 0.5:
                words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
            if rng.random() < 0.3:
                words[rng.randrange(len(words))] = f"*{rng.choice(WORDS)}*"
            sentences, i = [], 0
            while i < len(words):
                size = rng.randint(8, 18)
                sentences.append(" ".join(words[i:i + size]).capitalize() + ".")
                i += size
            paragraphs.append(" ".join(sentences))
        result.append((title, paragraphs))
    return result


def _name(k: int) -> str:
    return f"page-{k + 1:04d}.md"


def _body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def generate(directory: Path, pages: int = PAGES, seed: int = SEED, tools: tuple[str, ...] = TOOLS) -> dict[str, Path]:
    """Write one project per tool under ``directory``; returns {tool: project folder}."""
    directory = Path(directory)
    texts = corpus(pages, seed)
    projects = {}
    for tool in tools:
        project = directory / tool
        remove(project)
        {"siad": _siad, "hugo": _hugo, "eleventy": _eleventy, "mkdocs": _mkdocs, "pelican": _pelican}[tool](project, texts)
        projects[tool] = project
    return projects


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _siad(project: Path, texts) -> None:
    _write(project / "siad.yml", 'titre: "Corpus de mesure"\nterritoire: "Territoire de mesure"\nlangue: fr\ntheme: default\n')
    _write(project / "data" / "communes.yml", "communes: []\n")
    _write(project / "data" / "niveaux.yml", 'niveaux:\n  - numero: 1\n    nom: "Information"\n')
    _write(project / "content" / "index.md", '---\ntitre: "Corpus de mesure"\ndescription: "Le corpus de mesure."\n---\n\nLes pages du corpus.\n')
    for k, (title, paragraphs) in enumerate(texts):
        _write(project / "content" / "pages" / _name(k), f"---\ntitre: {_q(title)}\ndescription: {_q(title + '.')}\n---\n\n{_body(paragraphs)}")


HUGO_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ .Content }}
</main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main></body></html>
"""


def _hugo(project: Path, texts) -> None:
    _write(project / "hugo.toml", 'baseURL = "https://example.org/"\nlanguageCode = "fr"\ntitle = "Corpus de mesure"\ndisableKinds = ["taxonomy", "term"]\n')
    _write(project / "layouts" / "single.html", HUGO_PAGE)
    _write(project / "layouts" / "list.html", HUGO_LIST)
    for k, (title, paragraphs) in enumerate(texts):
        _write(project / "content" / "pages" / _name(k), f"---\ntitle: {_q(title)}\n---\n\n{_body(paragraphs)}")


ELEVENTY_LAYOUT = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
{{ content | safe }}
</main></body></html>
"""


ELEVENTY_CONFIG = """// Eleventy reads .gitignore by default, and bench/work/ is git-ignored: read every input file.
module.exports = function (eleventyConfig) {
  eleventyConfig.setUseGitIgnore(false);
};
"""


def _eleventy(project: Path, texts) -> None:
    _write(project / "eleventy.config.cjs", ELEVENTY_CONFIG)
    _write(project / "src" / "_includes" / "base.njk", ELEVENTY_LAYOUT)
    _write(project / "src" / "pages" / "pages.11tydata.json", '{"layout": "base.njk"}\n')
    for k, (title, paragraphs) in enumerate(texts):
        _write(project / "src" / "pages" / _name(k), f"---\ntitle: {_q(title)}\n---\n\n{_body(paragraphs)}")


def _mkdocs(project: Path, texts) -> None:
    _write(project / "mkdocs.yml", "site_name: Corpus de mesure\ndocs_dir: docs\n")
    _write(project / "docs" / "index.md", "# Corpus de mesure\n\nLes pages du corpus.\n")
    for k, (title, paragraphs) in enumerate(texts):
        _write(project / "docs" / "pages" / _name(k), f"---\ntitle: {_q(title)}\n---\n\n{_body(paragraphs)}")


PELICAN_CONF = """AUTHOR = "siad"
SITENAME = "Corpus de mesure"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
"""


def _pelican(project: Path, texts) -> None:
    _write(project / "pelicanconf.py", PELICAN_CONF)
    for k, (title, paragraphs) in enumerate(texts):
        day = f"2026-{1 + k % 12:02d}-{1 + k % 28:02d} 10:00"
        _write(project / "content" / _name(k), f"Title: {title}\nDate: {day}\n\n{_body(paragraphs)}")


# --- Building -----------------------------------------------------------------------------------


def command(tool: str, project: Path, out: Path) -> list[str]:
    if tool == "siad":
        return [sys.executable, "-m", "siad", "build", "--source", str(project), "--out", str(out)]
    if tool == "hugo":
        return [str(hugo_binary()), "build", "--source", str(project), "--destination", str(out), "--quiet", "--noBuildLock"]
    if tool == "eleventy":
        return [*eleventy_command(), f"--config={project / 'eleventy.config.cjs'}", f"--input={project / 'src'}", f"--output={out}", "--quiet"]
    if tool == "mkdocs":
        return [str(PEER_ENV / "bin" / "mkdocs"), "build", "--quiet", "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(out)]
    if tool == "pelican":
        return [str(PEER_ENV / "bin" / "pelican"), str(project / "content"), "--output", str(out), "--settings", str(project / "pelicanconf.py"), "--quiet"]
    raise ValueError(tool)


def page_file(tool: str, project: Path, k: int) -> Path:
    """The source file of page ``k`` (0-based) in ``tool``'s project."""
    return {
        "siad": project / "content" / "pages",
        "hugo": project / "content" / "pages",
        "eleventy": project / "src" / "pages",
        "mkdocs": project / "docs" / "pages",
        "pelican": project / "content",
    }[tool] / _name(k)


def caches(tool: str, project: Path) -> list[Path]:
    """What a tool keeps between builds besides its output, removed before a cold build."""
    return {
        "hugo": [project / "resources", project / ".hugo_build.lock"],
        "pelican": [project / "cache", project / "__pycache__"],
        "eleventy": [project / ".cache"],
    }.get(tool, [])


def change_page(tool: str, project: Path, k: int, round_: int) -> None:
    path = page_file(tool, project, k)
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + f" Phrase ajoutée pour la mesure {round_}.\n", encoding="utf-8")


def shell(cmd: list[str]) -> str:
    return " ".join(shlex.quote(str(Path(p).relative_to(ROOT)) if p.startswith(str(ROOT) + "/") else p) for p in cmd)


def measure_tool(tool: str, project: Path, work: Path, pages: int, runs: int | None) -> dict:
    out = work / f"markdown-out-{tool}"
    cmd = command(tool, project, out)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH} if tool == "siad" else None

    def clear(_k: int = 0) -> None:
        remove_output(out)
        for path in caches(tool, project):
            remove(path)
        settle()

    log(f"markdown: {tool}: first cold build")
    clear()
    first = run_timed(cmd, env=env)
    n = runs_for(first.seconds, runs)
    log(f"markdown: {tool}: first build {first.seconds:.2f} s; {n} runs of each case")
    cold, rss_cold = timed_runs(cmd, n, env, clear)
    stats = tree_stats(out)
    if stats["pages"] < pages:  # a tool that silently skipped pages would look fast
        raise RuntimeError(f"{tool} wrote {stats['pages']} pages for a corpus of {pages}: {shell(cmd)}")
    files = snapshot(out)
    floor = write_floor(files, work, n)
    del files
    warm, rss_warm = timed_runs(cmd, n, env)
    target = min(CHANGED_PAGE, pages) - 1
    changed, rss_changed = timed_runs(cmd, n, env, lambda k: change_page(tool, project, target, k))
    rss = [first.max_rss_kib, *rss_cold, *rss_warm, *rss_changed]
    remove_output(out)
    result = {
        "command": shell(cmd), "runs": n, "cold": summary(cold), "warm": summary(warm), "one_page_changed": summary(changed),
        "peak_rss_mib": round(max(rss) / 1024, 1), **stats, "floor": floor,
    }
    log(f"markdown: {tool}: cold {result['cold']['median']:.2f} s, warm {result['warm']['median']:.2f} s, "
        f"one page {result['one_page_changed']['median']:.2f} s, {stats['pages']} pages, {stats['bytes'] / 1e6:.1f} MB, "
        f"floor {floor['median']:.2f} s, peak RSS {result['peak_rss_mib']} MiB")
    return result


def markdown_alone(pages: int, seed: int, runs: int = 3) -> dict:
    """Python-Markdown by itself on the same bodies, in this process (one core): plain, and with
    siad's extension list (tables, attr_list, abbr, def_list, sane_lists, toc)."""
    import markdown

    bodies = [_body(p) for _, p in corpus(pages, seed)]
    results = {}
    for label, extensions in (("plain", []), ("siad_extensions", ["tables", "attr_list", "abbr", "def_list", "sane_lists", "toc"])):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            for body in bodies:
                markdown.Markdown(extensions=extensions).convert(body)
            times.append(time.perf_counter() - started)
        results[label] = summary(times)
    results["python_markdown"] = markdown.__version__
    return results


def profile_siad(project: Path, work: Path, top: int = 25) -> str:
    """cProfile of one in-process siad build of ``project``: the top functions by cumulative time."""
    import cProfile
    import io
    import pstats

    from siad.build import build_project

    os.environ["SOURCE_DATE_EPOCH"] = BUILD_EPOCH
    out = work / "profile-out"
    remove_output(out)
    profiler = cProfile.Profile()
    profiler.enable()
    build_project(project, out, jobs=1)  # one process: the workers' time would not show
    profiler.disable()
    remove_output(out)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    lines = [short_paths(line) for line in text.getvalue().splitlines()]
    return "\n".join(line for line in lines if line.strip()).strip()


def measure(work: Path, pages: int = PAGES, peers: tuple[str, ...] = PEERS, runs: int | None = None, seed: int = SEED, profile: bool = True) -> dict:
    tools = ("siad", *peers)
    ensure_peers(set(peers))
    log(f"markdown: generating {pages} pages for {', '.join(tools)}")
    projects = generate(work / "markdown", pages, seed, tools)
    result = {"pages": pages, "seed": seed, "tools": {}}
    for tool in tools:
        result["tools"][tool] = measure_tool(tool, projects[tool], work, pages, runs)
    log("markdown: Python-Markdown alone")
    result["markdown_alone"] = markdown_alone(pages, seed)
    if profile:
        log("markdown: profiling siad")
        generate(work / "markdown", pages, seed, ("siad",))  # the edited page back as generated
        result["profile"] = profile_siad(projects["siad"], work)
    return result


def table(result: dict) -> str:
    """The wall times and the ratios siad/peer, as text."""
    tools = result["tools"]
    base = tools.get("siad")
    lines = [f"{'tool':<10} {'cold s':>8} {'warm s':>8} {'1 page s':>9} {'RSS MiB':>8} {'pages':>6} {'MB':>7} {'floor s':>8} {'siad/peer':>10}"]
    for name, t in tools.items():
        ratio = f"{base['cold']['median'] / t['cold']['median']:.1f}×" if base and name != "siad" else ""
        lines.append(
            f"{name:<10} {t['cold']['median']:>8.2f} {t['warm']['median']:>8.2f} {t['one_page_changed']['median']:>9.2f} "
            f"{t['peak_rss_mib']:>8.0f} {t['pages']:>6} {t['bytes'] / 1e6:>7.1f} {t['floor']['median']:>8.2f} {ratio:>10}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=PAGES)
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated, among " + ", ".join(PEERS) + " (empty: siad only)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per case (default: 5 under 5 s, else 3)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--workdir", type=Path, default=WORK)
    parser.add_argument("--json", type=Path, default=None, help="also write the results to this file")
    args = parser.parse_args(argv)
    peers = tuple(p for p in args.peers.split(",") if p)
    unknown = set(peers) - set(PEERS)
    if unknown:
        parser.error(f"unknown peers: {', '.join(sorted(unknown))}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    byte_compile_siad()
    result = measure(args.workdir, args.pages, peers, args.runs, args.seed, not args.no_profile)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(result))
    print(f"Python-Markdown alone: {result['markdown_alone']['plain']['median']:.2f} s plain, "
          f"{result['markdown_alone']['siad_extensions']['median']:.2f} s with siad's extensions")


if __name__ == "__main__":
    main()
