"""deploy/nginx.conf serving a built site on 127.0.0.1, as production serves it (gzip, cache
headers, the Content-Security-Policy from `kb csp`): for the browser tests and the
benchmark, so both measure what a reader gets."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from kb.tools import csp
from kb.tools.browser import free_port

NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")


class NginxUnavailable(RuntimeError):
    """nginx is not installed, or the site cannot be served as production serves it."""


@contextlib.contextmanager
def serve(root: Path, site: Path, folder: Path, port: int | None = None) -> Iterator[str]:
    """The project's deploy/nginx.conf serving `site` (its configuration and logs in
    `folder`); yields the origin, http://127.0.0.1:PORT."""
    if not NGINX.exists():
        raise NginxUnavailable("nginx is not installed: apt-get install nginx")
    policy = csp.check(root, site)
    if policy.problems:
        raise NginxUnavailable(f"`kb csp {site}` finds problems: the policy would block part of the site")
    (folder / "csp.conf").write_text(policy.header, encoding="utf-8")
    port = port or free_port()
    server = (root / "deploy" / "nginx.conf").read_text(encoding="utf-8")
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
        while True:
            try:
                urllib.request.urlopen(origin + "/", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise NginxUnavailable(f"nginx did not start: {process.stdout.read().decode()}") from None
                if time.monotonic() > deadline:
                    raise NginxUnavailable("nginx did not answer within 20 seconds") from None
                time.sleep(0.2)
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
