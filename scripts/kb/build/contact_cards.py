"""Contacts on pages: cards, the contacts directory, the county table, [[contact:id]] and
[[tel:id]].

Every number is shown and linked one way (kb.model.contacts), and every card says when it
was verified and, through data-review-by, lets the reader's browser warn once it is due.
"""

from __future__ import annotations

import html
import re
from datetime import date

from kb.build.listings import Deferred, sort_key, url_of
from kb.checks.contact_refs import (  # HELPLINE: the fallback every warning names
    CONTACT_SHORTCODE,
    HELPLINE,
    TEL_SHORTCODE,
)
from kb.model import freshness, text
from kb.model.contacts import Contact, Phone, parse_phone
from kb.model.load import Content, PageFile

#: Where the generated contacts directory lives (the county lookup links into it).
CONTACTS_DIRECTORY = "kontakter/index.md"




def helpline_html(content: Content, lang: str) -> dict[str, str]:
    """The helpline's name and number for a sentence in HTML: the number a tel: link, as
    every number on the site is."""
    helpline = content.contacts.get(HELPLINE)
    return {"helpline": html.escape(helpline.name.get(lang)), "phone": reader_tel(content, helpline.phones[0], lang)}


def print_helpline(content: Content, lang: str) -> str:
    """The line every printed page carries, as HTML: whom to call, from the contacts data."""
    helpline = content.contacts.get(HELPLINE)
    hours = helpline.hours.get(lang) if helpline.hours else ""
    return content.ui.get("print_helpline", lang, hours=html.escape(hours), **helpline_html(content, lang))


def tel_link(dial) -> str:
    """A number as a link a phone can call: the text and the address both from its parsed digits."""
    return f'<a href="{html.escape(dial.href)}">{html.escape(dial.display)}</a>'


def reader_tel(content: Content, phone: Phone, lang: str, source: bool = False) -> str:
    """A number as the reader of `lang` dials it. In the default language (read in Sweden) as
    Swedes dial it. In another language (perhaps read abroad) in international form where it
    can be dialled from abroad; otherwise as it is, marked as a short or freephone number,
    with the route from abroad where an official page gives one (and, with source=True, a
    link to that page)."""
    dial = parse_phone(phone.number)
    if lang == content.site.default_language:
        return tel_link(dial)
    if dial.from_abroad:
        return f'<a href="{html.escape(dial.href)}">{html.escape(dial.international)}</a>'
    if phone.abroad:
        route = parse_phone(phone.abroad.number)
        shown = f'<a href="{html.escape(route.href)}">{html.escape(route.international)}</a>'
        note = content.ui.get("phone_abroad_route", lang, number=shown)
        if source:
            note += f' (<a href="{html.escape(phone.abroad.source)}">{content.ui.get("phone_abroad_source", lang)}</a>)'
    else:
        note = content.ui.get("phone_freephone", lang) if dial.freephone else content.ui.get("phone_short", lang)
    return f'{tel_link(dial)} <span class="kb-tel-abroad">({note})</span>'


def mail_link(address: str) -> str:
    """A mailto: link built from a plain address (kb.model.text.EMAIL) and nothing else;
    anything else is shown as text, not linked."""
    if not text.EMAIL.match(address):
        return html.escape(address)
    return f'<a href="mailto:{html.escape(address)}">{html.escape(address)}</a>'


def contact_card(content: Content, contact: Contact, lang: str, today: date) -> str:
    """One contact as an HTML block: what to call, when, and when it was last verified.

    data-review-by lets the browser show the overdue warning on an old build too.
    """
    ui, e = content.ui, html.escape
    due, now = freshness.state(contact.verified_on, contact.review_in, today, contact.confirmed)
    rows = []
    for phone in contact.phones:
        label = f" ({e(phone.label.get(lang))})" if phone.label else ""
        rows.append((ui.get("contact_phone", lang), f"{reader_tel(content, phone, lang, source=True)}{label}"))
    if contact.email:
        rows.append((ui.get("contact_email", lang), mail_link(contact.email)))
    if contact.web:
        rows.append((ui.get("contact_web", lang), f'<a href="{e(contact.web)}">{e(contact.web)}</a>'))
    if contact.hours:
        rows.append((ui.get("contact_hours", lang), e(contact.hours.get(lang))))
    if contact.languages:
        rows.append((ui.get("contact_languages", lang), e(", ".join(contact.languages))))
    parts = [f'<div class="kb-contact" id="kontakt-{e(contact.id)}" data-review-by="{due.isoformat()}">',
             f'<p class="kb-contact__name"><strong>{e(contact.name.get(lang))}</strong></p>']
    if contact.organisation:
        parts.append(f"<p>{e(contact.organisation.get(lang))}</p>")
    if rows:
        parts.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    if contact.notes:
        parts.append(f"<p>{text.as_html(contact.notes.get(lang))}</p>")
    helpline = helpline_html(content, lang)
    if now == "unverified":
        parts.append(f'<p class="kb-unverified"><strong>{ui.get("contact_unverified", lang, **helpline)}</strong></p>')
    hidden = "" if now == "overdue" else " hidden"
    parts.append(f'<p class="kb-overdue"{hidden}><strong>'
                 f'{ui.get("contact_overdue", lang, date=due.isoformat(), **helpline)}</strong></p>')
    if contact.confirmed:  # a contact still to be verified claims no check
        role = e(content.taxonomy.role(contact.verified_by, lang))
        verified = ui.get("contact_verified", lang, date=contact.verified_on.isoformat(), role=role)
        parts.append(f'<p class="kb-verified"><small>{verified}</small></p>')
    parts.append("</div>")
    return "\n".join(parts)


