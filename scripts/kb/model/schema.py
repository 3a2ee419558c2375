"""The content model: page types and taxonomy as typed models.

The JSON Schemas in schemas/ are exported from these classes (`kb schema --write`),
so editors and the checks agree by construction.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kb.model import text, urls
from kb.model.dates import parse_iso_date


def _plain_text(value: str) -> str:
    """Front matter and data reach pages and templates as one line of text (kb.model.text)."""
    return text.plain(value)


def _https_url(value: str) -> str:
    """An https:// address with a host, as a browser would read it (tabs, newlines and
    character references cannot disguise another scheme)."""
    cleaned = urls.as_browser_reads(value)
    if urls.scheme(cleaned) != "https" or not re.match(r"^https://[^/\s?#]+(?:[/?#]\S*)?$", cleaned, re.IGNORECASE):
        raise ValueError(f"'{value}' is not an https:// address: write the full address, starting with https://")
    return value


def _official_statute_text(value: str) -> str:
    """A statute links the Riksdag's consolidated text, the official one; an example address
    is allowed as a placeholder, and `kb check --release` lists it."""
    host = urls.host(value)
    if host not in urls.OFFICIAL_STATUTE_HOSTS and not urls.is_reserved(host):
        raise ValueError(f"'{value}' is not the official text: link the act on riksdagen.se (search for its SFS "
                         "number there); lagen.nu and other copies are not official sources")
    return value


IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_plain_text)]
#: A name a reader chooses or reads as a heading (a county, a region): plain text, no address.
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(text.label)]
#: Text where a link is a feature (a contact's note, a glossary definition): [words](https://…)
#: parsed into parts by kb.model.text, everything else plain.
LinkedText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(text.linked)]
HttpsUrl = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https://[^\s]+$"),
                     AfterValidator(_https_url)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Status = Literal["draft", "review", "vetted"]

#: Months between reviews, by page type, when a page sets no `review_in`. The one place.
REVIEW_MONTHS: dict[str, int] = {
    "page": 12,
    "guidance": 12,
    "legislation": 6,
    "method": 12,
    "focus_area": 12,
    "manual_step": 12,
    "checklist": 12,
    "glossary": 12,
    "exercise": 12,
}

#: Front-matter keys that hold taxonomy ids, and the taxonomy list each refers to.
TAXONOMY_FIELDS: dict[str, str] = {
    "focus_areas": "focus_areas",
    "target_groups": "target_groups",
    "exploitation_forms": "exploitation_forms",
    "actors": "actors",
    "regions": "regions",
    "focus_area": "focus_areas",
    "professions": "actors",  # an exercise's professions are actors of the taxonomy
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- taxonomy -------------------------------------------------------------------------


def _site_languages(info: ValidationInfo) -> tuple[str, ...]:
    """The languages of the site (mkdocs.yml), passed by the loader as validation context."""
    return tuple((info.context or {}).get("languages", ()))


def _require_languages(values: dict, info: ValidationInfo) -> str:
    """Every language of the site has a value; the default language, for get()."""
    languages = _site_languages(info)
    missing = [lang for lang in languages if lang not in values]
    if missing:
        raise PydanticCustomError("language_missing", "a text in {missing} is missing",
                                  {"lang": missing[0], "missing": ", ".join(missing)})
    return languages[0] if languages else next(iter(values), "")


class Labels(Strict):
    """A name in every language of the site (mkdocs.yml's i18n languages); a further
    language may add its own key."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    __pydantic_extra__: dict[str, Text] = Field(init=False)
    _default: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _every_language(self, info: ValidationInfo) -> Labels:
        for key in self.model_extra or {}:
            if not re.fullmatch(r"[a-z]{2,3}", key):
                raise ValueError(f"'{key}' is not a language code with a text: use a language code of the site "
                                 f"({', '.join(_site_languages(info))}) or another two-letter code "
                                 "(put values with commas in quotes)")
        self._default = _require_languages(self.model_extra or {}, info)
        return self

    def get(self, lang: str) -> str:
        extra = self.model_extra or {}
        return extra.get(lang) or extra.get(self._default, "")


class NameLabels(Labels):
    """Names in every language that carry no address (a picker hides where a choice leads)."""

    __pydantic_extra__: dict[str, Label] = Field(init=False)


class LinkedLabels(Labels):
    """Texts in every language that may hold [words](https://…) links (kb.model.text.parts)."""

    __pydantic_extra__: dict[str, LinkedText] = Field(init=False)


class Term(Strict):
    id: Id
    label: NameLabels


class FocusArea(Term):
    number: int = Field(ge=1, description="The number the national action plan gives the area")


class County(Term):
    confirmed: bool = Field(description="false while the county's region is inferred, not confirmed")
    towns: list[Label] = Field(default_factory=list,
                               description="towns in the county a reader may search for (its seat first)")


class Region(Term):
    counties: list[County] = Field(min_length=1)


class Role(Term):
    """A role pages and contacts name (owner, verified_by, contact_role ...), written there as
    its label in the default language: a reader sees the label in their own language."""


class Taxonomy(Strict):
    """data/taxonomy.yml: the ids pages refer to, each with Swedish and English labels."""

    focus_areas: list[FocusArea] = Field(min_length=1)
    target_groups: list[Term] = Field(min_length=1)
    exploitation_forms: list[Term] = Field(min_length=1)
    actors: list[Term] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)
    roles: list[Role] = Field(default_factory=list, description="roles named as owner, verified_by, contact_role")

    def ids(self, kind: str) -> list[str]:
        return [term.id for term in getattr(self, kind)]

    def role(self, name: str, lang: str) -> str:
        """A role as a reader of `lang` reads it: its label there when the name is a role's
        label in any language, else the name as written."""
        for role in self.roles:
            if name in (role.label.model_extra or {}).values():
                return role.label.get(lang)
        return name

    def label(self, kind: str, term_id: str, lang: str) -> str:
        for term in getattr(self, kind):
            if term.id == term_id:
                return term.label.get(lang)
        return term_id


