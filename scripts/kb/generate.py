"""Markdown the build adds to pages, made from the content model.

Listings link to source files (`../yrken/polisen.md`); MkDocs and static-i18n turn each
into the page in the reader's language, and the strict build checks every one.
"""

from __future__ import annotations

import html
import posixpath
import re

from . import dates, freshness, translations
from .build import include_drafts
from .checks.contacts import CONTACT_SHORTCODE
from .contacts import Contact, parse_phone
from .load import Content, PageFile, built_url
from .model import PAGE_TYPES

#: Where the generated contacts directory lives (the county lookup links into it).
CONTACTS_DIRECTORY = "kontakter/index.md"

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


def link(from_key: str, to_key: str) -> str:
    return posixpath.relpath(to_key, posixpath.dirname(from_key) or ".")


class Deferred:
    """Listings of other pages (the catalogue, a focus area's pages, the translations
    table) and the block under the title: HTML put into the built page after Markdown and
    the search index have seen it. Thousands of links need no Markdown parsing, search
    finds each page by itself rather than also in every listing that names it, and the
    theme's indexer does not parse the facts of every method (search.split_index adds
    their text itself)."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}

    def place(self, block: str) -> str:
        """The Markdown that marks where the block goes."""
        marker = f"<!-- kb-listing-{len(self.parts)} -->"
        self.parts[marker] = block
        return f"\n\n{marker}\n\n"

    def fill(self, page_html: str) -> str:
        for marker, block in self.parts.items():
            page_html = page_html.replace(marker, block, 1)
        return page_html


def focus_area_listing(content: Content, page: PageFile, lang: str, deferred: Deferred,
                       directory_urls: bool = True) -> str:
    """Every page tagged with this focus area, grouped by type, in the reader's language."""
    area = page.meta.focus_area
    ui, e = content.ui, html.escape
    groups: dict[str, list[tuple[str, str]]] = {}
    for other in content.valid_pages():
        if other.lang != content.site.default_language or other.key == page.key:
            continue
        meta = other.meta
        if area not in meta.focus_areas or meta.type == "focus_area" or not is_published(content, other):
            continue
        groups.setdefault(meta.type, []).append((page_title(content, other.key, lang),
                                                 url_of(page.key, other.key, directory_urls)))
    if not groups:
        return f"\n\n{ui.get('listing_empty', lang)}\n"
    out = ["", "", ui.get("listing_intro", lang)]
    for page_type in sorted(groups, key=lambda t: LISTING_ORDER.index(t) if t in LISTING_ORDER else 99):
        items = "".join(f'<li><a href="{target}">{e(title)}</a></li>'
                        for title, target in sorted(groups[page_type], key=lambda x: sort_key(x[0])))
        out += ["", f"**{ui.get('type_' + page_type, lang)}**", deferred.place(f"<ul>{items}</ul>")]
    return "\n".join(out) + "\n"


def is_published(content: Content, page: PageFile) -> bool:
    """Drafts are left out of listings in a production build (see build.include_drafts)."""
    return include_drafts() or page.meta.status != "draft"


def glossary_listing(content: Content, lang: str) -> str:
    """The glossary as a definition list, sorted by term in the reader's language."""
    if content.glossary is None:
        return ""
    other = next((code for code in content.site.languages if code != lang), None)
    lines = [""]
    for term in sorted(content.glossary.terms, key=lambda t: sort_key(t.entry(lang).term)):
        entry = term.entry(lang)
        abbreviation = f" ({term.abbreviation})" if term.abbreviation else ""
        lines += ["", f"{entry.term}{abbreviation} {{#{term.id}}}", f":   {entry.definition}"]
        if other and term.entry(other).term != entry.term:
            lines += ["", f"    *{content.ui.get('glossary_other_language', lang)}: {term.entry(other).term}*"]
    return "\n".join(lines) + "\n"


def abbreviations(content: Content, lang: str, markdown: str) -> str:
    """Markdown abbreviation definitions (*[TUT]: …) so every page explains them on hover:
    only those the page uses, since each definition costs the Markdown parser time on
    every page of a site with thousands of them."""
    if content.glossary is None:
        return ""
    lines = [f"*[{t.abbreviation}]: {t.entry(lang).term}" for t in content.glossary.terms
             if t.abbreviation_in(markdown)]
    return "\n\n" + "\n".join(lines) + "\n" if lines else ""


