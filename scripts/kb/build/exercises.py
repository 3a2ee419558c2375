"""Case exercises on the site: the page made interactive and printable, the list of
exercises, and the exercises for each profession on its guidance page.

A page's Markdown keeps its structure (kb.model.exercise): each option is a fold that a
reader opens without JavaScript. The build adds, as HTML of its own put in after the
allowlist (kb.build.listings.Deferred), the wrappers the site's script (overrides/assets/
kb-exercise.js) and styles hold on to, each verdict in the reader's language, the script
itself, and a print-only copy of every option's feedback placed before the discussion:
on paper the scenario and the questions come first and the feedback after a page break
(kb.css), for a facilitator. The copy goes in after the theme's search has indexed the
page, so search finds each stage by its own text once.
"""

from __future__ import annotations

import html
import posixpath
import re

from kb.build.listings import Deferred, is_published, page_title, sort_key, url_of
from kb.model import text
from kb.model.exercise import Exercise, parse
from kb.model.load import Content, PageFile

TYPE = "exercise"
SCRIPT = "assets/kb-exercise.js"
#: sessionStorage's keys start with this: overrides/assets/kb.js clears the storage on quick exit.
STATE_KEY = "kb-exercise:"
#: Each verdict's words, from data/ui.yml.
VERDICT_TEXTS = (("recommended", "exercise_recommended"), ("partly", "exercise_partly"),
                 ("not-recommended", "exercise_not_recommended"))
#: What the script says, by what it is for, from data/ui.yml.
SCRIPT_TEXTS = (("chosen", "exercise_chosen"), ("feedback-below", "exercise_feedback_below"),
                ("next", "exercise_next"), ("to-discussion", "exercise_to_discussion"),
                ("restart", "exercise_restart"), ("restarted", "exercise_restarted"),
                ("your-choices", "exercise_your_choices"))
#: The print-only copy is put where this marker is, before the discussion.
KEY = "kb_exercise_key"

e = html.escape


def expand(content: Content, markdown: str, lang: str, deferred: Deferred, url: str, meta: dict) -> str:
    """An exercise page's Markdown with the build's wrappers around the stages, options and
    discussion, the verdicts in the reader's language, and the script."""
    exercise = parse(markdown)
    if not exercise.stages or any(option.verdict is None for option in exercise.options):
        return markdown  # kb check and the build's checks have said what is wrong
    ui = content.ui
    verdicts = {verdict: ui.get(key, lang) for verdict, key in VERDICT_TEXTS}
    lines = markdown.split("\n")
    before: dict[int, list[str]] = {}  # file line -> blocks put before it
    after: dict[int, list[str]] = {}

    def put(where: dict[int, list[str]], line: int, fragment: str) -> None:
        where.setdefault(line, []).append(deferred.html(fragment, block=True).strip("\n"))

    def inside(line: int, fragment: str) -> None:
        """After `line`, indented: inside the option's fold."""
        after.setdefault(line, []).append("    " + deferred.html(fragment, block=True).strip("\n"))

    folder = url if url.endswith("/") else posixpath.dirname(url)  # page/ or page.html (offline)
    script = posixpath.relpath(SCRIPT, folder.rstrip("/") or ".")
    said = " ".join(f'data-{name}="{ui.get(script_key, lang)}"' for name, script_key in SCRIPT_TEXTS)
    stages = exercise.stages
    put(before, stages[0].line, f'<div class="kb-exercise" data-key="{e(STATE_KEY + url)}" {said}>')
    for index, stage in enumerate(stages):
        if index:
            put(before, stage.line, "</div>")
        put(before, stage.line, f'<div class="kb-stage" data-stage="{stage.number}">')
        put(before, stage.options[0].line, '<div class="kb-options">')
        for option in stage.options:
            put(before, option.line, f'<div class="kb-option" data-verdict="{option.verdict}">')
            # The feedback, inside the fold: left out of search, so that a search for a rule
            # finds the page that explains it rather than an exercise's answer about it.
            inside(option.line, '<div class="kb-feedback" data-search-exclude>')
            inside(option.end_line, "</div>")
            put(after, option.end_line, "</div>")
        put(after, stage.options[-1].end_line, "</div>")
    key_marker = deferred.place("")
    meta[KEY] = {"marker": key_marker.strip(), "lang": lang, "heading": ui.get("exercise_key_heading", lang),
                 "intro": ui.get("exercise_key_intro", lang)}
    if exercise.discussion_line:
        put(before, exercise.discussion_line, "</div>")
        before.setdefault(exercise.discussion_line, []).append(key_marker.strip())
        put(before, exercise.discussion_line, '<div class="kb-stage kb-discussion">')
        closing = "</div>\n</div>"
    else:
        closing = "</div>\n" + key_marker.strip() + "\n</div>"
    verdict_lines = {option.feedback_line: option.verdict for option in exercise.options}
    out = []
    for number, line in enumerate(lines, start=1):
        for block in before.get(number, ()):
            out += ["", block, ""]
        if number in verdict_lines:
            verdict = verdict_lines[number]
            label = (f'<strong class="kb-verdict kb-verdict--{verdict}">'
                     f"{e(html.unescape(verdicts[verdict]), quote=False)}</strong>")
            line = re.sub(r"\[\[option:[a-z-]+\]\]", lambda _, label=label: deferred.html(label), line, count=1)
        out.append(line)
        for block in after.get(number, ()):
            out += ["", block, ""]
    out = [line.rstrip() if not line.strip() else line for line in out]
    ending = deferred.html(f'{closing}\n<script src="{e(script)}" defer></script>', block=True)
    return "\n".join(out).rstrip("\n") + "\n" + ending


