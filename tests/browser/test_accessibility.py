"""WCAG 2.1 AA in a real browser: axe-core (pinned in package-lock.json) finds no violation."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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
]


def axe_violations(page) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: run make setup (npm ci)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", RULES)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.fixture
def audited(browser):
    """A tab that lets the test inject axe-core: the site's Content-Security-Policy allows
    only the theme's own scripts, as it should, and the audit is not one of them."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("path", PAGES)
def test_no_wcag_violations(audited, site_server, prefix, path):
    page = audited
    page.goto(site_server.url(f"/{prefix}{path}"))
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1, ensure_ascii=False)
