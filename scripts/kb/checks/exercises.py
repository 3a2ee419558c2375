"""A case exercise holds together (kb.model.exercise): every stage ends in a decision with
three or four options, every option has a verdict and feedback that links the page it
rests on, at least one option of each decision is recommended, a link that leaves the site
leads to an official source, the scenario uses only fiction numbers and example addresses,
and a translation has its source's stages, options, verdicts, steps and length.

Whether each rule stated in the feedback cites its passage is kb.checks.uncited's, since
data/normative.yml lists the exercise type; whether each link to a page or heading of the
site leads somewhere is kb.checks.internal_links', for every page alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model import urls
from kb.model.code import strip_code
from kb.model.exercise import DISCUSSION_ID, OPTIONS, STAGES, Exercise, parse
from kb.model.load import Content, PageFile
from kb.model.method_file import FICTION_NUMBERS, GUIDANCE
from kb.model.problems import Problem

TYPE = "exercise"
#: A Markdown link or image: [words](target) — the target up to a space or ')'.
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_PHONE = re.compile(GUIDANCE["phone"])
_EMAIL = re.compile(r"[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def check(content: Content, scope: Scope) -> Iterator[Problem]:
    for page in content.valid_pages():
        if page.meta.type != TYPE:
            continue
        exercise = parse(page.body, page.body_line)
        found = [Problem(page.rel, line, message) for line, message in exercise.problems]
        found += [*_shape(page, exercise), *_links(content, page), *_fiction(content, page),
                  *_same_as_source(content, page, exercise)]
        unfinished = _placeholder_lines(page)
        yield from (problem for problem in found if problem.line not in unfinished)


def _placeholder_lines(page: PageFile) -> set[int]:
    """Lines with a <REQUIRED: …> left in: the placeholder check says what to do there."""
    if "<REQUIRED:" not in page.text:
        return set()
    return {number for number, line in enumerate(page.text.split("\n"), start=1) if "<REQUIRED:" in line}


def _shape(page: PageFile, exercise: Exercise) -> Iterator[Problem]:
    """Stages numbered in order, three to five of them, three or four options each, a
    recommended one among them, feedback that links a page, and the discussion."""
    low, high = STAGES
    for number, stage in enumerate(exercise.stages, start=1):
        if stage.number != number:
            yield Problem(page.rel, stage.line, f"this is stage {number}, so its id is {{#steg-{number}}}: stages are "
                                                "numbered in order from 1")
        count = len(stage.options)
        if stage.options and not OPTIONS[0] <= count <= OPTIONS[1]:
            yield Problem(page.rel, stage.options[0].line, f"stage {stage.number} has {count} option"
                                                           f"{'s' if count != 1 else ''}: a decision has {OPTIONS[0]} "
                                                           f"or {OPTIONS[1]}")
        verdicts = [option.verdict for option in stage.options]
        if stage.options and None not in verdicts and "recommended" not in verdicts:
            yield Problem(page.rel, stage.options[0].line,
                          f"no option of stage {stage.number} is marked [[option:recommended]]: mark the right move "
                          "(one or more)")
        for option in stage.options:
            if option.feedback and not _site_links(option.feedback):
                yield Problem(page.rel, option.feedback_line,
                              f"the feedback of '{_short(option.label)}' links no page of this site: link the manual "
                              "step, checklist or duty page it rests on, e.g. "
                              "[Steg 2: Akut skydd](../manual/steg-2-akut-skydd.md)")
    count = len(exercise.stages)
    if count < low:
        where = exercise.discussion_line or (exercise.stages[-1].line if exercise.stages else page.body_line)
        yield Problem(page.rel, where, f"an exercise has {low} to {high} stages and this one has {count}: add "
                                       f"'## Steg {count + 1}: … {{#steg-{count + 1}}}' with its decision")
    elif count > high:
        yield Problem(page.rel, exercise.stages[high].line, f"an exercise has {low} to {high} stages and this one "
                                                            f"has {count}: join stages or make two exercises")
    if not exercise.discussion_line:
        last = page.body_line + page.body.rstrip("\n").count("\n")
        yield Problem(page.rel, last, f"an exercise ends with points to discuss: add '## Att diskutera "
                                      f"{{#{DISCUSSION_ID}}}' and a few questions after the last stage")
    elif not any(line.strip() for _, line in exercise.discussion):
        yield Problem(page.rel, exercise.discussion_line, "the discussion is empty: write a few questions for a group "
                                                          "to talk about after the exercise")


def _short(label: str) -> str:
    return label if len(label) <= 40 else label[:39] + "…"


def _targets(text: str) -> list[tuple[int, str]]:
    """(offset, target) of every Markdown link and image outside code."""
    prose = strip_code(text)
    return [(match.start(), match.group(1)) for match in _LINK.finditer(prose)]


def _site_links(text: str) -> list[str]:
    """The links to pages of this site (a relative address to a .md file)."""
    return [target for _, target in _targets(text)
            if not _SCHEME.match(target) and target.split("#", 1)[0].endswith(".md")]


def _links(content: Content, page: PageFile) -> Iterator[Problem]:
    """A link that leaves the site leads to an official host (data/sources.yml) or an example
    address: an invented case sends no reader to a real site that is not a source. Whether a
    link to this site's pages and headings leads somewhere is kb.checks.internal_links'."""
    for offset, target in _targets(page.body):
        if target.lower().startswith(("https:", "http:")) and content.sources is not None \
                and not content.sources.is_official(target):
            yield Problem(page.rel, page.body_line + page.body.count("\n", 0, offset),
                          f"the link to {target} leads to a site that is not an official host (data/sources.yml, "
                          "official_hosts): an exercise links this site's pages and official sources only; in the "
                          "scenario use example.org")


def _fiction(content: Content, page: PageFile) -> Iterator[Problem]:
    """An invented scenario never holds a number or address that could be someone's."""
    prose = strip_code(page.body)
    for match in _PHONE.finditer(prose):
        if not _fiction_number(match.group(0)):
            yield Problem(page.rel, page.body_line + prose.count("\n", 0, match.start()),
                          f"'{match.group(0)}' looks like a phone number: an exercise uses only the numbers set aside "
                          f"for fiction, {FICTION_NUMBERS[0][:3]}-{FICTION_NUMBERS[0][3:]} to "
                          f"{FICTION_NUMBERS[1][:3]}-{FICTION_NUMBERS[1][3:]}, or [[tel:id]] for a contact of the site")
    for match in _EMAIL.finditer(prose):
        if not urls.is_reserved(match.group(1)):
            yield Problem(page.rel, page.body_line + prose.count("\n", 0, match.start()),
                          f"'{match.group(0)}' is an e-mail address that could be someone's: an exercise uses "
                          "example.org or example.com addresses only")


