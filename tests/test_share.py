"""Sharing a method: the file kb.model.method_file makes from answers (and `kb new method` with
every flag), the rules it checks them by, "Suggest a change" on built pages, the repository
placeholder, and `kb check --format github` / `--summary` for pull requests.

The browser's side (the share page's form giving the same file) is in
tests/browser/test_share_form.py.
"""

from __future__ import annotations

import re
import string
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, TODAY, assert_clean_run, kb, make_site
from kb.model import frontmatter, method_file, yamlio
from kb.model.method_file import Answers, Finding
from kb.model.problems import Problem, as_github

TEMPLATE = method_file.template("sv", "sv")
NOT_TEXT = re.compile(method_file.NOT_TEXT_PATTERN)
#: One line of text as a person may type it: anything but what is not text, and no line break.
TYPED = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=60).filter(
    lambda text: not NOT_TEXT.search(text))


def render(answers: Answers, taxonomy) -> str:
    clean = method_file.cleaned(answers, taxonomy)
    owner = method_file.owner(taxonomy, clean.regions[0], "sv") if clean.regions else ""
    return method_file.render(TEMPLATE, clean, owner, TODAY)


# --- the file -----------------------------------------------------------------------------


def test_without_answers_the_file_is_the_template():
    """The template is the one a contributor copies on GitHub: rendering it with nothing
    answered gives it back byte for byte, slots and placeholders included."""
    for lang in ("sv", "en"):
        path = method_file.template_file(lang, "sv")
        assert method_file.render(method_file.template(lang, "sv"), Answers(), "", "") == path.read_text("utf-8")
    assert method_file.template_in_project("sv", "sv") == "scripts/kb/model/templates/method.sv.md"
    assert [s.id for s in TEMPLATE.sections] == ["problem", "sa-gor-man", "vad-som-behovs", "erfarenheter"]
    assert TEMPLATE.required == ("title", "summary", "problem", "focus_areas", "regions", "target_groups",
                                 "exploitation_forms", "actors")


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_a_typed_text_is_read_back_exactly(text):
    """Quotes, colons, backslashes, #, Swedish letters, emoji: the loader reads what was typed."""
    doc = yamlio.load(f"title: {method_file.yaml_text(text)}\nkeywords: [{method_file.yaml_text(text)}]\n")
    assert doc.data == {"title": text, "keywords": [text]}


def test_the_file_holds_the_answers_as_the_loader_reads_them(content):
    answers = Answers(title='  Samtal "steg för steg": före\\efter # 1  ', summary="Ett möte: på ön, kl. 9.",
                      problem="Vilka vågar berätta?", regions=("ost",), focus_areas=("skydd-och-stod", "upptackt"),
                      target_groups=("barn", "vuxna"), exploitation_forms=("tvangsarbete",),
                      actors=("socialtjansten", "polisen"), contact_role="Samordnare för Östergötland",
                      keywords=["åtgärd, möte ", "", "åtgärd"],
                      sections={"problem": "Rad ett.\r\n\r\nRad två, med *betoning*.  \n\n",
                                "sa-gor-man": "1. Första\n2. Andra"})
    text = render(answers, content.taxonomy)
    meta = yamlio.load(frontmatter.split(text).front).data
    assert meta["title"] == 'Samtal "steg för steg": före\\efter # 1'
    assert meta["summary"] == "Ett möte: på ön, kl. 9."
    assert meta["owner"] == "Regionkoordinator Öst" and meta["contact_role"] == "Samordnare för Östergötland"
    assert meta["focus_areas"] == ["upptackt", "skydd-och-stod"], "the taxonomy's order"
    assert meta["target_groups"] == ["vuxna", "barn"] and meta["actors"] == ["socialtjansten", "polisen"]
    assert meta["keywords"] == ["åtgärd", "möte"]
    assert meta["last_reviewed_on"] == TODAY
    assert '\n# Samtal "steg för steg": före\\\\efter \\# 1\n' in text, "the heading shows the title as typed"
    assert "{#problem}\n\nRad ett.\n\nRad två, med *betoning*.\n\n## Så går det till" in text
    assert "<REQUIRED: personal, kompetens" in text, "an unanswered section keeps its placeholder"


def test_the_slug_rule():
    assert method_file.slugify('Samtal "steg för steg": före\\efter') == "samtal-steg-for-steg-fore-efter"
    assert method_file.slugify("  Åtgärder i Östra Göinge!  ") == "atgarder-i-ostra-goinge"
    assert method_file.slugify("😀 !!") == ""


# --- the checks on each answer ------------------------------------------------------------


