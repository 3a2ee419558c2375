"""The split catalogue in the reader's browser: the filters of the start page cover every
method of the catalogue, read from the facet index when a reader first chooses a value."""

from __future__ import annotations

import json

import pytest

from browser.test_accessibility import PHONE, axe_violations
from kb.build import catalogue
from kb.tools.browser import SiteServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def large_server(large_catalogue):
    server = SiteServer(large_catalogue)
    yield server
    server.close()


@pytest.mark.parametrize("prefix", ["/", "/en/"])
def test_the_filters_list_every_matching_method_of_the_whole_catalogue(page, large_server, large_catalogue, prefix):
    facets = json.loads((large_catalogue / prefix.strip("/") / "metoder" / catalogue.FOLDER / catalogue.FACETS)
                        .read_text(encoding="utf-8"))
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(large_server.url(f"{prefix}metoder/"))
    assert not any(url.endswith(catalogue.FACETS) for url in fetched), "the facet index waits until it is needed"
    assert page.locator(".kb-filters").is_visible()
    region = facets["values"]["regions"].index("syd")
    expected = sorted(row[0] for row in facets["methods"] if region in row[3])
    page.locator('select[data-filter="regions"]').select_option("syd")
    results = page.locator(".kb-filter-results > li")
    results.first.wait_for()
    assert sorted(results.locator("a").all_inner_texts()) == expected
    assert len(expected) > 10, "more methods than a start page of links would show"
    total = len(facets["methods"])
    assert f"{len(expected)}" in page.locator(".kb-filter-count").inner_text()
    assert str(total) in page.locator(".kb-filter-count").inner_text()
    assert not page.locator(".kb-by-region").is_visible(), "the lists give way to the results"
    area = facets["values"]["focus_areas"][facets["methods"][0][2][0]]
    page.locator('select[data-filter="focus_areas"]').select_option(area)
    both = sorted(row[0] for row in facets["methods"]
                  if region in row[3] and facets["values"]["focus_areas"].index(area) in row[2])
    page.wait_for_function("n => document.querySelectorAll('.kb-filter-results > li').length === n", arg=len(both))
    first = results.first.locator("a")
    href = first.get_attribute("href")
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith(href.lstrip("./")), "a result leads to the method's page"
    page.go_back()
    page.locator('select[data-filter="regions"]').select_option("")
    page.locator('select[data-filter="focus_areas"]').select_option("")
    assert page.locator(".kb-by-region").is_visible() and not page.locator(".kb-filter-results").is_visible()
    assert str(total) in page.locator(".kb-filter-count").inner_text()


@pytest.mark.parametrize("prefix", ["/", "/en/"])
def test_the_split_catalogue_has_no_wcag_violations(browser, large_server, prefix):
    """The start page of links, with the filters' results shown, and a listing page, on a phone."""
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(large_server.url(f"{prefix}metoder/"))
        assert axe_violations(page) == []
        page.locator('select[data-filter="regions"]').select_option("syd")
        page.locator(".kb-filter-results > li").first.wait_for()
        assert axe_violations(page) == []
        page.goto(large_server.url(f"{prefix}metoder/{catalogue.FOLDER}/region-syd/"))
        assert axe_violations(page) == []
    finally:
        context.close()


def test_the_share_form_knows_every_title_taken_without_carrying_them(page, large_server, large_catalogue):
    """The titles and paths already taken are read from the file beside the catalogue, so
    the share page stays small; a title of any method is still refused as the reader types."""
    facets = json.loads((large_catalogue / "metoder" / catalogue.FOLDER / catalogue.FACETS).read_text("utf-8"))
    title = facets["methods"][-1][0]
    share = (large_catalogue / "metoder" / "dela" / "index.html").read_text(encoding="utf-8")
    assert title not in share
    page.goto(large_server.url("/metoder/dela/"))
    page.locator("#kb-method-form").wait_for()
    page.focus("#kb-field-title")
    page.keyboard.type(title)
    page.keyboard.press("Tab")
    assert page.text_content("#kb-field-title-problem").startswith("En annan sida har redan det namnet")
