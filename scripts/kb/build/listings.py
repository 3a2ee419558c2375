"""Listings the build adds to pages: a focus area's pages, the glossary, the method
catalogue and the translations table, in the reader's language.

Listings link to source files (`../yrken/polisen.md`) or to built URLs worked out here;
MkDocs and static-i18n turn each into the page in the reader's language, and the strict
build checks every one.
"""

from __future__ import annotations

import html
import posixpath
import secrets

from kb.model import text, translations
from kb.model.load import Content, PageFile, built_url

#: The order in which a focus area lists the pages tagged with it.
LISTING_ORDER = ("manual_step", "guidance", "checklist", "method", "legislation", "page")


def page_title(content: Content, key: str, lang: str) -> str | None:
    """The title a reader in lang sees: the translation's, else the source's."""
    for candidate in (content.page(key, lang), content.page(key, content.site.default_language)):
        if candidate and candidate.meta:
            return candidate.meta.title
    return None


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}"})


def sort_key(text: str) -> str:
    """Alphabetical order as Swedish readers expect it: ... x, y, z, å, ä, ö."""
    return text.casefold().translate(_SWEDISH_LAST)


def _words(ui_text: str) -> str:
    """A ui text (HTML-escaped by UiStrings.get) placed in Markdown, as text."""
    return text.markdown_text(html.unescape(ui_text))


def link(from_key: str, to_key: str) -> str:
    return posixpath.relpath(to_key, posixpath.dirname(from_key) or ".")


class Deferred:
    """HTML the build writes itself, kept out of the page's Markdown so that nothing in data/
    or front matter is read as markup, and out of the allowlist, which is for what
    contributors write. Two kinds, each put in at a marker:

    - html(): a contact card, a tel: link, the glossary: put in right after the allowlist has
      run, so the theme's search indexes it with the page;
    - place(): listings of other pages (the catalogue, a focus area's pages, the translations
      table) and the block under the title: put in after search has indexed the page, so
      thousands of links need no Markdown parsing, search finds each page by itself rather
      than in every listing that names it, and the theme's indexer does not parse the facts
      of every method (search_index.split_index adds their text itself).

    Each marker holds a random token made for this page's build: a page cannot write a
    marker of its own to have the build fill it somewhere else (inside a hidden element,
    say), and only the markers placed here are filled, each once."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.now: dict[str, str] = {}
        self.token = secrets.token_hex(12)

    def place(self, block: str) -> str:
        """The Markdown that marks where the block goes, after search has indexed the page."""
        marker = f"<!-- kb-listing-{self.token}-{len(self.parts)} -->"
        self.parts[marker] = block
        return f"\n\n{marker}\n\n"

    def html(self, fragment: str, block: bool = False) -> str:
        """The Markdown that marks where build-written HTML goes: in a line (a link, a name)
        or, with block=True, as a block of its own (a card, a table)."""
        marker = f"<!-- kb-html-{self.token}-{len(self.now)} -->"
        self.now[marker] = fragment
        return f"\n\n{marker}\n\n" if block else marker

    def fill_html(self, page_html: str) -> str:
        """The build's own HTML in place, once the allowlist has seen what the page wrote."""
        for marker, fragment in self.now.items():
            page_html = page_html.replace(marker, fragment, 1)
        return page_html

    def fill(self, page_html: str) -> str:
        for marker, block in self.parts.items():
            page_html = page_html.replace(marker, block, 1)
        return page_html


def focus_area_listing(content: Content, page: PageFile, lang: str, deferred: Deferred,
                       directory_urls: bool = True, include_drafts: bool = False) -> str:
    """Every page tagged with this focus area, grouped by type, in the reader's language."""
    area = page.meta.focus_area
    ui, e = content.ui, html.escape
    groups: dict[str, list[tuple[str, str]]] = {}
    for other in content.valid_pages():
        if other.lang != content.site.default_language or other.key == page.key:
            continue
        meta = other.meta
        if area not in meta.focus_areas or meta.type == "focus_area" or not is_published(other, include_drafts):
            continue
        groups.setdefault(meta.type, []).append((page_title(content, other.key, lang),
                                                 url_of(page.key, other.key, directory_urls)))
    if not groups:
        return f"\n\n{_words(ui.get('listing_empty', lang))}\n"
    out = ["", "", _words(ui.get("listing_intro", lang))]
    for page_type in sorted(groups, key=lambda t: LISTING_ORDER.index(t) if t in LISTING_ORDER else 99):
        pages = groups[page_type]
        if page_type == "method":
            from kb.build import catalogue  # it builds on this module

            link = catalogue.area_link(content, page.key, area, len(pages), lang, directory_urls, include_drafts)
            if link:  # the catalogue's pages list them: a page naming each would grow with the site
                out += ["", f"**{_words(ui.get('type_method', lang))}**", deferred.place(f"<p>{link}</p>")]
                continue
        items = "".join(f'<li><a href="{target}">{e(title)}</a></li>'
                        for title, target in sorted(pages, key=lambda x: sort_key(x[0])))
        out += ["", f"**{_words(ui.get('type_' + page_type, lang))}**", deferred.place(f"<ul>{items}</ul>")]
    return "\n".join(out) + "\n"


