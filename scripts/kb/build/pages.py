"""What the build does to one page, from its Markdown to its written HTML.

Markdown gets the contact cards, notices, listings and abbreviations; the facts or statute
box and the long listings go into the HTML only after the theme's search has indexed the
page (through a Deferred), so search finds each page by its own words.
"""

from __future__ import annotations

from datetime import date
from html import escape

from kb.build import (
    changes,
    citations,
    contact_cards,
    edit_link,
    exercises,
    facts,
    listings,
    method_form,
    notices,
    page_html,
    word_index,
)
from kb.build.listings import Deferred
from kb.checks.allowlist import Removal, sanitize
from kb.model.load import Content, PageFile
from kb.model.repository import Repository


def additions(content: Content, page: PageFile | None, lang: str, deferred: Deferred,
              directory_urls: bool, today: date, include_drafts: bool) -> str:
    """Everything the build appends to one page's Markdown (listings through `deferred`)."""
    extra = ""
    if page is not None and page.meta is not None:
        if page.meta.type == "focus_area":
            extra += listings.focus_area_listing(content, page, lang, deferred, directory_urls, include_drafts)
        elif page.meta.type == "glossary":
            extra += listings.glossary_listing(content, lang, deferred)
        elif page.meta.type == "guidance":
            extra += exercises.for_profession(content, page, lang, deferred, directory_urls, include_drafts)
        if page.meta.generated == "contacts":
            extra += contact_cards.contacts_directory(content, lang, today, deferred)
        elif page.meta.generated == "counties":
            extra += contact_cards.county_lookup(content, page, contact_cards.CONTACTS_DIRECTORY, lang, deferred,
                                                 directory_urls)
        elif page.meta.generated == "methods":
            extra += listings.method_catalogue(content, page, lang, deferred, directory_urls, include_drafts)
        elif page.meta.generated == "index":
            extra += word_index.listing(content, page, lang, deferred, directory_urls, include_drafts)
        elif page.meta.generated == "translations":
            extra += listings.translation_status(content, lang, deferred)
        elif page.meta.generated == "changes":
            extra += changes.listing(content, page, lang, deferred, include_drafts)
        elif page.meta.generated == "exercises":
            extra += exercises.catalogue(content, page, lang, deferred, directory_urls, include_drafts)
    return extra


def markdown(content: Content, key: str, text: str, meta: dict, *, lang: str, file_lang: str, url: str,
             directory_urls: bool, today: date, include_drafts: bool, repository: Repository | None = None) -> str:
    """A page's Markdown with what the build adds; `meta` (the page's) gets what the
    templates and the later steps need: kb_review, kb_after_title, kb_deferred, kb_edit."""
    source = content.page(key, lang) or content.page(key, content.site.default_language)
    if source is not None and source.meta is not None:
        meta["kb_review"] = notices.review_notice(content, source, lang, today)
    meta["kb_after_title"] = facts.after_title(content, source, lang, directory_urls)
    deferred = meta["kb_deferred"] = Deferred()
    if source is not None and source.meta is not None and source.meta.type == exercises.TYPE:
        text = exercises.expand(content, text, lang, deferred, url, meta)
    text = contact_cards.expand_contact_shortcodes(content, text, lang, today, deferred)
    text = contact_cards.expand_publisher(content, text, lang, deferred)
    if contact_cards.COUNTY_LINKS in text:
        text = text.replace(contact_cards.COUNTY_LINKS,
                            contact_cards.county_links(content, key, lang, deferred, directory_urls), 1)
    if changes.LATEST in text and source is not None:
        text = text.replace(changes.LATEST, changes.latest(content, source, lang, include_drafts), 1)
    text = notices.translation_notices(content, key, lang, file_lang, url, text, deferred)
    meta["kb_edit"] = edit_link.target(content, key, lang, file_lang, repository)
    text = method_form.expand(content, text, lang, deferred, url, repository)
    text += additions(content, source, lang, deferred, directory_urls, today, include_drafts)
    text = citations.render(content, text, lang, deferred)
    return text + notices.abbreviations(content, lang, text)


def preview_problems(content: Content, problems, rel: str, lang: str, meta: dict) -> str:
    """`make serve` only: this page's problems (and those of data/, which every page shows) in
    a box at the top, so the preview says why the build would stop instead of hanging."""
    mine = [p for p in problems if p.path == rel or not p.path.startswith("docs/")]
    if not mine:
        return ""
    items = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in mine)
    box = (f'<div class="admonition danger" role="alert"><p class="admonition-title">'
           f'{content.ui.get("serve_problems", lang)}</p><ul>{items}</ul></div>')
    return meta["kb_deferred"].html(box, block=True) + "\n\n"


def html(page_html_text: str, meta: dict) -> tuple[str, tuple[Removal, ...]]:
    """The page's HTML from Markdown, through the allowlist first (with what it removed):
    then the build's own HTML put in at its markers, checklist boxes labelled, external
    links marked, and a marker where the facts or statute box goes once search has indexed
    the page (the index gets their text from search_index.split_index)."""
    sanitized = sanitize(page_html_text)
    page_html_text = sanitized.html
    if "kb_deferred" in meta:
        page_html_text = meta["kb_deferred"].fill_html(page_html_text)
    page_html_text = page_html.mark_external_links(page_html.label_task_lists(page_html_text))
    exercises.fill_key(page_html_text, meta)
    block = meta.get("kb_after_title", "")
    if block:
        marker = meta["kb_deferred"].place(page_html.mark_external_links(block)).strip()
        page_html_text = page_html.insert_after_title(page_html_text, marker)
    return page_html_text, sanitized.removed


def output(page_output: str, meta: dict) -> str:
    """The written page: the deferred blocks filled in."""
    return meta["kb_deferred"].fill(page_output) if "kb_deferred" in meta else page_output
