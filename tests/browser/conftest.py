"""Headless Chromium (Debian's, never a downloaded one) and a local server for built sites."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from conftest import ROOT
from kb.tools import nginx
from kb.tools.browser import CHROMIUM, SiteServer, launch


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium", pytrace=False)
        pytest.skip(f"{CHROMIUM} is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_server(built_site):
    server = SiteServer(built_site)
    yield server
    server.close()


@pytest.fixture(scope="session")
def cited_page(content) -> str:
    """The address (below a language's root) of the first published page that cites a passage
    of data/sources.yml: the pages' citations are the content's, not a fixture's."""
    from kb.model.citations import page_sources
    from kb.model.load import built_url

    for page in content.valid_pages():
        if (page.lang == content.site.default_language and page.meta.status != "draft"
                and page_sources(content.sources, page.body)):
            return built_url(page.key)
    pytest.skip("no page cites a passage of data/sources.yml yet")


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


@contextlib.contextmanager
def serve_with_nginx(site: Path, folder: Path, port: int | None = None):
    """deploy/nginx.conf serving a built site as production serves it; yields the origin.
    Missing nginx fails the test in CI and skips it elsewhere."""
    if not nginx.NGINX.exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run installs Debian's nginx", pytrace=False)
        pytest.skip("nginx is not installed: apt-get install nginx")
    try:
        with nginx.serve(ROOT, site, folder, port) as origin:
            yield origin
    except nginx.NginxUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