def findings(content, **given) -> set[tuple]:
    answers = method_file.cleaned(Answers(**given), content.taxonomy)
    return {(f.where, f.name, f.rule, f.hint)
            for f in method_file.findings(TEMPLATE, answers, content.taxonomy, method_file.Taken.of(content, "sv"))}


COMPLETE = dict(title="En ny metod", summary="Kort.", problem="Ett problem.", regions=("syd",),
                focus_areas=("kunskap",), target_groups=("vuxna",), exploitation_forms=("slaveri",),
                actors=("polisen",), sections={"problem": "a", "sa-gor-man": "b", "vad-som-behovs": "c",
                                               "erfarenheter": "d"})


def test_a_complete_answer_has_nothing_to_fix(content):
    assert findings(content, **COMPLETE) == set()


def test_what_is_missing_is_required(content):
    # the one-line problem comes from its section: one question, said there
    fields = {("field", key, "required", False) for key in TEMPLATE.required if key != "problem"}
    assert findings(content) == fields | {("section", s.id, "required", False) for s in TEMPLATE.sections}


@pytest.mark.parametrize(("change", "expected"), [
    ({"summary": "Barn < 18 år"}, ("field", "summary", "plain_text", False)),
    ({"problem": "Se [här](javascript:alert(1))"}, ("section", "problem", "link", False)),
    ({"keywords": ["bra", "[x](jav&#x61;script:y)"]}, ("field", "keywords", "link", False)),
    ({"contact_role": "Samordnare\u2028Syd"}, ("field", "contact_role", "not_text", False)),
    ({"sections": {**COMPLETE["sections"], "erfarenheter": "Bra\x07"}}, ("section", "erfarenheter", "not_text", False)),
    ({"title": "!!!"}, ("field", "title", "no_slug", False)),
    ({"title": "METODER"}, ("field", "title", "title_taken", False)),
    ({"title": "x" * 140}, ("field", "title", "path_long", False)),
    ({"summary": "Ring 08-123 456 78."}, ("field", "summary", "phone", True)),
    ({"sections": {**COMPLETE["sections"], "problem": "Född 850312-1234."}},
     ("section", "problem", "personal_number", True)),
    ({"target_groups": ("vuxna", "aldre")}, ("field", "target_groups", "unknown_id", False)),
], ids=lambda value: value[2] if isinstance(value, tuple) else None)
def test_each_rule(content, change, expected):
    assert findings(content, **{**COMPLETE, **change}) == {expected}


def test_the_fiction_numbers_are_no_phone_number_to_hide(content):
    for number in ("070-1740605", "070-174 06 99", "+46 70 174 06 50", "0701740640"):
        assert findings(content, **{**COMPLETE, "summary": f"Ring {number}."}) == set(), number
    assert findings(content, **{**COMPLETE, "summary": "Ring 070-1740700."}) == {("field", "summary", "phone", True)}


def test_the_rules_go_to_the_browser_as_data():
    rules = method_file.rules()
    assert set(rules["kinds"]) == {key for key, _ in TEMPLATE.front} - {"type", "status"}
    for pattern in (rules["not_text"], rules["markup"], *rules["guidance"].values()):
        re.compile(pattern)
    assert Finding("field", "title", "required") == Finding("field", "title", "required", False)


# --- kb new method, every field a flag ----------------------------------------------------


FLAGS = ["--title", 'Samtal "steg för steg": före\\efter', "--region", "ost", "--focus-area", "5",
         "--focus-area", "upptackt", "--summary", "Ett första möte på ön.", "--problem", "Få vågar berätta.",
         "--target-group", "barn", "--exploitation-form", "tvangsarbete", "--exploitation-form", "slaveri",
         "--actor", "socialtjansten", "--contact-role", "Samordnare i Öst", "--keyword", "möte, ö",
         "--section", "problem", "Många är rädda.", "--section", "sa-gor-man", "1. Träffas.\n2. Följ upp.",
         "--section", "vad-som-behovs", "Två kuratorer.", "--section", "erfarenheter", "Fler tar kontakt."]


