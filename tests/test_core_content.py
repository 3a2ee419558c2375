"""The knowledge a practitioner needs on day one exists, in Swedish and English."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT


def pages_of(content, page_type: str, lang: str):
    return [p for p in content.valid_pages() if p.meta.type == page_type and p.lang == lang]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_coverage_in_each_language(content, lang):
    taxonomy = yaml.safe_load((ROOT / "data" / "taxonomy.yml").read_text(encoding="utf-8"))
    areas = {p.meta.focus_area for p in pages_of(content, "focus_area", lang)}
    assert areas == {a["id"] for a in taxonomy["focus_areas"]}, "one page per focus area"
    assert sorted(p.meta.step for p in pages_of(content, "manual_step", lang)) == [1, 2, 3, 4, 5, 6]
    checklists = {(tuple(p.meta.target_groups), tuple(sorted(p.meta.exploitation_forms)))
                  for p in pages_of(content, "checklist", lang)}
    groups = {(g, "sexuell-exploatering" in f) for (gs, f) in checklists for g in gs}
    assert groups == {("vuxna", True), ("vuxna", False), ("barn", True), ("barn", False)}, "four checklists"
    assert len(pages_of(content, "legislation", lang)) >= 8
    professions = {a for p in pages_of(content, "guidance", lang) for a in p.meta.actors}
    assert {"socialtjansten", "polisen", "halso-och-sjukvard", "migrationsverket", "skola"} <= professions
    assert len(content.glossary.terms) >= 30
    assert all(term.entry(lang).term and term.entry(lang).definition for term in content.glossary.terms)


def test_every_page_has_an_english_counterpart(content):
    swedish = {p.key for p in content.pages if p.lang == "sv"}
    english = {p.key for p in content.pages if p.lang == "en"}
    assert swedish == english


def test_english_pages_are_written_in_english(content):
    """A rough but real guard against a Swedish text saved as the English page."""
    swedish_words = re.compile(r"\b(och|att|det|som|för|inte|är|med|på|du)\b", re.I)
    for page in content.pages:
        if page.lang != "en":
            continue
        words = re.findall(r"[A-Za-zÅÄÖåäö]+", page.body)
        share = len(swedish_words.findall(page.body)) / max(len(words), 1)
        assert share < 0.03, f"{page.rel} reads like Swedish ({share:.0%} common Swedish words)"


def test_every_page_marks_checklist_signs_as_not_decisive(content):
    for page in content.valid_pages():
        if page.meta.type == "checklist":
            text = page.body.lower()
            assert ("inget enskilt tecken" in text) or ("no single sign" in text), page.rel


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_legislation_pages_show_statute_and_whether_a_person_checked_it(content, built_site, prefix):
    """A check date only with the role that checked; otherwise the box says it is unchecked."""
    lang = "en" if prefix else "sv"
    for page in pages_of(content, "legislation", "sv"):
        statute = page.meta.statute
        html = (built_site / prefix / page.key.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        box = re.search(r'<dl class="kb-statute" lang="[a-z]+">(.*?)</dl>', html, re.S)
        assert box, f"no statute box on {prefix}{page.key} ({lang})"
        chapter = f"{statute.chapter} kap. " if statute.chapter else ""
        assert f"({statute.sfs}) {chapter}{statute.section} §" in box.group(1)
        if statute.checked:
            assert f"{statute.checked_on.isoformat()}, {'by' if prefix else 'av'} {statute.checked_by}" in box.group(1)
        else:
            assert ("not yet been checked" if prefix else "ännu inte kontrollerats") in box.group(1)
            assert re.search(r"\d{4}-\d{2}-\d{2}", box.group(1)) is None, "a date nobody checked"
        assert f'href="{statute.url}"' in box.group(1)


def test_abbreviations_are_explained_on_hover_site_wide(built_site, content):
    tut = next(t for t in content.glossary.terms if t.abbreviation == "TUT")
    pages = list(built_site.rglob("*.html"))
    swedish = [p for p in pages if not p.relative_to(built_site).as_posix().startswith("en/")]
    marked = [p for p in swedish if f'<abbr title="{tut.sv.term}">TUT</abbr>' in p.read_text(encoding="utf-8")]
    assert marked, "TUT is explained on hover on the Swedish pages that use it"


def test_glossary_page_lists_every_term_in_each_language(built_site, content):
    for prefix, lang in (("", "sv"), ("en/", "en")):
        html = (built_site / prefix / "ordlista" / "index.html").read_text(encoding="utf-8")
        for term in content.glossary.terms:
            assert f'id="{term.id}"' in html, f"{term.id} missing from the {lang} glossary"


#: Pages a practitioner needs on day one beyond the manual, checklists and professions, and
#: words each must say in each language (the fact that makes the page worth having).
DAY_ONE_PAGES = {
    "ansvar/anmalan-om-oro-for-barn.md": (["personlig", "socialnämnden", "10 kap. 28 §"],
                                          ["personal", "social welfare board", "Chapter 10, Section 28"]),
    "ansvar/sekretess-och-polisen.md": (["10 kap. 21 §", "10 kap. 23 §", "10 kap. 28 §", "samtycke", "anonymt"],
                                        ["Chapter 10, Section 21", "Chapter 10, Section 23",
                                         "Chapter 10, Section 28", "consent", "anonymous"]),
    "ansvar/brottsoffrets-rattigheter.md": (["målsägandebiträde", "tolk", "skadestånd"],
                                            ["counsel for the injured party", "interpret", "damages"]),
    "ansvar/barn.md": (["god man", "särskild företrädare", "ensamkommande", "artikel 13"],
                       ["god man", "special representative", "unaccompanied", "Article 13"]),
    "ansvar/tvingad-att-bega-brott.md": (["artikel 8", "2011/36/EU"], ["Article 8", "2011/36/EU"]),
    "kontakter/stod-och-civilsamhalle.md": (["Mikamottagningarna", "KAST", "Evonhuset",
                                             "Plattformen Civila Sverige mot människohandel"],
                                            ["Mikamottagningarna", "KAST", "Evonhuset",
                                             "Plattformen Civila Sverige mot människohandel"]),
    "sverige-i-korthet.md": (["NMT", "NSPM", "regionkoordinator", "020-39 00 00", "6 kap. 11 §"],
                             ["NMT", "NSPM", "regional coordinator", "020-39 00 00", "Chapter 6, Section 11"]),
}


@pytest.mark.parametrize("key", sorted(DAY_ONE_PAGES))
def test_day_one_page_exists_in_both_languages_in_the_navigation(content, built_site, key):
    for lang, prefix, words in (("sv", "", DAY_ONE_PAGES[key][0]), ("en", "en/", DAY_ONE_PAGES[key][1])):
        page = content.page(key, lang)
        assert page is not None and page.meta is not None and page.lang == lang, f"{key} has no valid {lang} page"
        html = (built_site / prefix / key.removesuffix(".md").removesuffix("index") / "index.html")
        text = re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8"))  # words, not markup (abbr, links)
        start = (built_site / prefix / "index.html").read_text(encoding="utf-8")
        target = key.removesuffix(".md").removesuffix("index")
        assert re.search(rf'<a href="{re.escape(target)}/?" class="md-nav__link', start), \
            f"{prefix}{key} is not in the navigation"
        for word in words:
            assert word in text, f"{prefix}{key} does not say '{word}'"


def test_accessibility_statement_has_every_part_digg_requires(built_site):
    """DIGG's list: body and service, compliance, known problems with reasons, method, the
    date of assessment and of last update, how to give feedback, the link to DIGG's form."""
    parts = {
        "": ["Kunskapsbanken", "delvis förenlig", "Innehåll som inte är tillgängligt", "självskattning",
             "Bedömningen gjordes den", "uppdaterades senast den", "https://www.digg.se/tdosanmalan", "mailto:"],
        "en/": ["Knowledge Bank", "partially compliant", "Content that is not accessible", "self-assessment",
                "The assessment was made on", "last updated on", "https://www.digg.se/tdosanmalan", "mailto:"],
    }
    for prefix, needed in parts.items():
        html = (built_site / prefix / "om" / "tillganglighet" / "index.html").read_text(encoding="utf-8")
        for part in needed:
            assert part in html, f"the {prefix or 'sv'} accessibility statement lacks '{part}'"
        known = re.search(r'id="kanda-brister".*?<ul>(.*?)</ul>', html, re.S)
        assert known and known.group(1).count("<li>") >= 3, "known problems are listed, not 'none'"
        assert "[[publisher:" not in html, "the publisher shortcode is replaced"


