"""Case exercises (issue 33): the shipped exercises hold together in both languages, a
planted exercise fails `kb check` at the line of each mistake, `kb new exercise` writes a
page only its placeholders keep from passing, and the built site makes them interactive,
printable, findable and linked from the professions they are for.

The planted exercise is tests/fixtures/exercise (invented throughout), added to a copy of
the real site so its links lead to the real manual.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, assert_clean_run, kb, make_site
from kb.build import changes
from kb.checks import exercises as exercise_check
from kb.checks.scope import Scope
from kb.model import frontmatter
from kb.model.exercise import OPTIONS, STAGES, VERDICTS, parse
from kb.model.load import built_url
from kb.tools import search

PLANTED = FIXTURES / "exercise"
SV, EN = "docs/ovningar/planterad.md", "docs/ovningar/planterad.en.md"


def shipped(content) -> list:
    return [p for p in content.valid_pages() if p.meta.type == "exercise"]


# --- the shipped exercises -------------------------------------------------------------------


def test_eight_exercises_in_both_languages_with_the_shape_the_issue_asks_for(content):
    default = content.site.default_language
    sources = [p for p in shipped(content) if p.lang == default]
    assert len(sources) >= 8
    for page in sources:
        for lang in content.site.complete_languages:
            assert content.page(page.key, lang) is not None, f"{page.key} has no {lang} file"
        exercise = parse(page.body, page.body_line)
        assert STAGES[0] <= len(exercise.stages) <= STAGES[1], page.rel
        for stage in exercise.stages:
            assert OPTIONS[0] <= len(stage.options) <= OPTIONS[1], (page.rel, stage.anchor)
            assert "recommended" in [option.verdict for option in stage.options], (page.rel, stage.anchor)
            assert all(option.verdict in VERDICTS for option in stage.options)
    covered = {field: {value for p in sources for value in getattr(p.meta, field)}
               for field in ("target_groups", "exploitation_forms", "professions")}
    assert {"vuxna", "barn"} <= covered["target_groups"]
    assert {"sexuell-exploatering", "tvangsarbete", "annan-exploatering"} <= covered["exploitation_forms"]
    # The first meeting in health care, school and social services; and every profession
    # with a guidance page has an exercise to link.
    assert {"halso-och-sjukvard", "skola", "socialtjansten"} <= covered["professions"]
    for page in content.valid_pages():
        if page.meta.type == "guidance" and page.lang == default:
            assert set(page.meta.actors) & covered["professions"], f"{page.key} would link no exercise"
    online = [p for p in sources if re.search(r"\bnätet\b", p.body)]
    assert online, "an exercise on exploitation online"


def test_the_shipped_exercises_pass_every_exercise_rule(content):
    assert list(exercise_check.check(content, Scope(date(2026, 12, 7)))) == []


def test_every_number_and_address_in_an_exercise_is_fiction(content):
    for page in shipped(content):
        for number in re.findall(r"(?<![\d-])0\d{1,3}[- ]?\d[\d -]{4,}\d", page.body):
            digits = re.sub(r"\D", "", number)
            assert "0701740605" <= digits <= "0701740699", f"{page.rel}: {number}"
        for host in re.findall(r"@([\w.-]+)", page.body):
            assert host.rstrip(".") in ("example.org", "example.com"), f"{page.rel}: {host}"


# --- a planted exercise fails at its lines ----------------------------------------------------


@pytest.fixture
def planted(tmp_path) -> Path:
    project = make_site(tmp_path)
    shutil.copytree(PLANTED / "ovningar", project / "docs" / "ovningar", dirs_exist_ok=True)
    return project


def edit(project: Path, name: str, old: str, new: str) -> int:
    """Replace old by new in a file; the line it was on."""
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def check_output(project: Path) -> tuple[int, list[str]]:
    result = kb("check", cwd=project)
    assert_clean_run(result)
    return result.returncode, result.stdout.splitlines()[:-1]


def test_the_planted_exercise_passes_as_written(planted):
    assert check_output(planted) == (0, [])


def test_every_planted_mistake_is_reported_at_its_line_in_one_run(planted):
    """An option without feedback, a link to no page, a link to no heading, a rule without a
    citation, a decision without a recommended option, feedback that links no page, a number
    outside the fiction range, and a translation whose verdict differs: each at its line, in
    one run, exit 1, no traceback (the links by kb.checks.internal_links, as on every page)."""
    lines = {}
    lines["no feedback"] = edit(planted, SV, '??? question "B. Du skickar hem henne."\n'
                                             "    [[option:not-recommended]] Hon har sagt att hon inte vill. Se "
                                             "[Steg 2: Akut skydd](../manual/steg-2-akut-skydd.md).\n",
                                "??? question \"B. Du skickar hem henne.\"\n")
    lines["no page"] = edit(planted, SV, "(../manual/steg-3-inledande-stod.md#rattigheter)",
                            "(../manual/steg-9-finns-inte.md#rattigheter)")
    lines["no heading"] = edit(planted, SV, "(../manual/steg-2-akut-skydd.md#vem-kontaktar-du)",
                               "(../manual/steg-2-akut-skydd.md#finns-inte)")
    lines["uncited"] = edit(planted, SV, "Det kostar ingenting för personen.[[source:nspm-manual-steg-2-grundlaggande"
                                         "-information-2]]", "Personen har rätt till ett biträde.")
    lines["nothing recommended"] = edit(planted, SV, "[[option:recommended]] Att rådgöra",
                                        "[[option:partly]] Att rådgöra")
    lines["no link"] = edit(planted, SV, "för sent. Se [Steg 2: Akut skydd](../manual/steg-2-akut-skydd.md).",
                            "för sent.")
    lines["phone"] = edit(planted, SV, "070-1740650", "070-1234567")
    lines["verdict en"] = edit(planted, EN, "[[option:partly]] It might", "[[option:not-recommended]] It might")
    code, problems = check_output(planted)
    sv_options = (planted / SV).read_text(encoding="utf-8").split("\n")
    first_option = next(n for n, line in enumerate(sv_options, 1) if line.startswith('??? question "A. Du rådgör'))
    expected = [
        f"{SV}:{lines['phone']}: '070-1234567' looks like a phone number: an exercise uses only the numbers set "
        "aside for fiction, 070-1740605 to 070-1740699, or [[tel:id]] for a contact of the site",
        f"{SV}:{first_option}: no option of stage 1 is marked [[option:recommended]]: mark the right move (one or "
        "more)",
        f"{SV}:{lines['no link']}: the feedback of 'C. Du väntar.' links no page of this site: link the manual step, "
        "checklist or duty page it rests on, e.g. [Steg 2: Akut skydd](../manual/steg-2-akut-skydd.md)",
        f"{SV}:{lines['no feedback']}: the option 'B. Du skickar hem henne.' has no feedback: under it, indented by "
        "four spaces, write its verdict ([[option:recommended]], [[option:partly]] or [[option:not-recommended]]) "
        "and why it is or is not the right move",
        f"{SV}:{lines['no heading']}: the link to ../manual/steg-2-akut-skydd.md#finns-inte leads to no heading "
        "#finns-inte on docs/manual/steg-2-akut-skydd.md: link an id that the page's headings have (written as {#id} "
        "after a heading)",
        f"{SV}:{lines['uncited']}: this sentence states a rule (\"har rätt\") but cites no source: end it with "
        "[[source:ID]] (an entry of data/sources.yml) or, if it is the editors' own advice, [[advice]]",
        f"{SV}:{lines['no page']}: the link to ../manual/steg-9-finns-inte.md#rattigheter leads to no page (did you "
        "mean ../manual/steg-1-identifiering.md?): check the path (it is read from this page's folder)",
        f"{EN}:{lines['verdict en']}: the verdict of 'C. You wait.' is [[option:not-recommended]] and in the source "
        f"page {SV} [[option:partly]]: a translation has the same verdicts",
        # The Swedish option A planted as partly: the English, as written, now differs from it too.
        f"{EN}:{lines['verdict en'] - 8}: the verdict of 'A. You seek advice without giving her n…' is "
        f"[[option:recommended]] and in the source page {SV} [[option:partly]]: a translation has the same verdicts",
    ]
    assert code == 1
    assert sorted(problems) == sorted(expected), "\n".join(problems)


def test_a_stage_without_a_decision_and_a_missing_discussion_are_reported(planted):
    text = (planted / SV).read_text(encoding="utf-8")
    start = text.index('??? question "A. Om målsägandebiträde."')
    stage3 = text[: start].count("\n") + 1
    heading = text[: text.index("## Steg 3:")].count("\n") + 1
    cut = text[:start].rstrip("\n").rsplit("\n\n", 1)[0] + "\n"  # stage 3 without its question and options
    (planted / SV).write_text(cut, encoding="utf-8")
    code, problems = check_output(planted)
    last = cut.rstrip("\n").count("\n") + 1
    assert code == 1
    assert f"{SV}:{heading}: stage 3 has no decision: end it with a question (a paragraph ending in '?') and 3 or " \
           "4 options written ??? question \"A. What you do\"" in problems, problems
    assert f"{SV}:{last}: an exercise ends with points to discuss: add '## Att diskutera {{#diskussion}}' and a few " \
           "questions after the last stage" in problems, problems
    assert f"{EN}:{stage3 - 3}: " not in " ".join(problems)  # the English file is judged on its own lines


# --- the parser alone ---------------------------------------------------------------------------


def test_the_parser_reads_stages_options_and_verdicts_with_their_lines():
    parts = frontmatter.split((PLANTED / "ovningar" / "planterad.md").read_text(encoding="utf-8"))
    exercise = parse(parts.body, parts.body_line)
    assert [s.anchor for s in exercise.stages] == ["steg-1", "steg-2", "steg-3"]
    assert [len(s.options) for s in exercise.stages] == [3, 3, 3]
    assert exercise.stages[0].question == "Vad gör du?"
    assert exercise.stages[0].options[1].verdict == "not-recommended"
    assert exercise.problems == []
    whole = (PLANTED / "ovningar" / "planterad.md").read_text(encoding="utf-8").split("\n")
    assert whole[exercise.stages[1].line - 1].startswith("## Steg 2")
    assert whole[exercise.stages[0].options[0].line - 1].startswith('??? question "A.')


@pytest.mark.parametrize(("text", "message"), [
    ("## Steg 1: x {#steg-1}\n\nText.\n\nFråga?\n\n??? note \"A\"\n    [[option:recommended]] x\n",
     "an option is written ??? question"),
    ("## Steg 1: x {#steg-1}\n\nText.\n\nInget frågetecken.\n\n??? question \"A\"\n    [[option:recommended]] x\n",
     "is its question: end it with a question mark"),
    ("## Steg 1: x {#steg-1}\n\nText.\n\nFråga?\n\n??? question \"A\"\n    [[option:bra]] x\n",
     "'[[option:bra]]' is not a verdict"),
    ("## Steg 1: x {#steg-1}\n\nText.\n\nFråga?\n\n??? question \"A\"\n    Ingen dom.\n",
     "starts with its verdict"),
    ("## Steg 1: x {#steg-1}\n\nText.\n\nFråga?\n\n??? question \"A\"\n    [[option:recommended]] x\n\nLös text.\n",
     "a stage ends with its options"),
    ("## Något annat\n\nText.\n", "a second-level heading in an exercise is a stage"),
    ("## Steg 1: x {#steg-1}\n\nText.\n\nFråga?\n\n??? question \"A\"\n    [[option:recommended]] x\n"
     "    !!! note\n", "no headings, folds or boxes"),
])
def test_the_parser_says_what_departs_from_the_format(text, message):
    problems = parse("Fallet.\n\n" + text).problems
    assert any(message in said for _, said in problems), problems


# --- kb new exercise ----------------------------------------------------------------------------


def test_kb_new_exercise_writes_a_page_that_only_its_placeholders_keep_from_passing(tmp_path):
    project = make_site(tmp_path)
    result = kb("new", "exercise", "--title", "Första mötet på akuten", "--profession", "halso-och-sjukvard",
                "--focus-area", "3", "--target-group", "vuxna", "--exploitation-form", "sexuell-exploatering",
                "--step", "1", "--step", "2", "--minutes", "20", "--today", "2026-12-07", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 0, result.stderr
    path = project / "docs" / "ovningar" / "forsta-motet-pa-akuten.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Övning: Första mötet på akuten"' in text and "# Övning: Första mötet på akuten" in text
    assert "professions: [halso-och-sjukvard]" in text and "manual_steps: [1, 2]" in text
    assert "focus_areas: [upptackt]" in text and "minutes: 20" in text
    code, problems = check_output(project)
    assert code == 1 and problems
    assert all(": template placeholder left in: replace '<REQUIRED:" in line for line in problems), problems
    english = kb("new", "exercise", "--title", "Första mötet på akuten", "--lang", "en", "--today", "2026-12-07",
                 cwd=project)
    assert english.returncode == 0, english.stderr
    assert "# Exercise: Första mötet på akuten" in (path.with_suffix(".en.md")).read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "said"), [
    (["--title", "Finns inte", "--lang", "en"], "does not exist: a page in 'en' translates"),
    (["--title", "X", "--step", "7"], "unknown manual step '7'"),
    (["--title", "X", "--profession", "brandkaren"], "unknown profession 'brandkaren'"),
    (["--title", "X", "--region", "syd"], "--region is for a method"),
    (["--title", "X", "--minutes", "1"], "--minutes 1"),
    (["--title", "X", "--step", "0", "--profession", "brandkaren", "--focus-area", "9"],
     "unknown manual step '0': use a number from 1 to 6\nunknown focus area '9'"),  # every wrong answer at once
])
def test_kb_new_exercise_refuses_what_cannot_be_done_with_exit_2(tmp_path, args, said):
    project = make_site(tmp_path)
    result = kb("new", "exercise", *args, cwd=project)
    assert_clean_run(result)
    assert result.returncode == 2 and said in result.stderr, result.stderr


# --- the built site -------------------------------------------------------------------------------


EXAMPLE = "ovningar/patienten-som-inte-far-tala-sjalv/"


def article(site: Path, path: str) -> str:
    page = (site / path / "index.html").read_text(encoding="utf-8")
    return page[page.index("<article"): page.index("</article>")]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_an_exercise_page_is_built_for_the_script_and_for_paper(built_site, prefix):
    page = article(built_site, prefix + EXAMPLE)
    assert page.count('<div class="kb-stage" data-stage=') == 3
    assert page.count('<div class="kb-option" data-verdict=') == 10
    assert page.count("<details") - page.count('<details><summary>') >= 10, "each option is a fold"
    assert page.count('class="kb-feedback" data-search-exclude') == 10
    assert 'src="../../' + ("../" if prefix else "") + 'assets/kb-exercise.js" defer' in page
    key, discussion = page.index('class="kb-exercise-key"'), page.index('id="diskussion"')
    last_stage = page.rindex('<div class="kb-stage" data-stage=')
    assert last_stage < key < discussion, "the facilitator's copy comes after the stages, before the discussion"
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "the copy names nothing twice"
    copy = page[key:discussion]
    assert copy.count('<div class="kb-key-option') == 10 and 'id="' not in copy
    verdict = "Rekommenderat val." if not prefix else "Recommended."
    assert verdict in copy and "[[option:" not in page


def test_the_facts_box_links_the_manual_steps_practised(built_site):
    page = article(built_site, EXAMPLE)
    box = page[page.index('class="kb-facts kb-exercise-facts"'):]
    box = box[: box.index("</div>")]
    assert 'href="../../manual/steg-1-identifiering/"' in box and 'href="../../manual/steg-2-akut-skydd/"' in box
    assert "ungefär 20 minuter" in box and "påhittat" in box


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_each_profession_page_links_the_exercises_for_its_professions(built_site, content, prefix):
    default = content.site.default_language
    exercises = [p for p in shipped(content) if p.lang == default]
    for guide in content.valid_pages():
        if guide.meta.type != "guidance" or guide.lang != default:
            continue
        html_text = article(built_site, prefix + built_url(guide.key))
        assert 'id="ovningar"' in html_text, guide.key
        linked = set(re.findall(r'href="(?:\.\./)+ovningar/([^/"]+)/"', html_text))
        wanted = {p.key.split("/")[-1].removesuffix(".md") for p in exercises
                  if set(p.meta.professions) & set(guide.meta.actors)}
        assert linked == wanted, (guide.key, linked, wanted)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_list_of_exercises_and_whats_new_name_every_exercise(built_site, content, prefix):
    default = content.site.default_language
    names = {p.key.split("/")[-1].removesuffix(".md") for p in shipped(content) if p.lang == default}
    listing = article(built_site, prefix + "ovningar/")
    assert set(re.findall(r'<a href="([^/"]+)/">', listing)) >= names
    news = article(built_site, prefix + "nytt/")
    heading = html.unescape(content.ui.get("changes_exercises", prefix.rstrip("/") or default))
    assert heading in news
    feed = (built_site / changes.feed_path(prefix.rstrip("/") or default)).read_text(encoding="utf-8")
    assert sum(f"ovningar/{name}/" in feed for name in names) == len(names), "each exercise is in the feed"


@pytest.mark.parametrize(("lang", "query"), [("sv", "behandlingsrummet"), ("en", "treatment room"),
                                             ("sv", "busshållplats"), ("en", "razor blades")])
def test_search_finds_an_exercise_by_a_word_in_its_scenario(built_site, lang, query):
    index = search.build_index(search.index_file(built_site, "sv", lang), ROOT, lang)
    found = [hit.location.split("#")[0] for hit in search.search(index, query)]
    assert found and found[0].startswith("ovningar/"), (query, found)


def test_the_feedback_is_not_in_the_search_index(built_site):
    """A word that stands only in feedback (not in any stage's story) finds no exercise."""
    data = json.loads((built_site / "search" / "lunr_index.json").read_text(encoding="utf-8"))
    assert data
    index = search.build_index(search.index_file(built_site, "sv", "sv"), ROOT, "sv")
    found = [hit.location for hit in search.search(index, "misstänkt känna rutin hänvisar")]
    assert not any(location.startswith(EXAMPLE) for location in found[:3]), found
