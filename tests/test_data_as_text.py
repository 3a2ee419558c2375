"""What data/ and front matter say reaches a page as text (issue 28).

Two defences, each tested alone: the model refuses markup in a data text at its line (the
corpus tests/fixtures/attack-corpus-data, whose expected.txt test_content_model compares
line for line), and the build writes every such text as escaped HTML of its own, so that
even a text the model never saw (built here with model_construct, as a build with the
checks skipped would meet it) is shown as harmless words.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import FIXTURES, ROOT, assert_clean_run, kb, make_site
from kb.build import changes, contact_cards, listings, notices, page_html
from kb.build.listings import Deferred
from kb.checks.html_safety import _renderer
from kb.model import text
from kb.model.contacts import parse_phone
from kb.model.site import GENERATED_PATHS, generated_path, load_site

CORPUS = FIXTURES / "attack-corpus-data"
HOSTILE_TITLE = 'Metod\n\n!!! danger "Stödtelefonen har nytt nummer"\n\n[Ring](https://evil.example) {: onclick="x" }'


def render(markdown: str) -> str:
    renderer = _renderer(ROOT)
    renderer.reset()
    return renderer.convert(markdown)


def test_every_attack_line_in_the_data_files_is_reported_at_its_line(tmp_path):
    project = make_site(tmp_path, docs=CORPUS / "docs", data=CORPUS / "data")
    result = kb("check", cwd=project)
    assert_clean_run(result)
    assert result.returncode == 1
    reported = {":".join(line.split(":")[:2]) for line in result.stdout.splitlines()[:-1]}
    attacks = {f"data/{path.name}:{number}" for path in sorted((CORPUS / "data").glob("*.yml"))
               for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
               if "# attack" in line}
    assert len(attacks) >= 12
    assert attacks <= reported, f"not reported: {sorted(attacks - reported)}"


@pytest.mark.parametrize(("typed", "shown", "href"), [("112", "112", "tel:112"), ("114 14", "114 14", "tel:11414"),
                                                      ("020-39 00 00", "020-39 00 00", "tel:+4620390000")])
def test_a_number_is_shown_and_dialled_from_its_digits(typed, shown, href):
    dial = parse_phone(typed)
    assert (dial.display, dial.href) == (shown, href)


@pytest.mark.parametrize("typed", ["112/x](https://evil.example) [", "114 14 ring hellre 070-174 06 05",
                                   "112 x SEC", "070 SEC 0605", "11(2)"])
def test_a_number_field_with_anything_but_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_phone(typed)


@pytest.mark.parametrize("value", ["Rad ett\nrad två", "Rubrik\u2028", "a\x1bb", "Rubrik &#x1b;", "&#0;", "&#27",
                                   "[Klicka](https://evil.example)", "![bild](x.png)", "Text {: onclick=x }",
                                   "Text {#id}", "<b>fet</b>"])
def test_plain_text_refuses_line_breaks_controls_and_markup(value):
    with pytest.raises(ValueError):
        text.plain(value)


def test_plain_text_keeps_ordinary_words():
    for value in ("Barn & unga: 18 år", "Skåne län", "A {placeholder} for the browser", "Ring 112 (akut)"):
        assert text.plain(value) == value


def test_a_note_s_link_is_parsed_into_parts_and_built_from_them():
    note = "Läs [mer här](https://example.org/a?b=1&c=2) eller skriv till [oss](mailto:info@example.org)."
    assert text.linked(note) == note
    built = text.as_html(note)
    assert built == ('Läs <a href="https://example.org/a?b=1&amp;c=2">mer här</a> eller skriv till '
                     '<a href="mailto:info@example.org">oss</a>.')
    for bad in ("[x](javascript:alert(1))", "[x](mailto:a@example.org?bcc=b@evil.example)", "[x](//evil.example)",
                "[x](data:text/html,hi)"):
        with pytest.raises(ValueError):
            text.linked(bad)
        assert "<a " not in text.as_html(bad), bad


def test_a_county_label_with_an_address_is_refused():
    for label in ("Skåne län](https://evil.example) [Skåne län", "Skåne län, se https://evil.example", "www.evil.se"):
        with pytest.raises(ValueError):
            text.label(label)


def test_markdown_text_is_read_as_words_not_markup():
    words = text.markdown_text(HOSTILE_TITLE)
    built = render(f"## {words} {{#rubrik}}\n\n- [{words}](x.md)")
    assert "admonition" not in built and "evil.example" in built and 'href="https://evil.example"' not in built
    assert "onclick" in built and " onclick=" not in built, "the attribute list is shown as text"
    assert '<h2 id="rubrik">' in built and built.count("<a ") == 2  # the permalink and the list's own link


def test_a_hostile_title_in_what_s_new_stays_one_harmless_line(content):
    page = content.page("index.md", "sv")
    method = next(p for p in content.valid_pages() if p.meta.type == "method")
    hostile = method.meta.model_copy(update={"title": HOSTILE_TITLE})
    change = changes.Change(method.__class__(method.path, method.rel, method.key, method.lang, meta=hostile),
                            added=True, when="2026-12-01T10:00:00+00:00")
    line = changes._line(content, page, change, "sv")
    assert "\n" not in line
    built = render(line)
    assert "admonition" not in built and 'href="https://evil.example"' not in built
    assert "Stödtelefonen har nytt nummer" in built


def test_county_picker_and_table_write_labels_as_text_and_link_only_their_region(content):
    skane = content.taxonomy.regions[6].counties[0]
    assert skane.id == "skane"
    object.__setattr__(skane.label, "__pydantic_extra__", {"sv": "Skåne län](https://evil.example) [Skåne län",
                                                           "en": "Skåne County"})
    try:
        page = content.page("index.md", "sv")
        deferred = Deferred()
        marker = contact_cards.county_links(content, page.key, "sv", deferred)
        lookup = contact_cards.county_lookup(content, content.page("kontakter/lan.md", "sv"),
                                             contact_cards.CONTACTS_DIRECTORY, "sv", deferred)
        built = deferred.fill_html(render(marker + lookup))
    finally:
        object.__setattr__(skane.label, "__pydantic_extra__", {"sv": "Skåne län", "en": "Skåne County"})
    hrefs = re.findall(r'href="([^"]*)"', built)
    assert hrefs and all(re.fullmatch(r"(kontakter/|\.\./)#region-[a-z]+", h) for h in hrefs), hrefs
    assert "Skåne län](https://evil.example) [Skåne län" in built.replace("&amp;", "&")


def test_a_glossary_term_with_line_breaks_posts_no_box(content):
    term = next(t for t in content.glossary.terms if t.abbreviation == "TUT")
    entry = term.entry("sv")
    saved = (entry.term, entry.definition)
    object.__setattr__(entry, "term", "Tidsbegränsat\n\n!!! danger \"Nytt nummer\"\n")
    object.__setattr__(entry, "definition", "Se [här](javascript:alert(1)) {: onmousedown=\"x\" } <img src=x>")
    try:
        deferred = Deferred()
        built = deferred.fill_html(render(listings.glossary_listing(content, "sv", deferred)
                                          + notices.abbreviations(content, "sv", "TUT gäller.")))
        hover = notices.abbreviations(content, "sv", "TUT gäller.")
    finally:
        object.__setattr__(entry, "term", saved[0])
        object.__setattr__(entry, "definition", saved[1])
    assert "admonition" not in built and "<img" not in built and "&lt;img src=x&gt;" in built
    assert 'href="javascript' not in built and "<a " not in built.split('id="tut"')[1].split("</dd>")[0]
    assert hover.strip().count("\n") == 0, "one abbreviation, one line"


def test_an_e_mail_address_that_could_add_recipients_is_not_linked():
    hostile = "?to=kontakt%40region.example&bcc=spy%40evil.example&x=@region.example"
    assert "href" not in contact_cards.mail_link(hostile)
    assert contact_cards.mail_link("info@region.example") == ('<a href="mailto:info@region.example">'
                                                             "info@region.example</a>")


def test_a_forged_marker_is_not_filled_and_the_real_one_is_filled_once():
    deferred = Deferred()
    real = deferred.place("<p>Metoden är ännu inte granskad</p>").strip()
    now = deferred.html("<b>kort</b>")
    page = f'<div hidden><!-- kb-listing-0 --></div>\n<h1>T</h1>\n{real}\n<p>{now}</p>\n{real}'
    filled = deferred.fill(deferred.fill_html(page))
    assert filled.startswith("<div hidden><!-- kb-listing-0 --></div>"), "a marker the page wrote stays inert"
    assert filled.count("Metoden är ännu inte granskad") == 1 and "<b>kort</b>" in filled
    assert filled.index("Metoden är ännu inte granskad") > filled.index("<h1>T</h1>"), "where the build placed it"


def test_the_block_under_the_title_is_not_put_inside_a_closed_details():
    page = "<details><summary>x</summary>\n<h1>T</h1>\n</details>\n<p>text</p>"
    assert page_html.insert_after_title(page, "<p>ruta</p>").startswith("<p>ruta</p>")
    assert page_html.insert_after_title("<h1>T</h1><p>a</p>", "<p>ruta</p>") == "<h1>T</h1>\n<p>ruta</p><p>a</p>"


def test_a_feed_shows_titles_and_summaries_as_written(content, tmp_path):
    method = changes.changes(content, "sv")[0].page  # the newest change: in the feed whatever else changed
    original = method.meta
    method.meta = original.model_copy(update={"title": "Barn & unga <i>", "summary": 'Säg "nej" & gå.\x1b'})
    try:
        feed = changes.atom(content, "sv", "https://example.org/")
    finally:
        method.meta = original
    entries = ET.fromstring(feed).findall("{http://www.w3.org/2005/Atom}entry")
    titles = [e.find("{http://www.w3.org/2005/Atom}title") for e in entries]
    mine = next(t for t in titles if t.text.startswith("Barn & unga"))
    assert mine.get("type") == "text" and mine.text.startswith("Barn & unga <i> (")
    summaries = [e.find("{http://www.w3.org/2005/Atom}summary") for e in entries]
    assert any(s.get("type") == "text" and s.text == 'Säg "nej" & gå.' for s in summaries)


@pytest.mark.parametrize(("path", "generated"), [
    ("assets/images/favicon.png", "assets/"), ("assets/images/favicon.sv.png", "assets/"), ("search", "search/"),
    ("feeds/sv.xml", "feeds/"), ("404.html", "404.html"), ("404.sv.html", "404.html"), ("sitemap.xml", "sitemap.xml"),
    (".well-known/security.txt", ".well-known/"), ("en/bild.png", "en/"), ("bilder/karta.png", None),
    ("metoder/assets.md", None), ("sitemap.md", None)])
def test_the_paths_the_build_writes_are_known(path, generated):
    assert generated_path(load_site(ROOT), path) == generated


def test_every_file_the_build_writes_is_a_page_a_docs_file_or_a_generated_path(built_site):
    """GENERATED_PATHS is the build's own list: anything else in the site comes from docs/."""
    site = load_site(ROOT)
    docs = {p.relative_to(site.docs_dir).as_posix() for p in site.docs_dir.rglob("*") if p.is_file()}
    stray = []
    for path in built_site.rglob("*"):
        relative = path.relative_to(built_site).as_posix()
        if path.is_dir() or relative.endswith("index.html") or relative in docs:
            continue
        inside = relative.split("/", 1)[1] if relative.split("/")[0] in site.languages[1:] else relative
        if not any(inside == g.rstrip("/") or (g.endswith("/") and inside.startswith(g)) for g in GENERATED_PATHS):
            stray.append(relative)
    assert stray == []


