"""In the reader's browser: overdue warnings from the reader's clock, and catalogue filters."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytestmark = pytest.mark.browser


def test_overdue_warnings_appear_when_the_readers_clock_passes_the_review_date(page, site_server):
    page.goto(site_server.url("/kontakter/"))
    assert page.locator(".kb-overdue:visible").count() == 0, "nothing is overdue today"
    page.clock.install(time=dt.datetime(2031, 1, 1, 12, 0))
    page.goto(site_server.url("/kontakter/"))
    cards = page.locator(".kb-contact")
    assert cards.count() >= 10
    assert page.locator(".kb-contact .kb-overdue:visible").count() == cards.count()
    warning = page.locator("#kontakt-polisen .kb-overdue")
    assert "020-39 00 00" in warning.inner_text(), "the warning points to the helpline"
    assert page.locator(".kb-review .kb-overdue:visible").count() == 1, "the page itself is overdue too"


def test_english_overdue_warning_is_in_english(page, site_server):
    page.clock.install(time=dt.datetime(2031, 1, 1, 12, 0))
    page.goto(site_server.url("/en/kontakter/"))
    text = page.locator("#kontakt-polisen .kb-overdue").inner_text()
    assert "overdue" in text and "helpline" in text


def test_catalogue_filters_narrow_the_list(page, site_server, built_site):
    """Choosing a value lists the matching methods (from the facet index) in place of the
    lists; choosing "All" again brings the lists back."""
    facets = json.loads((built_site / "metoder" / "katalog" / "metoder.json").read_text(encoding="utf-8"))
    page.goto(site_server.url("/metoder/"))
    assert page.locator(".kb-filters").is_visible(), "with JavaScript the filters appear"
    every = {page.locator(".kb-methods > li a").nth(i).get_attribute("href")
             for i in range(page.locator(".kb-methods > li").count())}
    assert len(every) >= 6
    results = page.locator(".kb-filter-results > li")
    narrowed = 0
    select = page.locator('select[data-filter="focus_areas"]')
    for value in [v for v in select.locator("option").evaluate_all("o => o.map(x => x.value)") if v]:
        select.select_option(value)
        wanted = facets["values"]["focus_areas"].index(value)
        expected = {row[1] for row in facets["methods"] if wanted in row[2]}
        page.wait_for_function("n => document.querySelectorAll('.kb-filter-results > li').length === n",
                               arg=len(expected))
        assert expected, f"choosing {value} leaves no method, but the option is only offered when one has it"
        assert {results.nth(i).locator("a").get_attribute("href") for i in range(results.count())} == expected
        assert not page.locator(".kb-methods").first.is_visible(), "the lists give way to the results"
        narrowed += len(expected) < len(every)
        assert page.locator(".kb-filter-count").inner_text().startswith(f"Visar {len(expected)} av")
    assert narrowed, "at least one focus area narrows the list"
    select.select_option("")
    assert page.locator(".kb-methods").first.is_visible() and not page.locator(".kb-filter-results").is_visible()


#: Sums the page's layout shifts (the Layout Instability API) from before its first paint.
COUNT_LAYOUT_SHIFTS = """
window.kbShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { if (!entry.hadRecentInput) { window.kbShift += entry.value; } }
}).observe({type: "layout-shift", buffered: true});
"""


def test_the_catalogue_does_not_move_as_its_filters_appear(browser, site_server):
    """The filters take their place from the first paint (invisible until the theme's
    script has run), so the list under them never jumps down as a reader starts to read."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(script=COUNT_LAYOUT_SHIFTS)
    page.goto(site_server.url("/metoder/"))
    page.wait_for_load_state("networkidle")
    assert page.locator(".kb-filters").is_visible()
    assert page.locator(".kb-filter-count").inner_text().startswith("Visar"), "the count is there from the start"
    shift = page.evaluate("window.kbShift")
    context.close()
    assert shift < 0.01, f"the catalogue moved as it loaded (layout shift {shift:.3f})"


def test_without_javascript_the_catalogue_lists_every_method_and_no_dead_filter(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server.url("/en/metoder/"))
    filters = page.locator(".kb-filters")
    assert filters.count() == 1 and not filters.is_visible(), "filters that cannot work are not shown"
    items = page.locator(".kb-methods > li")
    assert items.count() >= 6 and all(items.nth(i).is_visible() for i in range(items.count()))
    context.close()
