"""Leave this site quickly: on every page, by keyboard, and Back does not return."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NEUTRAL = "https://www.google.com/"


@pytest.fixture
def neutral(page):
    """The neutral site, answered inside the browser: the test never reaches the internet."""
    page.route(NEUTRAL + "**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                           body="<title>Neutral</title><p>neutral</p>"))
    return page


@pytest.mark.parametrize(("path", "label"), [("/", "Lämna sidan snabbt"), ("/en/", "Leave this site quickly"),
                                             ("/manual/steg-2-akut-skydd/", "Lämna sidan snabbt"),
                                             ("/en/kontakter/", "Leave this site quickly")])
def test_quick_exit_is_visible_in_the_page_language(neutral, site_server, path, label):
    neutral.goto(site_server.url(path))
    button = neutral.locator("#kb-quick-exit")
    assert button.is_visible() and button.inner_text().strip() == label
    assert button.bounding_box()["y"] < 60, "at the top of the page"


def test_quick_exit_by_click_leaves_and_back_does_not_return(neutral, site_server):
    neutral.goto("about:blank")
    neutral.goto(site_server.url("/manual/"))
    neutral.click("#kb-quick-exit")
    neutral.wait_for_url(NEUTRAL)
    neutral.go_back()
    assert not neutral.url.startswith(site_server.origin), "Back must not lead to the site"


def test_quick_exit_by_keyboard(neutral, site_server):
    neutral.goto(site_server.url("/en/"))
    for _ in range(10):
        neutral.keyboard.press("Tab")
        if neutral.evaluate("document.activeElement.id") == "kb-quick-exit":
            break
    assert neutral.evaluate("document.activeElement.id") == "kb-quick-exit", "reachable with Tab"
    neutral.keyboard.press("Enter")
    neutral.wait_for_url(NEUTRAL)


def test_escape_three_times_leaves(neutral, site_server):
    neutral.goto("about:blank")
    neutral.goto(site_server.url("/kontakter/"))
    for _ in range(3):
        neutral.keyboard.press("Escape")
    neutral.wait_for_url(NEUTRAL)
    neutral.go_back()
    assert not neutral.url.startswith(site_server.origin)
