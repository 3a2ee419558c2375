"""Links: internal ones block every change; external ones are checked with lychee against
a local server on 127.0.0.1 (no test reaches the internet)."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, add_page, assert_clean_run, kb, make_site, run
from kb.tools.external_links import classify

LYCHEE = Path(sys.executable).parent / "lychee"


class _Endpoints(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    released = threading.Event()  # /slow answers only once the test is over: lychee must time out

    def log_message(self, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path
        self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/slow":
            self.released.wait(timeout=60)
        redirects = {"/moved": "/ok", "/loop": "/loop2", "/loop2": "/loop"}
        if path in redirects:
            self.send_response(301 if path == "/moved" else 302)
            self.send_header("Location", redirects[path])
        elif path == "/busy" and self.hits[path] == 1:
            self.send_response(429)
            self.send_header("Retry-After", "1")
        else:
            self.send_response({"/ok": 200, "/busy": 200, "/slow": 200, "/gone": 410, "/error": 500}.get(path, 404))
        self.end_headers()


@pytest.fixture
def link_server():
    _Endpoints.hits = {}
    _Endpoints.released = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoints)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Endpoints.hits
    _Endpoints.released.set()
    server.shutdown()
    server.server_close()


def _project_with_links(tmp_path, origin: str, names: list[str]):
    project = make_site(tmp_path)
    body = "\n".join(f"- [{name}]({origin}/{name})" for name in names)
    add_page(project, "lankar.md", "---\ntitle: Länkar\nsummary: Externa länkar.\ntype: page\nowner: Redaktionen\n"
             f"status: review\nlast_reviewed_on: 2026-11-01\n---\n\n# Länkar\n\n{body}\n")
    config = (ROOT / "lychee.toml").read_text(encoding="utf-8")
    config = config.replace("exclude_loopback = true", "exclude_loopback = false")
    config = re.sub(r"timeout = \d+", "timeout = 2", config)
    config = re.sub(r"max_retries = \d+", "max_retries = 2", config)
    config = re.sub(r"retry_wait_time = \d+", "retry_wait_time = 1", config)
    (project / "lychee-test.toml").write_text(config, encoding="utf-8")
    return project


def _run_links(project):
    result = kb("links", "--config", "lychee-test.toml", "--report-dir", "report", "docs/lankar.md", cwd=project)
    assert_clean_run(result)
    report = json.loads((project / "report" / "links-report.json").read_text(encoding="utf-8"))
    return result, {r["url"].rsplit("/", 1)[1]: r for r in report}


def test_each_kind_of_external_link_is_classified(tmp_path, link_server):
    origin, hits = link_server
    names = ["ok", "moved", "gone", "missing", "busy", "error", "slow", "loop"]
    project = _project_with_links(tmp_path, origin, names)
    result, found = _run_links(project)
    states = {name: found[name]["state"] for name in names}
    assert states == {"ok": "ok", "moved": "ok", "busy": "ok", "gone": "broken", "missing": "broken",
                      "error": "warning", "slow": "warning", "loop": "warning"}, found
    assert hits["/busy"] >= 2, "a 429 is waited out and retried"
    assert result.returncode == 1, "confirmed failures fail the run"
    assert found["gone"]["source"] == "docs/lankar.md" and found["gone"]["owner"] == "Redaktionen"
    markdown = (project / "report" / "links-report.md").read_text(encoding="utf-8")
    assert "## Redaktionen" in markdown and "### docs/lankar.md" in markdown and "**broken**" in markdown


def test_transient_failures_only_warn(tmp_path, link_server):
    origin, _ = link_server
    project = _project_with_links(tmp_path, origin, ["ok", "error", "slow"])
    result, found = _run_links(project)
    assert result.returncode == 0
    assert "warning" in result.stdout and found["error"]["state"] == "warning"


def test_the_cache_spares_a_second_run(tmp_path, link_server):
    origin, hits = link_server
    project = _project_with_links(tmp_path, origin, ["ok", "gone"])
    _run_links(project)
    first = hits.get("/ok", 0)
    result, found = _run_links(project)
    assert hits.get("/ok", 0) == first, "a fresh result is taken from the cache"
    assert found["ok"]["state"] == "ok" and found["gone"]["state"] == "broken"
    assert result.returncode == 1


@pytest.mark.parametrize(("status", "state"), [
    ({"text": "200 OK", "code": 200}, "ok"),
    ({"text": "Rejected status code: 404 Not Found", "code": 404}, "broken"),
    ({"text": "Rejected status code: 410 Gone", "code": 410}, "broken"),
    ({"text": "Network error", "details": "dns error: failed to lookup address information"}, "broken"),
    ({"text": "Rejected status code: 429 Too Many Requests", "code": 429}, "warning"),
    ({"text": "Rejected status code: 503 Service Unavailable", "code": 503}, "warning"),
    ({"text": "Timeout", "details": "Request timed out"}, "warning"),
    ({"text": "Network error", "details": "Connection refused"}, "warning"),
])
def test_classification_rules(status, state):
    assert classify(status) == state


def test_lychee_offline_with_fragments_finds_no_error_in_the_built_site(built_site):
    result = subprocess.run([str(LYCHEE), "--offline", "--include-fragments", "--no-progress", "--root-dir",
                             str(built_site), "--index-files", "index.html", str(built_site)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 Errors" in result.stdout


def _make_check(project):
    return run(["make", "--no-print-directory", "-o", ".venv/.installed", "check"], project)


@pytest.mark.parametrize(("link", "message"), [
    ("[fel](manual/finns-inte.md)", "finns-inte"),
    ("[fel](manual/index.md#finns-inte)", "finns-inte"),
    ("<a href=\"manual/finns-inte/\">fel</a>", "the link to manual/finns-inte/ leads to no page"),
    ("[engelska](manual/index.en.md)", "link to the en file manual/index.en.md: link to manual/index.md"),
    ("<a href=\"../en/manual/\">engelska</a>", "the link to ../en/manual/ leads out of docs/"),
    ("[osäker](http://example.org/)", "insecure link http://example.org/"),
])
def test_make_check_fails_on_bad_internal_links_naming_the_page(tmp_path, link, message):
    project = make_site(tmp_path)
    add_page(project, "lanktest.md", "---\ntitle: Länktest\nsummary: En länk.\ntype: page\nowner: Redaktionen\n"
             f"status: review\nlast_reviewed_on: 2026-11-01\n---\n\n# Länktest\n\nSe {link}.\n")
    result = _make_check(project)
    assert_clean_run(result)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "lanktest" in output and message in output, output[-2000:]


def test_make_check_passes_on_the_shipped_site(tmp_path):
    result = _make_check(make_site(tmp_path))
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]


def test_the_check_during_the_build_finds_what_the_check_after_it_finds(built_site, tmp_path):
    """A full build hands each written page to a second process: a broken link on the first
    or the last page is reported, with its line, in the same order as by check_site; and
    if that process dies, check_site takes over."""
    from kb.build import link_check
    from kb.model.site import load_site

    site_dir = tmp_path / "site"
    shutil.copytree(built_site, site_dir)
    first, last = site_dir / "manual" / "index.html", site_dir / "en" / "manual" / "index.html"
    for page in (first, last):
        page.write_text(page.read_text(encoding="utf-8").replace("</article>", '<a href="../saknas/">x</a></article>'),
                        encoding="utf-8")
    site = load_site(ROOT)
    alone = link_check.check_site(site_dir, site)
    assert {p.path for p in alone} == {"site/manual/index.html", "site/en/manual/index.html"}
    assert all("broken link ../saknas/" in p.message and p.line > 1 for p in alone)
    pages = sorted(site_dir.rglob("*.html"))
    for dies, batch in ((False, 1), (False, 7), (True, 7)):  # one page per message, several, a dead process
        streamed = link_check.StreamedCheck(site_dir, site)
        streamed.BATCH = batch
        for page in pages:
            streamed.written(page)
        if dies:
            streamed._process.kill()
        assert [str(p) for p in streamed.problems()] == [str(p) for p in alone]
        assert not streamed._process.is_alive()


def test_only_ids_and_link_names_are_anchors(tmp_path):
    """#viewport is not an anchor because of <meta name="viewport">; <a name> and id are."""
    from kb.build import link_check
    from kb.model.site import load_site

    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text(
        '<html><head><meta name="viewport" content="x"></head><body><article>'
        '<h2 id="rubrik">R</h2><a name="gammal"></a>'
        '<a href="#rubrik">1</a><a href="#gammal">2</a><a href="#viewport">3</a></article></body></html>',
        encoding="utf-8")
    problems = link_check.check_site(site_dir, load_site(ROOT))
    assert [p.message for p in problems] == ["broken link #viewport: / has no anchor #viewport"]
