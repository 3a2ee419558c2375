"""The further languages are built in a fork beside the default language (kb.build.further_languages).

A reader gets the same site either way; a contributor gets the same verdict and message
whichever language the broken page is in.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import ROOT, add_page, assert_clean_run, make_site, run
from kb.build import link_check
from kb.model.site import load_site

PAGE = ("---\ntitle: {title}\nsummary: Ett angrepp.\ntype: page\nowner: Redaktionen\nstatus: review\n"
        "last_reviewed_on: 2026-11-01\n---\n\n# {title}\n\n<script>alert(1)</script>\n")


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_the_languages_built_side_by_side_give_the_site_built_one_after_the_other(built_site, tmp_path):
    """Every file, byte for byte. One differs, for the better: static-i18n, building the
    languages one after the other, leaves the English 404 page's language links pointing
    at the last Swedish page it rendered; side by side they lead to the start pages."""
    one_after_the_other = tmp_path / "one-process"
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir",
                  str(one_after_the_other)], ROOT, KB_ONE_PROCESS="1")
    assert result.returncode == 0, result.stderr[-3000:]
    forked, alone = _files(built_site), _files(one_after_the_other)
    assert sorted(forked) == sorted(alone)
    differ = [name for name in forked if forked[name] != alone[name]]
    assert differ == ["en/404.html"], differ
    error_page = forked["en/404.html"].decode("utf-8")
    assert 'href="/" hreflang="sv"' in error_page and 'href="/en/" hreflang="en"' in error_page
    assert b"<loc>https://" in forked["sitemap.xml"] and forked["sitemap.xml"].count(b"<url>") > 100


def test_a_page_that_fails_in_a_further_language_stops_the_build_naming_it(tmp_path):
    """The English build runs in the fork: the allowlist's verdict on an English page still
    stops the strict build, with the page named and no traceback."""
    project = make_site(tmp_path)
    add_page(project, "ond.md", PAGE.format(title="Ond").replace("<script>alert(1)</script>\n", "Inget ont.\n"))
    (project / "docs" / "ond.en.md").write_text(PAGE.format(title="Evil"), encoding="utf-8")
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                 project, KB_SKIP_CHECKS="1")
    assert_clean_run(result)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "docs/ond.en.md: <script> is not allowed in pages" in result.stderr
    assert "the pages in en could not be built (the messages above say why)" in result.stderr
    assert "docs/ond.md:" not in result.stderr


def test_a_page_that_fails_in_the_default_language_stops_the_fork_too(tmp_path):
    """The Swedish page fails while the fork builds English: the build stops with the
    Swedish page named, and with the fork ended it returns."""
    project = make_site(tmp_path)
    add_page(project, "ond.md", PAGE.format(title="Ond"))
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
                 project, KB_SKIP_CHECKS="1", timeout=120)
    assert_clean_run(result)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "docs/ond.md: <script> is not allowed in pages" in result.stderr
    assert "could not be built" not in result.stderr


def test_the_link_check_reads_pages_from_every_writer(tmp_path):
    """Two processes write pages, each handing them to the streamed check on its own
    connection: it finds what the check of the whole site finds, a broken link on a page
    of either writer included."""
    site = load_site(ROOT)
    out = tmp_path / "site"
    pages = []
    for number in range(60):
        folder = out / ("en/" if number % 2 else "") / f"sida-{number}"
        folder.mkdir(parents=True)
        target = "/finns-inte/" if number in (7, 8) else f"/sida-{(number + 2) % 60}/" if number % 2 == 0 \
            else f"/en/sida-{(number + 2) % 60 | 1}/"
        (folder / "index.html").write_text(f'<html><body><a href="{target}">länk</a></body></html>',
                                           encoding="utf-8")
        pages.append(folder / "index.html")
    streamed = link_check.StreamedCheck(out, site, writers=2)
    pid = os.fork()
    if pid == 0:
        try:
            streamed.become_writer(1)
            for page in pages[1::2]:
                streamed.written(page)
            streamed.finish_writing()
        finally:
            os._exit(0)
    streamed.forked()
    for page in pages[::2]:
        streamed.written(page)
    os.waitpid(pid, 0)
    found = streamed.problems()
    expected = link_check.check_site(out, site, "")
    assert sorted(map(str, found)) == sorted(map(str, expected))
    assert {p.path for p in found} == {"site/sida-8/index.html", "site/en/sida-7/index.html"}, found
