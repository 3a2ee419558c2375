"""Notices on pages: when a page was reviewed (and that it is overdue), that a page is not
yet translated or its translation is outdated, and the abbreviations a page uses.
"""

from __future__ import annotations

import html
from datetime import date

from kb.build import contact_cards
from kb.build.listings import Deferred, relative_url
from kb.model import freshness, text, translations
from kb.model.load import Content, PageFile


def review_notice(content: Content, page: PageFile, lang: str, today: date) -> dict[str, object]:
    """What the review partial shows: reviewed when and by whom, and the overdue warning."""
    meta = page.meta
    due, now = freshness.state(meta.last_reviewed_on, meta.review_months, today)
    helpline = contact_cards.helpline_html(content, lang)
    return {
        "due": due.isoformat(),
        "overdue": now == "overdue",
        "text": content.ui.get("page_reviewed", lang, date=meta.last_reviewed_on.isoformat(),
                               owner=html.escape(content.taxonomy.role(meta.owner, lang)),
                               due=due.isoformat()),
        "overdue_text": content.ui.get("page_overdue", lang, due=due.isoformat(), **helpline),
        "status_text": content.ui.get("status_" + meta.status, lang) if meta.status != "vetted" else "",
    }


def translation_notices(content: Content, key: str, build_lang: str, file_lang: str, page_url: str,
                        markdown: str, deferred: Deferred) -> str:
    """A page shown in another language than the reader's gets a notice in the reader's
    language and its text marked with the language it is really in; an outdated
    translation gets a notice too. Both link to the original."""
    ui, default = content.ui, content.site.default_language
    source_url = page_url.removeprefix(f"{build_lang}/") if build_lang != default else page_url
    original = (f'<a href="{relative_url(page_url, source_url)}" hreflang="{default}">'
                f'{ui.get("fallback_link", build_lang)}</a>')
    if file_lang != build_lang:
        notice = deferred.html(f'<p class="kb-notice kb-fallback">{ui.get("fallback_notice", build_lang)} '
                               f"{original}</p>", block=True)
        return f'{notice}\n\n<div lang="{file_lang}" markdown>\n\n{markdown}\n\n</div>\n'
    page = content.page(key, build_lang)
    if page is not None and translations.is_outdated(content, page):
        notice = deferred.html(f'<p class="kb-notice kb-outdated">{ui.get("outdated_notice", build_lang)} '
                               f"{original}</p>", block=True)
        return f"{notice}\n\n{markdown}"
    return markdown


def abbreviations(content: Content, lang: str, markdown: str) -> str:
    """Markdown abbreviation definitions (*[TUT]: …) so every page explains them on hover:
    only those the page uses, since each definition costs the Markdown parser time on
    every page of a site with thousands of them."""
    if content.glossary is None:
        return ""
    lines = [f"*[{t.abbreviation}]: {text.collapse(t.entry(lang).term)}" for t in content.glossary.terms
             if t.abbreviation_in(markdown)]
    return "\n\n" + "\n".join(lines) + "\n" if lines else ""
