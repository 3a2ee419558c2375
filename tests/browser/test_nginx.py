"""deploy/nginx.conf over the built site: headers as configured, and a browser that
reports no Content-Security-Policy violation on the pages it loads."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, kb
from kb.tools.browser import free_port

pytestmark = pytest.mark.browser
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def nginx(built_site, tmp_path_factory):
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run installs Debian's nginx", pytrace=False)
        pytest.skip("nginx is not installed: apt-get install nginx")
    folder = tmp_path_factory.mktemp("nginx")
    (folder / "csp.conf").write_text(kb("csp", str(built_site)).stdout, encoding="utf-8")
    port = free_port()
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    server = (server.replace("listen 8080;", f"listen 127.0.0.1:{port};")
              .replace("root /srv/kunskapsbanken/site;", f"root {built_site};")
              .replace("/etc/nginx/kunskapsbanken-csp.conf", str(folder / "csp.conf")))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fastcgi;\n uwsgi_temp_path {folder}/uwsgi;\n"
        f" scgi_temp_path {folder}/scgi;\n{server}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(origin + "/", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stdout.read().decode()}")
            time.sleep(0.2)
    yield origin
    process.terminate()
    process.wait(timeout=20)
    process.stdout.close()


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_security_headers_on_pages_and_errors(nginx):
    for path in ("/", "/en/manual/", "/finns-inte/"):
        status, headers, _ = fetch(nginx + path)
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers.get("Server") == "nginx", "no version in the Server header"


def test_404_page_per_language(nginx):
    status, _, body = fetch(nginx + "/finns-inte/")
    assert status == 404 and b'<html lang="sv"' in body
    status, _, body = fetch(nginx + "/en/does-not-exist/")
    assert status == 404 and b'<html lang="en"' in body


def test_gzip_and_caching_of_fingerprinted_assets(nginx, built_site):
    _, headers, _ = fetch(nginx + "/", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    bundle = next((built_site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, headers, _ = fetch(f"{nginx}/assets/javascripts/{bundle}")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers["Content-Security-Policy"], "the security headers stay on cached assets"


def test_no_csp_violation_in_the_browser(page, nginx):
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => console.error('Content Security Policy violation: ' + e.violatedDirective))")
    for path in ("/", "/en/", "/manual/steg-2-akut-skydd/", "/kontakter/", "/metoder/",
                 "/checklistor/vuxna-sexuell-exploatering/", "/en/lagstiftning/manniskohandel/"):
        page.goto(nginx + path)
        page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type("reflektionstid")
    page.wait_for_timeout(1500)
    assert violations == []
    assert page.locator(".md-search-result__item").count() > 0, "search works under the policy"
