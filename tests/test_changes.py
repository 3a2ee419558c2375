"""What's new: a page and an Atom feed per language, linked from every page of that language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conftest import ROOT, make_site, mkdocs_build

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(site, lang: str) -> ET.Element:
    root = ET.parse(site / "feeds" / f"{lang}.xml").getroot()
    assert root.tag == f"{ATOM}feed", "the feed is Atom"
    return root


def test_each_language_has_an_atom_feed_of_its_own_pages(built_site):
    for lang in ("sv", "en"):
        root = feed(built_site, lang)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = root.findall(f"{ATOM}entry")
        assert entries, f"the {lang} feed has entries"
        for entry in entries:
            href = entry.find(f"{ATOM}link").get("href")
            assert ("/en/" in href) == (lang == "en"), f"{href} in the {lang} feed"
            assert entry.find(f"{ATOM}updated").text[:4].isdigit()
            assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}summary").text


def test_every_page_links_its_languages_feed_in_its_head(built_site):
    pages = [p for p in built_site.rglob("index.html")]
    assert len(pages) > 100
    for page in pages:
        relative = page.relative_to(built_site).as_posix()
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        match = re.search(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', head)
        assert match, f"{relative} does not link a feed"
        target = (page.parent / match.group(1)).resolve()
        expected = built_site / "feeds" / ("en.xml" if relative.startswith("en/") else "sv.xml")
        assert target == expected.resolve(), f"{relative} links {match.group(1)}"


def test_whats_new_lists_methods_first_and_links_the_feed(built_site):
    for prefix, methods, others, feed_href in (("", "Metoder", "Andra sidor", "../feeds/sv.xml"),
                                               ("en/", "Methods", "Other pages", "../../feeds/en.xml")):
        html = (built_site / prefix / "nytt" / "index.html").read_text(encoding="utf-8")
        assert html.index(f">{methods}<") < html.index(f">{others}<")
        assert f'href="{feed_href}" type="application/atom+xml"' in html
    start = (built_site / "index.html").read_text(encoding="utf-8")
    latest = start.split('id="senaste"')[1].split("<h2")[0]
    assert latest.count("<li>") == 5, "the start page shows the five newest changes"


def test_a_page_without_an_english_file_is_news_only_in_swedish(tmp_path):
    project = make_site(tmp_path)
    method = next((ROOT / "docs" / "metoder" / "gemensamma").glob("lokal-handlingsplan.md"))
    text = method.read_text(encoding="utf-8").replace("title: ", "title: Bara på svenska, ", 1)
    (project / "docs" / "metoder" / "gemensamma" / "bara-svenska.md").write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stdout + result.stderr
    swedish = [e.find(f"{ATOM}title").text for e in feed(out, "sv").findall(f"{ATOM}entry")]
    english = [e.find(f"{ATOM}title").text for e in feed(out, "en").findall(f"{ATOM}entry")]
    assert any(t.startswith("Bara på svenska") for t in swedish)
    assert not any(t.startswith("Bara på svenska") for t in english), "a fallback page is not news in English"


def test_the_sitemap_beside_the_feeds_is_small_and_valid(built_site):
    """The theme fetches sitemap.xml beside the feed link of every page: that one is empty,
    so a page load neither parses the site's whole sitemap nor logs a 404."""
    beside = built_site / "feeds" / "sitemap.xml"
    assert beside.stat().st_size < 200
    root = ET.parse(beside).getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset" and len(root) == 0
    assert len((built_site / "sitemap.xml").read_bytes()) > 10 * beside.stat().st_size, "the site's own stays"
