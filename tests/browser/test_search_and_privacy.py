"""The real search box, typed into, and privacy: nothing leaves the site's origin, no cookies.

The whole quality suite in the search box is tests/browser/test_search_agreement.py."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser


def search_box(page, query: str) -> list[str]:
    """Type into the theme's search box; the result pages, best first, as site paths."""
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query)
    try:
        page.wait_for_selector(".md-search-result__link", timeout=5000)
    except PlaywrightTimeout:  # typed before the search worker was ready: type again
        page.fill("input.md-search__input", "")
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__link", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item > .md-search-result__link",
                                      "els => els.map(e => e.href)")
    paths = [urlsplit(link).path for link in links]
    return list(dict.fromkeys(paths))


def test_english_page_searches_english_pages_only(page, site_server):
    page.goto(site_server.url("/en/manual/"))
    found = search_box(page, "trafficking")
    assert found and all(p.startswith("/en/") for p in found), found


def test_swedish_page_searches_swedish_pages_only(page, site_server):
    page.goto(site_server.url("/manual/"))
    found = search_box(page, "trafficking")
    assert found and not any(p.startswith("/en/") for p in found), found


#: Every state the search box's result area passes through, from now on.
RECORD_RESULT_AREA = """
() => { window.kbSeen = [];
  const result = document.querySelector("[data-md-component=search-result]");
  const meta = result.firstElementChild, list = result.lastElementChild;
  const note = () => window.kbSeen.push([meta.textContent.trim(), list.children.length]);
  const watch = new MutationObserver(note);
  watch.observe(meta, {childList: true, subtree: true, characterData: true});
  watch.observe(list, {childList: true}); }
"""


def test_words_typed_before_the_index_has_loaded_get_their_results_not_no_matching_documents(
        browser, site_server):
    """A reader who types at once, while the index is still on its way (held back here),
    sees the results for what they typed when it comes: never "no matching documents" for
    the empty query the theme sent first, nor results for half a word."""
    context = browser.new_context()
    held = []
    context.route("**/search/lunr_index.json", lambda route: held.append(route))
    page = context.new_page()
    page.goto(site_server.url("/"))
    page.evaluate(RECORD_RESULT_AREA)
    page.keyboard.press("/")
    page.keyboard.type("barnen")
    page.wait_for_timeout(500)
    assert len(held) == 1, "the search worker should have asked for the Swedish index"
    assert page.evaluate("window.kbSeen") == [], "the box answered before the index had loaded"
    held[0].continue_()
    page.wait_for_selector(".md-search-result__link")
    page.wait_for_timeout(500)
    seen = page.evaluate("window.kbSeen")
    context.close()
    none = [state for state in seen if state[1] == 0]
    assert not none, f"the box showed an empty answer while the index loaded: {seen}"
    assert len({text for text, _ in seen}) == 1, f"the box showed answers to older queries: {seen}"


def test_no_request_leaves_the_site_and_no_cookie_is_set(browser, site_server):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ("/", "/en/", "/manual/steg-2-akut-skydd/", "/kontakter/", "/metoder/",
                 "/checklistor/vuxna-sexuell-exploatering/", "/en/lagstiftning/manniskohandel/", "/ordlista/"):
        page.goto(site_server.url(path))
        page.wait_for_load_state("networkidle")
    search_box(page, "reflektionstid")
    page.wait_for_load_state("networkidle")
    foreign = [url for url in requests if not url.startswith(site_server.origin)]
    assert foreign == [], foreign
    assert context.cookies() == []
    storage = page.evaluate("Object.keys(localStorage)")
    assert all("search" in key or key.startswith("__") for key in storage), storage
    context.close()


def test_a_page_load_fetches_no_sitemap_of_the_site_and_nothing_that_is_missing(browser, site_server):
    """The theme fetches sitemap.xml beside the feed link of every page: it must get the
    small one beside the feeds (not the site's, 0.9 MB with 1,000 methods) and no 404."""
    context = browser.new_context()
    page = context.new_page()
    answers: list[tuple[str, int]] = []
    page.on("response", lambda response: answers.append((urlsplit(response.url).path, response.status)))
    for path in ("/", "/en/", "/en/manual/steg-1-identifiering/", "/metoder/"):
        page.goto(site_server.url(path))
        page.wait_for_load_state("networkidle")
    context.close()
    sitemaps = {path for path, _ in answers if path.endswith("sitemap.xml")}
    assert sitemaps == {"/feeds/sitemap.xml"}, sitemaps
    missing = [(path, status) for path, status in answers if status >= 400]
    assert missing == [], missing


def test_external_links_send_no_referrer(page, site_server):
    page.goto(site_server.url("/lagstiftning/manniskohandel/"))
    assert page.get_attribute('meta[name="referrer"]', "content") == "no-referrer"
    external = page.eval_on_selector_all('a[href^="http"]:not([href*="127.0.0.1"])',
                                         "els => els.map(e => [e.href, e.rel])")
    assert external, "the page links to the official text"
    for href, rel in external:
        assert "noopener" in rel and "noreferrer" in rel, (href, rel)