def statute_box(content: Content, page: PageFile, lang: str) -> str:
    """The provision, its SFS number, the official text and the date checked, on every legislation page."""
    statute, ui, e = page.meta.statute, content.ui, html.escape
    chapter = f"{statute.chapter} kap. " if statute.chapter else ""
    cite = f"{statute.name} ({statute.sfs}) {chapter}{statute.section} §"
    rows = [(ui.get("statute_provision", lang), e(cite)),
            (ui.get("statute_official_text", lang), f'<a href="{e(statute.url)}">{e(statute.url)}</a>'),
            (ui.get("statute_checked", lang), statute.checked_on.isoformat())]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="kb-statute" lang="{lang}">{items}</dl>\n'


_FIRST_HEADING_END = re.compile(r"</h1>")


def insert_after_title(page_html: str, block: str) -> str:
    """Put a block of HTML right under the page's first-level heading (or first, if it has
    none). Done on the built HTML, after Markdown: raw HTML inside Markdown is the slowest
    thing the parser does, and these blocks sit on every method and legislation page."""
    if not block:
        return page_html
    match = _FIRST_HEADING_END.search(page_html)
    if not match:
        return block + page_html
    return page_html[: match.end()] + "\n" + block + page_html[match.end():]


def page_additions(content: Content, page: PageFile | None, lang: str, deferred: Deferred,
                   directory_urls: bool = True) -> str:
    """Everything the build appends to one page's Markdown (listings through `deferred`)."""
    extra = ""
    if page is not None and page.meta is not None:
        if page.meta.type == "focus_area":
            extra += focus_area_listing(content, page, lang, deferred, directory_urls)
        elif page.meta.type == "glossary":
            extra += glossary_listing(content, lang)
        if page.meta.generated == "contacts":
            extra += contacts_directory(content, lang)
        elif page.meta.generated == "counties":
            extra += county_lookup(content, page, CONTACTS_DIRECTORY, lang)
        elif page.meta.generated == "methods":
            extra += method_catalogue(content, page, lang, deferred, directory_urls)
        elif page.meta.generated == "translations":
            extra += translation_status(content, lang, deferred)
    return extra


assert set(LISTING_ORDER) | {"focus_area", "glossary"} == set(PAGE_TYPES)


# --- contacts ---------------------------------------------------------------------------

HELPLINE = "stodtelefonen"  # the safe fallback every warning points to


def _helpline(content: Content, lang: str) -> dict[str, str]:
    """The helpline's name and number in lang, worked out once per build and language."""
    cache = content.__dict__.setdefault("_helpline_cache", {})
    if lang not in cache:
        helpline = content.contacts.get(HELPLINE)
        cache[lang] = {"helpline": helpline.name.get(lang), "phone": parse_phone(helpline.phones[0].number).display}
    return cache[lang]


def print_helpline(content: Content, lang: str) -> str:
    """The line every printed page carries: whom to call, from the contacts data."""
    helpline = content.contacts.get(HELPLINE)
    hours = helpline.hours.get(lang) if helpline.hours else ""
    return content.ui.get("print_helpline", lang, hours=hours, **_helpline(content, lang))


