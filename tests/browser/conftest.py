"""Headless Chromium (Debian's, never a downloaded one) and a local server for built sites."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, kb
from kb.tools.browser import CHROMIUM, SiteServer, free_port, launch


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


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")


@contextlib.contextmanager
def serve_with_nginx(site: Path, folder: Path, port: int | None = None):
    """deploy/nginx.conf serving a built site on 127.0.0.1 (the Content-Security-Policy from
    `kb csp`), as production serves it; yields the origin."""
    if not NGINX.exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI: .ci/run installs Debian's nginx", pytrace=False)
        pytest.skip("nginx is not installed: apt-get install nginx")
    policy = kb("csp", str(site))
    assert policy.returncode == 0, policy.stdout + policy.stderr
    (folder / "csp.conf").write_text(policy.stdout, encoding="utf-8")
    port = port or free_port()
    server = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    server = (server.replace("listen 8080;", f"listen 127.0.0.1:{port};")
              .replace("root /srv/kunskapsbanken/site;", f"root {site};")
              .replace("/etc/nginx/kunskapsbanken-csp.conf", str(folder / "csp.conf")))
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n client_body_temp_path {folder}/body;\n"
        f" proxy_temp_path {folder}/proxy;\n fastcgi_temp_path {folder}/fastcgi;\n uwsgi_temp_path {folder}/uwsgi;\n"
        f" scgi_temp_path {folder}/scgi;\n{server}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    origin = f"http://127.0.0.1:{port}"
    try:
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
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
