"""The Content-Security-Policy each page carries in a <meta>, in Chromium: served by a plain
static server that sends no headers (as GitHub Pages or any host may), and opened from disk
(the offline edition). tests/browser/test_nginx.py runs the same pages under nginx's header."""

from __future__ import annotations

import shutil

import pytest

from conftest import BIN, ROOT, run
from kb.tools.browser import SiteServer

pytestmark = pytest.mark.browser

#: One page of every kind, in both languages (the error pages are added by each test: a
#: static server shows them at their own address, nginx at a missing one).
PAGE_TYPES = {
    "start page": "/",
    "manual step": "/manual/steg-2-akut-skydd/",
    "checklist": "/checklistor/vuxna-sexuell-exploatering/",
    "legislation": "/lagstiftning/manniskohandel/",
    "method": "/metoder/gemensamma/lokal-handlingsplan/",
    "method catalogue": "/metoder/",
    "contacts": "/kontakter/",
    "glossary": "/ordlista/",
    "exercise": "/ovningar/patienten-som-inte-far-tala-sjalv/",
    "English start page": "/en/",
    "English manual step": "/en/manual/steg-2-akut-skydd/",
    "English checklist": "/en/checklistor/vuxna-sexuell-exploatering/",
    "English legislation": "/en/lagstiftning/manniskohandel/",
    "English method": "/en/metoder/gemensamma/lokal-handlingsplan/",
    "English method catalogue": "/en/metoder/",
    "English contacts": "/en/kontakter/",
    "English glossary": "/en/ordlista/",
    "English exercise": "/en/ovningar/patienten-som-inte-far-tala-sjalv/",
}

#: Reports every violation as a console error, wherever the browser's own message goes.
REPORT_VIOLATIONS = ("document.addEventListener('securitypolicyviolation', e => console.error("
                     "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' '"
                     " + (e.sample || '')))")


def watch_for_violations(page) -> list[str]:
    """The Content Security Policy messages of `page` from now on: violation events and the
    browser's console errors (a directive a <meta> cannot carry is one too)."""
    found: list[str] = []
    page.on("console", lambda message: found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.add_init_script(REPORT_VIOLATIONS)
    return found


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof __md_get === 'function'"), f"{url}: the theme's inline script ran"


def search(page, query: str) -> int:
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    return page.locator(".md-search-result__item").count()


def meta_policy(page) -> str | None:
    return page.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content ?? null")


def test_no_violation_on_any_kind_of_page_under_the_meta_policy(page, site_server):
    violations = watch_for_violations(page)
    paths = {**PAGE_TYPES, "404 page": "/404.html", "English 404 page": "/en/404.html"}
    for kind, path in paths.items():
        response = page.goto(site_server.url(path))
        assert response.status == 200 and "content-security-policy" not in response.headers, "no header here"
        page.wait_for_load_state("networkidle")
        assert (meta_policy(page) or "").startswith("default-src 'self'; script-src 'self' 'sha256-"), kind
        assert page.evaluate("typeof __md_get === 'function'"), f"{kind}: the theme's inline script ran"
    visit(page, site_server.url("/"))
    assert search(page, "reflektionstid") > 0, "search works under the policy"
    visit(page, site_server.url("/en/"))
    assert search(page, "reflection period") > 0
    assert violations == []


def test_an_injected_inline_script_is_blocked_by_the_meta_policy(page, built_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    step = site / "manual" / "steg-2-akut-skydd" / "index.html"
    article = '<article class="md-content__inner md-typeset">'
    html = step.read_text(encoding="utf-8")
    assert html.count(article) == 1
    step.write_text(html.replace(article, article + (
        '<script>window.kbInjected = true</script>'
        '<img src="saknas.png" alt="" onerror="window.kbHandler = true">'
        '<a id="kb-js-link" href="javascript:window.kbLink = true">x</a>')), encoding="utf-8")
    server = SiteServer(site)
    try:
        violations = watch_for_violations(page)
        visit(page, server.url("/manual/steg-2-akut-skydd/"))
        page.click("#kb-js-link")
        page.wait_for_timeout(300)
        ran = page.evaluate("[window.kbInjected, window.kbHandler, window.kbLink]")
    finally:
        server.close()
    assert ran == [None, None, None], "neither the script, the handler nor the javascript: link ran"
    assert any("script-src" in v and "inline" in v for v in violations), violations
    assert len([v for v in violations if "violation: script-src" in v]) >= 3, violations


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory):
    """The offline edition as `kb offline` builds it, unzipped."""
    out = tmp_path_factory.mktemp("offline-csp") / "site"
    result = run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(out)], ROOT,
                 KB_OFFLINE="true", KB_DIRECTORY_URLS="false")
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_the_offline_edition_searches_from_disk_under_its_meta_policy(page, offline_build):
    """Under file:// the search worker runs in a frame whose first script iframe-worker's
    shim writes inline: the policy of each page lists it, and nothing else is blocked."""
    violations = watch_for_violations(page)
    for path, query in (("index.html", "reflektionstid"), ("en/manual/index.html", "reflection period"),
                        ("metoder/gemensamma/lokal-handlingsplan.html", "reflektionstid")):
        url = (offline_build / path).as_uri()
        page.goto(url)
        page.wait_for_timeout(1500)  # the worker starts through an iframe under file://
        assert (meta_policy(page) or "").startswith("default-src 'self'"), path
        assert search(page, query) > 0, f"{path}: search works from disk under the policy"
    assert violations == []
