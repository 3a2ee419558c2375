"""Contacts fit the taxonomy, every region has its coordinator, the helpline the site's
warnings point to is there, and pages name only real contacts."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kb.checks.scope import Scope
from kb.model.contacts import HELPLINE
from kb.model.load import Content
from kb.model.problems import Problem

#: [[contact:id]]; the id stops at any bracket, so a line of unclosed shortcodes is read once.
CONTACT_SHORTCODE = re.compile(r"\[\[contact:([^\[\]]*)\]\]")

#: [[tel:id]]: the contact's first number as a link a phone can call, inside a sentence.
TEL_SHORTCODE = re.compile(r"\[\[tel:([^\[\]]*)\]\]")



def check(content: Content, scope: Scope) -> Iterator[Problem]:
    contacts, doc = content.contacts, content.contacts_doc
    if contacts is None:
        return
    path = content.rel("data/contacts.yml")
    regions = content.taxonomy.ids("regions") if content.taxonomy else []
    counties = [c.id for r in content.taxonomy.regions for c in r.counties] if content.taxonomy else []
    yield from _unique_ids(doc, path)
    yield from _helpline(contacts, doc, path, content)
    for contact in contacts.contacts:
        if contact.kind == "regional" and not contact.region:
            yield Problem(path, content.contact_line(contact.id),
                          f"regional contact '{contact.id}' needs 'region': one of {', '.join(regions)}")
        if contact.region and regions and contact.region not in regions:
            yield Problem(path, content.contact_line(contact.id, "region"),
                          f"unknown region '{contact.region}' in contact '{contact.id}': "
                          f"use one of {', '.join(regions)}")
        for position, county in enumerate(contact.counties):
            if counties and county not in counties:
                yield Problem(path, content.contact_line(contact.id, "counties", position),
                              f"unknown county '{county}' in contact '{contact.id}': use one of {', '.join(counties)}")
    covered = {c.region for c in contacts.contacts if c.kind == "regional"}
    for region in regions:
        if region not in covered:
            yield Problem(path, None, f"region '{region}' has no regional contact: add one (kind: regional)")
    # Unknown ids in the pages' [[contact:…]] and [[tel:…]]: kb.model.text_rules.


def _helpline(contacts, doc, path: str, content: Content) -> Iterator[Problem]:
    """The build writes the helpline's name and first number into warnings and printouts."""
    helpline = contacts.get(HELPLINE)
    if helpline is not None:
        if not helpline.phones:
            yield Problem(path, content.contact_line(HELPLINE),
                          f"the helpline '{HELPLINE}' needs a phone number (phones:): every overdue or "
                          "unverified warning on the site tells readers to call it")
        return
    raw = doc.data.get("contacts") if isinstance(doc.data, dict) else None
    items = raw if isinstance(raw, list) else []
    if any(isinstance(item, dict) and item.get("id") == HELPLINE for item in items):
        return  # there, with problems of its own, reported where they are
    others = [(index, item.get("id")) for index, item in enumerate(items)
              if isinstance(item, dict) and item.get("kind") == "helpline"]
    if others:
        index, other = others[0]
        yield Problem(path, doc.line_of(("contacts", index, "id")),
                      f"the helpline's id must stay '{HELPLINE}': every overdue or unverified warning and every "
                      f"printed page looks it up by that id; change '{other}' back to {HELPLINE}")
    else:
        yield Problem(path, doc.line_of(("contacts",)),
                      f"the helpline '{HELPLINE}' is missing: every overdue or unverified warning and every printed "
                      f"page tells readers to call it; add it back (id: {HELPLINE}, kind: helpline, with its phone "
                      "number)")


def _unique_ids(doc, path: str) -> Iterator[Problem]:
    raw = doc.data.get("contacts") if isinstance(doc.data, dict) else None
    first: dict[str, int] = {}
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        contact_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(contact_id, str):
            continue
        if contact_id in first:
            yield Problem(path, doc.line_of(("contacts", index, "id")),
                          f"the contact id '{contact_id}' is already used on line "
                          f"{doc.line_of(('contacts', first[contact_id], 'id'))}: ids must be unique")
        else:
            first[contact_id] = index