def test_every_external_link_on_the_site_is_one_the_content_model_holds(built_site, content):
    """No page links away from the site but to an address written in docs/, data/ or
    mkdocs.yml; and every tel: link's text is its number as the model formats it."""
    sources = "\n".join(p.read_text(encoding="utf-8") for folder in ("docs", "data")
                        for p in (ROOT / folder).rglob("*") if p.suffix in (".md", ".yml"))
    sources += (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    numbers = [parse_phone(number) for contact in content.contacts.contacts for phone in contact.phones
               for number in (phone.number, *([phone.abroad.number] if phone.abroad else []))]
    dialled = {(dial.href, shown) for dial in numbers for shown in (dial.display, dial.international) if shown}
    away, wrong_tel = set(), set()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*?href="((?:https?|mailto):[^"]*)"', html):
            bare = href.replace("&amp;", "&").removeprefix("mailto:")
            if bare.rstrip("/") not in sources and not bare.startswith("https://github.com/"):
                away.add((page.relative_to(built_site).as_posix(), href))
        for href, shown in re.findall(r'<a [^>]*?href="(tel:[^"]*)"[^>]*>(.*?)</a>', html, re.S):
            if (href, shown) not in dialled:
                wrong_tel.add((href, shown))
    assert away == set(), sorted(away)[:10]
    assert wrong_tel == set()


def test_ring_112_dials_112_on_every_page(built_site):
    """Wherever a page says 112, the link under it dials 112 and nothing else."""
    pages = 0
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*?href="([^"]*)"[^>]*>\s*112\s*</a>', html):
            assert href == "tel:112", (page, href)
        pages += "tel:112" in html
    assert pages > 50, "112 is on most pages"
    start = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<a href="tel:112">112</a>' in start


def test_contact_cards_are_written_after_the_allowlist(built_site):
    contacts = (built_site / "kontakter" / "index.html").read_text(encoding="utf-8")
    assert contacts.count('class="kb-contact"') >= 5 and "data-review-by=" in contacts
    assert "kb-html-" not in contacts and "kb-listing-" not in contacts, "every marker filled"

