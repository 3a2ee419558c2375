"""The share page's form in Chromium, used as a coordinator would: the file it writes passes
`kb check` and reaches the catalogue, the GitHub link carries that file to the right folder,
and `kb new method` writes the same bytes for the same answers. Also: the rules it checks
are kb.model.method_file's, it passes axe, works by keyboard, sends nothing anywhere, keeps
its draft only in the tab, and without JavaScript the page explains the way through GitHub.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from browser.test_accessibility import PHONE, axe_violations
from conftest import TODAY, kb, make_site, mkdocs_build
from kb.model import method_file

pytestmark = pytest.mark.browser

NOON = datetime.fromisoformat(f"{TODAY}T12:00:00")
NEUTRAL = "https://www.google.com/"
REPOSITORY = "https://github.com/kunskapsbanken/kunskapsbanken"

#: A coordinator's answers: quotes, a colon and a backslash in the title, two focus areas,
#: a Swedish letter in every text.
COORDINATOR = {
    "title": 'Samtal "steg för steg": före\\efter',
    "regions": "ost",
    "summary": "Ett första samtal på en trygg plats, med tolk när det behövs.",
    "focus_areas": ["upptackt", "skydd-och-stod"],
    "target_groups": ["vuxna"],
    "exploitation_forms": ["sexuell-exploatering", "tvangsarbete"],
    "actors": ["socialtjansten", "halso-och-sjukvard"],
    "contact_role": "Samordnare för Östergötland",
    "keywords": "första samtal, tolk, förtroende",
    "sections": {
        "problem": "Den som utnyttjas är ofta rädd för myndigheter.\n\nDet första mötet avgör om hon eller han "
                   "kommer tillbaka.",
        "sa-gor-man": "1. Boka ett rum där ingen annan hör.\n2. Ta in en tolk som inte känner personen.\n"
                      "3. Följ upp inom en vecka.",
        "vad-som-behovs": "Två socialsekreterare med utbildning i samtal om våld, och en budget för tolk.",
        "erfarenheter": "Fler kommer tillbaka till ett andra möte än förut.",
    },
}

#: Answers that try the rules: Markdown characters in the title, a tab, spaces around texts,
#: repeated keywords, Windows line breaks, emoji, a link.
TRICKY = {
    "title": "  Metod #2: *snabb* _stöd_ [x] {y} `z` 😀 ",
    "regions": "bergslagen",
    "summary": "Se\tmer hos Polisen – ”citat” och 'enkla'.",
    "focus_areas": ["internationellt"],
    "target_groups": ["barn", "vuxna"],
    "exploitation_forms": ["annan-exploatering"],
    "actors": ["regionkoordinator"],
    "contact_role": "",
    "keywords": " a, , b,a , Ö ",
    "sections": {
        "problem": "\n\n  Första raden  \r\nAndra raden\r\n\r\n",
        "sa-gor-man": "- punkt\n- punkt två\\",
        "vad-som-behovs": "Inget särskilt. 🙂",
        "erfarenheter": "Ring 070-1740605 om du vill veta mer (ett fiktivt nummer).",
    },
}

#: A draft: only what names the file, everything else still to write.
DRAFT = {"title": "Utkast", "regions": "nord", "focus_areas": ["kunskap"]}


def open_form(page, site_server, prefix: str = "") -> None:
    page.clock.set_fixed_time(NOON)
    page.goto(site_server.url(f"/{prefix}metoder/dela/"))
    page.wait_for_selector("#kb-method-form", state="visible")


def fill(page, answers: dict) -> None:
    for name in ("title", "summary", "contact_role", "keywords"):  # the problem: its section
        if name in answers:
            page.fill(f"#kb-field-{name}", answers[name])
    if "regions" in answers:
        page.select_option("#kb-field-regions", answers["regions"])
    for name in method_file.CHOICE_FIELDS[1:]:
        for value in answers.get(name, []):
            page.check(f"#kb-method-fields input[name={name}][value={value}]")
    for section_id, text in answers.get("sections", {}).items():
        page.fill(f"#kb-section-{section_id}", text)


def flags(answers: dict) -> list[str]:
    """The same answers for `kb new method`."""
    args = ["--title", answers["title"], "--region", answers["regions"], "--today", TODAY]
    for name, flag in (("summary", "--summary"), ("problem", "--problem"), ("contact_role", "--contact-role"),
                       ("keywords", "--keyword")):
        if answers.get(name):
            args += [flag, answers[name]]
    for name, flag in (("focus_areas", "--focus-area"), ("target_groups", "--target-group"),
                       ("exploitation_forms", "--exploitation-form"), ("actors", "--actor")):
        for value in answers.get(name, []):
            args += [flag, value]
    for section_id, text in answers.get("sections", {}).items():
        args += ["--section", section_id, text]
    return args


def written_by_kb(tmp_path: Path, answers: dict) -> tuple[Path, bytes]:
    project = make_site(tmp_path)
    made = kb("new", "method", *flags(answers), cwd=project)
    assert made.returncode == 0, made.stderr
    path = Path(made.stdout.split("Created ", 1)[1].split("\n", 1)[0])
    return project, (project / path).read_bytes()


def browser_findings(page) -> set[tuple]:
    """Every problem and hint the form shows, after asking it to show them all."""
    page.evaluate("document.getElementById('kb-method-form').requestSubmit()")
    # the declared rules on the file's lines (data-line) are tests/browser/test_conformance.py's
    return {tuple(found) for found in page.evaluate("""() => Array.from(document.querySelectorAll(
        '.kb-problem > span:not([data-line])'), span => {
          const id = span.parentElement.id.replace(/-problem$/, '');
          return [id.startsWith('kb-section-') ? 'section' : 'field', id.replace(/^kb-(section|field)-/, ''),
                  span.dataset.rule, span.classList.contains('kb-guidance')];
        })""")}


def python_findings(content, answers: dict) -> set[tuple]:
    given = method_file.Answers(
        title=answers.get("title", ""), summary=answers.get("summary", ""), problem=answers.get("problem", ""),
        regions=(answers["regions"],) if answers.get("regions") else (),
        focus_areas=tuple(answers.get("focus_areas", ())), target_groups=tuple(answers.get("target_groups", ())),
        exploitation_forms=tuple(answers.get("exploitation_forms", ())), actors=tuple(answers.get("actors", ())),
        contact_role=answers.get("contact_role", ""), keywords=(answers.get("keywords", ""),),
        sections=dict(answers.get("sections", {})))
    clean = method_file.cleaned(given, content.taxonomy)
    return {(f.where, f.name, f.rule, f.hint) for f in method_file.findings(
        method_file.template("sv", "sv"), clean, content.taxonomy, method_file.Taken.of(content, "sv"))}


def heading(page_html: str) -> str:
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", h1)))


# --- Done when ------------------------------------------------------------------------


def test_a_coordinator_shares_a_method(browser, site_server, tmp_path):
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_server.origin)
    page = context.new_page()
    requests, blocked = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text
            else None)
    open_form(page, site_server)
    fill(page, COORDINATOR)
    text = page.input_value("#kb-method-file")
    slug = "samtal-steg-for-steg-fore-efter"
    assert page.text_content("#kb-method-path") == f"docs/metoder/ost/{slug}.md"
    assert page.locator("#kb-method-problems li").count() == 0
    expect(page.locator("#kb-method-status")).to_have_text("Filen är klar att föreslå.")

    # The GitHub link opens the new-file page in the region's folder with the very file in it.
    link = urlsplit(page.get_attribute("#kb-method-github", "href"))
    assert page.is_visible("#kb-method-github") and page.get_attribute("#kb-method-github", "target") == "_blank"
    assert (link.scheme, link.netloc, link.path) == ("https", "github.com",
                                                     "/kunskapsbanken/kunskapsbanken/new/main/docs/metoder/ost")
    assert parse_qs(link.query, keep_blank_values=True, strict_parsing=True) == {"filename": [f"{slug}.md"],
                                                                                  "value": [text]}
    # Download and copy give the same file.
    with page.expect_download() as download:
        page.click("#kb-method-download")
    assert download.value.suggested_filename == f"{slug}.md"
    assert Path(download.value.path()).read_bytes() == text.encode("utf-8")
    page.click("#kb-method-copy")
    expect(page.locator("#kb-method-status")).to_have_text(re.compile("^Filen är kopierad"))
    assert page.evaluate("navigator.clipboard.readText()") == text
    assert [url for url in requests if not url.startswith(site_server.origin)] == [], "nothing left the browser"
    assert context.cookies() == [] and blocked == []
    context.close()

    # `kb new method` with the same answers writes the same bytes.
    _, by_kb = written_by_kb(tmp_path / "kb", COORDINATOR)
    assert by_kb == text.encode("utf-8")

    # The file, put where the link puts it, passes kb check and is listed in the catalogue.
    project = make_site(tmp_path / "site")
    target = project / "docs" / "metoder" / "ost" / f"{slug}.md"
    target.parent.mkdir(parents=True)
    target.write_bytes(text.encode("utf-8"))
    checked = kb("check", cwd=project)
    assert checked.returncode == 0, checked.stdout
    out = tmp_path / "built"
    built = mkdocs_build(project, out)
    assert built.returncode == 0, built.stderr[-3000:]
    catalogue = (out / "metoder" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="ost/{slug}/">{html.escape(COORDINATOR["title"])}</a>' in catalogue
    method = (out / "metoder" / "ost" / slug / "index.html").read_text(encoding="utf-8")
    assert heading(method) == COORDINATOR["title"]
    assert "Region Öst" in method and "Samordnare för Östergötland" in method
    english = (out / "en" / "metoder" / "ost" / slug / "index.html").read_text(encoding="utf-8")
    assert f'href="{REPOSITORY}/edit/main/docs/metoder/ost/{slug}.md"' in english, "a fallback page: the Swedish file"


@pytest.mark.parametrize(("prefix", "answers"), [("", TRICKY), ("en/", TRICKY), ("en/", COORDINATOR), ("", DRAFT)],
                         ids=["tricky", "tricky-english-page", "coordinator-english-page", "draft"])
def test_the_browser_and_kb_new_method_agree(page, site_server, tmp_path, content, prefix, answers):
    open_form(page, site_server, prefix)
    fill(page, answers)
    text = page.input_value("#kb-method-file")
    project, by_kb = written_by_kb(tmp_path, answers)
    assert text.encode("utf-8") == by_kb
    assert browser_findings(page) == python_findings(content, answers)
    if answers is TRICKY:
        assert browser_findings(page) == set(), "nothing to fix"
        checked = kb("check", cwd=project)
        assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("answers", [
    {"title": "!!!", "summary": "Barn < 18 år", "regions": "syd",
     "keywords": "bra, [x](jav&#x61;script:y)", "contact_role": "Ring 08-123 456 78",
     "sections": {"problem": "Född 850312-1234.", "erfarenheter": "Bra\x07"}},
    {"title": "Metoder", "regions": "syd", "focus_areas": ["kunskap"]},
    {"title": "x" * 140, "regions": "bergslagen"},
], ids=["each-rule", "title-taken", "path-too-long"])
def test_the_form_checks_by_the_same_rules(page, site_server, content, answers):
    open_form(page, site_server)
    fill(page, answers)
    found = browser_findings(page)
    assert found == python_findings(content, answers)
    assert page.is_hidden("#kb-method-github")
    assert page.text_content("#kb-method-github-note") == "Länken till GitHub visas när allt i listan ovan är rättat."


# --- the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_form_has_no_accessibility_violations(browser, site_server, prefix, viewport):
    """Empty, with every problem shown, and filled in; as wide as a desktop and as a phone."""
    context = browser.new_context(bypass_csp=True,  # to inject axe-core
                                  **({"viewport": PHONE} if viewport == "phone" else {}))
    page = context.new_page()
    open_form(page, site_server, prefix)
    assert axe_violations(page) == []
    fill(page, {"summary": "Barn < 18 år", "sections": {"problem": "Ring 08-123 456 78."}})
    page.evaluate("document.getElementById('kb-method-form').requestSubmit()")
    assert page.locator(".kb-error").count() > 5, "problems shown"
    assert axe_violations(page) == []
    fill(page, COORDINATOR)
    assert axe_violations(page) == []
    context.close()


def test_problems_are_next_to_their_field_described_and_reachable_by_keyboard(page, site_server):
    open_form(page, site_server)
    page.focus("#kb-field-title")
    page.keyboard.type("<b>Namn</b>")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kb-field-regions", "in reading order"
    assert page.get_attribute("#kb-field-title", "aria-invalid") == "true"
    described = page.get_attribute("#kb-field-title", "aria-describedby").split()
    assert described == ["kb-field-title-hint", "kb-field-title-problem"]
    said = page.text_content("#kb-field-title-problem")
    assert said.startswith("Ta bort tecknen för mindre än och större än")
    assert page.get_attribute("#kb-method-status", "role") == "status"
    assert page.get_attribute("#kb-method-status", "aria-live") == "polite"
    expect(page.locator("#kb-method-status")).to_have_text(re.compile("^Kvar att rätta innan filen är klar: [0-9]+$"))
    # The list of what is left links to each field; following a link puts the cursor there.
    title = page.locator("#kb-method-problems a", has_text="Metodens namn")
    assert title.text_content() == "Metodens namn: " + said.strip()
    title.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "kb-field-title"
    areas = page.locator("#kb-method-problems a", has_text="Insatsområden")
    areas.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "focus_areas"
    assert page.get_attribute("#kb-field-focus_areas", "aria-describedby") == "kb-field-focus_areas-problem"


def test_a_file_too_long_for_a_link_is_copied_instead(page, site_server):
    open_form(page, site_server)
    long = dict(COORDINATOR, sections={**COORDINATOR["sections"], "erfarenheter": "Många år av arbete. " * 400})
    fill(page, long)
    link = page.locator("#kb-method-github")
    assert link.is_visible() and link.text_content() == "Öppna GitHubs sida för en ny fil (klistra in texten där)"
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query == {"filename": ["samtal-steg-for-steg-fore-efter.md"]}, "no value: the text is pasted"
    assert page.text_content("#kb-method-github-note").startswith("Filen är för lång för att fyllas i genom en länk")
    fill(page, COORDINATOR)
    assert "value" in parse_qs(urlsplit(link.get_attribute("href")).query)
    assert link.text_content() == "Föreslå filen på GitHub"


def test_the_draft_stays_in_the_tab_until_cleared_or_the_quick_exit(page, site_server):
    page.route(NEUTRAL + "**", lambda route: route.fulfill(status=200, content_type="text/html", body="neutral"))
    open_form(page, site_server)
    assert "sessionStorage" in page.text_content("#kb-share-draft"), "the page says where the draft is kept"
    fill(page, DRAFT)
    page.fill("#kb-section-problem", "Ett utkast.")
    stored = json.loads(page.evaluate("sessionStorage.getItem('kb-method-draft')"))
    assert stored == {"field:title": "Utkast", "field:regions": "nord", "field:focus_areas": ["kunskap"],
                      "section:problem": "Ett utkast."}
    assert page.evaluate("Object.keys(localStorage).filter(key => key.includes('method'))") == []
    page.reload()
    page.wait_for_selector("#kb-method-form", state="visible")
    assert page.input_value("#kb-field-title") == "Utkast" and page.is_checked("input[value=kunskap]")
    assert page.input_value("#kb-section-problem") == "Ett utkast."
    page.click("#kb-method-clear")
    assert page.evaluate("sessionStorage.getItem('kb-method-draft')") is None
    assert page.input_value("#kb-field-title") == "" and page.input_value("#kb-section-problem") == ""
    assert page.text_content("#kb-method-status") == "Formuläret är tömt och utkastet raderat."
    fill(page, DRAFT)
    assert page.evaluate("sessionStorage.getItem('kb-method-draft')") is not None
    page.click("#kb-quick-exit")
    page.wait_for_url(NEUTRAL)
    open_form(page, site_server)
    assert page.evaluate("sessionStorage.getItem('kb-method-draft')") is None, "the quick exit took the draft"
    assert page.input_value("#kb-field-title") == ""


@pytest.mark.parametrize(("prefix", "heading_text", "template"), [
    ("", "Utan formuläret", "method.sv.md"), ("en/", "Without the form", "method.sv.md")])
def test_without_javascript_the_page_explains_the_way_through_github(browser, site_server, prefix, heading_text,
                                                                     template):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server.url(f"/{prefix}metoder/dela/"))
    assert page.is_hidden("#kb-share"), "the form needs its script"
    assert page.locator("h2", has_text=heading_text).is_visible()
    steps = page.locator("#utan-formularet ~ ol").first
    assert steps.locator("li").count() == 6
    hrefs = steps.locator("a").evaluate_all("links => links.map(a => [a.textContent, a.href])")
    assert hrefs == [["docs/metoder/", f"{REPOSITORY}/new/main/docs/metoder"],
                     [template, f"{REPOSITORY}/blob/main/scripts/kb/model/templates/{template}"]]
    ids = page.locator("#utan-formularet ~ ul").first.text_content()
    assert "ost (Region Öst)" in ids and "upptackt (3. " in ids
    context.close()


@pytest.mark.parametrize(("path", "text"), [("/metoder/", "Dela en metod"), ("/en/metoder/", "Share a method")])
def test_the_catalogue_leads_to_the_share_page(page, site_server, path, text):
    page.goto(site_server.url(path))
    page.click(f"article a:text-is('{text}')")
    page.wait_for_selector("#kb-method-form", state="visible")
    assert page.url.endswith(path + "dela/")