def contacts_directory(content: Content, lang: str, today: date, deferred: Deferred) -> str:
    """Every contact, national first, then each region with its counties. Headings stay
    Markdown (the page's table of contents), their words written as text."""
    ui, taxonomy, e = content.ui, content.taxonomy, html.escape
    out = ["", f"## {text.markdown_text(html.unescape(ui.get('contacts_national', lang)))} {{#nationellt}}", ""]
    out += [deferred.html(contact_card(content, c, lang, today), block=True)
            for c in content.contacts.contacts if c.kind != "regional"]
    out += ["", f"## {text.markdown_text(html.unescape(ui.get('contacts_regional', lang)))} {{#regioner}}", ""]
    for region in taxonomy.regions:
        out += ["", f"### {text.markdown_text(region.label.get(lang))} {{#region-{region.id}}}", ""]
        counties = ", ".join(e(_county_name(ui, c, lang)) for c in region.counties)
        out += [deferred.html(f"<p>{ui.get('contacts_counties', lang)} {counties}</p>", block=True)]
        out += [deferred.html(contact_card(content, c, lang, today), block=True)
                for c in content.contacts.contacts if c.region == region.id]
    return "\n".join(out) + "\n"


def _county_name(ui, county, lang: str) -> str:
    """A county's name as text, marked when its region is inferred."""
    name = county.label.get(lang)
    return name if county.confirmed else f"{name} ({html.unescape(ui.get('county_unconfirmed', lang))})"


def county_lookup(content: Content, page: PageFile, directory_key: str, lang: str, deferred: Deferred,
                  directory_urls: bool = True) -> str:
    """Which region is my county in? A table that needs no JavaScript, written as HTML from
    the taxonomy's labels (a label is never read as Markdown)."""
    ui, e = content.ui, html.escape
    target = url_of(page.key, directory_key, directory_urls)
    rows = []
    for region in content.taxonomy.regions:
        for county in region.counties:
            rows.append((county.label.get(lang), _county_name(ui, county, lang), region.label.get(lang), region.id))
    rows.sort(key=lambda r: sort_key(r[0]))
    head = "".join(f"<th>{ui.get(key, lang)}</th>" for key in ("lookup_county", "lookup_region", "lookup_contact"))
    body = "".join(f"<tr><td>{e(shown)}</td><td>{e(region_name)}</td>"
                   f'<td><a href="{e(target)}#region-{e(region_id)}">{e(region_name)}</a></td></tr>'
                   for _, shown, region_name, region_id in rows)
    return deferred.html(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>", block=True)


#: Where a page lists every county, each linking its region's contacts.
COUNTY_LINKS = "[[county-links]]"


def county_links(content: Content, page_key: str, lang: str, deferred: Deferred, directory_urls: bool = True) -> str:
    """Every county as a link to its region's coordinator: a county picker that needs no
    JavaScript (the start page), written as HTML from the taxonomy's labels."""
    e = html.escape
    target = url_of(page_key, CONTACTS_DIRECTORY, directory_urls)
    rows = sorted(((county.label.get(lang), region.id) for region in content.taxonomy.regions
                   for county in region.counties), key=lambda row: sort_key(row[0]))
    items = "".join(f'<li><a href="{e(target)}#region-{e(region_id)}">{e(name)}</a></li>' for name, region_id in rows)
    go = f'<span class="kb-county-go" hidden>{content.ui.get("county_go", lang)}</span>'
    return deferred.html(f"<ul>{items}</ul>\n<p>{go}</p>", block=True)


def expand_contact_shortcodes(content: Content, markdown: str, lang: str, today: date, deferred: Deferred) -> str:
    """[[contact:id]] on a page becomes that contact's card; [[tel:id]] its first number as a
    tel: link, so a reader on a phone can call it from the sentence. Both are HTML the build
    writes from the parsed number, never Markdown made of what data/contacts.yml says."""
    def card(match: re.Match) -> str:
        contact = content.contacts.get(match.group(1).strip()) if content.contacts else None
        return deferred.html(contact_card(content, contact, lang, today), block=True) if contact else match.group(0)

    def number(match: re.Match) -> str:
        contact = content.contacts.get(match.group(1).strip()) if content.contacts else None
        if contact is None or not contact.phones:
            return match.group(0)
        try:
            return deferred.html(reader_tel(content, contact.phones[0], lang))
        except ValueError:
            return match.group(0)  # kb check reports the number in data/contacts.yml

    if "[[" not in markdown:
        return markdown
    return TEL_SHORTCODE.sub(number, CONTACT_SHORTCODE.sub(card, markdown))


PUBLISHER_SHORTCODE = re.compile(r"\[\[publisher:(name|email)\]\]")


def expand_publisher(content: Content, markdown: str, lang: str, deferred: Deferred) -> str:
    """[[publisher:name]] and [[publisher:email]]: the publisher is declared once, in mkdocs.yml
    (its name, a role of data/taxonomy.yml, in the reader's language)."""
    if "[[publisher:" not in markdown:
        return markdown
    name, email, _ = content.site.publisher
    name = content.taxonomy.role(name, lang)
    return PUBLISHER_SHORTCODE.sub(lambda m: deferred.html(html.escape(name) if m.group(1) == "name"
                                                           else mail_link(email)), markdown)
