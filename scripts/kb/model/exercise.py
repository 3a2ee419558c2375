"""A case exercise's structure, read from its Markdown: the scenario, the stages, each
ending in a decision with options and their feedback, and the discussion.

The format (CONTRIBUTING.md; `kb new exercise` writes it):

    # Övning: the title

    The scenario: everything before the first stage.

    ## Steg 1: what happens {#steg-1}

    What happens in this stage (one paragraph or more).

    What do you do?                      <- the decision: the paragraph right before the options

    ??? question "A. What you could do"
        [[option:recommended]] Why this is the right move, with a link to the manual
        step, checklist or duty page it rests on.

    ??? question "B. …"
        [[option:not-recommended]] Why not. …

    ## After the exercise {#diskussion}

    Discussion points for a group.

Stages are numbered {#steg-1}, {#steg-2} … and keep those ids in every language; each
option is a fold (`??? question`, a <details> a reader opens without JavaScript) whose
feedback starts with its verdict. `kb check` (kb.checks.exercises) reports what departs
from this at its line; the build (kb.build.exercises) reads the same structure to make the
page interactive and its print view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: An option's verdict, written first in its feedback as [[option:VERDICT]].
VERDICTS = ("recommended", "partly", "not-recommended")
VERDICT = re.compile(r"\[\[option:([^\]\n]*)\]\]")
#: The ids of the stages and of the discussion, the same in every language.
STAGE_ID = re.compile(r"steg-([0-9]+)")
DISCUSSION_ID = "diskussion"
#: How many stages an exercise has, and options a decision.
STAGES = (3, 5)
OPTIONS = (3, 4)

_FENCE = re.compile(r"^\s*(```|~~~)")
_H2 = re.compile(r"^##(?!#)\s+(.*?)\s*$")
_EXPLICIT_ID = re.compile(r"^(.*?)\s*\{\s*#([^\s}]+)[^}]*\}\s*$")
_FOLD = re.compile(r"^(\?\?\?\+?|!!!)(?:\s+(.*))?$")
_OPTION = re.compile(r'^\?\?\?\s+question\s+"(.+)"\s*$')
_NESTED = re.compile(r"^\s{0,3}(\?\?\?|!!!|<details|#{1,6}\s)")
_INDENT = ("    ", "\t")
_QUESTION_MARKUP = re.compile(r"[*_\s]+$")


@dataclass
class Option:
    line: int  # the file line of `??? question "…"`
    label: str  # as written between the quotes
    end_line: int  # its last line that is not blank
    body: list[tuple[int, str]] = field(default_factory=list)  # (file line, line without its indent)
    verdict: str | None = None  # None: missing or not one of VERDICTS (a problem says which)

    @property
    def feedback(self) -> str:
        """The feedback's words, without the verdict marker."""
        return VERDICT.sub("", "\n".join(text for _, text in self.body)).strip()

    @property
    def feedback_line(self) -> int:
        return next((number for number, text in self.body if text.strip()), self.line)


@dataclass
class Stage:
    line: int  # the heading's file line
    anchor: str  # steg-N
    title: str  # the heading's words
    number: int
    text: list[tuple[int, str]] = field(default_factory=list)  # lines before the first option
    options: list[Option] = field(default_factory=list)
    question: str = ""
    question_line: int = 0

    @property
    def end_line(self) -> int:
        return self.options[-1].end_line if self.options else self.line


@dataclass
class Exercise:
    scenario: list[tuple[int, str]] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    discussion_line: int = 0  # 0: no discussion heading
    discussion: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (file line, message)

    @property
    def options(self) -> list[Option]:
        return [option for stage in self.stages for option in stage.options]


OPTION_FORM = '??? question "A. What you do"'
VERDICT_FORM = "[[option:recommended]], [[option:partly]] or [[option:not-recommended]]"


