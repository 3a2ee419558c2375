"""WCAG 2.2 AA (the law asks for 2.1) in a real browser, on a desktop and on a phone:
axe-core finds no violation, and a second engine, HTML_CodeSniffer (the one pa11y runs;
both pinned in package-lock.json), no error, with JavaScript and without."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT, kb, make_site

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTMLCS = ROOT / "node_modules" / "@pa11y" / "html_codesniffer" / "build" / "HTMLCS.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "",                                         # start page
    "manual/steg-2-akut-skydd/",                # a manual step
    "checklistor/barn-sexuell-exploatering/",   # a checklist
    "lagstiftning/manniskohandel/",             # a legislation page
    "kontakter/",                               # the contacts directory
    "kontakter/lan/",                           # the county lookup
    "metoder/",                                 # the method catalogue
    "metoder/katalog/redaktionen/",             # a page of the catalogue's listings
    "metoder/gemensamma/sakerhetsplanering/",   # a method
    "ordlista/",                                # the glossary
    "ansvar/sekretess-och-polisen/",            # a decision aid
    "kontakter/stod-och-civilsamhalle/",        # a page with a table
    "sverige-i-korthet/",                       # the page for international partners
    "404.html",                                 # the page for an address that does not exist
    "nytt/",                                    # what's new
    "ovningar/",                                # the list of exercises
    "ovningar/patienten-som-inte-far-tala-sjalv/",  # an exercise as it loads (test_exercises.py: after a choice)
]
#: The A–Ö index (some 1,500 links) is audited once per language, on a phone: axe takes
#: 12 s or more on it, and its layout is the same at every width.
INDEX = "register/"
PHONE = {"width": 390, "height": 800}


def axe_violations(page, only: dict | None = None) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: run make setup (npm ci)"
    page.add_script_tag(path=str(AXE))
    # resultTypes: the passes are counted but not detailed, which halves axe's time on a page;
    # every violation is found and detailed as before
    result = page.evaluate("only => axe.run(document, {runOnly: only, resultTypes: ['violations']})",
                           only or {"type": "tag", "values": RULES})
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.fixture(params=["desktop", "phone"])
def audited(browser, request):
    """A tab that lets the test inject axe-core: the site's Content-Security-Policy allows
    only the theme's own scripts, as it should, and the audit is not one of them. Each page
    is audited as wide as a desktop and as narrow as a phone."""
    context = browser.new_context(bypass_csp=True, **({"viewport": PHONE} if request.param == "phone" else {}))
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(audited, site_server, prefix, path):
    page = audited
    page.goto(site_server.url(f"/{prefix}{path}"))
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_no_wcag_violations_on_a_page_with_references(audited, site_server, cited_page, prefix):
    """Numbered citations, back-links and the folded passages under Källor / Sources."""
    audited.goto(site_server.url(f"/{prefix}{cited_page}"))
    violations = axe_violations(audited)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("name", ["index.html", "ansvar/hanvisningar.html", "ansvar/hanvisningar.en.html"])
def test_the_reviewers_pages_of_sources_have_no_wcag_violations(audited, tmp_path, name):
    """`kb sources --review-all --html`: what CI uploads for reviewers (no site is built)."""
    fixture = FIXTURES / "citations"
    project = make_site(tmp_path, docs=fixture / "docs", data=fixture / "data")
    result = kb("sources", "--review-all", "--html", str(tmp_path / "review"), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    audited.goto((tmp_path / "review" / name).as_uri())
    violations = axe_violations(audited)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_a_to_z_page_has_no_wcag_violations(browser, site_server, prefix):
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    page.goto(site_server.url(f"/{prefix}{INDEX}"))
    violations = axe_violations(page)
    errors = sniff_errors(page)
    context.close()
    assert violations == [] and errors == [], json.dumps([violations, errors], indent=1, ensure_ascii=False)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_everything_on_the_page_is_inside_a_landmark(audited, site_server, prefix):
    """The quick exit too: a screen-reader user who moves by landmarks must not miss it."""
    audited.goto(site_server.url(f"/{prefix}"))
    assert axe_violations(audited, {"type": "rule", "values": ["region"]}) == []


#: HTML_CodeSniffer's errors for WCAG 2 AA on the page as it is now: [code, message, element].
SNIFF = """() => new Promise((done) => HTMLCS.process("WCAG2AA", document, () => done(HTMLCS.getMessages()
  .filter((m) => m.type === HTMLCS.ERROR)
  .map((m) => [m.code, m.msg.slice(0, 120), (m.element.outerHTML || "").slice(0, 120)])),
  () => done([["failed", "HTML_CodeSniffer did not run", ""]]), "en"))"""


def sniff_errors(page) -> list[list[str]]:
    """The second engine's errors. Evaluated, not added as a script: it runs where the page's
    own scripts are off too."""
    assert HTMLCS.is_file(), "HTML_CodeSniffer is missing: run make setup (npm ci)"
    page.evaluate("source => { (0, eval)(source); }", HTMLCS.read_text(encoding="utf-8"))
    return page.evaluate(SNIFF)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_second_engine_finds_no_error(audited, site_server, prefix):
    """Issue 31: the theme's markup made whole (a search form that can be sent, every toggle
    and field named), on every page of the audit, as wide as a desktop and as narrow as a phone."""
    found = {}
    for path in PAGES:
        audited.goto(site_server.url(f"/{prefix}{path}"))
        errors = sniff_errors(audited)
        if errors:
            found[path] = errors
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_a_second_engine_finds_no_error_without_javascript(browser, site_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    found = {}
    for path in [prefix + p for prefix in ("", "en/") for p in PAGES]:
        page.goto(site_server.url(f"/{path}"))
        errors = sniff_errors(page)
        if errors:
            found[path] = errors
    context.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
