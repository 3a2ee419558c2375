"""WCAG 2.2 AA (the law asks for 2.1) in a real browser, on a desktop and on a phone:
axe-core (pinned in package-lock.json) finds no violation."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, ROOT, kb, make_site

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "",                                         # start page
    "manual/steg-2-akut-skydd/",                # a manual step
    "checklistor/barn-sexuell-exploatering/",   # a checklist
    "lagstiftning/manniskohandel/",             # a legislation page
    "kontakter/",                               # the contacts directory
    "kontakter/lan/",                           # the county lookup
    "metoder/",                                 # the method catalogue
    "metoder/gemensamma/sakerhetsplanering/",   # a method
    "ordlista/",                                # the glossary
    "ansvar/sekretess-och-polisen/",            # a decision aid
    "kontakter/stod-och-civilsamhalle/",        # a page with a table
    "sverige-i-korthet/",                       # the page for international partners
    "404.html",                                 # the page for an address that does not exist
    "nytt/",                                    # what's new
]
PHONE = {"width": 390, "height": 800}


def axe_violations(page, only: dict | None = None) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: run make setup (npm ci)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("only => axe.run(document, {runOnly: only})", only or {"type": "tag", "values": RULES})
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
def test_everything_on_the_page_is_inside_a_landmark(audited, site_server, prefix):
    """The quick exit too: a screen-reader user who moves by landmarks must not miss it."""
    audited.goto(site_server.url(f"/{prefix}"))
    assert axe_violations(audited, {"type": "rule", "values": ["region"]}) == []
