"""The attack corpus, built with kb check skipped: the build's own allowlist leaves nothing to
run, nothing that leaves the page, nothing loaded from another site, and the quick exit in
reach on every page, as Chromium shows."""

from __future__ import annotations

import re
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
    _methods_that_hide_their_vetting_notice(project)
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


#: Two methods in review that try to hide their "not vetted" notice: with a marker of their
#: own in a hidden element, and with their title inside a closed <details>.
HIDING_METHODS = {
    "dold-markor": '<div hidden markdown><!-- kb-listing-0 --></div>\n\n<div hidden markdown>\n\n# {title}\n\n</div>',
    "dold-rubrik": "<details markdown>\n<summary>Mer</summary>\n\n# {title}\n\n</details>",
}


def _methods_that_hide_their_vetting_notice(project):
    source = (project / "docs" / "metoder" / "gemensamma" / "lokal-handlingsplan.md").read_text(encoding="utf-8")
    front, body = source.split("\n---\n", 1)
    title = re.search(r"^title: \"?(.*?)\"?$", front, re.M).group(1)
    for name, heading in HIDING_METHODS.items():
        text = front.replace(f"title: \"{title}\"", f"title: \"{name}\"").replace(f"title: {title}", f"title: {name}")
        text = re.sub(r"^status: .*$", "status: review", text, flags=re.M)
        body_without_title = re.sub(r"^# .*$", heading.format(title=name), body, count=1, flags=re.M)
        (project / "docs" / "metoder" / "gemensamma" / f"{name}.md").write_text(
            f"{text}\n---\n{body_without_title}", encoding="utf-8")


@pytest.mark.parametrize("name", sorted(HIDING_METHODS))
def test_a_method_in_review_cannot_hide_that_it_is_not_vetted(browser, attacked_site, name):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(attacked_site.url(f"/metoder/gemensamma/{name}/"))
        facts = page.locator(".kb-facts")
        assert facts.count() == 1
        assert facts.evaluate("el => el.checkVisibility()"), f"the facts box of {name} is hidden"
        assert "inte granskad" in facts.inner_text()
    finally:
        context.close()


def test_ring_112_on_the_start_page_dials_112_and_goes_nowhere_else(browser, site_server):
    """The real site: every link on the start page whose text is an emergency number dials it,
    and every link that leaves the site is one written in the sources (the quick exit's too)."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site_server.url("/"))
        links = page.eval_on_selector_all("a[href^='tel:']", "els => els.map(a => [a.textContent.trim(), "
                                          "a.getAttribute('href')])")
        assert ["112", "tel:112"] in links
        for shown, href in links:
            assert href == "tel:" + ("+46" + shown.replace("-", "").replace(" ", "")[1:]
                                     if shown.startswith("0") else shown.replace(" ", "")), (shown, href)
        away = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href')).filter(h => "
                                         "/^https?:/.test(h))")
        written = "\n".join(p.read_text(encoding="utf-8") for folder in ("docs", "data", "overrides")
                            for p in (ROOT / folder).rglob("*") if p.suffix in (".md", ".yml", ".html", ".js"))
        written += (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        assert away and all(h.replace("&amp;", "&").rstrip("/") in written or h.startswith("https://github.com/")
                            for h in away), [h for h in away if h.rstrip("/") not in written]
    finally:
        context.close()
