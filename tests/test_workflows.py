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


def test_there_is_a_check_and_a_deploy_workflow():
    assert [w.name for w in WORKFLOWS] == ["check.yml", "deploy.yml", "update.yml"]


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
            else:
                pytest.fail(f"{path.name} runs {line!r}: call a make target instead")


def test_pull_requests_check_build_test_and_keep_the_site():
    workflow = load("check.yml")
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    runs = [step.get("run") for step in steps(workflow)]
    assert runs.index("make check") < runs.index("make publish") < runs.index("make test")
    upload = next(
        s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")
    )
    assert upload["with"]["path"] == "output/"


def test_pushes_to_main_deploy_with_the_pages_actions_one_at_a_time():
    workflow = load("deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
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
    runs = [step.get("run") for step in steps(workflow)]
    assert "make update" in runs
    pull_request = next(s for s in steps(workflow) if "create-pull-request" in s.get("uses", ""))
    assert pull_request["with"]["branch"] == "update-listings"
    assert pull_request["with"]["add-paths"] == "content/listings/"