_OPTION_HTML = re.compile(r'<div class="kb-option" data-verdict="([a-z-]+)">\s*<details[^>]*>\s*<summary>(.*?)'
                          r'</summary>\s*<div class="kb-feedback"[^>]*>(.*?)</div>\s*</details>\s*</div>', re.S)
_STAGE_HTML = re.compile(r'<div class="kb-stage" data-stage="([0-9]+)">\s*<h2[^>]*>(.*?)</h2>', re.S)
_ID = re.compile(r'\s(?:id|aria-describedby|aria-labelledby)="[^"]*"')
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)


def fill_key(page_html: str, meta: dict) -> None:
    """The print-only copy of every option's feedback, stage by stage, from the page's HTML
    as published (after the allowlist), without ids, so nothing on the page is named twice."""
    key = meta.get(KEY)
    if not key or key["marker"] not in meta["kb_deferred"].parts:
        return
    parts = [f'<div class="kb-exercise-key" lang="{e(key["lang"])}">', f"<h2>{key['heading']}</h2>",
             f"<p>{key['intro']}</p>"]
    stages = list(_STAGE_HTML.finditer(page_html))
    for index, stage in enumerate(stages):
        end = stages[index + 1].start() if index + 1 < len(stages) else len(page_html)
        parts.append(f"<h3>{_ID.sub('', _PERMALINK.sub('', stage.group(2))).strip()}</h3>")
        for option in _OPTION_HTML.finditer(page_html, stage.end(), end):
            parts.append(f'<div class="kb-key-option kb-key-option--{option.group(1)}">'
                         f"<p><strong>{_ID.sub('', option.group(2)).strip()}</strong></p>"
                         f"{_ID.sub('', option.group(3)).strip()}</div>")
    parts.append("</div>")
    meta["kb_deferred"].parts[key["marker"]] = "\n".join(parts)


def exercises(content: Content, include_drafts: bool = False) -> list[PageFile]:
    """Published exercises (default-language sources)."""
    return [page for page in content.valid_pages()
            if page.meta.type == TYPE and page.lang == content.site.default_language
            and is_published(page, include_drafts)]


def _item(content: Content, from_key: str, page: PageFile, lang: str, directory_urls: bool) -> str:
    shown = content.page(page.key, lang) or page
    professions = ", ".join(content.taxonomy.label("actors", actor, lang) for actor in page.meta.professions)
    minutes = content.ui.get("exercise_minutes", lang, minutes=page.meta.minutes)
    return (f'<li><a href="{url_of(from_key, page.key, directory_urls)}">{e(page_title(content, page.key, lang))}'
            f"</a>: {e(shown.meta.summary)} <small>({e(professions)}; {minutes})</small></li>")


def catalogue(content: Content, page: PageFile, lang: str, deferred: Deferred, directory_urls: bool = True,
              include_drafts: bool = False) -> str:
    """Every exercise, by title in the reader's language (the page `generated: exercises`)."""
    found = sorted(exercises(content, include_drafts), key=lambda p: sort_key(page_title(content, p.key, lang)))
    if not found:
        return f"\n\n{text.markdown_text(html.unescape(content.ui.get('exercises_empty', lang)))}\n"
    items = "\n".join(_item(content, page.key, exercise, lang, directory_urls) for exercise in found)
    return deferred.place(f'<ul class="kb-exercises">\n{items}\n</ul>')


def for_profession(content: Content, page: PageFile, lang: str, deferred: Deferred, directory_urls: bool = True,
                   include_drafts: bool = False) -> str:
    """On a guidance page: the exercises for its professions (its actors), under a heading
    of their own; nothing when there are none."""
    actors = set(page.meta.actors)
    found = sorted((exercise for exercise in exercises(content, include_drafts)
                    if actors & set(exercise.meta.professions)),
                   key=lambda p: sort_key(page_title(content, p.key, lang)))
    if not found:
        return ""
    heading = text.markdown_text(html.unescape(content.ui.get("exercise_for_profession", lang)))
    intro = text.markdown_text(html.unescape(content.ui.get("exercise_for_profession_intro", lang)))
    items = "\n".join(_item(content, page.key, exercise, lang, directory_urls) for exercise in found)
    return (f"\n\n## {heading} {{#ovningar}}\n\n{intro}\n"
            + deferred.place(f'<ul class="kb-exercises">\n{items}\n</ul>'))


def facts(content: Content, page: PageFile, lang: str, steps: list[tuple[int, str]]) -> str:
    """The block under an exercise's title: whom it is for, the professions, the manual's
    steps it practises (linked), the time it takes, that the case is invented, how it works.
    `steps`: (number, the address of the step's page from this one)."""
    meta, ui, taxonomy = page.meta, content.ui, content.taxonomy
    professions = e(", ".join(taxonomy.label("actors", actor, lang) for actor in meta.professions))
    linked = ", ".join(f'<a href="{e(href)}">{number}</a>' for number, href in steps)
    rows = [(ui.get("exercise_audience", lang), e(meta.audience)),
            (ui.get("exercise_professions", lang), professions),
            (ui.get("exercise_steps", lang), linked),
            (ui.get("exercise_time", lang), ui.get("exercise_minutes", lang, minutes=meta.minutes))]
    lines = "<br>\n".join(f"<strong>{label}:</strong> {value}" for label, value in rows)
    return (f'<div class="kb-facts kb-exercise-facts" lang="{e(lang)}">\n<p>{lines}</p>\n'
            f"<p><em>{ui.get('exercise_invented', lang)}</em></p>\n<p>{ui.get('exercise_how', lang)}</p>\n</div>\n")


def parsed(page: PageFile) -> Exercise:
    return parse(page.body, page.body_line)
