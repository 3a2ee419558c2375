"""The block under a page's title: a legislation page's statute box, a method's facts.

HTML, put in after the theme's search has indexed the page (kb.build.search_index adds
its text to the index itself).
"""

from __future__ import annotations

import html

from kb.build import exercises
from kb.build.listings import FOCUS_AREA_PAGES, url_of
from kb.model.load import Content, PageFile


def after_title(content: Content, page: PageFile | None, lang: str, directory_urls: bool = True) -> str:
    """The block under a page's title: a legislation page's statute box, a method's facts."""
    if page is None or page.meta is None:
        return ""
    if page.meta.type == "legislation":
        return statute_box(content, page, lang)
    if page.meta.type == "method":
        return method_facts(content, page, lang, directory_urls)
    if page.meta.type == exercises.TYPE:
        steps = {p.meta.step: p.key for p in content.valid_pages()
                 if p.meta.type == "manual_step" and p.lang == content.site.default_language}
        return exercises.facts(content, page, lang, [(number, url_of(page.key, steps[number], directory_urls))
                                                     for number in page.meta.manual_steps if number in steps])
    return ""


def statute_box(content: Content, page: PageFile, lang: str) -> str:
    """The provision, its SFS number, the official text and the date checked, on every legislation page."""
    statute, ui, e = page.meta.statute, content.ui, html.escape
    chapter = f"{statute.chapter} kap. " if statute.chapter else ""
    cite = f"{statute.name} ({statute.sfs}) {chapter}{statute.section} §"
    rows = [(ui.get("statute_provision", lang), e(cite)),
            (ui.get("statute_official_text", lang), f'<a href="{e(statute.url)}">{e(statute.url)}</a>'),
            (ui.get("statute_checked", lang),
             ui.get("statute_checked_by", lang, date=statute.checked_on.isoformat(),
                    role=e(content.taxonomy.role(statute.checked_by, lang)))
             if statute.checked else f"<strong>{ui.get('statute_unchecked', lang)}</strong>")]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="kb-statute" lang="{lang}">{items}</dl>\n'


def method_facts(content: Content, page: PageFile, lang: str, directory_urls: bool = True) -> str:
    """Who the method is for, where it is used, whom to ask, and whether it is vetted.
    HTML for insert_after_title."""
    meta, ui, taxonomy, e = page.meta, content.ui, content.taxonomy, html.escape

    def labels(kind: str, ids: list[str]) -> str:
        return e(", ".join(taxonomy.label(kind, i, lang) for i in ids) or "–")

    areas = ", ".join(f'<a href="{url_of(page.key, FOCUS_AREA_PAGES.format(id=a), directory_urls)}">'
                      f"{e(taxonomy.label('focus_areas', a, lang))}</a>" for a in meta.focus_areas)
    if meta.status == "vetted" and meta.vetted_by and meta.vetted_on:
        vetted = ui.get("method_vetted", lang, role=e(taxonomy.role(meta.vetted_by, lang)),
                        date=meta.vetted_on.isoformat())
    else:
        vetted = ui.get("method_not_vetted", lang)
    rows = [
        (ui.get("method_focus_areas", lang), areas),
        (ui.get("method_regions", lang), labels("regions", meta.regions) if meta.author == "region"
         else ui.get("method_by_editors", lang)),
        (ui.get("method_target_groups", lang), labels("target_groups", meta.target_groups)),
        (ui.get("method_forms", lang), labels("exploitation_forms", meta.exploitation_forms)),
        (ui.get("method_actors", lang), labels("actors", meta.actors)),
        (ui.get("method_contact", lang), e(taxonomy.role(meta.contact_role, lang))),
    ]
    lines = "<br>\n".join(f"<strong>{label}:</strong> {value}" for label, value in rows)
    # lang: on a page not yet translated, the facts (in the reader's language) sit inside
    # the text marked as Swedish, and screen readers would read them with Swedish sounds.
    return f'<div class="kb-facts" lang="{lang}">\n<p>{lines}<br>\n<em>{vetted}</em></p>\n</div>\n'