def is_published(page: PageFile, include_drafts: bool) -> bool:
    """Drafts are left out of listings in a production build; `make serve` shows them."""
    return include_drafts or page.meta.status != "draft"


def glossary_listing(content: Content, lang: str, deferred: Deferred) -> str:
    """The glossary as a definition list, sorted by term in the reader's language: HTML the
    build writes from data/glossary.yml, a definition's links made from their parsed parts."""
    if content.glossary is None:
        return ""
    e = html.escape
    other = next((code for code in content.site.languages if code != lang), None)
    items = []
    for term in sorted(content.glossary.terms, key=lambda t: sort_key(t.entry(lang).term)):
        entry = term.entry(lang)
        abbreviation = (f' (<abbr title="{e(text.collapse(entry.term))}">{e(term.abbreviation)}</abbr>)'
                        if term.abbreviation else "")
        items.append(f'<dt id="{e(term.id)}">{e(text.collapse(entry.term))}{abbreviation}</dt>')
        definition = f"<p>{text.as_html(entry.definition)}</p>"
        if other and term.entry(other).term != entry.term:
            definition += (f"\n<p><em>{content.ui.get('glossary_other_language', lang)}: "
                           f"{e(text.collapse(term.entry(other).term))}</em></p>")
        items.append(f"<dd>\n{definition}\n</dd>")
    return deferred.html("<dl>\n" + "\n".join(items) + "\n</dl>", block=True)




FOCUS_AREA_PAGES = "insatsomraden/{id}.md"


def url_of(from_key: str, to_key: str, directory_urls: bool = True) -> str:
    """The relative URL from one page (by key) to another, as MkDocs writes them."""
    return relative_url(built_url(from_key, directory_urls), built_url(to_key, directory_urls))


def methods(content: Content, include_drafts: bool = False) -> list[PageFile]:
    """Published method pages (default-language sources), by title. Sorted once per build:
    the catalogue's pages, the A–Ö page and each focus area's page ask."""
    known = content.__dict__.setdefault("_methods", {})
    stamp = (len(content.pages), include_drafts)
    if stamp not in known:
        found = [p for p in content.valid_pages() if p.meta.type == "method"
                 and p.lang == content.site.default_language and is_published(p, include_drafts)]
        known[stamp] = sorted(found, key=lambda p: sort_key(p.meta.title))
    return list(known[stamp])


def method_catalogue(content: Content, page: PageFile, lang: str, deferred: Deferred,
                     directory_urls: bool = True, include_drafts: bool = False) -> str:
    """The catalogue's start page (kb.build.catalogue), by the name search_index reads it."""
    from kb.build import catalogue  # it builds on this module

    return catalogue.start_markdown(content, page, lang, deferred, directory_urls, include_drafts)


def relative_url(from_url: str, to_url: str) -> str:
    """From one built page's URL to another's (both relative to the site root)."""
    if from_url and not from_url.endswith("/"):  # page.html (offline edition): relative to its folder
        return posixpath.relpath("/" + to_url, "/" + posixpath.dirname(from_url))
    here, there = from_url.strip("/").split("/"), to_url.strip("/").split("/")
    common = 0  # plain list work: this runs for every link on thousands of generated pages
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    steps = [".."] * len([p for p in here[common:] if p]) + [p for p in there[common:] if p]
    return "/".join(steps) + "/" if steps else "./"


def translation_status(content: Content, lang: str, deferred: Deferred) -> str:
    """The maintainers' table: every page that is not translated, per language."""
    ui, e = content.ui, html.escape
    found = translations.statuses(content)
    counts = {state: sum(1 for s in found if s.state == state) for state in translations.STATES}
    out = ["", "", _words(ui.get("translations_summary", lang, **counts)), ""]
    pending = [s for s in found if s.state != "translated"]
    if pending:
        head = "".join(f"<th>{ui.get(key, lang)}</th>"
                       for key in ("translations_page", "translations_language", "translations_state"))
        rows = "".join(f"<tr><td><code>{e(s.translation or s.source)}</code></td><td>{s.lang}</td>"
                       f"<td>{ui.get('state_' + s.state, lang)}</td></tr>" for s in pending)
        out.append(deferred.place(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{rows}</tbody>\n</table>"))
    return "\n".join(out) + "\n"
