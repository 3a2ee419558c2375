"""Issue 31, in Chromium: a reader on any phone, without JavaScript, from abroad, and
searching as people type. One browser and the one built site, as every browser test."""

from __future__ import annotations

import pytest

from browser.test_accessibility import PAGES
from conftest import ROOT
from kb.tools import search

pytestmark = pytest.mark.browser

WIDTHS = (320, 390)
#: Page types the accessibility audit does not open: the A–Ö index, guidance for a profession,
#: the contacts' support services, a manual step with a table, the share page.
MORE_TYPES = ["register/", "yrken/polisen/", "ansvar/barn/", "manual/aktorer/", "metoder/dela/"]
#: Pages with in-page links (the county list's #region-…, a heading's ¶, "see below"): the start
#: page, the contacts page and a long guidance page.
JUMP_PAGES = ("/", "/kontakter/", "/ansvar/sekretess-och-polisen/", "/en/", "/en/sverige-i-korthet/")

#: Whether an element is on screen at its centre, not covered by another element.
ON_TOP = """el => { const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return r.bottom > 0 && r.top < innerHeight && !!hit && (hit === el || el.contains(hit)); }"""

#: Every link of the page's text that leads to a place in a page (its own or another), once.
JUMPS = """() => [...new Set([...document.querySelectorAll("article a[href*='#']")]
  .filter(a => a.getClientRects().length && !a.closest("[hidden]"))
  .map(a => a.href))]"""

#: Where the page's text starts below everything fixed or sticky at the top of the screen.
LANDED = """(id) => { const target = document.getElementById(id); if (!target) return null;
  const covers = [document.querySelector(".md-header"), document.querySelector("div[role=region]")]
    .map(el => el.getBoundingClientRect().bottom);
  const top = target.getBoundingClientRect().top;
  return {top: top, below: Math.max(...covers), height: innerHeight}; }"""


#: After a link was followed: where its place landed, whether the quick-exit bar is on screen
#: and uncovered, and how wide the page is.
SEEN = f"""(id) => ({{landed: ({LANDED})(id),
  exit: ({ON_TOP})(document.getElementById("kb-quick-exit")),
  width: document.documentElement.scrollWidth}})"""

#: From the top of the page, the link of the page's text to `href` clicked.
CLICK = """(href) => { window.scrollTo(0, 0);
  [...document.querySelectorAll("article a")].find(a => a.href === href).click(); }"""

#: With JavaScript, for a link to a place in the page itself: clicked, its address reached
#: and 30 ms later seen, in one call instead of six.
FOLLOW_IN_PAGE = f"""async (href) => {{
  ({CLICK})(href);
  for (let waited = 0; location.href !== href && waited < 5000; waited += 10) {{
    await new Promise(done => setTimeout(done, 10));
  }}
  await new Promise(done => setTimeout(done, 30));
  return ({SEEN})(href.split("#").slice(1).join("#"));
}}"""


@pytest.fixture(params=[False, True], ids=["no-js", "js"])
def scripts(request):
    return request.param


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_on_a_phone_without_javascript(browser, site_server, width):
    """Every page type, both languages, at 320 and 390 pixels with JavaScript off."""
    context = browser.new_context(viewport={"width": width, "height": 700}, java_script_enabled=False)
    page = context.new_page()
    wide = {}
    for path in [f"/{prefix}{p}" for prefix in ("", "en/") for p in [*PAGES, *MORE_TYPES]]:
        page.goto(site_server.url(path))
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        if scrolled > width:
            wide[path] = scrolled
    context.close()
    assert wide == {}, f"wider than {width}px: {wide}"


@pytest.mark.parametrize(("width", "scripts"), [(320, False), (390, False), (390, True)],
                         ids=["no-js-320", "no-js-390", "js-390"])
