"""Paper and keyboard: checklists print without navigation but with the helpline, and what
each cited passage says; every part of the page can be reached without a mouse."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/checklistor/barn-sexuell-exploatering/", "/manual/steg-2-akut-skydd/",
                                  "/en/kontakter/"])
def test_printed_page_has_no_navigation_and_carries_url_review_date_and_helpline(page, site_server, path):
    page.goto(site_server.url(path))
    assert not page.locator(".kb-print-only").is_visible(), "the paper-only block is hidden on screen"
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", "#kb-quick-exit"):
        assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    printed = page.locator(".kb-print-only").inner_text()
    assert "020-39 00 00" in printed and "112" in printed
    assert "http" in printed, "the page's address is printed"
    assert page.locator("p.kb-review").is_visible(), "the review date is printed"


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_printed_sources_show_what_each_passage_says(page, site_server, cited_page, prefix):
    """On screen what a passage says is folded; on paper it is printed (kb.css)."""
    page.goto(site_server.url(f"/{prefix}{cited_page}"))
    passages = page.locator(".kb-sources details > p")
    if prefix and not passages.count():
        pytest.skip(f"the English {cited_page} cites nothing yet")
    assert passages.count() >= 1
    assert not passages.first.is_visible(), "folded on screen"
    page.emulate_media(media="print")
    for number in range(passages.count()):
        assert passages.nth(number).is_visible(), "printed"
        assert passages.nth(number).inner_text().strip()


def test_checklist_signs_are_tick_boxes_named_by_their_sign(page, site_server):
    page.goto(site_server.url("/checklistor/vuxna-arbetskraftsexploatering/"))
    boxes = page.get_by_role("checkbox")
    assert boxes.count() >= 15
    first = boxes.first
    assert len(first.evaluate("box => box.closest('label').innerText.trim()")) > 10
    first.check()
    assert first.is_checked(), "a reader can tick a sign before printing"


def test_keyboard_only_navigation_reaches_a_page(page, site_server):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(site_server.url("/"))
    for _ in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.textContent.trim()")
        if label == "Kontakter" and page.evaluate("document.activeElement.tagName") == "A":
            break
    else:
        pytest.fail("the navigation link to Kontakter cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kontakter/")
    assert page.locator("h1").inner_text().rstrip("¶") == "Kontakter"


def test_keyboard_only_search(page, site_server):
    page.goto(site_server.url("/en/"))
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type("reflection period")
    page.wait_for_selector(".md-search-result__link", timeout=15000)
    start = page.url
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.md-search-result')")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.split("?")[0] != start, timeout=15000)
    assert "/en/" in page.url
