"""The GitHub workflows: valid, and calling only what the project has."""

import re
import shlex

import pytest
import yaml
from conftest import ROOT

from pelican.plugins.papershelf.cli import parser

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load(name):
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def make_targets():
    makefile = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))


def papershelf_commands():
    subparsers = next(a for a in parser()._actions if a.dest == "command")
    return set(subparsers.choices)


# The current major of each action (all on the Node 24 runtime).
CURRENT = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "actions/cache": "v6",
    "actions/upload-artifact": "v7",
    "actions/download-artifact": "v8",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
    "actions/create-github-app-token": "v3",
    "peter-evans/create-pull-request": "v8",
    "pypa/gh-action-pypi-publish": "release/v1",
}


def test_there_are_check_deploy_release_and_update_workflows():
    assert [w.name for w in WORKFLOWS] == ["check.yml", "deploy.yml", "release.yml", "update.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_on_its_current_major(path):
    for step in steps(yaml.safe_load(path.read_text())):
        if "uses" in step:
            action, version = step["uses"].split("@")
            assert CURRENT[action] == version, step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_python_comes_with_pips_cache(path):
    setups = [
        s for s in steps(yaml.safe_load(path.read_text())) if "setup-python" in s.get("uses", "")
    ]
    assert setups
    for setup in setups:
        assert setup["with"]["cache"] == "pip"
        assert setup["with"]["cache-dependency-path"] == "pyproject.toml"


def test_deploying_installs_only_what_building_needs():
    runs = [step.get("run") for step in steps(load("deploy.yml"))]
    assert not {"make install", "make test"} & set(runs)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^publish: \$\(VENV\)/\.installed$", makefile, re.MULTILINE)
    assert re.search(r"^html: \$\(VENV\)/\.installed$", makefile, re.MULTILINE)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_command_a_workflow_runs_exists(path):
    workflow = yaml.safe_load(path.read_text())
    targets, commands = make_targets(), papershelf_commands()
    runs = [step["run"] for step in steps(workflow) if "run" in step]
    assert runs
    for run in runs:
        for line in run.splitlines():
            words = shlex.split(line)
            if words[0] == "make":
                assert set(words[1:2]) <= targets, line
            elif words[0] == "papershelf":
                assert words[1] in commands, line
            elif words == ["exit", "1"]:
                assert "if" in next(s for s in steps(workflow) if s.get("run") == run)
            else:
                pytest.fail(f"{path.name} runs {line!r}: call a make target instead")


def test_pull_requests_check_build_test_and_keep_the_site():
    workflow = load("check.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run") for step in steps(workflow)]
    # `make html`: relative links, so the downloaded site opens from its folder.
    assert runs.index("make check") < runs.index("make html") < runs.index("make test")
    upload = next(
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "output/"


def test_pushes_to_the_default_branch_deploy_with_the_pages_actions_one_at_a_time():
    workflow = load("deploy.yml")
    assert workflow["jobs"]["build"]["if"] == (
        "github.ref_name == github.event.repository.default_branch"
    )
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [s["uses"].split("@")[0] for s in steps(workflow) if "uses" in s]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/configure-pages",
        "actions/cache",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    build = next(s for s in steps(workflow) if s.get("name") == "Build")
    assert build["run"] == 'make publish SITEURL="${{ steps.pages.outputs.base_url }}"'


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_builds_in_actions_restore_the_last_builds_cache(name):
    workflow = load(name)
    names = [s.get("name") or s.get("uses") for s in steps(workflow)]
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "cache/"
    assert cache["with"]["restore-keys"] == "papershelf-"
    build = next(n for n in names if n.startswith("Build"))
    assert names.index(cache["name"]) < names.index(build)


def test_a_daily_update_fetches_missing_days_into_one_pull_request():
    workflow = load("update.yml")
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    names = [step.get("run") or step.get("uses").split("@")[0] for step in steps(workflow)]
    assert names.index("make update") < names.index("peter-evans/create-pull-request")
    pull_request = next(s for s in steps(workflow) if "create-pull-request" in s.get("uses", ""))
    assert pull_request["with"]["branch"] == "update-listings"
    assert pull_request["with"]["add-paths"] == "content/listings/"


def test_the_update_runs_checks_first_and_reports_them_in_the_pull_request():
    workflow = load("update.yml")
    checks = load("check.yml")
    checked = {s["run"] for s in steps(checks) if s.get("run", "").startswith("make ")}
    run = {s["run"]: s for s in steps(workflow) if "run" in s}
    opened = [s.get("uses", "").split("@")[0] for s in steps(workflow)]
    body = steps(workflow)[opened.index("peter-evans/create-pull-request")]["with"]["body"]
    for command in checked - {"make install"}:
        step = run[command]
        assert step["continue-on-error"] is True  # the pull request still says what failed
        assert f"steps.{step['id']}.outcome" in body
        assert list(run).index(command) < len(run) - 1
    # A token that starts workflows, when the repository has one.
    token = steps(workflow)[opened.index("peter-evans/create-pull-request")]["with"]["token"]
    assert "secrets.PAPERSHELF_PR_TOKEN" in token
    assert "steps.app.outputs.token" in token


def test_a_version_tag_publishes_to_pypi_by_trusted_publishing():
    workflow = load("release.yml")
    assert workflow[True] == {"push": {"tags": ["v*"]}}
    runs = [step.get("run") for step in steps(workflow)]
    assert 'make dist TAG="${{ github.ref_name }}"' in runs
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    upload = next(s for s in publish["steps"] if "pypi-publish" in s.get("uses", ""))
    assert "password" not in upload.get("with", {})  # no API token: PyPI trusts the workflow