def test_the_quick_exit_stays_in_view_after_every_in_page_link(browser, site_server, width, scripts):
    """After following each link to a place in a page, that place is below the header and the
    quick-exit bar, the bar is on screen and uncovered, and nothing scrolls sideways."""
    context = browser.new_context(viewport={"width": width, "height": 700}, java_script_enabled=scripts)
    page = context.new_page()
    followed, wrong = 0, []
    for path in JUMP_PAGES:
        page.goto(site_server.url(path))
        here = page.url
        for href in page.evaluate(JUMPS):
            if page.url.split("#")[0] != here:  # the link before led to another page: back to this one
                page.goto(here)
            if scripts and href.split("#")[0] == here.split("#")[0]:  # followed and seen in one call
                found = page.evaluate(FOLLOW_IN_PAGE, href)
            else:  # without JavaScript the page's timers do not run: Playwright waits
                page.evaluate(CLICK, href)
                page.wait_for_url(href)
                page.wait_for_timeout(30)
                found = page.evaluate(SEEN, href.split("#", 1)[1])
            followed += 1
            landed, exit_shown, sideways = found["landed"], found["exit"], found["width"] > width
            if not exit_shown or sideways or landed is None or not (landed["below"] - 1 <= landed["top"]
                                                                       < landed["height"]):
                wrong.append((path, href, exit_shown, sideways, landed))
    context.close()
    assert followed >= 12, "the pages have fewer in-page links than the test expects"
    assert wrong == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_start_pages_emergency_numbers_are_large_targets_on_one_line(browser, site_server, width, scripts):
    context = browser.new_context(viewport={"width": width, "height": 700}, java_script_enabled=scripts)
    page = context.new_page()
    for prefix in ("", "en/"):
        page.goto(site_server.url(f"/{prefix}"))
        links = page.eval_on_selector_all(
            "#gor-sa-har-forst ~ ol a[href^='tel:']",
            "els => els.map(a => { const r = a.getBoundingClientRect(); return {text: a.textContent, "
            "w: r.width, h: r.height, lines: a.getClientRects().length, right: r.right}; })")
        shown = {link["text"] for link in links}
        assert {"112", "114 14", "020-39 00 00"} <= shown, shown
        for link in links:
            assert link["w"] >= 44 and link["h"] >= 44, (width, link)
            assert link["lines"] == 1 and link["right"] <= width, (width, link)
    context.close()


def test_the_county_picker_follows_the_first_steps_and_lands_on_the_coordinator(browser, site_server):
    """On a phone: right after "Gör så här först", an empty "Välj ditt län" first; choosing
    Örebro lands on Region Bergslagen's coordinator card, below the header and the bar."""
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = context.new_page()
    page.goto(site_server.url("/"))
    order = page.evaluate("() => [...document.querySelectorAll('article h2')].map(h => h.id)")
    assert order[:2] == ["gor-sa-har-forst", "lan"], order
    select = page.locator("#kb-county")
    assert select.evaluate("s => [s.options[0].value, s.options[0].text, s.value]") == ["", "Välj ditt län", ""]
    page.click(".kb-county-picker button")  # nothing chosen: the page stays
    assert page.url == site_server.url("/")
    page.select_option("#kb-county", label="Örebro län")
    page.click(".kb-county-picker button")
    page.wait_for_url("**/kontakter/#region-bergslagen")
    page.wait_for_timeout(50)
    landed = page.evaluate(LANDED, "region-bergslagen")
    assert landed["below"] - 1 <= landed["top"] < landed["height"], landed
    card = page.evaluate("() => document.getElementById('kontakt-region-bergslagen').getBoundingClientRect().top")
    assert landed["below"] <= card < 700, "the coordinator's card is on the screen"
    assert page.locator("#kb-quick-exit").evaluate(ON_TOP)
    context.close()


def test_from_en_a_partner_abroad_reaches_the_nrm_and_a_number_to_call_in_two_taps(browser, site_server):
    context = browser.new_context(viewport={"width": 390, "height": 700})
    page = context.new_page()
    page.goto(site_server.url("/en/"))
    page.get_by_role("link", name="The national referral mechanism (NRM)").click()  # tap 1
    page.wait_for_url("**/en/sverige-i-korthet/#manualen")
    heading = page.locator("#manualen")
    assert "national referral mechanism" in heading.inner_text().lower() or "manual" in heading.inner_text().lower()
    assert heading.evaluate(ON_TOP)
    page.goto(site_server.url("/en/"))
    page.get_by_role("link", name="Whom to contact from abroad").click()  # tap 1
    page.wait_for_url("**/en/sverige-i-korthet/#vem-kontaktar-du")
    abroad = page.locator("#vem-kontaktar-du ~ ul a[href^='tel:+']").filter(has_text="+46").first
    assert abroad.evaluate(ON_TOP), "the number to call from abroad is on the screen: tap 2 calls it"
    assert abroad.get_attribute("href") == "tel:+4620390000"
    short = page.locator("#vem-kontaktar-du ~ ul .kb-tel-abroad").first.inner_text()
    assert "Sweden" in short, "a number that cannot be called from abroad says so"
    context.close()


def test_without_javascript_the_header_links_the_a_to_z_page_where_search_was(browser, site_server):
    for scripts, shown in ((False, True), (True, False)):
        context = browser.new_context(viewport={"width": 390, "height": 700}, java_script_enabled=scripts)
        page = context.new_page()
        for prefix, title in (("", "A–Ö"), ("en/", "A–Z")):
            page.goto(site_server.url(f"/{prefix}kontakter/lan/"))
            link = page.locator("a.kb-az-link")
            assert link.is_visible() == shown, (scripts, prefix)
            assert page.locator("label.md-header__button[for='__search']").is_visible() == (not shown)
            if shown:
                box = link.bounding_box()
                search_button = 40  # the theme's header buttons: the link takes exactly that place
                assert box["width"] >= search_button and box["height"] >= search_button
                assert box["x"] + box["width"] <= 390
                link.click()
                page.wait_for_url(f"**/{prefix}register/")
                assert page.locator("h1").inner_text().strip().rstrip("¶") == title
                assert page.locator("ul.kb-az li").count() > 100
                letter = page.locator(".kb-az-letters a").last  # Ö, or in English the last letter used
                target = letter.get_attribute("href").lstrip("#")
                letter.click()
                landed = page.evaluate(LANDED, target)
                assert landed["below"] - 1 <= landed["top"] < landed["height"], landed
        context.close()