def contact_card(content: Content, contact: Contact, lang: str) -> str:
    """One contact as an HTML block: what to call, when, and when it was last verified.

    data-review-by lets the browser show the overdue warning on an old build too.
    """
    ui, e = content.ui, html.escape
    due, now = freshness.state(contact.verified_on, contact.review_in, dates.build_today(), contact.confirmed)
    rows = []
    for phone in contact.phones:
        dial = parse_phone(phone.number)
        label = f" ({e(phone.label.get(lang))})" if phone.label else ""
        rows.append((ui.get("contact_phone", lang), f'<a href="{dial.href}">{e(dial.display)}</a>{label}'))
    if contact.email:
        rows.append((ui.get("contact_email", lang), f'<a href="mailto:{e(contact.email)}">{e(contact.email)}</a>'))
    if contact.web:
        rows.append((ui.get("contact_web", lang), f'<a href="{e(contact.web)}">{e(contact.web)}</a>'))
    if contact.hours:
        rows.append((ui.get("contact_hours", lang), e(contact.hours.get(lang))))
    if contact.languages:
        rows.append((ui.get("contact_languages", lang), e(", ".join(contact.languages))))
    parts = [f'<div class="kb-contact" id="kontakt-{contact.id}" data-review-by="{due.isoformat()}">',
             f'<p class="kb-contact__name"><strong>{e(contact.name.get(lang))}</strong></p>']
    if contact.organisation:
        parts.append(f"<p>{e(contact.organisation.get(lang))}</p>")
    if rows:
        parts.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    if contact.notes:
        parts.append(f"<p>{e(contact.notes.get(lang))}</p>")
    helpline = {k: e(v) for k, v in _helpline(content, lang).items()}
    if now == "unverified":
        parts.append(f'<p class="kb-unverified"><strong>{ui.get("contact_unverified", lang, **helpline)}</strong></p>')
    hidden = "" if now == "overdue" else " hidden"
    parts.append(f'<p class="kb-overdue"{hidden}><strong>'
                 f'{ui.get("contact_overdue", lang, date=due.isoformat(), **helpline)}</strong></p>')
    role = e(contact.verified_by)
    verified = ui.get("contact_verified", lang, date=contact.verified_on.isoformat(), role=role)
    parts.append(f'<p class="kb-verified"><small>{verified}</small></p>')
    parts.append("</div>")
    return "\n".join(parts)


def contacts_directory(content: Content, lang: str) -> str:
    ui, taxonomy = content.ui, content.taxonomy
    out = ["", f"## {ui.get('contacts_national', lang)} {{#nationellt}}", ""]
    out += [contact_card(content, c, lang) + "\n" for c in content.contacts.contacts if c.kind != "regional"]
    out += ["", f"## {ui.get('contacts_regional', lang)} {{#regioner}}", ""]
    for region in taxonomy.regions:
        out += ["", f"### {region.label.get(lang)} {{#region-{region.id}}}", ""]
        counties = ", ".join(_county_name(ui, c, lang) for c in region.counties)
        out += [f"{ui.get('contacts_counties', lang)} {counties}", ""]
        out += [contact_card(content, c, lang) + "\n" for c in content.contacts.contacts if c.region == region.id]
    return "\n".join(out) + "\n"


def _county_name(ui, county, lang: str) -> str:
    name = county.label.get(lang)
    return name if county.confirmed else f"{name} ({ui.get('county_unconfirmed', lang)})"


def county_lookup(content: Content, page: PageFile, directory_key: str, lang: str) -> str:
    """Which region is my county in? A table that needs no JavaScript."""
    ui = content.ui
    target = link(page.key, directory_key)
    rows = []
    for region in content.taxonomy.regions:
        for county in region.counties:
            rows.append((county.label.get(lang), _county_name(ui, county, lang), region.label.get(lang), region.id))
    rows.sort(key=lambda r: sort_key(r[0]))
    headers = [ui.get(key, lang) for key in ("lookup_county", "lookup_region", "lookup_contact")]
    out = ["", "", "| " + " | ".join(headers) + " |", "| --- | --- | --- |"]
    for _, shown, region_name, region_id in rows:
        out.append(f"| {shown} | {region_name} | [{region_name}]({target}#region-{region_id}) |")
    return "\n".join(out) + "\n"


def expand_contact_shortcodes(content: Content, markdown: str, lang: str) -> str:
    """[[contact:id]] on a page becomes that contact's card."""
    def card(match: re.Match) -> str:
        contact = content.contacts.get(match.group(1).strip()) if content.contacts else None
        return contact_card(content, contact, lang) if contact else match.group(0)

    return CONTACT_SHORTCODE.sub(card, markdown)


def review_notice(content: Content, page: PageFile, lang: str) -> dict[str, object]:
    """What the review partial shows: reviewed when and by whom, and the overdue warning."""
    meta = page.meta
    due, now = freshness.state(meta.last_reviewed_on, meta.review_months, dates.build_today())
    helpline = _helpline(content, lang)
    return {
        "due": due.isoformat(),
        "overdue": now == "overdue",
        "text": content.ui.get("page_reviewed", lang, date=meta.last_reviewed_on.isoformat(), owner=meta.owner,
                               due=due.isoformat()),
        "overdue_text": content.ui.get("page_overdue", lang, due=due.isoformat(), **helpline),
        "status_text": content.ui.get("status_" + meta.status, lang) if meta.status != "vetted" else "",
    }


# --- methods ----------------------------------------------------------------------------