def parse(body: str, first_line: int = 1) -> Exercise:
    """The exercise in a page body, with the problems of its structure at their file lines."""
    exercise = Exercise()
    add = exercise.problems.append
    part = exercise.scenario  # where the lines go
    stage: Stage | None = None
    option: Option | None = None
    fenced = False
    after_options = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if fenced or _FENCE.match(line):
            if _FENCE.match(line):
                fenced = not fenced
            (option.body if option else part).append((number, _dedent(line) if option else line))
            continue
        heading = _H2.match(line)
        if heading:
            option, after_options = None, False
            words, anchor = _split_id(heading.group(1))
            found = STAGE_ID.fullmatch(anchor or "")
            if found:
                if exercise.discussion_line:
                    add((number, "a stage comes before the discussion ({#diskussion}): move this stage up"))
                stage = Stage(number, anchor, words, int(found.group(1)))
                exercise.stages.append(stage)
                part = stage.text
            elif anchor == DISCUSSION_ID:
                stage = None
                exercise.discussion_line = number
                part = exercise.discussion
            else:
                add((number, "a second-level heading in an exercise is a stage ('## Steg 1: … {#steg-1}') or the "
                             "discussion ('## … {#diskussion}'): give it one of those ids, or make it a third-level "
                             "heading (###)"))
                stage, part = None, []
            continue
        fold = _FOLD.match(line)
        if stage is not None and fold and fold.group(1).startswith("???"):
            written = _OPTION.match(line)
            if not written:
                add((number, f"an option is written {OPTION_FORM}, on one line, the words in double quotes"))
            option = Option(number, written.group(1).strip() if written else (fold.group(2) or "").strip(), number)
            stage.options.append(option)
            after_options = False
            continue
        if option is not None:
            if not line.strip() or line.startswith(_INDENT):
                option.body.append((number, _dedent(line)))
                if line.strip():
                    option.end_line = number
                continue
            option = None
            after_options = True
        if after_options and stage is not None and line.strip():
            add((number, "a stage ends with its options: move this text before the question, into the next "
                         "stage, or into the discussion ({#diskussion}); indent it by four spaces if it belongs "
                         "to the option above"))
            continue
        part.append((number, line))
    _decisions(exercise, first_line)
    return exercise


def _dedent(line: str) -> str:
    for indent in _INDENT:
        if line.startswith(indent):
            return line[len(indent):]
    return line


def _split_id(heading: str) -> tuple[str, str | None]:
    """A heading's words and its explicit {#id}, if it has one."""
    found = _EXPLICIT_ID.match(heading)
    return (found.group(1).strip(), found.group(2)) if found else (heading.strip(), None)


def paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Blocks separated by blank lines: (first file line, the block's lines joined)."""
    found: list[tuple[int, str]] = []
    block: list[tuple[int, str]] = []
    for number, line in [*lines, (0, "")]:
        if line.strip():
            block.append((number, line.strip()))
        elif block:
            found.append((block[0][0], " ".join(text for _, text in block)))
            block = []
    return found


def _decisions(exercise: Exercise, first_line: int) -> None:
    """Each stage's question and each option's verdict and feedback, with their problems."""
    add = exercise.problems.append
    outside = [*exercise.scenario, *exercise.discussion, *(line for stage in exercise.stages for line in stage.text)]
    for number, text in outside:
        for marker in VERDICT.finditer(text):
            add((number, f"'{marker.group(0)}' is an option's verdict: it belongs first in an option's feedback"))
    if not paragraphs([(n, line) for n, line in exercise.scenario if not line.startswith("# ")]):
        add((exercise.stages[0].line if exercise.stages else first_line,
             "an exercise starts with its scenario: write what happens, before the first stage"))
    for stage in exercise.stages:
        blocks = paragraphs(stage.text)
        if not stage.options:
            add((stage.line, f"stage {stage.number} has no decision: end it with a question (a paragraph ending "
                             f"in '?') and {OPTIONS[0]} or {OPTIONS[1]} options written {OPTION_FORM}"))
            continue
        if not blocks:
            add((stage.options[0].line, f"stage {stage.number} has no question before its options: write what "
                                        "happens, then the question (a paragraph ending in '?')"))
            continue
        stage.question_line, stage.question = blocks[-1]
        if not _QUESTION_MARKUP.sub("", stage.question).endswith("?"):
            add((stage.question_line, f"the paragraph right before the options of stage {stage.number} is its "
                                      "question: end it with a question mark, or write the question after it"))
        if len(blocks) < 2:
            add((stage.question_line, f"stage {stage.number} tells nothing before its question: write what happens "
                                      "in this stage first"))
        for option in stage.options:
            _verdict(option, add)


def _verdict(option: Option, add) -> None:
    shown = option.label if len(option.label) <= 40 else option.label[:39] + "…"
    if not any(text.strip() for _, text in option.body):
        add((option.line, f"the option '{shown}' has no feedback: under it, indented by four spaces, write its "
                          f"verdict ({VERDICT_FORM}) and why it is or is not the right move"))
        return
    line, first = next((n, text) for n, text in option.body if text.strip())
    found = VERDICT.match(first.strip())
    if not found:
        add((line, f"the feedback of '{shown}' starts with its verdict: {VERDICT_FORM}"))
    elif found.group(1) not in VERDICTS:
        add((line, f"'{found.group(0)}' is not a verdict: write {VERDICT_FORM}"))
    else:
        option.verdict = found.group(1)
    if found and not option.feedback:
        add((line, f"the option '{shown}' has a verdict but no feedback: say why it is or is not the right move"))
    for number, text in option.body:
        if _NESTED.match(text):
            add((number, "an option's feedback holds text and lists, no headings, folds or boxes: write it as "
                         "paragraphs"))
        for extra in VERDICT.finditer(text):
            if number != line or extra.start() != len(text) - len(text.lstrip()):
                add((number, f"'{extra.group(0)}' is an option's verdict: write it once, first in the feedback"))
