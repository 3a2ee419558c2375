"""Contacts as data: phone numbers and e-mail validated, displayed and linked one way everywhere.

A wrong number on this site can cost someone their chance of help, so every number is
parsed with `phonenumbers` (Swedish national display, E.164 in tel: links) and every
contact says when, and by which role, it was last verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import shortnumberinfo
from pydantic import AfterValidator, Field

from kb.model.schema import HttpsUrl, Id, IsoDate, Labels, LinkedLabels, Strict, Text
from kb.model.text import EMAIL

REGION = "SE"
DEFAULT_REVIEW_MONTHS = 6

#: The contact every overdue or unverified warning and every printed page tells readers to
#: call; kb.build.contact_cards looks it up by this id.
HELPLINE = "stodtelefonen"


@dataclass(frozen=True)
class Dialable:
    display: str  # as a Swedish reader expects it, e.g. 020-39 00 00 or 114 14
    href: str  # tel:+4620390000, or tel:112 for short numbers
    international: str = ""  # as dialled from abroad, e.g. +46 8 123 456 78; "" for a short number
    freephone: bool = False  # a Swedish freephone number (020 …): usually not reachable from abroad

    @property
    def from_abroad(self) -> bool:
        """Whether the number can be dialled from outside Sweden: not a short number (112,
        114 14), not a freephone number."""
        return bool(self.international) and not self.freephone


#: What a phone field may hold. phonenumbers reads letters as keypad digits and skips
#: much else, so "112 x SEC" or "112/x](https://…" would parse as a number while the text
#: shown beside it said something else.
PHONE_CHARACTERS = re.compile(r"^[0-9 ()+-]+$")


@lru_cache(maxsize=1024)
def parse_phone(value: str) -> Dialable:
    """A Swedish number or short number; ValueError with advice otherwise. Both the text
    shown and the tel: link come from the parsed digits. Remembered: every page's review
    notice and print line carry the helpline's number."""
    if not PHONE_CHARACTERS.match(value.strip()):
        raise ValueError(f"'{value}' holds more than a phone number: write only digits, spaces, hyphens, + and "
                         "parentheses, e.g. 020-39 00 00 or 114 14")
    try:
        number = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(f"'{value}' is not a phone number: write it as 020-39 00 00 or +46 20 39 00 00") from None
    if shortnumberinfo.is_valid_short_number_for_region(number, REGION) and not phonenumbers.is_valid_number(number):
        digits = str(number.national_number)
        typed = re.sub(r"\D", "", value)
        if typed != digits or not re.fullmatch(r"\d+( \d+)*", value.strip()):
            raise ValueError(f"'{value}' is a short number written with more than its digits: write it as it is "
                             f"dialled, e.g. {digits}")
        # The short number as typed, its groups kept (114 14): the same digits, only spaces between.
        return Dialable(" ".join(re.findall(r"\d+", value)), f"tel:{digits}")
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"'{value}' is not a valid phone number: check the digits and the area code")
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if number.country_code != 46:
        national = international
    freephone = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.TOLL_FREE
    return Dialable(national, "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                    international, freephone)


def _check_phone(value: str) -> str:
    parse_phone(value)
    return value


def _check_email(value: str) -> str:
    """A plain address: the mailto: link is built from it and nothing else, so characters a
    local part may legally hold (? & = %) cannot add a recipient to a report about a victim."""
    try:
        address = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not a valid e-mail address: {exc}") from None
    if not EMAIL.match(address):
        raise ValueError(f"'{value}' is not an address the site can link safely: use only letters, digits and . _ - "
                         "+ before the @, and a plain domain after it")
    return address


PhoneText = Annotated[str, AfterValidator(_check_phone)]
Email = Annotated[str, AfterValidator(_check_email)]


def _check_international(value: str) -> str:
    if not value.strip().startswith("+") or not parse_phone(value).international:
        raise ValueError(f"'{value}' is a number to dial from abroad: write it with the country code, "
                         "e.g. +46 20 39 00 00")
    return value


class FromAbroad(Strict):
    """How to reach a number that cannot be dialled from abroad as it is (a freephone number),
    written only where an official page gives it, and that page."""

    number: Annotated[str, AfterValidator(_check_international)] = Field(
        description="the number as dialled from abroad, e.g. +46 20 39 00 00")
    source: HttpsUrl = Field(description="the official page that gives this number for callers from abroad")


class Phone(Strict):
    number: PhoneText = Field(description="e.g. 020-39 00 00, or a short number such as 114 14")
    label: Labels | None = Field(default=None, description="what the number is for, if a contact has several")
    abroad: FromAbroad | None = Field(
        default=None, description="for a number not reachable from abroad: the route an official page gives")


class Contact(Strict):
    """An organisation or a role, never a private person without a role."""

    id: Id
    kind: Literal["emergency", "police", "helpline", "on_call", "regional"]
    name: Labels = Field(description="the role or service, e.g. Regionkoordinator, Region Syd")
    organisation: Labels | None = Field(default=None, description="the organisation behind it")
    region: Id | None = Field(default=None, description="the region id from data/taxonomy.yml, for regional contacts")
    counties: list[Id] = Field(default_factory=list, description="county ids, if the contact serves only some counties")
    phones: list[Phone] = Field(default_factory=list)
    email: Email | None = None
    web: HttpsUrl | None = None
    hours: Labels | None = Field(default=None, description="opening hours, in words")
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(
        default_factory=list, description="languages spoken, as ISO 639 codes (sv, en, ar …)")
    confirmed: bool = Field(description="false while any detail is still to be verified: the site says so")
    verified_on: IsoDate = Field(description="when the details were last checked")
    verified_by: Text = Field(description="the role that checked them")
    review_in: int = Field(default=DEFAULT_REVIEW_MONTHS, ge=1, le=24, description="months until the next check")
    notes: LinkedLabels | None = Field(default=None, description="a note; a link as [words](https://…)")


class Contacts(Strict):
    """data/contacts.yml."""

    contacts: list[Contact] = Field(min_length=1)

    def get(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)
