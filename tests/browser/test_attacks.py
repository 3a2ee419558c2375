"""The attack corpus, built with kb check skipped: the build's own allowlist leaves nothing to
run, nothing that leaves the page, nothing loaded from another site, and the quick exit in
reach on every page, as Chromium shows."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest

from conftest import FIXTURES, ROOT, make_site, run
from kb.tools.browser import SiteServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CORPUS = FIXTURES / "attack-corpus"
PAGES = [f"/angrepp/{page.stem}/" for page in sorted((CORPUS / "docs" / "angrepp").glob("*.md"))]
PAGES += ["/ordlista/", "/kontakter/", "/en/ordlista/"]  # the glossary and contacts hold data/ attacks

#: Every event an inline handler in the corpus listens for, fired at every element of the page.
PROVOKE = """() => {
  for (const el of document.querySelectorAll('body *')) {
    for (const type of ['click', 'mouseover', 'focus', 'toggle', 'error', 'load', 'animationstart'])
      if (!(type === 'click' && el.closest('a[href], button, summary, label, #kb-quick-exit')))
        el.dispatchEvent(new Event(type));
  }
}"""

#: What the article must not hold, whatever the Markdown said.
LEFT_OVER = """() => {
  const article = document.querySelector('article');
  const found = [];
  for (const el of article.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'style', 'iframe', 'object', 'embed', 'meta', 'base', 'link', 'svg', 'math', 'noscript',
         'template', 'form', 'video', 'audio', 'xmp'].includes(tag)) found.push('<' + tag + '>');
    for (const attribute of el.attributes) {
      if (attribute.name.startsWith('on')) found.push(tag + ' ' + attribute.name);
      if (attribute.name === 'style') found.push(tag + ' style=' + attribute.value);
    }
    if (tag === 'a' && el.href && !['http:', 'https:', 'mailto:', 'tel:'].includes(new URL(el.href).protocol))
      found.push('a href=' + el.getAttribute('href'));
    if (tag === 'img' && el.src && new URL(el.src).origin !== location.origin) found.push('img src=' + el.src);
  }
  return found;
}"""

#: The quick exit is visible and nothing covers its centre.
QUICK_EXIT = """() => {
  const exit = document.getElementById('kb-quick-exit');
  const box = exit.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return box.width >= 24 && box.height >= 24 && (top === exit || exit.contains(top));
}"""


@pytest.fixture(scope="module")
def attacked_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacked")
    project = make_site(folder)
    shutil.copytree(CORPUS / "docs" / "angrepp", project / "docs" / "angrepp")
    for name in ("glossary.yml", "contacts.yml", "sources.yml"):
        shutil.copy2(CORPUS / "data" / name, project / "data" / name)
    out = folder / "site"
    result = run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--no-strict", "--site-dir", str(out)], project,
                 KB_SKIP_CHECKS="1")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "the allowlist removed this from the page" in result.stderr, "the allowlist had nothing to do"
    server = SiteServer(out)
    yield server
    server.close()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_runs_leaves_or_loads_from_elsewhere(browser, attacked_site, path):
    context = browser.new_context()
    page = context.new_page()
    dialogs, elsewhere = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    context.on("request", lambda request: elsewhere.append(request.url)
               if urlsplit(request.url).scheme in ("http", "https")
               and not request.url.startswith(attacked_site.origin) else None)
    try:
        url = attacked_site.url(path)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.evaluate(PROVOKE)
        page.wait_for_load_state("networkidle")
        assert dialogs == [], f"script ran on {path}: {dialogs}"
        assert page.url == url, f"{path} navigated to {page.url}"
        assert elsewhere == [], f"{path} asked another site for {elsewhere}"
        assert page.evaluate(LEFT_OVER) == [], path
        assert page.evaluate(QUICK_EXIT), f"the quick exit is hidden or covered on {path}"
    finally:
        context.close()