def test_the_search_form_can_be_sent_and_leads_to_results_or_the_a_to_z_page(browser, site_server):
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    page.goto(site_server.url("/kontakter/"))
    form = page.locator("form.md-search__form")
    assert form.evaluate("f => new URL(f.action).pathname") == "/register/"
    assert form.locator("button[type=submit]").count() == 1
    page.focus(".md-search__input")
    page.keyboard.type("betänketid")
    page.wait_for_selector(".md-search-result__item")
    page.click("button.kb-search-submit")
    page.wait_for_url("**/lagstiftning/uppehallstillstand-och-reflektionstid/**")
    context.close()


#: Every state the search box shows: the count line as painted, read in the frame after each
#: change of it (a change that the page's own scripts make and mend within one task is never
#: painted, and no reader sees it), beside the text the box held when the line was written.
#: A key pressed between the writing and the paint is the reader's next search, not an answer
#: shown for other text; an answer written after the box changed is what the test catches.
WATCH = """() => { window.kbSeen = []; const input = document.querySelector('.md-search__input');
  const meta = document.querySelector('.md-search-result__meta');
  let pending = false, written = '';
  new MutationObserver(() => { written = input.value; if (pending) { return; } pending = true;
    requestAnimationFrame(() => { pending = false; kbSeen.push([written, meta.textContent.trim(),
      document.querySelectorAll('.md-search-result__item').length]); }); })
    .observe(meta, {childList: true, subtree: true, characterData: true}); }"""


def test_typing_right_after_the_page_loads_never_shows_an_answer_for_other_text(browser, site_server, built_site):
    """Issue 31: 'Skriv sökord' with text in the box, then a stale count, then the answer."""
    loaded = search.build_index(search.index_file(built_site, "sv", "sv"), ROOT, "sv")
    counts = {text: len(search.ranked(loaded, text)) for text in ("b", "ba", "bar", "barn")}
    for _ in range(3):
        context = browser.new_context()
        page = context.new_page()
        page.goto(site_server.url("/"), wait_until="commit")
        page.wait_for_selector(".md-search__input")
        page.evaluate(WATCH)
        page.focus(".md-search__input")
        page.keyboard.type("barn", delay=15)
        page.wait_for_function("() => kbSeen.some(([value, , items]) => value === 'barn' && items > 0)")
        seen = page.evaluate("kbSeen")
        context.close()
        for value, line, _ in seen:
            assert not (value and line == "Skriv sökord"), seen
            number = "".join(ch for ch in line if ch.isdigit())
            if number:
                assert int(number) == counts[value], (value, line, counts, seen)


def test_no_result_link_ends_in_an_empty_highlight(page, site_server):
    page.goto(site_server.url("/"))
    page.focus(".md-search__input")
    for query in ("barn", "betänketid", "Malmö", "polisen sekretess", "offren"):
        page.fill(".md-search__input", query)
        page.keyboard.press("End")
        page.wait_for_function("q => document.querySelector('.md-search__input').value === q && "
                               "document.querySelectorAll('.md-search-result__item').length > 0", arg=query)
        page.wait_for_timeout(100)
        links = page.eval_on_selector_all(".md-search-result a", "els => els.map(a => a.href)")
        assert links and not [link for link in links if link.endswith("?h=") or "?h=#" in link], (query, links)


def test_a_short_typo_shows_the_help_and_did_you_mean(page, site_server):
    page.goto(site_server.url("/"))
    page.focus(".md-search__input")
    page.keyboard.type("hjäpl")
    help_block = page.locator(".md-search-result [data-kb-search-none]")
    help_block.wait_for(state="visible")
    suggestion = help_block.locator("[data-kb-search-suggest]")
    assert suggestion.is_visible() and "Menade du" in suggestion.inner_text()
    help_block.locator("button.kb-suggestion", has_text="hjälp").click()
    page.wait_for_selector(".md-search-result__item")
    assert page.input_value(".md-search__input") == "hjälp"
    assert not help_block.is_visible()
    page.fill(".md-search__input", "")
    page.keyboard.type("loverboy")
    page.locator(".md-search-result [data-kb-search-none]").wait_for(state="visible")
    assert not page.locator("[data-kb-search-suggest]").is_visible(), "no word is one letter from loverboy"
