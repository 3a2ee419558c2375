"""The A–Ö index: every page of a language and the words search knows for it (titles,
front-matter keywords, glossary terms and abbreviations, regions, counties and towns),
alphabetically, one section per initial letter.

It is how a reader finds a page where search cannot run (no JavaScript): the search box's
form leads to it, and the header links it in place of the search button. The listing goes
into the page after search has indexed it (Deferred.place), so searching never lands here
instead of on the page a word belongs to.
"""

from __future__ import annotations

import html
import unicodedata

from kb.build import catalogue, contact_cards, listings
from kb.build.listings import Deferred, is_published, page_title, sort_key, url_of
from kb.model import text
from kb.model.load import Content, PageFile, built_url

#: A letter the index has a section for when no word starts with a letter (digits, signs).
OTHER = "#"
_IDS = str.maketrans({"å": "aa", "ä": "ae", "ö": "oe", "æ": "ae", "ø": "oe", "ü": "ue"})


def index_key(content: Content) -> str | None:
    """The page that holds the A–Ö index (generated: index), if the site has one."""
    page = content.generated("index")
    return page.key if page else None


def index_path(content: Content, lang: str, directory_urls: bool = True) -> str | None:
    """The A–Ö page's path from the site's root in a language ("register/", "en/register/")."""
    key = index_key(content)
    if key is None:
        return None
    return content.site.folder(lang) + built_url(key, directory_urls)


def letter(word: str) -> str:
    first = word[:1].upper()
    return first if first.isalpha() else OTHER


def letter_id(initial: str) -> str:
    """An ASCII id for a letter's section: az-a, az-aa (Å), az-oe (Ö), az-other."""
    if initial == OTHER:
        return "az-other"
    plain = unicodedata.normalize("NFKD", initial.lower().translate(_IDS)).encode("ascii", "ignore").decode()
    return f"az-{plain or 'x'}"


def words(content: Content, page: PageFile, lang: str, directory_urls: bool = True,
          include_drafts: bool = False) -> dict[str, tuple[str, dict[str, tuple[str, str]]]]:
    """Every word of the index: its key (case-folded) -> (the word as shown, {address:
    (page title, section)}), the section being the kind of page in the reader's language."""
    ui, default = content.ui, content.site.default_language
    found: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {}

    def add(word: str, href: str, title: str, section: str) -> None:
        word = " ".join(word.split())
        if not word:
            return
        shown, targets = found.setdefault(word.casefold(), (word, {}))
        targets.setdefault(href, (title, section))

    glossary_key = None
    # Beyond what the catalogue's start page lists itself, methods are found through it (as
    # "Metoder" here): a page that named every method would grow with the site.
    skip_methods = len(listings.methods(content, include_drafts)) > catalogue.START_LIMIT
    for other in content.valid_pages():
        if other.lang != default or other.key == page.key or not is_published(other, include_drafts):
            continue
        if skip_methods and other.meta.type == "method":
            continue
        shown = content.page(other.key, lang) or other
        title = page_title(content, other.key, lang)
        section = html.unescape(ui.get("type_" + other.meta.type, lang))
        href = url_of(page.key, other.key, directory_urls)
        add(title, href, title, section)
        for keyword in shown.meta.keywords:
            add(keyword, href, title, section)
        if other.meta.type == "glossary":
            glossary_key = other.key
    if content.glossary and glossary_key:
        title = page_title(content, glossary_key, lang)
        section = html.unescape(ui.get("type_glossary", lang))
        for term in content.glossary.terms:
            href = f"{url_of(page.key, glossary_key, directory_urls)}#{term.id}"
            add(text.collapse(term.entry(lang).term), href, title, section)
            if term.abbreviation:
                add(term.abbreviation, href, title, section)
    if content.taxonomy and content.contacts:
        contacts = contact_cards.CONTACTS_DIRECTORY
        title = page_title(content, contacts, lang) or ""
        for region in content.taxonomy.regions:
            href = f"{url_of(page.key, contacts, directory_urls)}#region-{region.id}"
            where = region.label.get(lang)
            for word in [where, *(c.label.get(lang) for c in region.counties),
                         *(town for c in region.counties for town in c.towns)]:
                add(word, href, f"{title}: {where}", title)
    return found


def listing(content: Content, page: PageFile, lang: str, deferred: Deferred, directory_urls: bool = True,
            include_drafts: bool = False) -> str:
    """The index as Markdown headings (one per letter, for the table of contents) with the
    build's own HTML under each, and a row of links to the letters at the top."""
    e = html.escape
    found = words(content, page, lang, directory_urls, include_drafts)
    by_letter: dict[str, list[tuple[str, dict[str, tuple[str, str]]]]] = {}
    for key in sorted(found, key=sort_key):
        shown, targets = found[key]
        by_letter.setdefault(letter(shown), []).append((shown, targets))
    letters = sorted(by_letter, key=lambda x: (x == OTHER, sort_key(x)))
    jump = "".join(f'<li><a href="#{letter_id(x)}">{e(x)}</a></li>' for x in letters)
    out = ["", "", deferred.html(f'<ul class="kb-az-letters">{jump}</ul>', block=True), ""]
    for initial in letters:
        out += ["", f"## {text.markdown_text(initial)} {{#{letter_id(initial)}}}"]
        items = []
        for shown, targets in by_letter[initial]:
            links = "; ".join(f'<a href="{e(href)}">{e(title)}</a> <small>({e(section)})</small>'
                              for href, (title, section) in sorted(targets.items(), key=lambda t: sort_key(t[1][0])))
            (title, section), = targets.values() if len(targets) == 1 else ((None, None),)
            if title == shown:  # a page under its own title
                items.append(f"<li>{links}</li>")
            else:
                items.append(f"<li><strong>{e(shown)}</strong>: {links}</li>")
        out.append(deferred.place('<ul class="kb-az">' + "\n".join(items) + "</ul>"))
    return "\n".join(out) + "\n"
