"""One verdict (issue 30): the share form's list of problems is exactly `kb check`'s for the
file the form writes, case by case over tests/fixtures/conformance/cases.yml: the same rule
on the same line for the rules declared once in kb.model.text_rules, and for the answers in
the front matter a problem of kb check's on the line the form's answer is written to. The
GitHub button and "ready" appear only when kb check finds nothing either.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from browser.test_share_form import NOON, fill, open_form
from conftest import ROOT, TODAY, kb, make_site
from kb import checks
from kb.checks.scope import Scope
from kb.model import load, text_rules
from kb.model.site import load_site

pytestmark = pytest.mark.browser

CASES = yaml.safe_load((ROOT / "tests" / "fixtures" / "conformance" / "cases.yml").read_text(encoding="utf-8"))
#: The form says its status this long after the last change (kb-share.js, `say`).
ANNOUNCED_AFTER_MS = 800
READY = {"": "Filen är klar att föreslå.", "en/": "The file is ready to propose."}


def _personal_number() -> str:
    """A date in 1900 and four digits whose check digit fits: refused as a personal number."""
    nine = "000101123"
    return "19" + nine[:6] + "-" + next(nine[6:] + d for d in "0123456789"
                                        if text_rules.check_digit_fits(nine + d))


def _answers(case: dict, helpline: str) -> dict:
    answers = copy.deepcopy(CASES["clean"])
    answers["title"] = f"Konformitet {case['id']}"
    for key, value in case.items():
        if key == "sections":
            answers["sections"].update(value)
        elif key not in ("id", "page", "rule", "field"):
            answers[key] = value

    def filled(value):
        if isinstance(value, str):
            return (value.replace("{personal_number}", _personal_number()).replace("{helpline}", helpline)
                    .replace("{long_line}", "ord " * (load.MAX_LINE // 4 + 1)))
        if isinstance(value, dict):
            return {k: filled(v) for k, v in value.items()}
        return [filled(v) for v in value] if isinstance(value, list) else value
    return filled(answers)


def _form_verdict(page) -> dict:
    # all shown, and the status said anew: it is spoken a moment after the last change
    page.evaluate("""() => { document.getElementById('kb-method-form').requestSubmit();
                             document.getElementById('kb-method-status').textContent = ''; }""")
    page.clock.run_for(ANNOUNCED_AFTER_MS)  # the page's clock, not a wait: 53 cases would wait 42 s
    found = page.evaluate("""() => Array.from(document.querySelectorAll('.kb-problem > span.kb-error'), span => {
        const id = span.parentElement.id.replace(/-problem$/, '');
        return [id.replace(/^kb-(section|field)-/, ''), span.dataset.rule, Number(span.dataset.line || 0)];
      })""")
    page.wait_for_function("() => document.getElementById('kb-method-status').textContent !== ''")
    return {"problems": [tuple(f) for f in found], "text": page.input_value("#kb-method-file"),
            "path": page.text_content("#kb-method-path"), "status": page.text_content("#kb-method-status"),
            "github": page.is_visible("#kb-method-github")}


def _owners(text: str, fields: set[str]) -> dict[int, str]:
    """Which answer each line of a form-written file holds: a front-matter key or a section."""
    owner, current, front = {}, "title", True
    for number, line in enumerate(text.split("\n"), start=1):
        if number > 1 and line == "---":
            front = False
        elif front and ":" in line:
            key = line.split(":", 1)[0]
            owner[number] = key if key in fields else "title"
            continue
        elif line.startswith("## ") and "{#" in line:
            current = line.rsplit("{#", 1)[1].rstrip("}")
        owner[number] = current
    return owner


@pytest.fixture(scope="module")
def verdicts(browser, site_server, content, tmp_path_factory):
    """Every case typed into the form; then every file it wrote checked by kb check, in one project."""
    helpline = content.contacts.get("stodtelefonen").phones[0].number
    tab = browser.new_page()
    tab.clock.install(time=NOON)  # the form's timers run when _form_verdict moves the clock
    seen = {}
    for prefix in ("", "en/"):  # one page load per language: "Clear" empties the form between cases
        open_form(tab, site_server, prefix)
        for case in CASES["cases"]:
            if ("en/" if case.get("page") == "en" else "") == prefix:
                tab.click("#kb-method-clear")
                fill(tab, _answers(case, helpline))
                seen[case["id"]] = _form_verdict(tab)
    tab.close()
    project = make_site(tmp_path_factory.mktemp("conformance"))
    for verdict in seen.values():
        target = project / verdict["path"]
        assert not target.exists(), f"{verdict['path']}: the case's title must name a file of its own"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(verdict["text"], encoding="utf-8")
    problems = checks.run(load.load(load_site(project)), Scope(date.fromisoformat(TODAY)))
    printed = kb("check", "--today", TODAY, cwd=project)
    assert printed.returncode == (1 if problems else 0)
    assert [line for line in printed.stdout.splitlines() if not line.startswith("kb check:")] == \
        [str(p) for p in problems], "kb check prints the problems found here"
    for verdict in seen.values():
        verdict["kb"] = [p for p in problems if p.path == verdict["path"]]
    return seen


def test_the_corpus_tries_every_rule(content):
    declared = {rule.id for rule in text_rules.declared(content).rules} | {"long_line"}
    tried = {case.get("rule") for case in CASES["cases"]}
    assert declared <= tried, f"rules without a case: {declared - tried}"
    assert len(CASES["cases"]) >= 40
    assert {"sv", "en"} <= {case.get("page", "sv") for case in CASES["cases"]}
    assert not text_rules.check_digit_fits("8503121230"), "the clean case's number must stay wrong"


@pytest.mark.parametrize("case", CASES["cases"], ids=[case["id"] for case in CASES["cases"]])
def test_the_form_and_kb_check_give_one_verdict(verdicts, case):
    verdict = verdicts[case["id"]]
    prefix = "en/" if case.get("page") == "en" else ""
    fields = {"title", "summary", "problem", "regions", "owner", "focus_areas", "target_groups",
              "exploitation_forms", "actors", "contact_role", "keywords"}
    owner = _owners(verdict["text"], fields)
    owner = {line: ("regions" if name == "owner" else name) for line, name in owner.items()}  # the region's role
    form, found = verdict["problems"], verdict["kb"]
    declared = {(rule, line) for _, rule, line in form if line}
    # what is wrong with an answer is said once: the answer's own problem ("required" for one
    # left empty, whose line keeps the template's <REQUIRED: …>) covers the file lines it is written to
    answered = {name for name, _, line in form if not line}
    by_kb = {(p.rule, p.line) for p in found if p.rule and owner.get(p.line) not in answered}
    assert declared == by_kb, f"{case['id']}: the declared rules' findings differ\n{verdict['text']}"
    flagged = {name for name, _, _ in form}
    for problem in found:
        assert owner.get(problem.line, "title") in flagged, \
            f"{case['id']}: kb check found '{problem}' in an answer the form calls right"
    for name, rule, _ in form:
        assert any(owner.get(p.line) == name for p in found), \
            f"{case['id']}: the form finds '{rule}' in {name}, kb check nothing there\n{verdict['text']}"
    if case.get("rule"):
        assert case["rule"] in {rule for _, rule, _ in form}, f"{case['id']}: the planted problem is found"
        assert case.get("field", name_of(case)) in flagged
        assert not verdict["github"] and verdict["status"] != READY[prefix]
    else:
        assert form == [] and found == [], f"{case['id']}: {[str(p) for p in found]}"
        assert verdict["github"] and verdict["status"] == READY[prefix]
    assert verdict["path"] == f"docs/metoder/syd/{verdict['path'].rsplit('/', 1)[1]}"


def name_of(case: dict) -> str:
    """The answer a case plants its problem in: the only section it changes, or its only field."""
    changed = [key for key in case if key not in ("id", "page", "rule", "field")]
    if changed == ["sections"]:
        return next(iter(case["sections"]))
    return changed[0]