class UiStrings(BaseModel):
    """data/ui.yml: every text the build adds to pages, by string id, in every language."""

    model_config = ConfigDict(extra="forbid")
    strings: dict[str, Labels]

    def get(self, key: str, lang: str, **values: object) -> str:
        """The text in lang, for HTML; {placeholders} are filled when values are given, else
        left for the browser. Markup in it is shown as text (kb check refuses it anyway)."""
        text = as_html_text(self.strings[key].get(lang))
        return text.format(**values) if values else text


def as_html_text(text: str) -> str:
    """Text that reaches HTML as it is: markup characters become entities. Only when there
    are any, so the output of text without them stays byte for byte the same."""
    return html.escape(text) if "<" in text or ">" in text or '"' in text or "&" in text else text


# --- glossary -------------------------------------------------------------------------


class GlossaryEntry(Strict):
    term: Text = Field(description="The term as written in this language")
    definition: LinkedText = Field(description="One or two plain sentences; a link as [words](https://…)")


class GlossaryTerm(Strict):
    """A term with its name and definition in every language of the site, keyed by language."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    __pydantic_extra__: dict[str, GlossaryEntry] = Field(init=False)
    _default: str = PrivateAttr(default="")
    id: Id
    abbreviation: Annotated[str, StringConstraints(pattern=r"^[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9./-]*$")] | None = Field(
        default=None, description="Explained on hover wherever it appears on the site"
    )

    @model_validator(mode="after")
    def _every_language(self, info: ValidationInfo) -> GlossaryTerm:
        self._default = _require_languages(self.model_extra or {}, info)
        return self

    def entry(self, lang: str) -> GlossaryEntry:
        extra = self.model_extra or {}
        return extra.get(lang) or extra[self._default]

    def abbreviation_in(self, text: str) -> bool:
        """Whether text uses the abbreviation as a word: a quick substring test first, since
        this runs for every term on every page."""
        return bool(self.abbreviation) and self.abbreviation in text and re.search(
            rf"(?<!\w){re.escape(self.abbreviation)}(?!\w)", text) is not None


class HouseTerm(Strict):
    """One concept's house term in one language, and the words it replaces."""

    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
    use: Text
    avoid: list[Text] = Field(min_length=1)
    unless: list[Text] = Field(default_factory=list, description="words that make a line an exception")


class Terminology(Strict):
    """data/terms.yml: the content brief's term table, checked on every page."""

    terms: list[HouseTerm] = Field(min_length=1)


class Glossary(Strict):
    """data/glossary.yml: terms with Swedish and English names, definitions and abbreviations."""

    terms: list[GlossaryTerm] = Field(min_length=1)


# --- the register of sources (data/sources.yml) ----------------------------------------

#: A register id: what pages write in [[source:ID]]; the header of data/sources.yml gives the convention.
SOURCE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _source_id(value: str) -> str:
    if not SOURCE_ID.fullmatch(value):
        raise ValueError(f"'{value}' is not an id of the register's form: lower-case letters a-z, digits and "
                         "single hyphens, e.g. brb-4-1a or osl-10-21 (see the top of data/sources.yml)")
    return value


def _no_markdown(value: str) -> str:
    """The register's texts are shown as written, never read as Markdown."""
    for mark in ("](", "[[", "`", "**"):
        if mark in value:
            raise ValueError(f"is plain text: remove '{mark}' (the site shows it as it is written, not as Markdown)")
    return value