def test_kb_new_method_takes_every_field_and_the_page_passes(tmp_path, content):
    project = make_site(tmp_path)
    made = kb("new", "method", *FLAGS, cwd=project)
    assert made.returncode == 0, made.stderr
    path = project / "docs" / "metoder" / "ost" / "samtal-steg-for-steg-fore-efter.md"
    answers = Answers(title='Samtal "steg för steg": före\\efter', regions=("ost",), focus_areas=("5", "upptackt"),
                      summary="Ett första möte på ön.", problem="Få vågar berätta.", target_groups=("barn",),
                      exploitation_forms=("tvangsarbete", "slaveri"), actors=("socialtjansten",),
                      contact_role="Samordnare i Öst", keywords=("möte, ö",),
                      sections={"problem": "Många är rädda.", "sa-gor-man": "1. Träffas.\n2. Följ upp.",
                                "vad-som-behovs": "Två kuratorer.", "erfarenheter": "Fler tar kontakt."})
    expected = render(Answers(**{**answers.__dict__, "focus_areas": ("skydd-och-stod", "upptackt")}),
                      content.taxonomy)
    assert path.read_bytes() == expected.encode("utf-8")
    checked = kb("check", cwd=project)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--target-group", "aldre"), "unknown target group 'aldre': use one of vuxna, barn"),
    (("--actor", "kommunen"), "unknown actor 'kommunen'"),
    (("--section", "steg", "x"), "unknown section 'steg': the template's sections are problem, sa-gor-man"),
    (("--section", "problem", "a", "--section", "problem", "b"), "--section problem is given twice"),
    (("--summary", "Barn < 18"), "--summary is plain text: remove '<' and '>'"),
    (("--keyword", "[a](javascript:x)"), "--keyword is shown as text"),
    (("--contact-role", "Rad ett\nRad två"), "--contact-role is one line"),
])
def test_kb_new_method_refuses_what_kb_check_would(tmp_path, args, message):
    project = make_site(tmp_path)
    result = kb("new", "method", "--title", "Ny metod", "--region", "syd", "--focus-area", "3", *args, cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (project / "docs" / "metoder" / "syd").exists()


def test_kb_new_method_refuses_a_title_another_page_has(tmp_path):
    project = make_site(tmp_path)
    result = kb("new", "method", "--title", "metoder", "--region", "syd", "--focus-area", "3", cwd=project)
    assert result.returncode == 2 and "--title 'metoder' is already used by another page" in result.stderr


def test_kb_new_method_points_out_a_phone_number_and_writes_the_page(tmp_path):
    project = make_site(tmp_path)
    result = kb("new", "method", "--title", "Ny metod", "--region", "syd", "--focus-area", "3",
                "--section", "problem", "Ring 08-123 456 78 eller 070-1740605.", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("note:") == 1 and "--section problem looks like a phone number" in result.stderr
    assert (project / "docs" / "metoder" / "syd" / "ny-metod.md").is_file()


# --- Suggest a change -------------------------------------------------------------------


EDIT = re.compile(r'<p class="kb-edit"><a href="([^"]+)" rel="noopener noreferrer">([^<]+)</a>(.*?)</p>', re.S)
BASE = "https://github.com/kunskapsbanken/kunskapsbanken/edit/main/"


def edit_link(site, path: str) -> tuple[str, str, str] | None:
    found = EDIT.findall((site / path / "index.html").read_text(encoding="utf-8"))
    assert len(found) <= 1
    return found[0] if found else None


def test_each_page_suggests_a_change_to_its_own_file(built_site):
    url, text, rest = edit_link(built_site, "manual/steg-2-akut-skydd")
    assert (url, text) == (BASE + "docs/manual/steg-2-akut-skydd.md", "Föreslå ändring")
    assert "GitHub" in rest and "kb-edit-note" not in rest
    url, text, rest = edit_link(built_site, "en/manual/steg-2-akut-skydd")
    assert (url, text) == (BASE + "docs/manual/steg-2-akut-skydd.en.md", "Suggest a change")
    assert "kb-edit-note" not in rest
    assert edit_link(built_site, "en")[0] == BASE + "docs/index.en.md"
    assert edit_link(built_site, "en/metoder/dela")[0] == BASE + "docs/metoder/dela/index.en.md"


def test_a_generated_page_and_the_404_page_have_none(built_site):
    for path in ("metoder", "en/metoder", "kontakter", "om/oversattningar"):
        assert edit_link(built_site, path) is None, path
    assert 'class="kb-edit"' not in (built_site / "404.html").read_text(encoding="utf-8")


def test_a_fallback_page_leads_to_the_swedish_file_and_says_so(tmp_path):
    from conftest import mkdocs_build

    project = make_site(tmp_path)
    (project / "docs" / "ordlista.en.md").unlink()
    out = tmp_path / "site"
    built = mkdocs_build(project, out)
    assert built.returncode == 0, built.stderr[-3000:]
    url, text, rest = edit_link(out, "en/ordlista")
    assert (url, text) == (BASE + "docs/ordlista.md", "Suggest a change")
    assert "This page is not translated yet: you change the Swedish original." in rest
    assert edit_link(out, "ordlista")[0] == BASE + "docs/ordlista.md"


def test_the_theme_fetches_nothing_about_the_repository():
    """Not repo_url: Material would then ask api.github.com on every page."""
    from kb.model.site import read_config

    config = read_config(ROOT)
    assert "repo_url" not in config and "edit_uri" not in config
    assert config["extra"]["repository"] == {"url": "https://github.com/kunskapsbanken/kunskapsbanken",
                                             "branch": "main", "decided": False}


# --- kb check for pull requests -----------------------------------------------------------


def _broken(project):
    page = project / "docs" / "metoder" / "gemensamma" / "lokal-handlingsplan.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("status: review", "status: reviewd", 1).replace(
        "\n## ", "\nSe <REQUIRED: mer text, 100 %>.\n\n## ", 1), encoding="utf-8")
    status = next(n for n, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1)
                  if line.startswith("status:"))
    placeholder = next(n for n, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1)
                       if "<REQUIRED:" in line)
    return status, placeholder


