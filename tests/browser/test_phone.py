"""Phones first: at 320 and 390 pixels the site's name, search, the language switch and the
quick exit are all on screen, uncovered and at least 24 × 24 CSS pixels (WCAG 2.2, 2.5.8)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CONTROLS = {
    "quick exit": "#kb-quick-exit",
    "search": "label.md-header__button[for='__search']",
    "language switch": ".md-header__option .md-select > button",
    "menu": "label.md-header__button[for='__drawer']",
}
NAME = ".md-header__title .md-header__topic:first-child .md-ellipsis"

#: Whether an element is visible at its centre, i.e. not covered by another element.
ON_TOP = """el => { const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {x: r.left, y: r.top, w: r.width, h: r.height, top: !!hit && (hit === el || el.contains(hit))}; }"""


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("prefix,name", [("", "Kunskapsbanken"), ("en/", "Knowledge Bank")])
def test_header_controls_are_visible_and_large_enough_on_a_phone(browser, site_server, tmp_path, width, prefix, name):
    context = browser.new_context(viewport={"width": width, "height": 700})
    page = context.new_page()
    page.goto(site_server.url(f"/{prefix}"))
    page.screenshot(path=str(tmp_path / f"header-{width}-{prefix.strip('/') or 'sv'}.png"))
    for what, selector in CONTROLS.items():
        box = page.locator(selector).first.evaluate(ON_TOP)
        assert box["top"], f"{what} is covered at {width}px"
        assert 0 <= box["x"] and box["x"] + box["w"] <= width and 0 <= box["y"] < 700, f"{what} is off screen"
        assert box["w"] >= 24 and box["h"] >= 24, f"{what} is {box['w']}×{box['h']} px at {width}px"
    title = page.locator(NAME).first
    assert title.inner_text().strip() == name
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), f"the site's name is cut off at {width}px"
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    assert page.locator("#kb-quick-exit").evaluate(ON_TOP)["top"], "the quick exit scrolls away"
    context.close()


def test_the_drawer_and_the_search_open_below_the_quick_exit(browser, site_server):
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = context.new_page()
    for opener in ("label.md-header__button[for='__drawer']", "label.md-header__button[for='__search']"):
        page.goto(site_server.url("/"))
        page.click(opener)
        page.wait_for_timeout(400)
        assert page.locator("#kb-quick-exit").evaluate(ON_TOP)["top"], f"{opener} covers the quick exit"
    assert page.locator("input.md-search__input").evaluate(ON_TOP)["top"], "the search field is covered"
    context.close()


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_county_picker_is_a_select_and_a_button_with_javascript(page, site_server, prefix):
    page.goto(site_server.url(f"/{prefix}"))
    assert page.locator("details.kb-counties").is_hidden(), "the list gives way to the select"
    page.select_option("#kb-county", label="Kalmar län" if not prefix else "Kalmar County")
    assert page.url.rstrip("/").endswith(prefix.rstrip("/")) or page.url.endswith("/"), "choosing alone stays"
    page.click(".kb-county-picker button")
    page.wait_for_url("**/kontakter/#region-syd")


#: Every change to the set of classes on <html>, and whether <body> had begun when it came.
CLASS_CHANGES = """
window.__kbClassChanges = [];
new MutationObserver((records) => records.forEach((record) => {
  if (record.target !== document.documentElement) return;
  const before = new Set((record.oldValue || "").split(/\\s+/).filter(Boolean));
  const after = new Set(record.target.className.split(/\\s+/).filter(Boolean));
  if (before.size !== after.size || [...after].some((name) => !before.has(name))) {
    window.__kbClassChanges.push({from: record.oldValue, to: record.target.className, body: !!document.body});
  }
})).observe(document, {attributes: true, attributeFilter: ["class"], attributeOldValue: true, subtree: true});
"""


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_first_style_is_the_scripted_one(browser, site_server, prefix):
    """<html> has the classes the theme's script gives it (js, js-focus-visible) before the
    page is first styled: when the theme's script changed them after, a phone worked out the
    style of the whole page a second time, in the longest task of its load (issue 32)."""
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = context.new_page()
    page.add_init_script(CLASS_CHANGES)
    page.goto(site_server.url(f"/{prefix}"))
    page.wait_for_load_state("load")
    changes = page.evaluate("window.__kbClassChanges")
    assert sorted(page.evaluate("document.documentElement.className").split()) == ["js", "js-focus-visible"]
    assert changes and all(not change["body"] for change in changes), changes
    context.close()