PlainText = Annotated[Text, AfterValidator(_no_markdown)]


class PlainLabels(Labels):
    """A text in every language of the site, shown as written."""

    __pydantic_extra__: dict[str, PlainText] = Field(init=False)


class SourceEntry(Strict):
    """One passage the site relies on, cited on pages as [[source:ID]]."""

    id: Annotated[str, AfterValidator(_source_id)] = Field(description="What pages cite, e.g. brb-4-1a")
    issuer: PlainText = Field(description="Who issued the document, e.g. Sveriges riksdag")
    title: PlainLabels = Field(description="The document's title in each language")
    document: PlainText = Field(description="Its identifier, e.g. SFS 1962:700 or prop. 2017/18:123")
    locator: PlainLabels = Field(description="Where in the document, as exactly as the source allows, in each "
                                             "language, e.g. 4 kap. 1 a §")
    url: HttpsUrl = Field(description="The passage on an official host (official_hosts at the top of the file)")
    says: PlainLabels = Field(description="One sentence in our own words of what the passage says, in each "
                                          "language; never a quotation")
    read_on: IsoDate | None = Field(default=None, description="The date a person read the passage")
    confirmed: bool = Field(default=True, description="false when the passage itself could not be read")
    secondary_of: Annotated[str, AfterValidator(_source_id)] | None = Field(
        default=None, description="For a copy on another host: the id of the entry with the official text")

    @model_validator(mode="after")
    def _read_or_unconfirmed(self) -> SourceEntry:
        if self.read_on is None and self.confirmed:
            raise ValueError("'read_on' is missing: add the date (YYYY-MM-DD) a person read the passage, or "
                             "confirmed: false if it could not be read")
        return self


# --- pages ----------------------------------------------------------------------------


class Checked(Strict):
    """A claim that a person compared this with its source: the day, and the role of who did.
    A date alone would claim a check nobody answers for."""

    checked_on: IsoDate | None = Field(default=None, description="When a person compared it with the source")
    checked_by: Text | None = Field(default=None, description="The role of the person who did, e.g. Redaktionen")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Checked:
        if (self.checked_on is None) != (self.checked_by is None):
            raise ValueError("checked_on and checked_by go together: write the date only with the role of the "
                             "person who compared it with the official text that day, or leave both out")
        return self

    @property
    def checked(self) -> bool:
        return self.checked_on is not None


class Statute(Checked):
    """The provision a legislation summary is about, and whether a person has checked the
    summary against the official text (checked_on and checked_by, or neither)."""

    name: Text = Field(description="The act, e.g. Brottsbalken")
    sfs: Annotated[str, StringConstraints(pattern=r"^\d{4}:\d{1,4}$")] = Field(
        description="The act's SFS number, e.g. 1962:700"
    )
    chapter: int | None = Field(default=None, ge=1, description="Chapter (kapitel), if the act has chapters")
    section: Annotated[str, StringConstraints(pattern=r"^\d+( [a-z])?$")] = Field(
        description="Section (paragraf), e.g. 1 a"
    )
    url: Annotated[HttpsUrl, AfterValidator(_official_statute_text)] = Field(
        description="The official consolidated text on riksdagen.se"
    )


class PageBase(Strict):
    type: str
    title: Text
    summary: Text
    owner: Text = Field(description="The role responsible for the page, never a private person")
    status: Status
    last_reviewed_on: IsoDate
    review_in: int | None = Field(default=None, ge=1, le=36, description="Months until the next review")
    keywords: list[Text] = Field(default_factory=list, description="Extra words search should match")
    source_revision: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")] | None = Field(
        default=None, description="Translations only: the revision of the source page translated"
    )
    # Taxonomy ids (checked against data/taxonomy.yml by checks/taxonomy_refs.py).
    focus_areas: list[Text] = Field(default_factory=list)
    target_groups: list[Text] = Field(default_factory=list)
    exploitation_forms: list[Text] = Field(default_factory=list)
    actors: list[Text] = Field(default_factory=list)
    regions: list[Text] = Field(default_factory=list)
    generated: Literal["changes", "contacts", "counties", "exercises", "index", "methods",
                       "translations"] | None = Field(
        default=None, description="A listing the build appends to the page, made from data/"
    )

    @property
    def review_months(self) -> int:
        return self.review_in or REVIEW_MONTHS[self.type]


class PlainPage(PageBase):
    type: Literal["page"]


class GuidancePage(PageBase):
    type: Literal["guidance"]
    actors: list[Text] = Field(min_length=1, description="The professions the guidance is for")


class LegislationPage(PageBase):
    type: Literal["legislation"]
    statute: Statute = Field(description="the provision: name, sfs, chapter, section, url, and checked_on with "
                                         "checked_by once a person has compared the summary with the official text")