def _fiction_number(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    national = "0" + digits[2:] if digits.startswith("46") else "0" + digits[4:] if digits.startswith("0046") \
        else digits
    return len(national) == len(FICTION_NUMBERS[0]) and FICTION_NUMBERS[0] <= national <= FICTION_NUMBERS[1]


def _same_as_source(content: Content, page: PageFile, exercise: Exercise) -> Iterator[Problem]:
    """A translation practises the same decisions: the same stages, as many options in each,
    with the same verdicts, the same manual steps and about as many minutes."""
    default = content.site.default_language
    if page.lang == default:
        return
    source = content.page(page.key, default)
    if source is None or source.meta is None or source.meta.type != TYPE:
        return
    theirs = parse(source.body, source.body_line)
    for key in ("manual_steps", "minutes"):
        mine, original = getattr(page.meta, key), getattr(source.meta, key)
        if mine != original:
            yield Problem(page.rel, page.line_of(key), f"'{key}' differs from the source page {source.rel} "
                                                       f"({original}): a translation must match its source")
    anchors_mine = [stage.anchor for stage in exercise.stages]
    anchors_theirs = [stage.anchor for stage in theirs.stages]
    if anchors_mine != anchors_theirs:
        line = exercise.stages[0].line if exercise.stages else page.body_line
        yield Problem(page.rel, line, f"the stages ({', '.join(anchors_mine) or 'none'}) differ from the source page "
                                      f"{source.rel} ({', '.join(anchors_theirs) or 'none'}): a translation has the "
                                      "same stages, with the same ids")
        return
    for mine, original in zip(exercise.stages, theirs.stages, strict=True):
        verdicts = [option.verdict for option in mine.options]
        expected = [option.verdict for option in original.options]
        if len(verdicts) != len(expected):
            yield Problem(page.rel, mine.line, f"stage {mine.number} has {len(verdicts)} options and in the source "
                                               f"page {source.rel} {len(expected)}: a translation has the same options")
        elif verdicts != expected and None not in verdicts and None not in expected:
            for option, verdict, wanted in zip(mine.options, verdicts, expected, strict=True):
                if verdict != wanted:
                    yield Problem(page.rel, option.feedback_line,
                                  f"the verdict of '{_short(option.label)}' is [[option:{verdict}]] and in the source "
                                  f"page {source.rel} [[option:{wanted}]]: a translation has the same verdicts")