def test_kb_check_format_github_line_by_line(tmp_path):
    project = make_site(tmp_path)
    clean = kb("check", "--format", "github", cwd=project)
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.splitlines() == [f"kb check: {clean.stdout.split()[2]} pages checked. No problems found."]
    status, placeholder = _broken(project)
    result = kb("check", "--format", "github", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    where = "file=docs/metoder/gemensamma/lokal-handlingsplan.md"
    assert result.stdout.splitlines() == [
        f"::error {where},line={status},title=kb check::'status' is 'reviewd': use one of 'draft', 'review' or "
        "'vetted'",
        f"::error {where},line={placeholder},title=kb check::template placeholder left in: replace "
        "'<REQUIRED: mer text, 100 %25>' with your text",
        f"kb check: {clean.stdout.split()[2]} pages checked. 2 problems in 1 file.",
    ]
    text = kb("check", cwd=project)
    assert text.returncode == 1
    assert text.stdout.splitlines()[0].startswith(f"docs/metoder/gemensamma/lokal-handlingsplan.md:{status}: ")


def test_a_workflow_command_escapes_what_github_would_read_as_its_own():
    problem = Problem("docs/a,b:c.md", None, "50 % done\r\nnext line")
    assert as_github(problem) == "::error file=docs/a%2Cb%3Ac.md,title=kb check::50 %25 done%0D%0Anext line"
    assert as_github(Problem("data/ui.yml", 7, "x: y")) == "::error file=data/ui.yml,line=7,title=kb check::x: y"


def test_kb_check_refuses_an_unknown_format(tmp_path):
    result = kb("check", "--format", "json", cwd=make_site(tmp_path))
    assert_clean_run(result)
    assert result.returncode == 2 and "invalid choice: 'json'" in result.stderr


def _git(project, *words):
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *words], cwd=project,
                   check=True, capture_output=True)


def test_the_job_summary_lists_the_pages_a_change_touches(tmp_path):
    project = make_site(tmp_path)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "base")
    status, placeholder = _broken(project)
    made = kb("new", "method", "--title", "Ny | metod", "--region", "syd", "--focus-area", "3", cwd=project)
    assert made.returncode == 0, made.stderr
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = kb("check", "--changed-since", "main", "--summary", str(summary), cwd=project)
    assert result.returncode == 1
    lines = summary.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "earlier step", "appended, as $GITHUB_STEP_SUMMARY wants"
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| ---")]
    assert table[0] == "| Page | Language | Status | Translation | Problems |"
    assert table[1] == ("| `docs/metoder/gemensamma/lokal-handlingsplan.md` | sv | reviewd | en: outdated | "
                        f"line {status}: 'status' is 'reviewd': use one of 'draft', 'review' or 'vetted'<br>"
                        f"line {placeholder}: template placeholder left in: replace "
                        "'&lt;REQUIRED: mer text, 100 %&gt;' "
                        "with your text |")
    assert table[2].startswith("| `docs/metoder/syd/ny-metod.md` | sv | review | en: missing | line 3: template "
                               "placeholder left in")
    assert len(table) == 3, "only what the change touches"
    unwritable = kb("check", "--summary", str(tmp_path / "no" / "such" / "folder" / "x.md"), cwd=project)
    assert_clean_run(unwritable)
    assert unwritable.returncode == 2 and "cannot be written" in unwritable.stderr


def test_the_job_summary_of_a_clean_change(tmp_path):
    project = make_site(tmp_path)
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "base")
    summary = tmp_path / "summary.md"
    result = kb("check", "--changed-since", "main", "--summary", str(summary), cwd=project)
    assert result.returncode == 0, result.stdout
    assert summary.read_text(encoding="utf-8") == ("## kb check\n\nNo problems found.\n\n"
                                                   "This change adds or changes no page.\n")


def test_only_printable_text_in_a_summary_cell():
    from kb.tools.change_summary import cell

    assert cell("a | b <script>\n& c") == "a \\| b &lt;script&gt; &amp; c"
    assert set(cell(string.printable)) - set(string.printable) == set()
