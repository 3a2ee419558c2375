"""The offline edition: a zip of both languages that works from disk, search included."""

from __future__ import annotations

import zipfile

import pytest

from conftest import ROOT, kb
from kb.tools import search

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    archive = folder / "kunskapsbanken-offline.zip"
    result = kb("offline", "--out", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    unpacked = folder / "unpacked"
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(unpacked)
    return unpacked


def offline_search(page, url: str, query: str) -> list[str]:
    """The pages the search box lists, best first, as file:// URLs."""
    page.goto(url)
    page.wait_for_timeout(1500)  # the search worker starts through an iframe under file://
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.wait_for_selector(".md-search-result__item > .md-search-result__link", timeout=15000)
    return page.eval_on_selector_all(".md-search-result__item",
                                     "els => els.map(e => e.querySelector(':scope > a').href.split('?')[0])")


def test_offline_zip_has_both_languages(offline_site):
    assert (offline_site / "index.html").is_file() and (offline_site / "en" / "index.html").is_file()
    assert (offline_site / "manual" / "steg-2-akut-skydd.html").is_file(), "page.html links for file://"
    assert (offline_site / "search" / "search_index.js").is_file()
    assert (offline_site / "en" / "search" / "search_index.js").is_file()


def test_offline_search_is_the_sites_search_from_file_urls(page, offline_site):
    """From disk, the search box loads the index the build made (in search_index.js: a
    worker cannot fetch from file://) and ranks as `kb search` does over the same files."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for start, lang, query in ((offline_site / "index.html", "sv", "reflektionstiden"),
                               (offline_site / "en" / "manual" / "index.html", "en", "reflection periods")):
        shown = offline_search(page, start.as_uri(), query)
        folder = offline_site / ("" if lang == "sv" else lang)
        expected = [(folder / (hit.location or "index.html")).as_uri()
                    for hit in search.search(search.build_index(folder / "search" / "search_index.json", ROOT, lang),
                                             query)]
        assert shown and shown == expected[:len(shown)], (shown, expected)
    assert [url for url in requests if not url.startswith("file://")] == [], "nothing is fetched from the network"


def test_offline_zip_holds_the_exercises_and_they_work_from_disk(page, offline_site):
    """Issue 33: every exercise in both languages, and from file:// the script still holds a
    stage back until the reader has chosen, with nothing fetched from the network."""
    for folder in (offline_site, offline_site / "en"):
        assert (folder / "ovningar" / "index.html").is_file()
        assert len(list((folder / "ovningar").glob("*.html"))) >= 10  # eight exercises, the list, the guide
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((offline_site / "ovningar" / "patienten-som-inte-far-tala-sjalv.html").as_uri())
    assert page.locator("#steg-2").is_hidden()
    page.locator(".kb-option summary").first.click()
    page.locator(".kb-next").first.click()
    assert page.locator("#steg-2").is_visible()
    assert [url for url in requests if not url.startswith("file://")] == []
