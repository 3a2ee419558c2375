"""The method catalogue at a size where it is split: a start page that links a page per
focus area and per region, each listing its methods, every method within three links of
the start without JavaScript, and the facet index the filters read."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import LARGE_CATALOGUE, ROOT
from kb.build import catalogue

LANGUAGES = {"sv": "", "en": "en/"}


class _Links(HTMLParser):
    """The links of a page's article (not the theme's navigation), and those in its method lists."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.listed: list[str] = []
        self._article = 0
        self._lists = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self._article += 1
        if tag == "ul" and "kb-methods" in (attrs.get("class") or "").split():
            self._lists += 1
        if tag == "a" and self._article and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._lists:
                self.listed.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if tag == "ul" and self._lists:
            self._lists -= 1


def _links(site: Path, url: str) -> _Links:
    parser = _Links()
    parser.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return parser


def _resolve(url: str, href: str) -> str | None:
    """A link's target as a site path ending in /, or None when it leaves the page's site."""
    href = href.split("#", 1)[0]
    if not href or re.match(r"^[a-z]+:", href) or href.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(url, href)) + "/"


def _methods(site: Path, lang: str) -> set[str]:
    """Every method page built in a language (the site's own and the synthetic ones), as site paths."""
    root = site / LANGUAGES[lang] / "metoder"
    return {p.parent.relative_to(site).as_posix() + "/" for p in root.glob("*/*/index.html")
            if p.parent.parent.name != catalogue.FOLDER}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_method_is_within_three_links_of_the_catalogue_start_without_javascript(large_catalogue, lang):
    start = f"{LANGUAGES[lang]}metoder/"
    reached, frontier = {start}, {start}
    for _step in range(3):
        frontier = {target for url in frontier if (large_catalogue / url / "index.html").is_file()
                    for target in filter(None, (_resolve(url, href) for href in _links(large_catalogue, url).links))
                    if target.startswith(start)} - reached
        reached |= frontier
    methods = _methods(large_catalogue, lang)
    assert len(methods) > LARGE_CATALOGUE
    assert methods <= reached, sorted(methods - reached)[:5]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_start_page_links_listing_pages_and_each_lists_its_own_methods(large_catalogue, lang):
    start = f"{LANGUAGES[lang]}metoder/"
    assert not _links(large_catalogue, start).listed, "beyond START_LIMIT the start page lists no method itself"
    facets = json.loads((large_catalogue / start / catalogue.FOLDER / catalogue.FACETS).read_text(encoding="utf-8"))
    column = {field: 2 + number for number, field in enumerate(facets["fields"])}
    by_href = {_resolve(start, row[1]): row for row in facets["methods"]}
    listings = sorted((large_catalogue / start / catalogue.FOLDER).glob("*/index.html"))
    assert {p.parent.name for p in listings} >= {"region-syd", "omrade-samordning"}
    for listing in listings:
        url = listing.parent.relative_to(large_catalogue).as_posix() + "/"
        listed = [_resolve(url, href) for href in _links(large_catalogue, url).listed]
        assert 0 < len(listed) <= catalogue.PAGE_SIZE, url
        kind, _, ident = listing.parent.name.partition("-")
        field = {"omrade": "focus_areas", "region": "regions"}.get(kind)
        for target in listed:
            row = by_href[target]
            if field:
                assert facets["values"][field].index(ident) in row[column[field]], (url, target)
            else:
                assert row[-1] == 0, "the editors' page lists only methods no region reported"


def test_the_facet_index_holds_every_method_with_its_facets_in_each_language(large_catalogue):
    for lang, folder in LANGUAGES.items():
        facets = json.loads((large_catalogue / folder / "metoder" / catalogue.FOLDER / catalogue.FACETS)
                            .read_text(encoding="utf-8"))
        assert facets["fields"] == ["focus_areas", "regions", "target_groups", "exploitation_forms"]
        hrefs = {_resolve(f"{folder}metoder/", row[1]) for row in facets["methods"]}
        assert hrefs == _methods(large_catalogue, lang)
        assert all(row[2] for row in facets["methods"]), "every method has a focus area"


def test_a_listing_is_paged_with_links_to_every_page(content, monkeypatch):
    """A listing longer than PAGE_SIZE goes on to further pages, each linking every other."""
    from kb.build.listings import Deferred

    monkeypatch.setattr(catalogue, "PAGE_SIZE", 2)
    monkeypatch.setattr(catalogue, "START_LIMIT", 1)
    start = catalogue.start_page(content)
    pages = [p for p in catalogue.listings(content) if p.kind == catalogue.EDITORS]
    assert [p.number for p in pages] == [1, 2, 3] and all(p.pages == 3 for p in pages)
    assert sum(len(p.methods) for p in pages) == 6
    second = catalogue.listing_markdown(content, start, pages[1], "sv", deferred := Deferred())
    filled = deferred.fill(second)
    assert catalogue.listing_key(start, pages[1]) == "metoder/katalog/redaktionen/sida-2/index.md"
    assert 'href="../"' in filled and 'href="../sida-3/"' in filled and 'aria-current="page"' in filled
    assert "sida 2 av 3" in second


def test_the_catalogue_folder_is_the_builds_own(tmp_path):
    """docs/metoder/katalog/ would be overwritten by the listing pages: kb check refuses it."""
    from kb.model.site import generated_path, load_site

    assert generated_path(load_site(ROOT), "metoder/katalog/omrade-x/index.md") == "metoder/katalog/"


def test_a_focus_area_page_links_its_methods_in_the_catalogue(large_catalogue):
    """Beyond START_LIMIT a focus area's page links the catalogue's page for the area instead
    of naming every method (it would grow with the site)."""
    area = "insatsomraden/samordning/"
    found = _links(large_catalogue, area)
    targets = {_resolve(area, href) for href in found.links}
    assert f"metoder/{catalogue.FOLDER}/omrade-samordning/" in targets
    assert not any("/metod-" in (target or "") for target in targets)


def test_pages_that_named_every_method_name_at_most_a_page_of_them(large_catalogue):
    """Beyond START_LIMIT the A–Ö page leaves the methods to the catalogue (which it lists),
    and What's new lists the newest LISTED_PER_GROUP changes of a group, saying how many more."""
    from kb.build import changes

    register = {_resolve("register/", href) for href in _links(large_catalogue, "register/").links}
    assert "metoder/" in register and not any("/metod-" in (target or "") for target in register)
    news = _links(large_catalogue, "nytt/")
    assert sum("/metod-" in href for href in news.links) == changes.LISTED_PER_GROUP
    page = (large_catalogue / "nytt" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Och \d+ äldre ändringar i den här gruppen", page)


def test_a_listing_pages_language_switch_leads_to_the_same_listing(large_catalogue):
    """The theme's language selector on a listing page leads to the same listing in the
    other language (not to the page built before it)."""
    for url, other in (("metoder/katalog/region-syd/", "en/metoder/katalog/region-syd/"),
                       ("en/metoder/katalog/region-syd/", "metoder/katalog/region-syd/")):
        page = (large_catalogue / url / "index.html").read_text(encoding="utf-8")
        switch = re.findall(r'<a href="([^"]+)" hreflang="[a-z]+" class="md-select__link"', page)
        assert {_resolve(url, href) for href in switch} == {url, other}
