"""`kb new method`: a new method page from the template, ready for a coordinator to fill in.

The template's <REQUIRED: …> placeholders make `kb check` fail until each is replaced,
so a half-filled page can never be published by mistake.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path

from kb.model.schema import Taxonomy
from kb.model.site import Site

METHODS_DIR = "metoder"
TEMPLATES = resources.files("kb.tools") / "templates"


class ScaffoldError(Exception):
    """A problem with what was asked for; the message says how to fix it."""


def slugify(title: str) -> str:
    """A file name from a title: lower case ASCII, words joined by hyphens (å, ä -> a, ö -> o)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise ScaffoldError(f"the title '{title}' has no letters or digits to name the file after")
    return slug


def resolve_focus_area(value: str, taxonomy: Taxonomy) -> str:
    """A focus area given by its number in the action plan (3) or its id (upptackt)."""
    for area in taxonomy.focus_areas:
        if value.strip() in (str(area.number), area.id):
            return area.id
    valid = ", ".join(f"{a.number} ({a.id})" for a in taxonomy.focus_areas)
    raise ScaffoldError(f"unknown focus area '{value}': use a number or id, one of {valid}")


def method_path(site: Site, region: str, title: str, lang: str) -> Path:
    suffix = "" if lang == site.default_language else f".{lang}"
    return site.docs_dir / METHODS_DIR / region / f"{slugify(title)}{suffix}.md"


def new_method(site: Site, taxonomy: Taxonomy, title: str, region: str, focus_areas: list[str],
               lang: str | None, today: date) -> Path:
    """The new page's path, written from the template of its language. A translation is
    written next to its source page, never alone (it would be an orphan)."""
    lang = lang or site.default_language
    title = title.strip()
    if not title:
        raise ScaffoldError("the title is empty: give the method a name, e.g. --title \"Uppsökande arbete\"")
    if '"' in title:
        raise ScaffoldError("the title contains a double quote (\"): leave it out")
    if lang not in site.languages:
        raise ScaffoldError(f"unknown language '{lang}': use one of {', '.join(site.languages)}")
    regions = taxonomy.ids("regions")
    if region not in regions:
        raise ScaffoldError(f"unknown region '{region}': use one of {', '.join(regions)}")
    if not focus_areas:
        raise ScaffoldError("give at least one focus area, e.g. --focus-area 3")
    areas = list(dict.fromkeys(resolve_focus_area(value, taxonomy) for value in focus_areas))
    path = method_path(site, region, title, lang)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(site.root)} already exists: edit it, or choose another title")
    source = method_path(site, region, title, site.default_language)
    if lang != site.default_language and not source.exists():
        raise ScaffoldError(f"{source.relative_to(site.root)} does not exist: a page in '{lang}' translates a "
                            f"page in '{site.default_language}', so create that first (leave out --lang), with the "
                            "same title and region")
    template = TEMPLATES.joinpath(f"method.{lang}.md")
    if not template.is_file():
        template = TEMPLATES.joinpath(f"method.{site.default_language}.md")
    region_label = next(r.label for r in taxonomy.regions if r.id == region)
    owner = f"Regionkoordinator {region_label.get(site.default_language).removeprefix('Region ')}"
    text = template.read_text(encoding="utf-8").format(
        title=title, owner=owner, today=today.isoformat(),
        focus_areas=", ".join(areas), regions=region,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
