"""`kb new method` and `kb new exercise`: a new page from its template, ready to fill in.

The file is kb.model.method_file's rendering of the answers, the same the share page's form
makes in the browser. What was not answered keeps the template's <REQUIRED: …>, which makes
`kb check` fail until it is replaced, so a half-filled page can never be published by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from kb.model import exercise_file, method_file
from kb.model.load import Content
from kb.model.method_file import Answers, Finding
from kb.model.schema import Taxonomy
from kb.model.site import Site

#: What each problem in an answer means, said as kb check would (English, for the terminal).
MESSAGES = {
    "plain_text": "is plain text: remove '<' and '>' (HTML is not allowed here; write 'under 18', not '< 18')",
    "link": "is shown as text: write the words only, without a Markdown link or attributes in braces",
    "not_text": "has an invisible character that is not text (a control character): delete it",
    "one_line": "is one line: leave out the line breaks",
    "no_slug": "has no letters or digits to name the file after",
    "title_taken": "is already used by another page: give the method its own title",
    "path_long": "makes the file's path too long for a checkout on Windows: shorten the title",
    "personal_number": "looks like a personal identity number: write nothing that could identify a person",
    "phone": "looks like a phone number: write only numbers that are verified, and in examples only the fiction "
             "numbers 070-1740605 to 070-1740699",
}


class ScaffoldError(Exception):
    """A problem with what was asked for; the message says how to fix it."""


def resolve_focus_area(value: str, taxonomy: Taxonomy) -> str:
    """A focus area given by its number in the action plan (3) or its id (upptackt)."""
    for area in taxonomy.focus_areas:
        if value.strip() in (str(area.number), area.id):
            return area.id
    valid = ", ".join(f"{a.number} ({a.id})" for a in taxonomy.focus_areas)
    raise ScaffoldError(f"unknown focus area '{value}': use a number or id, one of {valid}")


def _ids(kind: str, flag: str, values: Iterable[str], taxonomy: Taxonomy, errors: list[str]) -> tuple[str, ...]:
    valid = taxonomy.ids(kind)
    for value in values:
        if value.strip() not in valid:
            errors.append(f"unknown {flag} '{value}': use one of {', '.join(valid)}")
    return tuple(value.strip() for value in values if value.strip() in valid)


def _focus_areas(values: Iterable[str], taxonomy: Taxonomy, errors: list[str]) -> list[str]:
    """The ids of the focus areas given by number or id; each one not known is an error."""
    areas = []
    for value in values:
        try:
            areas.append(resolve_focus_area(value, taxonomy))
        except ScaffoldError as exc:
            errors.append(str(exc))
    return areas


def new_method(site: Site, taxonomy: Taxonomy, title: str, region: str, focus_areas: list[str],
               lang: str | None, today: date, *, summary: str = "", problem: str = "",
               target_groups: Iterable[str] = (), exploitation_forms: Iterable[str] = (),
               actors: Iterable[str] = (), contact_role: str = "", keywords: Iterable[str] = (),
               sections: dict[str, str] | None = None, content: Content | None = None,
               warn=None) -> Path:
    """The new page's path, written from the template of its language. A translation is
    written next to its source page, never alone (it would be an orphan). With `content`,
    a title another page of the language has is refused; `warn` is told the hints (a
    phone number, a personal identity number) the answers give reason for. Every wrong
    answer is told in one error, one a line, so a coordinator fixes them all at once."""
    lang = lang or site.default_language
    errors: list[str] = []
    if not title.strip():
        errors.append("the title is empty: give the method a name, e.g. --title \"Uppsökande arbete\"")
    if lang not in site.languages:
        errors.append(f"unknown language '{lang}': use one of {', '.join(site.languages)}")
    regions = taxonomy.ids("regions")
    if not region:
        errors.append(f"give your region with --region, one of {', '.join(regions)}")
    elif region not in regions:
        errors.append(f"unknown region '{region}': use one of {', '.join(regions)}")
    if not focus_areas:
        errors.append("give at least one focus area, e.g. --focus-area 3")
    areas = _focus_areas(focus_areas, taxonomy, errors)
    groups = _ids("target_groups", "target group", target_groups, taxonomy, errors)
    forms = _ids("exploitation_forms", "exploitation form", exploitation_forms, taxonomy, errors)
    chosen_actors = _ids("actors", "actor", actors, taxonomy, errors)
    try:
        template = method_file.template(lang if lang in site.languages else site.default_language,
                                        site.default_language)
    except method_file.TemplateError as exc:
        raise ScaffoldError(str(exc)) from None
    unknown = sorted(set(sections or {}) - {s.id for s in template.sections})
    errors += [f"unknown section '{name}': the template's sections are {', '.join(s.id for s in template.sections)}"
               for name in unknown]
    answers = method_file.cleaned(Answers(
        title=title, summary=summary, problem=problem, regions=(region,), focus_areas=tuple(areas),
        target_groups=groups, exploitation_forms=forms, actors=chosen_actors, contact_role=contact_role,
        keywords=tuple(keywords), sections={k: v for k, v in (sections or {}).items() if k not in unknown}),
        taxonomy)
    methods = method_file.folder(site)
    taken = method_file.Taken(method_file.Taken.of(content, lang).titles if content else frozenset(), frozenset(),
                              methods)
    found = method_file.findings(template, answers, taxonomy, taken)
    errors += [_said(f, answers) for f in found
               if not f.hint and f.rule not in ("required", "unknown_id", "no_slug" if not title.strip() else "")]
    if errors:
        raise ScaffoldError("\n".join(dict.fromkeys(errors)))
    for hint in (f for f in found if f.hint):
        if warn:
            warn(_said(hint, answers))
    suffix = "" if lang == site.default_language else f".{lang}"
    path = site.root / method_file.path(methods, region, answers.title, suffix)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(site.root)} already exists: edit it, or choose another title")
    source = site.root / method_file.path(methods, region, answers.title)
    if lang != site.default_language and not source.exists():
        raise ScaffoldError(f"{source.relative_to(site.root)} does not exist: a page in '{lang}' translates a "
                            f"page in '{site.default_language}', so create that first (leave out --lang), with the "
                            "same title and region")
    owner = method_file.owner(taxonomy, region, site.default_language)
    text = method_file.render(template, answers, owner, today.isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path


def _said(finding: Finding, answers: Answers) -> str:
    """A finding as the terminal says it: the flag, what it holds, and what to do."""
    flag = f"--section {finding.name}" if finding.where == "section" else "--" + finding.name.replace("_", "-")
    flag = {"--keywords": "--keyword", "--regions": "--region"}.get(flag, flag)
    shown = f" '{answers.title}'" if finding.name == "title" else ""
    return f"{flag}{shown} {MESSAGES.get(finding.rule, finding.rule)}"


# --- kb new exercise ---------------------------------------------------------------------


def new_exercise(site: Site, taxonomy: Taxonomy, title: str, lang: str | None, today: date, *,
                 professions: Iterable[str] = (), focus_areas: Iterable[str] = (), target_groups: Iterable[str] = (),
                 exploitation_forms: Iterable[str] = (), steps: Iterable[str] = (), minutes: int | None = None,
                 owner: str = "") -> Path:
    """A new exercise in docs/ovningar/ from the template of its language, with what was
    answered filled in and a <REQUIRED: …> everywhere else. A translation is written next
    to its source, never alone. Every wrong answer is told in one error, one a line."""
    lang = lang or site.default_language
    errors: list[str] = []
    if not title.strip():
        errors.append("the title is empty: give the exercise a name, e.g. --title \"Första mötet på akuten\"")
    elif not exercise_file.slugify(title):
        errors.append(f"--title '{title}' {MESSAGES['no_slug']}")
    if lang not in site.languages:
        errors.append(f"unknown language '{lang}': use one of {', '.join(site.languages)}")
    numbers = []
    for step in steps:
        if not step.strip().isdigit() or not 1 <= int(step) <= 6:
            errors.append(f"unknown manual step '{step}': use a number from 1 to 6")
        else:
            numbers.append(int(step))
    if minutes is not None and not 5 <= minutes <= 240:
        errors.append(f"--minutes {minutes}: give about how long the exercise takes, 5 to 240 minutes")
    areas = _focus_areas(focus_areas, taxonomy, errors)
    answers = exercise_file.Answers(
        title=" ".join(title.split()), owner=" ".join(owner.split()) or exercise_file.DEFAULT_OWNER,
        professions=_ids("actors", "profession", professions, taxonomy, errors), focus_areas=tuple(areas),
        target_groups=_ids("target_groups", "target group", target_groups, taxonomy, errors),
        exploitation_forms=_ids("exploitation_forms", "exploitation form", exploitation_forms, taxonomy, errors),
        manual_steps=tuple(sorted(set(numbers))), minutes=minutes or exercise_file.DEFAULT_MINUTES)
    if errors:
        raise ScaffoldError("\n".join(dict.fromkeys(errors)))
    folder = exercise_file.folder(site)
    suffix = "" if lang == site.default_language else f".{lang}"
    path = site.root / exercise_file.path(folder, answers.title, suffix)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(site.root)} already exists: edit it, or choose another title")
    source = site.root / exercise_file.path(folder, answers.title)
    if lang != site.default_language and not source.exists():
        raise ScaffoldError(f"{source.relative_to(site.root)} does not exist: a page in '{lang}' translates a "
                            f"page in '{site.default_language}', so create that first (leave out --lang), with the "
                            "same title")
    template = exercise_file.template_file(lang, site.default_language).read_text(encoding="utf-8")
    text = exercise_file.render(template, answers, today.isoformat())
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
