"""The content model and its checks: every bad input gets a clear message, all in one run."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, assert_clean_run, kb, make_site, mkdocs_build, run
from kb import checks
from kb.checks.scope import Scope
from kb.model import load, schema
from kb.model.problems import Problem
from kb.model.site import load_site
from kb.tools.cli import render_schema

SCENARIOS = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.txt").is_file())


def scenario_site(tmp_path: Path, name: str) -> Path:
    folder = FIXTURES / name
    data = folder / "data"
    return make_site(tmp_path, docs=folder / "docs", data=data if data.is_dir() else None)


def expected(name: str) -> list[str]:
    return (FIXTURES / name / "expected.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", SCENARIOS)
def test_kb_check_reports_exactly_the_expected_problems(tmp_path, name):
    project = scenario_site(tmp_path, name)
    result = kb("check", cwd=project)
    assert_clean_run(result)
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("kb check:"), "the run ends with a summary line"
    assert lines[:-1] == expected(name)
    assert result.returncode == (1 if expected(name) else 0)


def test_scenarios_cover_every_kind_of_bad_input():
    """Each kind of problem the checks know is shown by at least one scenario."""
    messages = "\n".join(line for name in SCENARIOS for line in expected(name))
    for needle in (
        "YAML syntax error", "unknown field", "is missing", "should be a whole number", "not a valid date",
        "in the future", "unknown focus_areas id", "template placeholder left in", "is already used by",
        "differs from the source page", "is not UTF-8 text", "<script> is not allowed", "event-handler",
        "not an allowed address", "is plain text", "appears twice", "has no front matter", "never closed",
        "unknown type", "checked_on and checked_by go together", "is not the official text",
        "refers to the list or mapping it is in", "unknown source", "is not a citation marker",
        "but cites no source", "sources are derived from", "no page cites", "which is not an official host",
        "is not a regular expression", "is no entry of the register", "in the future: use the date a person",
    ):
        assert needle in messages, f"no scenario shows '{needle}'"
    assert expected("clean") == [], "the clean scenario (CRLF, BOM, every page type) passes"


def test_make_check_fails_on_bad_content_and_passes_on_good(tmp_path):
    # -o: the copy shares this .venv; make must not reinstall into it from the copy.
    make = ["make", "--no-print-directory", "-o", ".venv/.installed", "check"]
    bad = run(make, scenario_site(tmp_path / "bad", "unsafe-html"))
    assert bad.returncode != 0
    assert "docs/sida.md:12: <script> is not allowed" in bad.stdout
    good = run(make, make_site(tmp_path / "good"))
    assert good.returncode == 0, good.stdout + good.stderr


def test_shipped_content_passes_kb_check():
    result = kb("check")
    assert result.returncode == 0, result.stdout


def test_the_build_fails_on_the_same_problems_as_kb_check(tmp_path):
    name = "bad-front-matter"
    result = mkdocs_build(scenario_site(tmp_path, name), tmp_path / "out")
    assert_clean_run(result)
    assert result.returncode == 1
    for line in expected(name):
        assert line in result.stderr


def test_json_schemas_in_the_repo_match_the_models():
    for name, json_schema in schema.json_schemas(load_site(ROOT).complete_languages).items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == render_schema(json_schema), f"schemas/{name} is stale: run `kb schema --write`"


def test_kb_schema_check_exit_codes(tmp_path):
    project = make_site(tmp_path)
    assert kb("schema", "--write", cwd=project).returncode == 0
    assert kb("schema", "--check", cwd=project).returncode == 0
    path = project / "schemas" / "page.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["title"] = "edited by hand"
    path.write_text(json.dumps(schema), encoding="utf-8")
    stale = kb("schema", "--check", cwd=project)
    assert stale.returncode == 1
    assert "schemas/page.schema.json: differs from the models" in stale.stdout


def test_editors_are_wired_to_the_schemas():
    settings_file = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapped = settings_file["yaml.schemas"]
    assert mapped["./schemas/taxonomy.schema.json"] == "data/taxonomy.yml"
    assert "$schema=../schemas/taxonomy.schema.json" in (ROOT / "data" / "taxonomy.yml").read_text()


# --- property-based: random input yields only clean problems -----------------------------

KEYS = sorted({*schema.PageBase.model_fields, "statute", "step", "focus_area", "problem", "vetted_on"})
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 3000), st.text(max_size=30),
    st.sampled_from(["2026-01-01", "2026-02-30", "9999-99-99", "vetted", "draft", "page", "method",
                     "<REQUIRED: x>", "samordning", "https://example.org/", "javascript:x"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3), max_leaves=8)
front_matter = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), values, max_size=10)
bodies = st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<script>", "<a href='javascript:x' onclick=y>", "```", "`code`", "<iframe",
                     "[x](javascript:y)", "<REQUIRED: z>", "<!--", "<![CDATA[", "</", "<a b=\"", "\x00"]),
), max_size=8).map("\n".join)


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("fuzz"), docs=FIXTURES / "clean" / "docs")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=front_matter, body=bodies, raw_front=st.one_of(st.none(), st.text(max_size=60)),
       crlf=st.booleans(), bom=st.booleans(), garbage=st.binary(max_size=20))
def test_random_pages_give_problems_never_exceptions(fuzz_site, meta, body, raw_front, crlf, bom, garbage):
    front = raw_front if raw_front is not None else yaml.safe_dump(meta, allow_unicode=True)
    text = f"---\n{front}\n---\n{body}\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass") + garbage
    (fuzz_site / "docs" / "fuzz.md").write_bytes(data)
    (fuzz_site / "docs" / "fuzz.en.md").write_bytes(garbage + data)
    problems = checks.run(load.load(load_site(fuzz_site)), Scope(date(2026, 11, 24)))
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path.startswith("docs/fuzz") and problem.message
        assert problem.line is None or problem.line >= 1


def test_content_loaded_again_after_the_build_dropped_the_front_matter_is_judged_as_before(tmp_path):
    """`mkdocs build` drops each page's front matter as written once the checks have read
    it. A later load in the same process reads those pages again: a vetted method without
    vetted_by, which only the front matter as written shows, is still found."""
    project = make_site(tmp_path)
    method = next(p for p in sorted((project / "docs" / "metoder").rglob("*.md")) if p.suffixes == [".md"]
                  and "\ntype: method\n" in p.read_text(encoding="utf-8")
                  and "\nstatus: review\n" in p.read_text(encoding="utf-8"))
    text = method.read_text(encoding="utf-8")
    method.write_text(text.replace("\nstatus: review\n", "\nstatus: vetted\n", 1), encoding="utf-8")
    assert "status: vetted" in method.read_text(encoding="utf-8")
    site = load_site(project)
    scope = Scope(date.fromisoformat("2026-12-07"))
    first = load.load(site)
    before = [str(p) for p in checks.run(first, scope)]
    assert any("vetted" in p and method.name in p for p in before), before
    load.release_front_matter(first)
    assert all(page.doc is None for page in first.pages)
    again = load.load(site)
    assert all(page.doc is not None for page in again.pages if page.meta is not None)
    assert [str(p) for p in checks.run(again, scope)] == before