FOCUS_AREA_PAGES = "insatsomraden/{id}.md"
FILTERS = (("focus_areas", "method_focus_areas", "focus_areas"), ("regions", "method_regions", "regions"),
           ("target_groups", "method_target_groups", "target_groups"),
           ("exploitation_forms", "method_forms", "exploitation_forms"))


def url_of(from_key: str, to_key: str, directory_urls: bool = True) -> str:
    """The relative URL from one page (by key) to another, as MkDocs writes them."""
    return relative_url(built_url(from_key, directory_urls), built_url(to_key, directory_urls))


def methods(content: Content) -> list[PageFile]:
    """Published method pages (default-language sources), by title."""
    found = [p for p in content.valid_pages()
             if p.meta.type == "method" and p.lang == content.site.default_language and is_published(content, p)]
    return sorted(found, key=lambda p: sort_key(p.meta.title))


def method_catalogue(content: Content, page: PageFile, lang: str, deferred: Deferred,
                     directory_urls: bool = True) -> str:
    """Methods grouped by focus area: plain lists that work without JavaScript, with
    filters that assets/kb.js reveals and drives when scripts run."""
    ui, taxonomy, e = content.ui, content.taxonomy, html.escape
    found = methods(content)
    if not found:
        return f"\n\n{ui.get('catalogue_empty', lang)}\n"
    total = len(found)
    out = ["", "", f'<div class="kb-filters" hidden data-count="{e(ui.get("catalogue_count", lang))}" '
                   f'data-total="{total}">', f'<p><strong>{ui.get("catalogue_filters", lang)}</strong></p>']
    for field, label_key, kind in FILTERS:
        used = {value for p in found for value in getattr(p.meta, field)}
        options = "".join(f'<option value="{t.id}">{e(t.label.get(lang))}</option>'
                          for t in getattr(taxonomy, kind) if t.id in used)
        out.append(f'<label>{ui.get(label_key, lang)} <select data-filter="{field}">'
                   f'<option value="">{ui.get("catalogue_all", lang)}</option>{options}</select></label>')
    out += ['<p class="kb-filter-count" role="status" aria-live="polite"></p>', "</div>", ""]
    for area in taxonomy.focus_areas:
        members = [p for p in found if area.id in p.meta.focus_areas]
        if not members:
            continue
        out += ["", f"## {area.number}. {area.label.get(lang)} {{#omrade-{area.id}}}"]
        items = []
        for method in members:
            meta = method.meta
            attributes = " ".join(f'data-{field.replace("_", "-")}="{" ".join(getattr(meta, field))}"'
                                  for field, _, _ in FILTERS)
            title = page_title(content, method.key, lang)
            source = content.page(method.key, lang) or method
            regions = ", ".join(taxonomy.label("regions", r, lang) for r in meta.regions)
            href = url_of(page.key, method.key, directory_urls)
            items.append(f'<li {attributes}><a href="{href}">{e(title)}</a>: '
                         f"{e(source.meta.summary)} <small>({e(regions)})</small></li>")
        out.append(deferred.place('<ul class="kb-methods">' + "\n".join(items) + "</ul>"))
    return "\n".join(out) + "\n"


def after_title(content: Content, page: PageFile | None, lang: str, directory_urls: bool = True) -> str:
    """The block under a page's title: a legislation page's statute box, a method's facts."""
    if page is None or page.meta is None:
        return ""
    if page.meta.type == "legislation":
        return statute_box(content, page, lang)
    if page.meta.type == "method":
        return method_facts(content, page, lang, directory_urls)
    return ""


