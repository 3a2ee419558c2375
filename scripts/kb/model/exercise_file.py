"""An exercise's file from a contributor's answers: what `kb new exercise` writes.

The templates (templates/exercise.<lang>.md) hold the structure kb.model.exercise reads,
with a <REQUIRED: …> wherever the contributor writes: `kb check` fails until each is
replaced. A front-matter line that was answered is written from the answer; every other
line is the template's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kb.model.method_file import TEMPLATES, heading_text, slugify, yaml_text
from kb.model.problems import rel
from kb.model.site import Site

FOLDER = "ovningar"
DEFAULT_OWNER = "Redaktionen"
DEFAULT_MINUTES = 30


@dataclass(frozen=True)
class Answers:
    title: str
    owner: str = DEFAULT_OWNER
    professions: tuple[str, ...] = ()
    focus_areas: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    exploitation_forms: tuple[str, ...] = ()
    manual_steps: tuple[int, ...] = ()
    minutes: int = DEFAULT_MINUTES


def template_file(lang: str, default_language: str) -> Path:
    """The template in lang, or the default language's when lang has none."""
    own = TEMPLATES / f"exercise.{lang}.md"
    return own if own.is_file() else TEMPLATES / f"exercise.{default_language}.md"


def folder(site: Site) -> str:
    """Where exercises go, as the project shows it: docs/ovningar."""
    return f"{rel(site.docs_dir, site.root)}/{FOLDER}"


def path(exercises: str, title: str, suffix: str = "") -> str:
    """The file's path in the project, e.g. docs/ovningar/forsta-motet-pa-akuten.md."""
    return f"{exercises}/{slugify(title)}{suffix}.md"


def render(template: str, answers: Answers, today: str) -> str:
    """The file from the template and the answers."""
    lists = {"professions": answers.professions, "focus_areas": answers.focus_areas,
             "target_groups": answers.target_groups, "exploitation_forms": answers.exploitation_forms,
             "manual_steps": tuple(str(step) for step in answers.manual_steps)}
    _, front, body = template.split("---\n", 2)
    lines = []
    for line in front.rstrip("\n").split("\n"):
        key = line.split(":", 1)[0]
        if lists.get(key):
            line = f"{key}: [{', '.join(lists[key])}]"
        elif key == "minutes":
            line = f"minutes: {answers.minutes}"
        lines.append(line)
    values = {"title": yaml_text(answers.title)[1:-1], "heading": heading_text(answers.title),
              "owner": yaml_text(answers.owner)[1:-1], "today": today}
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    return _FILLED.sub(lambda found: values[found.group(1)], text)  # one pass: an answer is never read again


_FILLED = re.compile(r"\{(title|heading|owner|today)\}")
