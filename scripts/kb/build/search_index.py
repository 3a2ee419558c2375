"""One search index per language, written after the build.

static-i18n writes one search index holding every language. After the build, split_index
writes one index per language (Swedish at search/, English at en/search/), each with its
own single-language pipeline, and adds each page's front-matter keywords as boosted tags.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from kb.build import compat, facts
from kb.model.load import Content, built_url


def _keywords(content: Content, lang: str) -> dict[str, list[str]]:
    default = content.site.default_language
    found: dict[str, list[str]] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        shown = content.page(page.key, lang) or page
        if shown.meta is not None:
            found[built_url(page.key)] = list(shown.meta.keywords)
    return found


def _after_title_texts(content: Content, lang: str) -> dict[str, str]:
    """The text of each page's facts or statute box, by location: the build puts these
    blocks in after the theme has indexed the page, so the index gets their words here,
    at the end of the page's text (the result preview shows the page's own first words)."""
    default = content.site.default_language
    found: dict[str, str] = {}
    for page in content.valid_pages():
        if page.lang != default:
            continue
        block = facts.after_title(content, content.page(page.key, lang) or page, lang)
        if block:
            text = _TAG.sub("", _BREAK.sub(" ", block))
            found[built_url(page.key)] = html.escape(" ".join(html.unescape(text).split()), quote=False)
    return found


_BREAK = re.compile(r"<(?:br|/p|/div|/dt|/dd|/li)\b[^>]*>")  # where words of two lines would meet
_TAG = re.compile(r"<[^>]+>")


def _glossary_synonyms(content: Content, lang: str, text: str) -> list[str]:
    """Abbreviations for the terms a page spells out, and the terms for the abbreviations it
    uses, from data/glossary.yml: a search for "TUT" finds the page that says
    "tidsbegränsat uppehållstillstånd", and the reverse."""
    if content.glossary is None:
        return []
    lowered = text.casefold()
    found = []
    for term in content.glossary.terms:
        if not term.abbreviation:
            continue
        name = term.entry(lang).term
        if name.casefold() in lowered:
            found.append(term.abbreviation)
        elif term.abbreviation_in(text):
            found.append(name)
    return found


def split_index(site_dir: Path, content: Content, inline_script: bool = False) -> list[Path]:
    """Replace the combined index with one index per language; returns the files written."""
    combined_path = site_dir / compat.SEARCH_INDEX
    if not combined_path.is_file():
        return []
    combined = compat.read_search_index(combined_path)
    languages = content.site.languages

    def language_of(location: str) -> str:
        return next((x for x in languages[1:] if location == x or location.startswith((f"{x}/", f"{x}#"))),
                    languages[0])

    by_language: dict[str, list[dict]] = {lang: [] for lang in languages}
    for doc in combined["docs"]:
        by_language[language_of(doc["location"])].append(doc)
    if sum(1 for docs in by_language.values() if docs) < 2:
        return []  # not the combined index (an earlier build's, or already split)
    written = []
    for lang in languages:
        prefix = "" if lang == languages[0] else f"{lang}/"
        docs = [dict(doc, location=doc["location"].removeprefix(lang).removeprefix("/") if prefix else doc["location"])
                for doc in by_language[lang]]
        keywords = _keywords(content, lang)
        glossaries = {built_url(p.key) for p in content.valid_pages() if p.meta.type == "glossary"}
        after_title = _after_title_texts(content, lang)
        for doc in docs:
            if doc["location"] in after_title:
                doc["text"] += f" <p>{after_title[doc['location']]}</p>"
        page_text: dict[str, str] = {}
        for doc in docs:
            page = doc["location"].split("#", 1)[0]
            page_text[page] = page_text.get(page, "") + " " + doc["title"] + " " + doc["text"]
        for doc in docs:
            if "#" in doc["location"]:
                continue
            if keywords.get(doc["location"]):
                doc["tags"] = keywords[doc["location"]]
            if doc["location"] not in glossaries:  # synonyms count as text: found, not boosted
                synonyms = _glossary_synonyms(content, lang, page_text[doc["location"]])
                if synonyms:
                    doc["text"] += " " + " ".join(synonyms)
        written += compat.write_search_index(site_dir / prefix / compat.SEARCH_INDEX, combined["config"], docs, lang,
                                             inline_script)
    return written