def method_facts(content: Content, page: PageFile, lang: str, directory_urls: bool = True) -> str:
    """Who the method is for, where it is used, whom to ask, and whether it is vetted.
    HTML for insert_after_title."""
    meta, ui, taxonomy, e = page.meta, content.ui, content.taxonomy, html.escape

    def labels(kind: str, ids: list[str]) -> str:
        return e(", ".join(taxonomy.label(kind, i, lang) for i in ids) or "–")

    areas = ", ".join(f'<a href="{url_of(page.key, FOCUS_AREA_PAGES.format(id=a), directory_urls)}">'
                      f"{e(taxonomy.label('focus_areas', a, lang))}</a>" for a in meta.focus_areas)
    if meta.status == "vetted" and meta.vetted_by and meta.vetted_on:
        vetted = ui.get("method_vetted", lang, role=e(meta.vetted_by), date=meta.vetted_on.isoformat())
    else:
        vetted = ui.get("method_not_vetted", lang)
    rows = [
        (ui.get("method_focus_areas", lang), areas),
        (ui.get("method_regions", lang), labels("regions", meta.regions)),
        (ui.get("method_target_groups", lang), labels("target_groups", meta.target_groups)),
        (ui.get("method_forms", lang), labels("exploitation_forms", meta.exploitation_forms)),
        (ui.get("method_actors", lang), labels("actors", meta.actors)),
        (ui.get("method_contact", lang), e(meta.contact_role)),
    ]
    lines = "<br>\n".join(f"<strong>{label}:</strong> {value}" for label, value in rows)
    # lang: on a page not yet translated, the facts (in the reader's language) sit inside
    # the text marked as Swedish, and screen readers would read them with Swedish sounds.
    return f'<div class="kb-facts" lang="{lang}">\n<p>{lines}<br>\n<em>{vetted}</em></p>\n</div>\n'


# --- translations -----------------------------------------------------------------------


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


def translation_notices(content: Content, key: str, build_lang: str, file_lang: str, page_url: str,
                        markdown: str) -> str:
    """A page shown in another language than the reader's gets a notice in the reader's
    language and its text marked with the language it is really in; an outdated
    translation gets a notice too. Both link to the original."""
    ui, default = content.ui, content.site.default_language
    source_url = page_url.removeprefix(f"{build_lang}/") if build_lang != default else page_url
    original = (f'<a href="{relative_url(page_url, source_url)}" hreflang="{default}">'
                f'{ui.get("fallback_link", build_lang)}</a>')
    if file_lang != build_lang:
        notice = f'<p class="kb-notice kb-fallback">{ui.get("fallback_notice", build_lang)} {original}</p>'
        return f'{notice}\n\n<div lang="{file_lang}" markdown>\n\n{markdown}\n\n</div>\n'
    page = content.page(key, build_lang)
    if page is not None and translations.is_outdated(content, page):
        notice = f'<p class="kb-notice kb-outdated">{ui.get("outdated_notice", build_lang)} {original}</p>'
        return f"{notice}\n\n{markdown}"
    return markdown


def translation_status(content: Content, lang: str, deferred: Deferred) -> str:
    """The maintainers' table: every page that is not translated, per language."""
    ui, e = content.ui, html.escape
    found = translations.statuses(content)
    counts = {state: sum(1 for s in found if s.state == state) for state in translations.STATES}
    out = ["", "", ui.get("translations_summary", lang, **counts), ""]
    pending = [s for s in found if s.state != "translated"]
    if pending:
        head = "".join(f"<th>{ui.get(key, lang)}</th>"
                       for key in ("translations_page", "translations_language", "translations_state"))
        rows = "".join(f"<tr><td><code>{e(s.translation or s.source)}</code></td><td>{s.lang}</td>"
                       f"<td>{ui.get('state_' + s.state, lang)}</td></tr>" for s in pending)
        out.append(deferred.place(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{rows}</tbody>\n</table>"))
    return "\n".join(out) + "\n"


# --- built HTML -------------------------------------------------------------------------

_TASK_ITEM = re.compile(
    r'<li class="task-list-item">\s*<input type="checkbox" disabled(?:="disabled")?\s*/?>(.*?)</li>', re.S)


def label_task_lists(page_html: str) -> str:
    """Checklist items become tick boxes with their sign as the label, so screen readers
    name each box and a reader can tick them on screen before printing."""
    def labelled(match: re.Match) -> str:
        sign = match.group(1).strip()
        return (f'<li class="task-list-item"><label class="kb-check"><input type="checkbox"> '
                f'<span>{sign}</span></label></li>')

    return _TASK_ITEM.sub(labelled, page_html)


_EXTERNAL_LINK = re.compile(r'<a ((?:(?!rel=)[^>])*?)href="(https?://[^"]+)"((?:(?!rel=)[^>])*)>')


def mark_external_links(page_html: str) -> str:
    """Links to other sites carry rel="noopener noreferrer": the site they lead to learns
    nothing about the page the reader came from."""
    return _EXTERNAL_LINK.sub(lambda m: f'<a {m.group(1)}href="{m.group(2)}" rel="noopener noreferrer"{m.group(3)}>',
                              page_html)