class FocusAreaPage(PageBase):
    type: Literal["focus_area"]
    focus_area: Text = Field(description="the id of the focus area the page describes")


class ManualStepPage(PageBase):
    type: Literal["manual_step"]
    step: int = Field(ge=1, le=6, description="the step's number in the manual, 1 to 6")


class ChecklistPage(PageBase):
    type: Literal["checklist"]
    target_groups: list[Text] = Field(min_length=1)
    exploitation_forms: list[Text] = Field(min_length=1)


class GlossaryPage(PageBase):
    type: Literal["glossary"]


class MethodPage(PageBase):
    type: Literal["method"]
    problem: Text = Field(description="The problem the method answers")
    author: Literal["region", "editors"] = Field(
        default="region", description="region: a region's own practice, tagged with its regions; editors: a general "
                                      "description by the editors, tagged with no region")
    focus_areas: list[Text] = Field(min_length=1)
    target_groups: list[Text] = Field(min_length=1)
    contact_role: Text = Field(description="Who to ask about the method (a role)")
    vetted_by: Text | None = Field(default=None, description="The role that vetted the method")
    vetted_on: IsoDate | None = Field(default=None, description="When the method was vetted")

    @model_validator(mode="after")
    def _regions_say_whose_practice(self) -> MethodPage:
        if self.author == "region" and not self.regions:
            raise ValueError("a region's method names its regions (regions: [syd]); a general description by the "
                             "editors says author: editors instead")
        if self.author == "editors" and self.regions:
            raise ValueError("a general description by the editors is no region's practice: leave out regions")
        return self


class ExercisePage(PageBase):
    """A case exercise (docs/ovningar/): an invented scenario in stages, each ending in a
    decision whose options carry feedback; its structure is kb.model.exercise's."""

    type: Literal["exercise"]
    audience: Text = Field(description="Who the exercise is written for, in one line")
    professions: list[Text] = Field(min_length=1, description="The professions (actor ids) it is for; their "
                                                              "guidance pages link it")
    focus_areas: list[Text] = Field(min_length=1)
    target_groups: list[Text] = Field(min_length=1)
    exploitation_forms: list[Text] = Field(min_length=1)
    manual_steps: list[Annotated[int, Field(ge=1, le=6)]] = Field(
        min_length=1, description="The steps of the manual (1 to 6) the exercise practises")
    minutes: int = Field(ge=5, le=240, description="About how long the exercise takes, in minutes")


PAGE_TYPES: dict[str, type[PageBase]] = {
    "page": PlainPage,
    "guidance": GuidancePage,
    "legislation": LegislationPage,
    "focus_area": FocusAreaPage,
    "manual_step": ManualStepPage,
    "checklist": ChecklistPage,
    "glossary": GlossaryPage,
    "method": MethodPage,
    "exercise": ExercisePage,
}
assert set(PAGE_TYPES) == set(REVIEW_MONTHS)

Page = Annotated[
    PlainPage
    | GuidancePage
    | LegislationPage
    | FocusAreaPage
    | ManualStepPage
    | ChecklistPage
    | GlossaryPage
    | MethodPage
    | ExercisePage,
    Field(discriminator="type"),
]


class PageFrontMatter(BaseModel):
    """Root model for the exported JSON Schema of a page's front matter."""

    page: Page


def json_schemas(languages: tuple[str, ...]) -> dict[str, dict]:
    """The schemas written to schemas/, by file name; labels and glossary entries are
    required in each of the site's `languages`."""
    page = PageFrontMatter.model_json_schema()["$defs"]
    page_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Kunskapsbanken page front matter",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in PAGE_TYPES.values()],
        "$defs": page,
    }
    taxonomy = Taxonomy.model_json_schema()
    taxonomy["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    glossary = Glossary.model_json_schema()
    glossary["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    for schema in (page_schema, taxonomy, glossary):
        definitions = schema["$defs"]
        for labels in ("Labels", "NameLabels", "LinkedLabels"):
            if labels in definitions:
                _per_language(definitions[labels], languages, {"minLength": 1, "type": "string"})
        if "GlossaryTerm" in definitions:
            _per_language(definitions["GlossaryTerm"], languages, {"$ref": "#/$defs/GlossaryEntry"})
    return {"page.schema.json": page_schema, "taxonomy.schema.json": taxonomy, "glossary.schema.json": glossary}


def _per_language(definition: dict, languages: tuple[str, ...], value: dict) -> None:
    properties = definition.setdefault("properties", {})
    for lang in languages:
        properties[lang] = dict(value, title=lang.capitalize())
    definition["required"] = [*definition.get("required", []), *languages]
