"""The GitHub workflows parse, call only make targets that exist, and pass zizmor (the
GitHub Actions auditor) offline, as `make check` and CI run it."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from conftest import BIN, ROOT, make_site, run

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
BAD = ROOT / "tests" / "fixtures" / "workflows-bad"
# An action on a moving tag and an issue title expanded inside a shell script.
BAD_WORKFLOW = BAD / "unpinned-and-injected.yml"
# zizmor's exit codes (docs.zizmor.sh/usage/#exit-codes): 0 no findings, 1 error (such as a
# workflow it cannot read, with --strict-collection), 2 usage, 3 no inputs, 11-14 findings
# whose highest severity is informational, low, medium, high.
ZIZMOR_ERROR = 1
ZIZMOR_HIGH_FINDINGS = 14
# owner/repo[/path]@<40-hex commit> # v1.2.3
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+")


def zizmor(path):
    """zizmor over one workflow or folder as make check runs it, never online; its exit
    code and findings as 'audit-id at file:line' (JSON keeps the exit codes; SARIF drops them)."""
    result = run([str(BIN / "zizmor"), "--offline", "--strict-collection", "--no-progress", "--format", "json",
                  str(path)], ROOT)
    assert result.stdout.strip(), f"zizmor printed no report (exit {result.returncode}): {result.stderr[-2000:]}"
    findings = []
    for finding in json.loads(result.stdout):
        where = finding["locations"][0]
        findings.append(f"{finding['ident']} at {where['symbolic']['key']['Local']['verbatim_path']}:"
                        f"{where['concrete']['location']['start_point']['row'] + 1}")
    return result.returncode, findings


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


def test_zizmor_finds_nothing_in_the_workflows():
    code, findings = zizmor(".github/workflows")
    assert findings == []
    assert code == 0


def test_zizmor_fails_on_an_unpinned_action_and_an_expression_in_a_script():
    code, findings = zizmor(BAD_WORKFLOW)
    assert {finding.split(" at ")[0] for finding in findings} == {"unpinned-uses", "template-injection"}, findings
    assert code == ZIZMOR_HIGH_FINDINGS


@pytest.mark.parametrize(("name", "code", "message"), [
    ("unpinned-and-injected.yml", ZIZMOR_HIGH_FINDINGS, "unpinned-uses"),
    # Not skipped with a warning while the good workflows beside it pass.
    ("unreadable.yml", ZIZMOR_ERROR, "failed to load file://.github/workflows/unreadable.yml as workflow"),
], ids=["finding", "unreadable"])
def test_make_check_fails_on_a_workflow_zizmor_rejects(tmp_path, name, code, message):
    project = make_site(tmp_path)
    workflows = project / ".github" / "workflows"
    workflows.mkdir(parents=True)
    for path in [*WORKFLOWS, BAD / name]:
        shutil.copy2(path, workflows / path.name)
    # -o: the copy shares this .venv; make must not reinstall into it from the copy.
    result = run(["make", "--no-print-directory", "-o", ".venv/.installed", "check"], project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output, output[-2000:]
    assert f"Error {code}" in result.stderr, result.stderr[-2000:]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path):
    text = path.read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    used = [item["uses"] for job in workflow["jobs"].values() for item in [job, *job.get("steps", [])]
            if "uses" in item]
    # The lines as written, comment included (YAML drops the comment that names the version).
    lines = re.findall(r"^\s*(?:-\s+)?uses:\s*(.*?)\s*$", text, re.M)
    assert [line.split(" #")[0] for line in lines] == used, "every uses: on a line of its own"
    for line in lines:
        assert PINNED.fullmatch(line), f"{path.name}: '{line}' is not 'owner/repo@<commit> # vX.Y.Z'"


def test_only_the_jobs_that_need_it_may_write():
    """Nothing by default; issues only for the jobs that edit their issue, Pages and an
    OIDC token only for the job that deploys. Every other grant is read-only."""
    writes = {}
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert workflow.get("permissions") == {}, f"{path.name}: permissions: {{}} at the top"
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions")
            assert isinstance(granted, dict), f"{path.name} {name}: the job names its permissions"
            assert set(granted.values()) <= {"read", "write"}, f"{path.name} {name}: {granted}"
            wanted = {scope for scope, level in granted.items() if level == "write"}
            if wanted:
                writes[f"{path.stem}/{name}"] = wanted
    assert writes == {
        "deploy/deploy": {"pages", "id-token"},
        "freshness/freshness": {"issues"},
        "links/links": {"issues"},
    }


def test_ci_shows_problems_on_their_line_sums_up_the_pages_and_keeps_the_site():
    """A pull request's problems are annotations on their lines; the job summary lists the
    pages it adds or changes; the built site is an artifact for the reviewer to open."""
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))["jobs"][
        "content"]["steps"]
    runs = [step.get("run", "") for step in steps]
    check = next(n for n, script in enumerate(runs) if "kb check" in script)
    assert runs[check].split() == [".venv/bin/kb", "check", "--changed-since", '"$BASE"', "--format", "github",
                                   "--summary", '"$GITHUB_STEP_SUMMARY"']
    build = runs.index("make build")
    upload = next(n for n, step in enumerate(steps) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert check < build < upload
    assert steps[upload]["with"]["path"] == "site" and steps[upload]["with"]["if-no-files-found"] == "error"
