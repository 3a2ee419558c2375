"""deploy/nginx.conf over the built site: headers as configured, and a browser that
reports no Content-Security-Policy violation on the pages it loads."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request

import pytest

from browser.conftest import serve_with_nginx
from browser.test_csp import PAGE_TYPES, search, visit, watch_for_violations
from conftest import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def nginx(built_site, tmp_path_factory):
    with serve_with_nginx(built_site, tmp_path_factory.mktemp("nginx")) as origin:
        yield origin


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


#: What every response carries, whichever location serves it, errors included.
SECURITY_HEADERS = {
    "Content-Security-Policy": lambda v: v.startswith("default-src 'self'; script-src 'self' 'sha256-")
    and v.endswith("frame-ancestors 'none'") and "unsafe-inline" not in v,
    "Strict-Transport-Security": lambda v: v.startswith("max-age=31536000"),
    "X-Content-Type-Options": lambda v: v == "nosniff",
    "Referrer-Policy": lambda v: v == "no-referrer",
    "Permissions-Policy": lambda v: "camera=()" in v and "geolocation=()" in v,
    "X-Frame-Options": lambda v: v == "DENY",
    "Cross-Origin-Opener-Policy": lambda v: v == "same-origin",
}


#: A location's head: what follows the word, a quoted regular expression with braces included.
LOCATION = r'^\s*location\s+((?:"[^"]*"|[^{"])+?)\s*'


def locations() -> list[str]:
    """The `location` blocks of deploy/nginx.conf, as written after the word."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    return re.findall(LOCATION + r"\{", conf, re.M)


def served_by(location: str, path: str) -> bool:
    """Whether nginx could pick `location` for `path` (prefix or regular expression)."""
    match = re.fullmatch(r'(~\*?)\s+"?(.*?)"?', location)
    if match:
        return re.search(match.group(2), path, re.I if match.group(1) == "~*" else 0) is not None
    return path.startswith(location.lstrip("= ").strip())


def test_every_location_sends_every_security_header(nginx, built_site):
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    paths = ["/", "/manual/steg-2-akut-skydd/", "/en/", "/en/manual/", "/finns-inte/", "/en/finns-inte/",
             f"/assets/javascripts/{bundle}", "/feeds/en.xml", "/assets/kb.css", "/assets/saknas.0123abcd.min.js",
             "/search/search_index.json", "/en/search/search_index.json"]
    for location in locations():
        assert any(served_by(location, path) for path in paths), f"no request below reaches location {location}"
    for path in paths:
        status, headers, _ = fetch(nginx + path)
        for name, holds in SECURITY_HEADERS.items():
            assert headers[name] is not None and holds(headers[name]), f"{path} ({status}): {name}: {headers[name]}"
        assert headers.get_all("Content-Security-Policy") == [headers["Content-Security-Policy"]], "sent once"
        assert headers.get("Server") == "nginx", "no version in the Server header"
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    always = set(re.findall(r"^\s*add_header\s+(\S+)\s.*\balways;", conf, re.M))
    assert always <= set(SECURITY_HEADERS), f"the test checks every header sent always: {always}"


def test_no_location_drops_the_inherited_headers():
    """nginx drops every add_header of the server block in a location with an add_header of
    its own: the headers are set in the server block only."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for block in re.findall(r"^\s*location\s+(?:\"[^\"]*\"|[^{\"])+\{(.*?)^\s*\}", conf, re.M | re.S):
        assert "add_header" not in block and "include" not in block, block


def test_404_page_per_language(nginx):
    status, _, body = fetch(nginx + "/finns-inte/")
    assert status == 404 and b'<html lang="sv"' in body
    status, _, body = fetch(nginx + "/en/does-not-exist/")
    assert status == 404 and b'<html lang="en"' in body


def test_gzip_and_caching_of_fingerprinted_assets(nginx, built_site):
    _, headers, _ = fetch(nginx + "/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] is None, "pages are not cached for a year"
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, headers, _ = fetch(f"{nginx}/assets/javascripts/{bundle}")
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["Content-Security-Policy"], "the security headers stay on cached assets"
    status, headers, _ = fetch(f"{nginx}/assets/javascripts/bundle.0123abcd.min.js")
    assert status == 404 and headers["Cache-Control"] is None, "a missing asset's 404 is not cached"


def test_the_search_index_is_sent_as_the_build_compressed_it(nginx, built_site):
    """Every page load fetches its language's manifest, and a search the shards it reads:
    nginx sends the build's .gz of each (gzip_static, with a length) rather than
    compressing it again for each request."""
    for prefix in ("", "en/"):
        for name in ("lunr_index.json", "shards/t0.json", "shards/d0.json"):
            index = built_site / prefix / "search" / name
            zipped = index.with_name(index.name + ".gz").read_bytes()
            assert gzip.decompress(zipped) == index.read_bytes(), "the .gz holds the same file"
            status, headers, body = fetch(f"{nginx}/{prefix}search/{name}", **{"Accept-Encoding": "gzip"})
            assert status == 200 and headers["Content-Encoding"] == "gzip"
            assert body == zipped and headers["Content-Length"] == str(len(zipped)), "the build's file, as it is"
            status, headers, body = fetch(f"{nginx}/{prefix}search/{name}")
            assert status == 200 and headers["Content-Encoding"] is None and body == index.read_bytes()


def test_no_csp_violation_on_any_kind_of_page(page, nginx):
    violations = watch_for_violations(page)
    paths = {**PAGE_TYPES, "404 page": "/finns-inte/", "English 404 page": "/en/finns-inte/"}
    for kind, path in paths.items():
        response = page.goto(nginx + path)
        assert response.status == (404 if "404" in kind else 200), kind
        assert response.headers["content-security-policy"].endswith("frame-ancestors 'none'"), kind
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof __md_get === 'function'"), f"{kind}: the theme's inline script ran"
    visit(page, nginx + "/")
    assert search(page, "reflektionstid") > 0, "search works under the policy"
    visit(page, nginx + "/en/")
    assert search(page, "reflection period") > 0
    assert violations == []
