"""Case exercises in a real browser (issue 33): done by keyboard alone with and without
JavaScript, every feedback reachable, the choice announced and focus moved; kept in the tab
only, sent nowhere, cleared by the quick exit; on paper the feedback after a page break; no
WCAG 2.2 AA violation once the script has changed the page."""

from __future__ import annotations

import json

import pytest

from browser.test_accessibility import PHONE, axe_violations

pytestmark = pytest.mark.browser

EXERCISE = "/ovningar/patienten-som-inte-far-tala-sjalv/"
NEUTRAL = "https://www.google.com/"
ACTIVE = """(() => { const a = document.activeElement;
  return {tag: a.tagName, id: a.id, cls: a.className || '', text: (a.textContent || '').trim().slice(0, 60),
          open: a.tagName === 'SUMMARY' ? a.parentElement.open : null}; })()"""


def skip_to_content(page) -> None:
    """The theme's first link, "skip to content", as a keyboard user starts."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    page.keyboard.press("Enter")


def options(page) -> int:
    return page.locator(".kb-option details").count()


def test_keyboard_alone_completes_an_exercise_with_javascript(page, site_server):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_server.url(EXERCISE))
    total = options(page)
    assert total == 10
    assert page.locator("#steg-2").is_hidden(), "with the script, the next stage waits for a choice"
    statuses = page.locator(".kb-stage-status")
    assert statuses.count() == 3 and statuses.first.get_attribute("role") == "status", "choices are announced"
    skip_to_content(page)
    opened, moved_to = 0, []
    for _ in range(400):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["tag"] == "SUMMARY" and not active["open"]:
            page.keyboard.press("Enter")
            opened += 1
            # The status (role="status") names the option opened once its fold has opened.
            page.wait_for_function("words => document.activeElement.closest('.kb-stage')"
                                   ".querySelector('.kb-stage-status').textContent.includes(words)",
                                   arg=active["text"][:20], timeout=5000)
            feedback = page.evaluate("document.activeElement.parentElement.querySelector('.kb-feedback')"
                                     ".getBoundingClientRect().height")
            assert feedback > 0, "its feedback shows under it"
        elif active["tag"] == "BUTTON" and "kb-next" in active["cls"]:
            page.keyboard.press("Enter")
            moved_to.append(page.evaluate(ACTIVE)["id"])
        elif active["tag"] == "BUTTON" and "kb-restart" in active["cls"]:
            break
    else:
        pytest.fail(f"the exercise's end was not reached by keyboard ({opened} options opened, {moved_to})")
    assert opened == total, "every option's feedback is reachable"
    assert moved_to == ["steg-2", "steg-3", "diskussion"], "focus moves to the next stage's heading"
    assert page.locator("#diskussion").is_visible()
    assert page.locator(".kb-exercise-summary li").count() == 3, "the discussion starts with the reader's choices"
    # The first option opened in a stage is the reader's choice; the others were opened to compare.
    assert page.locator(".kb-stage[data-stage='1'] .kb-chosen summary").inner_text().startswith("A.")
    assert "A. Du låter mannen tolka" in page.locator(".kb-exercise-summary li").first.inner_text()
    kept = page.evaluate("JSON.stringify(sessionStorage)")
    assert "kb-exercise:" in kept and json.loads(json.loads(kept)[next(iter(json.loads(kept)))])["reached"] == 3
    assert page.evaluate("localStorage.length") == 0 and page.context.cookies() == [], "nothing beyond the tab"
    assert all(url.startswith(site_server.origin) for url in requests), "nothing leaves for another site"
    page.reload()
    assert page.locator("#diskussion").is_visible(), "the tab keeps where the reader was"
    page.locator(".kb-restart").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "steg-1"
    assert page.locator("#steg-2").is_hidden() and page.evaluate("sessionStorage.length") == 0


def test_keyboard_alone_reaches_every_feedback_without_javascript(browser, site_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site_server.url(EXERCISE))
        total = options(page)
        assert page.locator("#steg-3").is_visible() and page.locator("#diskussion").is_visible(), "every stage shows"
        assert page.locator(".kb-next").count() == 0
        skip_to_content(page)
        opened = 0
        for _ in range(400):
            page.keyboard.press("Tab")
            active = page.evaluate(ACTIVE)
            if active["tag"] == "SUMMARY" and not active["open"]:
                page.keyboard.press("Enter")
                opened += 1
            if opened == total:
                break
        assert opened == total
        feedback = page.locator(".kb-options .kb-feedback")
        assert all(feedback.nth(n).is_visible() for n in range(total)), "every feedback opened by keyboard shows"
    finally:
        context.close()


def test_the_quick_exit_clears_the_exercise(page, site_server):
    page.route(NEUTRAL + "**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                           body="<title>Neutral</title><p>neutral</p>"))
    page.goto(site_server.url(EXERCISE))
    page.locator(".kb-option summary").first.click()
    page.locator(".kb-next").first.click()
    assert page.evaluate("sessionStorage.length") == 1
    page.click("#kb-quick-exit")
    page.wait_for_url(NEUTRAL)
    page.goto(site_server.url(EXERCISE))
    assert page.evaluate("sessionStorage.length") == 0, "the quick exit leaves no choice behind in the tab"
    assert page.locator("#steg-2").is_hidden() and page.locator(".kb-chosen").count() == 0


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_print_view_puts_the_feedback_after_a_page_break(page, site_server, prefix):
    page.goto(site_server.url(prefix + EXERCISE))
    key = page.locator(".kb-exercise-key")
    assert key.is_hidden(), "the facilitator's copy is for paper"
    page.emulate_media(media="print")
    assert key.is_visible()
    assert key.evaluate("element => getComputedStyle(element).breakBefore") == "page"
    for anchor in ("#steg-1", "#steg-2", "#steg-3"):
        assert page.locator(anchor).is_visible(), "every stage is printed, also those the script holds back"
    assert page.locator(".kb-options summary").first.is_visible(), "the options are printed with the questions"
    feedback = page.locator(".kb-options .kb-feedback")
    assert not any(feedback.nth(n).is_visible() for n in range(feedback.count())), "no answer before the break"
    last_question = page.locator(".kb-stage[data-stage] .kb-options").last.bounding_box()
    assert key.bounding_box()["y"] > last_question["y"] + last_question["height"], "the copy follows the questions"
    assert key.locator(".kb-key-option").count() == 10
    assert key.locator(".kb-key-option").first.inner_text().strip()
    discussion = page.locator("#diskussion").bounding_box()
    assert discussion["y"] > key.bounding_box()["y"], "the discussion comes after the break too"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_no_wcag_violation_once_the_script_has_changed_the_page(browser, site_server, viewport):
    """Chosen options, the status, the button on: the page the script makes, as axe sees it."""
    context = browser.new_context(bypass_csp=True, **({"viewport": PHONE} if viewport == "phone" else {}))
    page = context.new_page()
    try:
        page.goto(site_server.url(EXERCISE))
        page.locator(".kb-option summary").first.click()
        page.locator(".kb-next").first.click()
        page.locator(".kb-stage[data-stage='2'] .kb-option summary").nth(1).click()
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
    finally:
        context.close()