#: Sections where a wrong or missing sentence could put a person at risk: (page, section id,
#: words in Swedish, words in English).
SAFETY_SECTIONS = [
    ("yrken/halso-och-sjukvard.md", "sa-gor-du", ["1177", "BankID", "skyddat sökord", "säkert sätt att kontakta"],
     ["1177", "BankID", "protected keyword", "safe way to contact"]),
    ("yrken/skola-och-ideella.md", "sa-gor-du", ["ensamma", "professionell tolk", "Ring aldrig föräldrarna först"],
     ["alone together", "professional interpreter", "Never call the parents first"]),
    ("manual/steg-6-tryggt-atervandande.md", "barn", ["barnets bästa", "tar över"], ["best interests", "take over"]),
    ("yrken/polisen.md", "barn", ["12 § polislagen", "6 § LVU"], ["section 12 of the Police Act", "LVU"]),
    ("yrken/polisen.md", "sa-gor-du", ["förundersökningsledaren", "betänketid", "sex månader"],
     ["head of the preliminary investigation", "reflection period", "six months"]),
]


@pytest.mark.parametrize("key,section,sv_words,en_words", SAFETY_SECTIONS)
def test_safety_section_says_what_keeps_the_person_safe(built_site, key, section, sv_words, en_words):
    for prefix, words in (("", sv_words), ("en/", en_words)):
        html = (built_site / prefix / key.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        start = html.find(f'id="{section}"')
        assert start >= 0, f"{prefix}{key} has no section #{section}"
        following = html.find("<h2", start + 1)
        text = re.sub(r"<[^>]+>", "", html[start:following if following > 0 else None])
        text = re.sub(r"\s+", " ", text)
        for word in words:
            assert word in text, f"{prefix}{key}#{section} does not say '{word}'"
