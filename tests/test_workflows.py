"""The GitHub workflows parse and call only make targets that exist."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))


def test_the_four_workflows_exist():
    assert {p.stem for p in WORKFLOWS} >= {"ci", "links", "freshness", "deploy"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_parses_and_calls_existing_make_targets(path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["jobs"] and (workflow.get(True) or workflow.get("on")), "jobs and triggers"
    scripts = "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", []))
    for target in re.findall(r"\bmake ([a-z][a-z-]*)", scripts):
        assert target in TARGETS, f"{path.name} calls make {target}, which the Makefile does not define"
    if "bash .ci/run" in scripts:
        assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_pull_requests_are_never_blocked_by_external_sites():
    links = yaml.safe_load((ROOT / ".github" / "workflows" / "links.yml").read_text(encoding="utf-8"))
    triggers = links.get(True) or links.get("on")
    assert "pull_request" not in triggers and "schedule" in triggers
